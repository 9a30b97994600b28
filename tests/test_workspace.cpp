// The kernels' workspace cache: Halide's alignment contract, reuse between
// calls, eviction when full, release, and unchanged results.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

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

// A full cache makes room for the block just returned: the layer running
// now keeps its blocks, whatever earlier layers left (a cache that kept
// its first blocks missed on every call of a process's later layers).
TEST(Workspace, AFullCacheKeepsTheBlocksReturnedLast) {
  convt::detail::install_workspace_allocator();
  convt::release_workspace();
  std::vector<void *> earlier(convt::detail::kMaxCachedBlocks + 8);
  for (void *&p : earlier) p = halide_malloc(nullptr, 64);
  for (void *p : earlier) halide_free(nullptr, p);
  const std::size_t full = convt::detail::workspace_cached_bytes();
  EXPECT_LT(full, earlier.size() * 64u);       // bounded: not every earlier block stayed
  void *now = halide_malloc(nullptr, 100000);  // fits no cached block
  halide_free(nullptr, now);
  EXPECT_GE(convt::detail::workspace_cached_bytes(), 100000u);  // kept, in place of old ones
  void *again = halide_malloc(nullptr, 100000);
  EXPECT_EQ(again, now);
  EXPECT_LT(convt::detail::workspace_cached_bytes(), 100000u);  // taken from the cache
  halide_free(nullptr, again);
  convt::release_workspace();
  EXPECT_EQ(convt::detail::workspace_cached_bytes(), 0u);
}

// A new block holds zeros, not the heap's garbage: idle lanes read past what
// a kernel writes, and garbage there holds denormals, each a microcode
// assist per FMA on Intel cores (30 times the call's time on a tiny layer).
TEST(Workspace, NewBlocksHoldZeros) {
  convt::detail::install_workspace_allocator();
  convt::release_workspace();
  for (std::size_t size :
       {std::size_t{200}, std::size_t{3000}, std::size_t{40000}, std::size_t{3} << 20}) {
    // Leave the heap's next chunk of about this size full of ones.
    void *dirty = std::malloc(size + 128);
    ASSERT_NE(dirty, nullptr);
    std::memset(dirty, 0xff, size + 128);
    std::free(dirty);
    auto *block = static_cast<unsigned char *>(halide_malloc(nullptr, size));
    ASSERT_NE(block, nullptr);
    std::size_t nonzero = 0;
    for (std::size_t i = 0; i < size; ++i) nonzero += block[i] != 0;
    EXPECT_EQ(nonzero, 0u) << "block of " << size << " bytes";
    halide_free(nullptr, block);
  }
  convt::release_workspace();
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
