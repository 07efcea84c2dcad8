"""Performance benchmarks, each run as a module from the checkout: `python -m bench.ingest --n 2000`."""
