#include "conv_transpose2d_algorithm.h"

#include <optional>

#include "cpu_tiles.h"
#include "phase_constants.h"

using namespace Halide;

namespace convt_gen {

namespace {

AxisPhases make_axis_phases(const Expr &stride, const Expr &padding, const Expr &dilation,
                            const Expr &kernel, const Expr &gcd, const Expr &inverse) {
  AxisPhases a;
  a.stride = stride;
  a.padding = padding;
  a.dilation = dilation;
  a.kernel = kernel;
  a.gcd = gcd;
  a.inverse = inverse;
  // Dilation 1 or stride 1 (nearly every real layer): specializations on
  // `simple` fold the gcd away.
  a.simple = convt_phase::simple_phases(stride, dilation);
  a.tap_step = select(a.simple, stride, stride / gcd);
  a.input_step = select(a.simple, dilation, dilation / gcd);
  a.count = min(kernel, a.tap_step);
  a.max_taps = (kernel + a.tap_step - 1) / a.tap_step;
  return a;
}

// The bias fill's domain for an output Func: (x, y, once) over the whole
// output when some residue of the output has no phase (a stride above the
// kernel size, or a gcd above 1) or `always`, else empty. The third
// dimension (0 or 1 iterations) lets a GPU schedule skip the launch.
RDom fill_domain(const Func &out, const AxisPhases &x, const AxisPhases &y, const Expr &always,
                 const std::string &name) {
  const Expr width = out.output_buffer().dim(0).extent();
  const Expr height = out.output_buffer().dim(1).extent();
  const Expr fill = !(x.covers(width) && y.covers(height)) || always;
  return RDom(0, width, 0, height, 0, select(fill, 1, 0), name);
}

// The GPU form (see ConvTranspose2dFuncs::pixel_sum): the same phase sums
// over a flattened pixel index, written to the output from one domain.
template <typename InChannelOf>
void define_pixel_form(ConvTranspose2dFuncs &f, const Func &bias, const Expr &clamped_co,
                       const InChannelOf &in_channel_of, const PixelFormOrder &order) {
  f.output_by_phase_pixels = Func("conv_transpose2d_by_phase_pixels");
  Func &out = f.output_by_phase_pixels;
  out(f.x, f.y, f.co, f.n) = undef<float>();
  const Expr out_width = out.output_buffer().dim(0).extent();
  const Expr out_height = out.output_buffer().dim(1).extent();
  const Expr batch = out.output_buffer().dim(3).extent();
  const Expr &sx = f.phase_x.stride, &sy = f.phase_y.stride;
  // The pixel that m stands for (PixelFormOrder).
  const int group = order.lanes * order.per_lane;
  auto pixel_of = [&](const Expr &m) {
    if (group == 1) return m;
    return m / group * group + m % order.per_lane * order.lanes + m / order.per_lane % order.lanes;
  };
  f.phase_columns = f.phase_x.outputs_of(out_width, f.rx);
  f.phase_rows = f.phase_y.outputs_of(out_height, f.ry);
  const Expr pixel = pixel_of(f.m);
  f.pixel_qx = pixel % f.phase_columns;
  f.pixel_qy = pixel / f.phase_columns % f.phase_rows;
  f.pixel_n = pixel / (f.phase_columns * f.phase_rows);

  Var c = f.c, jx = f.jx, jy = f.jy, rx = f.rx, ry = f.ry;
  // Zero past the last input channel (see r_taps).
  f.pixel_input = Func("pixel_input");
  f.pixel_input(f.m, c, jx, jy, rx, ry) =
      select(c < f.input_channels,
             f.input_padded(f.phase_x.input(f.pixel_qx, rx, jx),
                            f.phase_y.input(f.pixel_qy, ry, jy), c, f.pixel_n),
             0.0f);

  const Expr channels = f.in_channels_per_group;
  const int step = order.channel_step;
  f.r_taps = RDom(0, (channels + step - 1) / step * step, 0, f.phase_y.max_taps, 0,
                  f.phase_x.max_taps, "r_taps");
  f.r_taps.where(f.phase_y.has_tap(ry, f.r_taps.y) && f.phase_x.has_tap(rx, f.r_taps.z));
  RVar ci = f.r_taps.x, tjy = f.r_taps.y, tjx = f.r_taps.z;
  // Channels past the group's read zeros on both sides (pixel_input and
  // weight_phase), so even an input of infinities adds nothing there.
  f.pixel_sum = Func("pixel_sum");
  f.pixel_sum(f.m, f.co, rx, ry) = bias(clamped_co);
  f.pixel_sum(f.m, f.co, rx, ry) +=
      f.pixel_input(f.m, in_channel_of(clamped_co, ci), tjx, tjy, rx, ry) *
      f.weight_phase(tjx, tjy, f.co, ci, rx, ry);

  // Every phase's pixels: m runs to the most any phase has (ceil(o / s)
  // per axis, rounded up to whole groups of the pixel order) and stops at
  // each phase's own. The clamps only touch skipped points and keep bounds
  // inference, which ignores the predicate, inside the output.
  const Expr most = batch * ((out_height + sy - 1) / sy) * ((out_width + sx - 1) / sx);
  f.r_pixels = RDom(0, (most + group - 1) / group * group, 0, f.phase_x.count, 0, f.phase_y.count,
                    "r_pixels");
  RVar pm = f.r_pixels.x, prx = f.r_pixels.y, pry = f.r_pixels.z;
  const Expr columns = f.phase_x.outputs_of(out_width, prx);
  const Expr rows = f.phase_y.outputs_of(out_height, pry);
  const Expr p = pixel_of(pm);
  f.r_pixels.where(p < batch * rows * columns);
  Expr x = p % columns * sx + f.phase_x.offset(prx);
  Expr y = p / columns % rows * sy + f.phase_y.offset(pry);
  Expr n = p / (columns * rows);
  f.r_pixel_fill = fill_domain(out, f.phase_x, f.phase_y, Internal::const_false(), "r_pixel_fill");
  out(f.r_pixel_fill.x, f.r_pixel_fill.y, f.co, f.n) = bias(clamped_co);
  out(clamp(x, 0, out_width - 1), clamp(y, 0, out_height - 1), f.co, clamp(n, 0, batch - 1)) =
      f.pixel_sum(pm, f.co, prx, pry);
}

// What an x-tile order reads: the input in blocks of `columns` phase
// columns (input_x_blocks), and, for the orders that pack every weight once
// per call, the weights in blocks of `weight_channels` output channels
// (weight_blocked; 0: the schedule packs weight_phase itself).
struct XBlocked {
  Func input;
  int columns = 0;
  Func weights;
  int weight_channels = 0;
};

}  // namespace

// Halide's % is Euclidean: the residue is in [0, s) for any sign. t * d is
// below kernel * dilation, which the runtime keeps under 2^30.
Expr AxisPhases::offset(const Expr &t) const { return (t * dilation - padding) % stride; }

// Every residue has a phase (count == s), or the axis is narrower than
// the stride and its residues 0 .. outputs - 1 all have one: with simple
// phases those are `count` consecutive residues (mod s) from offset(0),
// so 0 .. n - 1 have one, n = count where the run starts at 0, else the
// part that wraps past s. (A 1 x 1 input, k3 s8: 3 outputs, all of them
// a phase's, where the fill wrote the whole output before the phases
// wrote it again: 40% of random205_31's call.)
Expr AxisPhases::covers(const Expr &outputs) const {
  const Expr first = offset(0);
  const Expr leading = select(first == 0, count, first + count - stride);
  return count == stride || (simple && leading >= outputs);
}

// (As a bound on the tap's kernel index rather than a tap count: the
// phase-level condition Halide derives from it, that tap 0 exists, then
// simplifies away for every phase below count.)
Expr AxisPhases::has_tap(const Expr &t, const Expr &j) const { return t + j * tap_step < kernel; }

// Exact division: offset(t) = t * d - p (mod s). (A phase past count is
// never read; the min keeps its index finite for bounds inference.)
Expr AxisPhases::input(const Expr &q, const Expr &t, const Expr &j) const {
  const Expr phase = min(t, count - 1);
  return q + (offset(phase) + padding - phase * dilation) / stride - j * input_step;
}

// Kernel index of tap j of phase t: below the kernel size under the
// has_tap guard, and clamped there for the taps past it that schedules
// evaluate anyway (weight packs cover max_taps taps of every phase).
Expr AxisPhases::tap(const Expr &t, const Expr &j) const {
  return min(t + j * tap_step, kernel - 1);
}

Expr AxisPhases::outputs_of(const Expr &outputs, const Expr &t) const {
  return max((outputs - offset(t) + stride - 1) / stride, 0);
}

// The first tap k with k * d = r + p (mod s): k = ((r + p) / g) * inverse
// (mod s / g) when g = gcd divides r + p. The product is taken in 64 bits:
// both factors are below s, up to 2^20.
Expr AxisPhases::phase_of(const Expr &r) const {
  const Expr u = r + padding;
  const Expr first =
      select(u % gcd == 0,
             cast<int32_t>(cast<int64_t>(u / gcd % tap_step) * cast<int64_t>(inverse) % tap_step),
             tap_step);
  const Expr k0 = select(simple, u % stride, first);
  return select(k0 < count, k0, kernel);
}

ConvTranspose2dFuncs define_conv_transpose2d(
    const Func &input, const Expr &input_width, const Expr &input_height,
    const Expr &input_channels, const Expr &batch, const Func &weight, const Expr &kernel_width,
    const Expr &kernel_height, const Expr &out_channels_per_group, const Func &bias,
    const Func &weight_columns, const Expr &stride_x, const Expr &stride_y, const Expr &padding_x,
    const Expr &padding_y, const Expr &dilation_x, const Expr &dilation_y, const Expr &gcd_x,
    const Expr &gcd_y, const Expr &inverse_x, const Expr &inverse_y, const Expr &groups,
    const Expr &tile_order, const PixelFormOrder &pixel_order, const CpuBlocks &blocks) {
  const int weight_block = blocks.weight_channels, x_block = blocks.x_columns;
  const int wide_weight_block = blocks.wide_weight_channels;
  const int wide_x_block = blocks.wide_x_columns;
  const int image_block = blocks.images, more_image_block = blocks.more_images;
  const int row_lanes = blocks.row_lanes;
  ConvTranspose2dFuncs f;
  f.tile_order = tile_order;
  f.channel_rows_first = blocks.channel_rows_first;
  f.groups = groups;
  f.input_channels = input_channels;
  f.in_channels_per_group = input_channels / groups;
  f.out_channels_per_group = out_channels_per_group;
  f.phase_x = make_axis_phases(stride_x, padding_x, dilation_x, kernel_width, gcd_x, inverse_x);
  f.phase_y = make_axis_phases(stride_y, padding_y, dilation_y, kernel_height, gcd_y, inverse_y);

  Func zero_outside =
      BoundaryConditions::constant_exterior(input, 0.0f, {{0, input_width}, {0, input_height}});
  // The channel and image clamps change no value the algorithm reads; they
  // let schedules copy fixed-size channel or image blocks that overhang
  // C_in or N.
  f.input_padded = Func("input_padded");
  f.input_padded(f.x, f.y, f.c, f.n) =
      zero_outside(f.x, f.y, clamp(f.c, 0, input_channels - 1), clamp(f.n, 0, batch - 1));

  // A phase's taps read input columns q + input(0, t, j): from q + input(0,
  // 0, 0) (phase 0, tap 0) down to q + input(0, count - 1, max_taps - 1), the
  // offset falling with the phase and the tap.
  const Expr x_reach = f.phase_x.input(0, f.phase_x.count - 1, f.phase_x.max_taps - 1);
  auto x_blocks = [&](const std::string &name, int columns) {
    Func b(name);
    if (columns > 0) {
      b(f.xi, f.c, f.xb, f.y, f.n) = f.input_padded(f.xb * columns + x_reach + f.xi, f.y, f.c, f.n);
    }
    return b;
  };
  f.input_x_blocks = x_blocks("input_x_blocks", x_block);
  f.input_wide_x_blocks = x_blocks("input_wide_x_blocks", wide_x_block);
  f.input_x_blocks_by_row = x_blocks("input_x_blocks_by_row", x_block);
  f.input_wide_x_blocks_by_row = x_blocks("input_wide_x_blocks_by_row", wide_x_block);
  auto image_blocks = [&](const std::string &name, int images) {
    Func b(name);
    b(f.ni, f.c, f.nb, f.x, f.y) = f.input_padded(f.x, f.y, f.c, f.nb * images + f.ni);
    return b;
  };
  if (row_lanes > 0) {
    const Expr chosen = tile_order == convt_order::kXTilesAcrossImages;
    f.narrow_rows = input_width < 2 * row_lanes;
    f.input_rows = Func("input_rows");
    f.input_rows(f.x, f.y, f.c, f.n) =
        select(f.narrow_rows, 0.0f, f.input_padded(f.x, f.y, f.c, f.n));
    const Expr copies = chosen && f.narrow_rows;
    f.r_rows = RDom(0, min(input_width, row_lanes), 0,
                    select(copies, (input_width + row_lanes - 1) / row_lanes, 0), 0,
                    select(copies, input_height, 0), "r_rows");
    const Expr x = max(min(f.r_rows.y * row_lanes, input_width - row_lanes), 0) + f.r_rows.x;
    f.input_rows(x, f.r_rows.z, f.c, f.n) =
        input(x, f.r_rows.z, clamp(f.c, 0, input_channels - 1), clamp(f.n, 0, batch - 1));
  }
  if (image_block > 0) f.input_image_blocks = image_blocks("input_image_blocks", image_block);
  if (more_image_block > 0) {
    f.input_more_image_blocks = image_blocks("input_more_image_blocks", more_image_block);
  }

  // Group of output channel co; groups == 1 folds away under specialization.
  // (% rather than co - group * size keeps bounds inference tight.)
  // Schedules may compute whole channel blocks past C_out (and discard
  // them): the channel is clamped, keeping reads inside the weight and bias.
  Expr out_channels = out_channels_per_group * groups;
  Expr clamped_co = clamp(f.co, 0, out_channels - 1);
  auto in_channel_of = [&](const Expr &co, const Expr &ci_in_group) {
    Expr group = select(groups == 1, 0, co / out_channels_per_group);
    return group * f.in_channels_per_group + ci_in_group;
  };
  auto co_in_group_of = [&](const Expr &co) {
    return select(groups == 1, co, co % out_channels_per_group);
  };
  // Clamped like input_padded, so fixed-size blocks of it stay in bounds;
  // zero past the group's last input channel (the GPU form's reduction runs
  // that far).
  Expr wci = clamp(f.c, 0, f.in_channels_per_group - 1);
  f.weight_phase = Func("weight_phase");
  f.weight_phase(f.jx, f.jy, f.co, f.c, f.rx, f.ry) =
      select(f.c < f.in_channels_per_group,
             weight(f.phase_x.tap(f.rx, f.jx), f.phase_y.tap(f.ry, f.jy),
                    co_in_group_of(clamped_co), in_channel_of(clamped_co, wci)),
             0.0f);

  // The reduction of one phase: r.x the input channel within the group, r.y
  // and r.z the tap j along y and x. Taps that read a row outside the input
  // contribute nothing: they are skipped, so small inputs do not pay for the
  // zero border in y. Columns keep the border where a schedule vectorizes
  // or unrolls along x (a predicate on qx would sit inside the vector); the
  // images-innermost variant skips them too.
  auto make_reduction = [&](const std::string &name, bool skip_border_columns,
                            bool skip_border_rows = true) {
    RDom r(0, f.in_channels_per_group, 0, f.phase_y.max_taps, 0, f.phase_x.max_taps, name);
    r.where(f.phase_y.has_tap(f.ry, r.y) && f.phase_x.has_tap(f.rx, r.z));
    Expr iy = f.phase_y.input(f.qy, f.ry, r.y);
    if (skip_border_rows) r.where(iy >= 0 && iy < input_height);
    if (skip_border_columns) {
      Expr ix = f.phase_x.input(f.qx, f.rx, r.z);
      r.where(ix >= 0 && ix < input_width);
    }
    return r;
  };
  f.r = make_reduction("r", false);
  f.r_by_image = make_reduction("r_by_image", true);
  f.r_by_rows = make_reduction("r_by_rows", false, false);

  // The per-phase correlation. Built once per use below, so each can be
  // scheduled at its own loop level and in its own order. The group comes
  // from the clamped channel, so channels past C_out read real input
  // channels (their sums are discarded). Rows (and, where the reduction
  // skips them, columns) outside the input are never read: clamping the
  // index changes no value read and keeps the zero-bordered copy, which
  // bounds inference sizes without the predicates, to the input's rows
  // however far a dilated kernel reaches.
  auto blocked_weights = [&](const std::string &name, int channels) {
    Func b(name);
    b(f.block_channel, f.c, f.jx, f.jy, f.rx, f.ry, f.block) =
        f.weight_phase(f.jx, f.jy, f.block * channels + f.block_channel, f.c, f.rx, f.ry);
    return b;
  };
  f.weight_blocked = blocked_weights("weight_blocked", weight_block);
  f.weight_wide_blocked = blocked_weights("weight_wide_blocked", std::max(wide_weight_block, 1));
  // The channel and image read (and the block and channel of the blocked
  // weights, and the x block of the blocked input) are the first when the
  // sum's order is not chosen: a schedule's copy of the input, or pack of
  // the weights, for that order, sized by
  // bounds inference (which does not see that the order's domain is empty),
  // is then one plane or one block rather than a sliver of every plane (a
  // batch of 37 1 x 1 inputs paid more for the unchosen orders' slivers
  // than for its own work). A product with 0 or 1, not a min(): the
  // addresses stay affine in the reduction, so the hot loops step them by a
  // constant (a min() per channel made order 4's loop spill its
  // accumulators).
  auto make_phase_sum = [&](const std::string &name, const RDom &r, bool skips_border_columns,
                            const Expr &chosen, const XBlocked *x_blocked = nullptr,
                            bool skips_border_rows = true, const Func *blocks_of_images = nullptr,
                            int images = 0, const Func *rows = nullptr) {
    RVar ci = r.x, jy = r.y, jx = r.z;
    Expr ix = f.phase_x.input(f.qx, f.rx, jx);
    Expr iy = f.phase_y.input(f.qy, f.ry, jy);
    if (skips_border_rows) iy = clamp(iy, 0, input_height - 1);
    if (skips_border_columns) ix = clamp(ix, 0, input_width - 1);
    const Expr keep = select(chosen, 1, 0);
    const bool packed = x_blocked != nullptr && x_blocked->weight_channels > 0;
    // The block of co, not of the clamped channel: the same block (a block
    // holds at least one channel below C_out), but one expression for all
    // of a tile's channels, so one address steps through their weights.
    // Per channel, order 4's AVX-512 tile kept 12 pointers and reloaded 3
    // from the stack at every step (both cores of an Intel Xeon, x tiles
    // by row, alternated, medians of 4: hifigan_up2 6.79 to 6.23 ms,
    // cyclegan_resnet_up 8.23 to 7.69, cyclegan_up2 10.20 to 9.61,
    // linknet_final 13.97 to 13.26; AVX2 1-3% faster).
    Expr w = packed ? x_blocked->weights(f.co % x_blocked->weight_channels, ci * keep, jx, jy, f.rx,
                                         f.ry, (f.co / x_blocked->weight_channels) * keep)
                    : f.weight_phase(jx, jy, f.co, ci, f.rx, f.ry);
    const Expr c = in_channel_of(clamped_co, ci) * keep;
    const Expr n = f.n * keep;
    Func p(name);
    p(f.qx, f.qy, f.co, f.n, f.rx, f.ry) = bias(clamped_co);
    Expr in;
    if (x_blocked != nullptr && x_blocked->columns > 0) {
      // (qx % columns, not qx - xb * columns: bounds inference then
      // sees the block's columns, not the row's.)
      const int columns = x_blocked->columns;
      const Expr column = f.qx % columns + f.phase_x.input(0, f.rx, jx) - x_reach;
      in = x_blocked->input(column, c, f.qx / columns * keep, iy, n);
    } else if (blocks_of_images != nullptr && images > 0) {
      in = (*blocks_of_images)(f.n % images, c, f.n / images * keep, ix, iy);
    } else if (rows != nullptr && rows->defined()) {
      in = (*rows)(ix, iy, c, n);
    } else {
      in = f.input_padded(ix, iy, c, n);
    }
    p(f.qx, f.qy, f.co, f.n, f.rx, f.ry) += in * w;
    return p;
  };
  // Output pixel o = q * s + offset(t) belongs to phase t. The output is
  // written from phase space, so each phase's tile of phase_sum has exact
  // bounds; the pure definition is never evaluated. The output buffer's
  // extent carries output_padding.
  f.output = Func("conv_transpose2d");
  f.output(f.x, f.y, f.co, f.n) = undef<float>();
  Expr output_width = f.output.output_buffer().dim(0).extent();
  Expr output_height = f.output.output_buffer().dim(1).extent();
  Expr full_columns = output_width / stride_x;  // q with every residue in range
  Expr edge_columns = output_width % stride_x;  // residues in range at q = full_columns
  Expr qx_extent = (output_width + stride_x - 1) / stride_x;  // the edge's q included
  Expr qy_extent = (output_height + stride_y - 1) / stride_y;

  auto chosen = [&](convt_order::TileOrder order) { return tile_order == order; };
  const XBlocked x_tiles_input{f.input_x_blocks, x_block};
  const XBlocked wide_tiles_input{f.input_wide_x_blocks, wide_x_block};
  const XBlocked by_row_input{f.input_x_blocks_by_row, x_block, f.weight_blocked, weight_block};
  const XBlocked wide_input{f.input_wide_x_blocks_by_row, wide_x_block, f.weight_wide_blocked,
                            wide_weight_block};
  f.phase_sum =
      make_phase_sum("phase_sum", f.r, false, chosen(convt_order::kXTiles), &x_tiles_input);
  f.phase_sum_by_channel =
      make_phase_sum("phase_sum_by_channel", f.r, false, chosen(convt_order::kChannelTilesAlongX));
  // Order 1 in its other tiles (wider, for phase rows they fill better):
  // a sum and an update of each, as for order 3's one-channel tile below.
  for (int which = 0; which < 3; ++which) {
    f.channel_tile_takes.at(which) =
        convt_tiles::channel_tile_takes(qx_extent, blocks.channel_tile_widths, which);
  }
  f.phase_sum_by_channel_wide = make_phase_sum("phase_sum_by_channel_wide", f.r, false,
                                               chosen(convt_order::kChannelTilesAlongX));
  f.phase_sum_by_channel_wider = make_phase_sum("phase_sum_by_channel_wider", f.r, false,
                                                chosen(convt_order::kChannelTilesAlongX));
  // (The edge columns are written whatever the order.)
  f.phase_sum_edge = make_phase_sum("phase_sum_edge", f.r, false, Internal::const_true());
  f.phase_sum_by_image = make_phase_sum("phase_sum_by_image", f.r_by_image, true,
                                        chosen(convt_order::kChannelTilesAlongImages), nullptr,
                                        true, &f.input_image_blocks, image_block);
  f.phase_sum_by_more_images =
      make_phase_sum("phase_sum_by_more_images", f.r_by_image, true,
                     chosen(convt_order::kChannelTilesAlongMoreImages), nullptr, true,
                     &f.input_more_image_blocks, more_image_block);
  // Order 3 in a second tile shape for one output channel (a tile of
  // several channels would idle all but one): its own sum, so each shape
  // is a register tile of its own, and its own update, so the call runs
  // exactly one of the two (the sums' reads are those of order 3: a
  // constant in its kernel). Its tiles are wider; they run some 1.2 to 1.3
  // times faster per column (AVX2 on a Zen 2 EPYC: vae_mnist_dec2, rows of
  // 14 in both, 0.65 to 0.50 ms), so they pay where they compute at most
  // 1/8 more phase columns (rows of 23 in 32 rather than 24: 1.19 to 1.33).
  f.x_images_one_channel =
      blocks.x_images_one_columns > 0
          ? convt_tiles::x_images_one_channel(out_channels, full_columns, blocks.x_images_columns,
                                              blocks.x_images_one_columns)
          : Internal::const_false();
  f.phase_sum_x_images =
      make_phase_sum("phase_sum_x_images", f.r, false, chosen(convt_order::kXTilesAcrossImages),
                     nullptr, true, nullptr, 0, &f.input_rows);
  f.phase_sum_x_images_one =
      make_phase_sum("phase_sum_x_images_one", f.r, false, chosen(convt_order::kXTilesAcrossImages),
                     nullptr, true, nullptr, 0, &f.input_rows);
  f.phase_sum_x_rows = make_phase_sum("phase_sum_x_rows", f.r, false,
                                      chosen(convt_order::kXTilesByRow), &by_row_input);
  f.phase_sum_wide = make_phase_sum("phase_sum_wide", f.r, false, chosen(convt_order::kWideXTiles),
                                    &wide_tiles_input);
  f.phase_sum_wide_x_rows = make_phase_sum("phase_sum_wide_x_rows", f.r, false,
                                           chosen(convt_order::kWideXTilesByRow), &wide_input);
  f.phase_sum_across_rows = make_phase_sum("phase_sum_across_rows", f.r_by_rows, false,
                                           chosen(convt_order::kXTilesAcrossRows), nullptr, false);

  // Output row and column of phase space. The where-clauses skip outputs
  // past the edge; the min() only touches skipped points and keeps bounds
  // inference, which ignores the predicates, in range.
  auto row = [&](const Expr &qy, const Expr &ry) {
    return min(qy * stride_y + f.phase_y.offset(ry), output_height - 1);
  };
  auto column = [&](const Expr &qx, const Expr &rx) {
    return min(qx * stride_x + f.phase_x.offset(rx), output_width - 1);
  };
  auto row_in_range = [&](const Expr &qy, const Expr &ry) {
    return qy * stride_y + f.phase_y.offset(ry) < output_height;
  };
  // q * s_x + offset < W_out, solved for q: linear in the tile loop with a
  // constant coefficient, so Halide can split off a row's last tile (marked
  // likely) and store the full tiles without a test per value. (Written
  // as q * s_x + offset < W_out, which Halide cannot solve for q, it cost
  // each of a channel tile's 256 scalar stores a compare and a branch: 18%
  // of dcgan_g3's kernel in channel tiles along x. Both cores of an Intel
  // Xeon, alternated, medians of 4, AVX-512: enet_b4_up 0.93 to 0.81 ms
  // along x, dcgan_g3 18.2 to 17.4 along images.)
  auto column_in_range = [&](const Expr &qx, const Expr &rx) {
    return likely(qx < (output_width - f.phase_x.offset(rx) + stride_x - 1) / stride_x);
  };
  // Orders whose tiles along qx are not vectors take the edge columns in
  // their own domain (a predicate per column): one weight pack and one
  // tile loop for every column. (The edge update, with its own pack of
  // the same phases, took a quarter of random1_16's time for one column
  // in 15.)
  const Expr edge_in_domain = tile_order == convt_order::kChannelTilesAlongX ||
                              tile_order == convt_order::kChannelTilesAlongImages ||
                              tile_order == convt_order::kChannelTilesAlongMoreImages;

  // The bias, wherever no phase writes (fill_domain): the whole output,
  // which the phases then overwrite where they have taps. One pass over
  // the output, however many residues are bias only.
  const Expr by_columns = tile_order == convt_order::kColumns;
  f.r_fill = fill_domain(f.output, f.phase_x, f.phase_y, by_columns, "r_fill");
  f.output(f.r_fill.x, f.r_fill.y, f.co, f.n) = bias(clamped_co);

  // Full columns q < W_out / s_x, where every phase lands in range, so no
  // column predicate (the hot stores stay unmasked); with the edge columns
  // for the orders that take them (edge_in_domain). Written by one update
  // per tile order with the same values, chosen by tile_order (the others'
  // domains are empty): phase_sum for tiles along x, phase_sum_by_channel
  // for tiles along output channels and x, phase_sum_by_image for tiles
  // along output channels and images, phase_sum_x_images for tiles along x
  // and images, phase_sum_x_rows for tiles along x one row at a time, and
  // so on.
  // Every dimension of an unchosen or column-less domain is empty, and
  // only phases with taps have loops, so loops that a schedule places
  // between the phases and the columns (repacking, say) run only where
  // there is work, even for strides far beyond the kernel or the output.
  // rows_outermost orders the domain (qx, rx, ry, qy) rather than (qx, qy,
  // rx, ry): a schedule may then walk every phase of one row before the
  // next row, so the input rows that row reads are fetched once for all
  // phases. (Halide keeps an update's reduction loops in their RDom's order.)
  // Each point is written from `sum`; only the domains with the edge
  // columns need the column clamp.
  // An order with two updates (one tile shape each, `applies` saying
  // when) takes a fifth dimension, once, outermost, of extent 1 or 0: a
  // schedule that puts it outside the pure loops runs nothing of the
  // update the call does not take (its loops over images and channels,
  // and the copies made in them, still ran).
  auto phase_update = [&](convt_order::TileOrder order, bool rows_outermost,
                          const std::string &name, const Func &sum, bool with_edge = false,
                          const std::optional<Expr> &applies = std::nullopt) {
    const Expr columns = with_edge ? qx_extent : full_columns;
    Expr chosen = tile_order == order && columns > 0;
    if (applies) chosen = chosen && *applies;
    Expr qx = select(chosen, columns, 0), qy = select(chosen, qy_extent, 0);
    Expr rx = select(chosen, f.phase_x.count, 0), ry = select(chosen, f.phase_y.count, 0);
    Region region = rows_outermost ? Region{{0, qx}, {0, rx}, {0, ry}, {0, qy}}
                                   : Region{{0, qx}, {0, qy}, {0, rx}, {0, ry}};
    if (applies) region.emplace_back(0, select(chosen, 1, 0));
    RDom d(region, name);
    RVar dqy = rows_outermost ? d.w : d.y, dry = rows_outermost ? d.z : d.w;
    RVar drx = rows_outermost ? d.y : d.z;
    d.where(row_in_range(dqy, dry));
    if (with_edge) d.where(column_in_range(d.x, drx));
    // The column predicate keeps every stored column below W_out, so the
    // edge domains promise that bound rather than clamp to it: the min()
    // cost every store of the full tiles a compare and a conditional move.
    // Both cores of an Intel Xeon, alternated, medians of 6, AVX-512:
    // enet_b4_up 1.08 to 1.03 ms, centernet_r18_deconv3 31.8 to 30.4,
    // deconvnet_deconv5 3.22 to 3.12, dcgan_g3 18.0 to 17.8; AVX2
    // enet_b4_up 1.51 to 1.44, deconvnet_deconv5 6.01 to 5.84.
    const Expr unclamped = d.x * stride_x + f.phase_x.offset(drx);
    const Expr x = with_edge ? unsafe_promise_clamped(unclamped, 0, output_width - 1) : unclamped;
    f.output(x, row(dqy, dry), f.co, f.n) = sum(d.x, dqy, f.co, f.n, drx, dry);
    return d;
  };
  f.r_out = phase_update(convt_order::kXTiles, false, "r_out", f.phase_sum);
  f.r_out_by_channel =
      phase_update(convt_order::kChannelTilesAlongX, f.channel_rows_first, "r_out_by_channel",
                   f.phase_sum_by_channel, true, f.channel_tile_takes[0]);

  // Edge update: the last W_out % s_x columns, the phases whose residue is
  // below edge_columns, for the orders that do not take them. Rows
  // innermost, so a schedule can tile an edge column's rows under one
  // phase's weights.
  const Expr interleaved = tile_order == convt_order::kInterleavedXTiles;
  f.r_edge = RDom(0, qy_extent, 0,
                  select(edge_columns > 0 && !by_columns && !edge_in_domain && !interleaved,
                         f.phase_x.count, 0),
                  0, f.phase_y.count, "r_edge");
  RVar eqy = f.r_edge.x, erx = f.r_edge.y, ery = f.r_edge.z;
  f.r_edge.where(f.phase_x.offset(erx) < edge_columns && row_in_range(eqy, ery));
  f.output(column(full_columns, erx), row(eqy, ery), f.co, f.n) =
      f.phase_sum_edge(full_columns, eqy, f.co, f.n, erx, ery);

  f.r_out_by_image = phase_update(convt_order::kChannelTilesAlongImages, f.channel_rows_first,
                                  "r_out_by_image", f.phase_sum_by_image, true);
  f.r_out_x_images = phase_update(convt_order::kXTilesAcrossImages, true, "r_out_x_images",
                                  f.phase_sum_x_images, false, !f.x_images_one_channel);
  f.r_out_x_rows =
      phase_update(convt_order::kXTilesByRow, true, "r_out_x_rows", f.phase_sum_x_rows);

  // The columns form: the GEMM, then each output row gathers its tap rows
  // (the phase of its residue, as in phase space) and adds every column
  // of them whose x lands in the row. Pixels are clamped where a
  // schedule's fixed tiles overhang M (those sums are never read).
  f.pixels = input_width * input_height * batch;
  f.columns_per_group = kernel_width * kernel_height * out_channels_per_group;
  {
    const Expr pm = clamp(f.m, 0, f.pixels - 1);
    f.columns_pixel = Func("columns_pixel");
    f.columns_pixel(f.m) = {pm % input_width, pm / input_width % input_height,
                            pm / (input_width * input_height)};
    // (pm is clamped, so are its coordinates: the promises bound the
    // input's region without a clamp per read.)
    auto pixel_input = [&](const Expr &m, const Expr &ci) {
      const Expr ix = unsafe_promise_clamped(f.columns_pixel(m)[0], 0, input_width - 1);
      const Expr iy = unsafe_promise_clamped(f.columns_pixel(m)[1], 0, input_height - 1);
      const Expr in = unsafe_promise_clamped(f.columns_pixel(m)[2], 0, batch - 1);
      return input(ix, iy, ci, in);
    };
    const Expr channels = f.in_channels_per_group;
    // The GEMM over every input channel at once, reading weight_columns.
    f.r_columns = RDom(0, channels, "r_columns");
    const Expr ci = f.g * channels + f.r_columns.x;
    f.columns_sum = Func("columns_sum");
    f.columns_sum(f.j, f.m, f.g) = 0.0f;
    f.columns_sum(f.j, f.m, f.g) += pixel_input(f.m, ci) * weight_columns(f.j, ci);
    f.columns_direct = Func("columns_direct");
    f.columns_direct(f.j, f.m, f.g) = f.columns_sum(f.j, f.m, f.g);
    const int strip = blocks.columns_strip;
    if (strip == 0) {
      f.columns = f.columns_direct;
    } else {
      // The GEMM in blocks of about the same number of input channels (the
      // last one may hold fewer: where, which Halide makes the loop's
      // bound), reading columns_weight_panel.
      const int most = blocks.columns_channel_block;
      const Expr channel_blocks = (channels + most - 1) / most;
      const Expr block_channels = (channels + channel_blocks - 1) / channel_blocks;
      f.r_block_channels = RDom(0, block_channels, "r_block_channels");
      f.r_block_channels.where(f.u * block_channels + f.r_block_channels.x < channels);
      f.r_channel_blocks = RDom(0, channel_blocks, "r_channel_blocks");
      const Expr c =
          unsafe_promise_clamped(f.u * block_channels + f.r_block_channels.x, 0, channels - 1);
      // Schedules compute whole strips of columns, past the last one: zeros
      // there.
      Func weight_exterior = BoundaryConditions::constant_exterior(
          weight_columns, 0.0f, {{0, f.columns_per_group}, {0, input_channels}});
      f.columns_weight_panel = Func("columns_weight_panel");
      f.columns_weight_panel(f.ji, f.c, f.jo, f.g) =
          weight_exterior(f.jo * strip + f.ji, f.g * channels + clamp(f.c, 0, channels - 1));
      f.columns_block = Func("columns_block");
      f.columns_block(f.j, f.m, f.g, f.u) = 0.0f;
      f.columns_block(f.j, f.m, f.g, f.u) +=
          pixel_input(f.m, f.g * channels + c) *
          f.columns_weight_panel(f.j % strip, c, f.j / strip, f.g);
      // (The first block's sums start each column, rather than a pass that
      // zeroes them all first.)
      f.columns_blocked = Func("columns_blocked");
      f.columns_blocked(f.j, f.m, f.g) = undef<float>();
      const RVar &block = f.r_channel_blocks.x;
      f.columns_blocked(f.j, f.m, f.g) =
          select(block == 0, 0.0f, f.columns_blocked(f.j, f.m, f.g)) +
          f.columns_block(f.j, f.m, f.g, block);
      // The other GEMM reads one value (its region a point).
      const Expr few = convt_tiles::columns_few_pixels(
          f.pixels, f.columns_per_group, blocks.columns_tile_pixels, blocks.row_lanes);
      f.columns_few_pixels = few;
      f.columns = Func("columns");
      f.columns(f.j, f.m, f.g) =
          select(few, f.columns_direct(select(few, f.j, 0), select(few, f.m, 0), f.g),
                 f.columns_blocked(select(few, 0, f.j), select(few, 0, f.m), f.g));
    }
  }
  {
    // Per output row, its phase (kernel_height when no tap reaches it) and
    // the input row of that phase's first tap: divisions, in a Func so a
    // schedule computes them once per row (inline, they sat in the inner
    // loop, where LLVM does not hoist a division).
    f.col2im_row = Func("col2im_row");
    {
      const Expr phase = f.phase_y.phase_of(f.y % stride_y);
      const Expr first_row = f.phase_y.input(f.y / stride_y, phase, 0);
      // Tap rows [lo, hi) of the phase land on input rows 0 to H_in - 1
      // (input row first_row - j * step, step > 0): bounds Halide puts on
      // the loop, where the same test as a predicate sat in its body.
      const Expr step = f.phase_y.input_step, tap_step = f.phase_y.tap_step;
      const Expr taps = max(kernel_height - phase + tap_step - 1, 0) / tap_step;
      f.col2im_row(f.y) = {phase, first_row, max((first_row - input_height + step) / step, 0),
                           min(first_row / step + 1, taps)};
    }
    const Expr ty = clamp(f.col2im_row(f.y)[0], 0, kernel_height);
    // Input columns whose every tap lands in the output row: ix_lo to
    // ix_hi. Their update has no test on kx, so its kernel columns are
    // whole vectors; the few others (the padding's, at either end) are
    // added by a second update, r_col2im_border, one tap at a time.
    const Expr ix_lo = (padding_x + stride_x - 1) / stride_x;
    const Expr ix_hi = (output_width - 1 + padding_x - (kernel_width - 1) * dilation_x) / stride_x;
    const Expr left = clamp(ix_lo, 0, input_width);
    const Expr right = input_width - clamp(ix_hi + 1, left, input_width);
    const Expr once = select(by_columns, 1, 0);
    // (The last dimension, once or never, empties both updates in the
    // other orders' pipelines.)
    f.r_col2im = RDom(0, kernel_width, 0, input_width, 0, f.phase_y.max_taps, 0, once, "r_col2im");
    f.r_col2im_border =
        RDom(0, kernel_width, 0, left + right, 0, f.phase_y.max_taps, 0, once, "r_col2im_border");
    auto add_columns = [&](RDom r, const Expr &ix, bool border) {
      const RVar &kx = r.x, &jy = r.z;
      const Expr x = ix * stride_x - padding_x + kx * dilation_x;
      const Expr iy = f.col2im_row(f.y)[1] - jy * f.phase_y.input_step;
      const Expr x_in_row = border ? x >= 0 && x < output_width : ix >= ix_lo && ix <= ix_hi;
      r.where(jy >= f.col2im_row(f.y)[2] && jy < f.col2im_row(f.y)[3] && x_in_row);
      const Expr ky = f.phase_y.tap(ty, jy);
      const Expr group = select(groups == 1, 0, clamped_co / out_channels_per_group);
      const Expr j = kx + kernel_width * (ky + kernel_height * co_in_group_of(clamped_co));
      // In range under the where clause: promised rather than clamped, so
      // the output's x stays a dense vector along kx (a clamp made the
      // vectorized adds scatters).
      const Expr m =
          ix + input_width * (unsafe_promise_clamped(iy, 0, input_height - 1) + input_height * f.n);
      const Expr xc = unsafe_promise_clamped(x, 0, output_width - 1);
      f.output(xc, f.y, f.co, f.n) = f.output(xc, f.y, f.co, f.n) + f.columns(j, m, group);
    };
    const RDom &rb = f.r_col2im_border;
    add_columns(f.r_col2im, f.r_col2im.y, false);
    add_columns(rb, select(rb.y < left, rb.y, rb.y - left + input_width - right), true);
  }

  // x tiles across rows: the phase orders' update.
  f.r_out_across_rows = phase_update(convt_order::kXTilesAcrossRows, true, "r_out_across_rows",
                                     f.phase_sum_across_rows);
  // Channel tiles along more images: order 2's update, in taller image tiles.
  f.r_out_by_more_images =
      phase_update(convt_order::kChannelTilesAlongMoreImages, f.channel_rows_first,
                   "r_out_by_more_images", f.phase_sum_by_more_images, true);
  // Wide x tiles by row: order 4's update, in wider and shallower tiles.
  f.r_out_wide_x_rows = phase_update(convt_order::kWideXTilesByRow, true, "r_out_wide_x_rows",
                                     f.phase_sum_wide_x_rows);
  // Wide x tiles: order 0's update, in the same tiles.
  f.r_out_wide = phase_update(convt_order::kWideXTiles, false, "r_out_wide", f.phase_sum_wide);
  // x tiles across images of one output channel: order 3's update, in its
  // other tile shape.
  f.r_out_x_images_one = phase_update(convt_order::kXTilesAcrossImages, true, "r_out_x_images_one",
                                      f.phase_sum_x_images_one, false, f.x_images_one_channel);

  // Interleaved x tiles: every output pixel at once, from the one tap
  // that reaches it (output column x = qx * s_x + rx - p_x), after no fill
  // (every residue has a tap). Input columns past the input (a last
  // tile's, output_padding's) read input_padded's zeros.
  f.interleaved_applies = convt_order::interleaved_x_tiles_apply(
      kernel_width, kernel_height, stride_x, stride_y, padding_x, dilation_x, dilation_y);
  {
    const Expr chosen = interleaved && f.interleaved_applies;
    const Expr keep = select(chosen, 1, 0);
    const Expr block_co = clamp(f.block * weight_block + f.block_channel, 0, out_channels - 1);
    f.weight_interleaved = Func("weight_interleaved");
    f.weight_interleaved(f.rx, f.block_channel, f.c, f.ry, f.block) =
        weight(f.rx, f.ry, co_in_group_of(block_co), in_channel_of(block_co, wci));
    f.r_interleaved = RDom(0, f.in_channels_per_group, "r_interleaved");
    const RVar &ci = f.r_interleaved.x;
    const Expr row = f.y + padding_y, c = in_channel_of(clamped_co, ci) * keep;
    Expr in;
    if (x_block > 0) {
      // Input column (x + p_x) / s_x of every output column x of tile xb,
      // at column xi of its block: a tile's input, each column repeated
      // for its s_x taps, a channel's after the previous channel's.
      f.input_interleaved = Func("input_interleaved");
      f.input_interleaved(f.xi, f.c, f.xb, f.y, f.n) =
          f.input_padded((f.xb * x_block + f.xi + padding_x) / stride_x, f.y, f.c, f.n);
      const Expr x = f.qx * stride_x + f.rx - padding_x;
      in = f.input_interleaved(x % x_block, c, x / x_block * keep, row / stride_y, f.n * keep);
    } else {  // (no CPU blocks: a GPU or autoscheduled pipeline, which never runs this order)
      in = f.input_padded(f.qx, row / stride_y, c, f.n * keep);
    }
    // (co unclamped: weight_interleaved clamps, and the tile's channels stay
    // affine, one pointer for all.)
    f.interleaved_sum = Func("interleaved_sum");
    f.interleaved_sum(f.rx, f.qx, f.y, f.co, f.n) = bias(clamped_co);
    f.interleaved_sum(f.rx, f.qx, f.y, f.co, f.n) +=
        in * f.weight_interleaved(f.rx, f.co % weight_block, ci * keep, row % stride_y,
                                  (f.co / weight_block) * keep);
    f.r_interleaved_once = RDom(0, keep, "r_interleaved_once");
    const Expr column = f.x + padding_x;
    f.output(f.x, f.y, f.co, f.n) = f.interleaved_sum(column % stride_x, column / stride_x, f.y,
                                                      f.co, f.n + f.r_interleaved_once.x);
  }

  // Channel tiles along x in their other tiles: order 1's update, in each
  // of its other tile shapes.
  f.r_out_by_channel_wide =
      phase_update(convt_order::kChannelTilesAlongX, f.channel_rows_first, "r_out_by_channel_wide",
                   f.phase_sum_by_channel_wide, true, f.channel_tile_takes[1]);
  f.r_out_by_channel_wider =
      phase_update(convt_order::kChannelTilesAlongX, f.channel_rows_first, "r_out_by_channel_wider",
                   f.phase_sum_by_channel_wider, true, f.channel_tile_takes[2]);

  define_pixel_form(f, bias, clamped_co, in_channel_of, pixel_order);

  // A sum of its own, which reads every channel and image whatever
  // tile_order says (an order's sum reads only the first plane when that
  // order is not chosen: with phase_sum, the autoscheduled kernel was right
  // only for calls planned in x tiles).
  const Func by_pixel_sum =
      make_phase_sum("phase_sum_by_pixel", f.r, false, Internal::const_true());
  f.output_by_pixel = Func("conv_transpose2d_by_pixel");
  f.output_by_pixel(f.x, f.y, f.co, f.n) =
      by_pixel_sum(f.x / stride_x, f.y / stride_y, f.co, f.n, f.phase_x.phase_of(f.x % stride_x),
                   f.phase_y.phase_of(f.y % stride_y));
  return f;
}

}  // namespace convt_gen
