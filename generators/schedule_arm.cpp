// AArch64 NEON schedule for conv_transpose2d.
//
// The machine model: 32 vector registers of 128 bits (4 float32 lanes), and
// a fused multiply-add (fmla) with 4-cycle latency issued on 2 pipes on the
// common big cores (Cortex-A76/A78/X1, Neoverse N1/V1), so at least 8
// independent accumulators must be in flight. With twice the registers of
// AVX2 and half the lanes, the register tile is shaped by register count, not
// by vector width: 24 accumulators, leaving 8 registers for the operands.
//
// The loop structure follows the phase decomposition: one phase's stride-1
// correlation per register tile, either along x (input vectors times
// broadcast weights) or along output channels (packed weight vectors times
// broadcast inputs), picked per call by tile_order.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

namespace {

// x tiles (tile_order 0): 4 qx vectors (16 columns) x 6 output channels = 24
// fmla accumulators. Per (input channel, tap) that is 4 input loads and 6
// weight broadcasts (ld1r) for 24 fmla: 10 loads per 24 FMAs keeps the two
// load pipes below the FMA rate. Live registers: 24 + 4 inputs + 1-2
// broadcasts <= 30 of 32. 16 columns is also the AVX2 tile's width, so one
// dispatcher threshold (runtime/cpu_tile_order.cpp) serves both.
struct NeonXTiles {
  int vectors = 4;
  int channels = 6;
};

// Channel tiles (tile_order 1), for phase rows too narrow for x vectors:
// 6 qx positions x 4 vectors (16) of output channels = 24 accumulators, fed
// per (input channel, tap) by 4 packed weight vectors and 6 broadcast inputs.
// 16 channels deep matches the dispatcher's C_out >= 16 rule.
struct NeonChannelTiles {
  int columns = 6;
  int channel_vectors = 4;
};

// The zero-bordered input copy: 4 q registers per iteration, so the loads and
// stores stream at full width.
constexpr int kPadVectors = 4;

}  // namespace

