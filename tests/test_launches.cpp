// Kernel launches per call on the GPU path, counted on OpenCL (PoCL runs it
// on the CPU): every clEnqueueNDRangeKernel is counted (gpu_symbol_hooks.h).
// A call's launches must not grow with the stride (all phases run in one
// launch) and stay within a small constant for each of the three GPU
// kernels; residues that no tap reaches cost one more launch (the bias
// fill), at any stride. The counts go to launches_report.txt.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "conv_case.h"
#include "convt/convt.h"
#include "gpu_symbol_hooks.h"
#include "test_util.h"

namespace convt_test {
namespace {

using EnqueueFn = int32_t (*)(void *, void *, uint32_t, const size_t *, const size_t *,
                              const size_t *, uint32_t, const void *, void *);
void *real_enqueue = nullptr;
int launches = 0;

int32_t counting_enqueue(void *queue, void *kernel, uint32_t dims, const size_t *offset,
                         const size_t *global, const size_t *local, uint32_t events,
                         const void *wait, void *event) {
  ++launches;
  return reinterpret_cast<EnqueueFn>(real_enqueue)(queue, kernel, dims, offset, global, local,
                                                   events, wait, event);
}

// Before the OpenCL runtime resolves its entry points (the first call).
const bool kHooked = [] {
  hook_gpu_symbol("clEnqueueNDRangeKernel", reinterpret_cast<void *>(&counting_enqueue),
                  &real_enqueue);
  return true;
}();

// One layer per GPU kernel the planner picks (runtime/backend_gpu.cpp):
// with kernels of 2 * stride taps (two taps per phase at every stride), or
// of one tap (every residue but one is bias only at strides above 1).
struct LaunchCase {
  const char *kernel;  // what the layer is for
  RefParams p;
};

enum class Taps { kTwoPerPhase, kOne };

LaunchCase layer(const char *kernel, int64_t stride, Taps taps) {
  const bool gemm = std::strcmp(kernel, "gemm") == 0;
  const bool split = std::strcmp(kernel, "gemm_split") == 0;
  LaunchCase c{kernel, {}};
  c.p.n = 1;
  c.p.c_in = gemm ? 4 : split ? 256 : 8;
  c.p.c_out = gemm || split ? 16 : 8;
  c.p.groups = gemm || split ? 1 : 8;
  c.p.h_in = c.p.w_in = gemm ? 12 : split ? 1 : 6;
  c.p.kh = c.p.kw = taps == Taps::kOne ? 1 : 2 * stride;
  c.p.stride = {stride, stride};
  return c;
}

int launches_of(const LaunchCase &c) {
  std::mt19937 rng(7);
  const RefParams &p = c.p;
  convt::Tensor x({p.n, p.c_in, p.h_in, p.w_in});
  convt::Tensor w({p.c_in, p.c_out / p.groups, p.kh, p.kw});
  for (convt::Tensor *t : {&x, &w}) {
    const std::vector<float> v = random_values(static_cast<size_t>(t->numel()), rng);
    std::copy(v.begin(), v.end(), t->data());
  }
  auto call = [&] {
    return convt::conv_transpose2d(x, w, std::nullopt, {p.stride[0], p.stride[1]}, 0, 0, p.groups);
  };
  call();  // the first call also compiles and uploads the kernels
  launches = 0;
  const convt::Tensor out = call();
  EXPECT_EQ(out.shape()[2], p.h_out());
  return launches;
}

// Launches per stride of one kernel's layer.
std::map<int64_t, int> launches_by_stride(const char *kernel, Taps taps) {
  std::map<int64_t, int> counts;
  for (int64_t s : {1, 2, 3, 4, 8, 16, 32}) counts[s] = launches_of(layer(kernel, s, taps));
  return counts;
}

// One line of launches_report.txt: a kernel's launches at each stride.
void report_counts(std::ostream &report, const char *kernel, const std::map<int64_t, int> &counts) {
  report << kernel << ":";
  for (const auto &[s, n] : counts) report << " s" << s << "=" << n;
  report << "\n";
}

bool counting_opencl() {
  const char *host_kernel = std::getenv("CONVT_HOST_KERNEL");
  return host_kernel != nullptr && std::strcmp(host_kernel, "opencl") == 0 && kHooked;
}

TEST(Launches, DoNotGrowWithTheStride) {
  if (!counting_opencl())
    GTEST_SKIP() << "counts OpenCL launches: run with CONVT_HOST_KERNEL=opencl";
  std::ofstream report("launches_report.txt");
  report << "kernel launches per call (OpenCL), by stride; two taps per phase\n";
  for (const char *kernel : {"gemm", "gemm_split", "direct"}) {
    const std::map<int64_t, int> counts = launches_by_stride(kernel, Taps::kTwoPerPhase);
    report_counts(report, kernel, counts);
    for (const auto &[s, n] : counts) {
      EXPECT_EQ(n, counts.at(1)) << kernel << " layer: " << n << " launches at stride " << s << ", "
                                 << counts.at(1) << " at stride 1";
      EXPECT_GE(n, 1) << kernel << " layer at stride " << s << ": no launch counted";
      EXPECT_LE(n, 3) << kernel << " layer at stride " << s;
    }
  }
}

TEST(Launches, BiasOnlyResiduesAddOneFillLaunch) {
  if (!counting_opencl())
    GTEST_SKIP() << "counts OpenCL launches: run with CONVT_HOST_KERNEL=opencl";
  std::ofstream report("launches_report.txt", std::ios::app);
  report << "one-tap kernels (stride s leaves s * s - 1 residues bias only):\n";
  for (const char *kernel : {"gemm", "gemm_split", "direct"}) {
    const std::map<int64_t, int> counts = launches_by_stride(kernel, Taps::kOne);
    report_counts(report, kernel, counts);
    for (const auto &[s, n] : counts) {
      if (s == 1) continue;  // every residue has its tap: no fill
      // Residue 0 alone has a tap: a fill wherever the output has another
      // (gemm_split's 1 x 1 input gives one output pixel, which needs none).
      const int fills = layer(kernel, s, Taps::kOne).p.h_out() > 1 ? 1 : 0;
      EXPECT_EQ(n, counts.at(1) + fills)
          << kernel << " layer, one tap: " << n << " launches at stride " << s << ", "
          << counts.at(1) << " at stride 1";
    }
  }
}

}  // namespace
}  // namespace convt_test
