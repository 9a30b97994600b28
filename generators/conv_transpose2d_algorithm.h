// The transposed-convolution algorithm as Halide Funcs. No scheduling here:
// schedules live in schedule_*.cpp and reach these Funcs through the struct.
#pragma once

#include <array>

#include "Halide.h"
#include "tile_order.h"

namespace convt_gen {

// Per-axis phase (sub-pixel) geometry. Output o = q * s + r meets the
// taps k with k * d = r + p (mod s); they lie tap_step = s / gcd(d, s)
// apart. A phase is indexed by its first tap t: phase t (0 <= t < count)
// holds the taps t + j * tap_step (has_tap(t, j)) and writes the outputs
// of residue offset(t), reading input i = input(q, t, j). Each phase is then
// a stride-1 correlation, so the work is exactly the true FLOP count (every
// input pixel meets every tap once), and only phases with taps exist: the
// residues no tap reaches (a stride above the kernel size, or a gcd above
// 1) are bias only, filled separately. All closed forms, from run-time
// scalars: no tables, no searches, for any stride and dilation.
struct AxisPhases {
  Halide::Expr stride, padding, dilation, kernel;
  Halide::Expr gcd;         // gcd(d, s), from the runtime
  Halide::Expr inverse;     // (d / gcd)^-1 mod (s / gcd), from the runtime (phase_of only)
  Halide::Expr simple;      // d == 1 or s == 1: no gcd (specializations)
  Halide::Expr tap_step;    // s / gcd
  Halide::Expr input_step;  // d / gcd
  Halide::Expr count;       // phases with taps: min(kernel, tap_step)
  Halide::Expr max_taps;    // phase 0's taps, the most any phase has: ceil(k / tap_step)

  // Output residue of phase t: (t * d - p) mod s.
  Halide::Expr offset(const Halide::Expr &t) const;
  // Whether phase t has a tap j: none for t >= kernel.
  Halide::Expr has_tap(const Halide::Expr &t, const Halide::Expr &j) const;
  Halide::Expr input(const Halide::Expr &q, const Halide::Expr &t, const Halide::Expr &j) const;
  Halide::Expr tap(const Halide::Expr &t, const Halide::Expr &j) const;
  // Whether every residue of an axis of `outputs` outputs has a phase, so
  // that the phases write every output and no bias fill is needed.
  Halide::Expr covers(const Halide::Expr &outputs) const;
  // Outputs of phase t in an axis of `outputs` outputs: ceil((outputs - offset) / s), or 0.
  Halide::Expr outputs_of(const Halide::Expr &outputs, const Halide::Expr &t) const;
  // The phase writing residue r (its first tap), or kernel (a phase with
  // no taps) when no tap reaches r. For the per-pixel form only: it needs
  // the inverse.
  Halide::Expr phase_of(const Halide::Expr &r) const;
};

// How the GPU form (ConvTranspose2dFuncs::pixel_sum) orders its reduction
// and its pixels, for a schedule's sake: the output does not depend on it.
struct PixelFormOrder {
  // r_taps' input channels run to a multiple of this, the extra ones reading
  // zeros, so a schedule can unroll them without a tail.
  int channel_step = 1;
  // m enumerates each phase's pixels in groups of lanes * per_lane, the
  // per_lane consecutive values of m in a group `lanes` pixels apart: a
  // thread that owns per_lane consecutive m reads pixels `lanes` apart,
  // and `lanes` threads in a row read consecutive pixels (coalesced loads).
  int lanes = 1;
  int per_lane = 1;
};

// The blocks of the CPU schedule's packed copies (from its tiles,
// generators/cpu_tiles.h): weight_blocked's output channels, and the
// phase columns of input_x_blocks and images of input_image_blocks (and of
// input_more_image_blocks), and the vector width of input_rows. 0:
// no such copy (the orders read input_padded).
struct CpuBlocks {
  int weight_channels = 1;
  int x_columns = 0;
  int images = 0;
  int more_images = 0;
  int row_lanes = 0;
  // The wide x tiles' (kWideXTiles, kWideXTilesByRow): weight_wide_blocked's output
  // channels and input_wide_x_blocks' phase columns.
  int wide_weight_channels = 0;
  int wide_x_columns = 0;
  // The columns GEMM's (kColumns): columns per strip of
  // columns_weight_panel (its register tile's width), pixels per register
  // tile, and the most input channels per block of its reduction. 0: the
  // GEMM reads weight_columns, in one block.
  int columns_strip = 0;
  int columns_tile_pixels = 0;
  int columns_channel_block = 0;
  // The phase columns of a tile of kXTilesAcrossImages, and of its tile for
  // one output channel (0: it has none).
  int x_images_columns = 0;
  int x_images_one_columns = 0;
  // The positions of each tile of kChannelTilesAlongX
  // (convt_tiles::channel_tile_widths; 0: no such tile).
  std::array<int, 3> channel_tile_widths{};
  // The channel tiles' domains (orders 1, 2 and 7) ordered (qx, rx, ry, qy)
  // rather than (qx, qy, rx, ry), so each output row runs every phase
  // before the next: the kernels of their by-row orders (11 to 13).
  bool channel_rows_first = false;
};

struct ConvTranspose2dFuncs {
  // Pure variables. Output: (x, y, co, n); phase space: (qx, qy, co, n, rx, ry),
  // rx and ry the phases (AxisPhases: first taps), o = q * s + offset.
  Halide::Var x{"x"}, y{"y"}, co{"co"}, n{"n"};
  Halide::Var qx{"qx"}, qy{"qy"}, rx{"rx"}, ry{"ry"};
  Halide::Var c{"c"};
  Halide::Var jx{"jx"}, jy{"jy"};  // tap indices within a phase

