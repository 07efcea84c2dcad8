#!/usr/bin/env bash
# Install, index a first slice of the sample PubMed corpus, search it, and answer a question
# with the local default LLM (Qwen2.5-Coder-1.5B through llama-cpp-python, all offline once fetched).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/genelit index sample --topic genetics --limit "${GENELIT_QUICKSTART_LIMIT:-2000}"
# The question is one the slice answers: PMID:33277227 gives the prevalence of each gene's variants in that group.
.venv/bin/genelit search "BRCA1 and BRCA2 pathogenic variants in triple-negative breast cancer" --k 3
.venv/bin/genelit ask "How common are BRCA1 and BRCA2 pathogenic variants in older women with triple-negative breast cancer?"
