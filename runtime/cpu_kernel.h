// A CPU kernel as the planner sees it: its entry point and the tiles its
// generator was built with (generators/cpu_tiles.h), for the backends that
// list CPU flavours (backend_x86.cpp, backend_arm.cpp).
#pragma once

#include "cpu_tiles.h"
#include "halide_call.h"

namespace convt::detail {

// `lanes` floats a vector. constexpr, so the backends' kernels are
// constant-initialized: a call from another file's static initializer
// finds them ready.
constexpr Kernel cpu_kernel_with_tiles(const char *name, KernelFn fn,
                                       const convt_tiles::CpuTiles &tiles, int lanes) {
  return {name, fn, XTile{convt_tiles::x_tile_columns(tiles, lanes), tiles.x_channels},
          ImageTiles{{tiles.img_images, int64_t{tiles.img_channel_vectors} * lanes},
                     {tiles.more_images, int64_t{tiles.more_channel_vectors} * lanes}}};
}

}  // namespace convt::detail
