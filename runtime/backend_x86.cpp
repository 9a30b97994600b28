// x86-64 kernels: AVX2+FMA (the baseline), AVX-512 where the CPU has it, and
// an SSE4.1 fallback for CPUs without AVX2.
#include <cpuid.h>

#include <cstdlib>
#include <cstring>

#include "backends.h"
#include "convt_x86_avx2.h"
#include "convt_x86_avx512.h"
#include "convt_x86_sse41.h"
#include "cpu_kernel.h"
#include "tile_order.h"

namespace convt::detail {

namespace {

bool has_f16c() {
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
}

// The AVX2 kernel's Halide target also enables FMA and F16C.
bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
}

// The AVX-512 kernel's target is Halide's avx512_skylake: F, CD, VL, BW, DQ.
bool has_avx512() {
  __builtin_cpu_init();
  return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd") &&
         __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512dq");
}

// CONVT_MAX_CPU_ISA=avx2 or =sse41 caps the choice (to test or compare the
// narrower flavours).
bool capped_to(const char *isa) {
  const char *cap = std::getenv("CONVT_MAX_CPU_ISA");
  return cap != nullptr && std::strcmp(cap, isa) == 0;
}

// Each with the tiles its generator built it with: the target's, and the
// build's knobs (-DCONVT_SCHEDULE).
constexpr convt_tiles::CpuTiles avx512_tiles =
    convt_tiles::with_knobs(convt_tiles::kX86Avx512Tiles, CONVT_KNOBS_x86_avx512);
constexpr Kernel avx512 = cpu_kernel_with_tiles("x86-avx512", CONVT_KERNEL_BY_ORDER_x86_avx512,
                                                avx512_tiles, convt_tiles::kAvx512Lanes);
constexpr convt_tiles::CpuTiles avx2_tiles =
    convt_tiles::with_knobs(convt_tiles::kX86Avx2Tiles, CONVT_KNOBS_x86_avx2);
constexpr Kernel avx2 = cpu_kernel_with_tiles("x86-avx2", CONVT_KERNEL_BY_ORDER_x86_avx2,
                                              avx2_tiles, convt_tiles::kAvx2Lanes);
constexpr Kernel sse41 = cpu_kernel_with_tiles(
    "x86-sse41", CONVT_KERNEL_BY_ORDER_x86_sse41,
    convt_tiles::with_knobs(convt_tiles::kX86Avx2Tiles, CONVT_KNOBS_x86_sse41),
    convt_tiles::kSse41Lanes);
static_assert(has_every_order(avx512) && has_every_order(avx2) && has_every_order(sse41));

const Kernel &choose() {
  if (capped_to("sse41") || !has_avx2()) return sse41;
  if (capped_to("avx2") || !has_avx512()) return avx2;
  return avx512;
}

// The width in columns of the direct GEMM's tile for `pixels` pixels (at
// most tiles.x_channels) in a kernel of `tiles` and `lanes`.
int64_t direct_gemm_width(const convt_tiles::CpuTiles &tiles, int lanes, int64_t pixels) {
  return int64_t{convt_tiles::direct_gemm_tile(tiles, pixels).vectors} * lanes;
}

// Phase rows narrower than the AVX-512 x tile (32 columns) run faster on
// the AVX2 kernel, whose x tiles are 16 wide, unless they fill the AVX-512
// channel tiles (32 channels). Measured: centernet_dw_up (depthwise, 16
// columns) 0.9 against 1.9 ms, fcn32s_upscore (16 columns, 21 channels)
// 14.5 against 27.5 ms; pix2pix_unet_mid (16 columns, 256 channels) stays
// faster on AVX-512, 6.8 against 11.1 ms.
//
// Nor do narrow rows that run the direct GEMM of a few pixels
// (convt_tiles::direct_gemm_tile) where its columns fill the AVX-512 tile
// (1 pixel x 384 columns to 12 x 32) without computing a quarter more
// columns than AVX2's tile, and the AVX2 kernel's rules take columns too,
// or its phase tiles would idle as much: one pass over the weights in tiles
// twice as wide. AMD EPYC Zen 4, both cores, `layer_bench` (the rules'
// plan) before and after the direct GEMM's tiles and these rules, best of 2
// runs each, on the 179 layers of at most 12 input pixels and 16 or more
// input channels per group among the random seeds 1 to 40, the zoo,
// shapes.json and dcgan_g_first in batches of 1 to 16: of the 80 taking
// 0.02 ms or more, 45 ran faster by over 10% (pix2pix_unet_up2x2, 4 pixels,
// 4.86 to 2.40 ms; random32_23 3.17 to 0.54; random22_36 71.0 to 39.8), 2
// slower (random12_0, 10 1 x 1 inputs: 0.018 to 0.040 ms; random14_26 0.036
// to 0.045), geometric mean 0.71x.
//
// So does a columns GEMM of at most an AVX2 strip of columns (taps x C_out
// per group, in strips of the x tile's width): AVX-512's strips of 32 would
// compute twice the columns or more, which ties where AVX-512 runs twice
// AVX2's multiply-adds and loses where it runs as many (Zen 4). AMD EPYC
// Zen 4, both cores, `layer_bench --plans`, the columns plans of the 33
// layers of at most 3 output channels and at most 16 such columns among
// the random seeds 1 to 40, the zoo and shapes.json: AVX2 faster on 28, by
// up to 2.1x (random13_42, 4 columns: 3.2 ms against 6.7; random16_21, 9:
// 2.8 against 5.3), AVX-512 on 5, by up to 1.27x (random1_40, 9 columns,
// stride 1: 15.7 against 19.9).
//
// Nor do narrow rows whose columns GEMM, over more pixels than the direct
// GEMM's tile, fills at least one AVX-512 strip and computes at most a
// quarter more columns than AVX2's strips, where the AVX2 kernel's rules
// take columns too: the GEMM has no phase rows, and its wider strips pass
// over the pixels half as often. Intel Xeon (family 6 model 167), both
// cores, `layer_bench --plans --order 5` on the 54 layers of phase rows
// under 32 columns, more than 12 pixels and over 16 columns among the
// random seeds 1 to 30, the zoo and shapes.json that the rules ran as
// AVX2 columns: 24 faster by over 10% (random25_33 9.72 to 6.65 ms,
// random2_4 8.56 to 6.16, random12_34 1.02 to 0.72), 4 slower, each under
// 0.1 ms (random3_49, 28 pixels: 0.058 to 0.072), geometric mean 0.91x.
// So do those where AVX-512's rules take the columns over its own idle
// channel tiles (columns_beat_idle_channel_tiles), whatever the AVX2
// kernel's rules take: of 13 such layers among the random seeds 1 to 30
// (same machine), the AVX-512 GEMM ran faster than the AVX2 kernel's
// channel tiles on 9 (random17_3 2.0 ms against 4.3, random20_14 1.9
// against 3.4, random14_42 0.069 against 0.203), slower on 3 (random16_12
// 0.083 against 0.036, random30_34 0.167 against 0.154, random22_30 12.7
// against 12.1), even on random9_11.
//
// And so do depthwise layers: each channel of a tile reads its own input,
// a load per multiply-add, so AVX-512's wider tiles (13 channels, or 32
// columns) gain nothing and idle more. AMD EPYC Zen 4, both cores,
// `layer_bench --plans` on the 65 depthwise layers of the random seeds 1
// to 20, the zoo and shapes.json: the fastest AVX2 plan 1.065x the fastest
// plan in geometric mean, the fastest AVX-512 plan 1.19x. (On an Intel
// Xeon with AVX-512, report cpu_2026-12-03_xeon_random, the AVX2 tier ran
// the seed's depthwise layers faster than the default tier, random1_25
// 23.3 ms against 28.6, random1_34 48.1 against 63.1.)
bool avx2_is_faster(const ConvGeometry &g) {
  const bool narrow_rows = g.out_width / g.stride[1] < avx512.x_tile.columns;
  const int32_t order = convt_order::channel_tiles_base(
      cpu_tile_order(g, avx512.x_tile, avx512.channel_tiles, avx512.wide_x_tile));
  const bool full_channel_tiles = (order == convt_order::kChannelTilesAlongX ||
                                   order == convt_order::kChannelTilesAlongImages ||
                                   order == convt_order::kChannelTilesAlongMoreImages) &&
                                  g.out_channels >= 32;
  const bool columns = order == convt_order::kColumns;
  const int64_t gemm = g.columns_per_group();
  const bool narrow_gemm = columns && gemm <= avx2.x_tile.columns;
  const int64_t pixels = g.batch * g.in_height * g.in_width;
  // Whole tiles (the last one shifted inwards) of each flavour's width.
  const auto computed = [gemm](int64_t width) { return (gemm + width - 1) / width * width; };
  const bool avx2_takes_columns =
      columns &&
      cpu_tile_order(g, avx2.x_tile, avx2.channel_tiles, avx2.wide_x_tile) == convt_order::kColumns;
  bool direct_gemm = false;
  if (columns && pixels <= avx512.x_tile.channels) {
    const int64_t wide = direct_gemm_width(avx512_tiles, convt_tiles::kAvx512Lanes, pixels);
    const bool fills_tile =
        gemm >= wide &&
        (pixels > avx2.x_tile.channels ||
         computed(wide) * 4 <=
             computed(direct_gemm_width(avx2_tiles, convt_tiles::kAvx2Lanes, pixels)) * 5);
    const bool avx2_no_better =
        avx2_takes_columns ||
        columns_beat_idle_tiles(g, avx2.x_tile, avx2.channel_tiles, avx2.wide_x_tile);
    direct_gemm = fills_tile && avx2_no_better;
  }
  const int64_t strip = avx512.x_tile.columns;
  const bool full_strips =
      columns && pixels > avx512.x_tile.channels && gemm >= strip &&
      computed(strip) * 4 <= computed(avx2.x_tile.columns) * 5 &&
      (avx2_takes_columns ||
       columns_beat_idle_channel_tiles(g, avx512.x_tile, avx512.channel_tiles, avx512.wide_x_tile));
  return (narrow_rows && !full_channel_tiles && !direct_gemm && !full_strips) || narrow_gemm ||
         g.depthwise();
}

}  // namespace

bool has_cpu_kernel() { return true; }

const Kernel &cpu_kernel() {
  static const Kernel &chosen = choose();
  return chosen;
}

const Kernel &cpu_kernel_for(const ConvGeometry &g) {
  const Kernel &best = cpu_kernel();
  return &best == &avx512 && avx2_is_faster(g) ? avx2 : best;
}

std::vector<const Kernel *> cpu_kernels() {
  const Kernel &best = cpu_kernel();
  if (&best == &avx512) return {&avx512, &avx2};
  return {&best};
}

}  // namespace convt::detail
