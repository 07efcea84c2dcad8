"""Summary reports: sections planned from the topic, written and checked like answers, then rendered."""