  AxisPhases phase_x, phase_y;
  Halide::Expr groups, input_channels, in_channels_per_group, out_channels_per_group;

  // Reduction over (input channel in group, tap row j, tap column j); the
  // images-innermost variant's also skips taps that read the zero border's
  // columns; the rows variant's keeps the taps that read the zero border's
  // rows (a tile of rows shares one reduction).
  Halide::RDom r, r_by_image, r_by_rows;
  // Output positions in phase space: (qx, qy, rx, ry) over the full
  // columns (r_out for kXTiles, r_out_wide for kWideXTiles; r_out_by_channel
  // (r_out_by_channel_wide, _wider in its other tiles) for
  // kChannelTilesAlongX and r_out_by_image (r_out_by_more_images) for kChannelTilesAlongImages
  // (kChannelTilesAlongMoreImages), with the edge columns;
  // the others are empty), r_out_x_images (r_out_x_images_one for one
  // output channel), r_out_x_rows,
  // r_out_wide_x_rows and r_out_across_rows the same in the order (qx, rx,
  // ry, qy) for kXTilesAcrossImages, kXTilesByRow, kWideXTilesByRow and
  // kXTilesAcrossRows, and r_edge
  // (qy, rx, ry) over the last W_out % s_x columns for the other orders.
  // r_fill: (x, y, once) over the whole output when some residue has no
  // phase, else empty.
  Halide::RDom r_out, r_out_wide, r_out_by_channel, r_out_by_channel_wide, r_out_by_channel_wider,
      r_out_by_image, r_out_by_more_images, r_out_x_images, r_out_x_images_one, r_out_x_rows,
      r_out_wide_x_rows, r_out_across_rows, r_edge, r_fill;

