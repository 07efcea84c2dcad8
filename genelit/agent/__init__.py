"""The agent: the LLM seam, the local server, the tool-calling loop, the pipeline and citation checks."""
