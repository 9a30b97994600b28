// convt against oneDNN's deconvolution on the layers of shapes.json, in one
// process (Google Benchmark). For each layer the two run on the same NCHW
// float32 tensors, one after the other, with the same threads (convt's
// Halide pool and oneDNN's OpenMP both use every core); each benchmark warms
// up, then repeats, and the medians are reported. With
// --benchmark_enable_random_interleaving=true (benchmarks/cpu_report.py
// passes it) the repetitions of all benchmarks run in random order, so a
// slow spell of this shared machine lands on both libraries alike. Before
// timing, each layer's two results are compared (counter max_rel_diff), so
// both are known to compute the same thing, and each one's heap memory is
// measured (counters convt_heap_MiB, onednn_heap_MiB): the most it holds
// beyond the caller's tensors during a call, including what it keeps
// between calls. A layer oneDNN refuses (it has no primitive for it, e.g.
// output_padding above padding, a negative right padding to oneDNN) is
// timed for convt alone and listed in the context's onednn_refused.
//   cpu_vs_onednn [--shapes FILE] [--layer NAME]... [--repetitions N]
//                 [Google Benchmark flags]
// oneDNN reads ONEDNN_MAX_CPU_ISA once, so each ISA cap is a separate run
// (benchmarks/cpu_report.py makes both). Built twice: against Debian's
// oneDNN 2.6 (cpu_vs_onednn) and oneDNN 3.2 (cpu_vs_onednn3), which cannot
// share a process; cpu_report.py alternates rounds of the two.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "heap_meter.h"
#include "layer_shapes.h"
#include "onednn_deconv.h"

namespace {

using convt_bench::Layer;

// One layer's tensors and both implementations, shared by its benchmarks.
struct LayerRun {
  Layer layer;
  convt_bench::LayerTensors t;  // convt's output is t.out
  convt::Tensor out_onednn;
  std::unique_ptr<convt_bench::OnednnDeconv> onednn;  // null: oneDNN refuses the layer
  std::string onednn_refusal;                         // then its message
  int64_t onednn_held_bytes = 0;                      // its buffers in its own layouts, made once

  explicit LayerRun(const Layer &l) : layer(l), t(l), out_onednn(t.out.shape()) {
    convt_bench::fill_uniform(t);
    const int64_t before = convt_bench::heap_live_bytes();
    try {
      onednn = std::make_unique<convt_bench::OnednnDeconv>(l, t.x.data(), t.w.data(), t.b.data(),
                                                           out_onednn.data(), t.out.shape()[2],
                                                           t.out.shape()[3]);
    } catch (const dnnl::error &e) {
      onednn_refusal = e.what();
      return;
    }
    onednn_held_bytes = convt_bench::heap_live_bytes() - before;
  }

  convt_bench::ConvtCall convt_call{layer, t};
  void run_convt() const { convt_call(); }