  Halide::Func input_padded;  // zero outside the input: no bounds tests in the hot loop
  // The x tiles' input (kXTiles, kXTilesByRow): input_x_blocks(xi, c, xb, y, n)
  // holds the columns that tile xb (phase columns xb * x_block onwards,
  // x_block: CpuBlocks::x_columns) reads at any phase and tap, the tile
  // plus the halo its taps reach, so each input channel's columns of a tile
  // are adjacent to the next channel's: the reduction over channels
  // streams through one contiguous block rather than stepping a whole row
  // per channel. Column xi of block xb is input column xb * x_block + xi
  // plus the lowest offset any tap reads (phase count - 1, its last tap).
  Halide::Func input_x_blocks;
  // The same in blocks of the wide x tiles' columns (kWideXTiles,
  // kWideXTilesByRow; CpuBlocks::wide_x_columns).
  Halide::Func input_wide_x_blocks;
  // The same blocks for the orders by row (kXTilesByRow, kWideXTilesByRow),
  // Funcs of their own so that each order's copy reads its own row of
  // input_padded (schedule_cpu.cpp: x_blocks_copy).
  Halide::Func input_x_blocks_by_row, input_wide_x_blocks_by_row;
  Halide::Var xi{"xi"}, xb{"xb"};
  // The channel tiles along images' input (kChannelTilesAlongImages):
  // input_image_blocks(ni, c, nb, x, y) is image nb * image_block + ni
  // (CpuBlocks::images), so one tile's images of an input channel are
  // adjacent and the next channel's follow: a step of the reduction reads
  // 16 bytes rather than a line per channel (images innermost across the
  // whole batch).
  Halide::Func input_image_blocks;
  // The same in blocks of CpuBlocks::more_images (kChannelTilesAlongMoreImages).
  Halide::Func input_more_image_blocks;
  Halide::Var ni{"ni"}, nb{"nb"};
  // The x tiles across images' input (kXTilesAcrossImages): input_padded's
  // values. input_padded's clamped reads are gathers in every vector that
  // holds a border column, which is every vector of a row narrower than two
  // vectors (narrow_rows: of CpuBlocks::row_lanes columns). Such rows are
  // written as zeros, then their columns in r_rows (lane, vector, row),
  // the last vector of a row shifted back over the one before (a row
  // narrower than a vector: one partial vector); r_rows is empty for wider
  // rows (a second pass over a copy larger than the cache costs more than
  // the gathers of two vectors a row) and for the other orders.
  Halide::Func input_rows;
  Halide::RDom r_rows;
  Halide::Expr narrow_rows;
  // The weight tensor as given, weight(kx, ky, co_in_group, ci): what the
  // packs read, so a schedule can prefetch it (set by the generator).
  Halide::ImageParam weight;
  // weight_phase(jx, jy, co, ci, rx, ry): tap (jx, jy) of phase (rx, ry),
  // joining input channel ci of co's group to output channel co. A phase's
  // taps lie s apart in the kernel; here they are adjacent, so a schedule can
  // stage just the taps a phase uses.
  Halide::Func weight_phase;
  // weight_blocked(block_channel, c, jx, jy, rx, ry, block) = weight_phase(
  // jx, jy, block * weight_block + block_channel, c, rx, ry): every weight, the channels of a
  // block adjacent and blocks outermost, so a schedule can pack it once for
  // tiles that read it whole many times (phase_sum_x_rows reads it).
  Halide::Func weight_blocked;
  // The same in blocks of the wide x tiles' channels
  // (CpuBlocks::wide_weight_channels; phase_sum_wide_x_rows reads it).
  Halide::Func weight_wide_blocked;
  Halide::Var block_channel{"block_channel"}, block{"block"};
  // 0: r_out / phase_sum write; 1: r_out_by_channel / ..._by_channel;
  // 2: r_out_by_image / ..._by_image; 3: r_out_x_images / ..._x_images;
  // 4: r_out_x_rows / ..._x_rows; 6: r_out_across_rows / ..._across_rows;
  // 7: r_out_by_more_images / ..._by_more_images; 8: r_out_wide_x_rows /
  // ..._wide_x_rows; 9: r_out_wide / phase_sum_wide.
  Halide::Expr tile_order;
  bool channel_rows_first = false;    // CpuBlocks::channel_rows_first
  Halide::Func phase_sum;             // phase_sum(qx, qy, co, n, rx, ry) = bias + taps
  Halide::Func phase_sum_by_channel;  // the same values, to be tiled along channels
  // The same in order 1's other tiles, and which tile a call takes
  // (convt_tiles::channel_tile_takes: r_out_by_channel, _wide or _wider).
  Halide::Func phase_sum_by_channel_wide, phase_sum_by_channel_wider;
  std::array<Halide::Expr, 3> channel_tile_takes;
  Halide::Func phase_sum_by_image;        // the same, to be tiled along channels and images
  Halide::Func phase_sum_by_more_images;  // the same, in taller tiles of images
  Halide::Func phase_sum_x_images;        // the same, to be tiled along x and images
  Halide::Func phase_sum_x_images_one;    // the same, in the tile shape for one output channel
  // Whether order 3 takes its one-channel tiles (r_out_x_images_one): one
  // output channel, in phase rows that fill the wider tile
  // (convt_tiles::x_images_one_channel).
  Halide::Expr x_images_one_channel;
  Halide::Func phase_sum_x_rows;       // the same, to be tiled along x, row by row
  Halide::Func phase_sum_wide;         // the same, in wider tiles along x
  Halide::Func phase_sum_wide_x_rows;  // the same, in wider tiles along x, row by row
  Halide::Func phase_sum_across_rows;  // the same, to be tiled along x and rows
  Halide::Func phase_sum_edge;         // the same, feeding the edge columns
  // Interleaved x tiles (kInterleavedXTiles), for layers of one tap per
  // output (convt_order::interleaved_x_tiles_apply: interleaved_applies):
  // interleaved_sum(rx, qx, y, co, n) = bias + the sum over the group's
  // input channels (r_interleaved) of input column qx of row (y + p_y) /
  // s_y times tap (rx, (y + p_y) % s_y); it is output column qx * s_x + rx
  // - p_x. No phase space: a schedule vectorizes rx and qx together, so a
  // vector holds adjacent output columns (every phase of its input
  // columns, a tap pair read as one broadcast) and is stored whole, where
  // the x tiles store a phase's columns s_x apart, one at a time.
  // weight_interleaved(rx, block_channel, c, ry, block): tap (rx, ry)
  // joining the group's input channel c to output channel block *
  // weight_block + block_channel, so one reduction step's taps of a tile's
  // channels are adjacent. input_interleaved(xi, c, xb, y, n): input
  // column (xb * x_block + xi + p_x) / s_x, the input of output column xi
  // of tile xb (x_block: CpuBlocks::x_columns output columns), each column
  // repeated for its s_x taps, so a tile's reduction step reads whole
  // vectors, adjacent to the previous step's. r_interleaved_once: (once),
  // of extent 1 in this order's pipeline, else 0.
  Halide::Func interleaved_sum, weight_interleaved, input_interleaved;
  Halide::RDom r_interleaved, r_interleaved_once;
  Halide::Expr interleaved_applies;
  // output(x, y, co, n): the bias fill, then phase by phase (OutputUpdate).
  Halide::Func output;
  // The columns form (kColumns): no phases. columns(j, m, g) is, for input
  // pixel m = ix + W_in * (iy + H_in * n) and column j = kx + kw * (ky + kh *
  // co_in_group) of group g, the sum over the group's input channels of
  // input * weight: a GEMM (M = input pixels, N = columns, K = input
  // channels) reading the weights as the matrix weight_columns(j, ci), in
  // which a schedule can load whole vectors of columns. r_col2im (kx, ix,
  // tap row, once) adds each output row's columns into it after the bias
  // fill (r_fill covers the whole output for this order), for the input
  // columns whose every tap lands in the row; r_col2im_border (kx, border column, tap row, once)
  // the others, at the padding's ends. Their last dimension is empty for
  // the other orders.
  Halide::Var j{"j"}, g{"g"};
  // Two forms of the GEMM. columns_direct sums every input channel at
  // once (columns_sum, over r_columns), reading weight_columns: where every
  // pixel fits one tile (columns_few_pixels), so the weights are read in
  // one pass. columns_blocked (with CpuBlocks::columns_strip)
  // sums blocks of about equal numbers of input channels (r_block_channels
  // within a block, r_channel_blocks over the blocks), each in
  // columns_block(j, m, g, u), so a tile's input stays in L1 across the
  // strips of columns; it reads the weights from columns_weight_panel(ji,
  // c, jo, g), column jo * columns_strip + ji of the group's input channel
  // c (zero past the last column), a strip's values of one channel
  // adjacent to the next channel's. columns reads the form that applies.
  Halide::Var ji{"ji"}, jo{"jo"}, u{"u"};
  Halide::Func columns_direct, columns_blocked, columns_weight_panel, columns_block;
  Halide::Expr columns_few_pixels;
  Halide::RDom r_block_channels, r_channel_blocks;
  // (x, y, image) of pixel m: a Func, so that a schedule computes its
  // divisions once per pixel tile, outside the GEMM's reduction loop (LLVM
  // does not hoist a division out of a loop that may run zero times).
  Halide::Func columns_pixel;
  Halide::Func columns_sum;  // columns_direct's reduction
  Halide::Func columns;      // the GEMM's result, where the output update reads it
  Halide::RDom r_columns, r_col2im, r_col2im_border;
  // Of output row y: its phase, the input row of that phase's tap 0, and
  // the tap rows [lo, hi) that land on input rows.
  Halide::Func col2im_row;
  Halide::Expr pixels, columns_per_group;  // M and N of the GEMM
  // The same output as a pure gather from phase_sum, one pixel at a time.
  // Slower to schedule well, but Halide's autoschedulers accept it, where
  // the phase-by-phase writes of `output` (updates that scatter) stop them.
  Halide::Func output_by_pixel;
  // Set by the generator: whether the input's rows are dense (unit stride
  // along x), for a specialization of the copy that reads them.
  Halide::Expr input_dense_rows;

