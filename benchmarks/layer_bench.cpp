// Times convt on layers from shapes.json: warm-up, then the median of
// repeated calls, with GFLOP/s from the true FLOP count.
//   layer_bench [--shapes FILE] [--layer NAME]... [--reps N]
// Without --layer, every layer in the file runs.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "layer_shapes.h"

namespace {

double layer_seconds(const convt_bench::Layer &l, int reps) {
  convt_bench::LayerTensors t(l);
  convt_bench::fill_uniform(t);
  auto run = [&] { convt_bench::run_convt(l, t); };
  for (int i = 0; i < 2; ++i) run();  // warm-up: thread pool, caches, pages
  return convt_bench::median_seconds(run, reps);
}

}  // namespace

int main(int argc, char **argv) {
  convt_bench::LayerChoice choice{CONVT_DEFAULT_SHAPES, {}};
  int reps = 11;
  for (int i = 1; i < argc; ++i) {
    if (convt_bench::take_layer_option(argc, argv, i, choice)) continue;
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: %s [--shapes FILE] [--layer NAME]... [--reps N]\n", argv[0]);
      return 2;
    }
  }
  try {
    const auto layers = convt_bench::chosen_layers(choice);
    std::printf("convt kernel %s, median of %d calls\n", convt::cpu_kernel_name(), reps);
    std::printf("%-22s %12s %10s\n", "layer", "time (ms)", "GFLOP/s");
    for (const auto &l : layers) {
      const double s = layer_seconds(l, reps);
      std::printf("%-22s %12.3f %10.1f\n", l.name.c_str(), s * 1e3, l.flops() / s * 1e-9);
      std::fflush(stdout);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "layer_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
