// The C++ API beyond the numbers: parameter forms, _out, output shapes,
// empty batches, the tensor types and kernel selection.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

#include "convt/convt.h"
#include "reference.h"
#include "test_util.h"

namespace convt_test {
namespace {

TEST(Api, IntAndPairParametersAreEquivalent) {
  std::mt19937 rng(7);
  const auto x = random_values(2 * 4 * 5 * 6, rng);
  const auto w = random_values(4 * 3 * 3 * 3, rng);
  const convt::ConstTensorView xv(x.data(), {2, 4, 5, 6});
  const convt::ConstTensorView wv(w.data(), {4, 3, 3, 3});
  const convt::Tensor a = convt::conv_transpose2d(xv, wv, std::nullopt, 2, 1, 1, 1, 1);
  const convt::Tensor b =
      convt::conv_transpose2d(xv, wv, std::nullopt, {2, 2}, {1, 1}, {1, 1}, 1, {1, 1});
  const convt::Tensor c = convt::conv_transpose2d(xv, wv, std::nullopt, std::vector<int64_t>{2, 2},
                                                  std::vector<int64_t>{1, 1});
  ASSERT_EQ(a.shape(), (convt::Shape{2, 3, 10, 12}));
  ASSERT_EQ(a.shape(), b.shape());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), sizeof(float) * a.numel()), 0);
  // c has output_padding 0: one row and column fewer, same values elsewhere.
  ASSERT_EQ(c.shape(), (convt::Shape{2, 3, 9, 11}));
  EXPECT_EQ(c.at({1, 2, 8, 10}), a.at({1, 2, 8, 10}));
}

TEST(Api, OutFormWritesTheSameValues) {
  std::mt19937 rng(8);
  const auto x = random_values(1 * 3 * 4 * 4, rng);
  const auto w = random_values(3 * 2 * 4 * 4, rng);
  const auto b = random_values(2, rng);
  const convt::ConstTensorView xv(x.data(), {1, 3, 4, 4});
  const convt::ConstTensorView wv(w.data(), {3, 2, 4, 4});
  const convt::ConstTensorView bv(b.data(), {2});
  const convt::Tensor want = convt::conv_transpose2d(xv, wv, bv, 2, 1);
  convt::Tensor out = convt::Tensor::full(want.shape(), 123.0f);
  convt::conv_transpose2d_out(out, xv, wv, bv, 2, 1);
  EXPECT_EQ(std::memcmp(out.data(), want.data(), sizeof(float) * want.numel()), 0);
}

TEST(Api, OutputShapeMatchesTheFormula) {
  // H_out = (H-1)*s - 2p + d*(k-1) + op + 1 per axis.
  EXPECT_EQ(convt::conv_transpose2d_output_shape({8, 2048, 8, 6}, {2048, 256, 4, 4}, 2, 1),
            (convt::Shape{8, 256, 16, 12}));
  EXPECT_EQ(convt::conv_transpose2d_output_shape({3, 7, 5}, {3, 2, 3, 2}, {2, 3}, {1, 0}, {1, 2}, 1,
                                                 {2, 1}),
            (convt::Shape{2, 16, 16}));
  EXPECT_EQ(convt::conv_transpose2d_output_shape({1, 4, 5, 5}, {4, 1, 3, 3}, 1, 0, 0, 4),
            (convt::Shape{1, 4, 7, 7}));
}

TEST(Api, EmptyBatchReturnsEmptyResult) {
  const convt::Tensor x({0, 3, 4, 4});
  const convt::Tensor w = convt::Tensor::full({3, 5, 3, 3}, 1.0f);
  const convt::Tensor out = convt::conv_transpose2d(x, w, std::nullopt, 2);
  EXPECT_EQ(out.shape(), (convt::Shape{0, 5, 9, 9}));
  EXPECT_EQ(out.numel(), 0);
  convt::Tensor out2({0, 5, 9, 9});
  convt::conv_transpose2d_out(out2, x, w, std::nullopt, 2);  // nothing to write, no error
  EXPECT_EQ(out2.numel(), 0);
}

TEST(Api, UnbatchedMatchesBatchOfOne) {
  std::mt19937 rng(9);
  const auto x = random_values(4 * 5 * 5, rng);
  const auto w = random_values(4 * 3 * 3 * 3, rng);
  const convt::Tensor u =
      convt::conv_transpose2d(convt::ConstTensorView(x.data(), {4, 5, 5}),
                              convt::ConstTensorView(w.data(), {4, 3, 3, 3}), std::nullopt, 2);
  const convt::Tensor b =
      convt::conv_transpose2d(convt::ConstTensorView(x.data(), {1, 4, 5, 5}),
                              convt::ConstTensorView(w.data(), {4, 3, 3, 3}), std::nullopt, 2);
  ASSERT_EQ(u.shape(), (convt::Shape{3, 11, 11}));
  ASSERT_EQ(b.shape(), (convt::Shape{1, 3, 11, 11}));
  EXPECT_EQ(std::memcmp(u.data(), b.data(), sizeof(float) * u.numel()), 0);
}

