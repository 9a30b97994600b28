#!/usr/bin/env bash
# The test command: set up, build for this machine and cross-build for
# AArch64, then run both test suites (CTest); the AArch64 one runs under
# qemu-aarch64, and the x86 and OpenCL sweep and golden suites once more
# with the kernels built from a schedule file; last, the reliability checks
# (scripts/reliability.sh: sanitizers, fuzzing, valgrind). Extra arguments
# go to the host build's configure step.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVT_BUILD_DIR:-$root/build}"
arm="${CONVT_ARM_BUILD_DIR:-$root/build-arm64}"
bash "$root/scripts/build.sh" "$@"
bash "$root/scripts/build_arm.sh"
export PATH="$root/.venv/bin:$PATH"
echo "== host suite ($build)"
ctest --test-dir "$build" --output-on-failure --parallel "$(nproc)"
echo "== AArch64 suite ($arm), every test under qemu-aarch64 -L /usr/aarch64-linux-gnu"
ctest --test-dir "$arm" --output-on-failure --parallel "$(nproc)"
# The kernels rebuilt from a schedule file whose knobs differ from the
# targets' own tiles in every flavour: results must not depend on them. The
# GPU knobs are checked on the OpenCL kernel (PoCL); CUDA cases skip
# without a GPU.
knobs="$root/tuning/schedules/test_knobs.json"
echo "== x86 and OpenCL suites with -DCONVT_SCHEDULE=$knobs ($build-schedule)"
cmake --preset host -S "$root" -B "$build-schedule" -DCONVT_TARGETS="x86-avx2;cuda" \
  -DCONVT_SCHEDULE="$knobs" -DCONVT_BUILD_EXAMPLES=OFF
cmake --build "$build-schedule" --parallel "$(nproc)" --target test_sweep test_golden
ctest --test-dir "$build-schedule" --output-on-failure --parallel "$(nproc)" -R "Sweep|Golden"
bash "$root/scripts/reliability.sh"
