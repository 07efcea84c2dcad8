#!/usr/bin/env bash
# Install, then run the whole test suite (real embedding model, Chroma on disk and as a server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/python -m pytest "$@"
