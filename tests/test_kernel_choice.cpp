// The CPU planner's rules (runtime/plan.cpp) on named shapes: which
// evaluation order, flavour and group split a call takes, so the sweep's
// channel-tile cases are known to run channel tiles and wide layers x tiles.
#include <gtest/gtest.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

#include "backends.h"
#include "cpu_kernel.h"
#include "cpu_tiles.h"
#include "plan.h"
#include "tile_order.h"

namespace {

using namespace convt_order;

// The rules' order, less running by row: whether channel tiles run by row
// follows this machine's L2 (ChannelTilesRunByRowWhereTheirOutputOutgrowsL2
// checks it), so the other tests compare the order of the tiles that run.
int32_t tile_order_of(const convt::detail::ConvGeometry &g, const convt::detail::XTile &x_tile,
                      const convt::detail::ChannelTiles &channel_tiles = {},
                      const convt::detail::XTile &wide_x_tile = {},
                      const convt::detail::XImageTile &across_images = {}) {
  return channel_tiles_base(
      convt::detail::cpu_tile_order(g, x_tile, channel_tiles, wide_x_tile, across_images));
}

int32_t order_for(const convt::Shape &input, const convt::Shape &weight,
                  const convt::IntList &stride, const convt::IntList &padding, int64_t groups = 1,
                  const convt::IntList &dilation = 1) {
  const convt::detail::ConvGeometry g =
      convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, dilation);
  return channel_tiles_base(convt::detail::plan_call(g, convt::Device::kCPU).tile_order);
}

// The x86 kernels' tiles (generators/cpu_tiles.h, as cpu_kernel.h reads
// them), and the rules' order for a layer of stride 2 and padding 1 given
// them.
constexpr convt::detail::Kernel kAvx2 = convt::detail::cpu_kernel_with_tiles(
    "avx2", {}, convt_tiles::kX86Avx2Tiles, convt_tiles::kAvx2Lanes);
constexpr convt::detail::Kernel kAvx512 = convt::detail::cpu_kernel_with_tiles(
    "avx512", {}, convt_tiles::kX86Avx512Tiles, convt_tiles::kAvx512Lanes);
const convt::detail::XTile avx2_x = kAvx2.x_tile, avx512_x = kAvx512.x_tile,
                           avx2_wide = kAvx2.wide_x_tile, avx512_wide = kAvx512.wide_x_tile;
const convt::detail::ChannelTiles avx2 = kAvx2.channel_tiles, avx512 = kAvx512.channel_tiles;
int32_t order_with_tiles(const convt::Shape &input, const convt::Shape &weight,
                         const convt::detail::XTile &x, const convt::detail::ChannelTiles &tiles) {
  return tile_order_of(convt::detail::resolve_geometry(input, weight, 2, 1, 0, 1, 1), x, tiles);
}

// The rules' order for a layer given the AVX2 kernel's tiles, whatever this
// machine's kernel.
int32_t avx2_order(const convt::Shape &input, const convt::Shape &weight,
                   const convt::IntList &stride, const convt::IntList &padding,
                   const convt::IntList &dilation = 1) {
  return tile_order_of(
      convt::detail::resolve_geometry(input, weight, stride, padding, 0, 1, dilation), avx2_x, avx2,
      avx2_wide);
}

// ... and for a layer of `groups` groups of stride 2 and padding 1.
int32_t avx2_order_grouped(const convt::Shape &input, const convt::Shape &weight, int64_t groups) {
  return tile_order_of(convt::detail::resolve_geometry(input, weight, 2, 1, 0, groups, 1), avx2_x,
                       avx2, avx2_wide);
}

// (Order 2's image tile holds 4 images with AVX2, 8 with AVX-512; order 7's
// 6 and 12: these batches take order 2 in both.)
TEST(KernelChoice, NarrowPhaseRowsOfBatchesTileAlongChannelsAndImages) {
  EXPECT_EQ(order_for({8, 2048, 8, 6}, {2048, 256, 4, 4}, 2, 1),
            kChannelTilesAlongImages);  // simplebaseline_r50
  EXPECT_EQ(order_for({16, 100, 1, 1}, {100, 512, 4, 4}, 1, 0),
            kChannelTilesAlongImages);  // dcgan_g_first, 16 images
  EXPECT_EQ(order_for({5, 5, 3, 4}, {5, 20, 3, 3}, 2, 1),
            kChannelTilesAlongImages);  // N not a multiple of 4
  EXPECT_EQ(order_for({8, 8, 3, 4}, {8, 24, 3, 3}, 1, 1, 1, 2),
            kChannelTilesAlongImages);  // dilation 2, stride 1
  EXPECT_EQ(order_for({5, 2, 1, 1}, {2, 146, 1, 4}, {1, 2}, {0, 4}, 1, {1, 3}),
            kChannelTilesAlongImages);  // random1_13: dilation 3
}

// Grouped and depthwise layers take channel tiles only for phase rows of
// at most a quarter of the x tile (4 columns with AVX2 and NEON, 8 with
// AVX-512).
TEST(KernelChoice, GroupedLayersTileAlongChannelsOnlyForVeryNarrowRows) {
  auto order = [&](const convt::Shape &input, const convt::Shape &weight,
                   const convt::IntList &stride, const convt::IntList &padding, int64_t groups) {
    return tile_order_of(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, 1), avx2_x,
        avx2);
  };
  // random1_2: 1 column, 15 images; random1_36: 1 column, 3 images.
  EXPECT_EQ(order({15, 38, 1, 1}, {38, 1, 1, 4}, {1, 2}, {0, 1}, 38), kChannelTilesAlongImages);
  EXPECT_EQ(order({3, 11, 2, 2}, {11, 1, 1, 1}, 2, 0, 11), kChannelTilesAlongX);
  // groups 2, 4 columns (7 output columns at stride 2).
  EXPECT_EQ(order({2, 8, 3, 4}, {8, 10, 3, 3}, 2, 1, 2), kChannelTilesAlongX);
  // 8 columns, as random1_31; random1_9: 11 columns, 9 images.
  EXPECT_EQ(order({1, 133, 7, 7}, {133, 1, 2, 2}, 1, 0, 133), kXTiles);
  EXPECT_EQ(order({9, 56, 9, 9}, {56, 1, 7, 7}, 2, 0, 56), kXTiles);
}

TEST(KernelChoice, NarrowPhaseRowsOfFewImagesTileAlongChannelsAndX) {
  EXPECT_EQ(order_for({1, 1024, 8, 8}, {1024, 256, 4, 4}, 2, 1), kChannelTilesAlongX);
  EXPECT_EQ(order_for({3, 5, 3, 4}, {5, 20, 3, 3}, 2, 1),
            kChannelTilesAlongX);  // C_out not a multiple of the tile
  EXPECT_EQ(order_for({1, 5, 3, 4}, {5, 32, 3, 3}, 2, 1, 1, 2), kChannelTilesAlongX);  // dilation 2
}

// Batches of 4 or more whose x tiles would compute much of the zero
// border (a dilated kernel reaching past a small input): the channel
// tiles along images, which skip those taps; with the AVX2 kernel's tiles.
TEST(KernelChoice, BatchesTileAlongImagesWhereTheXTilesComputeTheBorder) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                  int64_t padding, int64_t output_padding, int64_t dilation) {
    return tile_order_of(convt::detail::resolve_geometry(input, weight, stride, padding,
                                                         output_padding, 1, dilation),
                         kAvx2.x_tile, kAvx2.channel_tiles, kAvx2.wide_x_tile, kAvx2.across_images);
  };
  // random110_30: 4 images of 217 to 39 channels, 13 x 13, k5 s2 d3 (0.68
  // of the x products read inside the input): wide x tiles 4.5 to 6.8 ms,
  // along images 2.4 to 3.5.
  EXPECT_EQ(order({4, 217, 13, 13}, {217, 39, 5, 5}, 2, 0, 0, 3), kChannelTilesAlongImages);
  // random165_21: k3 s4 d2 on 53 x 53, nearly every product kept.
  EXPECT_NE(order({9, 33, 53, 53}, {33, 42, 3, 3}, 4, 0, 3, 2), kChannelTilesAlongImages);
  // 3 images; and a 1 x 1 kernel, which reads no border.
  EXPECT_NE(order({3, 217, 13, 13}, {217, 39, 5, 5}, 2, 0, 0, 3), kChannelTilesAlongImages);
  EXPECT_NE(order({15, 311, 25, 25}, {311, 186, 1, 1}, 1, 0, 0, 1), kChannelTilesAlongImages);
}

// Narrow rows of 2 or 3 images tile along images where along x's busy
// share, counted on its products that read inside the input (x_taps_kept),
// falls short of the image tile's by kChannelTilesBusierBy: random7_33 of
// the random layers (3 images of 3 x 3, k4: half of along x's products
// kept), random38_4 (2 images of 2 x 2, k7 d2 p4: a seventh kept). One
// image, a kernel whose taps all land (k1 at stride 1), or groups (a
// channel tile then spans groups) keep along x.
TEST(KernelChoice, FewImagesTileAlongImagesWhereAlongXComputesTheBorder) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                  int64_t padding, int64_t dilation, int64_t groups = 1) {
    return tile_order_of(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, dilation),
        avx2_x, avx2, avx2_wide);
  };
  EXPECT_EQ(order({3, 532, 3, 3}, {532, 991, 4, 4}, 1, 0, 1), kChannelTilesAlongImages);
  EXPECT_EQ(order({2, 387, 2, 2}, {387, 586, 7, 7}, 1, 4, 2), kChannelTilesAlongImages);
  EXPECT_EQ(order({1, 532, 3, 3}, {532, 991, 4, 4}, 1, 0, 1), kChannelTilesAlongX);
  EXPECT_EQ(order({3, 532, 3, 3}, {532, 991, 1, 1}, 1, 0, 1), kChannelTilesAlongX);
  EXPECT_NE(order({3, 64, 3, 3}, {64, 32, 4, 4}, 1, 0, 1, 2), kChannelTilesAlongImages);
}

// Order 7 (more images, fewer channels a tile) where its tile leaves no
// more images and channels idle than order 2's, given each kernel's tiles.
TEST(KernelChoice, TallerImageTilesWhereTheyIdleNoMore) {
  EXPECT_EQ(order_for({24, 64, 4, 4}, {64, 32, 4, 4}, 2, 1), kChannelTilesAlongMoreImages);
  // dcgan_g_mid: 264 of 256 channels against 66 of 64 images.
  EXPECT_EQ(order_with_tiles({64, 512, 4, 4}, {512, 256, 4, 4}, avx2_x, avx2),
            kChannelTilesAlongMoreImages);
  EXPECT_EQ(order_with_tiles({64, 512, 4, 4}, {512, 256, 4, 4}, avx512_x, avx512),
            kChannelTilesAlongImages);
  // dcgan_g2: 144 of 128 channels.
  EXPECT_EQ(order_with_tiles({64, 256, 8, 8}, {256, 128, 4, 4}, avx2_x, avx2),
            kChannelTilesAlongMoreImages);
  // simplebaseline_r50: 12 of 8 images.
  EXPECT_EQ(order_with_tiles({8, 2048, 8, 6}, {2048, 256, 4, 4}, avx2_x, avx2),
            kChannelTilesAlongImages);
  // Without image tiles (as for a kernel that has none), never order 7.
  EXPECT_EQ(order_with_tiles({64, 256, 8, 8}, {256, 128, 4, 4}, avx2_x, {}),
            kChannelTilesAlongImages);
}

