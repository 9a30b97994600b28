// Calls a generated Halide kernel on convt tensors: builds the Halide buffer
// descriptors and turns any error the kernel reports into RuntimeError.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "HalideRuntime.h"
#include "arguments.h"
#include "tile_order.h"

namespace convt::detail {

// The signature every generated conv_transpose2d flavour shares (the
// user_context feature puts the context first).
// gcd_x, inverse_x (and _y): convt_phase::phase_constants of the axis's
// stride and dilation (generators/phase_constants.h).
// weight_columns: the weights as a matrix (j, ci), j = kx + kw * (ky + kh *
// co_in_group), for the columns form (tile order kColumns).
using KernelFn = int (*)(const void *user_context, halide_buffer_t *input, halide_buffer_t *weight,
                         halide_buffer_t *weight_columns, halide_buffer_t *bias, int32_t stride_x,
                         int32_t stride_y, int32_t padding_x, int32_t padding_y, int32_t dilation_x,
                         int32_t dilation_y, int32_t gcd_x, int32_t gcd_y, int32_t inverse_x,
                         int32_t inverse_y, int32_t groups, int32_t tile_order,
                         halide_buffer_t *output);

// A kernel's entry function for each tile order (convt_order::TileOrder).
// A CPU kernel is one pipeline per order (cmake/ConvtCpuKernels.cmake), each
// running only its own order; a GPU kernel ignores the order and has one
// function in every entry (same_fn_every_order).
using KernelFns = std::array<KernelFn, convt_order::kTileOrders>;

constexpr KernelFns same_fn_every_order(KernelFn fn) {
  KernelFns fns{};
  for (KernelFn &f : fns) f = fn;
  return fns;
}

// A CPU kernel's x tile (convt_tiles::CpuTiles): the phase columns and
// output channels it holds. The planner's rules call phase rows narrower
// than its columns narrow, and count channel blocks by its channels
// (runtime/plan.cpp). The wide x tile is the same for orders 8 and 9.
struct XTile {
  int64_t columns = 0;
  int64_t channels = 0;
};

// A CPU kernel's channel tiles (convt_tiles::CpuTiles): the phase columns
// and output channels of order 1's tile (along x), and the images and
// output channels of order 2's tile and of order 7's, which holds more
// images and fewer channels. The rules weigh the columns, images and
// channels each would leave idle.
struct ImageTile {
  int64_t images = 0;
  int64_t channels = 0;
};
struct ChannelTiles {
  XTile along_x;
  ImageTile along_images, along_more_images;
};

// x tiles across images' tile (order 3): phase columns, output channels
// and images.
struct XImageTile {
  int64_t columns = 0;
  int64_t channels = 0;
  int64_t images = 0;
};

struct Kernel {
  const char *name;
  KernelFns fn_by_order;
  XTile x_tile;  // CPU kernels; empty for GPU kernels
  ChannelTiles channel_tiles;
  XTile wide_x_tile;         // kWideXTiles' and kWideXTilesByRow's tile
  XImageTile across_images;  // kXTilesAcrossImages' tile
  // GPU kernels only (nullptr for CPU ones): the Halide device interface,
  // and how to wrap / unwrap a caller's device pointer (CUDA only).
  const halide_device_interface_t *(*device_interface)() = nullptr;
  int (*wrap_device_ptr)(void *user_context, halide_buffer_t *buf, uint64_t ptr) = nullptr;
  int (*detach_device_ptr)(void *user_context, halide_buffer_t *buf) = nullptr;
};

// Runs `kernel` for a validated call in tile order `tile_order`
// (convt_order::TileOrder; GPU kernels ignore it), its parallel loops on the
// calling thread when `serial`. `out` must have unit stride along W.
// A GPU kernel reads and writes Device::kCUDA views in place; host views are
// copied to the device and the output back, and the call returns when the
// result is complete.
void run_kernel(const Kernel &kernel, int32_t tile_order, bool serial, const ConvGeometry &g,
                const ConstTensorView &input, const ConstTensorView &weight,
                const std::optional<ConstTensorView> &bias, const TensorView &out);

}  // namespace convt::detail
