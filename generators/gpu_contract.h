// What the GPU kernels (generators/schedule_gpu.cpp) and the runtime
// (runtime/backend_gpu.cpp, runtime/cuda_driver.cpp) agree on. Plain C++:
// the runtime includes it without Halide.
#pragma once

#include <algorithm>

namespace convt_gpu {

// Registers per thread the CUDA runtime may give a kernel when it compiles
// the PTX (Halide's runtime caps at 64 unless HL_CUDA_JIT_MAX_REGISTERS
// says otherwise, and the gemm tile needs about 150: 64 accumulators, 4
// inputs, 16 weights and the addresses of 4 pixels). The ptxas check
// assembles under the same cap and fails on any spill.
constexpr int kMaxRegisters = 168;

// Block and thread tiles of a GPU kernel: a block computes tile_m() pixels
// of one phase x tile_c() output channels, each thread `pixels` x
// `channels` of them.
struct Tiles {
  int threads_m;  // threads along pixels
  int pixels;     // pixels per thread (threads_m apart: coalesced loads)
  int threads_c;  // threads along output channels
  int channels;   // output channels per thread
  int k_unroll;   // input channels per unrolled step of the reduction
  constexpr int tile_m() const { return threads_m * pixels; }
  constexpr int tile_c() const { return threads_c * channels; }
};

// The kernels' own tiles (knobs can replace them; generators/schedules.h).
// - gemm: blocks of 2 x 2 warps: 64 threads along pixels, 2 along channels
//   (the two warps on the same pixels read the same inputs, the later one
//   from the L1 cache); each thread 4 pixels x 16 channels. Per input
//   channel and tap: 4 input loads (one coalesced line per warp) and 4
//   128-bit weight loads (the same for the whole warp) feed 64 FFMA. A
//   block: 256 pixels x 32 channels, so 32-channel layers waste no thread.
//   On an H200 (2026-11-30): 32 x 4 threads (64 channels a block) took 0.483
//   ms against 0.278 for 128 x 1 on linknet_final (32 channels) and within
//   3% of it elsewhere; 2 pixels a thread was 10-30% faster on most gemm
//   layers, 10% slower on the largest, with 5.3 FFMA per load.
constexpr Tiles kGemmTiles{64, 4, 2, 16, 1};
// - gemm_split: the gemm kernel's tiles, its reduction split into slices
//   (at most kMaxSlices, each at least kMinSliceSteps steps of k_unroll
//   input channels) until the layer has kSplitTargetThreads threads: about
//   what an H100 or H200 (132 multiprocessors) holds at once with these
//   tiles' ~150 registers a thread (13 warps each).
constexpr Tiles kGemmSplitTiles = kGemmTiles;
constexpr int kSplitTargetThreads = 64 * 1024;
constexpr int kMaxSlices = 32;
constexpr int kMinSliceSteps = 8;
// - direct: blocks of 64 threads along pixels x 2 along channels, each 4
//   pixels x 2 channels: few channels per group is what sends a layer here.
constexpr Tiles kDirectTiles{64, 4, 2, 2, 1};

// How many slices gemm_split cuts a layer's reduction into, for `outputs`
// output values and `channel_steps` steps of k_unroll input channels. One
// formula for the generator (Int = Halide::Expr, at run time inside the
// kernel) and the runtime (Int = int64_t, to choose the kernel): unqualified
// min and max find std's for integers and Halide's for Exprs.
template <typename Int>
Int split_slices(const Int &outputs, const Int &channel_steps) {
  using std::max;
  using std::min;
  const Int per_thread = Int(kGemmSplitTiles.pixels * kGemmSplitTiles.channels);
  const Int threads = max(outputs / per_thread, Int(1));
  const Int wanted = (Int(kSplitTargetThreads) + threads - Int(1)) / threads;
  return max(min(min(wanted, channel_steps / Int(kMinSliceSteps)), Int(kMaxSlices)), Int(1));
}

}  // namespace convt_gpu
