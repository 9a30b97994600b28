#!/usr/bin/env bash
# Regenerates tests/golden/ from PyTorch. Not part of the build or the tests:
# PyTorch lives in its own virtualenv (.venv-golden), made here on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-golden"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q torch==2.9.1
fi
"$venv/bin/python" "$root/scripts/make_golden.py"
