// What is bit-identical (README, "Reliability"): repeated calls, and any
// thread count (halide_set_num_threads; the pool splits the output, never
// a sum), on one kernel flavour. Here: the CPU flavour this machine runs,
// or with CONVT_HOST_KERNEL the GPU kernels (repeated calls; gemm_split adds
// its slices in a fixed order). Different flavours (AVX2, AVX-512, NEON,
// GPU) may differ in the last bits: they sum in different orders.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "HalideRuntime.h"
#include "conv_case.h"
#include "convt/convt.h"

namespace convt_test {
namespace {

bool bit_identical(const std::vector<float> &a, const std::vector<float> &b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

TEST(Determinism, RepeatedCallsAreBitIdentical) {
  for (const ConvCase &c : cases_for_every_path()) {
    const std::vector<float> first = convt_output(c);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(bit_identical(convt_output(c), first)) << c.name();
  }
}

TEST(Determinism, ThreadCountsAreBitIdentical) {
  const int default_threads = halide_set_num_threads(1);
  for (const ConvCase &c : cases_for_every_path()) {
    halide_set_num_threads(1);
    const std::vector<float> one = convt_output(c);
    for (int threads : {2, 3, 4}) {
      halide_set_num_threads(threads);
      EXPECT_TRUE(bit_identical(convt_output(c), one)) << c.name() << ", " << threads << " threads";
    }
  }
  halide_set_num_threads(default_threads);
}

}  // namespace
}  // namespace convt_test
