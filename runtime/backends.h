// The kernels compiled into this build (CONVT_TARGETS). Each backend file
// defines the selector for its device.
#pragma once

#include <vector>

#include "halide_call.h"

namespace convt::detail {

// The CPU kernel for this machine: the best flavour its features allow. A
// GPU-only build has none (runtime/backend_no_cpu.cpp).
bool has_cpu_kernel();
const Kernel &cpu_kernel();

// The CPU kernel for one call: cpu_kernel(), or a narrower flavour of it
// that runs this shape faster.
const Kernel &cpu_kernel_for(const ConvGeometry &g);

// Every CPU flavour this machine runs (under CONVT_MAX_CPU_ISA's cap), the
// best first: the candidates of a measured plan. Empty without CPU kernels.
std::vector<const Kernel *> cpu_kernels();

// The GPU kernel for one call (runtime/backend_gpu.cpp), nullptr when the
// backend is not built: CUDA, and the same schedules for OpenCL, which tests
// run on the CPU through PoCL.
const Kernel *cuda_kernel_for(const ConvGeometry &g);
const Kernel *opencl_kernel_for(const ConvGeometry &g);

// The tile order (convt_order::TileOrder) the planner's rules pick for the
// CPU schedules (runtime/plan.cpp), given the kernel's x tile, channel
// tiles, wide x tile and tile across images (without image tiles, never
// order 7; without a wide tile, never orders 8 and 9; without a tile
// across images, order 3 only for at most 3 output channels).
int32_t cpu_tile_order(const ConvGeometry &g, const XTile &x_tile,
                       const ChannelTiles &channel_tiles = {}, const XTile &wide_x_tile = {},
                       const XImageTile &across_images = {});
// ... given a CPU kernel, with all its tiles.
int32_t cpu_tile_order(const ConvGeometry &g, const Kernel &kernel);

// Whether the columns order's column adds (one per column value) cost less
// than the work the kernel's phase tiles would leave idle on `g`: the
// rules' cost model for the columns order (runtime/plan.cpp), given the
// kernel's tiles as for cpu_tile_order.
bool columns_beat_idle_tiles(const ConvGeometry &g, const XTile &x_tile,
                             const ChannelTiles &channel_tiles, const XTile &wide_x_tile);

// ... and the same for 16 or more output channels per group on an input
// smaller than the x tile, where the GEMM's own idle tiles count too: the
// rules then take columns over the channel tiles.
bool columns_beat_idle_channel_tiles(const ConvGeometry &g, const XTile &x_tile,
                                     const ChannelTiles &channel_tiles, const XTile &wide_x_tile);

}  // namespace convt::detail
