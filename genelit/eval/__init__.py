"""Benchmark harness: each evaluation reads a data file given by path and returns a typed result."""
