// Sweeps conv_transpose2d against the float64 reference on random non-zero
// data: every stride, padding, output_padding, dilation and kernel size in
// small ranges (stride 1-3, dilation 1-3, kernel 1-5), phase geometry far
// outside them (strides to 300, common factors of stride and dilation),
// groups 1 / 2 / depthwise, batch 1-3 and unbatched, every memory layout,
// with and without bias.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <vector>

#include "arguments.h"
#include "backends.h"
#include "conv_case.h"
#include "cpu_tiles.h"
#include "guard_pages.h"
#include "test_util.h"
#include "tile_order.h"

namespace convt_test {
namespace {

constexpr Layout kLayouts[] = {Layout::kContiguous, Layout::kSliced, Layout::kChannelsLast,
                               Layout::kStridedOut};

// Channels for case i: groups cycle through 1, 2 and depthwise.
void set_channels(RefParams &p, int i, int max_per_group) {
  const int kind = i % 3;
  const int64_t per_in = 1 + (i * 7) % max_per_group;
  const int64_t per_out = 1 + (i * 5) % max_per_group;
  if (kind == 0) {
    p.groups = 1;
    p.c_in = per_in;
    p.c_out = per_out;
  } else if (kind == 1) {
    p.groups = 2;
    p.c_in = 2 * per_in;
    p.c_out = 2 * per_out;
  } else {  // depthwise, sometimes with a channel multiplier
    p.groups = 1 + i % 5;
    p.c_in = p.groups;
    p.c_out = p.groups * (1 + (i / 3) % 2);
  }
}

// Groups 1, 2 or depthwise (kind 0, 1, 2) with per_in and per_out channels
// a group, or in 4 to 8 depthwise groups (at least 4 output channels:
// more than the tiles of one to three channels take).
void set_group_kind(RefParams &p, int kind, int i, int64_t per_in, int64_t per_out) {
  p.groups = kind == 0 ? 1 : kind == 1 ? 2 : 4 + i % 5;
  p.c_in = kind == 2 ? p.groups : p.groups * per_in;
  p.c_out = kind == 2 ? p.groups : p.groups * per_out;
}

// output_padding of case i at its largest (stride - 1) along y when
// i % 4 == 1, along x when i % 4 == 2, else none.
void set_output_padding(RefParams &p, int i) {
  for (int a = 0; a < 2; ++a) p.output_padding[a] = (i % 4 == a + 1) ? p.stride[a] - 1 : 0;
}

// Bias, batching (an unbatched call of one image), layout and seed of case i
// of a family whose seeds start at `first_seed`.
void set_variants(ConvCase &c, int i, uint32_t first_seed) {
  c.bias = i % 3 != 1;
  c.batched = i % 7 != 4;
  if (!c.batched) c.p.n = 1;
  c.layout = kLayouts[i % 4];
  c.seed = first_seed + static_cast<uint32_t>(i);
}

// Every combination of stride 1-3, padding 0-2, dilation 1-3 and kernel 1-5
// on the W axis, with output_padding at its largest legal value; the H axis
// takes a rotated combination so kernels and strides are non-square.
std::vector<ConvCase> axis_cases() {
  std::vector<ConvCase> cases;
  int i = 0;
  for (int64_t s = 1; s <= 3; ++s)
    for (int64_t pad = 0; pad <= 2; ++pad)
      for (int64_t d = 1; d <= 3; ++d)
        for (int64_t k = 1; k <= 5; ++k, ++i) {
          ConvCase c;
          RefParams &p = c.p;
          p.stride = {1 + (s + i) % 3, s};
          p.padding = {(pad + 1) % 3, pad};
          p.dilation = {1 + (d + i / 2) % 3, d};
          p.kh = 1 + (k + i) % 5;
          p.kw = k;
          for (int a = 0; a < 2; ++a) {
            const int64_t limit = std::max(p.stride[a], p.dilation[a]);
            p.output_padding[a] = (i + a) % 2 ? limit - 1 : (i % limit);
          }
          p.n = 1 + i % 3;
          p.h_in = 1 + (i * 5) % 7;
          p.w_in = 2 + (i * 3) % 9;
          set_channels(p, i, 4);
          c.bias = i % 2 == 0;
          c.batched = i % 7 != 3;
          if (!c.batched) p.n = 1;
          c.layout = kLayouts[(i / 2) % 4];
          c.seed = 1000 + static_cast<uint32_t>(i);
          if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
        }
  return cases;
}

// Larger planes and channel counts: several tiles, vector tails, tap counts
// that differ between phases.
std::vector<ConvCase> tile_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 40; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 3, 1 + (i / 3) % 3};
    p.dilation = {1 + (i % 7 == 5), 1 + (i % 5 == 4)};
    p.kh = 1 + (i * 3) % 5;
    p.kw = 1 + (i * 2) % 5;
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), std::min<int64_t>((i / 2) % 3, p.kw - 1)};
    for (int a = 0; a < 2; ++a)
      p.output_padding[a] = (i % 4 == a) ? std::max(p.stride[a], p.dilation[a]) - 1 : 0;
    p.n = 1 + i % 2;
    p.h_in = 5 + (i * 7) % 13;
    p.w_in = 9 + (i * 11) % 21;
    set_channels(p, i, 12);
    if (p.groups > 2) {  // wider depthwise
      p.groups = p.c_in = 8 + i % 9;
      p.c_out = p.groups;
    }
    c.bias = i % 3 != 1;
    c.batched = i % 9 != 4;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[i % 4];
    c.seed = 5000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// Narrow phase rows with 16 or more output channels, groups 1, dilation 1:
