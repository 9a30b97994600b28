// GPU schedules for conv_transpose2d (CUDA; also built for OpenCL so the same
// schedules are tested on the CPU through PoCL).
//
// All three kernels work on the GPU form of the algorithm
// (output_by_phase_pixels): each phase's pixels flattened into m, every
// phase of a call in one launch (the phases are the grid's z dimension), a
// block computing tile_m pixels of one phase x tile_c output channels, each
// thread a register tile of `pixels` x `channels` accumulators, summed over
// the phase's taps and input channels straight from global memory through
// the L1 cache. A warp's 32 threads hold 32 consecutive pixels per register
// (PixelFormOrder), so each of its input loads is one coalesced line.
//
// - gemm: dense layers (groups 1). The weights are
//   packed per phase with output channels innermost (a first launch), so a
//   thread's channels are one 128-bit load per 4, and the same for every
//   thread of a warp (a broadcast). Per input channel and tap: `pixels`
//   input loads and channels / 4 weight loads feed pixels x channels FFMA.
// - gemm_split: gemm with the reduction split into slices summed by a
//   third launch, for layers whose pixels x channels alone are too few
//   threads to fill the GPU (small planes, many input channels).
// - direct: every other layer (depthwise, narrow groups, few output
//   channels): the same tiles over the weights as given, one launch.
//
// Why no shared memory: staging A and B per block needs the reduction loop
// outside the thread loops, and then the block's accumulators are one
// allocation indexed by thread, which LLVM kept in registers only for tiles
// of 16 accumulators (32 KB of local memory per thread for 8 x 8). Tiles
// summed inside the thread have constant accumulator indices, so they stay
// in registers at any size; the L1 cache then does the staging's work of
// sharing inputs between the warps of a block. What limits them is memory
// latency: each step waits on its loads (H200, 2026-11-30: 9-15 TFLOP/s on
// the large layers, about a fifth of the FP32 peak).
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

namespace {

constexpr int kVector = 4;  // float32 lanes of a 128-bit load
// CUDA's limit on a grid's z (and y) dimension: phases beyond it take
// another launch (only strides far beyond real layers' have that many).
constexpr int kMaxGridZ = 65535;

}  // namespace

GpuTiles gpu_tiles(const Target &target, GpuKernel kernel) {
  (void)target;  // one choice for CUDA and OpenCL alike
  switch (kernel) {
    case GpuKernel::kGemm:
      return convt_gpu::kGemmTiles;
    case GpuKernel::kGemmSplit:
      return convt_gpu::kGemmSplitTiles;
    case GpuKernel::kDirect:
      break;
  }
  return convt_gpu::kDirectTiles;
}

std::string gpu_schedule_problem(GpuKernel kernel, const GpuTiles &t) {
  if (t.threads_m * t.threads_c > 1024) {
    return std::to_string(t.threads_m * t.threads_c) +
           " threads a block, more than the 1024 GPUs allow";
  }
  if (kernel != GpuKernel::kDirect && t.channels % kVector != 0) {
    return "gemm tiles: channels " + std::to_string(t.channels) + " must be a multiple of " +
           std::to_string(kVector) + " (128-bit weight loads)";
  }
  return "";
}

PixelFormOrder gpu_pixel_order(const GpuTiles &t) { return {t.k_unroll, t.threads_m, t.pixels}; }

