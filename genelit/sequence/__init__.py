"""Local sequence knowledge: gene reference data, sequence reading and validation, variants and their scores."""