// the kernels tile these along output channels, and along x (kChannelTilesAlongX)
// for batches of up to 3, along images (kChannelTilesAlongImages, which skips taps
// that read the zero border's columns) for batches of 4 to 9 (with AVX-512,
// whose image tile holds 8, a batch short of that only where the tiles
// along x would idle as much; and batches of 2 or 3 where along x would
// compute mostly the zero border: runtime/plan.cpp). Channel counts
// that are not multiples of the channel tile, and batches that are not
// multiples of the image tile, check the clamped tails.
std::vector<ConvCase> narrow_row_cases(bool image_tiles) {
  std::vector<ConvCase> cases;
  const int64_t channels[] = {16, 20, image_tiles ? 24 : 32, 40, 64};
  for (int i = 0; i < 30; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 3, 1 + (i / 3) % 3};
    p.kh = 1 + (i * 3) % 5;
    p.kw = 1 + (i * 2) % 5;
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), std::min<int64_t>((i / 2) % 3, p.kw - 1)};
    set_output_padding(p, i);
    p.n = image_tiles ? 4 + i % 6 : 1 + i % 3;
    p.h_in = 1 + (i * 5) % 6;
    // Phase rows of at most 15 columns, and (batches of up to 3) some of 16
    // to 31: channel tiles where x tiles are 32 columns wide (AVX-512), x
    // tiles where 16.
    p.w_in = !image_tiles && i % 6 == 5 ? 17 + i % 5 : 1 + (i * 7) % 5;
    p.c_in = 1 + (i * 11) % 24;
    p.c_out = channels[i % 5];
    c.bias = i % 3 != 2;
    c.batched = image_tiles || i % 8 != 5;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[i % 4];
    c.seed = (image_tiles ? 12000 : 9000) + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// Batches of 4 or more with at most 3 output channels: x tiles across
// images (kXTilesAcrossImages), with every stride, dilation and group count; batches
// that are not multiples of the image tile check its clamped tail.
std::vector<ConvCase> x_image_tile_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 24; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 3, 1 + (i / 3) % 3};
    p.dilation = {1 + (i % 7 == 2), 1 + (i % 5 == 3)};
    p.kh = 1 + (i * 3) % 5;
    p.kw = 1 + (i * 2) % 5;
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), std::min<int64_t>((i / 2) % 3, p.kw - 1)};
    for (int a = 0; a < 2; ++a)
      p.output_padding[a] = (i % 4 == a) ? std::max(p.stride[a], p.dilation[a]) - 1 : 0;
    p.n = 4 + i % 5;
    p.h_in = 2 + (i * 5) % 9;
    p.w_in = 3 + (i * 7) % 23;  // several x tiles, and vector tails
    p.groups = i % 6 == 5 ? 3 : 1;
    p.c_in = p.groups * (1 + (i * 11) % 9);
    p.c_out = p.groups == 3 ? 3 : 1 + i % 3;
    c.bias = i % 3 != 2;
    c.layout = kLayouts[i % 4];
    c.seed = 14000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// Phase rows of 9 to 14, 25 to 28, 33 and 65 columns with 16 or more
// output channels in batches under 4: the widths where channel tiles along
// x take their tiles of 12 and 14 columns with AVX-512 (cpu_tiles.h:
// channel_tile_takes), and rows that take its usual 8 (with AVX2, which
// has one tile, x tiles take the wider rows). Dilation and strides of 1
// and 2, partial last tiles; ChannelTileWidthCoverage checks that every
// tile is reached.
std::vector<ConvCase> channel_tile_width_cases() {
  const int64_t phase_columns[] = {9, 10, 11, 12, 13, 14, 25, 26, 27, 28, 33, 65, 16, 21};
  const int64_t channels[] = {16, 20, 33, 48};
  std::vector<ConvCase> cases;
  for (int i = 0; i < 14; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 2, 1 + (i / 2) % 2};
    p.dilation = {1, 1 + (i % 5 == 2)};
    p.kh = 1 + i % 3;
    p.kw = p.stride[1] + i % 3;
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>((i / 3) % 2, p.kw - 1)};
    p.h_in = 1 + i % 4;
    // The narrowest input whose phase rows are as wide as wanted.
    for (p.w_in = 1; (p.w_out() + p.stride[1] - 1) / p.stride[1] < phase_columns[i]; ++p.w_in) {
    }
    p.c_in = 3 + (i * 7) % 29;
    p.c_out = channels[i % 4];
    c.batched = i % 5 != 4;
    p.n = c.batched ? 1 + i % 3 : 1;
    c.bias = i % 3 != 2;
    c.layout = kLayouts[i % 4];
    c.seed = 18000 + static_cast<uint32_t>(i);
    cases.push_back(c);
  }
  return cases;
}

// One output channel in a batch of 4 or more: x tiles across images in
// their tile for one channel (cpu_tiles.h: x_images_one_channel) where the
// phase rows fill its wider tile, else in their usual tile. Phase rows of 1
// to 40 columns reach both (XImageOneChannelCoverage); batches of 4 to 13
// leave partial image tiles.
std::vector<ConvCase> x_image_one_channel_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 16; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + (i / 2) % 3, 1 + i % 3};
    p.dilation = {1 + (i % 5 == 4), 1 + (i % 7 == 3)};
    p.kh = 1 + (i * 3) % 4;
    p.kw = 1 + (i * 2) % 5;
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>((i / 3) % 3, p.kw - 1)};
    p.output_padding = {0, i % 4 == 1 ? std::max(p.stride[1], p.dilation[1]) - 1 : 0};
    p.n = 4 + i % 10;
    p.h_in = 4 + i % 3;
    p.w_in = 4 + (i * 9) % 37;
    p.c_in = 1 + (i * 5) % 12;
    p.c_out = 1;
    c.bias = i % 3 != 2;
    c.layout = kLayouts[i % 4];
    c.seed = 20500 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// Groups of 16 or more input and output channels: the CPU runs one call
