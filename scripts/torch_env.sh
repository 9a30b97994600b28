#!/usr/bin/env bash
# Makes (on first use) the virtualenv .venv-golden with PyTorch (CPU use),
# NumPy and matplotlib, for the scripts that need them (make_golden.sh,
# cpu_report.sh), and prints its python. PyTorch stays out of the build and
# the tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv-golden"
if [ ! -x "$venv/bin/python" ] ||
   ! "$venv/bin/python" -c "import torch, numpy, matplotlib" 2>/dev/null; then
  echo "torch_env: installing torch, numpy, matplotlib into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install -q torch==2.9.1 numpy matplotlib >&2
fi
echo "$venv/bin/python"