  // The GPU form. Each phase's output pixels (qx, qy, n) are flattened into
  // one index, pixel = (n * phase_rows + qy) * phase_columns + qx (of phase
  // (rx, ry)), enumerated by m in the order PixelFormOrder gives. A tile of
  // m fills its threads however narrow a phase row is, and (m, phase) is one
  // domain: every phase of a call in one launch. The phase sums are an
  // implicit GEMM per phase: M = pixels, N = output channels,
  // K = (input channel, tap).
  Halide::Var m{"m"};
  Halide::Expr phase_columns, phase_rows;    // of phase (rx, ry)
  Halide::Expr pixel_qx, pixel_qy, pixel_n;  // of m in phase (rx, ry)
  // pixel_input(m, c, jx, jy, rx, ry): input channel c read by tap (jx, jy)
  // of phase (rx, ry) at pixel m (zero outside the input). The GEMM's A.
  Halide::Func pixel_input;
  // Reduction over (input channel in group, tap row, tap column) of one
  // phase, with no per-pixel predicate (a tile of pixels shares its taps);
  // its input channels run to a multiple of PixelFormOrder::channel_step.
  Halide::RDom r_taps;
  Halide::Func pixel_sum;  // pixel_sum(m, co, rx, ry) = bias + taps
  // (m, rx, ry) over every pixel of every phase; r_pixel_fill as r_fill.
  Halide::RDom r_pixels, r_pixel_fill;
  // output(x, y, co, n): the bias fill (r_pixel_fill), then every phase's
  // pixels from pixel_sum (PixelFormUpdate).
  Halide::Func output_by_phase_pixels;
};

// The updates of ConvTranspose2dFuncs::output_by_phase_pixels, in order.
enum PixelFormUpdate : int {
  kPixelFill = 0,  // r_pixel_fill: bias where no phase writes
  kPixels = 1,     // r_pixels: every phase's pixels
};

// The updates of ConvTranspose2dFuncs::output, in order. The fill comes
// first: the phases overwrite it where they have taps.
enum OutputUpdate : int {
  kFill = 0,             // r_fill: bias where no phase writes
  kByX = 1,              // r_out: kXTiles
  kByChannel = 2,        // r_out_by_channel: kChannelTilesAlongX
  kEdge = 3,             // r_edge
  kByImage = 4,          // r_out_by_image: kChannelTilesAlongImages
  kXImages = 5,          // r_out_x_images: kXTilesAcrossImages
  kXRows = 6,            // r_out_x_rows: kXTilesByRow
  kColumns = 7,          // r_col2im: kColumns (adds to the fill)
  kColumnsBorder = 8,    // r_col2im_border: kColumns, the input columns with taps off the row
  kAcrossRows = 9,       // r_out_across_rows: kXTilesAcrossRows
  kByMoreImages = 10,    // r_out_by_more_images: kChannelTilesAlongMoreImages
  kWideXRows = 11,       // r_out_wide_x_rows: kWideXTilesByRow
  kWideX = 12,           // r_out_wide: kWideXTiles
  kXImagesOne = 13,      // r_out_x_images_one: kXTilesAcrossImages, one output channel
  kInterleaved = 14,     // r_interleaved_once: kInterleavedXTiles, every output at once
  kByChannelWide = 15,   // r_out_by_channel_wide: kChannelTilesAlongX, its second tile
  kByChannelWider = 16,  // r_out_by_channel_wider: kChannelTilesAlongX, its third tile
};

// Defines the Funcs. The scalar parameters are run-time values, so one AOT
// library serves every configuration; the output buffer's extent carries
// output_padding. tile_order (a convt_order::TileOrder) chooses between the
// evaluation orders of the same result, for schedules. input(x, y, c, n),
// weight(kx, ky, co_in_group, ci), bias(co); gcd_x, inverse_x (and _y) are
// convt_phase::phase_constants of each axis's stride and dilation
// (generators/phase_constants.h). weight_columns(j, ci) is the same weights
// as a matrix (ConvTranspose2dFuncs::columns).
// pixel_order orders the GPU form's reduction and pixels; blocks sizes the
// CPU schedule's packed copies.
ConvTranspose2dFuncs define_conv_transpose2d(
    const Halide::Func &input, const Halide::Expr &input_width, const Halide::Expr &input_height,
    const Halide::Expr &input_channels, const Halide::Expr &batch, const Halide::Func &weight,
    const Halide::Expr &kernel_width, const Halide::Expr &kernel_height,
    const Halide::Expr &out_channels_per_group, const Halide::Func &bias,
    const Halide::Func &weight_columns, const Halide::Expr &stride_x, const Halide::Expr &stride_y,
    const Halide::Expr &padding_x, const Halide::Expr &padding_y, const Halide::Expr &dilation_x,
    const Halide::Expr &dilation_y, const Halide::Expr &gcd_x, const Halide::Expr &gcd_y,
    const Halide::Expr &inverse_x, const Halide::Expr &inverse_y, const Halide::Expr &groups,
    const Halide::Expr &tile_order, const PixelFormOrder &pixel_order = {},
    const CpuBlocks &blocks = {});

}  // namespace convt_gen