// per group on channel slices of every tensor, each with groups 1 and the
// tile order its shape picks.
std::vector<ConvCase> wide_group_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 12; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.groups = 2 + i % 3;
    p.c_in = p.groups * (16 + i % 5);
    p.c_out = p.groups * (16 + (i * 3) % 7);
    p.stride = {1 + i % 2, 1 + (i / 2) % 3};
    p.dilation = {1 + (i % 5 == 3), 1};
    p.kh = 1 + (i * 3) % 4;
    p.kw = 2 + i % 3;
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>(1, p.kw - 1)};
    p.n = 1 + i % 5;  // batches of 4 and 5 reach the image tiles
    p.h_in = 2 + (i * 5) % 7;
    p.w_in = i % 4 == 0 ? 40 : 3 + i % 6;  // x tiles, or narrow rows
    c.bias = i % 3 != 0;
    c.batched = i % 6 != 2;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[i % 4];
    c.seed = 15000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// One tap per output (kernel == stride, dilation 1) in rows wide enough for
// x tiles on AVX2 and AVX-512 (38 or more input columns): the rules' interleaved
// x tiles (kInterleavedXTiles), through strides along x of 2 and 4 (each
// its own vector shape), padding along x of 0 (its own specialization)
// and of one stride, any stride and padding along y, output_padding on
// either axis, groups 1, 2 and depthwise, channel counts that leave a
// partial channel tile, and a row's partial last tile.
std::vector<ConvCase> one_tap_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 18; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 3, 2 + 2 * ((i / 3) % 2)};
    p.kh = p.stride[0];
    p.kw = p.stride[1];
    p.padding = {(i / 2) % p.kh, (i / 6) % 2 * p.stride[1]};
    set_output_padding(p, i);
    p.n = 1 + i % 2;
    p.h_in = 2 + (i * 5) % 4;
    p.w_in = 40 + (i * 3) % 9;
    set_group_kind(p, (i / 2) % 3, i, 3 + (i * 7) % 13, 7 + (i * 5) % 11);
    set_variants(c, i, 20000);
    cases.push_back(c);
  }
  return cases;
}

// The usual upsampling layer, stride 2 along x and two taps per phase on
// both axes (kernel 3 or 4 along x; ceil(k_h / s_h) = 2), with rows wide
// enough for x tiles (kXTiles) on AVX2 and AVX-512: the schedules
// repack these weights with unrolled taps and phases. Channel counts that
// are not multiples of the x tiles' channels check the clamped tail.
std::vector<ConvCase> two_tap_cases() {
  std::vector<ConvCase> cases;
  const int64_t kernel_h[3][2] = {{2, 2}, {3, 4}, {4, 5}};  // per stride 1, 2, 3
  for (int i = 0; i < 16; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 3, 2};
    p.kh = kernel_h[i % 3][(i / 3) % 2];
    p.kw = 3 + i % 2;
    p.padding = {std::min<int64_t>((i / 2) % 3, p.kh - 1), (i / 4) % 3};
    set_output_padding(p, i);
    p.n = 1 + i % 2;
    p.h_in = 3 + (i * 5) % 7;
    p.w_in = 49 + (i * 3) % 8;  // 50 to 58 columns: x tiles, not wide
    set_channels(p, i, 14);
    c.bias = i % 3 != 1;
    c.batched = i % 5 != 3;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[i % 4];
    c.seed = 16000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  // The same layers with narrow rows in batches of 4 to 9 and 16 or more
  // output channels: channel tiles along images (kChannelTilesAlongImages), whose
  // packs cover every phase of a channel block.
  for (int i = 0; i < 10; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {2, 2};
    p.kh = 3 + (i / 2) % 2;
    p.kw = 3 + i % 2;
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), (i / 3) % 2};
    for (int a = 0; a < 2; ++a) p.output_padding[a] = (i % 3 == a + 1) ? 1 : 0;
    p.n = 4 + i % 6;
    p.h_in = 2 + (i * 3) % 5;
    p.w_in = 2 + (i * 7) % 6;
    p.c_in = 1 + (i * 11) % 40;
    p.c_out = 16 + (i * 9) % 33;
    c.bias = i % 3 != 0;
    c.layout = kLayouts[i % 4];
    c.seed = 16100 + static_cast<uint32_t>(i);
    cases.push_back(c);
  }
  return cases;
}

// Phase rows that leave a quarter or more of the x tiles' columns idle (17
// to 24 columns against AVX2's 16-column tiles, 33 to 48 against
// AVX-512's 32): the wide x tiles (kWideXTiles; by row, for inputs larger
// than half of L2, test_plans runs them on every case), through each of their
// specializations (stride 1 along x, dilation with stride, groups 1, 2 and
// depthwise), with channel counts that are not multiples of their 4
// (AVX-512: 8) channels and a partial last tile.
std::vector<ConvCase> wide_x_tile_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 18; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + (i / 3) % 2, 1 + i % 3};
    p.dilation = {1, i % 4 == 3 ? 2 : 1};
    p.kh = 1 + (i * 3) % 4;
    p.kw = 1 + (i * 2) % 5;
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>((i / 2) % 3, p.kw - 1)};
    p.output_padding[1] = i % 5 == 1 ? std::max(p.stride[1], p.dilation[1]) - 1 : 0;
    // The narrowest input whose phase rows reach the target width.
    const int64_t columns = i % 2 == 0 ? 17 + (i * 5) % 8 : 33 + (i * 7) % 16;
    p.w_in = 1;
    while ((p.w_out() + p.stride[1] - 1) / p.stride[1] < columns) ++p.w_in;
    p.n = 1 + i % 3;
    p.h_in = 2 + (i * 5) % 4;
    set_group_kind(p, i % 3, i, 1 + (i * 7) % 9, 4 + (i * 5) % 11);
    set_variants(c, i, 19000);
    cases.push_back(c);
  }
  return cases;
}