// A batch of 4 to 7 half fills AVX-512's 8-image tile: it takes order 1's
// 8-column tiles unless those idle as large a share of their columns.
TEST(KernelChoice, BatchesShortOfAnImageTileTileAlongXWhereItIdlesLess) {
  // biggan_up: 4 images, 16 columns a phase row (none idle along x).
  EXPECT_EQ(order_with_tiles({4, 512, 16, 16}, {512, 256, 4, 4}, avx512_x, avx512),
            kChannelTilesAlongX);
  // simplebaseline_r50 in 4 images: 6 columns, a quarter of the tile idle
  // against half of the image tile.
  EXPECT_EQ(order_with_tiles({4, 2048, 8, 6}, {2048, 256, 4, 4}, avx512_x, avx512),
            kChannelTilesAlongX);
  // dcgan_g_mid's shape from 48 input channels (its 512 run as columns,
  // where both idle) in 4 images: 4 columns, half idle either way; in 5
  // images (3 of 8 idle) order 2 idles less.
  EXPECT_EQ(order_with_tiles({4, 48, 4, 4}, {48, 256, 4, 4}, avx512_x, avx512),
            kChannelTilesAlongImages);
  EXPECT_EQ(order_with_tiles({5, 48, 4, 4}, {48, 256, 4, 4}, avx512_x, avx512),
            kChannelTilesAlongImages);
  // 8 images fill the tile.
  EXPECT_EQ(order_with_tiles({8, 2048, 8, 6}, {2048, 256, 4, 4}, avx512_x, avx512),
            kChannelTilesAlongImages);
  // AVX2's 4-image tile is full from 4 images.
  EXPECT_EQ(order_with_tiles({4, 2048, 8, 6}, {2048, 256, 4, 4}, avx2_x, avx2),
            kChannelTilesAlongImages);
}

// "Narrow" is narrower than the kernel's x tile: 16 phase columns with AVX2
// and NEON, 32 with AVX-512.
TEST(KernelChoice, NarrowMeansNarrowerThanTheXTile) {
  const convt::detail::ConvGeometry pix2pix = convt::detail::resolve_geometry(
      {1, 1024, 16, 16}, {1024, 256, 4, 4}, 2, 1, 0, 1, 1);  // 16 columns a phase row
  EXPECT_EQ(tile_order_of(pix2pix, {16, 6}), kXTiles);
  EXPECT_EQ(tile_order_of(pix2pix, {32, 12}), kChannelTilesAlongX);
}

TEST(KernelChoice, BatchesWithFewOutputChannelsTileAlongXAndImages) {
  EXPECT_EQ(order_for({64, 64, 32, 32}, {64, 3, 4, 4}, 2, 1), kXTilesAcrossImages);  // dcgan_g_last
  EXPECT_EQ(order_for({4, 6, 5, 5}, {6, 1, 3, 3}, 1, 0, 1, 2), kXTilesAcrossImages);  // dilation 2
}

// Fewer images than an image tile, at most 3 output channels: tiles of one
// channel's phase rows.
TEST(KernelChoice, FewImagesWithFewOutputChannelsTileAlongXAndRows) {
  // (Columns of 2.4 MB: past L2, FewOutputChannelsRunAsColumnsWhereTheColumnsStayInL2.)
  EXPECT_EQ(order_for({3, 64, 64, 64}, {64, 3, 4, 4}, 2, 1), kXTilesAcrossRows);    // batch of 3
  EXPECT_EQ(order_for({1, 32, 120, 120}, {32, 1, 9, 9}, 3, 4), kXTilesAcrossRows);  // 32 inputs
  EXPECT_EQ(order_for({1, 6, 32, 32}, {6, 3, 5, 5}, 1, 0), kXTilesAcrossRows);  // the API example
  EXPECT_EQ(order_for({2, 4, 5, 5}, {4, 1, 3, 3}, 2, 0, 1, 2), kXTilesAcrossRows);  // dilation 2
}

// Depthwise layers of 48 or more phase rows and two or more taps per phase
// along y: tiles of one channel's rows, which share its weight broadcast.
TEST(KernelChoice, TallDepthwiseLayersTileAcrossRows) {
  EXPECT_EQ(order_for({1, 11, 134, 134}, {11, 1, 4, 4}, 2, 1, 11), kXTilesAcrossRows);
  EXPECT_EQ(order_for({1, 12, 102, 102}, {12, 1, 7, 7}, 2, 3, 12), kXTilesAcrossRows);
  EXPECT_NE(order_for({1, 96, 40, 40}, {96, 1, 4, 4}, 2, 1, 96), kXTilesAcrossRows);  // 40 rows
  EXPECT_NE(order_for({9, 92, 74, 74}, {92, 1, 1, 1}, 2, 0, 92), kXTilesAcrossRows);  // one tap
}

// Depthwise layers of narrow rows (fewer phase columns than an x tile) in
// batches that fill the tile across images, whose image tile's input fits
// in half of L2: x tiles across images, whose images share each weight.
TEST(KernelChoice, DepthwiseBatchesOfNarrowRowsTileAcrossImages) {
  // random8_38: 8 images of 54 channels of 8 x 8, k3 s2: 9 columns a phase
  // row, 55 KB of input per 4 images.
  EXPECT_EQ(order_for({8, 54, 8, 8}, {54, 1, 3, 3}, 2, 0, 54), kXTilesAcrossImages);
  EXPECT_EQ(order_for({8, 54, 12, 12}, {54, 2, 3, 3}, 2, 0, 54), kXTilesAcrossImages);  // 2 a group
  EXPECT_NE(order_for({8, 54, 12, 12}, {54, 4, 3, 3}, 2, 0, 54), kXTilesAcrossImages);  // 4 a group
  EXPECT_NE(order_for({3, 54, 8, 8}, {54, 1, 3, 3}, 2, 0, 54), kXTilesAcrossImages);    // 3 images
  // 25 columns a phase row: the x tiles.
  EXPECT_NE(order_for({8, 54, 24, 24}, {54, 1, 3, 3}, 2, 0, 54), kXTilesAcrossImages);
  // 9.4 MB of input per 4 images, past half of any L2.
  EXPECT_NE(order_for({8, 4096, 12, 12}, {4096, 1, 3, 3}, 1, 0, 4096), kXTilesAcrossImages);
}

// ... and ahead of the channel tiles along images for inputs of 3 or more
// rows and columns with kernels of 3 or more and two taps a phase along
// each axis.
TEST(KernelChoice, DepthwiseBatchesOfMultiTapPhasesTileAcrossImages) {
  // random205_43: 27 images of 22 channels of 4 x 4, k5 s2 (channel tiles
  // along images 0.21 ms, x tiles across images 0.08).
  EXPECT_EQ(order_for({27, 22, 4, 4}, {22, 1, 5, 5}, 2, 2, 22), kXTilesAcrossImages);
  EXPECT_EQ(order_for({9, 5, 3, 3}, {5, 1, 7, 7}, 2, 0, 5), kXTilesAcrossImages);
  // 2 x 2 inputs, 1 x 1 inputs, one tap a phase: the channel tiles along
  // images as before.
  EXPECT_NE(order_for({27, 22, 2, 2}, {22, 1, 5, 5}, 2, 2, 22), kXTilesAcrossImages);
  EXPECT_NE(order_for({27, 22, 1, 1}, {22, 1, 5, 5}, 2, 2, 22), kXTilesAcrossImages);
  EXPECT_NE(order_for({27, 22, 4, 4}, {22, 1, 2, 2}, 2, 0, 22), kXTilesAcrossImages);
}

// 4 to 12 output channels (groups 1) in a batch that fills the tile across
// images, whose tile of 3 channels leaves a fifth less idle than the x
// tiles and wide x tiles, and whose image tile's input fits in half of L2:
// x tiles across images.
TEST(KernelChoice, FewOutputChannelsInBatchesTileAcrossImages) {
  const auto order = [](const convt::Shape &input, const convt::Shape &weight,
                        const convt::detail::Kernel &k) {
    const convt::detail::ConvGeometry g =
        convt::detail::resolve_geometry(input, weight, 2, 0, 0, 1, 1);
    return tile_order_of(g, k.x_tile, k.channel_tiles, k.wide_x_tile, k.across_images);
  };
  // random101_29: 2 to 4 channels, 15 images of 83 x 83, k2 s2: AVX-512's x
  // tiles of 13 channels keep 4 busy, its wide x tiles 4 of 8; AVX2's wide
  // x tiles of 4 keep all.
  EXPECT_EQ(order({15, 2, 83, 83}, {2, 4, 2, 2}, kAvx512), kXTilesAcrossImages);
  EXPECT_NE(order({15, 2, 83, 83}, {2, 4, 2, 2}, kAvx2), kXTilesAcrossImages);
  // 9 channels: a quarter of AVX2's x tiles of 6 and wide x tiles of 4 idle.
  EXPECT_EQ(order({8, 3, 24, 24}, {3, 9, 2, 2}, kAvx2), kXTilesAcrossImages);
  EXPECT_NE(order({3, 2, 83, 83}, {2, 4, 2, 2}, kAvx512), kXTilesAcrossImages);  // 3 images
  EXPECT_NE(order({15, 2, 83, 83}, {2, 13, 2, 2}, kAvx512), kXTilesAcrossImages);
  // 4 images of 3 channels of 256 x 256: 3 MB of input per image tile.
  EXPECT_NE(order({4, 3, 256, 256}, {3, 4, 2, 2}, kAvx512), kXTilesAcrossImages);
  EXPECT_EQ(order({4, 3, 64, 64}, {3, 4, 2, 2}, kAvx512), kXTilesAcrossImages);  // 196 KB
}

// ... and run on the pool from a 32nd of the multiply-adds that other calls
// need (SmallCallsRunSerially): each channel loads its own group's input.
TEST(KernelChoice, DepthwiseTilesAcrossImagesRunOnThePoolSooner) {
  const convt::detail::ConvGeometry g =
      convt::detail::resolve_geometry({8, 54, 8, 8}, {54, 1, 3, 3}, 2, 0, 0, 54, 1);
  const convt::detail::Plan plan = convt::detail::plan_call(g, convt::Device::kCPU);
  ASSERT_EQ(plan.tile_order, kXTilesAcrossImages);
  const int64_t cores = convt::detail::cpu_cores();
  const int64_t multiply_adds = int64_t{8} * 54 * 8 * 8 * 3 * 3;  // 248832
  EXPECT_EQ(g.multiply_adds(), multiply_adds);
  EXPECT_EQ(plan.serial,
            cores == 1 || 32 * multiply_adds <= convt::detail::kPoolCostPerWorker * cores);
  EXPECT_EQ(plan.serial, cores == 1);
  // 4 images of 16 channels of 3 x 3, k3 s1: 5184 multiply-adds, 32 times
  // over on the pool from 3 cores.
  const convt::detail::ConvGeometry tiny =
      convt::detail::resolve_geometry({4, 16, 3, 3}, {16, 1, 3, 3}, 1, 0, 0, 16, 1);
  const convt::detail::Plan tiny_plan = convt::detail::plan_call(tiny, convt::Device::kCPU);
  ASSERT_EQ(tiny_plan.tile_order, kXTilesAcrossImages);
  EXPECT_EQ(tiny_plan.serial, cores == 1 || 32 * 5184 <= convt::detail::kPoolCostPerWorker * cores);
}