TEST(Api, BroadcastInputViewWithZeroStrides) {
  // A stride-0 view: every pixel of every channel reads the same value.
  const float one = 1.0f;
  const convt::ConstTensorView x(&one, {1, 6, 32, 32}, {0, 0, 0, 0});
  const convt::Tensor w = convt::Tensor::full({6, 3, 5, 5}, 1.0f);
  const convt::Tensor out = convt::conv_transpose2d(x, w);
  EXPECT_EQ(out.at({0, 2, 18, 18}), 150.0f);
  EXPECT_EQ(out.at({0, 1, 35, 0}), 6.0f);
}

TEST(Api, ConcurrentCallsAgreeWithSerialOnes) {
  // Several threads share the kernels' thread pool and error handler.
  std::mt19937 rng(10);
  const auto x = random_values(2 * 8 * 9 * 7, rng);
  const auto w = random_values(8 * 5 * 3 * 3, rng);
  const convt::ConstTensorView xv(x.data(), {2, 8, 9, 7});
  const convt::ConstTensorView wv(w.data(), {8, 5, 3, 3});
  std::vector<convt::Tensor> want;
  for (int s = 1; s <= 4; ++s) want.push_back(convt::conv_transpose2d(xv, wv, std::nullopt, s, 1));
  std::vector<convt::Tensor> got(want.size());
  std::vector<std::thread> threads;
  for (int round = 0; round < 3; ++round) {
    threads.clear();
    for (size_t i = 0; i < want.size(); ++i) {
      threads.emplace_back([&, i] {
        got[i] = convt::conv_transpose2d(xv, wv, std::nullopt, static_cast<int64_t>(i) + 1, 1);
      });
    }
    for (auto &t : threads) t.join();
    for (size_t i = 0; i < want.size(); ++i) {
      ASSERT_EQ(got[i].shape(), want[i].shape());
      EXPECT_EQ(std::memcmp(got[i].data(), want[i].data(), sizeof(float) * want[i].numel()), 0)
          << "stride " << i + 1 << ", round " << round;
    }
  }
}

TEST(Api, OutputNarrowerThanStride) {
  // W_out = 2 < stride 3: no full phase column, only the edge columns exist.
  std::mt19937 rng(12);
  RefParams p;
  p.n = 1;
  p.c_in = 3;
  p.h_in = 4;
  p.w_in = 1;
  p.c_out = 2;
  p.kh = 2;
  p.kw = 2;
  p.stride = {3, 3};
  p.output_padding = {1, 0};
  const auto x = random_values(3 * 4 * 1, rng);
  const auto w = random_values(3 * 2 * 2 * 2, rng);
  const auto b = random_values(2, rng);
  const convt::Tensor out =
      convt::conv_transpose2d(convt::ConstTensorView(x.data(), {1, 3, 4, 1}),
                              convt::ConstTensorView(w.data(), {3, 2, 2, 2}),
                              convt::ConstTensorView(b.data(), {2}), 3, 0, {1, 0});
  ASSERT_EQ(out.shape(), (convt::Shape{1, 2, 12, 2}));
  const std::vector<float> got(out.data(), out.data() + out.numel());
  EXPECT_LE(relative_error(got, reference_conv_transpose2d(p, x, w, b)), kTolerance);
}

TEST(Api, TensorBasics) {
  convt::Tensor t({2, 3});
  EXPECT_EQ(t.numel(), 6);
  EXPECT_EQ(t.strides(), (convt::Shape{3, 1}));
  t.at({1, 2}) = 5.0f;
  EXPECT_EQ(t.data()[5], 5.0f);
  EXPECT_EQ(convt::shape_to_string({4}), "(4,)");
  EXPECT_THROW(t.at({2, 0}), convt::ValueError);
  EXPECT_THROW(t.at({0}), convt::ValueError);
  EXPECT_THROW(convt::Tensor({-1, 2}), convt::ValueError);
}

TEST(Api, KernelSelectionFollowsCpuAndCap) {
  const std::string name = convt::cpu_kernel_name();
  if (name == "none") GTEST_SKIP() << "GPU-only build (CONVT_TARGETS=cuda): no CPU kernel";
#if defined(__x86_64__)
  const char *cap = std::getenv("CONVT_MAX_CPU_ISA");
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const bool avx512 = avx2 && __builtin_cpu_supports("avx512f") &&
                      __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512vl") &&
                      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq");
  const std::string capped = cap != nullptr ? cap : "";
  if (capped == "sse41" || !avx2) {
    EXPECT_EQ(name, "x86-sse41");
  } else if (capped == "avx2" || !avx512) {
    EXPECT_EQ(name, "x86-avx2");
  } else {
    EXPECT_EQ(name, "x86-avx512");
  }
#elif defined(__aarch64__)
  EXPECT_EQ(name, "arm-neon");  // the one AArch64 flavour
#else
  FAIL() << "no CPU backend expected for this architecture, got " << name;
#endif
}

}  // namespace
}  // namespace convt_test
