// The CPU schedule's register tiles per target family, as plain constants:
// the generator builds its kernels with them (schedule_x86.cpp,
// schedule_arm.cpp; its knobs may override any: with_knobs) and the
// runtime's planner reads the same numbers, with the same knobs
// (runtime/plan.cpp: the x tile's width decides what a narrow phase row
// is). Plain C++: the runtime includes it without Halide.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string_view>

namespace convt_tiles {

// Register tiles and parallel grain of the CPU schedule
// (generators/schedule_cpu.cpp), in vectors of the target's natural width.
struct CpuTiles {
  int x_vectors;              // kXTiles: qx vectors per tile
  int x_channels;             //   output channels per tile (one broadcast weight each)
  int wide_vectors;           // kWideXTiles, kWideXTilesByRow: qx vectors per tile
  int wide_channels;          //   output channels per tile
  int cx_columns;             // kChannelTilesAlongX (and edge columns): positions per tile
  int cx_channel_vectors;     //   output-channel vectors per tile
  int img_images;             // kChannelTilesAlongImages: images per tile
  int img_channel_vectors;    //   output-channel vectors per tile
  int more_images;            // kChannelTilesAlongMoreImages: images per tile
  int more_channel_vectors;   //   output-channel vectors per tile
  int xi_vectors;             // kXTilesAcrossImages: qx vectors per tile
  int xi_channels;            //   output channels per tile
  int xi_images;              //   images per tile
  int xi_one_vectors;         //   qx vectors per tile of a layer with one output channel
  int xi_one_images;          //   its images per tile
  int xr_vectors;             // kXTilesAcrossRows: qx vectors per tile
  int xr_rows;                //   phase rows per tile (one output channel)
  int pad_vectors;            // vectors per step of the zero-bordered input copy
  int enough_blocks = 4;      // fewest channel blocks (channel tiles: or image tiles) run in
                              // parallel, else rows
  int xi_channel_block = 32;  // kXTilesAcrossImages: input channels per block of its reduction
  // kColumns: most input channels per block of its GEMM's reduction. A
  // tile's pixels read a line or two per channel, a plane apart: 128
  // channels of them (8 to 16 KB) stay in L1 while the tile's row of
  // strips runs.
  int columns_channel_block = 128;
  // kChannelTilesAlongX: positions per tile of its other tiles, with
  // cx_channel_vectors (0: none). A call takes, of cx_columns and these,
  // the tile that computes the fewest columns of its phase rows
  // (channel_tile_takes).
  int cx_wide_columns = 0;
  int cx_wider_columns = 0;
};

// float32 lanes of a vector register.
constexpr int kSse41Lanes = 4, kAvx2Lanes = 8, kAvx512Lanes = 16, kNeonLanes = 4;

// x86-64. The machine model: FMA with 4-cycle latency on 2 ports, so at
// least 8 independent accumulators must be in flight, and 16 vector
// registers (32 with AVX-512). A tile of A x B accumulators fed per
// reduction step by A vector loads and B broadcasts needs A x B + (A or B)
// + 1 registers.
//
// AVX2 and SSE4.1: 16 registers, 12 accumulators.
// - x tiles: 2 vectors x 6 channels; 2 loads and 6 broadcasts per 12
//   FMAs. (4 vectors x 3 channels would need 17 registers, and spills.)
// - wide x tiles: 3 vectors x 4 channels, for phase rows of 17 to 24
//   columns, which leave a quarter or more of the x tiles' 32 columns
//   idle. On rows that fill both it is some 10% slower than 2 x 6 (Zen 2
//   EPYC, both cores: pix2pix_unet_up64 14.6 against 16.0 ms; rows of 24,
//   simplebaseline_r50_d3: 103.5 in x tiles by row against 78.0).
// - channel tiles along x: 4 columns x 3 channel vectors (24 channels
//   with AVX2), so phase rows of 4, 8 or 16 columns leave no idle column.
// - channel tiles along images: 4 images x 3 channel vectors.
// - channel tiles along more images: 6 images x 2 channel vectors; 2
//   weight loads and 6 broadcasts per 12 FMAs. As fast as 4 x 3 on the
//   work it keeps; the planner takes it where it idles less (128 output
//   channels: 144 in tiles of 24, 128 in tiles of 16).
// - x tiles across images: 1 vector x 3 channels x 4 images; 4 loads
//   and 3 broadcasts per 12 FMAs, 16 registers in all. With one output
//   channel (the tile's 3 channels would idle 2 of 3 accumulators):
//   2 vectors x 6 images, 12 loads and 1 broadcast per 12 FMAs (Zen 2
//   EPYC, both cores, alternated: vae_mnist_dec2 0.65 to 0.50 ms, random2_25
//   of the random layers 53 to 34; 1 vector x 12 images, 0.77 and 93).
// - x tiles across rows: 2 vectors x 6 rows of one channel; 12 loads and
//   1 broadcast per 12 FMAs (two loads a cycle keep up with two FMAs).
constexpr CpuTiles kX86Avx2Tiles{2, 6, 3, 4, 4, 3, 4, 3, 6, 2, 1, 3, 4, 2, 6, 2, 6, 1};

// AVX-512: 32 registers of 16 lanes, 24 to 28 accumulators.
// - x tiles: 2 vectors (32 columns) x 13 channels; 2 loads and 13
//   broadcasts per 26 FMAs, 29 registers. Common channel counts leave
//   fewer idle in tiles of 13 than of 12 (64: 65 against 72; 128: 130
//   against 132; 256: 260 against 264). Intel Xeon family 6 model 167,
//   alternated with 12, medians of 4 to 8 (ms): one core, pix2pix_unet_up64
//   by row 13.8 to 12.6, in x tiles 15.3 to 13.6; both cores, in the
//   rules' orders, pix2pix_unet_up32 7.80 to 6.84, hifigan_up2 6.33 to
//   6.02, centernet_r18_deconv3 29.8 to 28.3, melgan_up1 7.79 to 7.45.
//   enet_b4_up in x tiles 0.99 to 1.02: 64 channels make 5 blocks of 13
//   for two cores, where 12 made 6 (by row 0.89 to 0.83). Counts of 16,
//   32 or 48 leave more idle in 13 (32: 39 against 36): grouped_s2 per
//   group, 32 channels, 1.14 to 1.22 in x tiles (the rules then take its
//   channel tiles, 1.23). A tile of each, as for the channel tiles along
//   x, would keep both.
// - wide x tiles: 3 vectors (48 columns) x 8 channels, 28 registers.
// - channel tiles along x: 8 columns x 2 vectors (32 channels): phase
//   rows of 8 or 16 columns fill them, and 32 channels waste little of
//   C_out = 21 (fcn32s) or 256. Rows that tiles of 12 or 14 columns
//   (24 and 28 accumulators; 27 and 31 registers) fill better take those
//   (channel_tile_takes): rows of 33 compute 36 columns rather than 40,
//   rows of 14 or 28 none idle, rows of 65 compute 70 rather than 72. Per
//   column the wider tiles run no faster than 8 (both cores of an Intel
//   Xeon, family 6 model 167, alternated with the 8-column kernel:
//   hifigan_up1, 200 columns, 3.39 ms in tiles of 12 and of 8;
//   stylegan2_up128 per group, 72 computed either way, 41.0 against
//   39.1), so they pay by the idle columns they leave out, and a tie
//   keeps the narrower: deconvnet_deconv5 4.21 to 3.27 ms, aspp_dgrad_d6
//   4.79 to 3.99, stylegan2_up128 per group 42.9 to 41.3 (medians of 4,
//   alternated).
// - channel tiles along images: 8 images x 2 vectors.
// - channel tiles along more images: 12 images x 2 vectors.
// - x tiles across images: 2 vectors x 3 channels x 4 images; with one
//   output channel, 2 vectors x 6 images, as with AVX2 (each image's rows
//   take an address register, of 16).
// - x tiles across rows: 2 vectors x 12 rows of one channel.
constexpr CpuTiles kX86Avx512Tiles{2, 13, 3, 8, 8,  2, 8, 2,  12,  2,  2, 3,
                                   4, 2,  6, 2, 12, 1, 4, 32, 128, 12, 14};

// AArch64 NEON. The machine model: 32 vector registers of 128 bits (4
// float32 lanes), and a fused multiply-add (fmla) with 4-cycle latency
// issued on 2 pipes on the common big cores (Cortex-A76/A78/X1, Neoverse
// N1/V1), so at least 8 independent accumulators must be in flight. With
// twice the registers of AVX2 and half the lanes, the register tile is
// shaped by register count, not by vector width: 24 accumulators, leaving 8
// registers for the operands.
// - x tiles: 4 vectors (16 columns) x 6 channels. Per (input channel, tap)
//   that is 4 input loads and 6 weight broadcasts (ld1r) for 24 fmla; live
//   registers 24 + 4 inputs + 1-2 broadcasts <= 30 of 32.
// - wide x tiles: 6 vectors (24 columns) x 4 channels, 24 + 6 + 1 = 31.
// - channel tiles: 6 positions (columns, or images) x 4 vectors (16) of
//   output channels = 24 accumulators, fed by 4 packed weight vectors and 6
//   broadcast inputs.
// - channel tiles along more images: 12 images x 2 vectors (8 channels).
// - x tiles across images: 2 vectors (8 columns) x 3 channels x 4 images;
//   with one output channel, 2 vectors x 12 images (31 general registers
//   hold the 12 images' addresses).
// - x tiles across rows: 4 vectors (16 columns) x 6 rows of one channel.
// - the zero-bordered copy moves 4 q registers per step.
constexpr CpuTiles kNeonTiles{4, 6, 6, 4, 6, 4, 6, 4, 12, 2, 2, 3, 4, 2, 12, 4, 6, 4};

// A schedule knob: a generator parameter of
// generators/conv_transpose2d_generator.cpp, named as the CpuTiles field it
// sets, and its value (0: the target's own).
struct Knob {
  std::string_view name;
  int value;
};

// Sets the field `name` of `t` to `value` where it is above 0; false for a
// name that is not a CpuTiles field.
constexpr bool set_knob(CpuTiles &t, std::string_view name, int value) {
  struct Field {
    std::string_view name;
    int CpuTiles::*field;
  };
  constexpr Field kFields[] = {
      {"x_vectors", &CpuTiles::x_vectors},
      {"x_channels", &CpuTiles::x_channels},
      {"wide_vectors", &CpuTiles::wide_vectors},
      {"wide_channels", &CpuTiles::wide_channels},
      {"cx_columns", &CpuTiles::cx_columns},
      {"cx_channel_vectors", &CpuTiles::cx_channel_vectors},
      {"img_images", &CpuTiles::img_images},
      {"img_channel_vectors", &CpuTiles::img_channel_vectors},
      {"more_images", &CpuTiles::more_images},
      {"more_channel_vectors", &CpuTiles::more_channel_vectors},
      {"xi_vectors", &CpuTiles::xi_vectors},
      {"xi_channels", &CpuTiles::xi_channels},
      {"xi_images", &CpuTiles::xi_images},
      {"xi_one_vectors", &CpuTiles::xi_one_vectors},
      {"xi_one_images", &CpuTiles::xi_one_images},
      {"xr_vectors", &CpuTiles::xr_vectors},
      {"xr_rows", &CpuTiles::xr_rows},
      {"pad_vectors", &CpuTiles::pad_vectors},
      {"enough_blocks", &CpuTiles::enough_blocks},
      {"xi_channel_block", &CpuTiles::xi_channel_block},
      {"columns_channel_block", &CpuTiles::columns_channel_block},
      {"cx_wide_columns", &CpuTiles::cx_wide_columns},
      {"cx_wider_columns", &CpuTiles::cx_wider_columns},
  };
  for (const Field &f : kFields) {
    if (f.name != name) continue;
    if (value > 0) t.*f.field = value;
    return true;
  }
  return false;
}

// A target's tiles with `knobs` in their place: what the generator builds
// a kernel with, and what the runtime's planner reads of that kernel (the
// build lists each kernel's knobs in its header, convt_<flavour>.h, as
// CONVT_KNOBS_<flavour>). An unknown name fails the build where this is a
// constant expression.
constexpr CpuTiles with_knobs(CpuTiles t, std::initializer_list<Knob> knobs) {
  for (const Knob &k : knobs) {
    if (!set_knob(t, k.name, k.value)) throw std::invalid_argument("not a CPU schedule knob");
  }
  return t;
}

// The direct columns GEMM's register tile for `pixels` input pixels (1 to
// x_channels): one tile of every pixel, the x tile's accumulators (x_vectors
// x x_channels vectors) spread over as many vectors of columns as the
// pixels leave. Of the tiles of one width, the one of the most pixels:
// AVX2 (12 accumulators) 1 pixel x 12 vectors, 2 x 6, 3 x 4, 4 x 3, 6 x 2.
// The schedule builds each; the x86 flavour rule reads their widths.
struct DirectGemmTile {
  int pixels;
  int vectors;
};
constexpr DirectGemmTile direct_gemm_tile(const CpuTiles &t, int64_t pixels) {
  const int accumulators = t.x_vectors * t.x_channels;
  for (int p = 1; p < t.x_channels; ++p) {
    const int vectors = accumulators / p;
    if (pixels <= p && accumulators / (p + 1) < vectors) return {p, vectors};
  }
  return {t.x_channels, accumulators / t.x_channels};
}

// Whether a columns GEMM of `pixels` input pixels and `columns` columns
// (per group) runs as the direct GEMM (direct_gemm_tile: one pass over the
// weights, read in place): at most half an x tile's channels of pixels,
// or at most x_channels given a vector of columns (narrower matrices run
// the blocked GEMM's zero-padded strips). The schedule specializes on it
// (with Halide Exprs).
template <typename Pixels, typename Columns>
auto columns_few_pixels(const Pixels &pixels, const Columns &columns, int x_channels, int lanes) {
  return pixels * 2 <= x_channels || (pixels <= x_channels && columns >= lanes);
}

// Whether x tiles across images (kXTilesAcrossImages) take their tile for
// one output channel, of one_columns phase columns, over their usual tile
// of `columns`: the layer has one output channel, and the wider tile
// computes at most 1/8 more of its `phase_columns` (it runs some 1.2 to
// 1.3 times faster per column where both compute the same: generators/
// conv_transpose2d_algorithm.cpp). The algorithm selects its update by it
// (with Halide Exprs); the tests check that their cases reach both tiles.
template <typename Channels, typename Columns>
auto x_images_one_channel(const Channels &out_channels, const Columns &phase_columns, int columns,
                          int one_columns) {
  auto computed = [&](int width) { return (phase_columns + width - 1) / width * width; };
  return one_columns > 0 && out_channels == 1 && computed(one_columns) * 8 <= computed(columns) * 9;
}

// Channel tiles along x's tile widths (positions): cx_columns, then
// cx_wide_columns and cx_wider_columns (0: none).
constexpr std::array<int, 3> channel_tile_widths(const CpuTiles &t) {
  return {t.cx_columns, t.cx_wide_columns, t.cx_wider_columns};
}

// Whether channel tiles along x (kChannelTilesAlongX) take the tile of
// widths[which] for phase rows of `phase_columns`: of the widths set, it
// computes the fewest of the rows' columns, the first in `widths` where
// several do. The algorithm selects the tile's update by it (with Halide
// Exprs); the tests check that their cases reach every tile. The runtime's
// rules weigh the order by its first tile (cx_columns), which computes at
// least as many columns.
template <typename Columns>
auto channel_tile_takes(const Columns &phase_columns, const std::array<int, 3> &widths, int which) {
  auto computed = [&](int width) { return (phase_columns + width - 1) / width * width; };
  const int width = widths.at(static_cast<size_t>(which));
  // (A count is never negative: the test only gives `takes` the type of a
  // condition on phase_columns, bool for ints, a Halide Expr for Exprs.)
  auto takes = phase_columns >= 0 && width > 0;
  if (width <= 0) return takes;
  for (int other = 0; other < 3; ++other) {
    const int w = widths.at(static_cast<size_t>(other));
    if (other == which || w <= 0) continue;
    takes =
        takes && (other < which ? computed(width) < computed(w) : computed(width) <= computed(w));
  }
  return takes;
}

// Phase columns one x tile holds, and one wide x tile.
constexpr int64_t x_tile_columns(const CpuTiles &t, int lanes) {
  return static_cast<int64_t>(t.x_vectors) * lanes;
}
constexpr int64_t wide_tile_columns(const CpuTiles &t, int lanes) {
  return static_cast<int64_t>(t.wide_vectors) * lanes;
}

}  // namespace convt_tiles
