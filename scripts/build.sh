#!/usr/bin/env bash
# Configures and builds convt for this machine's CPU (the "host" preset) into
# build/ (or $CONVT_BUILD_DIR) with the project's own CMake and Ninja; extra
# arguments go to the CMake configure step (e.g. -DCONVT_TARGETS=x86-avx2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
export PATH="$root/.venv/bin:$PATH"
build="${CONVT_BUILD_DIR:-$root/build}"
cmake --preset host -S "$root" -B "$build" "$@"
cmake --build "$build" --parallel "$(nproc)"