// x tiles across rows compute the zero border's rows, and copy every row
// their taps reach: not where that work passes the work check's bound, nor
// where the copy outgrows the rows' taps (not even as candidates), nor
// where those rows cost more than the x tiles' idle channels.
TEST(KernelChoice, AcrossRowsOnlyWhereTheBorderRowsPay) {
  const convt::detail::ConvGeometry far_work = convt::detail::resolve_geometry(
      {1, 1, 8, 8}, {1, 1, 32, 32}, 1, 0, 0, 1, 48);  // 2.3 G multiply-adds, 65 k true
  const convt::detail::ConvGeometry far_rows = convt::detail::resolve_geometry(
      {1, 1, 4, 2}, {1, 1, 6, 1}, 1, {1965364, 0}, 0, 1, {786145, 1});  // 1 row, 6 taps
  for (const convt::detail::ConvGeometry &g : {far_work, far_rows}) {
    for (const convt::detail::Plan &p : convt::detail::cpu_plans(g)) {
      EXPECT_NE(p.tile_order, kXTilesAcrossRows) << p.kernel->name;
    }
  }
  // (far_work's kernel reaches too far along x for x tiles as well.)
  EXPECT_EQ(convt::detail::plan_call(far_work, convt::Device::kCPU).tile_order,
            kChannelTilesAlongX);
  // far_rows: whichever of x tiles and channel tiles along x leaves less of
  // its work idle with this kernel's tiles (1 channel in rows of 2 columns).
  const int32_t far_rows_order = convt::detail::plan_call(far_rows, convt::Device::kCPU).tile_order;
  EXPECT_TRUE(far_rows_order == kXTiles || far_rows_order == kChannelTilesAlongX) << far_rows_order;
  // One input row, 8 phase rows of 3 channels against 6 channels of one row.
  EXPECT_EQ(order_for({1, 4, 1, 9}, {4, 3, 8, 3}, 1, 0), kXTiles);
  EXPECT_EQ(order_for({1, 4, 8, 9}, {4, 3, 8, 3}, 1, 0), kXTilesAcrossRows);  // 15 x 3 < 8 x 6
}

// Grouped layers whose phases need the gcd (dilation and stride both above
// 1 along an axis of two or more taps) run one call per group on the CPU,
// where the schedule's groups-1 specialization of such phases applies; not
// depthwise layers, nor the columns order (no phases).
TEST(KernelChoice, GroupedLayersWhosePhasesNeedTheGcdRunPerGroup) {
  auto plan = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                 int64_t padding, int64_t groups, int64_t dilation) {
    return convt::detail::plan_call(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, dilation),
        convt::Device::kCPU);
  };
  // random1_47 of the report (2 groups of 6 to 2 channels, k7 s2 d2) in 8
  // groups, more than FewNarrowGroupsRunPerGroup takes.
  const convt::Shape input{23, 48, 43, 43}, weight{48, 2, 7, 7};
  EXPECT_TRUE(plan(input, weight, 2, 6, 8, 2).per_group);
  EXPECT_FALSE(plan(input, weight, 2, 6, 8, 1).per_group);  // dilation 1
  EXPECT_FALSE(plan(input, weight, 1, 6, 8, 2).per_group);  // stride 1
  // random37_30: a 1 x 1 kernel, one tap whatever the dilation.
  EXPECT_FALSE(plan({1, 4, 53, 53}, {4, 65, 1, 1}, 2, 0, 4, 3).per_group);
  EXPECT_FALSE(plan({2, 8, 9, 9}, {8, 1, 3, 3}, 2, 1, 8, 2).per_group);  // depthwise
  // random33_21: 4 groups of 297 to 6 channels on a 2 x 2 input, columns.
  const convt::detail::Plan columns = plan({1, 1188, 2, 2}, {1188, 6, 4, 4}, 2, 1, 4, 2);
  EXPECT_EQ(columns.tile_order, kColumns);
  EXPECT_FALSE(columns.per_group);
}

// Layers of 2 to 4 narrow groups run one call per group on the CPU where
// the call runs on the pool, its kernel has two or more taps, and the whole
// call would not take columns or interleaved x tiles.
TEST(KernelChoice, FewNarrowGroupsRunPerGroup) {
  auto plan = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                 int64_t padding, int64_t groups) {
    return convt::detail::plan_call(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, 1),
        convt::Device::kCPU);
  };
  // random11_28: 2 groups of 8 to 21 channels, k5 s2, 35 images.
  EXPECT_TRUE(plan({35, 16, 11, 11}, {16, 21, 5, 5}, 2, 2, 2).per_group);
  EXPECT_TRUE(plan({35, 32, 11, 11}, {32, 21, 5, 5}, 2, 2, 4).per_group);
  EXPECT_FALSE(plan({35, 64, 11, 11}, {64, 21, 5, 5}, 2, 2, 8).per_group);  // 8 groups
  EXPECT_FALSE(plan({1, 8, 11, 11}, {8, 1, 2, 2}, 2, 0, 4).per_group);      // serial
  EXPECT_FALSE(plan({35, 16, 11, 11}, {16, 21, 1, 1}, 2, 0, 2).per_group);  // one tap
  // random43_35: 4 groups of 1 to 16, k2 s2: interleaved x tiles in one call.
  const convt::detail::Plan interleaved = plan({2, 4, 58, 58}, {4, 16, 2, 2}, 2, 0, 4);
  EXPECT_EQ(interleaved.tile_order, kInterleavedXTiles);
  EXPECT_FALSE(interleaved.per_group);
}

// Small (serial) calls of few groups run per group too where their output
// is large (kGroupsApartFewestOutputs, 2048 values), whatever the kernel:
// in one call the kernels take their general paths for groups.
TEST(KernelChoice, SerialCallsOfFewGroupsWithLargeOutputsRunPerGroup) {
  auto geometry = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                     int64_t groups, int64_t dilation) {
    return convt::detail::resolve_geometry(input, weight, stride, 0, 0, groups, dilation);
  };
  // Per group, unless the one call takes columns or interleaved x tiles
  // (the kernel's tiles decide that order).
  auto expect_apart = [](const convt::detail::ConvGeometry &g, bool apart) {
    const convt::detail::Plan plan = convt::detail::plan_call(g, convt::Device::kCPU);
    const int32_t one_call = cpu_tile_order(g, convt::detail::cpu_kernel_for(g));
    EXPECT_TRUE(plan.serial);
    EXPECT_EQ(plan.per_group, apart && one_call != kColumns && one_call != kInterleavedXTiles);
  };
  // random11_4: 6 images of 2 x 2, 2 groups of 6 to 451 channels, a 1 x 1
  // kernel of dilation 3: 21648 output values.
  expect_apart(geometry({6, 12, 2, 2}, {12, 451, 1, 1}, 1, 2, 3), true);
  // random5_37's groups (2 of 3 to 1 channel, k2 s4) on 4 images of 26 x
  // 26 (its 13 run on the pool).
  expect_apart(geometry({4, 6, 26, 26}, {6, 1, 2, 2}, 4, 2, 1), true);
  // random21_31: 2 images of 2 x 2, 4 groups of 21 to 1, k4 s2: 288 values.
  expect_apart(geometry({2, 84, 2, 2}, {84, 1, 4, 4}, 2, 4, 1), false);
}

// Small (serial) calls of few groups whose one call takes channel tiles run
// per group where the group calls take channel tiles of at most twice the
// channels: a tile that straddles groups computes each lane's group.
TEST(KernelChoice, SmallCallsOfFewGroupsKeepChannelTilesWithinAGroup) {
  auto plan = [](const convt::Shape &input, const convt::Shape &weight, int64_t groups) {
    return convt::detail::plan_call(
        convt::detail::resolve_geometry(input, weight, {1, 2}, {0, 1}, 0, groups, 1),
        convt::Device::kCPU);
  };
  auto one_call_order = [](const convt::Shape &input, const convt::Shape &weight, int64_t groups) {
    const convt::detail::ConvGeometry g =
        convt::detail::resolve_geometry(input, weight, {1, 2}, {0, 1}, 0, groups, 1);
    return convt::detail::cpu_tile_order(g, convt::detail::cpu_kernel_for(g));
  };
  // random206_15: 2 images, 2 groups of 1 to 82 channels, k1x5 s1x2.
  const convt::Shape random206_15{2, 2, 1, 1}, random206_15_weight{2, 82, 1, 5};
  EXPECT_EQ(channel_tiles_base(one_call_order(random206_15, random206_15_weight, 2)),
            kChannelTilesAlongX);
  const convt::detail::Plan apart = plan(random206_15, random206_15_weight, 2);
  EXPECT_TRUE(apart.serial);
  EXPECT_TRUE(apart.per_group);
  // (Each group's call then tiles along images: its 5 taps leave along x
  // 3 products of 10 that read inside the 1-column input.)
  EXPECT_EQ(channel_tiles_base(apart.tile_order), kChannelTilesAlongImages);
  // 4 groups of a quarter of the kernel's channel tile each (random105_11,
  // 4 groups of 4 to 5 channels, with AVX2's tile of 24): the group calls'
  // tiles would compute 4 tiles of channels for the one call's one.
  const convt::Shape narrow_groups{1, 16, 1, 2};
  const int64_t depth =
      convt::detail::cpu_kernel_for(
          convt::detail::resolve_geometry(narrow_groups, {16, 4, 1, 4}, {1, 2}, {0, 1}, 0, 4, 1))
          .channel_tiles.along_x.channels;
  const convt::Shape narrow_groups_weight{16, depth / 4, 1, 4};
  EXPECT_EQ(channel_tiles_base(one_call_order(narrow_groups, narrow_groups_weight, 4)),
            kChannelTilesAlongX);
  EXPECT_FALSE(plan(narrow_groups, narrow_groups_weight, 4).per_group);
}

