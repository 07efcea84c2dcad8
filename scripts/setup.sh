#!/usr/bin/env bash
# Create .venv and install genelit with the extras named in $GENELIT_EXTRAS (default: test,llm).
#
# llama-cpp-python has no prebuilt wheel for this platform and compiles from source (about
# 7 to 10 minutes on 2 cores). The built wheel is kept in the user cache ($XDG_CACHE_HOME/genelit/wheels),
# so only the first install pays for it; everything else comes from pip's own cache.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${GENELIT_EXTRAS:-test,llm}"
python="${PYTHON:-python3}"
"$python" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "genelit needs Python >= 3.11")'
[ -x .venv/bin/python ] || "$python" -m venv .venv
pip=(.venv/bin/python -m pip --disable-pip-version-check)
"${pip[@]}" install --quiet --upgrade pip
# The CPU build of torch first: with it in place, nothing later can pull a CUDA build.
"${pip[@]}" install --quiet "torch==2.13.0"
# The wheel is compiled for the CPU it is built on (-march=native), so it is cached per CPU model and flag set: a wheel
# from another machine could use instructions this one lacks. GENELIT_REBUILD_LLAMA=1 builds it again.
cpu="$({ uname -m; grep -m1 -E '^model name' /proc/cpuinfo; grep -m1 -E '^flags' /proc/cpuinfo; } 2>/dev/null | cksum | cut -d' ' -f1)"
wheels="${XDG_CACHE_HOME:-$HOME/.cache}/genelit/wheels/$cpu"
built=0
if [[ ",$extras," == *",llm,"* ]]; then
  mkdir -p "$wheels"
  [ "${GENELIT_REBUILD_LLAMA:-0}" = 1 ] && rm -f "$wheels"/llama_cpp_python-*.whl
  if ! ls "$wheels"/llama_cpp_python-0.3.36-*.whl >/dev/null 2>&1; then
    # cmake and ninja come from the package index during the build; the C and C++ compilers cannot.
    if ! command -v cc >/dev/null 2>&1 || ! { command -v c++ >/dev/null 2>&1 || command -v g++ >/dev/null 2>&1; }; then
      echo "llama-cpp-python compiles from source and needs a C and a C++ compiler:" >&2
      echo "  Debian/Ubuntu: sudo apt install build-essential    macOS: xcode-select --install" >&2
      echo "or skip the local model: GENELIT_EXTRAS=test scripts/setup.sh (then use --mode extractive or an endpoint)" >&2
      exit 1
    fi
    # AMX tile instructions die with SIGILL where a hypervisor advertises AMX but does not grant it (measured on a
    # Xeon VM here); the packaged models run on the AVX-512 and AVX2 kernels, so AMX is left out where the compiler
    # knows the flags.
    no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
    if echo 'int main(void) { return 0; }' | cc $no_amx -x c -o /dev/null - 2>/dev/null; then
      export CFLAGS="${CFLAGS:-} $no_amx" CXXFLAGS="${CXXFLAGS:-} $no_amx"
    fi
    echo "building llama-cpp-python 0.3.36 from source (first time only, 7 to 10 minutes on 2 cores)..."
    CMAKE_BUILD_PARALLEL_LEVEL="$(nproc)" "${pip[@]}" wheel --quiet --no-cache-dir --no-deps "llama-cpp-python==0.3.36" -w "$wheels"
    built=1
  fi
fi
"${pip[@]}" install --quiet --find-links "$wheels" -e ".[${extras}]"
if [ "$built" = 1 ]; then  # a fresh build replaces whatever llama-cpp-python this environment had
  "${pip[@]}" install --quiet --no-deps --force-reinstall "$wheels"/llama_cpp_python-0.3.36-*.whl
fi
echo "genelit installed in .venv ($(.venv/bin/genelit --version))"
