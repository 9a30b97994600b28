// The CPU kernels' tile orders: evaluation orders of the same result
// (generators/schedule_cpu.cpp says how each tiles the work). The runtime
// picks one per call (runtime/plan.cpp) and passes it to the
// kernel as its tile_order argument; the algorithm gives each its own
// output update (OutputUpdate). Plain C++: the runtime includes it without
// Halide.
#pragma once

#include <cstdint>

namespace convt_order {

enum TileOrder : int32_t {
  kXTiles = 0,                       // register tiles along x, by image and channel block
  kChannelTilesAlongX = 1,           // channel vectors by x positions, for narrow phase rows
  kChannelTilesAlongImages = 2,      // channel vectors by images, for narrow rows in batches
  kXTilesAcrossImages = 3,           // x vectors by channels by images, for 1 to 3 channels
  kXTilesByRow = 4,                  // x tiles, each output row through every channel block and
                                     // phase: for inputs larger than the cache
  kColumns = 5,                      // a GEMM into (tap, channel) columns per input pixel, then the
                                     // columns added into the output: for tiny inputs and few
                                     // output channels
  kXTilesAcrossRows = 6,             // x vectors by phase rows, one channel at a time: for 1 to 3
                                     // channels in fewer images than an image tile holds
  kChannelTilesAlongMoreImages = 7,  // order 2 with more images and fewer channel vectors per
                                     // tile: for batches that fill it
  kWideXTilesByRow = 8,              // order 4 with more x vectors and fewer channels per tile:
                                     // for phase rows that leave fewer of its columns idle
  kWideXTiles = 9,                   // order 0 in the same tiles as order 8
};

constexpr int32_t kTileOrders = 10;

// Names for reports and test messages.
constexpr const char *tile_order_name(int32_t order) {
  switch (order) {
    case kXTiles:
      return "x tiles";
    case kChannelTilesAlongX:
      return "channel tiles along x";
    case kChannelTilesAlongImages:
      return "channel tiles along images";
    case kXTilesAcrossImages:
      return "x tiles across images";
    case kXTilesByRow:
      return "x tiles by row";
    case kColumns:
      return "columns";
    case kXTilesAcrossRows:
      return "x tiles across rows";
    case kChannelTilesAlongMoreImages:
      return "channel tiles along more images";
    case kWideXTilesByRow:
      return "wide x tiles by row";
    case kWideXTiles:
      return "wide x tiles";
    default:
      return "none";
  }
}

// The sequence in which an order adds each output's terms. Orders of one
// sequence give the same bits (in one kernel flavour); the sequences agree
// within rounding only.
enum SumOrder : int32_t {
  kChannelsInnermost = 0,  // x tiles (by row, wide), channel tiles: per tap, every channel
  kTapsInnermost = 1,      // x tiles across rows: per input channel, every tap (rows inner)
  kColumnsThenRows = 2,    // columns: per tap, every channel; the taps in col2im's order
  kChannelBlocks = 3,      // x tiles across images: per block of channels, per tap, the block
};

constexpr SumOrder sum_order(int32_t order) {
  switch (order) {
    case kXTilesAcrossImages:
      return kChannelBlocks;
    case kXTilesAcrossRows:
      return kTapsInnermost;
    case kColumns:
      return kColumnsThenRows;
    default:
      return kChannelsInnermost;
  }
}

}  // namespace convt_order
