// Which of the equivalent evaluation orders a CPU kernel runs
// (generators/schedule_cpu.cpp). The x86 and NEON tiles share the shapes
// that matter here: x tiles 16 phase columns wide, channel tiles 16 to 24
// output channels deep, image tiles of 4 to 6 images, 3-channel x tiles
// across 4 images.
#include "backends.h"

namespace convt::detail {

// Channel tiles when phase rows are narrow and there are channels to fill
// a channel tile; the schedules specialize them for dilation 1 and groups 1.
// Along images when the batch fills an image tile (those tiles also skip
// taps that read the zero border's columns), else along x. Batches of layers
// with at most 3 output channels tile x across images (the x tiles hold 6
// channels).
int32_t cpu_tile_order(const ConvGeometry &g) {
  if (g.out_channels <= 3 && g.batch >= 4) return 3;  // x tiles across images
  const bool narrow_rows = g.out_width / g.stride[1] < 32;
  const bool eligible =
      g.dilation[0] == 1 && g.dilation[1] == 1 && g.groups == 1 && g.out_channels >= 16;
  if (!narrow_rows || !eligible) return 0;
  return g.batch >= 4 ? 2 : 1;
}

}  // namespace convt::detail
