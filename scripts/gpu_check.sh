#!/usr/bin/env bash
# On a machine with an NVIDIA GPU (and PyTorch): runs the correctness suites on
# convt's CUDA kernel, the CUDA API tests, then the cuDNN comparison over
# shapes.json. Logs and results go to <out dir>.
#   scripts/gpu_check.sh <CUDA build dir> <shapes.json> <out dir>
# The build is made elsewhere (bash scripts/build.sh, whose default targets
# include cuda) and copied here; tests/golden is read from this checkout.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="$1" shapes="$2" out="$3"
mkdir -p "$out"
export CONVT_GOLDEN_DIR="$root/tests/golden"
nvidia-smi -L
failed=0
for t in test_sweep test_golden test_api test_page_example; do
  CONVT_HOST_KERNEL=cuda "$build/tests/$t" >"$out/$t.cuda.log" 2>&1
  rc=$?
  echo "$t on CUDA: exit $rc, $(grep -E '^\[  (PASSED|FAILED)' "$out/$t.cuda.log" | tr '\n' ' ')"
  [ $rc -eq 0 ] || failed=1
done
"$build/tests/test_cuda" >"$out/test_cuda.log" 2>&1
rc=$?
echo "test_cuda: exit $rc, $(grep -E '^\[  (PASSED|FAILED|SKIPPED)' "$out/test_cuda.log" | tr '\n' ' ')"
[ $rc -eq 0 ] || failed=1
PYTHONUNBUFFERED=1 python3 "$root/benchmarks/cuda_vs_cudnn.py" \
  --lib "$build/benchmarks/libconvt_cuda_c_api.so" --shapes "$shapes" \
  --json "$out/cuda_vs_cudnn.json" 2>&1 | tee "$out/cuda_vs_cudnn.txt"
exit $failed