// x tiles read the input in blocks of their columns with the halo their
// taps reach beyond them: not where that halo passes three tiles (not even
// as candidates), so a far-dilated kernel's copy stays near the input's size.
TEST(KernelChoice, XTilesOnlyWhereTheirHaloStaysNearTheTile) {
  // 7 taps at dilation 9, stride 1 along x: a halo of 54 + 9 + 3 columns.
  const convt::detail::ConvGeometry far =
      convt::detail::resolve_geometry({1, 8, 16, 200}, {8, 32, 1, 7}, 1, 0, 0, 1, {1, 9});
  EXPECT_FALSE(convt::detail::x_blocks_fit(far, 16));
  EXPECT_TRUE(convt::detail::x_blocks_fit(far, 32));
  EXPECT_EQ(tile_order_of(far, {16, 6}), kChannelTilesAlongX);
  EXPECT_EQ(tile_order_of(far, {32, 12}), kXTiles);
  for (const convt::detail::Plan &p : convt::detail::cpu_plans(far)) {
    if (p.kernel->x_tile.columns > 16) continue;
    EXPECT_NE(p.tile_order, kXTiles) << p.kernel->name;
    EXPECT_NE(p.tile_order, kXTilesByRow) << p.kernel->name;
  }
  // aspp_dgrad_d6 of the zoo: 3 taps at dilation 6, a halo of 21 (with
  // fewer input channels than channel tiles along x take on wide rows).
  EXPECT_EQ(avx2_order({1, 24, 33, 33}, {24, 256, 3, 3}, 1, 6, 6), kXTiles);
}

// Phase rows whose last x tile leaves a quarter or more of the x tiles'
// columns idle take the wide x tiles (AVX2: 24 columns x 4 channels;
// AVX-512: 48 x 8), by row where the x tiles would be (an input larger
// than half of L2), where the wide tile's halo stays near it.
TEST(KernelChoice, RowsThatIdleAQuarterOfTheXTilesTakeWideTiles) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight,
                  const convt::detail::XTile &x, const convt::detail::ChannelTiles &tiles,
                  const convt::detail::XTile &wide, int64_t padding = 1, int64_t dilation = 1) {
    return tile_order_of(convt::detail::resolve_geometry(input, weight, 2, padding, 0, 1, dilation),
                         x, tiles, wide);
  };
  // dgrad_dilated_s2 of the zoo without its dilation: rows of 24 columns,
  // 32 in x tiles; fcn16s_upscore2: rows of 17 (16 x 16 input, no padding).
  const convt::Shape weight{64, 64, 4, 4};
  EXPECT_EQ(order({4, 64, 24, 24}, weight, avx2_x, avx2, avx2_wide), kWideXTiles);
  EXPECT_EQ(order({1, 21, 16, 16}, {21, 21, 4, 4}, avx2_x, avx2, avx2_wide, 0), kWideXTiles);
  // One image's input twice this machine's L2, in rows of 24 columns.
  const int64_t l2 = convt::detail::l2_cache_bytes();
  const int64_t row_bytes = 64 * 24 * 4;
  EXPECT_EQ(order({1, 64, 2 * l2 / row_bytes, 24}, weight, avx2_x, avx2, avx2_wide),
            kWideXTilesByRow);
  // Rows of 40 columns: 48 computed either way with AVX2; 64 against 48
  // with AVX-512. (16 input channels: too few for channel tiles along x,
  // which would idle on none of these.)
  const convt::Shape rows_of_40{1, 16, 8, 40}, shallow{16, 64, 4, 4};
  EXPECT_EQ(order(rows_of_40, shallow, avx2_x, avx2, avx2_wide), kXTiles);
  EXPECT_EQ(order(rows_of_40, shallow, avx512_x, avx512, avx512_wide), kWideXTiles);
  // Rows of 64 fill both: x tiles.
  EXPECT_EQ(order({1, 64, 8, 64}, weight, avx2_x, avx2, avx2_wide), kXTiles);
  // A kernel without a wide tile never takes them.
  EXPECT_EQ(order({4, 16, 24, 24}, shallow, avx2_x, avx2, {}), kXTiles);
  // Columns and channels together: linknet_decoder1 (16 channels in rows
  // of 256) computes 24 channels in AVX-512's x tiles, 16 in its wide
  // tiles (AVX2's x tiles compute 18, too few more); by row where its 2 MB
  // input outgrows half of L2. Not for a reduction of a few multiply-adds per
  // output: 8 depthwise channels, a 1 x 1 kernel.
  const convt::detail::ConvGeometry linknet =
      convt::detail::resolve_geometry({1, 16, 128, 256}, {16, 16, 3, 3}, 2, 1, 1, 1, 1);
  const int32_t linknet_order = tile_order_of(linknet, avx512_x, avx512, avx512_wide);
  EXPECT_TRUE(linknet_order == kWideXTiles || linknet_order == kWideXTilesByRow)
      << tile_order_name(linknet_order);
  const int32_t linknet_avx2 = tile_order_of(linknet, avx2_x, avx2, avx2_wide);
  EXPECT_TRUE(linknet_avx2 == kXTiles || linknet_avx2 == kXTilesByRow)
      << tile_order_name(linknet_avx2);
  const convt::detail::ConvGeometry depthwise =
      convt::detail::resolve_geometry({18, 8, 40, 40}, {8, 1, 1, 1}, 2, 0, 0, 8, 1);
  EXPECT_EQ(tile_order_of(depthwise, avx2_x, avx2, avx2_wide), kXTiles);
  // A halo of more than three wide tiles (8 taps at dilation 24, stride 2:
  // 84 + 24 + 3 columns against 72): neither x tile.
  EXPECT_EQ(order({1, 8, 4, 4}, {8, 8, 1, 8}, avx2_x, avx2, avx2_wide, 1, 24), kChannelTilesAlongX);
}

// Rows wide enough for the x tiles take channel tiles along x where every x
// tile (and wide x tile) leaves 1.15 times as much of its work idle, given
// 32 or more input channels and an input whose passes stay in L2.
TEST(KernelChoice, WideRowsTakeChannelTilesWhereTheXTilesIdleMore) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                  int64_t padding, int64_t dilation, const convt::detail::XTile &x,
                  const convt::detail::ChannelTiles &tiles, const convt::detail::XTile &wide) {
    return tile_order_of(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, 1, dilation), x, tiles,
        wide);
  };
  // random1_46 of the report from 255 input channels (from 256 it runs as
  // columns): 66 phase columns (96 in AVX-512's x tiles, 72 in its channel
  // tiles) and 63 channels (65 in x tiles of 13); with AVX2's tiles the wide
  // x tiles idle little more than the channel tiles.
  const convt::Shape random1_46{1, 255, 16, 65}, random1_46_weight{255, 63, 5, 5};
  EXPECT_EQ(order(random1_46, random1_46_weight, 2, 1, 1, avx512_x, avx512, avx512_wide),
            kChannelTilesAlongX);
  EXPECT_NE(order(random1_46, random1_46_weight, 2, 1, 1, avx2_x, avx2, avx2_wide),
            kChannelTilesAlongX);
  // aspp_dgrad_d6 of the zoo: 33 columns at stride 1 (48 in x tiles).
  const convt::Shape aspp{1, 256, 33, 33}, aspp_weight{256, 256, 3, 3};
  EXPECT_EQ(order(aspp, aspp_weight, 1, 6, 6, avx2_x, avx2, avx2_wide), kChannelTilesAlongX);
  EXPECT_EQ(order(aspp, aspp_weight, 1, 6, 6, avx512_x, avx512, avx512_wide), kChannelTilesAlongX);
  // 96 channels in rows of 32: x tiles of 13 compute 104 (busy 0.92), the
  // channel tiles 96 (1.0); not the margin.
  EXPECT_EQ(order({2, 32, 32, 32}, {32, 96, 4, 4}, 2, 1, 1, avx512_x, avx512, avx512_wide),
            kXTiles);
  // 31 input channels: too short a reduction for the channel tiles' stores.
  EXPECT_NE(order({1, 31, 16, 65}, {31, 63, 5, 5}, 2, 1, 1, avx512_x, avx512, avx512_wide),
            kChannelTilesAlongX);
}

// In a batch, channel tiles along images where along x would compute
// products that read the zero border (x_taps_kept): random97_38 of the
// random layers (k7 d3 p6 on 11 x 11 inputs, half of along x's products
// kept), random206_29 (k5 s2 d2, three quarters kept). In 5 images (tiles
// of 4 images, busy 0.625), the first without its dilation and padding
// keeps along x (17 columns in tiles of 4, busy 0.85, every product
// kept), and so does the second (busy 0.83 x 0.76).
TEST(KernelChoice, BatchesTileAlongImagesWhereAlongXComputesTheBorder) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                  int64_t padding, int64_t dilation) {
    return tile_order_of(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, 1, dilation), avx2_x,
        avx2, avx2_wide);
  };
  const convt::Shape random97_38_weight{103, 24, 7, 7};
  EXPECT_EQ(order({4, 103, 11, 11}, random97_38_weight, 1, 6, 3), kChannelTilesAlongImages);
  EXPECT_EQ(order({5, 103, 11, 11}, random97_38_weight, 1, 6, 3), kChannelTilesAlongImages);
  EXPECT_EQ(order({5, 103, 11, 11}, random97_38_weight, 1, 0, 1), kChannelTilesAlongX);
  const convt::Shape random206_29_weight{329, 70, 5, 5};
  EXPECT_EQ(order({7, 329, 13, 13}, random206_29_weight, 2, 0, 2), kChannelTilesAlongImages);
  EXPECT_EQ(order({5, 329, 13, 13}, random206_29_weight, 2, 0, 2), kChannelTilesAlongX);
}

// The rules' order for a layer of groups 1 given the AVX2 kernel's tiles,
// checked to be the order given the AVX-512 kernel's.
int32_t order_with_either_tiles(const convt::Shape &input, const convt::Shape &weight,
                                const convt::IntList &stride, const convt::IntList &padding,
                                const convt::IntList &dilation = 1) {
  const convt::detail::ConvGeometry g =
      convt::detail::resolve_geometry(input, weight, stride, padding, 0, 1, dilation);
  const int32_t with_avx2 = tile_order_of(g, avx2_x, avx2, avx2_wide);
  EXPECT_EQ(with_avx2, tile_order_of(g, avx512_x, avx512, avx512_wide));
  return with_avx2;
}

// At most 8 input channels and 3 or more taps a phase along both axes: the
// x tiles would store and reload their accumulators around every tap, so
// channel tiles along x, with either flavour's tiles, however wide the rows.
TEST(KernelChoice, FewInputsWithManyTapsAPhaseTakeChannelTiles) {
  EXPECT_EQ(order_with_either_tiles({5, 2, 48, 48}, {2, 48, 7, 7}, 2, 1, 1),
            kChannelTilesAlongX);  // random50_20
  EXPECT_EQ(order_with_either_tiles({1, 2, 76, 76}, {2, 1221, 7, 7}, 2, 2, 1),
            kChannelTilesAlongX);  // random11_3
  EXPECT_EQ(order_with_either_tiles({1, 1, 86, 86}, {1, 861, 5, 5}, 2, 0, 1),
            kChannelTilesAlongX);  // random78_18
  EXPECT_EQ(order_with_either_tiles({1, 3, 47, 47}, {3, 485, 7, 7}, 2, 3, 3),
            kChannelTilesAlongX);  // dilation 3
  EXPECT_NE(order_with_either_tiles({1, 9, 86, 86}, {9, 861, 5, 5}, 2, 0, 1),
            kChannelTilesAlongX);  // 9 inputs
  EXPECT_NE(order_with_either_tiles({1, 2, 86, 86}, {2, 861, 4, 4}, 2, 1, 1),
            kChannelTilesAlongX);  // 2 taps
  EXPECT_NE(order_with_either_tiles({1, 2, 86, 86}, {2, 861, 3, 3}, 2, 2, 2),
            kChannelTilesAlongX);  // gcd 2
  EXPECT_NE(order_with_either_tiles({1, 2, 86, 86}, {2, 861, 5, 5}, 1, 2, 1),
            kChannelTilesAlongX);  // stride 1
  EXPECT_NE(order_with_either_tiles({1, 2, 86, 86}, {2, 24, 5, 5}, 2, 0, 1),
            kChannelTilesAlongX);  // 24 outputs
}

