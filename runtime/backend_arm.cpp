// AArch64 kernel: NEON (Advanced SIMD) and fused multiply-add are part of
// every ARMv8-A CPU, so there is a single flavour and nothing to detect.
#include "backends.h"
#include "convt_arm_neon.h"
#include "cpu_tiles.h"

namespace convt::detail {

bool has_cpu_kernel() { return true; }

const Kernel &cpu_kernel() {
  static const Kernel neon{
      "arm-neon",
      convt_arm_neon,
      {convt_tiles::x_tile_columns(convt_tiles::kNeonTiles, convt_tiles::kNeonLanes),
       convt_tiles::kNeonTiles.x_channels},
      {{convt_tiles::kNeonTiles.img_images,
        convt_tiles::kNeonTiles.img_channel_vectors * convt_tiles::kNeonLanes},
       {convt_tiles::kNeonTiles.more_images,
        convt_tiles::kNeonTiles.more_channel_vectors * convt_tiles::kNeonLanes}}};
  return neon;
}

const Kernel &cpu_kernel_for(const ConvGeometry & /*g*/) { return cpu_kernel(); }

std::vector<const Kernel *> cpu_kernels() { return {&cpu_kernel()}; }

}  // namespace convt::detail
