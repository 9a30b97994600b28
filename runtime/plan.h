// How a call runs, decided in one place: which kernel, which of its
// equivalent evaluation orders, whether groups run as separate calls, and
// whether the kernel's parallel loops use the thread pool.
// Every candidate gives the same result; they differ in speed only.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "arguments.h"
#include "halide_call.h"

namespace convt::detail {

struct Plan {
  const Kernel *kernel = nullptr;
  // convt_order::TileOrder (generators/tile_order.h); GPU kernels ignore it.
  int32_t tile_order = 0;
  // One call per group, with groups 1, on channel slices of every tensor.
  bool per_group = false;
  // The kernel's parallel loops run on the calling thread (CPU kernels).
  bool serial = false;
  // Images per kernel call, each call on a slice of the batch (0: the whole
  // batch): fewer where the CPU kernels' zero-bordered copy of the whole
  // batch's input would pass their 32-bit indexing, and, for the orders
  // that copy the input at the root, where it would outgrow the cores' L2
  // caches (plan.cpp, images_per_call).
  int64_t images_per_call = 0;
};

// The plan for a call of `g_whole` (the whole batch) whose input is on
// `device`, from the rules in plan.cpp, made for the slice of the batch each
// kernel call sees: no cost, no state. Throws RuntimeError when no kernel
// can run it.
Plan plan_call(const ConvGeometry &g_whole, Device device);

// Whether two plans run the same kernel, order, group and batch split and
// threading.
bool same_plan(const Plan &a, const Plan &b);

// The geometry of `g` that each kernel call of `plan` sees: its slice of
// the batch, and with per_group, one group's channels.
ConvGeometry call_geometry(const ConvGeometry &g, const Plan &plan);

// Every plan the CPU kernels offer for `g`: each flavour this machine runs,
// each tile order (columns only while its workspace stays under 256 MiB,
// x tiles across rows only while their work on the zero border's rows
// stays within the work check's bound and their input copy no larger than
// the rows' taps, the x tiles (by row, wide) only while their blocked
// copy's halo stays within three tiles: x_blocks_fit; the interleaved x
// tiles only for one tap per output, convt_order::interleaved_x_tiles_apply;
// the channel tiles by row only for a stride above 1, whose rows have phases),
// for grouped layers one call per group or one call in all, each on the
// thread pool and then each serial, all in the rules' slices of the batch.
// The rules' plan is among them. Empty without CPU kernels.
std::vector<Plan> cpu_plans(const ConvGeometry &g_whole);

// A call runs serially where the pool would save no more than this many
// multiply-adds' time per worker (plan.cpp, runs_serially).
inline constexpr int64_t kPoolCostPerWorker = int64_t{1} << 16;

// The L2 cache of this machine's cores, read once at run time (1 MiB where
// the system does not say): the planner's rules compare a call's input
// with it.
int64_t l2_cache_bytes();

// This machine's cores (at least 1), read once: the rules take x tiles by
// row only for at least as many phase rows.
int64_t cpu_cores();

// Runs a validated call with `plan`. `out` must have unit stride along W.
void run_plan(const Plan &plan, const ConvGeometry &g, const ConstTensorView &input,
              const ConstTensorView &weight, const std::optional<ConstTensorView> &bias,
              const TensorView &out);

// Under Planning::kMeasure, and for a CPU plan: the fastest of cpu_plans(g),
// timed by `run` (which runs a plan on the call's own tensors) on the first
// call of this geometry, the first pass's fastest again in alternating
// rounds (plan.cpp), and remembered for the process's later calls.
// Otherwise returns `plan`, the rules' choice.
Plan measured_plan(const ConvGeometry &g, const Plan &plan,
                   const std::function<void(const Plan &)> &run);

}  // namespace convt::detail
