// A CPU kernel as the planner sees it: its entry function per tile order
// and the tiles its generator was built with (generators/cpu_tiles.h), for
// the backends that list CPU flavours (backend_x86.cpp, backend_arm.cpp).
#pragma once

#include "cpu_tiles.h"
#include "halide_call.h"

namespace convt::detail {

// `lanes` floats a vector. constexpr, so the backends' kernels are
// constant-initialized: a call from another file's static initializer
// finds them ready.
// `fns`: the generated CONVT_KERNEL_BY_ORDER_<flavour> list.
constexpr Kernel cpu_kernel_with_tiles(const char *name, const KernelFns &fns,
                                       const convt_tiles::CpuTiles &tiles, int lanes) {
  return {name,
          fns,
          XTile{convt_tiles::x_tile_columns(tiles, lanes), tiles.x_channels},
          ChannelTiles{{tiles.cx_columns, int64_t{tiles.cx_channel_vectors} * lanes},
                       {tiles.img_images, int64_t{tiles.img_channel_vectors} * lanes},
                       {tiles.more_images, int64_t{tiles.more_channel_vectors} * lanes}},
          XTile{convt_tiles::wide_tile_columns(tiles, lanes), tiles.wide_channels},
          XImageTile{int64_t{tiles.xi_vectors} * lanes, tiles.xi_channels, tiles.xi_images}};
}

// Whether the build listed an entry function for every tile order (a
// shorter list leaves null entries): the backends assert it.
constexpr bool has_every_order(const Kernel &kernel) {
  bool every = true;  // (std::all_of is constexpr from C++20 only)
  for (KernelFn fn : kernel.fn_by_order) every = every && fn != nullptr;
  return every;
}

}  // namespace convt::detail
