// Times convt on layers from shapes.json: warm-up, then the median of
// repeated calls, with GFLOP/s from the true FLOP count.
//   layer_bench [--shapes FILE] [--layer NAME]... [--reps N] [--plans]
//               [--order N]...
// Without --layer, every layer in the file runs. --plans times every CPU
// plan a measured plan would weigh (flavour, evaluation order, per group,
// serial), marks the rules' plan and the fastest, and gives the rules'
// time over the fastest's: how far the default planning is from the
// measured one on this machine. --order keeps the plans of the tile orders
// given (convt_order::TileOrder numbers), to compare two builds of a few
// orders quickly (the rules' plan is timed too). A layer convt refuses is
// reported on stderr and skipped; the exit status is then 1.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "layer_geometry.h"
#include "layer_shapes.h"
#include "plan.h"
#include "tile_order.h"

namespace {

double layer_seconds(const convt_bench::Layer &l, int reps) {
  convt_bench::LayerTensors t(l);
  convt_bench::fill_uniform(t);
  const convt_bench::ConvtCall run(l, t);
  for (int i = 0; i < 2; ++i) run();  // warm-up: thread pool, caches, pages
  return convt_bench::median_seconds(run, reps);
}

// Every CPU plan of one layer, the median of `reps` runs each after one
// warm-up; returns the rules' time over the fastest's.
double time_plans(const convt_bench::Layer &l, int reps, const std::vector<int> &orders) {
  namespace d = convt::detail;
  convt_bench::LayerTensors t(l);
  convt_bench::fill_uniform(t);
  const d::ConvGeometry g = convt_bench::layer_geometry(l);
  const d::Plan rules = d::plan_call(g, convt::Device::kCPU);
  const convt::ConstTensorView x(t.x), w(t.w), b(t.b);
  double rules_s = 0, best_s = 0;
  for (const d::Plan &plan : d::cpu_plans(g)) {
    const bool kept =
        orders.empty() || std::find(orders.begin(), orders.end(), plan.tile_order) != orders.end();
    if (!kept && !d::same_plan(plan, rules)) continue;
    auto run = [&] { d::run_plan(plan, g, x, w, b, t.out); };
    run();
    const double s = convt_bench::median_seconds(run, reps);
    const bool is_rules = d::same_plan(plan, rules);
    if (is_rules) rules_s = s;
    if (best_s == 0 || s < best_s) best_s = s;
    std::printf("  %-10s %-38s %-9s %-6s %10.3f ms%s\n", plan.kernel->name,
                convt_order::tile_order_name(plan.tile_order), plan.per_group ? "per group" : "",
                plan.serial ? "serial" : "", s * 1e3, is_rules ? "  (rules)" : "");
  }
  // (A measured plan starts from the rules' plan: it must be a candidate.
  // It is timed even where --order leaves its order out.)
  if (rules_s == 0) throw std::runtime_error("the rules' plan is not among the candidates");
  return rules_s / best_s;
}

}  // namespace

int main(int argc, char **argv) {
  convt_bench::LayerChoice choice{CONVT_DEFAULT_SHAPES, {}};
  int reps = 11;
  bool plans = false;
  std::vector<int> orders;
  for (int i = 1; i < argc; ++i) {
    if (convt_bench::take_layer_option(argc, argv, i, choice)) continue;
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      reps = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--plans") == 0) {
      plans = true;
    } else if (std::strcmp(argv[i], "--order") == 0 && i + 1 < argc) {
      orders.push_back(std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr,
                   "usage: %s [--shapes FILE] [--layer NAME]... [--reps N] [--plans] "
                   "[--order N]...\n",
                   argv[0]);
      return 2;
    }
  }
  std::vector<convt_bench::Layer> layers;
  try {
    layers = convt_bench::chosen_layers(choice);
  } catch (const std::exception &e) {
    std::fprintf(stderr, "layer_bench: %s\n", e.what());
    return 1;
  }
  // A layer convt refuses (or that runs out of memory) is reported and
  // skipped: the others still run.
  int failed = 0;
  auto each_layer = [&failed, &layers](const auto &time_layer) {
    for (const auto &l : layers) {
      try {
        time_layer(l);
      } catch (const std::exception &e) {
        std::fprintf(stderr, "layer_bench: %s: %s\n", l.name.c_str(), e.what());
        ++failed;
      }
      std::fflush(stdout);
    }
  };
  if (plans) {
    std::printf("every CPU plan, median of %d calls\n", reps);
    each_layer([&](const convt_bench::Layer &l) {
      std::printf("%s\n", l.name.c_str());
      std::printf("%s: rules' plan %.2fx the fastest's time\n", l.name.c_str(),
                  time_plans(l, reps, orders));
    });
    return failed > 0 ? 1 : 0;
  }
  std::printf("convt kernel %s, median of %d calls\n", convt::cpu_kernel_name(), reps);
  std::printf("%-22s %12s %10s  %s\n", "layer", "time (ms)", "GFLOP/s", "plan (rules)");
  each_layer([&](const convt_bench::Layer &l) {
    const double s = layer_seconds(l, reps);
    const convt::detail::Plan plan =
        convt::detail::plan_call(convt_bench::layer_geometry(l), convt::Device::kCPU);
    std::printf("%-22s %12.3f %10.1f  %s, %s%s%s%s\n", l.name.c_str(), s * 1e3,
                l.flops() / s * 1e-9, plan.kernel->name,
                convt_order::tile_order_name(plan.tile_order), plan.per_group ? ", per group" : "",
                plan.serial ? ", serial" : "",
                plan.images_per_call < l.n ? ", in slices of images" : "");
  });
  return failed > 0 ? 1 : 0;
}
