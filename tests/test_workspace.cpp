// The kernels' workspace cache: Halide's alignment contract, reuse between
// calls, release, and unchanged results.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <random>

#include "HalideRuntime.h"
#include "convt/convt.h"
#include "test_util.h"
#include "workspace.h"

namespace {

TEST(Workspace, BlocksAreAlignedAndReused) {
  convt::detail::install_workspace_allocator();
  convt::release_workspace();
  void *a = halide_malloc(nullptr, 1000);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a) % 64, 0u);
  std::memset(a, 1, 1000);
  halide_free(nullptr, a);
  EXPECT_EQ(convt::detail::workspace_cached_bytes(), 1024u);  // rounded to 64
  void *b = halide_malloc(nullptr, 900);                      // fits the cached block
  EXPECT_EQ(b, a);
  EXPECT_EQ(convt::detail::workspace_cached_bytes(), 0u);
  void *c = halide_malloc(nullptr, 4000);  // too big for anything cached: new block
  EXPECT_NE(c, b);
  halide_free(nullptr, b);
  halide_free(nullptr, c);
  convt::release_workspace();
  EXPECT_EQ(convt::detail::workspace_cached_bytes(), 0u);
}

TEST(Workspace, RepeatedCallsGiveIdenticalResults) {
  std::mt19937 rng(11);
  const auto x = convt_test::random_values(2 * 16 * 12 * 12, rng);
  const auto w = convt_test::random_values(16 * 8 * 4 * 4, rng);
  const convt::ConstTensorView xv(x.data(), {2, 16, 12, 12});
  const convt::ConstTensorView wv(w.data(), {16, 8, 4, 4});
  convt::release_workspace();
  const convt::Tensor first = convt::conv_transpose2d(xv, wv, std::nullopt, 2, 1);
  EXPECT_GT(convt::detail::workspace_cached_bytes(), 0u);  // the input copy was kept
  for (int i = 0; i < 3; ++i) {
    const convt::Tensor again = convt::conv_transpose2d(xv, wv, std::nullopt, 2, 1);
    EXPECT_EQ(std::memcmp(again.data(), first.data(), sizeof(float) * first.numel()), 0);
  }
  convt::release_workspace();
  EXPECT_EQ(convt::detail::workspace_cached_bytes(), 0u);
}

}  // namespace
