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
# OCR (siyada/knowledge/ocr): Tesseract 5.3 and its Arabic, French and orientation data from Debian, and
# what building tesserocr against it needs (its headers, pkg-config, a C++ compiler, Python's headers).
# Installed here when missing and this runs as root with apt-get; otherwise (or if that fails) the
# server still installs and runs, with tesserocr's PyPI wheel and OCR unavailable until the data is there.
ocr_need=()
for lang in ara fra osd script/Arabic; do
  ls /usr/share/tesseract-ocr/*/tessdata/$lang.traineddata >/dev/null 2>&1 || {
    ocr_need+=(tesseract-ocr tesseract-ocr-ara tesseract-ocr-fra tesseract-ocr-osd tesseract-ocr-script-arab)
    break; }
done
command -v pkg-config >/dev/null && pkg-config --exists tesseract lept 2>/dev/null \
  || ocr_need+=(pkg-config libtesseract-dev libleptonica-dev)
command -v c++ >/dev/null || ocr_need+=(g++)
py_headers() {
  .venv/bin/python -c 'import os, sys, sysconfig
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))'
}
py_headers || ocr_need+=(python3-dev)
if [ ${#ocr_need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${ocr_need[@]}" >/dev/null; } \
      || echo "could not install ${ocr_need[*]}: OCR may be unavailable" >&2
  else
    echo "for OCR, install: ${ocr_need[*]} (e.g. apt-get install ${ocr_need[*]})" >&2
  fi
fi
# tesserocr is built against Debian's libtesseract (5.3) when it can be: the PyPI wheel bundles
# Tesseract 5.5, which drops whole lines of Arabic pages that 5.3 reads (docs/knowledge.md). A failed
# build falls back to the wheel rather than failing the install; a wheel already in the venv is
# replaced by the build once Debian's Tesseract is there.
tesserocr_pin=$(grep -o '"tesserocr==[^"]*"' pyproject.toml | tr -d '"')  || tesserocr_pin=tesserocr
if command -v pkg-config >/dev/null && pkg-config --exists tesseract lept 2>/dev/null \
   && command -v c++ >/dev/null && py_headers; then
  system_version=$(pkg-config --modversion tesseract)
  if ! .venv/bin/python -c 'import sys, tesserocr
sys.exit(not tesserocr.tesseract_version().startswith("tesseract " + sys.argv[1]))' "$system_version" \
       2>/dev/null; then
    .venv/bin/python -m pip install --quiet --force-reinstall --no-deps --no-binary tesserocr "$tesserocr_pin" \
      || echo "building $tesserocr_pin against Tesseract $system_version failed: using the PyPI wheel" >&2
  fi
fi
.venv/bin/python -m pip install --quiet -e "$spec"

smoke() { .venv/bin/python -m siyada.gateway.smoke >/dev/null 2>&1; }
if ! smoke; then
  echo "llama-cpp-python crashed on this CPU; rebuilding it without the cached wheel (a few minutes)" >&2
  .venv/bin/python -m pip install --quiet --force-reinstall --no-deps --no-cache-dir "llama-cpp-python==0.3.36"
  smoke || { echo "the embedded model still cannot run; see 'python -m siyada.gateway.smoke'" >&2; exit 1; }
fi