// The columns order's GEMM with more input channels per group than one
// block of its reduction holds (CpuTiles::columns_channel_block, 128):
// blocks of uneven size (129 to 428 channels, 2 to 4 blocks), column
// counts under a strip and between strips, groups 1 and 2, dilation and
// stride, through both of its forms: inputs of a few pixels (at most
// half a pixel tile: columns_direct) and of more (columns_blocked, in one
// block of pixels or several).
std::vector<ConvCase> columns_channel_block_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 12; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.groups = i % 4 == 3 ? 2 : 1;
    p.c_in = p.groups * (129 + (i * 37) % 300);
    p.c_out = p.groups * (1 + i % 5);
    p.kh = 1 + (i * 2) % 4;
    p.kw = 1 + i % 4;
    p.stride = {1 + i % 3, 1 + (i / 2) % 3};
    p.dilation = {1, i % 5 == 2 ? 2 : 1};
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>((i / 3) % 2, p.kw - 1)};
    const bool few_pixels = i % 3 == 0;
    p.n = few_pixels ? 1 : 2 + i % 3;
    p.h_in = few_pixels ? 1 : 1 + i % 3;
    p.w_in = few_pixels ? 1 + (i / 3) % 3 : 2 + (i * 3) % 4;
    set_variants(c, i, 19500);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// At most 3 output channels from 48 or more input channels per output
// channel, in inputs wider than the x tiles: the rules' columns order
// (runtime/plan.cpp: the phase orders' tiles of one to three channels
// load an input vector per C_out FMAs), through strides 1 to 4, kernels of
// 2 to 5 taps, dilation, padding, output_padding, groups 1 and 2, and
// batches that fill one or several of its pixel blocks.
std::vector<ConvCase> deep_few_output_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 8; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.groups = i % 4 == 3 ? 2 : 1;
    const int64_t per_out = 1 + i % 3 / p.groups;
    p.c_out = p.groups * per_out;
    p.c_in = p.groups * per_out * (48 + (i * 13) % 30);
    p.kh = 2 + (i * 2) % 4;
    p.kw = 2 + i % 4;
    p.stride = {1 + i % 4, 1 + (i / 2) % 3};
    p.dilation = {1, i % 5 == 2 ? 2 : 1};
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), std::min<int64_t>((i / 3) % 2, p.kw - 1)};
    set_output_padding(p, i);
    p.n = 1 + i % 3;
    p.h_in = 3 + (i * 5) % 6;
    p.w_in = 33 + (i * 7) % 12;
    set_variants(c, i, 21000);
    cases.push_back(c);
  }
  return cases;
}

// Depthwise layers in tall phase planes (48 or more phase rows, two or
// more taps per phase along y): the rules' x tiles across rows, one
// channel's rows per tile, through strides 1 to 3, dilation, padding,
// output_padding, batches, and row counts that leave a partial row tile.
std::vector<ConvCase> tall_depthwise_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 6; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.groups = 4 + i % 5;
    p.c_in = p.c_out = p.groups;
    p.stride = {1 + i % 3, 1 + (i / 2) % 2};
    p.kh = 2 * p.stride[0] + i % 2;
    p.kw = 2 + i % 3;
    p.dilation = {i % 4 == 3 ? 2 : 1, 1};
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), std::min<int64_t>(i % 2, p.kw - 1)};
    set_output_padding(p, i);
    p.n = 1 + i % 2;
    p.h_in = 49 + (i * 7) % 11;
    p.w_in = 9 + (i * 5) % 30;
    set_variants(c, i, 21500);
    cases.push_back(c);
  }
  return cases;
}

// Depthwise layers of narrow rows in batches of 4 to 8 images: x tiles
// across images, each tile's channels from groups of their own (the
// general phase arithmetic), channel blocks and image tiles with tails.
// FamiliesRunTheirOrders checks the rules take that order.
std::vector<ConvCase> batched_depthwise_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 8; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.groups = 5 + (i * 3) % 7;
    p.c_in = p.groups;
    p.c_out = p.groups;
    p.stride = {1 + i % 3, 1 + (i / 2) % 2};
    p.kh = 1 + (i * 2) % 5;
    p.kw = 2 + i % 3;
    p.dilation = {i % 5 == 2 ? 2 : 1, i % 3 == 1 ? 2 : 1};
    p.padding = {std::min<int64_t>(i % 3, p.kh - 1), std::min<int64_t>(i % 2, p.kw - 1)};
    set_output_padding(p, i);
    p.h_in = 3 + (i * 5) % 8;
    // 6 or 7 phase columns: fewer than any kernel's x tile (8 columns with
    // SSE4.1), more than a quarter of AVX2's (the channel tiles take those
    // of grouped layers).
    const int64_t phase_columns = 6 + i % 2;
    const int64_t reach = p.dilation[1] * (p.kw - 1) - 2 * p.padding[1] + p.output_padding[1];
    p.w_in = std::max<int64_t>(1, (phase_columns * p.stride[1] - reach - 1) / p.stride[1] + 1);
    set_variants(c, i, 21700);
    c.batched = true;  // (the rule needs the batch)
    p.n = 4 + i % 5;
    cases.push_back(c);
  }
  return cases;
}

// Depthwise layers of 3 to 5 rows and columns in batches of 4 to 8, kernels
// of 3 or more and at least two taps a phase along each axis (kernel >= 2
// x stride): the rules' x tiles across images ahead of the channel tiles
// along images (depthwise_multi_tap_across_images_pay).
std::vector<ConvCase> multi_tap_depthwise_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 6; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.groups = 6 + (i * 5) % 11;
    p.c_in = p.groups;
    p.c_out = p.groups;
    p.stride = {1 + i % 2, 1 + (i / 2) % 2};
    p.kh = std::max<int64_t>(3, 2 * p.stride[0] + i % 3);
    p.kw = std::max<int64_t>(3, 2 * p.stride[1] + (i + 1) % 3);
    p.dilation = {1, i == 3 ? 2 : 1};
    p.padding = {i % 3, (i + 1) % 3};
    set_output_padding(p, i);
    p.h_in = 3 + i % 3;
    p.w_in = 3 + (i + 1) % 3;
    set_variants(c, i, 22100);
    c.batched = true;  // (the rule needs the batch)
    p.n = 4 + i % 5;
    cases.push_back(c);
  }
  return cases;
}

