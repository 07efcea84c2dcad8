#!/usr/bin/env bash
# Create .venv and install genelit with the extras named in $GENELIT_EXTRAS (default: test,bench).
# Wheels land in pip's user cache (~/.cache/pip), so a second run installs in seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${GENELIT_EXTRAS:-test,bench}"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "genelit needs Python >= 3.11")'
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
# The CPU build of torch first: with it in place, nothing later can pull a CUDA build.
.venv/bin/python -m pip install --quiet "torch==2.13.0"
.venv/bin/python -m pip install --quiet -e ".[${extras}]"
echo "genelit installed in .venv ($(.venv/bin/genelit --version 2>/dev/null || echo ok))"
