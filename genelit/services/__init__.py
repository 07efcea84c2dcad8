"""The services under the Assistant facade, one per domain: literature, sequences and answers."""