// 1-row outputs of 16 or more channels at a stride along x above 1: channel
// tiles along x where the x tiles would run phase by phase, with either
// flavour's tiles; not where the x tiles run by row (hifigan_up3, whose
// input outgrows L2), nor at stride 1 or for 15 channels.
TEST(KernelChoice, OneRowOutputsTakeChannelTiles) {
  // hifigan_up1: 400 KB of input, which the x tiles read by row where it
  // outgrows half of this machine's L2 (rows_read_less; a 512 KB L2).
  const bool hifigan_input_fits = 512 * 200 * 4 <= convt::detail::l2_cache_bytes() / 2;
  EXPECT_EQ(order_for({1, 512, 1, 200}, {512, 256, 1, 16}, {1, 8}, {0, 4}),
            hifigan_input_fits ? kChannelTilesAlongX : kXTilesByRow);
  EXPECT_EQ(order_for({4, 512, 1, 128}, {512, 256, 1, 16}, {1, 8}, {0, 4}),
            kChannelTilesAlongX);  // melgan_up1
  const auto order = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride) {
    return order_with_either_tiles(input, weight, {1, stride}, 0);
  };
  EXPECT_EQ(order({9, 17, 1, 76}, {17, 1026, 1, 4}, 3), kChannelTilesAlongX);  // random10_19
  EXPECT_EQ(order({33, 3, 1, 39}, {3, 33, 1, 5}, 2), kChannelTilesAlongX);     // random19_9
  // Neither flavour's tiles take channel tiles here (what each takes instead
  // may differ).
  const convt::detail::ConvGeometry stride_1 =
      convt::detail::resolve_geometry({33, 3, 1, 78}, {3, 33, 1, 5}, {1, 1}, 0, 0, 1, 1);
  const convt::detail::ConvGeometry channels_15 =
      convt::detail::resolve_geometry({33, 3, 1, 39}, {3, 15, 1, 5}, {1, 2}, 0, 0, 1, 1);
  for (const convt::detail::ConvGeometry &g : {stride_1, channels_15}) {
    EXPECT_NE(tile_order_of(g, avx2_x, avx2, avx2_wide), kChannelTilesAlongX);
    EXPECT_NE(tile_order_of(g, avx512_x, avx512, avx512_wide), kChannelTilesAlongX);
  }
  // hifigan_up3: 6.5 MB of input a channel block would read per phase.
  EXPECT_NE(order_for({1, 128, 1, 12800}, {128, 64, 1, 4}, {1, 2}, {0, 1}), kChannelTilesAlongX);
}

// The planner reads a kernel's tiles with the knobs it was built with
// (convt_tiles::with_knobs, which the generator applies too): each knob
// sets its field, 0 keeps the target's own, and an unknown name is refused.
TEST(KernelTiles, KnobsSetTheirFields) {
  using convt_tiles::kX86Avx2Tiles;
  const convt_tiles::CpuTiles same = convt_tiles::with_knobs(kX86Avx2Tiles, {});
  EXPECT_EQ(same.x_vectors, kX86Avx2Tiles.x_vectors);
  EXPECT_EQ(same.wide_channels, kX86Avx2Tiles.wide_channels);
  constexpr convt_tiles::CpuTiles tuned = convt_tiles::with_knobs(
      kX86Avx2Tiles,
      {{"x_vectors", 1}, {"wide_channels", 5}, {"x_channels", 0}, {"xi_channel_block", 64}});
  static_assert(tuned.x_vectors == 1 && tuned.wide_channels == 5);
  EXPECT_EQ(tuned.x_channels, kX86Avx2Tiles.x_channels);
  EXPECT_EQ(tuned.xi_channel_block, 64);
  EXPECT_EQ(tuned.wide_vectors, kX86Avx2Tiles.wide_vectors);
  EXPECT_THROW(convt_tiles::with_knobs(kX86Avx2Tiles, {{"x_vector", 2}}), std::invalid_argument);
  // A kernel's x tile follows its vectors: 8-column tiles from 1 AVX2 vector.
  EXPECT_EQ(convt_tiles::x_tile_columns(tuned, convt_tiles::kAvx2Lanes), 8);
}

// The direct GEMM's tiles hold every pixel count up to x_channels in the
// fewest pixels of their width, within the x tile's accumulators, whatever
// the knobs.
TEST(KernelTiles, DirectGemmTilesHoldEveryPixelCount) {
  using convt_tiles::direct_gemm_tile;
  const std::pair<int, int> avx2[] = {{1, 12}, {2, 6}, {3, 4}, {4, 3}, {6, 2}, {6, 2}};
  for (int pixels = 1; pixels <= 6; ++pixels) {
    const convt_tiles::DirectGemmTile t = direct_gemm_tile(convt_tiles::kX86Avx2Tiles, pixels);
    EXPECT_EQ(std::pair(t.pixels, t.vectors), avx2[pixels - 1]) << pixels << " pixels";
  }
  EXPECT_EQ(direct_gemm_tile(convt_tiles::kX86Avx512Tiles, 7).pixels, 8);
  EXPECT_EQ(direct_gemm_tile(convt_tiles::kX86Avx512Tiles, 9).vectors, 2);
  for (const convt_tiles::CpuTiles &tiles :
       {convt_tiles::kX86Avx2Tiles, convt_tiles::kX86Avx512Tiles, convt_tiles::kNeonTiles,
        convt_tiles::with_knobs(convt_tiles::kX86Avx2Tiles,
                                {{"x_vectors", 3}, {"x_channels", 4}})}) {
    for (int pixels = 1; pixels <= tiles.x_channels; ++pixels) {
      const convt_tiles::DirectGemmTile t = direct_gemm_tile(tiles, pixels);
      EXPECT_GE(t.pixels, pixels);
      EXPECT_LE(t.pixels * t.vectors, tiles.x_vectors * tiles.x_channels);
      EXPECT_GE(t.vectors, 1);
    }
  }
}

// One tap per output (kernel == stride, dilation 1) at a stride along x of
// 2 or 4 and a padding along x of whole strides, in rows that fill x tiles:
// interleaved x tiles. Other strides, paddings and dilations do not take them.
TEST(KernelChoice, OneTapPerOutputTakesInterleavedXTiles) {
  EXPECT_EQ(order_for({100, 256, 14, 14}, {256, 256, 2, 2}, 2, 0), kInterleavedXTiles);  // maskrcnn
  EXPECT_EQ(order_for({1, 1024, 40, 60}, {1024, 512, 2, 2}, 2, 0), kInterleavedXTiles);  // unet_up1
  EXPECT_EQ(order_for({1, 128, 320, 480}, {128, 64, 2, 2}, 2, 0), kInterleavedXTiles);   // unet_up4
  EXPECT_EQ(order_for({2, 32, 9, 40}, {32, 24, 4, 4}, 4, 0), kInterleavedXTiles);
  EXPECT_EQ(order_for({2, 32, 9, 40}, {32, 24, 3, 2}, {3, 2}, {1, 2}), kInterleavedXTiles);
  EXPECT_NE(order_for({2, 32, 9, 40}, {32, 24, 2, 2}, 2, 1), kInterleavedXTiles);  // padding 1
  EXPECT_NE(order_for({2, 32, 9, 40}, {32, 24, 3, 3}, 3, 0), kInterleavedXTiles);  // stride 3
  EXPECT_NE(order_for({2, 32, 9, 40}, {32, 24, 4, 4}, 2, 0), kInterleavedXTiles);  // two taps
  EXPECT_NE(order_for({2, 32, 9, 40}, {32, 24, 2, 2}, 2, 0, 1, 2), kInterleavedXTiles);  // dilated
}

// Interleaved x tiles share out only output rows, so a row of one image
// (a 1-row audio layer) would run on one core: where there are two or more,
// such a call takes another order; a batch of one row each, as many images
// as cores, still takes them.
TEST(KernelChoice, OneRowOfOneImageLeavesInterleavedXTiles) {
  const int64_t cores = convt::detail::cpu_cores();
  if (cores < 2) GTEST_SKIP() << "one core: no core idles";
  EXPECT_NE(order_for({1, 192, 1, 3200}, {192, 192, 1, 4}, {1, 4}, {0, 0}), kInterleavedXTiles);
  EXPECT_NE(order_for({1, 384, 1, 1600}, {384, 192, 1, 2}, {1, 2}, {0, 0}), kInterleavedXTiles);
  EXPECT_EQ(order_for({cores, 192, 1, 3200}, {192, 192, 1, 4}, {1, 4}, {0, 0}), kInterleavedXTiles);
}

TEST(KernelChoice, OtherLayersTileAlongX) {
  EXPECT_EQ(order_for({1, 16, 16, 64}, {16, 128, 3, 3}, 2, 1), kXTiles);  // wide rows
  EXPECT_EQ(avx2_order({2, 5, 3, 12}, {5, 8, 3, 3}, 2, 1), kXTiles);      // few channels
  // Groups 2: the one call's order (its serial call of 3000 output values
  // runs per group: SerialCallsOfFewGroupsWithLargeOutputsRunPerGroup).
  const convt::detail::ConvGeometry grouped =
      convt::detail::resolve_geometry({2, 8, 3, 8}, {8, 10, 3, 3}, 2, 1, 0, 2, 1);
  EXPECT_EQ(channel_tiles_base(cpu_tile_order(grouped, convt::detail::cpu_kernel_for(grouped))),
            kXTiles);
  EXPECT_EQ(avx2_order({1, 8, 3, 40}, {8, 32, 3, 3}, 2, 1, 2), kXTiles);  // dilation 2, wide
}

