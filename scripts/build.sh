#!/usr/bin/env bash
# Configures and builds convt into build/ (or $CONVT_BUILD_DIR) with the
# project's own CMake and Ninja; extra arguments go to the CMake configure
# step (e.g. -DCONVT_TARGETS=x86-avx2).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
export PATH="$root/.venv/bin:$PATH"
build="${CONVT_BUILD_DIR:-$root/build}"
cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$build" --parallel "$(nproc)"
