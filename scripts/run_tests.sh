#!/usr/bin/env bash
# The test command: set up, build, run every test (CTest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVT_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh" "$@"
export PATH="$root/.venv/bin:$PATH"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