// 9 output channels (groups 1) in batches of 4 and 8 images, rows of 48
// phase columns: x tiles across images in three blocks of 3 channels,
// where the x tiles and wide x tiles of every kernel leave a quarter of
// their channels idle. FamiliesRunTheirOrders checks the rules take that
// order.
std::vector<ConvCase> few_channel_image_tile_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 4; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.c_in = 1 + (i * 3) % 8;
    p.c_out = 9;
    p.stride = {1 + i % 2, 1 + (i / 2) % 2};
    p.kh = 2 + i % 3;
    p.kw = p.stride[1] * (1 + i % 2);
    p.padding = {i % 2, 0};
    p.h_in = 3 + i;
    // W_out = (W - 1) s + kw = 48 s: 48 phase columns.
    p.w_in = (48 * p.stride[1] - p.kw) / p.stride[1] + 1;
    set_variants(c, i, 21800);
    c.batched = true;  // (the rule needs the batch)
    p.n = 4 * (1 + i % 2);
    cases.push_back(c);
  }
  return cases;
}

// At most 8 input channels and 3 or more taps a phase along both axes
// (kernels of 5 to 7 at stride 2, dilation 1 or 3; 7 at stride 3) in rows
// wide enough for the x tiles (48 phase columns): the rules' channel tiles
// along x (few_inputs_many_taps), output channels past a whole tile.
std::vector<ConvCase> few_input_many_tap_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 4; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.c_in = 1 + (i * 5) % 8;
    p.c_out = 33 + 17 * i;
    const int64_t s = 2 + i / 3;
    p.stride = {s, s};
    p.kh = s == 2 ? 5 + i % 3 : 7;
    p.kw = s == 2 ? 5 + (i + 1) % 3 : 7;
    p.dilation = {1, s == 2 && i % 2 == 1 ? 3 : 1};  // (3 at stride 3: a gcd)
    p.padding = {i % 3, (i * 2) % 5};
    p.h_in = 3 + i % 2;
    // W_out = (W - 1) s - 2 p + d (kw - 1) + 1, at least 48 s.
    p.w_in = 48 + (p.dilation[1] * (p.kw - 1)) / s;
    set_variants(c, i, 21900);
    cases.push_back(c);
  }
  return cases;
}

// 1-row outputs (audio layers) of 16 or more output channels at strides
// along x of 2 to 4, in rows wide enough for the x tiles (48 or more phase
// columns): the rules' channel tiles along x (one_row_channel_tiles_pay),
// through kernels of 3 to 7, dilation 2 and
// output channels past a whole tile. A row of 2 or 3 channel blocks
// shares its blocks among the threads, and a batch of one block its images
// (the kernel shares whichever has more tasks than the one row).
std::vector<ConvCase> one_row_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 7; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.c_in = 1 + (i * 13) % 40;
    p.c_out = i < 4 ? 16 + 21 * i : 16;
    p.n = i < 5 ? 1 : i - 3;  // (case 4 runs unbatched)
    const int64_t s = 2 + i % 3;
    p.stride = {1, s};
    p.kh = 1;
    p.kw = 1 + (i * 3) % 7 + (i == 0 ? 2 : 0);  // 3, 4, 7, 3
    p.dilation = {1, 1 + i % 2};
    p.padding = {0, i % 2};
    p.h_in = 1;
    p.w_in = 48 + 5 * i;
    set_variants(c, i, 22000);
    cases.push_back(c);
  }
  return cases;
}

// 1-row outputs of 4 to 12 input pixels in all (1 to 3 images) at strides
// along x of 2 to 4, 64 to 100 input and 16 to 40 output channels: the
// rules' columns order (one_row_few_pixels_columns_pay), through kernels
// of 1 to 7, dilation 2 and padding.
std::vector<ConvCase> one_row_few_pixel_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 5; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.c_in = 64 + (i * 9) % 37;
    p.c_out = 16 + (i * 6) % 25;
    const int64_t s = 2 + i % 3;
    p.stride = {1, s};
    p.kh = 1;
    p.kw = 1 + (i * 3) % 7;
    p.dilation = {1, 1 + i % 2};
    p.padding = {0, std::min<int64_t>(i % 2, p.kw - 1)};
    set_variants(c, i, 22200);
    p.n = c.batched ? 1 + i % 3 : 1;
    p.h_in = 1;
    p.w_in = std::max<int64_t>(1, std::min<int64_t>(12 / p.n, 2 + i));
    cases.push_back(c);
  }
  return cases;
}

