// GPU schedule for conv_transpose2d (CUDA; also built for OpenCL so the same
// schedule is tested on the CPU through PoCL).
//
// Like the CPU schedules it works in phase space, one launch per phase
// (rx, ry): a grid of blocks over (phase rows, 64 output channels x images),
// 128 threads each (4 along qx x 32 along channels), each block walking its
// row in tiles of 8 columns. Per tile, every thread keeps a 2 x 2 register
// tile of accumulators (2 adjacent columns x 2 adjacent channels) and runs
// the reduction over (input channel, tap row, tap column) with its 4 values
// innermost, so each input it loads feeds 2 channels and each weight 2
// columns. Inputs and weights are read through the L1 cache.
//
// Not done yet (see the README): staging input and weight tiles in shared
// memory. Weights are the harder part: a phase's taps lie s apart in the
// kernel, so a shared copy by kernel index spans the whole kernel (64 x 64
// for fcn32s_upscore) for the few taps used; it needs a phase-space copy.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

namespace {

// 128 threads a block, 4 values a thread, tiles of 8 phase columns x 64
// channels: phase rows of real layers are often only 4 to 16 columns wide
// (the stride divides them), so wider x tiles would leave threads idle.
// ptxas reports no spills (tests: ptxas_no_spills).
struct GpuTiles {
  int threads_x = 4;   // threads along qx
  int columns = 2;     // adjacent qx per thread
  int threads_c = 32;  // threads along output channels
  int channels = 2;    // adjacent output channels per thread
};

// A sum computed per output value, held in a register. Without the constant
// size Halide would place it in a device heap buffer sized by the grid, which
// is empty (and refused by the runtime) when the update has no work.
void one_value_in_registers(Func sum) {
  sum.store_in(MemoryType::Register);
  for (const Var &v : sum.args()) sum.bound_extent(v, 1);
}

}  // namespace

void schedule_gpu(ConvTranspose2dFuncs &f, const Target &target) {
  (void)target;
  const GpuTiles t;
  const int tile_x = t.threads_x * t.columns;
  const int tile_c = t.threads_c * t.channels;

  // Phase tables: a handful of integers per call, made on the host.
  for (AxisPhases *a : {&f.phase_x, &f.phase_y}) {
    a->step_search.compute_root();
    a->first_tap_search.compute_root();
  }

  // The zero border stays inline (a bounds select per load): a zero-bordered
  // copy would cost a pass over the input, and a GPU buffer for a region that
  // can be empty (outputs narrower than the stride), which Halide's GPU
  // runtimes refuse to allocate.

  // The output's pure definition is undefined (never computed); giving it a
  // GPU schedule too tells Halide that nothing touches the output on the host,
  // so callers' device-only output buffers are accepted.
  Var oxo("oxo"), oyo("oyo"), oxi("oxi"), oyi("oyi");
  f.output.gpu_tile(f.x, f.y, oxo, oyo, oxi, oyi, 32, 4, TailStrategy::GuardWithIf);

  // x tiles (tile_order 0, the only order the GPU dispatcher uses). One
  // kernel launch per phase (rx, ry), each a grid over (phase rows, 32
  // output channels x images); a block walks its row's 32-column tiles.
  // (Column tiles are not a grid dimension: an output narrower than the
  // stride has none, and CUDA rejects an empty grid.) Halide keeps an
  // update's RVars in their declared order, so the phases sit outside qx and
  // qy; fusing them into the block index would lose the exact bound of rx.
  RVar qx = f.r_out.x, qy = f.r_out.y, rx = f.r_out.z, ry = f.r_out.w;
  RVar qxo("qxo"), qxi("qxi"), qxr("qxr"), qxt("qxt");
  Var coo("coo"), coi("coi"), cor("cor"), cot("cot"), cn("con");
  auto tile_along_x = [&](Stage s) {
    s.allow_race_conditions()
        .split(qx, qxo, qxi, tile_x, TailStrategy::GuardWithIf)
        .split(qxi, qxt, qxr, t.columns)
        .split(f.co, coo, coi, tile_c, TailStrategy::GuardWithIf)
        .split(coi, cot, cor, t.channels)
        .reorder(qxr, cor, qxt, cot, qxo, qy, coo, f.n, rx, ry)
        .fuse(coo, f.n, cn)
        .gpu_blocks(qy, cn)
        .gpu_threads(qxt, cot)
        .unroll(qxr)
        .unroll(cor);
  };
  // Dilation 1 and groups 1 (nearly every real layer) turn the phase
  // geometry and channel-group arithmetic into closed forms outside the
  // reduction, instead of table loads and divisions in it.
  Stage by_x = f.output.update(0);
  tile_along_x(
      by_x.specialize(f.phase_x.dilation == 1 && f.phase_y.dilation == 1 && f.groups == 1));
  tile_along_x(by_x);

  // The block's accumulators, per column tile: each thread holds its 2 x 2
  // in registers (the same thread mapping as the stores above), and the
  // reduction runs over (input channel, tap row, tap column) with the 4
  // values innermost, so each input loaded feeds 2 channels and each weight
  // 2 columns.
  Var pqt("pqt"), pqr("pqr"), pct("pct"), pcr("pcr");
  f.phase_sum.compute_at(f.output, qxo)
      .store_in(MemoryType::Register)
      .bound_extent(f.qx, tile_x)
      .bound_extent(f.co, tile_c)
      .bound_extent(f.qy, 1)
      .bound_extent(f.n, 1)
      .bound_extent(f.rx, 1)
      .bound_extent(f.ry, 1)
      .split(f.qx, pqt, pqr, t.columns)
      .split(f.co, pct, pcr, t.channels)
      .reorder(pqr, pcr, pqt, pct)
      .gpu_threads(pqt, pct)
      .unroll(pqr)
      .unroll(pcr);
  f.phase_sum.update()
      .split(f.qx, pqt, pqr, t.columns)
      .split(f.co, pct, pcr, t.channels)
      .reorder(pqr, pcr, f.r.z, f.r.y, f.r.x, pqt, pct)
      .gpu_threads(pqt, pct)
      .unroll(pqr)
      .unroll(pcr);

  // Channel tiles (tile_order 1) and the edge columns (at most s_x - 1 per
  // row): one output channel per thread, each thread walking its row's
  // columns; blocks over rows, channel blocks and images, one launch per
  // vertical phase. (The phase-space domains are not fused into one index:
  // that would cost their exact bounds, as above.) The GPU dispatcher never
  // picks channel tiles; they stay correct for callers.
  const RDom &rc = f.r_out_by_channel;
  Var ccoo("ccoo"), ccoi("ccoi");
  f.output.update(1)
      .allow_race_conditions()
      .split(f.co, ccoo, ccoi, 64, TailStrategy::GuardWithIf)
      .reorder(rc.x, ccoi, rc.y, ccoo, f.n, rc.z, rc.w)
      .gpu_blocks(rc.y, ccoo, f.n)
      .gpu_threads(ccoi);
  f.phase_sum_by_channel.compute_at(f.output, rc.x);
  one_value_in_registers(f.phase_sum_by_channel);

  Var eco("eco"), eci("eci");
  f.output.update(2)
      .allow_race_conditions()
      .split(f.co, eco, eci, 64, TailStrategy::GuardWithIf)
      .reorder(f.r_edge.x, eci, f.r_edge.y, eco, f.n, f.r_edge.z)
      .gpu_blocks(f.r_edge.y, eco, f.n)
      .gpu_threads(eci);
  f.phase_sum_edge.compute_at(f.output, f.r_edge.x);
  one_value_in_registers(f.phase_sum_edge);
}

}  // namespace convt_gen
