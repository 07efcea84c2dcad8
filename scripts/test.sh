#!/usr/bin/env bash
# Install, lint (ruff), type-check (mypy), then run the whole test suite (real embedding model, Chroma on disk and as
# a server, the local LLM server).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# The browser tests load a report in headless Chromium and print it to PDF. Debian's package is installed when it is
# missing (as root, or through sudo without a password); where it cannot be, those tests skip, except under CI.
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  as_root=(env DEBIAN_FRONTEND=noninteractive)
  [ "$(id -u)" -eq 0 ] || as_root=(sudo -n "${as_root[@]}")
  echo "installing Chromium for the browser tests..."
  { "${as_root[@]}" apt-get update -qq && "${as_root[@]}" apt-get install -y -qq chromium >/dev/null; } \
    || echo "could not install Chromium (apt install chromium); the browser tests will skip" >&2
fi
# Lint and types first: they take seconds, and a failure there is cheaper to see before the suite.
.venv/bin/ruff check genelit tests bench scripts
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
