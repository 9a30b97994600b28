#!/usr/bin/env bash
# On a machine with an NVIDIA GPU (and PyTorch): runs the correctness suites on
# convt's CUDA kernels (the planner's choice, then each kernel forced,
# CONVT_GPU_KERNEL), the CUDA API tests, then the cuDNN comparison over the
# layers files given.
# Logs and results go to <out dir>.
#   scripts/gpu_check.sh <CUDA build dir> <out dir> <layers.json>...
# The build is made elsewhere (bash scripts/build.sh, whose default targets
# include cuda) and copied here; tests/golden is read from this checkout.
# CONVT_FP32_PEAK (TFLOP/s, default 67: the H100/H200 datasheet's FP32 FMA
# rate) gives the comparison's % of peak column.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$1" out="$2"
shift 2
mkdir -p "$out"
export CONVT_GOLDEN_DIR="$root/tests/golden"
nvidia-smi -L
failed=0
# CONVT_CHECK_KERNELS: which runs (default all): planner (the runtime's
# choice per layer), or one kernel forced for every layer it takes.
for kernel in ${CONVT_CHECK_KERNELS:-planner gemm gemm_split direct}; do
  forced=$kernel
  [ "$kernel" = planner ] && forced=""
  for t in test_sweep test_golden test_api test_page_example; do
    log="$out/$t.cuda.$kernel.log"
    CONVT_GPU_KERNEL=$forced CONVT_HOST_KERNEL=cuda "$build/tests/$t" >"$log" 2>&1
    rc=$?
    echo "$t on CUDA ($kernel): exit $rc, $(grep -E '^\[  (PASSED|FAILED)' "$log" | tr '\n' ' ')"
    [ $rc -eq 0 ] || failed=1
  done
done
"$build/tests/test_cuda" >"$out/test_cuda.log" 2>&1
rc=$?
echo "test_cuda: exit $rc, $(grep -E '^\[  (PASSED|FAILED|SKIPPED)' "$out/test_cuda.log" | tr '\n' ' ')"
[ $rc -eq 0 ] || failed=1
shapes=()
for f in "$@"; do shapes+=(--shapes "$f"); done
PYTHONUNBUFFERED=1 python3 "$root/benchmarks/cuda_vs_cudnn.py" \
  --lib "$build/benchmarks/libconvt_cuda_c_api.so" "${shapes[@]}" \
  --fp32-peak "${CONVT_FP32_PEAK:-67}" --json "$out/cuda_vs_cudnn.json" 2>&1 |
  tee "$out/cuda_vs_cudnn.txt"
exit $failed