// Fewer output channels than the channel tiles take (groups 1): channel
// tiles where more of their work lands on the output than of the x
// tiles' (busy_share), and the columns GEMM where the input channels make
// the phase tiles' idle work cost more than its column adds.
TEST(KernelChoice, FewOutputChannelsTakeTheTilesThatIdleLeast) {
  // random3_17: 26 images in rows of 5 columns, 8 channels: 0.43 of the
  // more-images tile's work busy, 0.21 of the x tile's. random3_39: 6
  // images in rows of 2, 6 channels.
  EXPECT_EQ(avx2_order({26, 5, 1, 2}, {5, 8, 1, 4}, 1, 0), kChannelTilesAlongMoreImages);
  EXPECT_EQ(avx2_order({6, 15, 2, 2}, {15, 6, 2, 2}, 2, 0), kChannelTilesAlongMoreImages);
  // 2 images in rows of 4 columns: along x (0.33 busy against 0.17). The
  // same in rows of 12 keeps x tiles (0.5 against 0.33: OtherLayersTileAlongX).
  EXPECT_EQ(avx2_order({2, 5, 3, 4}, {5, 8, 3, 3}, 2, 1), kChannelTilesAlongX);
  // 4 channels in rows of 12 of 16 columns, half the x tile busy: columns
  // from 64 input channels, not at 16 (16 x (1 / 0.5 - 1) < 32).
  EXPECT_EQ(avx2_order({4, 64, 12, 12}, {64, 4, 4, 4}, 2, 1), kColumns);
  EXPECT_NE(avx2_order({4, 16, 12, 12}, {16, 4, 4, 4}, 2, 1), kColumns);
  EXPECT_EQ(avx2_order({20, 47, 9, 9}, {47, 4, 4, 4}, 2, 0), kColumns);     // random3_31
  EXPECT_EQ(avx2_order({26, 961, 6, 6}, {961, 11, 3, 3}, 3, 0), kColumns);  // 36 pixels
  // enet_final: 16 input channels, 12 output channels fill two x tiles.
  EXPECT_NE(avx2_order({1, 16, 180, 240}, {16, 12, 3, 3}, 2, 1), kColumns);
  // Up to 3 output channels take tiles of one channel, which idle on none
  // (from fewer than 48 input channels per output channel:
  // DeepInputsToFewOutputChannelsRunAsColumns, or where their columns fit
  // in L2: these are 6.4 MB).
  EXPECT_NE(avx2_order({128, 32, 28, 28}, {32, 1, 4, 4}, 2, 1), kColumns);
}

// Inputs of fewer pixels than an x tile's columns, 16 or more input channels
// a group and fewer output channels than the channel tiles take (16), or at most half
// an x tile's channels of input pixels in all: the columns order's GEMM.
TEST(KernelChoice, TinyInputsWithFewOutputChannelsRunAsColumns) {
  EXPECT_EQ(order_for({14, 627, 3, 3}, {627, 3, 2, 2}, 2, 0), kColumns);   // random1_4
  EXPECT_EQ(order_for({37, 25, 1, 1}, {25, 1, 8, 8}, 8, 1), kColumns);     // 1 x 1 inputs
  EXPECT_EQ(order_for({2, 32, 2, 2}, {32, 2, 3, 3}, 2, 1, 2), kColumns);   // groups 2
  EXPECT_NE(order_for({128, 32, 28, 28}, {32, 1, 4, 4}, 2, 1), kColumns);  // 784 pixels
  // 6 to 15 output channels: neither tile fills (the x tiles took these).
  EXPECT_EQ(order_for({24, 851, 1, 1}, {851, 15, 1, 2}, 1, 0), kColumns);    // random3_24
  EXPECT_EQ(order_for({26, 961, 2, 2}, {961, 11, 3, 3}, 3, 0), kColumns);    // random3_29
  EXPECT_EQ(order_for({5, 85, 1, 2}, {85, 11, 1, 4}, {1, 2}, 0), kColumns);  // random1_44
  // At most half an x tile's channels of pixels in all, any output channels;
  // up to a whole tile's where the phase tiles idle more than the column
  // adds cost (a 2 x 2 input, 4 pixels: 2-column phase rows).
  EXPECT_EQ(avx2_order({1, 1024, 2, 2}, {1024, 512, 4, 4}, 2, 1), kColumns);  // pix2pix 2x2
  EXPECT_NE(avx2_order({8, 100, 1, 1}, {100, 512, 4, 4}, 1, 0), kColumns);    // full image tiles
  EXPECT_EQ(order_for({1, 100, 1, 1}, {100, 512, 4, 4}, 1, 0), kColumns);     // dcgan_g_first_b1
  EXPECT_EQ(order_for({3, 64, 1, 1}, {64, 64, 3, 3}, 2, 1), kColumns);        // 3 pixels
  EXPECT_NE(order_for({8, 64, 1, 1}, {64, 64, 3, 3}, 2, 1), kColumns);        // 8 pixels
  EXPECT_NE(order_for({15, 38, 1, 1}, {38, 1, 4, 4}, 2, 1, 38), kColumns);    // depthwise
  EXPECT_EQ(order_for({1, 453, 1, 1}, {453, 158, 3, 3}, 2, 1), kColumns);     // random1_28
  EXPECT_NE(order_for({8, 453, 1, 1}, {453, 158, 3, 3}, 2, 1), kColumns);     // 8 pixels, 158 out
  EXPECT_NE(order_for({5, 15, 1, 1}, {15, 1, 3, 3}, 2, 1), kColumns);         // 15 in
}

// At most a GEMM tile of pixels (AVX2's 6, AVX-512's 13) of groups 1 and
// 64 or more input channels, whose columns fill an x tile: the few pixels'
// GEMM, one pass over the weights, with either kernel's tiles.
TEST(KernelChoice, FewPixelsOfDeepInputsRunAsColumns) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight,
                  const convt::IntList &stride, const convt::IntList &padding, int64_t groups,
                  const convt::detail::Kernel &kernel) {
    return tile_order_of(
        convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, 1),
        kernel.x_tile, kernel.channel_tiles, kernel.wide_x_tile, kernel.across_images);
  };
  // random207_28: 4 images of 1 x 1, 480 to 665 channels, k1x2 s1x2 (the
  // channel tiles along images took it).
  EXPECT_EQ(order({4, 480, 1, 1}, {480, 665, 1, 2}, {1, 2}, 0, 1, kAvx2), kColumns);
  EXPECT_EQ(order({4, 480, 1, 1}, {480, 665, 1, 2}, {1, 2}, 0, 1, kAvx512), kColumns);
  // random271_44: 6 images, stride 1; dcgan_g_first in 6 images.
  EXPECT_EQ(order({6, 1116, 1, 1}, {1116, 573, 1, 2}, 1, 0, 1, kAvx2), kColumns);
  EXPECT_EQ(order({6, 100, 1, 1}, {100, 512, 4, 4}, 1, 0, 1, kAvx2), kColumns);
  // random202_21: one 2 x 2 input (the channel tiles along x took it).
  EXPECT_EQ(order({1, 556, 2, 2}, {556, 140, 4, 4}, 2, 1, 1, kAvx2), kColumns);
  // random186_47: 7 images, past AVX2's tile, within AVX-512's.
  EXPECT_NE(order({7, 1012, 1, 1}, {1012, 762, 1, 5}, {1, 2}, 0, 1, kAvx2), kColumns);
  EXPECT_EQ(order({7, 1012, 1, 1}, {1012, 762, 1, 5}, {1, 2}, 0, 1, kAvx512), kColumns);
  // random106_18: 17 input channels; and 63.
  EXPECT_NE(order({5, 17, 1, 1}, {17, 101, 1, 7}, {1, 2}, {0, 2}, 1, kAvx2), kColumns);
  EXPECT_NE(order({5, 63, 1, 1}, {63, 101, 1, 7}, {1, 2}, {0, 2}, 1, kAvx2), kColumns);
  EXPECT_EQ(order({5, 64, 1, 1}, {64, 101, 1, 7}, {1, 2}, {0, 2}, 1, kAvx2), kColumns);
  // Groups 2 keep their tiles (not measured).
  EXPECT_NE(order({5, 128, 1, 1}, {128, 101, 1, 7}, {1, 2}, {0, 2}, 2, kAvx2), kColumns);
}

// 16 or more output channels on an input smaller than the x tile, 64 or
// more input channels: columns where the channel tiles idle more than the
// GEMM's tiles by the model's margin (runtime/plan.cpp), with either
// kernel's tiles.
TEST(KernelChoice, TinyInputsWhoseChannelTilesIdleRunAsColumns) {
  auto order = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                  int64_t padding, int64_t output_padding, const convt::detail::Kernel &kernel) {
    return tile_order_of(
        convt::detail::resolve_geometry(input, weight, stride, padding, output_padding, 1, 1),
        kernel.x_tile, kernel.channel_tiles, kernel.wide_x_tile);
  };
  // random14_42: 4 of 8 phase columns, 33 of 64 channels.
  EXPECT_EQ(order({1, 256, 4, 4}, {256, 33, 4, 4}, 4, 1, 2, kAvx512), kColumns);
  // random17_3: 28 of 32 images, 34 of 64 channels.
  EXPECT_EQ(order({28, 898, 4, 4}, {898, 34, 4, 4}, 2, 0, 1, kAvx512), kColumns);
  // random2_6 per group: 3 of 4 (AVX2) or 8 phase columns, 16 channels.
  EXPECT_EQ(order({3, 121, 3, 3}, {121, 16, 2, 2}, 2, 0, 0, kAvx512), kColumns);
  EXPECT_EQ(order({3, 121, 3, 3}, {121, 16, 2, 2}, 2, 0, 0, kAvx2), kColumns);
  // random3_29 to 16 channels: 26 of 32 images, 16 of 32 channels.
  EXPECT_EQ(order({26, 961, 2, 2}, {961, 16, 3, 3}, 3, 0, 0, kAvx512), kColumns);
  // random9_9: images and channels fill the tiles (291 of 320).
  EXPECT_NE(order({16, 783, 3, 3}, {783, 291, 3, 3}, 1, 0, 0, kAvx512), kColumns);
  // random6_25: 24 input channels.
  EXPECT_NE(order({2, 24, 3, 3}, {24, 21, 4, 4}, 2, 1, 0, kAvx512), kColumns);
  // The same layer from 200 channels (not deep: DeepInputsToNarrowOutputsRunAsColumns)
  // runs as columns on a 4 x 4 input, not on 8 x 8, larger than an x tile.
  EXPECT_EQ(order({28, 200, 4, 4}, {200, 34, 4, 4}, 2, 0, 1, kAvx512), kColumns);
  EXPECT_NE(order({28, 200, 8, 8}, {200, 34, 4, 4}, 2, 0, 1, kAvx2), kColumns);
}

// At most 3 output channels (per group) from 48 or more input channels per
// output channel (fewer where the columns fit in L2, below: these inputs'
// columns pass 2 MB), in a GEMM of two or more columns (taps x C_out): the
// columns order, whose GEMM loads a weight vector per broadcast where the
// tiles of one to three channels load an input vector per C_out FMAs.
TEST(KernelChoice, DeepInputsToFewOutputChannelsRunAsColumns) {
  EXPECT_EQ(order_for({1, 56, 120, 120}, {56, 1, 9, 9}, 3, 4), kColumns);       // fsrcnn x3
  EXPECT_EQ(order_for({8, 630, 20, 41}, {630, 3, 7, 7}, 3, 0), kColumns);       // random1_19
  EXPECT_EQ(order_for({8, 144, 20, 20}, {144, 3, 4, 4}, 2, 1), kColumns);       // 48 per channel
  EXPECT_NE(order_for({8, 143, 64, 64}, {143, 3, 4, 4}, 2, 1), kColumns);       // 47.7
  EXPECT_EQ(order_for({1, 958, 25, 25}, {958, 1, 3, 3}, 2, 1, 2), kColumns);    // groups 2
  EXPECT_EQ(order_for({1, 448, 84, 84}, {448, 1, 3, 3}, 2, 1, 4), kColumns);    // random9_48
  EXPECT_NE(order_for({1, 176, 320, 320}, {176, 1, 3, 3}, 2, 1, 4), kColumns);  // 44 per channel
  EXPECT_NE(order_for({64, 64, 32, 32}, {64, 3, 4, 4}, 2, 1), kColumns);        // dcgan_g_last
  // One column (a 1 x 1 kernel to one channel): the GEMM would run scalar.
  EXPECT_NE(order_for({35, 148, 30, 30}, {148, 1, 1, 1}, 2, 0), kColumns);
  EXPECT_EQ(order_for({35, 148, 30, 30}, {148, 2, 1, 1}, 2, 0), kColumns);
}

