#!/usr/bin/env bash
# The main job: set up, build, run the API page's example, then time one
# real-sized layer from ../shared/bench/shapes.json (CONVT_LAYER to change it).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${CONVT_BUILD_DIR:-$root/build}"
bash "$root/scripts/build.sh" "$@"
echo "== examples/page_example"
"$build/examples/page_example"
echo "== benchmarks/layer_bench (${CONVT_LAYER:-cyclegan_resnet_up})"
"$build/benchmarks/layer_bench" --layer "${CONVT_LAYER:-cyclegan_resnet_up}"
