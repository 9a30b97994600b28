#!/usr/bin/env bash
# The reliability checks that need their own builds (README, "Reliability"),
# against the kernels of the host build (build/, or $CONVT_BUILD_DIR, made
# first if missing); each instrumented build links those kernels instead of
# generating them (-DCONVT_KERNELS_FROM):
#  1. ASan + UBSan (clang, with libFuzzer's coverage): the API, errors,
#     limits, sweep, golden, workspace, failure-injection and determinism
#     suites, the committed fuzz corpus, then a fuzz run of
#     $CONVT_FUZZ_SECONDS seconds (default 60) from it on every core;
#  2. TSan: the concurrency stress test and the thread pool's tests;
#  3. valgrind memcheck on the API suite and the sweep's axes and
#     phase-geometry cases: any invalid access fails.
# The guard-page sweeps and the failure injection run in the host suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVT_BUILD_DIR:-$root/build}"
seconds="${CONVT_FUZZ_SECONDS:-60}"
bash "$root/scripts/setup.sh"
export PATH="$root/.venv/bin:$PATH"
[ -f "$build/libconvt_halide_runtime.a" ] || bash "$root/scripts/build.sh"
case "$(uname -m)" in
  x86_64) cpu=x86-avx2 ;;
  aarch64) cpu=arm-neon ;;
  *) echo "reliability: no CPU backend for $(uname -m)" >&2; exit 1 ;;
esac

# configure_instrumented DIR SANITIZERS TARGET...: configure and build.
configure_instrumented() {
  local dir="$1" sanitize="$2"
  shift 2
  cmake -G Ninja -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_CXX_COMPILER=clang++ -DCONVT_TARGETS="$cpu" -DCONVT_BUILD_EXAMPLES=OFF \
    -DCONVT_KERNELS_FROM="$build" -DCONVT_SANITIZE="$sanitize" >/dev/null
  cmake --build "$dir" --parallel "$(nproc)" --target "$@"
}

echo "== ASan + UBSan ($build-asan)"
asan="$build-asan"
configure_instrumented "$asan" address,undefined,fuzzer-no-link \
  test_api test_errors test_sweep test_golden test_workspace test_failure_injection \
  test_determinism test_plans fuzz_replay fuzz_conv_transpose2d
# halt_on_error: a first report fails the run; detect_leaks: LeakSanitizer too.
export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$asan" --output-on-failure --parallel "$(nproc)" \
  -R "^(Api|Errors|KernelErrors|Limits|.*Sweep|.*Golden|Workspace|FailureInjection|Determinism|Plans|MeasuredPlanning)[./]|fuzz_corpus_replay" \
  -E "\.(avx2|sse41|guard_after|guard_before)$"
corpus="$asan/fuzz_corpus"
rm -rf "$corpus" && mkdir -p "$corpus" && cp "$root"/tests/fuzz/corpus/* "$corpus"/
# One worker per core, each for the whole time; any finding stops the run
# with its input saved under $asan/fuzz_findings/.
findings="$asan/fuzz_findings"
rm -rf "$findings" && mkdir -p "$findings"
fuzz_rc=0
(cd "$findings" && "$asan/tests/fuzz/fuzz_conv_transpose2d" -jobs="$(nproc)" \
  -workers="$(nproc)" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -print_final_stats=1 -artifact_prefix="$findings/" "$corpus") || fuzz_rc=$?
if [ "$fuzz_rc" -ne 0 ] || compgen -G "$findings/crash-*" >/dev/null || compgen -G "$findings/timeout-*" >/dev/null ||
   compgen -G "$findings/leak-*" >/dev/null || compgen -G "$findings/oom-*" >/dev/null; then
  echo "reliability: the fuzzer found inputs that fail (in $findings):" >&2
  ls "$findings" >&2
  cat "$findings"/fuzz-*.log | grep -E "FINDING|ERROR|SUMMARY" >&2 || true
  exit 1
fi
grep -h "stat::number_of_executed_units" "$findings"/fuzz-*.log |
  awk '{n += $2} END {print "reliability: fuzzed " n " inputs, no findings"}'

echo "== TSan ($build-tsan)"
tsan="$build-tsan"
configure_instrumented "$tsan" thread test_concurrency test_thread_pool
for t in test_concurrency test_thread_pool; do
  TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$root/tests/tsan.supp" \
    "$tsan/tests/$t"
done

echo "== valgrind memcheck ($build)"
vg=(valgrind --error-exitcode=9 --quiet --leak-check=no)
"${vg[@]}" "$build/tests/test_api"
"${vg[@]}" "$build/tests/test_sweep" --gtest_filter='Axes/*:PhaseGeometry/*'
echo "reliability: all checks passed"
