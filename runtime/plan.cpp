#include "plan.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <tuple>

#include "backends.h"
#include "checked_math.h"
#include "convt/errors.h"
#include "cpu_tiles.h"
#include "phase_constants.h"
#include "tile_order.h"

namespace convt {

namespace detail {

namespace {

// --- Rules: the plan from the shape alone ---------------------------------

// The tile orders, each with when it applies; the first that applies runs
// (generators/schedule_cpu.cpp says how each tiles the work). "Narrow"
// phase rows are narrower than the kernel's x tile (Kernel::x_tile).
// (Measured on AVX2, pix2pix_unet_mid: 16-column phase rows run as fast in
// x tiles as in channel tiles; fcn32s_upscore, 16 columns and 21 channels,
// 1.3x faster in x tiles.)
// What the rules know of a kernel: its tiles.
struct KernelTiles {
  XTile x_tile;
  ChannelTiles channel_tiles;
  XTile wide_x_tile;
  XImageTile across_images;
};

struct OrderRule {
  int32_t order;
  bool (*applies)(const ConvGeometry &g, const KernelTiles &tiles);
};

bool narrow_rows(const ConvGeometry &g, const XTile &x_tile) {
  return g.out_width / g.stride[1] < x_tile.columns;
}

// n rounded up to a multiple of `to`.
int64_t round_up(int64_t n, int64_t to) { return (n + to - 1) / to * to; }

// The share of its tiles' positions a run of `count` positions in tiles of
// `size` leaves idle: those the last tile computes past `count`.
double idle_share(int64_t count, int64_t size) {
  const int64_t computed = round_up(count, size);
  return static_cast<double>(computed - count) / static_cast<double>(computed);
}

// The share of a tile's work that lands on the output: `positions` (columns
// or images) in tiles of `tile_positions`, times `channels` in tiles of
// `tile_channels`; 0 for a kernel without such a tile.
double busy_share(int64_t positions, int64_t tile_positions, int64_t channels,
                  int64_t tile_channels) {
  if (tile_positions <= 0 || tile_channels <= 0) return 0.0;
  return (1.0 - idle_share(positions, tile_positions)) *
         (1.0 - idle_share(channels, tile_channels));
}

// Rows of each phase's output: ceil(H_out / s).
int64_t phase_rows(const ConvGeometry &g) { return (g.out_height + g.stride[0] - 1) / g.stride[0]; }

// ... and columns: ceil(W_out / s).
int64_t phase_columns(const ConvGeometry &g) {
  return (g.out_width + g.stride[1] - 1) / g.stride[1];
}

// A kernel of one tap (1 x 1).
bool one_tap(const ConvGeometry &g) { return g.kernel_height * g.kernel_width == 1; }

// busy_share of a tile along phase columns (x tiles, wide x tiles, channel
// tiles along x), and of a tile along images.
double busy_along_x(const ConvGeometry &g, const XTile &tile) {
  return busy_share(phase_columns(g), tile.columns, g.out_channels, tile.channels);
}
double busy_along_images(const ConvGeometry &g, const ImageTile &tile) {
  return busy_share(g.batch, tile.images, g.out_channels, tile.channels);
}

// The fewest output channels of groups 1 that channel tiles take.
constexpr int64_t kChannelTilesFewestChannels = 16;

// Channel tiles need channels to fill them (16 to 32 deep); the schedules
// specialize them for groups 1 (any dilation). Grouped layers (a channel
// tile then spans groups, one input load per channel) take them only for
// rows of at most a quarter of the x tile, where an x tile leaves three
// lanes in four idle. (AMD EPYC, AVX2: random1_2 of the report,
// depthwise, 1 x 1 inputs, 1 column a phase row, 15 images: 0.105 ms in x
// tiles, 0.009 along images; random1_36, depthwise, 1 column, 3 images:
// 0.013 against 0.008 along x. Wider rows keep x tiles: random1_31,
// depthwise, 8 columns: 0.041 against 0.055 along x; random1_9, 11
// columns, 9 images: 1.04 against 3.09 along images.)
// Fewer output channels take a channel tile where more of its work lands
// on the output than of the x tile's (`busy`: the channel tile's busy_share).
bool channel_tiles_pay(const ConvGeometry &g, const XTile &x_tile, double busy) {
  if (g.groups == 1) {
    return g.out_channels >= kChannelTilesFewestChannels || busy > busy_along_x(g, x_tile);
  }
  return g.out_width / g.stride[1] * 4 <= x_tile.columns;
}

// x tiles across rows compute every tap at every phase row, the zero
// border's rows included (a row tile shares one reduction), where the
// other orders skip the taps that read outside the input; and their copy
// of the input spans every row those taps reach. The order applies only
// where that work stays within the work check's bound (a 512 x 512
// kernel at dilation 2 on an 8 x 8 input: 32 G multiply-adds for 17 M true
// ones), and the copy within 32-bit indexing and no larger than the rows'
// taps (a 1-row output whose 6 taps span 3.9 million rows once copied all
// of them).
int64_t across_rows_copy_rows(const ConvGeometry &g) {
  const int64_t reach = g.dilation[0] * (g.kernel_height - 1);
  return phase_rows(g) + (reach + g.stride[0] - 1) / g.stride[0] + 1;
}

bool across_rows_fit(const ConvGeometry &g) {
  const int64_t copy_rows = across_rows_copy_rows(g);
  return work_within_bound(g, WorkForm::kEveryPhaseRow) && input_copy_fits(g, copy_rows) &&
         copy_rows <= (phase_rows(g) + 1) * g.kernel_height;
}

// ... and it pays, for at most 3 output channels, while those rows cost
// less than the idle channels of the x tiles (H_in rows of taps, with
// C_out of x_tile.channels busy).
//
// And for depthwise layers in tall phase planes, of at least
// kAcrossRowsDepthwiseRows phase rows and two taps per phase along y:
// there the x tiles' channels each load their own input vector and take a
// broadcast of their own weight (18 loads per 12 FMAs with AVX2), where a
// tile of one channel's rows shares its weight (13). Short planes leave
// the row tiles too few (and the border rows too large a share); one tap
// per phase reuses no input row. AMD EPYC Zen 4, both cores, AVX2, 65
// depthwise layers of the random seeds 1 to 20, the zoo and shapes.json:
// of the 22 this takes, x tiles across rows ran 20 faster than the order
// the rules took before (random17_10, 134 x 134, 11 channels: 0.26 ms
// against 0.55 in x tiles; random6_38: 0.37 against 0.55), 2 slower
// (random15_45, k16 s8: 1.24x); the rules' plan went from 1.23x to 1.12x
// the fastest in geometric mean. On 64 or more rows 18 took it, all but one
// faster; from 32, 31, 6 slower (random7_40, 40 rows: 1.47x). Checked on
// the 47 depthwise layers of the seeds 21 to 40: of the 13 this takes, 10
// ran faster across rows than in the best other AVX2 order, by up to 1.59x,
// 3 slower, by up to 1.15x.
constexpr int64_t kAcrossRowsDepthwiseRows = 48;

bool across_rows_pay(const ConvGeometry &g, const XTile &x_tile) {
  const int64_t taps_y = (g.kernel_height + g.stride[0] - 1) / g.stride[0];
  const bool tall_depthwise =
      g.depthwise() && phase_rows(g) >= kAcrossRowsDepthwiseRows && taps_y >= 2;
  return across_rows_fit(g) &&
         ((g.out_channels <= 3 && phase_rows(g) * g.out_channels < g.in_height * x_tile.channels) ||
          tall_depthwise);
}

// A cost model of the x tiles' traffic from beyond L2 (its size read at run
// time), counting only what does not fit there. x tiles read one image's
// input once per channel block and phase; x tiles by row read every weight
// once per phase row. (unet_up4_k2, 78 MB of input per image, 11 blocks of
// 6 channels x 4 phases: 425 ms in x tiles, 289 by row; cyclegan_up2 84
// against 49 ms.
// pix2pix_unet_mid keeps x tiles: its 16.8 MB of weights would be read once
// for each of 16 rows.)
bool rows_read_less(const ConvGeometry &g, const XTile &x_tile) {
  const auto l2 = static_cast<double>(l2_cache_bytes());
  const int64_t out_per_group = g.out_channels / g.groups;
  // A channel block reads the input of the groups its channels fall in:
  // the whole image for groups 1, its own channels' planes for a depthwise
  // layer. (Taken on the whole image's size, x tiles by row ran 20 of the
  // 65 depthwise layers of the random seeds 1 to 20, slower than the faster
  // of x tiles and wide x tiles on 16, by up to 1.9x: random9_23, 466
  // channels, 48.4 ms against 25.8 in wide x tiles; AMD EPYC Zen 4, both
  // cores, AVX2.)
  const int64_t block_groups = std::min(
      g.groups, (x_tile.channels + out_per_group - 1) / std::max<int64_t>(out_per_group, 1));
  const int64_t block_input_channels = g.in_channels / g.groups * block_groups;
  const auto input = static_cast<double>(block_input_channels * g.in_height * g.in_width * 4);
  const auto weights =
      static_cast<double>(g.in_channels * out_per_group * g.kernel_height * g.kernel_width * 4);
  const int64_t blocks =
      (g.out_channels + x_tile.channels - 1) / std::max<int64_t>(x_tile.channels, 1);
  const int64_t phases =
      std::min(g.kernel_height, g.stride[0]) * std::min(g.kernel_width, g.stride[1]);
  const int64_t rows = phase_rows(g);
  // A set read again and again stays in L2 only within half of it: the
  // other streams (the output, the other operand) pass through too
  // (hifigan_up2, 1.6 MB of input against a 2 MB L2, ran 1.25x slower in x
  // tiles than by row; centernet_r18_deconv3, 2 MB per image, 41.7 ms in x
  // tiles against 39.1 by row; linknet_decoder1, 2 MB, in wide x tiles 1.53
  // against 1.29: both cores of an Intel Xeon, AVX-512).
  const double half_l2 = l2 / 2;
  if (rows == 1) {
    // One phase row (1-row audio layers): by row shares out the row's x
    // tiles, each running every channel block, so it reads the input once
    // per phase and one phase's weights per tile.
    const int64_t width = std::max<int64_t>(x_tile.columns, 1);
    const int64_t tiles = round_up(phase_columns(g), width) / width;
    const double by_block = input > half_l2 ? input * static_cast<double>(blocks * phases) : 0.0;
    const double by_row = weights / static_cast<double>(phases) > half_l2
                              ? weights * static_cast<double>(tiles)
                              : 0.0;
    return by_block > by_row;
  }
  // By row shares out only the rows of more than one: fewer than the cores
  // leave some idle.
  if (rows < cpu_cores()) return false;
  const double by_block = input > half_l2 ? input * static_cast<double>(blocks * phases) : 0.0;
  const double by_row = weights > half_l2 ? weights * static_cast<double>(rows) : 0.0;
  return by_block > by_row;
}

// The true multiply-adds per output value: C_in / groups times the taps
// that land on an output, on average (the length of a tile's reduction).
double multiply_adds_per_output(const ConvGeometry &g) {
  const int64_t outputs = saturating_numel({g.batch, g.out_channels, g.out_height, g.out_width});
  return static_cast<double>(g.multiply_adds()) /
         static_cast<double>(std::max<int64_t>(outputs, 1));
}

// Multiply-adds a tile along x computes per input channel and tap,
// counting the columns and channels its last tiles compute past the phase
// row and C_out (busy_along_x's denominator, in integers).
int64_t x_tile_work(const ConvGeometry &g, const XTile &tile) {
  return round_up(phase_columns(g), tile.columns) * round_up(g.out_channels, tile.channels);
}

// The wide x tiles where they compute at most three quarters of what the x
// tiles compute: of the phase columns (rows of 17 to 24 columns against
// AVX2's 16-column tiles: 24 against 32), or, given a reduction of at
// least kWideTilesFewestMultiplyAdds per output, of the columns and
// channels together (linknet_decoder1, 16 channels in rows of 256:
// AVX-512's x tiles of 13 channels compute 26, the wide tiles' 8 compute
// 16). On rows that fill both, the wide tile's fewer channels cost it some
// 10% (cpu_tiles.h), so the x tiles have to waste much more than that. By
// row or not as for the x tiles (rows_read_less, with the wide tile's
// channel blocks).
// The columns and channels together: AMD EPYC Zen 4, both cores,
// `layer_bench --plans`, of the layers of the random seeds 1 to 40, the zoo
// and shapes.json it moves, 12 in the AVX-512 kernel, 10 faster by over
// 10% (random39_28 9.4 ms against 6.1; linknet_decoder1 by row 1.61
// against 1.34), one slower (random34_13 by row, 3.5 against 4.1); 16 in
// the AVX2 kernel, 14 faster (random25_26 1.37 against 1.02), none slower
// by over 10% (random16_29 by row, 0.51 against 0.55). Without the bound
// on the reduction it also took 1 x 1 kernels of one input channel per
// group, 1.17 to 1.25x slower (random26_6, 8 groups, 2.5 ms against 3.1);
// and in place of the columns alone, rather than beside them, it lost 22
// of 50 layers by over 10% (random22_47, 3.2 ms against 5.1).
constexpr double kWideTilesFewestMultiplyAdds = 16;

bool wide_tiles_pay(const ConvGeometry &g, const KernelTiles &t) {
  const int64_t wide = t.wide_x_tile.columns;
  if (wide <= 0 || !x_blocks_fit(g, wide)) return false;
  const int64_t columns = phase_columns(g);
  return round_up(columns, wide) * 4 <= round_up(columns, t.x_tile.columns) * 3 ||
         (multiply_adds_per_output(g) >= kWideTilesFewestMultiplyAdds &&
          x_tile_work(g, t.wide_x_tile) * 4 <= x_tile_work(g, t.x_tile) * 3);
}

// Channel tiles along x for rows wide enough for the x tiles, where both x
// tiles (and the wide x tiles) leave much more of their work idle: a phase
// row a little past a whole number of x tiles (random1_46: 66 columns in
// AVX-512's tiles of 32 compute 96; the channel tiles' 8 compute 72), or
// output channels a little past a whole number of the x tiles' (63 in
// tiles of 12). A channel tile stores its columns' channels one plane
// apart, where an x tile stores whole vectors (stride 1), and parallelizes
// over fewer channel blocks; so it has to be busier by a margin
// (kChannelTilesBusierBy), and have a reduction of at least
// kChannelTilesFewestInputs input channels to amortize its stores over.
// Not where that reads the input once per channel block and phase from
// beyond L2 (rows_read_less, with the channel tile's blocks).
// AMD EPYC Zen 4, both cores, `layer_bench --plans`, of the layers of the
// random seeds 1 to 40, the zoo and shapes.json this takes: in the AVX-512
// kernel 16, 15 faster by over 10%, geometric mean 0.80x, and one 1.07x
// slower (stylegan2_up128 per group, 49.5 ms against 53.0); random1_46
// 13.3 ms against 9.0, random10_37 11.3 against 6.0, aspp_dgrad_d6 7.6
// against 6.3, hifigan_up1 5.2 against 4.4. In the AVX2 kernel 26, 22
// faster by over 10%, geometric mean 0.78x, one 1.15x slower (random7_17,
// 10.3 ms against 11.8); random34_11 1.07 against 0.35. Busier by 1.1 took
// grouped_s2 per group (x tiles busy 0.89: 1.7 ms against 2.8) and
// dilated_s1 (1.08x); from 16 input channels, fcn32s_upscore (21: 11.1 ms
// in wide x tiles against 21.4), and from 1, layers of 1 to 6 input
// channels up to 3.3x slower (random30_36, 1 channel: 3.8 against 12.7).
constexpr double kChannelTilesBusierBy = 1.15;
constexpr int64_t kChannelTilesFewestInputs = 32;

// The busier of the x tiles and the wide x tiles (busy_along_x).
double x_tiles_busy(const ConvGeometry &g, const KernelTiles &t) {
  return std::max(busy_along_x(g, t.x_tile), busy_along_x(g, t.wide_x_tile));
}

// Groups 1 of enough output and input channels for the channel tiles to
// weigh against the x tiles (kChannelTilesFewestChannels, ...Inputs).
bool channel_tiles_weigh(const ConvGeometry &g) {
  return g.groups == 1 && g.out_channels >= kChannelTilesFewestChannels &&
         g.in_channels >= kChannelTilesFewestInputs;
}

bool channel_tiles_busier(const ConvGeometry &g, const KernelTiles &t) {
  if (!channel_tiles_weigh(g)) return false;
  const XTile &along_x = t.channel_tiles.along_x;
  return busy_along_x(g, along_x) >= kChannelTilesBusierBy * x_tiles_busy(g, t) &&
         !rows_read_less(g, along_x);
}

// The share of channel tiles along x's products (phase columns x taps
// along x) that read inside the input. Their reduction keeps the zero
// border's columns, so that it vectorizes and unrolls along x, where the
// tiles along images skip the taps that read outside it: a tap's products
// land on every column of its phase, its true ones on the input columns
// ix with 0 <= ix s - p + k d < W_out.
double x_taps_kept(const ConvGeometry &g) {
  const int64_t s = g.stride[1];
  const int64_t p = g.padding[1];
  const int64_t d = g.dilation[1];
  auto floor_div = [](int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); };
  int64_t kept = 0;
  for (int64_t k = 0; k < g.kernel_width; ++k) {
    const int64_t first = std::max<int64_t>(0, -floor_div(k * d - p, s));
    const int64_t last = std::min(g.in_width - 1, floor_div(g.out_width - 1 + p - k * d, s));
    kept += std::max<int64_t>(0, last - first + 1);
  }
  return static_cast<double>(kept) /
         static_cast<double>(std::max<int64_t>(g.kernel_width * phase_columns(g), 1));
}

// Whether an image tile keeps more of its work on the output than the
// channel tiles along x by kChannelTilesBusierBy, counting along x's
// products that read inside the input (x_taps_kept): the two border rules
// below.
bool images_busier_than_border_columns(const ConvGeometry &g, const KernelTiles &t,
                                       const ImageTile &images) {
  return busy_along_images(g, images) >=
         kChannelTilesBusierBy * busy_along_x(g, t.channel_tiles.along_x) * x_taps_kept(g);
}

// Channel tiles along images (or more images) rather than along x, in a
// batch of 4 or more where the channel tiles pay over the x tiles
// (channel_tiles_busier): where the image tile is busier than along x,
// counting along x's products that read inside the input (x_taps_kept),
// by channel_tiles_busier's margin (the image tile stores through a row
// buffer; without the margin, busy shares within a few percent of each
// other moved 9 more layers of seeds 1 to 100, 5 of them slower in
// `layer_bench --plans`, up to 1.34x). Dilation or padding that puts much
// of the kernel's reach beyond the input leaves along x computing zeros.
// AMD EPYC Zen 3, AVX2, both cores, the rules' plan before and after
// alternated (8 runs of 9 calls, medians): random97_38 (k7 d3 p6 on 11 x
// 11, half of the products kept) 1.39 to 0.58 ms, random65_9 (k4 s2 d3)
// 19.0 to 13.3, random206_29 (k5 s2 d2) 17.9 to 11.9; on the seeds 101 to
// 200 (not looked at before), random145_47 (k7 s2 on 14 x 14) 3.84 to
// 2.82, random168_20 7.50 to 7.23.
bool border_taps_favour_images(const ConvGeometry &g, const KernelTiles &t,
                               const ImageTile &images) {
  return g.batch >= 4 && channel_tiles_busier(g, t) &&
         images_busier_than_border_columns(g, t, images);
}

// ... and rather than the x tiles, which compute the zero border's
// products too: in a batch of 4 or more, groups 1, a kernel of two or more
// taps, where the image tile's busy share beats the x tiles' (and the wide
// x tiles') counted on the products that read inside the input
// (x_taps_kept), by the same margin. AMD EPYC Zen 3, AVX2, both cores, the
// rules' plan before and after alternated (6 runs of 5 calls, medians),
// on the calls this moves among the layers of groups 1, 4 or more images,
// 16 or more output and 32 or more input channels: random seeds 1 to 100,
// 11 calls, 0.74x in geometric mean, one slower (random44_36, k2 s1 on 36
// x 36, 1.12x; random91_23 15.1 to 5.8 ms, random48_35, k7 s2 d3 on 18 x
// 18, 19.2 to 13.1); seeds 201 to 300, 19 calls, 0.80x, one slower
// (random251_37 1.06x; random207_29 of the report, k4 s2 d3, 16.5 to 12.8
// ms). One-tap kernels, which read no border, were mixed (7 calls, 4
// slower by up to 1.17x: random42_34, 1 x 1 on 25 x 25). No zoo or
// shapes.json layer moves.
bool border_taps_favour_images_over_x_tiles(const ConvGeometry &g, const KernelTiles &t,
                                            const ImageTile &images) {
  return g.batch >= 4 && !one_tap(g) && channel_tiles_weigh(g) &&
         busy_along_images(g, images) >=
             kChannelTilesBusierBy * x_tiles_busy(g, t) * x_taps_kept(g);
}

// Narrow rows (channel tiles along x) of 2 or more images short of the
// rules' earlier image-tile cases: along images where their busy
// share beats along x's, counted on the products that read inside the
// input (x_taps_kept), by the same margin. A tiny input leaves most of
// along x's taps on the zero border (random7_33, 3 images of 3 x 3, k4:
// half of them; random38_4, 2 images of 2 x 2, k7 d2 p4: a seventh).
// AMD EPYC Zen 3, AVX2, both cores, the rules' plan before and after
// alternated (`benchmarks/ab_layers.py`, 8 rounds of 5 calls, medians), on
// the calls this moves among the layers of narrow rows, fewer than 4 images
// and 16 or more output channels per group of the random seeds 1 to 40
// (272 layers, fitted on them): 35 calls, 0.83x in geometric mean, 25
// faster by over 10% (random7_33 11.5 to 7.9 ms, random38_4 6.6 to 5.9,
// random20_14 4.6 to 3.9), none slower by over 5%. On the seeds 41 to 80
// (239 layers, not used to fit it): 30 calls, 0.83x, 22 faster (random51_2
// 20.6 to 17.6 ms, random41_11 10.1 to 9.3), 2 slower (random62_12, 3
// input channels, 0.112 ms, 1.26x; random66_38 1.22x). Without the margin
// it moved 74 calls of the seeds 1 to 40, 14 slower (random21_9, 3 images
// of 9 x 9, busy 0.75 against 0.69: 1.31x); in one image (a quarter of
// the image tile) as many calls ran slower as faster. Grouped calls keep
// along x, as channel_tiles_pay measured them (random1_36, depthwise, 3
// images). No layer of shapes.json or the zoo changes plan. (AVX-512's
// 8-image tiles, where this also takes 4 to 7 images, not measured: this
// machine has no AVX-512.)
bool border_taps_favour_few_images(const ConvGeometry &g, const KernelTiles &t) {
  const ImageTile &images = t.channel_tiles.along_images;
  return g.groups == 1 && g.batch >= 2 && narrow_rows(g, t.x_tile) &&
         channel_tiles_pay(g, t.x_tile, busy_along_images(g, images)) &&
         images_busier_than_border_columns(g, t, images);
}

constexpr int64_t kManyTapsPerPhase = 3;

// Whether an axis's phases each hold 3 or more taps, s apart in the kernel
// (no gcd of stride and dilation above 1: that joins every tap into fewer
// phases, a case measured apart, below).
bool many_taps_per_phase(int64_t kernel, int64_t stride, int64_t dilation) {
  return stride > 1 && convt_phase::phase_constants(stride, dilation).gcd == 1 &&
         (kernel + stride - 1) / stride >= kManyTapsPerPhase;
}

// Channel tiles along x for few input channels and many taps a phase, in
// rows wide enough for the x tiles. Found where the x tiles kept their
// accumulators in registers only across one tap's input channels, storing
// and reloading them around each tap (profiled, random50_20, 2 input
// channels, k7 s2: 26 vector stores a tap with AVX-512, some 30% of the
// samples; 12 with AVX2), which the x tiles' schedule no longer does
// (schedule_cpu.cpp, x_tile_in_registers). Most of the gain went with
// that: since, the rules' plan with and without this rule alternated (6
// runs of 5 calls, medians) on the calls it moves among the seeds 1 to
// 100, without it 1.06x in geometric mean (24 calls, default ISA; 9 faster
// by over 3%, 13 slower) and 1.02x (35, AVX2; 17 and 17), so it stays,
// a small gain on the whole and mixed layer by layer. Fitted on the layers
// of groups 1, at most 16 input and 32 or more output channels and rows of
// 32 or more phase columns among the random seeds 1 to 50 (AMD EPYC Zen 4,
// both cores, `layer_bench --plans`), then the rules' plan before and
// after alternated (6 runs of 5 calls, medians) on the calls the variants
// move among the seeds 1 to 50: 3 or more taps a phase along both axes
// (kernels of 5 and 7 at stride 2) and at most 8 input channels, 16 calls
// at the default ISA (AVX-512) 0.74x in geometric mean, 1 slower by over
// 3% (random8_40 1.17x), and 21 with AVX2 0.77x, 1 slower (1.07x); up to
// 16 input channels, AVX2 0.82x with 4 slower (up to 1.10x); phases joined
// by a gcd (k3 s2 d2), AVX2 up to 1.7x slower (random69_25). At 2 taps
// (kernels of 3 and 4) the two orders were mixed. The seeds 51 to 100 (not
// fitted): 8 calls at the default ISA, 0.76x, 6 faster by over 10%
// (random78_18 15.4 to 8.2 ms), 2 slower (random65_44 1.25x, random87_24
// 1.08x); 14 with AVX2, 0.83x, 9 faster, 3 slower (up to 1.16x).
constexpr int64_t kFewInputsMostChannels = 8;

bool few_inputs_many_taps(const ConvGeometry &g, const KernelTiles & /*tiles*/) {
  return g.groups == 1 && g.in_channels <= kFewInputsMostChannels &&
         g.out_channels >= kChannelTilesFewestChannels * 2 &&
         many_taps_per_phase(g.kernel_width, g.stride[1], g.dilation[1]) &&
         many_taps_per_phase(g.kernel_height, g.stride[0], g.dilation[0]);
}

// The wide x tiles by row and the x tiles by row, where the rules take
// them (kOrderRules): their tiles apply, and by row reads less from beyond
// L2 (rows_read_less).
bool wide_tiles_by_row_pay(const ConvGeometry &g, const KernelTiles &t) {
  return wide_tiles_pay(g, t) && rows_read_less(g, t.wide_x_tile);
}
bool x_tiles_by_row_pay(const ConvGeometry &g, const KernelTiles &t) {
  return x_blocks_fit(g, t.x_tile.columns) && rows_read_less(g, t.x_tile);
}

// Channel tiles along x for a 1-row output (audio layers) of 16 or more
// channels at a stride along x above 1 that the x tiles or wide x tiles
// would run phase by phase (not by row, which the rules below take where
// the x tiles' input outgrows L2): on one row the channel tiles ran faster
// on nearly every such layer. AMD EPYC Zen 4, both cores, `layer_bench
// --plans` on the 1-row layers of the random seeds 1 to 100 and the zoo;
// then the rules' plan before and after alternated (8 runs of 9 calls,
// medians) on the calls this moves: there, 33 at the default ISA 0.73x in
// geometric mean, 3 slower by over 3% (random51_28, 0.030 ms, 1.37x), and
// 42 with AVX2 0.69x, 2 slower (up to 1.36x); hifigan_up1 5.42 to 4.55 ms
// (AVX2 5.71 to 5.27), melgan_up1 0.95x (AVX2 1.02x). On the seeds 101 to
// 200 (not looked at before): 23 calls 0.75x, 20 faster by over 10%, 1
// slower (random118_31 1.13x); with AVX2 39 calls 0.64x, 35 faster, 1
// slower (1.05x). At stride 1 and for fewer channels the two were mixed.
bool one_row_channel_tiles_pay(const ConvGeometry &g, const KernelTiles &t) {
  return g.groups == 1 && g.out_height == 1 && g.stride[1] > 1 &&
         g.out_channels >= kChannelTilesFewestChannels && !wide_tiles_by_row_pay(g, t) &&
         !x_tiles_by_row_pay(g, t);
}

// The largest share of its work that lands on the output among the phase
// orders' tiles for a layer of groups 1: x tiles, wide x tiles, and channel
// tiles (along x; along images and more images for a batch of 4 or more).
// At most 3 output channels take tiles of one channel (across images or
// rows), which idle on none.
double phase_tiles_busy(const ConvGeometry &g, const KernelTiles &t) {
  if (g.out_channels <= 3) return 1.0;
  const ChannelTiles &ct = t.channel_tiles;
  double busy = std::max(
      {busy_along_x(g, t.x_tile), busy_along_x(g, t.wide_x_tile), busy_along_x(g, ct.along_x)});
  if (g.batch >= 4) {
    busy = std::max(
        {busy, busy_along_images(g, ct.along_images), busy_along_images(g, ct.along_more_images)});
  }
  return busy;
}

// The columns order's workspace: a float per (input pixel, column) of every
// group. Plans take the order only up to kMaxColumnsBytes (its
// column adds cost more than the phase orders' work long before that).
int64_t columns_bytes(const ConvGeometry &g) {
  return saturating_numel(
      {g.batch, g.in_height, g.in_width, g.kernel_height, g.kernel_width, g.out_channels, 4});
}
constexpr int64_t kMaxColumnsBytes = int64_t{1} << 28;

// The columns order's GEMM needs input channels to amortize its column
// adds (one add per column value, against one FMA per input channel), and
// pays where the phase orders' tiles idle: an image's whole input narrower
// than an x tile, and fewer output channels than the channel tiles need
// (the x tiles then idle on columns, and the channel tiles do not apply).
// (AMD EPYC, AVX2: random1_4 of the report, 3 x 3 inputs, 627 to 3
// channels, 0.54 ms in the best phase order against 0.16 in columns;
// random1_6, 1 x 1 inputs, 25 to 1, 0.10 against 0.032; vae_mnist_dec2,
// 14 x 14 inputs, 32 to 1, 1.9 against 4.8, stays in phase orders. With 6
// to 15 output channels the rules took x tiles, 1.4 to 22 times the
// columns' time on all 7 such layers of the random seeds 1 to 3 (Zen 2
// EPYC, both cores, `layer_bench --plans`): random3_24, 24 1 x 1 inputs,
// 851 to 15, 1.32 against 0.059 ms; random3_29, 2 x 2 inputs, 961 to 11,
// 3.33 against 0.29; random1_44, 1 x 2 inputs, 85 to 11, 0.043 against
// 0.010.) So does a call of at most x_tile.channels / 2 input pixels in
// all, whatever its output channels: the direct GEMM's one tile of every
// pixel reads each weight once with every accumulator busy, where the
// phase orders' tiles idle on the few pixels (dcgan_g_first_b1, one 1 x 1
// input, 100 to 512 channels: 0.20 ms in columns, 0.55 in the best phase
// order, 0.77 in the one the rules took). Up to x_tile.channels pixels
// (the direct GEMM's most), it pays where the cost model below says so:
// with full image tiles (5 to 12 images of 1 x 1 inputs, 100 to 512
// channels) the phase orders run 1.1 to 2.1x faster; from 2 x 2 inputs
// (pix2pix_unet_up2x2, 4 pixels, 2-column phase rows) the GEMM ran 2.1x
// faster than the best phase order (AMD EPYC Zen 4, both cores).
//
// Beyond those, for fewer output channels than the channel tiles take: a
// cost model. The GEMM keeps its tiles busy (its vectors run along
// C_out x taps), and pays for one column add per column value, some
// kColumnAddMultiplyAdds multiply-adds' time; the phase orders pay their
// tiles' idle work (phase_tiles_busy). Per column value the GEMM does
// C_in / groups multiply-adds, so it pays where
// C_in / groups x (1 / busy - 1) > kColumnAddMultiplyAdds. (AMD EPYC Zen 4,
// both cores, `layer_bench --plans`: with 4 output channels in rows of 12
// of 16 columns, busy 0.5, columns lost 1.9x at 16 input channels and won
// 1.6x at 64; with 9 in rows of 20 of 24, busy 0.63, lost 1.9x at 16 and
// tied at 32. random3_31, 47 to 4, busy 0.42: 0.14 ms against 0.25;
// random3_8, 454 to 7, busy 0.57: 11.1 against 13.9; enet_final, 16 to 12,
// busy 0.94, stays in x tiles, 2.1 ms against 9.8 in columns. It misses
// random1_5, 96 to 10, busy 0.70: 4.9 ms against 4.3.)
constexpr double kColumnAddMultiplyAdds = 32;

// At most 3 output channels, where the phase orders' tiles hold one to
// three channels (x tiles across images or rows): each input vector they
// load feeds only C_out multiply-adds, and their reduction walks C_in input
// planes, while the GEMM loads a weight vector per pixel broadcast and
// adds each column value once per C_in multiply-adds. The same holds per
// group (the x tiles' channels then span groups, each reading its own
// group's input). The GEMM pays from
// kColumnsInputsPerOutput input channels per output channel (per group),
// given at least two columns (taps x C_out; a GEMM of one column runs
// scalar). AMD EPYC Zen 4, both cores, `layer_bench --plans --order 3
// --order 5 --order 6`, the best phase order against the best columns plan
// on the 61 layers of at most 3 output channels and 16 or more input
// channels per group (0.01 GFLOP or more) among the random seeds 1 to 40,
// the zoo and shapes.json: of the 45 this takes, columns ran 1.08 to 7.0x
// faster on 44 (random6_15, 785 to 1, k8 s8: 9.1 ms against 52.6 in x tiles
// across rows, the rules' order before; random1_19, 630 to 3: 7.7 against
// 17.6) and 1.25x slower on random19_22 (73 to 1); of the other 16, the
// phase orders won 10 (dcgan_g_last, 64 to 3: 3.4 against 6.9; random35_31,
// 148 to 1, one column: 44 against 75), columns 6 by at most 1.46x
// (random36_24, 975 to 1, one column). Groups of at most 3 output
// channels, more in all (seeds 1 to 60): random9_48, 4 groups of 112 to 1,
// 1.9 ms against 6.0 in the x tiles by row the rules took; random8_10, 4
// groups of 76 to 1, 11.1 against 21.4.
constexpr int64_t kColumnsInputsPerOutput = 48;

// The cost model above: the column adds cost less than the phase tiles'
// idle work beyond the GEMM's time per multiply-add (`gemm_cost`, in units
// of a full phase tile's).
bool column_adds_pay(const ConvGeometry &g, const KernelTiles &t, double gemm_cost) {
  const int64_t in_per_group = g.in_channels / g.groups;  // (exact: groups divide C_in)
  return static_cast<double>(in_per_group) * (1.0 / phase_tiles_busy(g, t) - gemm_cost) >
         kColumnAddMultiplyAdds;
}

// With few output channels the GEMM's strips (C_out x taps) keep its tiles
// busy, and the model counts them full.
bool idle_tiles_pay_for_columns(const ConvGeometry &g, const KernelTiles &t) {
  return column_adds_pay(g, t, 1.0);
}

// The share of the GEMM's blocked tile (x_tile.channels pixels by
// x_tile.columns columns) that lands on the columns: its last tiles
// compute past the pixels and the columns.
double columns_busy(const ConvGeometry &g, const XTile &x_tile) {
  const int64_t pixels = g.batch * g.in_height * g.in_width;
  return busy_share(g.columns_per_group(), x_tile.columns, pixels, x_tile.channels);
}

// Enough output channels for the channel tiles, on an input smaller than
// an x tile (as measured; larger ones keep the phase orders): the same
// model, where the GEMM also pays for its own idle tiles (columns_busy) and
// runs kGemmSlowerBy times a channel tile's time per multiply-add. Tiny
// inputs leave the channel tiles idle on phase columns (random14_42 of the
// report, a 4 x 4 input of 256 to 33 channels, k4 s4: 4 columns of 8 by 33
// channels of 64) or on images (random17_3, 28 images of 898 to 34: 28 of
// 32 by 34 of 64), where the GEMM's strips run along taps x C_out. Where
// both keep their tiles equally busy, the GEMM ran 1.05 to 1.3 times the
// channel tiles' time at AVX-512 (random9_9, 144 pixels of 783 to 291
// channels, k3: 3.0 against 2.4 ms; random22_13 17.0 against 15.6;
// random26_20 0.88 against 0.84) and up to 2x at AVX2.
//
// Intel Xeon family 6 model 167, both cores, `layer_bench` (the rules'
// plan), before and after, alternated, medians of 6 runs, on the layers of
// under 32 input pixels and 16 or more input and output channels per group
// among the random seeds 1 to 30 (177 layers; fitted on them, with
// `--plans`): 18 calls changed at the default ISA, 0.68x in geometric mean,
// 15 faster by over 10% (random14_42 0.247 to 0.065 ms, random17_3 4.6 to
// 1.8, random2_6 0.130 to 0.072), 3 slower (random16_12, 99 to 151
// channels, serial, 0.043 to 0.077; random22_30 8.7 to 10.7; random9_11
// 0.34 to 0.37); 6 changed with AVX2, 0.81x, 1 slower (random22_36 42 to
// 63). On the seeds 31 to 60 (168 layers, not used to fit it): 14 changed,
// 0.71x, 2 slower (random44_40 0.041 to 0.081, random45_42 0.62 to 0.83);
// with AVX2, 11 changed, 0.55x, 1 slower (random51_40 0.73 to 0.99). No
// layer of shapes.json or the zoo changes plan.
constexpr double kGemmSlowerBy = 1.25;

// ... given kColumnsFewestInputs input channels per group: the GEMM's
// other costs per column value (its col2im pass, one tap at a time at the
// padding's input columns, which are most of a tiny input's) weigh on
// fewer multiply-adds. Under 64 the model's choice ran slower on 5 of 6
// such calls of the seeds 1 to 30, all serial (random6_25, 24 input
// channels, padding 1: 0.013 ms in channel tiles against 0.033 in columns;
// random3_1, 38: 0.021 against 0.041).
constexpr int64_t kColumnsFewestInputs = 64;

bool idle_channel_tiles_pay_for_columns(const ConvGeometry &g, const KernelTiles &t) {
  return g.out_channels / g.groups >= kChannelTilesFewestChannels &&
         g.in_channels / g.groups >= kColumnsFewestInputs &&
         g.in_height * g.in_width < t.x_tile.columns &&
         column_adds_pay(g, t, kGemmSlowerBy / columns_busy(g, t.x_tile));
}

// Deep and narrow: from kColumnsDeepInputs input channels to fewer than
// kColumnsNarrowOutputs output channels per group, the GEMM, whose
// reduction runs in blocks of columns_channel_block input channels, beat
// the phase orders, whose tiles each walk every input channel and tap of
// their phase. AMD EPYC Zen 4, both cores, `layer_bench --plans --order 5`,
// the rules' plan against the faster columns plan: of the 63 layers of 256
// or more input and 16 to 63 output channels per group among the random
// seeds 21 to 60 (fitted on the seeds 1 to 20), columns ran faster on 60
// (random54_21, 1020 to 31 channels: 8.2x; random40_9, 614 to 32: 3.2x;
// random53_35, 774 to 32 on 15552 pixels: 2.0x), 0.97x on random47_41 and
// 0.81x on random43_3 (532 to 33, 26 pixels). keypointrcnn_logits, 512 to
// 17: 11.0 ms against 13.9 (Intel Xeon: 9.0 against 13.1). From 64 output
// channels the phase orders win (pix2pix_unet_up64, 256 to 64: 10.2 ms
// against 13.3 in columns; dcgan_g2, 256 to 128), and under 256 input
// channels they won about as often as they lost (random20_25, 130 to 45:
// 12.5 ms against 17.4; random4_49, 124 to 18: 0.94 against 0.76). One
// column runs fast enough at these depths (random36_24, 975 to 1, k1: 0.47x).
// Where padding crops more than half of the columns' outputs (the GEMM
// computes them, the phase orders skip them), the phase orders keep the
// call (random45_42, a 2 x 2 input of 777 to 48 channels, k4 d3 padding 3,
// a fifth of its products kept: 0.49 ms in channel tiles along images
// against 1.08 in columns, AVX2).
constexpr int64_t kColumnsDeepInputs = 256;
constexpr int64_t kColumnsNarrowOutputs = 64;

// The share of the columns' values that land on the output: padding crops
// p of each edge off the columns' reach.
double columns_kept(const ConvGeometry &g) {
  auto kept = [](int64_t out, int64_t padding) {
    return static_cast<double>(out) / static_cast<double>(out + 2 * padding);
  };
  return kept(g.out_height, g.padding[0]) * kept(g.out_width, g.padding[1]);
}

// At most one GEMM tile of pixels (x_tile.channels) of groups 1 and
// kColumnsFewestInputs or more input channels, whose columns fill an x
// tile's width: the few pixels' GEMM (convt_tiles::columns_few_pixels)
// runs them in one pass over the weights, where the channel tiles, which
// the rules took for such batches, read each weight once per image tile
// and tap and leave most of a tile's positions idle. AMD EPYC Zen 3 (AVX2:
// 6 pixels), both cores, `layer_bench --plans`, the layers of 4 to 6 input
// pixels, groups 1 and 64 or more input channels among the random seeds 1
// to 400 that the rules ran in other orders (45): columns ran faster on
// 43, 0.45x the time in geometric mean (random207_28, 4 images of 1 x 1,
// 480 to 665 channels, k1x2 s1x2: 0.64 ms in channel tiles along images,
// 0.18 in columns; random271_44, 6 images of 1116 to 573, k1x2: 1.46
// against 0.32), slower on random108_1 (1.07x) and random63_1 (1.03x).
// Under 64 input channels 30 of 69 ran slower (random106_18, 17 to 101
// channels: 2.6x), and 7 to 12 pixels (two AVX2 tiles) were mixed (of 91
// 1-row layers, 12 slower by up to 1.6x: random186_47, 7 images of 1012 to
// 762). The rules' plan before and after, alternated (6 runs of 5 calls,
// medians): those 45, 0.51x in geometric mean (the 4 read over 5% slower
// read 0.82x to 0.98x in a rerun of 10 runs); the 41 this moves among the
// seeds 401 to 800 (not looked at before), 0.48x, none slower by over 5%
// (random732_49 0.89 to 0.17 ms). No zoo or shapes.json layer moves.
// AVX-512's tile holds 13 pixels: not measured there.
bool one_pass_columns_pay(const ConvGeometry &g, const KernelTiles &t) {
  const int64_t pixels = g.batch * g.in_height * g.in_width;
  return g.groups == 1 && g.in_channels >= kColumnsFewestInputs && pixels <= t.x_tile.channels &&
         g.columns_per_group() >= t.x_tile.columns;
}

// At most 3 output channels per group from a kernel of two or more taps
// and at least kColumnAddMultiplyAdds input channels per group (the
// GEMM's multiply-adds per column value at least a column add's cost),
// whose columns (the GEMM's output, which the column adds read back) fit
// in one core's L2 (its size read at run time): the GEMM's strips of taps
// x C_out keep its vectors busy, where the phase orders' tiles of one to
// three channels load an input vector per C_out multiply-adds; past L2,
// the column adds read the columns from memory. AMD EPYC Zen 3 (L2 512
// KB), both cores, `layer_bench --plans --order 5`, the 393 layers of 1 to
// 3 output channels per group from 16 to under 48 input channels per
// output channel (deep_few_outputs takes the rest) among the random seeds
// 1 to 200 that the rules ran in other orders, by the columns' bytes: up
// to 512 KB, columns ran 0.48x the rules' time in geometric mean (127
// layers), 10 slower by over 5%, all under 0.21 ms; from 512 KB to 4 MB
// 0.72x with 8 of 51 slower, past 4 MB 1.10x with 21 of 41 slower;
// one-tap kernels, with no phase work to save, 0.88x with 12 of 26 slower
// (random166_20, 1 x 1: 1.8x). The rules' plan before and after,
// alternated (6 runs of 5 calls, medians), on the 130 layers that taking
// every such layer of 16 or more input channels moved among the seeds 201
// to 400: 0.52x, but 15 slower by over 5%, 14 of them of 16 to 28 input
// channels (random359_43, 16 to 2 channels, k7: 0.092 to 0.196 ms); from
// 32 input channels, 67 moved, 0.38x, one slower (random377_14, 35 to 2,
// k1x4 on 1 x 107 rows: 1.37x); the seeds 1 to 200 read the same (63
// moved, 2 slower). On the seeds 401 to 600 (not looked at before): 57
// moved, 0.43x, none slower by over 5% (random542_46 0.171 to 0.019 ms).
// No zoo or shapes.json layer moves.
bool few_outputs_cached_columns_pay(const ConvGeometry &g) {
  const int64_t in_per_group = g.in_channels / g.groups;
  return g.out_channels / g.groups <= 3 && !one_tap(g) &&
         static_cast<double>(in_per_group) >= kColumnAddMultiplyAdds &&
         columns_bytes(g) <= l2_cache_bytes();
}

bool columns_pay(const ConvGeometry &g, const KernelTiles &t) {
  const int64_t in_per_group = g.in_channels / g.groups;
  const int64_t out_per_group = g.out_channels / g.groups;
  const bool deep_few_outputs = out_per_group <= 3 &&
                                in_per_group >= kColumnsInputsPerOutput * out_per_group &&
                                g.columns_per_group() >= 2;
  const bool deep_narrow = in_per_group >= kColumnsDeepInputs &&
                           out_per_group < kColumnsNarrowOutputs && columns_kept(g) >= 0.5;
  const bool few_channels = out_per_group < kChannelTilesFewestChannels;
  const bool tiny_input = g.in_height * g.in_width < t.x_tile.columns && few_channels;
  const int64_t pixels = g.batch * g.in_height * g.in_width;
  const bool idle_pays = idle_tiles_pay_for_columns(g, t);
  const bool few_pixels =
      pixels * 2 <= t.x_tile.channels || (pixels <= t.x_tile.channels && idle_pays);
  const bool phase_tiles_idle = few_channels ? idle_pays : idle_channel_tiles_pay_for_columns(g, t);
  return in_per_group >= 16 &&
         (tiny_input || few_pixels || phase_tiles_idle || deep_few_outputs || deep_narrow ||
          one_pass_columns_pay(g, t) || few_outputs_cached_columns_pay(g)) &&
         columns_bytes(g) <= kMaxColumnsBytes;
}

// Multiply-adds a channel tile along images computes per pixel and tap,
// counting the images and channels its last tiles compute past N and C_out.
int64_t image_tile_work(const ConvGeometry &g, const ImageTile &t) {
  return round_up(g.batch, t.images) * round_up(g.out_channels, t.channels);
}

// A batch that does not fill order 2's image tile takes it only where
// order 1's tiles would leave at least as large a share of their columns
// idle (a half-empty image tile does twice its work; order 2 also skips
// the taps that read the zero border's columns). Both cores of an Intel
// Xeon, AVX-512 (8-image tiles, 8-column tiles along x), orders 1 and 2
// alternated: biggan_up, 4 images in rows of 16 columns, 29.4 ms along x
// against 53.4 along images; simplebaseline_r50 in 4 images, rows of 6 of
// 8 columns, 34.4 against 43.1; resnet50_dgrad_3x3 in 4 images, 7.1
// against 11.1; dcgan_g2 in 7 images, 3.6 against 3.8; while dcgan_g_mid
// in 4 images, rows of 4 of 8 columns, 5.3 against 4.5, and dcgan_g_first
// in 5 images, 0.89 against 0.63, stay along images.
bool image_tile_fills(const ConvGeometry &g, const ChannelTiles &tiles) {
  const int64_t images = tiles.along_images.images;
  if (g.batch >= images || tiles.along_x.columns == 0) return true;
  return idle_share(phase_columns(g), tiles.along_x.columns) >= idle_share(g.batch, images);
}

// Order 7's taller tile (more images, fewer channels) where it leaves less
// of its work idle than order 2's: the two run at the same speed on the
// work they keep (AMD EPYC, AVX2, both cores, order 2 alternated with
// order 7: dcgan_g_mid, the same idle work in both, 27.1 against 27.8 ms;
// dcgan_g2, 144 of 128 channels in order 2, 39.2 against 32.3;
// vae_mnist_dec1, 48 of 32, 6.5 against 4.9; resnet50_dgrad_3x3, 36 of 32
// images in order 7, 54.5 against 63.0; random1_15, 12 of 7, 1.03 against
// 1.54).
bool more_images_pay(const ConvGeometry &g, const ChannelTiles &tiles) {
  const ImageTile &more = tiles.along_more_images;
  return more.images > 0 && g.batch >= more.images &&
         image_tile_work(g, more) <= image_tile_work(g, tiles.along_images);
}

// Whether interleaved x tiles compute `g` (tile_order.h): one tap per
// output, a stride along x of 2 or 4, a padding along x of whole strides.
bool interleaved_x_tiles_apply(const ConvGeometry &g) {
  return convt_order::interleaved_x_tiles_apply(g.kernel_width, g.kernel_height, g.stride[1],
                                                g.stride[0], g.padding[1], g.dilation[1],
                                                g.dilation[0]);
}

// Interleaved x tiles where they apply and their last tile in a row leaves
// at most a quarter of their output columns idle (as for the wide x
// tiles): they are the x tiles' register tile over output columns, with
// whole vectors stored, and they tile output rows whose phase rows are
// narrow (maskrcnn_mask_head: rows of 28 columns, 14 a phase, which took
// channel tiles along images). AMD EPYC family 25 model 17, both cores,
// `layer_bench --plans`, two runs, against the faster flavour of x tiles
// by row in each run: maskrcnn_mask_head 67.5 and 70.8 ms (AVX2; AVX-512
// 72.0 and 68.7) against 71.3 and 68.7 (and 79.8 in the channel tiles the
// rules took); unet_up4_k2 61.3 and 61.8 (AVX2) against 65.9 and 63.4;
// unet_up1_k2 52.4 and 58.5 (AVX-512) against 53.7 and 58.5.
//
// Interleaved x tiles for kernels wider than the stride (ceil(k_w / s_x)
// taps per input column, the taps past the kernel zero weights, each
// output row its own tap rows, the tiles laid on x + p_x) were built and
// lost to the x tiles everywhere measured, so the order keeps one tap
// per output. AVX2, the same machine, `layer_bench --plans`, medians of
// 10 calls: linknet_decoder1 (16 channels, k3 s2) 2.27 ms against 1.38;
// 16 channels k4 s2 p1 on 128 x 256, 2.31 against 1.93 (wide x tiles);
// 256 channels on 64 x 64, k4 s2 p1 62.9 against 41.0, k3 s2 p1 48.8
// against 24.2. A kernel of 3 computes 4 taps per column pair; each
// output row copies every tap row's input; and a padding that is not a
// multiple of the tile width leaves each row's first tile predicated,
// whose sums Halide then computes in a loop over memory accumulators.
//
// Interleaved x tiles' threads share the output rows of every image alone
// (generators/schedule_cpu.cpp), so rows too few for the cores, or whose
// last round leaves more than a quarter of them idle, leave cores idle
// throughout: a 1-row layer of one image (audio) ran on one core. AMD EPYC
// Zen 3, both cores, AVX2, `layer_bench --plans`, medians of 3 runs of 3
// calls, 1-row layers of one image, k = s = 4, 3200 columns, 192 to 192
// channels: 17.4 ms interleaved against 7.1 in x tiles; k = s = 2, 1600
// columns, 384 to 192: 8.1 against 3.8 in wide x tiles by row. The rules'
// plan before and after, alternated (6 runs of 5 calls, medians): of the
// random seeds 1 to 1200, 3 calls move (random560_41 3.38 to 1.97 ms;
// random352_5, 0.17 ms, 0.98x on a rerun); of 14 more 1-row layers of k = s
// drawn at random (16 to 768 channels, 16 to 6400 columns), the 11 it moves
// 0.29x to 0.81x (88.7 to 26.1 ms at the most), none slower. (A call small
// enough to run serially has no idle cores to count.)
bool runs_serially(const ConvGeometry &g, int32_t order);

bool interleaved_rows_fill_cores(const ConvGeometry &g) {
  return runs_serially(g, convt_order::kInterleavedXTiles) ||
         idle_share(saturating_numel({g.batch, g.out_height}), cpu_cores()) <= 0.25;
}

bool interleaved_pays(const ConvGeometry &g, const KernelTiles &t) {
  return interleaved_x_tiles_apply(g) && idle_share(g.out_width, t.x_tile.columns) <= 0.25 &&
         interleaved_rows_fill_cores(g);
}

// Channel tiles by row (orders 11 to 13, tile_order.h): each output row
// runs every phase before the next, so a row's x phases meet its output
// lines while they are in L2; phase by phase, each x phase fetched them
// again once a channel block's output outgrew L2. By row, a block's weights
// of every phase are read once per row, so the order pays only while they
// stay in L2 (as for rows_read_less, half of it for each). Intel Xeon
// family 6 model 167, both cores, AVX-512, alternated with every phase
// outside the rows, medians of 4 to 6 (output and weights per block of 32
// channels): dcgan_g3 (8 MB, 0.25 MB) 18.0 to 16.6 ms, resnet18_dgrad_s2
// (12 MB, 0.14 MB) 19.7 to 17.8, vae_mnist_dec1 1.68 to 1.53,
// stylegan2_up128 per group 43.6 to 37.7; simplebaseline_r50 (0.19 MB, 4 MB)
// 20.0 to 22.3 and pix2pix_unet_mid (0.12 MB, 2 MB) 8.9 to 10.2, which keep
// their phases outside.
bool channel_rows_first_pay(const ConvGeometry &g, int64_t tile_channels) {
  if (g.stride[1] < 2) return false;  // one x phase: no output line to share
  const double half_l2 = static_cast<double>(l2_cache_bytes()) / 2;
  const auto channels = static_cast<double>(std::min(tile_channels, g.out_channels / g.groups));
  const double block_output =
      4.0 * static_cast<double>(g.batch * g.out_height * g.out_width) * channels;
  const int64_t weights_per_channel = g.in_channels / g.groups * g.kernel_height * g.kernel_width;
  const double block_weights = 4.0 * static_cast<double>(weights_per_channel) * channels;
  return block_output > half_l2 && block_weights <= half_l2;
}

// The output channels of a channel tile of `order` (or of the order whose
// tiles it runs by row); 0 for an order without channel tiles.
int64_t channel_tile_channels(int32_t order, const ChannelTiles &tiles) {
  switch (convt_order::channel_tiles_base(order)) {
    case convt_order::kChannelTilesAlongX:
      return tiles.along_x.channels;
    case convt_order::kChannelTilesAlongImages:
      return tiles.along_images.channels;
    case convt_order::kChannelTilesAlongMoreImages:
      return tiles.along_more_images.channels;
    default:
      return 0;
  }
}

int32_t by_row_where_it_pays(const ConvGeometry &g, int32_t order, const KernelTiles &t) {
  const int64_t tile_channels = channel_tile_channels(order, t.channel_tiles);
  if (tile_channels == 0) return order;
  return channel_rows_first_pay(g, tile_channels) ? convt_order::channel_tiles_by_row(order)
                                                  : order;
}

// Whether the batch fills an image tile of x tiles across images, and the
// tile keeps its input in half of L2 (its size read at run time) while
// each of its channel blocks rereads it.
bool image_tiles_fit(const ConvGeometry &g, const XImageTile &tile) {
  if (tile.images <= 0 || g.batch < tile.images) return false;
  const double tile_input = 4.0 * static_cast<double>(tile.images * g.in_channels) *
                            static_cast<double>(g.in_height * g.in_width);
  return tile_input <= static_cast<double>(l2_cache_bytes()) / 2;
}

// Groups of one input channel each (depthwise layers, and grouped layers of
// more outputs than groups).
bool one_input_channel_groups(const ConvGeometry &g) {
  return g.groups > 1 && g.in_channels / g.groups == 1;
}

// x tiles across images for groups of one input channel and at most 3
// output channels (depthwise layers) of narrow rows (fewer phase columns
// than the x tile) in batches that fill the tile's images, where an image
// tile's input stays within half of L2 (its size read at run time): the
// tile's images share each weight broadcast, where the x tiles' channels
// each load their own group's input and weight and leave columns idle; and
// every channel block of an image tile rereads that input. Fitted on the
// 342 depthwise layers of 2 or more images among the random seeds 1 to 50
// (AMD EPYC Zen 4, both cores, `layer_bench --plans --order 3 --order 6`):
// of the 44 this takes, all in x tiles or wide x tiles before, x tiles
// across images beat the rules' plan by 2.4x in geometric mean, lost on 2
// (random1_9, 9 x 9, k7 s2: 1.17x). Wider rows lost up to 1.9x on fresh
// layers (random57_12, 17 phase columns), inputs past L2 up to 1.6x
// (random25_15, 5 images of 150 channels of 41 x 41), and 1 x 1 inputs,
// which the channel tiles' rules (first) take, up to 3x. The rules' plan
// before and after, alternated (6 runs of 5 calls, medians), on the 57
// layers this moves among the seeds 51 to 100: 0.48x in geometric mean,
// 54 faster by over 10% (random62_33 0.94 to 0.22 ms, random54_33 0.55 to
// 0.13), 3 slower by over 3% (random79_46 1.14x, random100_40 1.08x).
bool depthwise_across_images_pay(const ConvGeometry &g, const KernelTiles &t) {
  return one_input_channel_groups(g) && g.out_channels / g.groups <= 3 &&
         narrow_rows(g, t.x_tile) && image_tiles_fit(g, t.across_images);
}

// ... and ahead of the channel tiles along images for depthwise inputs of
// at least kMultiTapSmallestInput rows and columns and kernels of at least
// 3 and two or more taps a phase along each axis (kernel >= 2 x stride).
// Fitted on the 160 depthwise layers of 4 or more images that the rules
// ran in channel tiles along images among the random seeds 1 to 100 (AMD
// EPYC Zen 4, both cores, `layer_bench --plans --order 2 --order 3 --order
// 7 --order 12 --order 13`): 1 x 1 inputs (1-row kernels) ran up to 5x
// slower across images, 2 x 2 inputs and kernels of 2 at stride 1 either
// way. The rules' plan before and after, alternated (6 runs of 7 calls,
// medians): the 15 layers this moves among those seeds 0.49x the time in
// geometric mean (default ISA; AVX2 0.47x), one slower (random42_9, 3 x 3,
// k5 s1 dilation 3: 0.015 to 0.021 ms); the 16 it moves among the seeds
// 101 to 300 (not fitted) 0.51x (0.50x), all faster, by 1.3x to 3.3x
// (random205_43: 0.211 to 0.081 ms).
constexpr int64_t kMultiTapSmallestInput = 3;

bool depthwise_multi_tap_across_images_pay(const ConvGeometry &g, const KernelTiles &t) {
  return g.in_height >= kMultiTapSmallestInput && g.in_width >= kMultiTapSmallestInput &&
         g.kernel_height >= 3 && g.kernel_width >= 3 && g.kernel_height >= 2 * g.stride[0] &&
         g.kernel_width >= 2 * g.stride[1] && depthwise_across_images_pay(g, t);
}

// x tiles across images for 4 to 12 output channels (groups 1) in a batch
// that fills the tile's images, where a tile of 3 channels leaves less
// idle than the x tiles' many: their share of the work that lands on the
// output at least kAcrossImagesBusierBy times the x tiles' and the wide x
// tiles' (4 output channels keep a third of AVX-512's x tile of 13 busy),
// and an image tile's input fits in half of L2 (past it, the tile's
// channel blocks read it from memory again: random46_23, 3.7 MB a tile,
// ran 1.5x slower across images than by row). Fitted on the 196 layers of
// groups 1, 4 to 12 output channels and 4 or more images among the random
// seeds 1 to 50 (AMD EPYC Zen 4, both cores, `layer_bench --plans --order
// 3`). The rules' plan before and after, alternated (6 runs of 5 calls,
// medians), on the layers this moves among the seeds 1 to 100, the zoo
// and shapes.json (none of the zoo or shapes.json): seeds 1 to 50, 23
// moved, 0.69x in geometric mean, 1 slower by over 3% (random11_32 1.13x);
// seeds 51 to 100 (not fitted), 22 moved, 0.62x, 19 faster by over 10%
// (random99_20, 24 to 5 channels, 19 images of 11 x 23: 0.265 to 0.085
// ms), 1 slower (random92_11 1.14x).
constexpr double kAcrossImagesBusierBy = 1.2;
constexpr int64_t kAcrossImagesMostChannels = 12;  // (the range measured; more fill the x tiles)

double busy_across_images(const ConvGeometry &g, const XImageTile &tile) {
  return busy_share(phase_columns(g), tile.columns, g.out_channels, tile.channels) *
         (1.0 - idle_share(g.batch, tile.images));
}

bool few_channels_across_images_pay(const ConvGeometry &g, const KernelTiles &t) {
  const XImageTile &tile = t.across_images;
  if (g.groups != 1 || g.out_channels > kAcrossImagesMostChannels || !image_tiles_fit(g, tile)) {
    return false;
  }
  return busy_across_images(g, tile) >= kAcrossImagesBusierBy * x_tiles_busy(g, t);
}

// A 1-row output at a stride along x above 1 of at most
// kOneRowColumnsPixels input pixels in all (images x columns), groups 1:
// the columns order's GEMM runs every pixel in one or two of its tiles
// (AVX-512's 13 pixels, AVX2's 6), reading each weight once, where the
// channel tiles along x the rules took read every weight for each image's
// few phase columns (random228_14, 3 images of 3 columns, 1080 to 117
// channels, k4 s2: 0.277 ms to 0.090). AMD EPYC Zen 4, both cores,
// `layer_bench --plans --order 1 --order 5` on the 1-row layers of 16 or
// more input channels the rules ran in channel tiles along x among the
// random seeds 1 to 300 (58): the columns won where their pixels were few
// and the input channels many; then the rules' plan before and after,
// alternated (10 runs of 15 calls, medians), on the calls this moves: in
// the seeds 1 to 200, 3 at the default ISA 0.69x in geometric mean, 8
// with AVX2 0.70x, one slower (random175_47, 0.021 to 0.024 ms); in the
// seeds 201 to 400 (not looked at before), 3 at the default ISA 0.52x, 5
// with AVX2 0.65x, none slower. Up to 26 pixels (two AVX-512 tiles) 4 of 7
// calls ran slower, by up to 1.30x, and at stride 1 2 of 3 (random96_13,
// 11 pixels of 77 to 807 channels, k1: 1.48x).
constexpr int64_t kOneRowColumnsPixels = 12;

bool one_row_few_pixels_columns_pay(const ConvGeometry &g, const KernelTiles & /*tiles*/) {
  return g.groups == 1 && g.out_height == 1 && g.stride[1] > 1 &&
         g.out_channels >= kChannelTilesFewestChannels && g.in_channels >= kColumnsFewestInputs &&
         g.batch * g.in_height * g.in_width <= kOneRowColumnsPixels &&
         columns_bytes(g) <= kMaxColumnsBytes;
}

// A border rule's image-tile orders: the taller tile (order 7) where it
// idles no more (more_images_pay), else order 2.
using ImageTileRule = bool (*)(const ConvGeometry &, const KernelTiles &, const ImageTile &);
template <ImageTileRule favours>
bool favours_more_images(const ConvGeometry &g, const KernelTiles &t) {
  return favours(g, t, t.channel_tiles.along_more_images) && more_images_pay(g, t.channel_tiles);
}
template <ImageTileRule favours>
bool favours_images(const ConvGeometry &g, const KernelTiles &t) {
  return favours(g, t, t.channel_tiles.along_images);
}

constexpr OrderRule kOrderRules[] = {
    {convt_order::kColumns, columns_pay},
    // At most 3 output channels in a batch (the x tiles hold 6 channels).
    {convt_order::kXTilesAcrossImages,
     [](const ConvGeometry &g, const KernelTiles &) {
       return g.out_channels <= 3 && g.batch >= 4;
     }},
    // At most 3 output channels in fewer images than an image tile holds:
    // each tile one channel's rows, so none of its accumulators idles.
    // (AMD EPYC, AVX2: fsrcnn_deconv_x3, 1 channel, 5.8 ms by row and 2.1
    // across rows; a 128 x 128 input to 3 channels, 5.3 ms in channel
    // tiles along x, 2.8 across rows.)
    {convt_order::kXTilesAcrossRows,
     [](const ConvGeometry &g, const KernelTiles &t) { return across_rows_pay(g, t.x_tile); }},
    // One tap per output (interleaved_pays), unless x tiles across images
    // idle less (below).
    {convt_order::kInterleavedXTiles,
     [](const ConvGeometry &g, const KernelTiles &t) {
       return interleaved_pays(g, t) && !few_channels_across_images_pay(g, t);
     }},
    // Depthwise, two or more taps a phase (depthwise_multi_tap_across_images_pay).
    {convt_order::kXTilesAcrossImages, depthwise_multi_tap_across_images_pay},
    // Narrow rows in a batch of at least 4 images (see image_tile_fills):
    // the taller tile where it idles no more (it needs the batch to fill it).
    {convt_order::kChannelTilesAlongMoreImages,
     [](const ConvGeometry &g, const KernelTiles &t) {
       const double busy = busy_along_images(g, t.channel_tiles.along_more_images);
       return narrow_rows(g, t.x_tile) && channel_tiles_pay(g, t.x_tile, busy) && g.batch >= 4 &&
              more_images_pay(g, t.channel_tiles);
     }},
    {convt_order::kChannelTilesAlongImages,
     [](const ConvGeometry &g, const KernelTiles &t) {
       const double busy = busy_along_images(g, t.channel_tiles.along_images);
       return narrow_rows(g, t.x_tile) && channel_tiles_pay(g, t.x_tile, busy) && g.batch >= 4 &&
              image_tile_fills(g, t.channel_tiles);
     }},
    // One row of few pixels (one_row_few_pixels_columns_pay).
    {convt_order::kColumns, one_row_few_pixels_columns_pay},
    // Narrow rows of 2 or more images that the image tiles above leave out,
    // where along x would compute more zeros (border_taps_favour_few_images).
    {convt_order::kChannelTilesAlongImages, border_taps_favour_few_images},
    // Narrow rows of fewer images.
    {convt_order::kChannelTilesAlongX,
     [](const ConvGeometry &g, const KernelTiles &t) {
       const double busy = busy_along_x(g, t.channel_tiles.along_x);
       return narrow_rows(g, t.x_tile) && channel_tiles_pay(g, t.x_tile, busy);
     }},
    // Wider rows where the x tiles would idle much more (channel_tiles_busier):
    // along images where along x would compute more zeros
    // (border_taps_favour_images), the taller tile where it idles no more.
    {convt_order::kChannelTilesAlongMoreImages, favours_more_images<border_taps_favour_images>},
    {convt_order::kChannelTilesAlongImages, favours_images<border_taps_favour_images>},
    {convt_order::kChannelTilesAlongX, channel_tiles_busier},
    // Few input channels, many taps a phase (few_inputs_many_taps).
    {convt_order::kChannelTilesAlongX, few_inputs_many_taps},
    // A 1-row output the x tiles would run phase by phase
    // (one_row_channel_tiles_pay).
    {convt_order::kChannelTilesAlongX, one_row_channel_tiles_pay},
    // One input channel a group in batches (depthwise_across_images_pay).
    {convt_order::kXTilesAcrossImages, depthwise_across_images_pay},
    // Few output channels in a batch, where the x tiles idle more
    // (few_channels_across_images_pay).
    {convt_order::kXTilesAcrossImages, few_channels_across_images_pay},
    // Wide rows whose x tiles would compute much of the zero border
    // (border_taps_favour_images_over_x_tiles).
    {convt_order::kChannelTilesAlongMoreImages,
     favours_more_images<border_taps_favour_images_over_x_tiles>},
    {convt_order::kChannelTilesAlongImages, favours_images<border_taps_favour_images_over_x_tiles>},
    {convt_order::kWideXTilesByRow, wide_tiles_by_row_pay},
    {convt_order::kWideXTiles, wide_tiles_pay},
    {convt_order::kXTilesByRow, x_tiles_by_row_pay},
    {convt_order::kXTiles,
     [](const ConvGeometry &g, const KernelTiles &t) { return x_blocks_fit(g, t.x_tile.columns); }},
    // Any layer: a dilated kernel whose taps reach far beyond the x tiles.
    {convt_order::kChannelTilesAlongX,
     [](const ConvGeometry &, const KernelTiles &) { return true; }},
};

// The phase columns of the x blocks (input_x_blocks) `order` reads the
// input in, or 0 for an order that reads no x blocks.
int64_t x_block_columns(int32_t order, const Kernel &kernel) {
  switch (order) {
    case convt_order::kXTiles:
    case convt_order::kXTilesByRow:
      return kernel.x_tile.columns;
    case convt_order::kWideXTiles:
    case convt_order::kWideXTilesByRow:
      return kernel.wide_x_tile.columns;
    default:
      return 0;
  }
}

// Groups wide enough to fill the kernels' channel tiles run as one call per
// group with groups 1: the group-1 specializations (and on GPUs the gemm
// kernel) then apply, and a channel tile never straddles two groups (which
// costs it one input load per channel instead of one per tile). Narrow
// groups stay in one call unless their phases need the gcd (below), and
// depthwise layers always.
bool runs_per_group(const ConvGeometry &g) {
  return g.groups > 1 && g.in_channels / g.groups >= 16 && g.out_channels / g.groups >= 16;
}

// So do grouped layers whose phases need the gcd in the CPU kernels' phase
// orders (dilation and stride both above 1 along an axis of two or more
// taps), but depthwise ones: the schedule specializes such phases for
// groups 1 only, and without it each channel of an x tile reads its own
// group's input row (a load per multiply-add) through the general phase
// arithmetic. (The columns order has no phases: it stays one call.) AMD
// EPYC Zen 4, both cores, `layer_bench --plans`: of the 2052 layers of the
// random seeds 1 to 40, the zoo and shapes.json this moves 11, in both
// tiers; AVX-512 kernel, geometric mean 0.57x, 8 faster by over 10%
// (random1_47, 12 to 4 channels in 2 groups, k7 s2 d2: 14.0 ms against
// 1.9; random4_13, 4 groups of 8 to 22: 1.35 against 0.18; random16_42
// 0.46 against 0.20), 2 slower by the calls' overhead (random11_27, 0.010
// against 0.012 ms; random22_49, 0.040 against 0.047); AVX2 kernel 0.61x.
// Per group, 1 x 1 kernels of dilation 3 (one tap: no phase arithmetic to
// save) ran 1.16x slower (random37_30), and columns 1.25x (random33_21).
// On fresh layers (seeds 41 to 80) it is mixed where a group has one input
// channel: of 8 moved, 4 faster (random54_19 0.015 ms against 0.004), 4
// slower (random64_38, 2 groups of 1 to 126 channels: 18.7 against 22.2).
bool gcd_phases_in_groups(const ConvGeometry &g) {
  const bool gcd_y = !convt_phase::simple_phases(g.stride[0], g.dilation[0]) && g.kernel_height > 1;
  const bool gcd_x = !convt_phase::simple_phases(g.stride[1], g.dilation[1]) && g.kernel_width > 1;
  return g.groups > 1 && !g.depthwise() && (gcd_y || gcd_x);
}

// A call runs on the pool where that saves more than a fixed cost: the
// pool takes (1 - 1/cores) of the work's time off, and pays for handing
// each loop to its workers and for moving the call's data into their
// caches. That cost is counted per worker (each is handed every loop and
// reads its own share of the data), kPoolCostPerWorker (plan.h)
// multiply-adds' time each. AMD EPYC Zen 3, both cores, `layer_bench --plans`, the 2176
// layers under 1 MFLOP of the random seeds 1 to 100, each serial call of
// the rules against the same plan on the pool: the pool's time over the
// serial one 0.97x in geometric mean at 2^13 to 2^15 multiply-adds, 0.89x
// at 2^15 to 2^16, 0.86x at 2^16 to 2^17, 0.77x at 2^17 to 2^19 (120 of 205 calls faster by over
// 20%), 1.05x to 1.24x below 2^13. (2^18 per call, fitted on a Zen 2 EPYC
// before the pool's threads kept their shares of a loop call after call,
// kept every one of these serial.) On more cores the cost grows with the
// workers; not measured. The rules' plan
// before and after, alternated (6 runs of 9 calls, medians), 150 of the
// 511 calls this moves among the layers under 1 MFLOP of the seeds 301 to
// 400 (not fitted on): 0.81x in geometric mean, 9 slower by over 5%.
// seed_example of shapes.json moves to the pool; no zoo layer moves.

// In x tiles across images, groups of one input channel (depthwise
// layers) run far below the FMA peak: each channel of a tile loads its own
// group's input. On one core of an AMD EPYC Zen 4 they ran some 2 G
// multiply-adds a second (random8_38: 249k in 0.120 ms), a 28th of the
// peak, so the pool's fixed cost is worth a 32nd as many of them. So in
// any order for grouped layers of one input channel a group that are not
// depthwise (more outputs than groups): the rules' plan before and after,
// alternated (8 runs of 9 calls, medians), on the 17 calls of the random
// seeds 1 to 100 this moves to the pool, 0.45x in geometric mean, none
// slower by over 3% (random94_42, 4 groups of 1 to 118 channels, 4 x 4,
// k3: 0.429 ms to 0.052). (Depthwise layers in the other orders were
// mixed: interleaved x tiles up to 2.4x slower on the pool.)
constexpr double kOneInputChannelMultiplyAddCost = 32;

// And a call whose weights outweigh its arithmetic (few pixels, each
// weight used by a handful: 1 x 1 inputs) is bound by reading them, which
// the pool shares out too: a byte of weights counts as 4 multiply-adds
// (a core's FMA peak, some 58 G multiply-adds a second on a Zen 4 EPYC,
// against the 15 to 20 GB/s it reads from memory). AMD EPYC Zen 4, both
// cores, the rules' plan before and after alternated (8 runs of 9 calls,
// medians), the 96 calls this moves to the pool among the random seeds 1
// to 100 (none of the zoo or shapes.json): 0.67x in geometric mean; of
// the 43 of the seeds 51 to 100, 40 faster by over 10% (random1_28 of
// seeds 1 to 50, 453 to 158 channels on a 1 x 1 input, k1x3: 0.023 ms
// serially, 0.014 on the pool), 2 slower by 3 to 10%.
constexpr double kMultiplyAddsPerWeightByte = 4;

bool runs_serially(const ConvGeometry &g, int32_t order) {
  const double cost =
      one_input_channel_groups(g) && (!g.depthwise() || order == convt_order::kXTilesAcrossImages)
          ? kOneInputChannelMultiplyAddCost
          : 1.0;
  const int64_t weights =
      g.in_channels * (g.out_channels / g.groups) * g.kernel_height * g.kernel_width;
  const double weight_bytes = 4.0 * static_cast<double>(weights);
  const double work = std::max(static_cast<double>(g.multiply_adds()) * cost,
                               kMultiplyAddsPerWeightByte * weight_bytes);
  const double saved = work * (1.0 - 1.0 / static_cast<double>(cpu_cores()));
  return saved <= static_cast<double>(kPoolCostPerWorker) * static_cast<double>(cpu_cores() - 1);
}

// A layer of few groups (2 to kFewGroups, not depthwise) runs per group on
// the CPU however narrow its groups, unless the call is small enough to run
// serially with a small output (below; its few microseconds then go to the
// extra calls), its kernel has one tap (on the pool), or the whole
// call takes columns or interleaved x tiles: the group-1 specializations
// and tiles of one group's channels beat tiles that straddle groups. AMD
// EPYC Zen 4, both cores, `layer_bench --plans`, of the 59 layers of 2 or
// 4 groups of fewer than 16 channels (per group, input or output) among
// the random seeds 1 to 40 that ran, the fastest per-group plan beat the
// fastest in one call on 43, by up to 6x (random11_28, 2 groups of 8 to
// 21, k5 s2: 3.35 ms in the rules' plan, 0.56 per group; random23_44, 2
// groups of 2 to 16: 21.1 against 7.7), and lost on 15: 11 calls under
// 0.02 ms (random3_15, 4 groups of 2 to 1: 0.014 ms per group against
// 0.006), the others by at most 1.16x (random16_43). Interleaved x tiles
// ran 1.04 to 1.48x slower per group (random43_35, 4 groups of 1 to 16,
// k2 s2), columns 1.07 to 1.14x, and a 1 x 1 kernel, whose one tap has no
// phase arithmetic to save, 1.5x (random37_30). The random layers have 2
// or 4 groups: more groups are not measured.
constexpr int64_t kFewGroups = 4;

// Serial calls of few groups (any kernel) run per group too where their
// output holds kGroupsApartFewestOutputs values or more: in one call the
// kernels take their general paths (each weight's group and channel by
// integer division; tiles that straddle groups), which cost more than the
// extra calls' few microseconds once the output is that large. AMD EPYC
// Zen 4, both cores, `layer_bench --plans`, the serial one-call grouped
// layers of the random seeds 1 to 40 (37): of the 16 with 2048 output
// values or more, the fastest per-group plan beat the rules' one call on
// all 16, 0.15x to 0.70x (random11_4, 2 groups of 6 to 451 channels, 1 x 1
// kernel of dilation 3: 0.155 ms against 0.024; random5_37, k2 s4: 0.401
// against 0.113); of the 21 below, it lost on 13 (random21_31, 128 output
// values: 0.004 against 0.008). The rules' plan before and after,
// alternated (6 runs of 5 calls, medians): those seeds, 15 calls moved,
// 0.77x in geometric mean over the 37, one slower (random3_15, 2116 output
// values: 0.009 to 0.018 ms); the seeds 41 to 80 (43 serial one-call
// grouped layers, not looked at before), 11 moved, 0.88x, 2 slower
// (random50_6, 0.071 to 0.093 ms, where the group calls' rules take
// channel tiles along x and their fastest plan ran in 0.040; random51_37,
// 0.005 to 0.006); random205_26 0.202 to 0.054 ms, random205_13 0.105 to
// 0.113 (its group calls keep x tiles; across images ran in 0.041).
constexpr int64_t kGroupsApartFewestOutputs = 2048;

bool few_groups(const ConvGeometry &g) {
  return g.groups > 1 && g.groups <= kFewGroups && !g.depthwise();
}

bool few_groups_run_apart(const ConvGeometry &g) {
  if (!few_groups(g)) return false;
  if (runs_serially(g, convt_order::kXTiles)) {
    return saturating_product(g.output_sizes()) >= kGroupsApartFewestOutputs;
  }
  return !one_tap(g);
}

// `images` of the batch of `g`.
ConvGeometry batch_slice(const ConvGeometry &g, int64_t images) {
  ConvGeometry slice = g;
  slice.batch = images;
  return slice;
}

// The CPU kernels copy the input with a zero border and index the copy
// with int32: a batch whose copy would pass 2^31 bytes runs in calls of as
// many images as fit (images are independent: the same sums, the same
// bits). Where one image's copy does not fit, the work check refuses the
// call. (random15_14 of the report's random layers: 17 images of 1232
// channels of 98 x 98 to one channel, k2 s2, a 2.9 GB copy.)
int64_t cpu_images_per_call(const ConvGeometry &g) {
  if (input_copy_fits(g, g.in_height)) return g.batch;
  // The largest count that fits lies in [fit, past).
  int64_t fit = 1;
  int64_t past = g.batch;
  while (past - fit > 1) {
    const int64_t mid = fit + (past - fit) / 2;
    (input_copy_fits(batch_slice(g, mid), g.in_height) ? fit : past) = mid;
  }
  return fit;
}

// Orders whose copy of the input is made at the root, for the whole call,
// before any tile reads it, and whose tiles each read one image: in a
// batch whose copy outgrows the cores' L2 caches, the copy is written out
// to memory and read back, where in slices of images it is read while
// cached. A slice costs a thread-pool launch and, by row, a repack of the
// weights. AMD EPYC Zen 4 (L2 1 MB per core), both cores, alternated,
// medians of 4 runs of 5 calls, depthwise layers in batches of 2 or more
// whose input passes the 2 MB of L2, random seeds 1 to 100, in slices: x
// tiles 0.81x the time in geometric mean (18 layers), x tiles across rows
// 0.74x (24), wide x tiles 0.88x (6); random205_24 (13 images of 131 to
// 17 channels, 56 x 113, k2, x tiles by row, 3.4 MB an image) 18.0 to
// 14.9 ms (AVX-512 flavour). Checked on 110 other layers of those seeds
// that this slices: 0.93x in geometric mean (depthwise 0.85x, the others
// 0.97x), none slower by more than 13%; the zoo's and shapes.json's five
// (compute-bound) within 3%. Not sliced: the orders whose tiles span
// images (x tiles across images 1.43x, channel tiles along images 1.2x to
// 1.8x), interleaved x tiles (0.93x depthwise, 1.02x on a mixed set),
// channel tiles along x (1.13x, 5 layers), per-group plans, whose calls
// already copy one group's channels (1.03x to 1.10x, 5 layers), and
// serial ones, with one core's L2 (not measured).
bool slices_its_copy(int32_t order, bool per_group, bool serial) {
  if (per_group || serial) return false;
  switch (order) {
    case convt_order::kXTiles:
    case convt_order::kWideXTiles:
    case convt_order::kXTilesByRow:
    case convt_order::kWideXTilesByRow:
    case convt_order::kXTilesAcrossRows:
      return true;
    default:
      return false;
  }
}

// Images per kernel call of `order` on `g`, at most `fit`
// (cpu_images_per_call): as many as keep a slice's input, which its copy
// about equals, within the cores' L2 caches, at least one.
int64_t images_per_call(const ConvGeometry &g, int64_t fit, int32_t order, bool per_group,
                        bool serial) {
  if (!slices_its_copy(order, per_group, serial)) return fit;
  const int64_t image_bytes = saturating_numel({g.in_channels, g.in_height, g.in_width, 4});
  const int64_t cached = l2_cache_bytes() * cpu_cores();
  return std::clamp<int64_t>(cached / std::max<int64_t>(image_bytes, 1), 1, fit);
}

// One group's channels, for the calls of a per-group plan.
ConvGeometry per_group_geometry(const ConvGeometry &g) {
  ConvGeometry one = g;
  one.groups = 1;
  one.in_channels = g.in_channels / g.groups;
  one.out_channels = g.out_channels / g.groups;
  return one;
}

// The CUDA kernel for `g`, once the driver has a device; else RuntimeError
// saying why.
const Kernel &usable_cuda_kernel(const ConvGeometry &g) {
  const Kernel *kernel = cuda_kernel_for(g);
  if (kernel == nullptr) {
    throw RuntimeError(
        "conv_transpose2d(): tensors on cuda, but this build has no CUDA backend "
        "(configure with -DCONVT_TARGETS=...;cuda)");
  }
  std::string reason;
  if (!cuda_available(&reason)) {
    throw RuntimeError("conv_transpose2d(): CUDA is unavailable: " + reason);
  }
  return *kernel;
}

// Which kernel runs a call: the input's device decides. Host tensors run on
// the CPU kernel (the flavour for the call's shape); in a GPU-only build, on
// the CUDA kernel (copied in and out). CONVT_HOST_KERNEL=cuda or =opencl
// sends host tensors to that GPU kernel instead, which is how the test
// suites run the GPU schedules (OpenCL on PoCL without a GPU).
const Kernel &select_kernel(const ConvGeometry &g, Device device) {
  if (device == Device::kCUDA) return usable_cuda_kernel(g);
  static const char *const choice = std::getenv("CONVT_HOST_KERNEL");  // read once
  if (choice != nullptr && std::strcmp(choice, "cuda") == 0) return usable_cuda_kernel(g);
  if (choice != nullptr && std::strcmp(choice, "opencl") == 0) {
    const Kernel *kernel = opencl_kernel_for(g);
    if (kernel == nullptr) {
      throw RuntimeError(
          "conv_transpose2d(): CONVT_HOST_KERNEL=opencl, but this build has no "
          "OpenCL kernel (it comes with the cuda target when tests are built)");
    }
    return *kernel;
  }
  return has_cpu_kernel() ? cpu_kernel_for(g) : usable_cuda_kernel(g);
}

// Entries [first, first + count) of dimension `dim` of a float32 view.
ConstTensorView dim_slice(const ConstTensorView &v, size_t dim, int64_t first, int64_t count) {
  Shape shape = v.shape();
  shape[dim] = count;
  const float *data = static_cast<const float *>(v.data()) + first * v.strides()[dim];
  return {data, DType::kFloat32, shape, v.strides(), v.device()};
}
TensorView dim_slice(const TensorView &v, size_t dim, int64_t first, int64_t count) {
  Shape shape = v.shape();
  shape[dim] = count;
  float *data = static_cast<float *>(v.data()) + first * v.strides()[dim];
  return {data, DType::kFloat32, shape, v.strides(), v.device()};
}

// --- Measurement ----------------------------------------------------------

Planning initial_planning() {
  const char *mode = std::getenv("CONVT_PLAN");
  return mode != nullptr && std::strcmp(mode, "measure") == 0 ? Planning::kMeasure
                                                              : Planning::kRules;
}

// Guards the measured plans, and makes measurements one at a time
// (concurrent ones would time each other).
std::mutex &planning_mutex() {
  static std::mutex m;
  return m;
}

// Read on every call without the lock: calls under the rules never wait on
// another thread's measurement.
std::atomic<Planning> &planning() {
  static std::atomic<Planning> p{initial_planning()};
  return p;
}

// What a measured plan depends on: the geometry (layouts change little).
using GeometryKey = std::tuple<bool, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                               int64_t, int64_t, int64_t, int64_t, int64_t, int64_t, int64_t,
                               int64_t, int64_t, int64_t, int64_t>;

GeometryKey key_of(const ConvGeometry &g) {
  return {g.batched,      g.batch,         g.in_channels,       g.in_height,        g.in_width,
          g.out_channels, g.kernel_height, g.kernel_width,      g.out_height,       g.out_width,
          g.groups,       g.stride[0],     g.stride[1],         g.padding[0],       g.padding[1],
          g.dilation[0],  g.dilation[1],   g.output_padding[0], g.output_padding[1]};
}

std::map<GeometryKey, Plan> &measured_plans() {
  static std::map<GeometryKey, Plan> plans;
  return plans;
}

// Timed runs of a candidate add up to at least this: two runs of a call of
// tens of microseconds are at the mercy of one late thread wake-up
// (random1_4 of the report, measured from two runs: 0.86 ms against the
// rules' 0.62).
constexpr double kTimedSeconds = 2e-3;

// Seconds one run of `plan` takes: the fastest of the runs after one that
// warms the workspace and caches, at least two and kTimedSeconds in all. A
// candidate whose first run already takes `give_up` seconds or more is not
// run again (some orders are 10x slower than the best on some layers, and
// the first call pays for every run).
double seconds_for(const Plan &plan, const std::function<void(const Plan &)> &run, double give_up) {
  double best = std::numeric_limits<double>::infinity();
  double timed = 0;
  for (int i = 0;; ++i) {
    const auto start = std::chrono::steady_clock::now();
    run(plan);
    const double s =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (i == 0) {
      if (s >= give_up) return s;
      continue;
    }
    best = std::min(best, s);
    timed += s;
    if (i >= 2 && timed >= kTimedSeconds) return best;
  }
}

// Serial candidates are timed only when the best plan on the pool takes
// less than this: a call's few pool wake-ups (microseconds each) cannot
// matter beside more work.
constexpr double kSerialWorthTiming = 1e-3;

// The fastest run of a few is a lucky draw on a candidate whose runs
// spread: channel tiles along images on resnet18_dgrad_s2 ran in 28 to 35
// ms, x tiles in 25 to 27, and a first pass that took the fastest of two
// or three runs chose the former at 24.2 ms, which then ran at 32.1 in the
// report's process (AMD EPYC, family 25 model 17, AVX2 kernel). So the
// first pass's kMaxFinalists fastest, those within kFinalistMargin of its
// best, run again in kFinalRounds rounds, one after another in each round
// so that a slow spell of the machine falls on all of them, and the lowest
// median wins. A round's sample is one run, or as many as make up
// kRoundSeconds of a fast layer's.
constexpr double kFinalistMargin = 1.5;
constexpr size_t kMaxFinalists = 4;
constexpr int kFinalRounds = 5;
constexpr double kRoundSeconds = 5e-4;

struct Timed {
  Plan plan;
  double seconds;
};

// The finalist of `timed` (sorted fastest first, timed[0] the first pass's
// best) with the lowest median over kFinalRounds alternating rounds.
Plan final_choice(std::vector<Timed> timed, const std::function<void(const Plan &)> &run) {
  const double cutoff = timed.front().seconds * kFinalistMargin;
  size_t finalists = 1;
  while (finalists < std::min(timed.size(), kMaxFinalists) && timed[finalists].seconds <= cutoff) {
    ++finalists;
  }
  if (finalists == 1) return timed.front().plan;
  const int runs = std::max(1, static_cast<int>(kRoundSeconds / timed.front().seconds));
  std::vector<std::vector<double>> samples(finalists);
  for (int round = 0; round < kFinalRounds; ++round) {
    for (size_t i = 0; i < finalists; ++i) {
      const auto start = std::chrono::steady_clock::now();
      for (int r = 0; r < runs; ++r) run(timed[i].plan);
      samples[i].push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
  }
  size_t chosen = 0;
  double chosen_median = std::numeric_limits<double>::infinity();
  for (size_t i = 0; i < finalists; ++i) {
    std::nth_element(samples[i].begin(), samples[i].begin() + kFinalRounds / 2, samples[i].end());
    const double median = samples[i][kFinalRounds / 2];
    if (median < chosen_median) {
      chosen = i;
      chosen_median = median;
    }
  }
  return timed[chosen].plan;
}

}  // namespace

bool same_plan(const Plan &a, const Plan &b) {
  return a.kernel == b.kernel && a.tile_order == b.tile_order && a.per_group == b.per_group &&
         a.serial == b.serial && a.images_per_call == b.images_per_call;
}

ConvGeometry call_geometry(const ConvGeometry &g, const Plan &plan) {
  const int64_t images =
      plan.images_per_call > 0 ? std::min(plan.images_per_call, g.batch) : g.batch;
  const ConvGeometry slice = batch_slice(g, images);
  return plan.per_group ? per_group_geometry(slice) : slice;
}

int64_t l2_cache_bytes() {
  static const int64_t bytes = [] {
#if defined(_SC_LEVEL2_CACHE_SIZE)
    const long reported = sysconf(_SC_LEVEL2_CACHE_SIZE);
    if (reported > 0) return static_cast<int64_t>(reported);
#endif
    return int64_t{1} << 20;
  }();
  return bytes;
}

int64_t cpu_cores() {
  static const int64_t cores = std::max<int64_t>(std::thread::hardware_concurrency(), 1);
  return cores;
}

int32_t cpu_tile_order(const ConvGeometry &g, const XTile &x_tile,
                       const ChannelTiles &channel_tiles, const XTile &wide_x_tile,
                       const XImageTile &across_images) {
  const KernelTiles tiles{x_tile, channel_tiles, wide_x_tile, across_images};
  for (const OrderRule &rule : kOrderRules) {
    if (rule.applies(g, tiles)) return by_row_where_it_pays(g, rule.order, tiles);
  }
  return convt_order::kXTiles;
}

int32_t cpu_tile_order(const ConvGeometry &g, const Kernel &kernel) {
  return cpu_tile_order(g, kernel.x_tile, kernel.channel_tiles, kernel.wide_x_tile,
                        kernel.across_images);
}

bool columns_beat_idle_tiles(const ConvGeometry &g, const XTile &x_tile,
                             const ChannelTiles &channel_tiles, const XTile &wide_x_tile) {
  return idle_tiles_pay_for_columns(g, {x_tile, channel_tiles, wide_x_tile, {}});
}

bool columns_beat_idle_channel_tiles(const ConvGeometry &g, const XTile &x_tile,
                                     const ChannelTiles &channel_tiles, const XTile &wide_x_tile) {
  return idle_channel_tiles_pay_for_columns(g, {x_tile, channel_tiles, wide_x_tile, {}});
}

// Small calls of few groups (few_groups_run_apart) whose call takes channel
// tiles run per group too, where the group calls take channel tiles and
// compute at most twice the channels (tiles' idle ones included) of the one
// call: a channel tile that straddles groups computes each lane's group and
// input channel, and integer division in vectors runs scalar, one lane at
// a time (in a profile of random206_15, 2 groups of 1 to 82 channels, most
// of the kernel's time). AMD EPYC Zen 3, AVX2, the rules' plan before and
// after alternated (6 runs of 51 calls, medians): of the grouped layers of
// the random seeds 1 to 100, 205 and 206, the zoo and shapes.json, 20 moved,
// 0.39x in geometric mean, none slower (random56_43, 4 groups of 8 to 31
// channels, k3: 0.32 to 0.05 ms; random206_15 0.021 to 0.008); on the
// seeds 101 to 200 (not looked at before), 24 moved, 0.38x, 1 slower
// (random167_39, 4 groups of 2 to 10: 0.008 to 0.009 ms). Without the
// bound on the channels, 2 more calls of 4 groups of at most 6 channels
// under 0.01 ms ran 1.5 and 1.75x slower (random134_9, random105_11).
bool straddling_channel_tiles_run_apart(const ConvGeometry &g, int32_t order, const Kernel &kernel,
                                        Device device) {
  const int64_t depth = channel_tile_channels(order, kernel.channel_tiles);
  if (depth == 0) return false;
  const ConvGeometry group = per_group_geometry(g);
  const Kernel &group_kernel = select_kernel(group, device);
  const int64_t group_depth =
      channel_tile_channels(cpu_tile_order(group, group_kernel), group_kernel.channel_tiles);
  return group_depth > 0 && g.groups * round_up(group.out_channels, group_depth) <=
                                2 * round_up(g.out_channels, depth);
}

Plan plan_call(const ConvGeometry &g_whole, Device device) {
  Plan plan;
  const bool on_cpu = select_kernel(g_whole, device).device_interface == nullptr;
  plan.images_per_call = on_cpu ? cpu_images_per_call(g_whole) : g_whole.batch;
  const ConvGeometry g = batch_slice(g_whole, plan.images_per_call);
  plan.per_group = runs_per_group(g);
  const bool gcd_phases = gcd_phases_in_groups(g);
  if (!plan.per_group && on_cpu && (gcd_phases || few_groups(g))) {
    // Not where the whole call takes columns (no phases), nor for few
    // groups where it takes interleaved x tiles.
    const Kernel &whole = select_kernel(g, device);
    const int32_t order = cpu_tile_order(g, whole);
    // (The group call's order is planned only where it decides.)
    auto groups_apart = [&] {
      return few_groups_run_apart(g) ||
             (!one_tap(g) && straddling_channel_tiles_run_apart(g, order, whole, device));
    };
    plan.per_group = order != convt_order::kColumns &&
                     (gcd_phases || (order != convt_order::kInterleavedXTiles && groups_apart()));
  }
  const ConvGeometry call = plan.per_group ? per_group_geometry(g) : g;
  plan.kernel = &select_kernel(call, device);
  if (plan.kernel->device_interface == nullptr) {
    plan.tile_order = cpu_tile_order(call, *plan.kernel);
    plan.serial = runs_serially(g, plan.tile_order);
    plan.images_per_call =
        images_per_call(g, plan.images_per_call, plan.tile_order, plan.per_group, plan.serial);
  }
  return plan;
}

std::vector<Plan> cpu_plans(const ConvGeometry &g_whole) {
  std::vector<Plan> plans;
  if (!has_cpu_kernel()) return plans;
  const int64_t images = cpu_images_per_call(g_whole);
  const ConvGeometry g = batch_slice(g_whole, images);
  const bool columns_fit = columns_bytes(g) <= kMaxColumnsBytes;
  const bool one_phase = g.stride[0] == 1 && g.stride[1] == 1;
  for (const bool serial : {false, true}) {
    for (const Kernel *kernel : cpu_kernels()) {
      for (const bool per_group : {false, true}) {
        if (per_group && g.groups == 1) continue;
        for (int32_t order = 0; order < convt_order::kTileOrders; ++order) {
          if (order == convt_order::kColumns && !columns_fit) continue;
          if (order == convt_order::kXTilesAcrossRows && !across_rows_fit(g)) continue;
          if (order == convt_order::kInterleavedXTiles && !interleaved_x_tiles_apply(g)) continue;
          // With one phase the by-row orders run their base orders' loops.
          if (convt_order::channel_tiles_base(order) != order && one_phase) continue;
          const int64_t x_block = x_block_columns(order, *kernel);
          if (x_block > 0 && !x_blocks_fit(g, x_block)) continue;
          plans.push_back({kernel, order, per_group, serial,
                           images_per_call(g, images, order, per_group, serial)});
        }
      }
    }
  }
  return plans;
}

void run_plan(const Plan &plan, const ConvGeometry &g, const ConstTensorView &input,
              const ConstTensorView &weight, const std::optional<ConstTensorView> &bias,
              const TensorView &out) {
  if (plan.images_per_call > 0 && plan.images_per_call < g.batch) {
    Plan slice_plan = plan;
    slice_plan.images_per_call = 0;
    for (int64_t first = 0; first < g.batch; first += plan.images_per_call) {
      const int64_t images = std::min(plan.images_per_call, g.batch - first);
      run_plan(slice_plan, batch_slice(g, images), dim_slice(input, 0, first, images), weight, bias,
               dim_slice(out, 0, first, images));
    }
    return;
  }
  if (!plan.per_group) {
    run_kernel(*plan.kernel, plan.tile_order, plan.serial, g, input, weight, bias, out);
    return;
  }
  const ConvGeometry one = per_group_geometry(g);
  const size_t channel_dim = input.shape().size() - 3;  // C of (N, C, H, W) or (C, H, W)
  for (int64_t group = 0; group < g.groups; ++group) {
    std::optional<ConstTensorView> group_bias;
    if (bias) group_bias = dim_slice(*bias, 0, group * one.out_channels, one.out_channels);
    run_kernel(*plan.kernel, plan.tile_order, plan.serial, one,
               dim_slice(input, channel_dim, group * one.in_channels, one.in_channels),
               dim_slice(weight, 0, group * one.in_channels, one.in_channels), group_bias,
               dim_slice(out, channel_dim, group * one.out_channels, one.out_channels));
  }
}

Plan measured_plan(const ConvGeometry &g, const Plan &plan,
                   const std::function<void(const Plan &)> &run) {
  if (plan.kernel->device_interface != nullptr) return plan;
  if (planning().load(std::memory_order_relaxed) != Planning::kMeasure) return plan;
  const std::lock_guard<std::mutex> lock(planning_mutex());
  if (planning().load(std::memory_order_relaxed) != Planning::kMeasure) return plan;
  const GeometryKey key = key_of(g);
  auto found = measured_plans().find(key);
  if (found != measured_plans().end()) return found->second;
  // The rules' plan first, so a tie keeps it. cpu_plans lists the serial
  // candidates after those on the pool.
  std::vector<Timed> timed{{plan, seconds_for(plan, run, std::numeric_limits<double>::infinity())}};
  double best_seconds = timed.front().seconds;
  for (const Plan &candidate : cpu_plans(g)) {
    if (same_plan(candidate, plan)) continue;
    if (candidate.serial && best_seconds >= kSerialWorthTiming) continue;
    timed.push_back({candidate, seconds_for(candidate, run, 2 * best_seconds)});
    best_seconds = std::min(best_seconds, timed.back().seconds);
  }
  std::stable_sort(timed.begin(), timed.end(),
                   [](const Timed &a, const Timed &b) { return a.seconds < b.seconds; });
  const Plan best = final_choice(std::move(timed), run);
  measured_plans()[key] = best;
  return best;
}

}  // namespace detail

void set_planning(Planning p) {
  const std::lock_guard<std::mutex> lock(detail::planning_mutex());
  detail::planning().store(p, std::memory_order_relaxed);
  detail::measured_plans().clear();
}

}  // namespace convt