// Outputs whose width is not a multiple of the x stride: the last W_out % s_x
// columns of each row are the CPU's edge update, register tiles of (rows) x
// (output-channel vectors) specialized for groups 1 and depthwise, with
// channel blocks in parallel when there are 4 or more (over 72 channels
// with AVX2's 24-channel tiles, 96 with AVX-512's 32) and images in
// parallel otherwise. Outputs narrower than the stride are all edge (1 x 1
// and 1-row inputs); row counts that are not multiples of the tile's rows,
// narrow groups and dilations sharing a factor with the stride check the
// tails and the general phase arithmetic.
std::vector<ConvCase> edge_column_cases() {
  std::vector<ConvCase> cases;
  for (int i = 0; i < 30; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    const int kind = i % 3;               // groups 1, depthwise, narrow groups
    const bool many_blocks = i % 2 == 0;  // channel blocks in parallel, or images
    const bool one_row = i % 6 == 1;
    p.stride = {one_row ? 1 : 1 + i % 3, 2 + i % 4};
    p.dilation = {1, i % 5 == 3 ? 2 : 1};
    p.kh = one_row ? 1 : 1 + (i * 2) % 4;
    p.kw = 1 + (i * 3) % 5;
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>(i % 3, p.kw - 1)};
    p.output_padding[0] = i % 4 == 2 ? std::max(p.stride[0], p.dilation[0]) - 1 : 0;
    p.output_padding[1] = i % 4 == 1 ? std::max(p.stride[1], p.dilation[1]) - 1 : 0;
    p.h_in = one_row ? 1 : 1 + (i * 5) % 9;
    p.w_in = i % 4 == 3 ? 1 : 2 + (i * 7) % 11;
    p.n = 1 + i % 3;
    const int64_t channels = many_blocks ? 97 + (i * 13) % 40 : 1 + (i * 11) % 40;
    if (kind == 0) {
      p.groups = 1;
      p.c_in = 1 + (i * 5) % 12;
      p.c_out = channels;
    } else if (kind == 1) {
      p.groups = channels;
      p.c_in = channels;
      p.c_out = channels;
    } else {  // groups too narrow to run one call per group
      p.groups = 3 + i % 4;
      p.c_in = p.groups * (1 + i % 3);
      p.c_out = p.groups * std::max<int64_t>(1, channels / p.groups);
    }
    c.bias = i % 3 != 2;
    c.batched = i % 7 != 5;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[i % 4];
    c.seed = 19000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1 && p.w_out() % p.stride[1] != 0) cases.push_back(c);
  }
  return cases;
}