// At most 3 output channels per group from 32 or more input channels per
// group, in a kernel of two or more taps, where the columns fit in one
// core's L2 (read at run time; these are far below 256 KB or past 2 MB).
TEST(KernelChoice, FewOutputChannelsRunAsColumnsWhereTheColumnsStayInL2) {
  // random207_10 (7 images, 4 groups of 21 to 1 channel, k5 s2: 157 KB of
  // columns a group) keeps x tiles across images per group; from 32 input
  // channels a group, columns.
  EXPECT_NE(order_for({7, 84, 15, 15}, {84, 1, 5, 5}, 2, 1, 4), kColumns);
  EXPECT_EQ(order_for({7, 128, 15, 15}, {128, 1, 5, 5}, 2, 1, 4), kColumns);
  EXPECT_EQ(order_for({2, 32, 16, 16}, {32, 1, 3, 3}, 2, 1), kColumns);   // 18 KB
  EXPECT_NE(order_for({2, 31, 16, 16}, {31, 1, 3, 3}, 2, 1), kColumns);   // 31 inputs
  EXPECT_NE(order_for({16, 40, 64, 64}, {40, 1, 3, 3}, 2, 1), kColumns);  // 2.4 MB
  EXPECT_NE(order_for({2, 40, 16, 16}, {40, 4, 3, 3}, 2, 1), kColumns);   // 4 outputs
}

// 256 or more input channels to fewer than 64 output channels per group
// (deep and narrow): columns on any input, with either kernel's tiles,
// unless padding crops more than half of the columns' outputs.
TEST(KernelChoice, DeepInputsToNarrowOutputsRunAsColumns) {
  EXPECT_EQ(order_for({32, 512, 14, 14}, {512, 17, 4, 4}, 2, 1), kColumns);  // keypointrcnn
  EXPECT_EQ(avx2_order({32, 512, 14, 14}, {512, 17, 4, 4}, 2, 1), kColumns);
  EXPECT_EQ(order_for({3, 774, 72, 72}, {774, 32, 1, 1}, 1, 0), kColumns);      // random53_35
  EXPECT_EQ(order_for({2, 1114, 9, 18}, {1114, 36, 8, 8}, 4, 2, 2), kColumns);  // random4_21
  EXPECT_EQ(order_for({6, 975, 44, 44}, {975, 1, 1, 1}, 1, 0), kColumns);       // one column
  EXPECT_NE(order_for({32, 255, 14, 14}, {255, 17, 4, 4}, 2, 1), kColumns);     // 255 in
  EXPECT_NE(order_for({1, 256, 64, 64}, {256, 64, 4, 4}, 2, 1), kColumns);      // pix2pix_unet_up64
  // random45_42: a 2 x 2 input, k4 d3 padding 3, 5 x 5 of the columns' 11 x 11 kept.
  EXPECT_NE(avx2_order({32, 777, 2, 2}, {777, 48, 4, 4}, 1, 3, 3), kColumns);
  EXPECT_EQ(avx2_order({32, 777, 2, 2}, {777, 48, 4, 4}, 1, 0, 3), kColumns);
}

// A 1-row output of at most 12 input pixels in all at a stride along x
// above 1, 64 or more input and 16 or more output channels: the columns
// order's GEMM, in both tiers (random228_14: 3 images of 3 columns, 1080 to
// 117 channels, k1x4 s2; 0.28 ms in channel tiles along x, 0.09 in
// columns). More pixels, stride 1, or fewer input channels: not.
TEST(KernelChoice, OneRowOfFewPixelsRunsAsColumns) {
  EXPECT_EQ(order_for({3, 1080, 1, 3}, {1080, 117, 1, 4}, {1, 2}, 0), kColumns);
  EXPECT_EQ(avx2_order({3, 1080, 1, 3}, {1080, 117, 1, 4}, {1, 2}, 0), kColumns);
  EXPECT_EQ(avx2_order({1, 65, 1, 4}, {65, 578, 1, 7}, {1, 2}, 0), kColumns);  // random242_1
  EXPECT_EQ(avx2_order({2, 98, 1, 6}, {98, 28, 1, 4}, {1, 2}, 0), kColumns);
  EXPECT_NE(avx2_order({2, 98, 1, 7}, {98, 28, 1, 4}, {1, 2}, 0), kColumns);   // 14 pixels
  EXPECT_NE(avx2_order({1, 77, 1, 11}, {77, 807, 1, 1}, 1, 0), kColumns);      // random96_13
  EXPECT_NE(avx2_order({1, 63, 1, 4}, {63, 578, 1, 7}, {1, 2}, 0), kColumns);  // 63 in
}

// One image's input larger than half of this machine's L2 (the output and
// the weights pass through it too): each output row runs through every
// channel block and phase (x tiles by row); smaller, or in fewer phase rows
// than cores (one phase row has its own rule), x tiles.
TEST(KernelChoice, InputsLargerThanHalfOfL2TileByRow) {
  const int64_t l2 = convt::detail::l2_cache_bytes();
  const int64_t row_bytes = 16 * 64 * 4;  // 16 channels of 64 floats
  EXPECT_EQ(order_for({1, 16, 2 * l2 / row_bytes, 64}, {16, 12, 3, 3}, 2, 1), kXTilesByRow);
  EXPECT_EQ(order_for({2, 16, 2 * l2 / row_bytes, 64}, {16, 12, 3, 3}, 2, 1), kXTilesByRow);
  // Three quarters of L2 (centernet_r18_deconv3: 2 MB per image in a 2 MB
  // L2 ran 1.07x faster by row).
  EXPECT_EQ(order_for({1, 16, 3 * l2 / row_bytes / 4, 64}, {16, 12, 3, 3}, 2, 1), kXTilesByRow);
  EXPECT_EQ(order_for({1, 16, l2 / row_bytes / 2, 64}, {16, 12, 3, 3}, 2, 1), kXTiles);
  EXPECT_EQ(order_for({64, 16, l2 / row_bytes / 2, 64}, {16, 12, 3, 3}, 2, 1), kXTiles);
  // Two phase rows: by row only on at most 2 cores (it shares out rows).
  EXPECT_EQ(order_for({1, 16, 2, 2 * l2 / 64}, {16, 12, 1, 4}, {1, 2}, {0, 1}),
            convt::detail::cpu_cores() > 2 ? kXTiles : kXTilesByRow);
  // One phase row (audio layers): by row shares the row's x tiles, each
  // reading one phase's weights, where the input outgrows half of L2 and
  // a phase's weights do not.
  EXPECT_EQ(order_for({1, 16, 1, 2 * l2 / 64}, {16, 12, 1, 4}, {1, 2}, {0, 1}), kXTilesByRow);
  EXPECT_EQ(order_for({1, 128, 1, 12800}, {128, 64, 1, 4}, {1, 2}, {0, 1}),
            kXTilesByRow);  // hifigan_up3
  EXPECT_NE(order_for({1, 16, 1, l2 / 256}, {16, l2 / 128, 1, 4}, {1, 2}, {0, 1}), kXTilesByRow);
  // A channel block reads only its groups' input: a depthwise layer whose
  // image is twice L2 keeps x tiles (a block's 6 planes are a sliver of
  // it); 2 groups of 8 output channels, each group's input twice L2, take
  // by row (a block reads one group's input, or two). Planes of 128 x 128
  // keep the groups under 256 input channels for an L2 of up to 2 MB (from
  // 256, DeepInputsToNarrowOutputsRunAsColumns).
  const int64_t side = 128;
  const int64_t deep = 2 * l2 / (side * side * 4);
  EXPECT_NE(avx2_order_grouped({1, deep, side, side}, {deep, 1, 3, 3}, deep), kXTilesByRow);
  EXPECT_EQ(avx2_order_grouped({1, 2 * deep, side, side}, {2 * deep, 8, 3, 3}, 2), kXTilesByRow);
}

// On AVX-512 machines, layers whose phase rows are narrower than its
// 32-column x tiles, and that do not fill its 32-channel tiles, run on the
// AVX2 kernel (runtime/backend_x86.cpp), unless they run the direct GEMM of a
// few pixels or a columns GEMM that fills AVX-512's strips, as do columns
// GEMMs of at most an AVX2 strip of columns, and depthwise layers.
TEST(KernelChoice, NarrowRowsRunOnAvx2UnlessTheyFillAvx512ChannelTiles) {
  const std::string best = convt::detail::cpu_kernel().name;
  if (best != "x86-avx512") GTEST_SKIP() << "this machine's kernel is " << best;
  auto kernel_for = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                       int64_t padding, int64_t groups) {
    return std::string(convt::detail::plan_call(convt::detail::resolve_geometry(
                                                    input, weight, stride, padding, 0, groups, 1),
                                                convt::Device::kCPU)
                           .kernel->name);
  };
  EXPECT_EQ(kernel_for({8, 256, 16, 16}, {256, 1, 4, 4}, 2, 1, 256), "x86-avx2");      // centernet
  EXPECT_EQ(kernel_for({1, 21, 16, 16}, {21, 21, 64, 64}, 32, 0, 1), "x86-avx2");      // fcn32s
  EXPECT_EQ(kernel_for({1, 1024, 16, 16}, {1024, 256, 4, 4}, 2, 1, 1), "x86-avx512");  // pix2pix
  EXPECT_EQ(kernel_for({1, 256, 64, 64}, {256, 128, 3, 3}, 2, 1, 1), "x86-avx512");    // wide rows
  // A columns GEMM of at most 16 columns (taps x C_out per group): AVX2's
  // strips hold it, AVX-512's would compute 32.
  EXPECT_EQ(kernel_for({13, 1181, 16, 32}, {1181, 1, 2, 2}, 2, 0, 1), "x86-avx2");  // 4 columns
  EXPECT_EQ(kernel_for({8, 630, 20, 41}, {630, 3, 7, 7}, 3, 0, 1), "x86-avx512");   // 147 columns
  // A columns GEMM of more pixels whose columns fill AVX-512's strips of 32
  // (random25_33: 490 columns, 4761 pixels in rows of 23; random12_34: 192
  // columns), but not 40 columns (64 computed in strips of 32, 48 in 16).
  EXPECT_EQ(kernel_for({9, 353, 23, 23}, {353, 10, 7, 7}, 1, 1, 1), "x86-avx512");
  EXPECT_EQ(kernel_for({10, 769, 8, 8}, {769, 12, 4, 4}, 2, 1, 1), "x86-avx512");
  EXPECT_EQ(kernel_for({1, 905, 16, 16}, {905, 10, 2, 2}, 1, 0, 1), "x86-avx2");  // random27_20
  // So do the columns the rules take over AVX-512's idle channel tiles
  // (random17_3: 544 columns).
  EXPECT_EQ(kernel_for({28, 898, 4, 4}, {898, 34, 4, 4}, 2, 0, 1), "x86-avx512");
  // The direct GEMM of a few pixels stays on AVX-512 (its tiles hold up to
  // 12 pixels and 2 to 24 column vectors) where the AVX2 kernel's rules
  // take columns too, or its phase tiles would idle as much; else the AVX2
  // kernel's phase tiles.
  EXPECT_EQ(kernel_for({1, 1024, 2, 2}, {1024, 512, 4, 4}, 2, 1, 1), "x86-avx512");  // pix2pix 2x2
  EXPECT_EQ(kernel_for({1, 100, 1, 1}, {100, 512, 4, 4}, 1, 0, 1), "x86-avx512");    // 1 pixel
  EXPECT_EQ(kernel_for({7, 860, 1, 1}, {860, 60, 1, 1}, 1, 0, 1), "x86-avx512");     // random16_1
  EXPECT_EQ(kernel_for({5, 100, 1, 1}, {100, 512, 4, 4}, 1, 0, 1), "x86-avx2");      // busy tiles
  // Depthwise layers, wide rows too: a load per multiply-add.
  EXPECT_EQ(kernel_for({23, 466, 25, 25}, {466, 1, 7, 7}, 2, 1, 466), "x86-avx2");
}

