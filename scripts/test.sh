#!/usr/bin/env bash
# Installs Siyada with its test needs into .venv and runs the whole test suite (lint first).
# The scale-out tests need PostgreSQL and Redis servers, the web app's tests Chromium, the office-format
# tests LibreOffice, OCR Tesseract's data and headers: installed from Debian packages when missing
# (the tests start their own instances on loopback ports).
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v redis-server >/dev/null || need+=(redis-server)
# The web app's tests drive Debian's chromium through Playwright (no browser download).
[ -x /usr/bin/chromium ] || need+=(chromium)
command -v initdb >/dev/null || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
# Office formats and right-to-left PDFs (tests/test_office_formats.py, test_pdf_rtl.py): LibreOffice
# converts the test sources into ODT, ODS, XLSX, PPTX, DOCX and PDF at test time.
command -v soffice >/dev/null || need+=(libreoffice-writer libreoffice-calc libreoffice-impress)
# ...and saves password-protected ODF through its UNO bridge (tests/tools/lo_password.py, system Python).
/usr/bin/python3 -c 'import uno' 2>/dev/null || need+=(python3-uno)
# The multi-host test bed (tests/test_testbed.py, as root): HAProxy in front of the replicas, `ip netns`.
command -v haproxy >/dev/null || need+=(haproxy)
command -v ip >/dev/null || need+=(iproute2)
# OCR (siyada/knowledge/ocr): Tesseract's Arabic, French and Arabic-script data (no Tifinagh is packaged).
for lang in ara fra osd script/Arabic; do
  ls /usr/share/tesseract-ocr/*/tessdata/$lang.traineddata >/dev/null 2>&1 || {
    need+=(tesseract-ocr tesseract-ocr-ara tesseract-ocr-fra tesseract-ocr-script-arab); break; }
done
# tesserocr is compiled against Debian's libtesseract (scripts/install.sh says why).
pkg-config --exists tesseract 2>/dev/null || need+=(pkg-config libtesseract-dev libleptonica-dev g++)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing system packages: ${need[*]} (install them, e.g. apt-get install ${need[*]})" >&2
    exit 1
  fi
fi
bash scripts/install.sh test
# axe-core, injected by the web app's accessibility test (from the npm registry, kept beside the venv).
if [ ! -f .venv/axe-core/axe.min.js ] && command -v npm >/dev/null; then
  tmp=$(mktemp -d) && (cd "$tmp" && npm pack -q axe-core@4.14.1 >/dev/null && tar -xzf axe-core-4.14.1.tgz) \
    && mkdir -p .venv/axe-core && cp "$tmp/package/axe.min.js" .venv/axe-core/ && rm -rf "$tmp"
fi
# The OpenID provider the single sign-on tests log in through (tests/test_sso.py, tests/oidc_op.py):
# panva's oidc-provider from the npm registry, run by Node, kept beside the venv.
if [ ! -f .venv/oidc-provider/node_modules/oidc-provider/package.json ] && command -v npm >/dev/null; then
  npm install --prefix .venv/oidc-provider --no-audit --no-fund --silent oidc-provider@8.8.1 >/dev/null
fi
# checkov (tests/test_deploy_manifests.py) in a venv of its own: its pins would downgrade the test venv's.
if [ ! -x .venv/checkov/bin/checkov ]; then
  .venv/bin/python -m venv .venv/checkov && .venv/checkov/bin/python -m pip install --quiet "checkov==3.3.30"
fi
.venv/bin/python -m ruff check siyada tests bench
exec .venv/bin/python -m pytest "$@"
