#!/usr/bin/env bash
# Regenerates tests/golden/ from PyTorch. Not part of the build or the tests:
# PyTorch lives in its own virtualenv (scripts/torch_env.sh).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="$(bash "$root/scripts/torch_env.sh")"
"$python" "$root/scripts/make_golden.py"