namespace {

// The names of one tiling of a stage over (pixels, channels, phase): blocks
// over (pixel tiles, channel tiles, phases), threads over (pixels,
// channels), each thread `pixels` x `channels` values.
struct TileVars {
  RVar mo{"mo"}, mt{"mt"}, mr{"mr"};
  Var coo{"coo"}, ct{"ct"}, cr{"cr"};
};

// Tiles the output update (domain r_pixels). Every phase is in one launch,
// up to the grid's z limit.
void tile_output(ConvTranspose2dFuncs &f, Stage s, const GpuTiles &t, const TileVars &v) {
  RVar pm = f.r_pixels.x, prx = f.r_pixels.y, pry = f.r_pixels.z;
  RVar mi("mi"), phase("phase"), launch("launch"), phase_block("phase_block");
  Var coi("coi");
  const Expr phases_per_launch = min(f.r_pixels.y.extent() * f.r_pixels.z.extent(), kMaxGridZ);
  s.allow_race_conditions()
      .split(pm, v.mo, mi, t.tile_m(), TailStrategy::GuardWithIf)
      .split(mi, v.mt, v.mr, t.pixels)
      .split(f.co, v.coo, coi, t.tile_c(), TailStrategy::GuardWithIf)
      .split(coi, v.ct, v.cr, t.channels)
      .fuse(prx, pry, phase)
      .split(phase, launch, phase_block, phases_per_launch, TailStrategy::GuardWithIf)
      .reorder(v.mr, v.cr, v.mt, v.ct, v.mo, v.coo, phase_block, launch)
      .gpu_blocks(v.mo, v.coo, phase_block)
      .gpu_threads(v.mt, v.ct)
      .unroll(v.mr)
      .unroll(v.cr)
      .never_partition_all();
}

// A thread's register tile of `sum` (a Func over (m, co, rx, ry, ...)),
// computed at `at`: its update runs `reduction` (innermost first) with the
// tile innermost.
void tile_in_registers(Func sum, const LoopLevel &at, const ConvTranspose2dFuncs &f,
                       const GpuTiles &t, const std::vector<VarOrRVar> &reduction) {
  sum.compute_at(at).store_in(MemoryType::Register);
  for (const Var &v : sum.args()) {
    const std::string &n = v.name();
    sum.bound_extent(v, n == f.m.name() ? t.pixels : n == f.co.name() ? t.channels : 1);
  }
  std::vector<Var> storage = sum.args();
  std::swap(storage[0], storage[1]);  // channels innermost: dense 4-channel vectors
  sum.reorder_storage(storage).reorder(f.co, f.m).unroll(f.co).unroll(f.m);
  std::vector<VarOrRVar> order{f.co, f.m};
  order.insert(order.end(), reduction.begin(), reduction.end());
  sum.update().reorder(order).unroll(f.co).unroll(f.m).never_partition_all();
}

// Weights packed per phase, output channels innermost in rows of a whole
// number of vectors: a thread's channels are aligned 128-bit loads, the
// same for every thread of a warp.
void pack_weights(ConvTranspose2dFuncs &f) {
  Var pco("pco"), pci("pci"), rest("rest");
  f.weight_phase.compute_root()
      .reorder_storage(f.co, f.c, f.jx, f.jy, f.rx, f.ry)
      .align_storage(f.co, kVector)
      .reorder(f.co, f.c, f.jx, f.jy, f.rx, f.ry)
      .fuse(f.jx, f.jy, rest)
      .fuse(rest, f.rx, rest)
      .fuse(rest, f.ry, rest)
      .split(f.co, pco, pci, 64, TailStrategy::GuardWithIf)
      .gpu_blocks(pco, f.c, rest)
      .gpu_threads(pci);
}

void schedule_direct(ConvTranspose2dFuncs &f, const GpuTiles &t) {
  // Specializations, each its own kernel: dilation 1 or stride 1 per axis
  // (simpler phase arithmetic), with and without groups.
  Func out = f.output_by_phase_pixels;
  TileVars v;
  Stage by_pixels = out.update(kPixels);
  Expr simple = f.phase_x.simple && f.phase_y.simple;
  tile_output(f, by_pixels.specialize(simple && f.groups == 1), t, v);
  tile_output(f, by_pixels.specialize(simple), t, v);
  tile_output(f, by_pixels, t, v);
  RVar kco("kco"), kci("kci");
  f.pixel_sum.update().split(f.r_taps.x, kco, kci, t.k_unroll).unroll(kci);
  tile_in_registers(f.pixel_sum, LoopLevel(out, v.mt), f, t, {kci, kco, f.r_taps.z, f.r_taps.y});
}

void schedule_gemm(ConvTranspose2dFuncs &f, const GpuTiles &t) {
  Func out = f.output_by_phase_pixels;
  TileVars v;
  tile_output(f, out.update(kPixels), t, v);
  RVar kco("kco"), kci("kci");
  f.pixel_sum.update().split(f.r_taps.x, kco, kci, t.k_unroll).unroll(kci).vectorize(f.co, kVector);
  tile_in_registers(f.pixel_sum, LoopLevel(out, v.mt), f, t, {kci, kco, f.r_taps.z, f.r_taps.y});
  pack_weights(f);
}

// gemm with the reduction split across blocks (split-K), for layers whose
// pixels x channels alone give too few threads to fill the GPU: each slice
// of the input channels sums into its own partial tile (rfactor), a first
// launch computes every slice's tiles, and the output launch adds the
// slices, in their order, so results do not vary between runs.
void schedule_gemm_split(ConvTranspose2dFuncs &f, const GpuTiles &t) {
  Func out = f.output_by_phase_pixels;
  TileVars v;
  tile_output(f, out.update(kPixels), t, v);

  // Slices: convt_gpu::split_slices (generators/gpu_contract.h), so that the
  // runtime knows when this kernel applies.
  const Expr outputs = out.output_buffer().dim(0).extent() * out.output_buffer().dim(1).extent() *
                       out.output_buffer().dim(2).extent() * out.output_buffer().dim(3).extent();
  const Expr steps = f.r_taps.x.extent() / t.k_unroll;
  const Expr slices = convt_gpu::split_slices(outputs, steps);
  const Expr slice_channels = (steps + slices - 1) / slices * t.k_unroll;
  RVar kso("kso"), ksi("ksi"), kco("kco"), kci("kci");
  Var ks("ks");
  Stage update = f.pixel_sum.update();
  update.split(f.r_taps.x, kso, ksi, slice_channels, TailStrategy::GuardWithIf);
  Func partial = update.rfactor(kso, ks);
  tile_in_registers(f.pixel_sum, LoopLevel(out, v.mt), f, t, {kso});

  // The slices' tiles at the root: the same blocks and threads, the slices
  // beside the phases in the grid.
  Func slice_sums = partial.in(f.pixel_sum);
  Var mo("mo"), mi("mi"), mt("mt"), mr("mr"), coo("coo"), coi("coi"), ct("ct"), cr("cr"),
      phase("phase"), pk("pk");
  std::vector<Var> sa = slice_sums.args();  // (m, co, rx, ry, ks)
  slice_sums.compute_root()
      .split(sa[0], mo, mi, t.tile_m())
      .split(mi, mt, mr, t.pixels)
      .split(sa[1], coo, coi, t.tile_c(), TailStrategy::GuardWithIf)
      .split(coi, ct, cr, t.channels)
      .fuse(sa[2], sa[3], phase)
      .reorder(mr, cr, mt, ct, mo, sa[4], coo, phase)
      .fuse(mo, sa[4], pk)
      .gpu_blocks(pk, coo, phase)
      .gpu_threads(mt, ct)
      .unroll(mr)
      .unroll(cr)
      .never_partition_all();
  partial.update().split(ksi, kco, kci, t.k_unroll).unroll(kci).vectorize(f.co, kVector);
  tile_in_registers(partial, LoopLevel(slice_sums, mt), f, t, {kci, kco, f.r_taps.z, f.r_taps.y});
  pack_weights(f);
}

}  // namespace

