#!/usr/bin/env bash
# Cross-compiles convt for AArch64 (the "arm-neon" preset) into build-arm64/
# (or $CONVT_ARM_BUILD_DIR). The generator runs on this machine: it comes from
# the host build in build/ (or $CONVT_BUILD_DIR), which scripts/build.sh makes
# first. Extra arguments go to the CMake configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
export PATH="$root/.venv/bin:$PATH"
host="${CONVT_BUILD_DIR:-$root/build}"
arm="${CONVT_ARM_BUILD_DIR:-$root/build-arm64}"
[ -f "$host/cmake/convt-halide_generatorsConfig.cmake" ] || bash "$root/scripts/build.sh"
cmake --preset arm-neon -S "$root" -B "$arm" -Dconvt-halide_generators_ROOT="$host" "$@"
cmake --build "$arm" --parallel "$(nproc)"
