// x86-64 schedule for conv_transpose2d.
//
// The hot loop is one phase's stride-1 correlation over a register tile of
// accumulators, in the order the caller's tile_order picks: along x, (qx
// vectors) x (output channels) fed per (input channel, tap) by input vector
// loads and one broadcast weight per channel; or along channels, (qx
// positions) x (channel vectors) fed by packed weight vectors and one
// broadcast input per position. Outputs are written phase by phase.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

namespace {

// Register tile of one phase row: qx lanes x output channels. AVX2 has 16 ymm
// registers: 2 vectors x 6 channels = 12 accumulators cover the FMA latency
// (4 cycles, 2 ports) and leave room for the input vectors and a broadcast.
// (Tiles over several rows would need RVar reordering, which Halide forbids
// for an update whose stores it cannot prove disjoint.)
struct X86Tiles {
  int vectors = 2;   // qx vectors per tile
  int channels = 6;  // output channels per tile: each reuses the input loads
};

// Channel tiles (tile_order 1), for phase rows too narrow for x vectors: 6
// qx positions x 2 vectors of output channels = 12 accumulators, fed per
// (input channel, tap) by 2 weight vectors from a channel-innermost copy of
// the weights and 6 broadcast inputs.
struct X86ChannelTiles {
  int columns = 6;
  int channel_vectors = 2;
};

}  // namespace

void schedule_x86(ConvTranspose2dFuncs &f, const Target &target) {
  const X86Tiles t;
  const X86ChannelTiles ct;
  const int vec = target.natural_vector_size<float>();
  const int wide = vec * t.vectors;
  const int channel_tile = vec * ct.channel_vectors;

  // Phase tables: a handful of integers per call.
  for (AxisPhases *a : {&f.phase_x, &f.phase_y}) {
    a->step_search.compute_root();
    a->first_tap_search.compute_root();
  }

  // Zero-bordered input, one pass, so the hot loop has no bounds tests.
  f.input_padded.compute_root().parallel(f.n).vectorize(f.x, vec, TailStrategy::GuardWithIf);

  // Output, in phase space: for each (n, channel block) in parallel, every
  // phase and row, then register tiles along qx. Distinct (qx, qy, rx, ry)
  // write distinct pixels, which Halide cannot prove through o = q * s + r:
  // allow_race_conditions permits the parallel RVar.
  RVar qx = f.r_out.x, qy = f.r_out.y, rx = f.r_out.z, ry = f.r_out.w;
  RVar qxo("qxo"), qxi("qxi");
  Var coo("coo"), coi("coi"), tile("tile");
  Expr dilation_1 = f.phase_x.dilation == 1 && f.phase_y.dilation == 1;
  auto tile_output = [&](Stage s) {
    s.allow_race_conditions()
        .split(qx, qxo, qxi, wide, TailStrategy::GuardWithIf)
        .split(f.co, coo, coi, t.channels, TailStrategy::GuardWithIf)
        .reorder(qxi, coi, qxo, qy, rx, ry, coo, f.n)
        .fuse(coo, f.n, tile)
        .parallel(tile)
        .parallel(qy)  // rows too, for single images with few channel blocks
        .vectorize(qxi, vec)
        .unroll(coi);
  };
  // Specializations, each with the same tiling. Dilation 1 (nearly every
  // real layer) makes the phase geometry closed-form arithmetic, hoisted out
  // of the FMA loop instead of table loads; stride 1 along x stores whole
  // vectors (otherwise a strided scatter); groups 1 and depthwise fold the
  // channel-group arithmetic away. (A stride-2 case measured no faster: its
  // stores stay strided and are not the bottleneck.)
  Stage out = f.output.update(0);
  Expr stride_x_1 = f.phase_x.stride == 1;
  Expr depthwise = f.in_channels_per_group == 1 && f.out_channels_per_group == 1;
  Expr groups_1 = f.groups == 1;

  for (const Expr &case_ : {dilation_1 && stride_x_1 && groups_1, dilation_1 && groups_1,
                            dilation_1 && depthwise, dilation_1}) {
    tile_output(out.specialize(case_));
  }
  tile_output(out);

  // Channel tiles (update 1): channels innermost (vectorized), then the
  // positions; images inside channel blocks, so the packed weights serve
  // them all.
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

  // The accumulator tile lives in registers: computed per tile, vectorized
  // over qx and unrolled over channels; input channels innermost in the
  // reduction so the tap guards stay outside the FMA loop. bound_extent fixes
  // the tile size even for a row's last, partial tile (else the accumulators
  // spill to memory); phase rows narrower than the tile compute idle lanes.
  f.phase_sum.compute_at(f.output, qxo).bound_extent(f.qx, wide).bound_extent(f.co, t.channels);
  f.phase_sum.vectorize(f.qx, vec).unroll(f.qx).unroll(f.co);
  f.phase_sum.update()
      .reorder(f.qx, f.co, f.r.x, f.r.z, f.r.y, f.qy, f.n, f.rx, f.ry)
      .vectorize(f.qx, vec)
      .unroll(f.qx)
      .unroll(f.co);

  // Channel tiles in registers; the weights they read are repacked once per
  // channel block (shared by every image and row), channels innermost, so
  // each (tap, input channel) is one dense vector load per 8 channels.
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
