#!/usr/bin/env bash
# Installs Siyada with its test needs into .venv and runs the whole test suite (lint first).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install.sh test
.venv/bin/python -m ruff check siyada tests bench
exec .venv/bin/python -m pytest "$@"
