// Times convt on layers from shapes.json: warm-up, then the median of
// repeated calls, with GFLOP/s from the true FLOP count.
//   layer_bench [--shapes FILE] [--layer NAME]... [--reps N]
// Without --layer, every layer in the file runs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "layer_shapes.h"

namespace {

double median_seconds(const convt_bench::Layer &l, int reps) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  convt::Tensor x({l.n, l.c_in, l.h, l.w});
  convt::Tensor w({l.c_in, l.c_out / l.groups, l.kernel[0], l.kernel[1]});
  convt::Tensor b({l.c_out});
  for (convt::Tensor *t : {&x, &w, &b})
    for (int64_t i = 0; i < t->numel(); ++i) t->data()[i] = dist(rng);
  const convt::Shape out_shape = convt::conv_transpose2d_output_shape(
      x.shape(), w.shape(), {l.stride[0], l.stride[1]}, {l.padding[0], l.padding[1]},
      {l.output_padding[0], l.output_padding[1]}, l.groups, {l.dilation[0], l.dilation[1]});
  convt::Tensor out(out_shape);
  auto run = [&] {
    convt::conv_transpose2d_out(
        out, x, w, b, {l.stride[0], l.stride[1]}, {l.padding[0], l.padding[1]},
        {l.output_padding[0], l.output_padding[1]}, l.groups, {l.dilation[0], l.dilation[1]});
  };
  for (int i = 0; i < 2; ++i) run();  // warm-up: thread pool, caches, pages
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    run();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(times.begin(), times.begin() + reps / 2, times.end());
  return times[static_cast<size_t>(reps / 2)];
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
      const double s = median_seconds(l, reps);
      std::printf("%-22s %12.3f %10.1f\n", l.name.c_str(), s * 1e3, l.flops() / s * 1e-9);
      std::fflush(stdout);
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "layer_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