// Groups of 16 or more input and output channels run one call per group,
// each in the order its own shape takes; narrow groups and depthwise layers
// run in one call.
TEST(KernelChoice, WideGroupsRunOneCallPerGroup) {
  auto plan_for = [](const convt::Shape &input, const convt::Shape &weight, int64_t groups) {
    return convt::detail::plan_call(
        convt::detail::resolve_geometry(input, weight, 2, 1, 0, groups, 1), convt::Device::kCPU);
  };
  const convt::detail::Plan wide = plan_for({1, 64, 6, 6}, {64, 16, 3, 3}, 2);
  EXPECT_TRUE(wide.per_group);
  EXPECT_EQ(channel_tiles_base(wide.tile_order),
            kChannelTilesAlongX);  // 32 in, 16 out, 6-column phase rows
  // 8 per group (8 groups: more than the few that run apart regardless)
  EXPECT_FALSE(plan_for({1, 64, 6, 6}, {64, 8, 3, 3}, 8).per_group);
  EXPECT_FALSE(plan_for({2, 32, 6, 6}, {32, 1, 3, 3}, 32).per_group);  // depthwise
  EXPECT_FALSE(plan_for({1, 64, 6, 6}, {64, 32, 3, 3}, 1).per_group);  // one group
}

// Calls whose time the pool would cut by no more than kPoolCostPerWorker
// true multiply-adds' worth per worker (their multiply-adds, or 4 a byte
// of weights where that is more, x (1 - 1/cores), against the cost x
// (cores - 1)) run their parallel loops on the calling thread; larger ones
// on the pool. One core: always serially.
TEST(KernelChoice, SmallCallsRunSerially) {
  auto serial = [](const convt::Shape &input, const convt::Shape &weight, int64_t stride) {
    const convt::detail::ConvGeometry g =
        convt::detail::resolve_geometry(input, weight, stride, 0, 0, 1, 1);
    return convt::detail::plan_call(g, convt::Device::kCPU).serial;
  };
  const int64_t cores = convt::detail::cpu_cores();
  auto pays = [&](int64_t multiply_adds) {
    return cores > 1 && multiply_adds > convt::detail::kPoolCostPerWorker * cores;
  };
  // N x C_out x C_in x H x W x kH x kW: 2^18 - 2^12, 2^19 - 2^13, 2^19
  // and 2^21: on the pool where `pays` (2^18 - 2^12 only on 2 or 3 cores).
  EXPECT_EQ(serial({1, 63, 8, 4}, {63, 8, 4, 4}, 2), !pays(int64_t{63} << 12));
  EXPECT_EQ(serial({1, 127, 8, 4}, {127, 8, 4, 4}, 2), !pays(int64_t{127} << 12));
  EXPECT_EQ(serial({1, 128, 8, 4}, {128, 8, 4, 4}, 2), !pays(int64_t{1} << 19));
  EXPECT_EQ(serial({1, 128, 8, 16}, {128, 8, 4, 4}, 2), !pays(int64_t{1} << 21));
  EXPECT_TRUE(serial({11, 4, 11, 11}, {4, 1, 4, 4}, 2));  // random1_33: 85184, under 2 x 2^16
  EXPECT_EQ(serial({64, 512, 4, 4}, {512, 256, 4, 4}, 2), cores == 1);  // dcgan_g_mid
  // random1_28's shape: 215k multiply-adds, but 859 KB of weights (each
  // byte counts as 4 multiply-adds): on the pool.
  EXPECT_EQ(serial({1, 453, 1, 1}, {453, 158, 1, 3}, 2), cores == 1);
  EXPECT_TRUE(serial({1, 64, 1, 1}, {64, 16, 1, 3}, 2));  // 12 KB of weights
}

// Grouped layers of one input channel a group, not depthwise, run on the
// pool from a 32nd of the multiply-adds too, in any order.
TEST(KernelChoice, GroupsOfOneInputChannelRunOnThePoolSooner) {
  const int64_t cores = convt::detail::cpu_cores();
  // random94_42: 4 groups of 1 to 118 channels, 4 images of 4 x 4, k3:
  // 271872 multiply-adds, 32 times over, past kPoolCostPerWorker x cores.
  const convt::detail::ConvGeometry g =
      convt::detail::resolve_geometry({4, 4, 4, 4}, {4, 118, 3, 3}, 1, 0, 0, 4, 1);
  EXPECT_EQ(g.multiply_adds(), int64_t{4} * 472 * 16 * 9);
  EXPECT_EQ(convt::detail::plan_call(g, convt::Device::kCPU).serial, cores == 1);
  // 4 images of 2 x 2 to 2 channels a group: 1152 multiply-adds, serial.
  const convt::detail::ConvGeometry small =
      convt::detail::resolve_geometry({4, 4, 2, 2}, {4, 2, 3, 3}, 1, 0, 0, 4, 1);
  EXPECT_TRUE(convt::detail::plan_call(small, convt::Device::kCPU).serial);
}

// The rules' plan is one of the candidates a measured choice times.
TEST(KernelChoice, TheRulesPlanIsACandidate) {
  for (const convt::Shape &input : {convt::Shape{2, 32, 5, 5}, convt::Shape{1, 32, 1, 1}}) {
    for (int64_t groups : {1, 2}) {
      const convt::detail::ConvGeometry g =
          convt::detail::resolve_geometry(input, {32, 16, 3, 3}, 2, 1, 0, groups, 1);
      const convt::detail::Plan rules = convt::detail::plan_call(g, convt::Device::kCPU);
      bool found = false;
      for (const convt::detail::Plan &p : convt::detail::cpu_plans(g)) {
        found = found || (p.kernel == rules.kernel && p.tile_order == rules.tile_order &&
                          p.per_group == rules.per_group && p.serial == rules.serial);
      }
      EXPECT_TRUE(found) << "groups " << groups << ", " << (rules.serial ? "serial" : "pool");
    }
  }
}

// Channel tiles run by row (orders 11 to 13) where a channel block's output
// outgrows half of L2 while its weights of every phase fit in the other half
// (plan.cpp: channel_rows_first_pay). Layers of 16 x 16 inputs, k4 s2,
// sized by this machine's L2: 128 KiB of output per image and 128 KiB of
// weights per block of 32 channels at 64 input channels.
TEST(KernelChoice, ChannelTilesRunByRowWhereTheirOutputOutgrowsL2) {
  const int64_t l2 = convt::detail::l2_cache_bytes();
  const int64_t image_output = int64_t{128} << 10;  // 32 channels of 32 x 32
  const auto by_row = [](int32_t order) { return channel_tiles_base(order) != order; };
  const auto with_tiles = [](const convt::Shape &input, const convt::Shape &weight,
                             const convt::IntList &stride) {
    return convt::detail::cpu_tile_order(
        convt::detail::resolve_geometry(input, weight, stride, 1, 0, 1, 1), avx512_x, avx512,
        avx512_wide);
  };
  // Output twice L2 (at least 4 images): by row.
  const int64_t many = std::max<int64_t>(4, 2 * l2 / image_output);
  const int32_t big = with_tiles({many, 64, 16, 16}, {64, 32, 4, 4}, 2);
  EXPECT_TRUE(by_row(big)) << big;
  // A quarter of L2: phase by phase, the same tiles.
  const int64_t few = std::max<int64_t>(1, l2 / 4 / image_output);
  const int32_t small = with_tiles({few, 64, 16, 16}, {64, 32, 4, 4}, 2);
  EXPECT_FALSE(by_row(small)) << small;
  EXPECT_NE(channel_tiles_by_row(small), small) << small;  // a channel tiles order
  // Weights of twice L2 per block (C_in x 16 taps x 32 channels x 4 bytes):
  // phase by phase, however large the output (64 output channels, two
  // blocks: fewer from these inputs run as columns).
  const int32_t heavy = with_tiles({many, l2 / 1024, 16, 16}, {l2 / 1024, 64, 4, 4}, 2);
  EXPECT_FALSE(by_row(heavy)) << heavy;
  EXPECT_EQ(channel_tiles_base(big), channel_tiles_base(heavy)) << big << " " << heavy;
  // One x phase (stride 1): nothing to share, phase by phase.
  const int32_t one_phase = with_tiles({many, 64, 16, 16}, {64, 32, 3, 3}, 1);
  EXPECT_FALSE(by_row(one_phase)) << one_phase;
  // Named layers, for an L2 of 512 KiB to 4 MiB (AVX-512 tiles): dcgan_g3
  // (8 MiB of output, 256 KiB of weights per block) by row, simplebaseline_r50
  // (4 MiB of weights per block) and pix2pix_unet_mid (2 MiB) not.
  if (l2 >= (int64_t{512} << 10) && l2 <= (int64_t{4} << 20)) {
    EXPECT_EQ(with_tiles({64, 128, 16, 16}, {128, 64, 4, 4}, 2), kChannelTilesAlongImagesByRow);
    EXPECT_EQ(with_tiles({8, 2048, 8, 6}, {2048, 256, 4, 4}, 2), kChannelTilesAlongImages);
    EXPECT_EQ(with_tiles({1, 1024, 16, 16}, {1024, 256, 4, 4}, 2), kChannelTilesAlongX);
  }
}

}  // namespace
