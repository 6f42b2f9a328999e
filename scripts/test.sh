#!/usr/bin/env bash
# Installs Siyada with its test needs into .venv and runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/python -m ruff check siyada tests bench
exec .venv/bin/python -m pytest "$@"
