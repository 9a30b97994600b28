#!/usr/bin/env bash
# Builds convt, then writes the CPU report (benchmarks/cpu_report.py): convt
# against oneDNN 2.6, oneDNN 3.2 and PyTorch, capped at AVX2 and at the
# default ISA, per layer of ../shared/bench/shapes.json and zoo.json, with the
# best peer per layer and the fraction of this machine's peak. Extra
# arguments go to cpu_report.py (e.g. --layer NAME, --random 50 --seed 7).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVT_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh"
python="$(bash "$root/scripts/torch_env.sh")"
"$python" "$root/benchmarks/cpu_report.py" --build "$build" "$@"
