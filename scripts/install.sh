#!/usr/bin/env bash
# Installs Siyada into .venv (extras in $1, e.g. "test"), building llama-cpp-python for this CPU.
#
# llama.cpp's "native" build enables every instruction set the CPU reports, AMX included; in virtual machines
# that report AMX without granting it, the first matrix product crashes (general protection fault in
# ldtilecfg). So the CPU features are read here and passed explicitly, AMX left out, and the installed build
# is smoke-tested; a crashing cached wheel is rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
EXTRAS="${1:-}"
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip

cpu_has() { grep -qw "$1" /proc/cpuinfo 2>/dev/null; }
if [ -z "${CMAKE_ARGS:-}" ]; then
  args="-DGGML_NATIVE=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
  args+=" -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF"
  for pair in avx:AVX avx2:AVX2 fma:FMA f16c:F16C avx512f:AVX512 avx512_vnni:AVX512_VNNI \
              avx512_bf16:AVX512_BF16 avx512vbmi:AVX512_VBMI avx_vnni:AVX_VNNI; do
    if cpu_has "${pair%%:*}"; then args+=" -DGGML_${pair##*:}=ON"; else args+=" -DGGML_${pair##*:}=OFF"; fi
  done
  export CMAKE_ARGS="$args"
fi

spec="."
[ -n "$EXTRAS" ] && spec=".[$EXTRAS]"
# tesserocr is built against Debian's libtesseract (5.3) when its headers are there: the PyPI wheel
# bundles Tesseract 5.5, which drops whole lines of Arabic pages that 5.3 reads (docs/knowledge.md).
nobinary=()
pkg-config --exists tesseract 2>/dev/null && nobinary=(--no-binary tesserocr)
.venv/bin/python -m pip install --quiet "${nobinary[@]}" -e "$spec"

smoke() { .venv/bin/python -m siyada.gateway.smoke >/dev/null 2>&1; }
if ! smoke; then
  echo "llama-cpp-python crashed on this CPU; rebuilding it without the cached wheel (a few minutes)" >&2
  .venv/bin/python -m pip install --quiet --force-reinstall --no-deps --no-cache-dir "llama-cpp-python==0.3.36"
  smoke || { echo "the embedded model still cannot run; see 'python -m siyada.gateway.smoke'" >&2; exit 1; }
fi
