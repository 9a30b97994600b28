// GPU schedule for conv_transpose2d (CUDA; also built for OpenCL so the same
// schedule is tested on the CPU through PoCL).
//
// Like the CPU schedules it works in phase space, one launch per phase
// (rx, ry). Each launch is a grid of blocks over (phase rows, output channel
// blocks x images); a block walks its row in column tiles, and every thread
// keeps a small register tile of accumulators (adjacent columns x adjacent
// channels), so each input it reads feeds several channels and each weight
// several columns.
//
// Two evaluation orders, picked by the runtime (runtime/backend_gpu.cpp):
// - tile_order 0, dilation 1 and groups 1 (nearly every real layer): the
//   reduction runs over chunks of input channels and the phase's taps; for
//   each (chunk, tap) the block first copies the input row segment and the
//   tap's weights into shared memory, taking the weights from the
//   phase-space view (weight_phase), where a phase's taps are adjacent.
// - tile_order 1, every other layer (dilation, groups, depthwise): the same
//   tiles without staging, reading inputs and weights through the L1 cache.
//   With groups a channel block can span many groups, so a staged input tile
//   would be as large as the groups it spans.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

namespace {

// Default tiles. They are 8 phase columns wide: phase rows of real layers
// are often only 4 to 16 columns wide (the stride divides them), so wider x
// tiles would leave threads idle. ptxas reports no spills for these sizes
// (tests: ptxas_no_spills).
// Staged: 64 threads, 2 x 4 accumulators each, 16 input channels a stage.
constexpr GpuTiles kStagedTiles{4, 2, 16, 4, 16};
// Unstaged: 128 threads, 2 x 2 accumulators each.
constexpr GpuTiles kCachedTiles{4, 2, 32, 2, 0};

// A sum computed per output value, held in a register. Without the constant
// size Halide would place it in a device heap buffer sized by the grid, which
// is empty (and refused by the runtime) when the update has no work.
void one_value_in_registers(Func sum) {
  sum.store_in(MemoryType::Register);
  for (const Var &v : sum.args()) sum.bound_extent(v, 1);
}

// Schedules the output update that writes domain `d` = (qx, qy, rx, ry):
// one launch per phase, blocks over (qy, channel blocks x images), threads
// over (qx, channels) holding `t`'s register tile, column tiles walked by
// the block (qxo). Column tiles are not a grid dimension: an output narrower
// than the stride has none, and CUDA rejects an empty grid. Halide keeps an
// update's RVars in their declared order, so the phases sit outside qx and
// qy; fusing them into the block index would lose the exact bound of rx.
void tile_rows(Stage s, const RDom &d, const Var &co, const Var &n, const GpuTiles &t,
               const RVar &qxo) {
  RVar qxi("qxi"), qxr("qxr"), qxt("qxt");
  Var coo("coo"), coi("coi"), cor("cor"), cot("cot"), cn("con");
  s.allow_race_conditions()
      .split(d.x, qxo, qxi, t.tile_x(), TailStrategy::GuardWithIf)
      .split(qxi, qxt, qxr, t.columns)
      .split(co, coo, coi, t.tile_c(), TailStrategy::GuardWithIf)
      .split(coi, cot, cor, t.channels)
      .reorder(qxr, cor, qxt, cot, qxo, d.y, coo, n, d.z, d.w)
      .fuse(coo, n, cn)
      .gpu_blocks(d.y, cn)
      .gpu_threads(qxt, cot)
      .unroll(qxr)
      .unroll(cor);
}

// `sum`'s values for one column tile, computed at the block's `qxo` loop and
// held in registers: each thread its columns x channels (the same thread
// mapping as tile_rows' stores). The update runs `inner` reduction loops
// inside the thread's tile loops and `outer` ones outside the thread loops
// (outer loops are the block's, where shared-memory stages can sit).
void tile_in_registers(ConvTranspose2dFuncs &f, Func sum, const RVar &qxo, const GpuTiles &t,
                       const std::vector<RVar> &inner, const std::vector<RVar> &outer) {
  Var pqt("pqt"), pqr("pqr"), pct("pct"), pcr("pcr");
  sum.compute_at(f.output, qxo)
      .store_in(MemoryType::Register)
      .bound_extent(f.qx, t.tile_x())
      .bound_extent(f.co, t.tile_c())
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
  std::vector<VarOrRVar> order = {pqr, pcr};
  order.insert(order.end(), inner.begin(), inner.end());
  order.insert(order.end(), {pqt, pct});
  order.insert(order.end(), outer.begin(), outer.end());
  sum.update()
      .split(f.qx, pqt, pqr, t.columns)
      .split(f.co, pct, pcr, t.channels)
      .reorder(order)
      .gpu_threads(pqt, pct)
      .unroll(pqr)
      .unroll(pcr);
}

// Stages `tile` in shared memory at `at`: all of the block's threads load it
// together, its dimension `a` across threads.x (consecutive threads read
// consecutive elements where the source is contiguous there) and `b` across
// threads.y. Each dimension is split on its own: fusing them would make
// bounds inference of the source go through divisions and lose its bounds.
void stage_in_shared(Func tile, const Func &consumer, const RVar &at, const Var &a, const Var &b,
                     const GpuTiles &t) {
  Var ao("ao"), ai("ai"), bo("bo"), bi("bi");
  tile.compute_at(consumer, at)
      .store_in(MemoryType::GPUShared)
      .split(a, ao, ai, t.threads_x, TailStrategy::GuardWithIf)
      .split(b, bo, bi, t.threads_c, TailStrategy::GuardWithIf)
      .reorder(ai, bi, ao, bo)
      .gpu_threads(ai, bi);
}

}  // namespace

