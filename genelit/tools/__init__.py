"""Agent-facing tools: thin wrappers whose docstrings are their contract with the LLM."""
