#!/usr/bin/env bash
# Install, index a first slice of the sample PubMed corpus, search it, and answer a question
# with the local default LLM (Qwen2.5-Coder-1.5B through llama-cpp-python, all offline once fetched).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/genelit index sample --topic genetics --limit "${GENELIT_QUICKSTART_LIMIT:-2000}"
.venv/bin/genelit search "BRCA1 mutation carriers and breast cancer risk" --k 3
.venv/bin/genelit ask "What is known about breast cancer risk in BRCA1 mutation carriers?"
