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
  kInterleavedXTiles = 10,           // x tiles of output columns, each vector every x phase of its
                                     // input columns: for one tap per output (kernel == stride)
  kChannelTilesAlongXByRow = 11,     // order 1, each output row through every phase before the
                                     // next: for outputs larger than the cache
  kChannelTilesAlongImagesByRow = 12,      // order 2, by row likewise
  kChannelTilesAlongMoreImagesByRow = 13,  // order 7, by row likewise
};

constexpr int32_t kTileOrders = 14;

// The channel tiles' orders by row (11 to 13) are orders 1, 2 and 7 with
// the phases inside each row rather than outside every row: the same
// tiles, sums and copies, in a kernel of their own. channel_tiles_by_row
// gives an order's by-row form (or the order itself where it has none),
// channel_tiles_base the order whose tiles a by-row order runs.
struct ByRowOrder {
  int32_t base, by_row;
};
constexpr ByRowOrder kChannelTilesByRow[] = {
    {kChannelTilesAlongX, kChannelTilesAlongXByRow},
    {kChannelTilesAlongImages, kChannelTilesAlongImagesByRow},
    {kChannelTilesAlongMoreImages, kChannelTilesAlongMoreImagesByRow},
};

constexpr int32_t channel_tiles_by_row(int32_t order) {
  for (const ByRowOrder &o : kChannelTilesByRow) {
    if (o.base == order) return o.by_row;
  }
  return order;
}

constexpr int32_t channel_tiles_base(int32_t order) {
  for (const ByRowOrder &o : kChannelTilesByRow) {
    if (o.by_row == order) return o.base;
  }
  return order;
}

// Whether interleaved x tiles compute a layer (the other orders compute
// any): one tap per output along both axes (kernel == stride, dilation 1),
// so an output column is one input column times one tap and needs no
// phase space; a stride along x of 2 or 4, whose taps fill whole vectors
// of the tile (its width a multiple of 4), read as one broadcast; and a
// padding along x of whole strides, so every tile starts at an input
// column. Ints in the runtime's planner, Halide Exprs in the generator (the
// order's kernel requires it).
template <typename T>
auto interleaved_x_tiles_apply(const T &kernel_w, const T &kernel_h, const T &stride_x,
                               const T &stride_y, const T &padding_x, const T &dilation_x,
                               const T &dilation_y) {
  return kernel_w == stride_x && kernel_h == stride_y && dilation_x == 1 && dilation_y == 1 &&
         (stride_x == 2 || stride_x == 4) && padding_x % stride_x == 0;
}

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
    case kInterleavedXTiles:
      return "interleaved x tiles";
    case kChannelTilesAlongXByRow:
      return "channel tiles along x by row";
    case kChannelTilesAlongImagesByRow:
      return "channel tiles along images by row";
    case kChannelTilesAlongMoreImagesByRow:
      return "channel tiles along more images by row";
    default:
      return "none";
  }
}

// The sequence in which an order adds each output's terms. Orders of one
// sequence give the same bits (in one kernel flavour); the sequences agree
// within rounding only.
enum SumOrder : int32_t {
  kChannelsInnermost = 0,  // x tiles (by row, wide, interleaved), channel tiles: per tap, every
                           // channel
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
