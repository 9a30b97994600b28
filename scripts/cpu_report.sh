#!/usr/bin/env bash
# Builds convt, then writes the CPU report (benchmarks/cpu_report.py): convt,
# oneDNN (default ISA and capped at AVX2) and PyTorch per layer of
# ../shared/bench/shapes.json, with GFLOP/s and the fraction of this
# machine's peak. Extra arguments go to cpu_report.py (e.g. --layer NAME).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVT_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
python="$(bash "$root/scripts/torch_env.sh")"
"$python" "$root/benchmarks/cpu_report.py" --build "$build" "$@"