void schedule_arm(ConvTranspose2dFuncs &f, const Target &target) {
  const NeonXTiles t;
  const NeonChannelTiles ct;
  const int vec = target.natural_vector_size<float>();  // 4 on NEON
  const int wide = vec * t.vectors;
  const int channel_tile = vec * ct.channel_vectors;

  // Phase tables: a handful of integers per call.
  for (AxisPhases *a : {&f.phase_x, &f.phase_y}) {
    a->step_search.compute_root();
    a->first_tap_search.compute_root();
  }

  // Zero-bordered input, once, so the fmla loop has no bounds tests.
  f.input_padded.compute_root().parallel(f.n).vectorize(f.x, vec * kPadVectors,
                                                        TailStrategy::GuardWithIf);

  // x tiles. Per (n, block of 6 channels) in parallel, then each phase row
  // (also parallel: single images with few channels still use every core),
  // then 16-column register tiles along qx. Distinct (qx, qy, rx, ry) write
  // distinct pixels, which Halide cannot prove through o = q * s + r, hence
  // allow_race_conditions.
  RVar qx = f.r_out.x, qy = f.r_out.y, rx = f.r_out.z, ry = f.r_out.w;
  RVar qxo("qxo"), qxi("qxi");
  Var coo("coo"), coi("coi"), tile("tile");
  auto tile_x = [&](Stage s) {
    s.allow_race_conditions()
        .split(qx, qxo, qxi, wide, TailStrategy::GuardWithIf)
        .split(f.co, coo, coi, t.channels, TailStrategy::GuardWithIf)
        .reorder(qxi, coi, qxo, qy, rx, ry, coo, f.n)
        .fuse(coo, f.n, tile)
        .parallel(tile)
        .parallel(qy)
        .vectorize(qxi, vec)
        .unroll(coi);
  };
  // Specializations: dilation 1 turns the phase geometry into closed forms
  // hoisted out of the fmla loop (no table loads); stride 1 along x stores
  // whole q registers (st1) instead of lane-by-lane scatters; groups 1 and
  // depthwise remove the channel-group arithmetic from the addressing.
  Expr dilation_1 = f.phase_x.dilation == 1 && f.phase_y.dilation == 1;
  Expr stride_x_1 = f.phase_x.stride == 1;
  Expr groups_1 = f.groups == 1;
  Expr depthwise = f.in_channels_per_group == 1 && f.out_channels_per_group == 1;
  Stage by_x = f.output.update(0);
  for (const Expr &case_ : {dilation_1 && stride_x_1 && groups_1, dilation_1 && groups_1,
                            dilation_1 && depthwise, dilation_1}) {
    tile_x(by_x.specialize(case_));
  }
  tile_x(by_x);

  // The x tile's accumulators: bound_extent pins the tile to 16 x 6 even for
  // a row's last, partial tile, so they stay in registers (a variable extent
  // would spill them); input channels innermost in the reduction keep the tap
  // guards out of the fmla loop.
  f.phase_sum.compute_at(f.output, qxo).bound_extent(f.qx, wide).bound_extent(f.co, t.channels);
  f.phase_sum.vectorize(f.qx, vec).unroll(f.qx).unroll(f.co);
  f.phase_sum.update()
      .reorder(f.qx, f.co, f.r.x, f.r.z, f.r.y, f.qy, f.n, f.rx, f.ry)
      .vectorize(f.qx, vec)
      .unroll(f.qx)
      .unroll(f.co);

  // Channel tiles: per block of 16 output channels in parallel (the packed
  // weights are shared by every image and row inside it), then rows, then
  // 6-column register tiles.
  RVar cqx = f.r_out_by_channel.x, cqy = f.r_out_by_channel.y;
  RVar crx = f.r_out_by_channel.z, cry = f.r_out_by_channel.w;
  RVar cqxo("cqxo"), cqxi("cqxi");
  Var ccoo("ccoo"), ccoi("ccoi");
  auto tile_channels = [&](Stage s) {
    s.allow_race_conditions()
        .split(cqx, cqxo, cqxi, ct.columns, TailStrategy::GuardWithIf)
        .split(f.co, ccoo, ccoi, channel_tile, TailStrategy::GuardWithIf)
        .reorder(ccoi, cqxi, cqxo, cqy, crx, cry, f.n, ccoo)
        .parallel(ccoo)
        .parallel(cqy)
        .vectorize(ccoi, vec)
        .unroll(cqxi);
  };
  Stage by_channel = f.output.update(1);
  tile_channels(by_channel.specialize(dilation_1 && groups_1));
  tile_channels(by_channel);

  f.phase_sum_by_channel.compute_at(f.output, cqxo)
      .bound_extent(f.qx, ct.columns)
      .bound_extent(f.co, channel_tile)
      .reorder_storage(f.co, f.qx, f.qy, f.n, f.rx, f.ry)  // channel vectors contiguous
      .reorder(f.co, f.qx, f.qy, f.n, f.rx, f.ry)
      .vectorize(f.co, vec)
      .unroll(f.co)
      .unroll(f.qx);
  f.phase_sum_by_channel.update()
      .reorder(f.co, f.qx, f.r.x, f.r.z, f.r.y, f.qy, f.n, f.rx, f.ry)
      .vectorize(f.co, vec)
      .unroll(f.co)
      .unroll(f.qx);
  // Weights repacked per channel block, output channels innermost: each
  // (tap, input channel) is then 4 consecutive q-register loads (ldp/ldr q).
  Func packed = f.weight_zero_outside;
  const std::vector<Var> w = packed.args();  // (kx, ky, co, ci)
  packed.compute_at(f.output, ccoo)
      .reorder_storage(w[2], w[0], w[1], w[3])
      .reorder(w[2], w[0], w[1], w[3])
      .vectorize(w[2], vec, TailStrategy::GuardWithIf);

  // Edge columns (at most s_x - 1 per row): one pixel at a time.
  Stage edge = f.output.update(2);
  edge.allow_race_conditions().reorder(f.r_edge.x, f.co, f.r_edge.y, f.r_edge.z, f.n).parallel(f.n);
  f.phase_sum_edge.compute_at(f.output, f.r_edge.x);
}

}  // namespace convt_gen
