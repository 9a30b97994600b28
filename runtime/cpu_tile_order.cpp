// Which of the two equivalent evaluation orders a CPU kernel runs. The x86
// and NEON schedules share the shape that matters here: x tiles 16 phase
// columns wide, channel tiles 16 output channels deep.
#include "backends.h"

namespace convt::detail {

// Channel tiles when phase rows are narrow and there are channels to fill
// their 16-channel tile; the schedules specialize them for dilation 1 and
// groups 1. Measured crossover (AVX2, layer_bench): at 16 columns per phase
// row channel tiles win (pix2pix_unet_mid 100 vs 66 GFLOP/s), at 64 x tiles
// win (cyclegan_resnet_up 133 vs 98).
int32_t cpu_tile_order(const ConvGeometry &g) {
  const bool narrow_rows = g.out_width / g.stride[1] < 32;
  const bool eligible =
      g.dilation[0] == 1 && g.dilation[1] == 1 && g.groups == 1 && g.out_channels >= 16;
  return narrow_rows && eligible ? 1 : 0;
}

}  // namespace convt::detail