  // max |convt - oneDNN| / max |oneDNN|
  double max_rel_diff() {
    run_convt();
    onednn->run();
    double diff = 0, scale = 0;
    for (int64_t i = 0; i < t.out.numel(); ++i) {
      diff = std::max(diff, std::fabs(double(t.out.data()[i]) - out_onednn.data()[i]));
      scale = std::max(scale, std::fabs(double(out_onednn.data()[i])));
    }
    return diff / std::max(scale, 1e-30);
  }
};

// Heap bytes beyond the caller's tensors: convt's from a cold call (its
// workspace released first; what it allocates stays cached for the next
// call), oneDNN's from its construction plus the most one call adds.
struct HeapUse {
  double convt_mib, onednn_mib;
  int64_t convt_warm_allocations;  // by a call after the first: 0 when all is cached
};

HeapUse measure_heap(LayerRun &r) {
  convt::release_workspace();
  int64_t base = convt_bench::heap_reset_peak();
  r.run_convt();
  const int64_t convt_bytes = convt_bench::heap_peak_bytes() - base;
  const int64_t allocations = convt_bench::heap_allocations();
  r.run_convt();
  const int64_t warm_allocations = convt_bench::heap_allocations() - allocations;
  if (!r.onednn) return {convt_bytes / 1048576.0, 0, warm_allocations};
  base = convt_bench::heap_reset_peak();
  r.onednn->run();
  const int64_t onednn_bytes = r.onednn_held_bytes + convt_bench::heap_peak_bytes() - base;
  return {convt_bytes / 1048576.0, onednn_bytes / 1048576.0, warm_allocations};
}

void report(benchmark::State &state, const LayerRun &r, double rel_diff, const HeapUse &heap) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(r.layer.flops() * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["max_rel_diff"] = rel_diff;
  state.counters["convt_heap_MiB"] = heap.convt_mib;
  state.counters["onednn_heap_MiB"] = heap.onednn_mib;
  state.counters["convt_warm_call_allocations"] = static_cast<double>(heap.convt_warm_allocations);
}

}  // namespace

int main(int argc, char **argv) {
  convt_bench::LayerChoice choice{CONVT_DEFAULT_SHAPES, {}};
  int repetitions = 15;
  std::vector<char *> rest{argv[0]};
  for (int i = 1; i < argc; ++i) {
    if (convt_bench::take_layer_option(argc, argv, i, choice)) continue;
    if (std::string(argv[i]) == "--repetitions" && i + 1 < argc) {
      repetitions = std::max(1, std::atoi(argv[++i]));
      continue;
    }
    rest.push_back(argv[i]);
  }
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 2;

  std::vector<std::unique_ptr<LayerRun>> runs;
  try {
    for (const Layer &l : convt_bench::chosen_layers(choice))
      runs.push_back(std::make_unique<LayerRun>(l));
  } catch (const std::exception &e) {
    std::fprintf(stderr, "cpu_vs_onednn: %s\n", e.what());
    return 1;
  }
  benchmark::AddCustomContext("convt_kernel", convt::cpu_kernel_name());
  const dnnl_version_t *v = dnnl_version();
  benchmark::AddCustomContext(
      "onednn_version",
      std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
  std::string refused;
  for (const auto &run : runs) {
    if (run->onednn) continue;
    std::fprintf(stderr, "cpu_vs_onednn: oneDNN refuses %s: %s\n", run->layer.name.c_str(),
                 run->onednn_refusal.c_str());
    refused += (refused.empty() ? "" : ",") + run->layer.name;
  }
  benchmark::AddCustomContext("onednn_refused", refused);
  // Per layer: convt, then oneDNN, so the two alternate through the suite.
  for (auto &run : runs) {
    LayerRun *r = run.get();
    const double rel_diff = r->onednn ? r->max_rel_diff() : 0;
    const HeapUse heap = measure_heap(*r);
    auto tune = [repetitions](benchmark::internal::Benchmark *b) {
      b->Unit(benchmark::kMillisecond)
          ->UseRealTime()
          ->MinWarmUpTime(0.1)
          ->MinTime(0.05)
          ->Repetitions(repetitions)
          ->ReportAggregatesOnly(true);
    };
    tune(benchmark::RegisterBenchmark((r->layer.name + "/convt").c_str(),
                                      [r, rel_diff, heap](benchmark::State &state) {
                                        for (auto _ : state) r->run_convt();
                                        report(state, *r, rel_diff, heap);
                                        state.SetLabel(convt::cpu_kernel_name());
                                      }));
    if (!r->onednn) continue;
    tune(benchmark::RegisterBenchmark((r->layer.name + "/onednn").c_str(),
                                      [r, rel_diff, heap](benchmark::State &state) {
                                        for (auto _ : state) r->onednn->run();
                                        report(state, *r, rel_diff, heap);
                                        state.SetLabel(r->onednn->implementation());
                                      }));
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
