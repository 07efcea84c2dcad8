#!/usr/bin/env bash
# Install, index a first slice of the sample PubMed corpus, and run a first search.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/genelit index sample --topic genetics --limit "${GENELIT_QUICKSTART_LIMIT:-2000}"
.venv/bin/genelit search "BRCA1 mutation carriers and breast cancer risk" --k 5
