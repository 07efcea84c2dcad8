#!/usr/bin/env bash
# Install, lint (ruff), type-check (mypy), then run the whole test suite (real embedding model, Chroma on disk and as
# a server, the local LLM server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Lint and types first: they take seconds, and a failure there is cheaper to see before the suite.
.venv/bin/ruff check genelit tests bench scripts
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
