// What is bit-identical (README, "Reliability"): repeated calls, and any
// thread count (the pool's, runtime/thread_pool.h; it splits the output,
// never a sum), on one kernel flavour. Here: the CPU flavour this machine runs,
// or with CONVT_HOST_KERNEL the GPU kernels (repeated calls; gemm_split adds
// its slices in a fixed order). Different flavours (AVX2, AVX-512, NEON,
// GPU) may differ in the last bits: they sum in different orders.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "conv_case.h"
#include "convt/convt.h"
#include "thread_pool.h"

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
  using convt::detail::set_pool_threads;
  const int default_threads = set_pool_threads(1);
  for (const ConvCase &c : cases_for_every_path()) {
    set_pool_threads(1);
    const std::vector<float> one = convt_output(c);
    for (int threads : {2, 3, 4}) {
      set_pool_threads(threads);
      EXPECT_TRUE(bit_identical(convt_output(c), one)) << c.name() << ", " << threads << " threads";
    }
  }
  set_pool_threads(default_threads);
}

}  // namespace
}  // namespace convt_test