void schedule_gpu(ConvTranspose2dFuncs &f, const Target &target, GpuKernel kernel,
                  const GpuTiles &t) {
  (void)target;
  // The output's pure definition is undefined (never computed); a GPU
  // schedule for it tells Halide that nothing touches the output on the
  // host, so callers' device-only output buffers are accepted.
  Var oxo("oxo"), oyo("oyo"), oxi("oxi"), oyi("oyi");
  f.output_by_phase_pixels.gpu_tile(f.x, f.y, oxo, oyo, oxi, oyi, 32, 4, TailStrategy::GuardWithIf);
  // The bias fill: one launch, inside its 0-or-1 iteration host loop, so
  // layers with a phase for every residue (nearly all) launch nothing for
  // it. Blocks of 128 pixels along x, all of them on the grid's x
  // dimension (the one without a 65535 limit).
  RVar fxo("fxo"), fxi("fxi"), block("block");
  f.output_by_phase_pixels.update(kPixelFill)
      .allow_race_conditions()
      .split(f.r_pixel_fill.x, fxo, fxi, 128, TailStrategy::GuardWithIf)
      .reorder(fxi, fxo, f.r_pixel_fill.y, f.co, f.n, f.r_pixel_fill.z)
      .fuse(fxo, f.r_pixel_fill.y, block)
      .fuse(block, f.co, block)
      .fuse(block, f.n, block)
      .gpu_blocks(block)
      .gpu_threads(fxi);
  switch (kernel) {
    case GpuKernel::kGemm:
      schedule_gemm(f, t);
      break;
    case GpuKernel::kGemmSplit:
      schedule_gemm_split(f, t);
      break;
    case GpuKernel::kDirect:
      schedule_direct(f, t);
      break;
  }
}

}  // namespace convt_gen