// The GPU kernels' tiles (generators/gpu_contract.h): phases with more
// pixels than a block's 256 and with a partial last block, channel counts
// around the 16-channel thread tiles and 32-channel blocks, and reductions
// that gemm_split cuts into several slices (input channels from 16 up,
// with a short last slice) next to ones it leaves whole. Every backend runs
// them; on GPUs the planner's choice and each kernel forced.
std::vector<ConvCase> gpu_tile_cases() {
  std::vector<ConvCase> cases;
  const int64_t channels_in[] = {16, 23, 64, 150, 300};
  const int64_t channels_out[] = {8, 16, 31, 33, 48, 70};
  for (int i = 0; i < 14; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    p.stride = {1 + i % 3, 1 + (i / 2) % 3};
    p.kh = p.stride[0] + i % 3;
    p.kw = p.stride[1] + (i + 1) % 3;
    p.padding = {std::min<int64_t>(i % 2, p.kh - 1), std::min<int64_t>((i / 3) % 2, p.kw - 1)};
    set_output_padding(p, i);
    p.c_in = channels_in[i % 5];
    p.c_out = channels_out[i % 6];
    // Small planes with many input channels (split), large ones (several
    // pixel blocks a phase).
    const bool small = i % 2 == 0;
    p.n = small ? 1 + i % 3 : 1;
    p.h_in = small ? 1 + i % 3 : 17 + i % 5;
    p.w_in = small ? 2 + i % 2 : 19 + (i * 3) % 7;
    c.bias = i % 3 != 2;
    c.batched = i % 7 != 3;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[i % 4];
    c.seed = 17000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// Phase geometry off the usual path: strides and dilations with a common
// factor (a phase's taps s / gcd apart, residues no tap reaches), strides
// far beyond the kernel (most residues bias only: the fill), large strides,
// dilations and paddings, through each evaluation order the CPU planner
// picks by shape (wide rows: x tiles, or wide x tiles; narrow rows with 16 or more output
// channels and dilation 1: channel tiles along x, or along images for
// batches of 4 or more, along more images where that tile idles no more;
// at most 3 output channels in batches of 4 or more:
// x tiles across images, in fewer images: x tiles across rows; inputs of a
// few pixels with 16 or more input channels per group and few output
// channels: columns).
std::vector<ConvCase> phase_geometry_cases() {
  struct Axis {
    int64_t stride, dilation, kernel, padding;
  };
  const Axis axes[] = {{4, 2, 5, 1},  {6, 4, 3, 0}, {6, 9, 4, 2},   {5, 1, 2, 0},
                       {8, 1, 3, 1},  {7, 3, 2, 0}, {12, 8, 3, 5},  {37, 1, 1, 0},
                       {3, 6, 4, 7},  {2, 1, 1, 0}, {64, 6, 3, 0},  {1, 5, 3, 6},
                       {10, 4, 7, 9}, {9, 6, 5, 2}, {300, 1, 2, 0}, {2, 2, 3, 1}};
  constexpr int kAxes = sizeof(axes) / sizeof(axes[0]);
  std::vector<ConvCase> cases;
  for (int i = 0; i < 56; ++i) {
    ConvCase c;
    RefParams &p = c.p;
    // The orders small shapes reach (x tiles by row takes an input larger
    // than half of L2: test_plans runs it on every path).
    constexpr int32_t kReached[] = {convt_order::kXTiles,
                                    convt_order::kChannelTilesAlongX,
                                    convt_order::kChannelTilesAlongImages,
                                    convt_order::kXTilesAcrossImages,
                                    convt_order::kColumns,
                                    convt_order::kXTilesAcrossRows,
                                    convt_order::kChannelTilesAlongMoreImages};
    constexpr int kOrders = sizeof(kReached) / sizeof(kReached[0]);
    const int32_t order = kReached[i % kOrders];
    const bool more_images = order == convt_order::kChannelTilesAlongMoreImages;
    const bool channel_tiles = order == convt_order::kChannelTilesAlongX ||
                               order == convt_order::kChannelTilesAlongImages || more_images;
    const bool across_rows = order == convt_order::kXTilesAcrossRows;
    const bool across_images = order >= convt_order::kChannelTilesAlongImages && !across_rows;
    const Axis ax[2] = {axes[(i * 5 + 3) % kAxes], axes[i % kAxes]};  // (H, W)
    for (int a = 0; a < 2; ++a) {
      p.stride[a] = ax[a].stride;
      // Channel tiles take dilation 1 only.
      p.dilation[a] = channel_tiles ? 1 : ax[a].dilation;
      p.padding[a] = ax[a].padding;
      const int64_t limit = std::max(p.stride[a], p.dilation[a]);
      p.output_padding[a] = (i + a) % 3 == 0 ? limit - 1 : (i * 7) % limit;
    }
    p.kh = ax[0].kernel;
    p.kw = ax[1].kernel;
    const bool huge_stride = p.stride[0] > 32 || p.stride[1] > 32;
    p.h_in = huge_stride ? 1 + i % 2 : 2 + (i * 3) % 5;
    // Rows of 16 phase columns or more for x tiles, a few for the others.
    p.w_in = huge_stride ? 1 + i % 3 : order == convt_order::kXTiles ? 17 + i % 9 : 1 + (i * 7) % 4;
    if (order == convt_order::kColumns) p.h_in = 1 + i % 3;
    p.n = across_images ? 4 + i % 3 : across_rows ? 1 + i % 3 : 1 + i % 2;
    // Order 7's tile idles no more than order 2's: 6 or 12 images of 16 or
    // 32 channels (AVX2's tiles; order 2 keeps batches under 6).
    if (order == convt_order::kChannelTilesAlongImages) p.n = 4 + i % 2;
    if (more_images) p.n = 6 * (1 + i % 2);
    // Rows of a few phase-row tiles.
    if (across_rows && !huge_stride) p.h_in = 3 + (i * 5) % 11;
    if (channel_tiles) {
      p.groups = 1;
      p.c_in = 1 + (i * 11) % 9;
      p.c_out = more_images ? 16 * (1 + i / (2 * kOrders) % 2) : 16 + (i * 5) % 20;
    } else if (order == convt_order::kColumns) {
      p.groups = i % 3 == 1 ? 2 : 1;
      p.c_in = p.groups * (16 + i % 7);
      p.c_out = p.groups * (1 + i % 5);
    } else if (order == convt_order::kXTilesAcrossImages || across_rows) {
      p.groups = i % 8 == 3 ? 3 : 1;
      p.c_in = p.groups * (1 + i % 4);
      p.c_out = p.groups == 3 ? 3 : 1 + i % 3;
    } else {
      set_channels(p, i, 6);
    }
    c.bias = i % 3 != 1;  // the fill writes the bias, or zeros
    c.batched = i % 9 != 4 || across_images;
    if (!c.batched) p.n = 1;
    c.layout = kLayouts[(i / 4) % 4];
    c.seed = 18000 + static_cast<uint32_t>(i);
    if (p.h_out() >= 1 && p.w_out() >= 1) cases.push_back(c);
  }
  return cases;
}

// The guard pages fault on the first byte outside a placed buffer, on
// either side (so the .guard_after and .guard_before suites can fail).
TEST(GuardPagesDeathTest, FaultOneFloatOutside) {
  std::vector<float> values(37, 1.0f);
  EXPECT_DEATH(
      {
        GuardedArena arena(GuardPages::kAfter);
        volatile float *p = arena.place(values);
        std::printf("%f\n", static_cast<double>(p[values.size()]));
      },
      "");
  EXPECT_DEATH(
      {
        GuardedArena arena(GuardPages::kBefore);
        volatile float *p = arena.place(values);
        std::printf("%f\n", static_cast<double>(p[-1]));
      },
      "");
  GuardedArena arena(GuardPages::kAfter);
  const float *inside = arena.place(values);
  EXPECT_EQ(inside[0] + inside[values.size() - 1], 2.0f);
}

class Sweep : public ::testing::TestWithParam<ConvCase> {};

TEST_P(Sweep, MatchesFloat64Reference) {
  const double err = run_conv_case(GetParam());
  EXPECT_LE(err, kTolerance) << GetParam().name();
}

std::string case_name(const ::testing::TestParamInfo<ConvCase> &info) { return info.param.name(); }

// The one-channel family reaches both tiles of every x86 and NEON kernel.
TEST(XImageOneChannelCoverage, ReachesBothTiles) {
  for (const auto &[tiles, lanes] :
       {std::pair{convt_tiles::kX86Avx2Tiles, convt_tiles::kAvx2Lanes},
        std::pair{convt_tiles::kX86Avx512Tiles, convt_tiles::kAvx512Lanes},
        std::pair{convt_tiles::kNeonTiles, convt_tiles::kNeonLanes}}) {
    int one = 0, usual = 0;
    for (const ConvCase &c : x_image_one_channel_cases()) {
      const int64_t phase_columns = c.p.w_out() / c.p.stride[1];
      const bool takes_one = convt_tiles::x_images_one_channel(
          c.p.c_out, phase_columns, tiles.xi_vectors * lanes, tiles.xi_one_vectors * lanes);
      (takes_one ? one : usual) += 1;
    }
    EXPECT_GE(one, 3) << "lanes " << lanes;
    if (tiles.xi_one_vectors != tiles.xi_vectors) EXPECT_GE(usual, 3) << "lanes " << lanes;
  }
}

// The channel tile widths' family reaches every tile of channel tiles along
// x, of every x86 and NEON kernel.
TEST(ChannelTileWidthCoverage, ReachesEveryTile) {
  for (const convt_tiles::CpuTiles &tiles :
       {convt_tiles::kX86Avx2Tiles, convt_tiles::kX86Avx512Tiles, convt_tiles::kNeonTiles}) {
    const std::array<int, 3> widths = convt_tiles::channel_tile_widths(tiles);
    std::array<int, 3> reached{};
    for (const ConvCase &c : channel_tile_width_cases()) {
      const int64_t phase_columns = (c.p.w_out() + c.p.stride[1] - 1) / c.p.stride[1];
      for (int which = 0; which < 3; ++which) {
        reached.at(which) += convt_tiles::channel_tile_takes(phase_columns, widths, which) ? 1 : 0;
      }
    }
    for (int which = 0; which < 3; ++which) {
      if (widths.at(which) > 0) EXPECT_GE(reached.at(which), 2) << "width " << widths.at(which);
    }
  }
}

// The rules' tile order for a sweep case.
int32_t rules_order(const ConvCase &c) {
  const RefParams &p = c.p;
  const convt::detail::ConvGeometry g = convt::detail::resolve_geometry(
      {p.n, p.c_in, p.h_in, p.w_in}, {p.c_in, p.c_out / p.groups, p.kh, p.kw},
      {p.stride[0], p.stride[1]}, {p.padding[0], p.padding[1]},
      {p.output_padding[0], p.output_padding[1]}, p.groups, {p.dilation[0], p.dilation[1]});
  // (The CPU kernel's rules, whichever kernel CONVT_HOST_KERNEL sends host
  // tensors to.)
  const convt::detail::Kernel &kernel = convt::detail::cpu_kernel_for(g);
  return convt::detail::cpu_tile_order(g, kernel);
}

// The deep-input family runs where the rules take the columns order, the
// tall depthwise family where they take x tiles across rows, the batched
// depthwise, multi-tap depthwise and few-channel families where they take x
// tiles across images, the few-input and 1-row families where they take
// channel tiles along x (or by row), and the 1-row family of few pixels
// where they take columns.
TEST(RulesCoverage, FamiliesRunTheirOrders) {
  if (!convt::detail::has_cpu_kernel()) GTEST_SKIP() << "this build has no CPU kernel";
  for (const ConvCase &c : deep_few_output_cases()) {
    EXPECT_EQ(rules_order(c), convt_order::kColumns) << c.name();
  }
  for (const ConvCase &c : tall_depthwise_cases()) {
    EXPECT_EQ(rules_order(c), convt_order::kXTilesAcrossRows) << c.name();
  }
  for (const ConvCase &c : batched_depthwise_cases()) {
    EXPECT_EQ(rules_order(c), convt_order::kXTilesAcrossImages) << c.name();
  }
  for (const ConvCase &c : multi_tap_depthwise_cases()) {
    EXPECT_EQ(rules_order(c), convt_order::kXTilesAcrossImages) << c.name();
  }
  for (const ConvCase &c : few_channel_image_tile_cases()) {
    EXPECT_EQ(rules_order(c), convt_order::kXTilesAcrossImages) << c.name();
  }
  for (const ConvCase &c : one_row_cases()) {
    EXPECT_EQ(convt_order::channel_tiles_base(rules_order(c)), convt_order::kChannelTilesAlongX)
        << c.name();
  }
  for (const ConvCase &c : one_row_few_pixel_cases()) {
    EXPECT_EQ(rules_order(c), convt_order::kColumns) << c.name();
  }
  for (const ConvCase &c : few_input_many_tap_cases()) {
    EXPECT_EQ(convt_order::channel_tiles_base(rules_order(c)), convt_order::kChannelTilesAlongX)
        << c.name();
  }
}

INSTANTIATE_TEST_SUITE_P(Axes, Sweep, ::testing::ValuesIn(axis_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(Tiles, Sweep, ::testing::ValuesIn(tile_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(ChannelTiles, Sweep, ::testing::ValuesIn(narrow_row_cases(false)),
                         case_name);
INSTANTIATE_TEST_SUITE_P(ImageTiles, Sweep, ::testing::ValuesIn(narrow_row_cases(true)), case_name);
INSTANTIATE_TEST_SUITE_P(ChannelTileWidths, Sweep, ::testing::ValuesIn(channel_tile_width_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(XImageTiles, Sweep, ::testing::ValuesIn(x_image_tile_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(XImageOneChannel, Sweep, ::testing::ValuesIn(x_image_one_channel_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(WideGroups, Sweep, ::testing::ValuesIn(wide_group_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(WideXTiles, Sweep, ::testing::ValuesIn(wide_x_tile_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(ColumnsChannelBlocks, Sweep,
                         ::testing::ValuesIn(columns_channel_block_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(DeepInputsFewOutputs, Sweep, ::testing::ValuesIn(deep_few_output_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(TallDepthwise, Sweep, ::testing::ValuesIn(tall_depthwise_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(BatchedDepthwise, Sweep, ::testing::ValuesIn(batched_depthwise_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(FewChannelImageTiles, Sweep,
                         ::testing::ValuesIn(few_channel_image_tile_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(MultiTapDepthwise, Sweep, ::testing::ValuesIn(multi_tap_depthwise_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(FewInputsManyTaps, Sweep, ::testing::ValuesIn(few_input_many_tap_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(OneRow, Sweep, ::testing::ValuesIn(one_row_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(OneRowFewPixels, Sweep, ::testing::ValuesIn(one_row_few_pixel_cases()),
                         case_name);
INSTANTIATE_TEST_SUITE_P(TwoTapPhases, Sweep, ::testing::ValuesIn(two_tap_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(OneTapPerOutput, Sweep, ::testing::ValuesIn(one_tap_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(EdgeColumns, Sweep, ::testing::ValuesIn(edge_column_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(GpuTiles, Sweep, ::testing::ValuesIn(gpu_tile_cases()), case_name);
INSTANTIATE_TEST_SUITE_P(PhaseGeometry, Sweep, ::testing::ValuesIn(phase_geometry_cases()),
                         case_name);

}  // namespace
}  // namespace convt_test
