// Which of the equivalent evaluation orders a CPU kernel runs
// (generators/schedule_cpu.cpp). The x86 and NEON tiles share the shapes
// that matter here, but for the x tiles' width (16 phase columns with AVX2
// and NEON, 32 with AVX-512): channel tiles 16 to 32 output channels deep,
// image tiles of 4 to 8 images, 3-channel x tiles across 4 images.
#include "backends.h"
#include "tile_order.h"

namespace convt::detail {

// Channel tiles when phase rows are narrower than an x tile and there are
// channels to fill a channel tile; the schedules specialize them for dilation 1 and groups 1.
// Along images when the batch fills an image tile (those tiles also skip
// taps that read the zero border's columns), else along x. Batches of layers
// with at most 3 output channels tile x across images (the x tiles hold 6
// channels).
// (Measured on AVX2, pix2pix_unet_mid: 16-column phase rows run as fast in
// x tiles as in channel tiles; fcn32s_upscore, 16 columns and 21 channels,
// 1.3x faster in x tiles.)
int32_t cpu_tile_order(const ConvGeometry &g, int64_t x_tile_columns) {
  if (g.out_channels <= 3 && g.batch >= 4) return convt_order::kXTilesAcrossImages;
  const bool narrow_rows = g.out_width / g.stride[1] < x_tile_columns;
  const bool eligible =
      g.dilation[0] == 1 && g.dilation[1] == 1 && g.groups == 1 && g.out_channels >= 16;
  if (!narrow_rows || !eligible) return convt_order::kXTiles;
  return g.batch >= 4 ? convt_order::kChannelTilesAlongImages : convt_order::kChannelTilesAlongX;
}

}  // namespace convt::detail