GpuSchedule gpu_tiles(const Target &target) {
  (void)target;  // one choice for CUDA and OpenCL alike
  return {kStagedTiles, kCachedTiles};
}

std::string gpu_schedule_problem(const GpuSchedule &s) {
  for (const GpuTiles *t : {&s.staged, &s.cached}) {
    const char *which = t == &s.staged ? "staged" : "cached";
    if (t->threads_x * t->threads_c > 1024) {
      return std::string(which) + " tiles: " + std::to_string(t->threads_x * t->threads_c) +
             " threads a block, more than the 1024 GPUs allow";
    }
  }
  // Found on the OpenCL sweep (PoCL): with fewer staged input channels than
  // channel threads, so that some threads never stage anything, results
  // are wrong (79 of 124 Tiles cases, a 1x1 kernel among them). Chunks of
  // at least one channel per thread, multiples of it or not, are right.
  if (s.staged.ci_chunk < s.staged.threads_c) {
    return "staged tiles: ci_chunk " + std::to_string(s.staged.ci_chunk) + " is below threads_c " +
           std::to_string(s.staged.threads_c) +
           " (each channel thread must stage at least one input channel)";
  }
  return "";
}

void schedule_gpu(ConvTranspose2dFuncs &f, const Target &target, const GpuSchedule &s) {
  (void)target;

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

  // tile_order 0, staged. Dilation 1 and groups 1 turn the phase geometry and
  // channel-group arithmetic into closed forms outside the reduction. The
  // runtime (runtime/backend_gpu.cpp) sends every other layer to tile_order
  // 1, where this domain is empty. The general branch is right for dilation
  // with groups 1 but not for groups > 1: the staged input tile's fixed
  // channel extent (below) assumes a channel block stays in one group. The
  // runtime's rule is the guard, and the grouped sweep cases on OpenCL fail
  // if it breaks; a specialize_fail here moved the register tiles to local
  // memory.
  const GpuTiles &st = s.staged;
  RVar qxo("qxo");
  Stage staged = f.output.update(0);
  tile_rows(staged.specialize(f.phase_x.dilation == 1 && f.phase_y.dilation == 1 && f.groups == 1),
            f.r_out, f.co, f.n, st, qxo);
  tile_rows(staged, f.r_out, f.co, f.n, st, qxo);

  // Per (chunk of input channels, tap row, tap column) the block stages the
  // input row segment (tile_x x chunk) and the tap's weights (tile_c x
  // chunk), then every thread runs the chunk with its register tile
  // innermost. Staging per tap rather than per chunk keeps shared memory at a
  // few KB for any kernel size (a 64 x 64 kernel at stride 1 has 4096 taps a
  // phase).
  RVar rco("rco"), rci("rci");
  f.phase_sum.update().split(f.r.x, rco, rci, st.ci_chunk, TailStrategy::GuardWithIf);
  tile_in_registers(f, f.phase_sum, qxo, st, {rci}, {f.r.z, f.r.y, rco});
  // Input rows: columns across threads.x (coalesced), channels across
  // threads.y. Weights: output channels across threads.x (kept innermost in
  // shared memory, as the threads read them), input channels across
  // threads.y.
  // Fixed sizes where bounds inference allows them, so more shared-memory
  // addresses are constant offsets in the hot loop: a chunk may overhang the
  // last input channel and a channel block C_out (input_padded and
  // weight_phase clamp those reads; the sums they feed are discarded). With
  // groups a channel block spans several groups' input channels, which is
  // why the runtime sends grouped layers to tile_order 1. The input segment
  // keeps an inferred size: the row predicate leaves its bounds loose.
  Func input_tile = f.input_padded.in(f.phase_sum);
  std::vector<Var> ia = input_tile.args();
  input_tile.bound_extent(ia[2], st.ci_chunk).bound_extent(ia[3], 1);
  stage_in_shared(input_tile, f.phase_sum, f.r.z, ia[0], ia[2], st);
  Func weight_tile = f.weight_phase.in(f.phase_sum);
  std::vector<Var> wa = weight_tile.args();
  weight_tile.bound_extent(wa[0], 1)
      .bound_extent(wa[1], 1)
      .bound_extent(wa[2], st.tile_c())
      .bound_extent(wa[3], st.ci_chunk)
      .bound_extent(wa[4], 1)
      .bound_extent(wa[5], 1);
  stage_in_shared(weight_tile, f.phase_sum, f.r.z, wa[2], wa[3], st);

  // tile_order 1, through the cache: the same tiling, and the reduction runs
  // over (input channel, tap row, tap column) with the register tile
  // innermost.
  const GpuTiles &ct = s.cached;
  RVar cqxo("cqxo");
  tile_rows(f.output.update(1), f.r_out_by_channel, f.co, f.n, ct, cqxo);
  tile_in_registers(f, f.phase_sum_by_channel, cqxo, ct, {f.r.z, f.r.y, f.r.x}, {});

  // tile_orders 2 and 3 (tiles along images on the CPU) are never chosen
  // for the GPU, but their updates must run on the device like the others
  // (a host stage would copy input_padded back): the same cached tiles.
  RVar iqxo("iqxo"), xqxo("xqxo");
  tile_rows(f.output.update(3), f.r_out_by_image, f.co, f.n, ct, iqxo);
  tile_in_registers(f, f.phase_sum_by_image, iqxo, ct,
                    {f.r_by_image.z, f.r_by_image.y, f.r_by_image.x}, {});
  tile_rows(f.output.update(4), f.r_out_x_images, f.co, f.n, ct, xqxo);
  tile_in_registers(f, f.phase_sum_x_images, xqxo, ct, {f.r.z, f.r.y, f.r.x}, {});

  // The edge columns (at most s_x - 1 per row): one output channel per
  // thread, each thread walking its row's columns; blocks over rows, channel
  // blocks and images, one launch per vertical phase.
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
