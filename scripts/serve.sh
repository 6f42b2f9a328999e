#!/usr/bin/env bash
# Installs Siyada into .venv and starts it on the embedded default (127.0.0.1:8000, SQLite, packaged models).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh
exec .venv/bin/siyada serve "$@"
