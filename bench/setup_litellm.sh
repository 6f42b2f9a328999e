#!/usr/bin/env bash
# Creates bench/.venv-litellm with the LiteLLM proxy, for bench/gateway_overhead.py --only litellm.
# Usage: bash bench/setup_litellm.sh   (env: PYTHON=python3.11, LITELLM_SPEC='litellm[proxy]')
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="$HERE/.venv-litellm"
PY="${PYTHON:-python3.11}"
SPEC="${LITELLM_SPEC:-litellm[proxy]}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --upgrade pip
# uvloop/httptools: give LiteLLM the same fast server stack as the other targets
"$VENV/bin/python" -m pip install -q "$SPEC" uvloop httptools
"$VENV/bin/litellm" --version 2>/dev/null || "$VENV/bin/python" -c "import litellm; print('litellm', litellm.__version__ if hasattr(litellm,'__version__') else 'ok')"
echo "LiteLLM ready: $VENV/bin/litellm"
