#include "conv_transpose2d_algorithm.h"

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
  // `simple` fold the gcd and the inverse away.
  a.simple = dilation == 1 || stride == 1;
  a.tap_step = select(a.simple, stride, stride / gcd);
  a.input_step = select(a.simple, dilation, dilation / gcd);
  a.max_taps = (kernel + a.tap_step - 1) / a.tap_step;
  return a;
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
  // Phase r of an axis of o outputs holds ceil((o - r) / s) of them.
  auto pixels_of = [](const Expr &outputs, const Expr &stride, const Expr &r) {
    return (outputs - r + stride - 1) / stride;
  };
  // The pixel that m stands for (PixelFormOrder).
  const int group = order.lanes * order.per_lane;
  auto pixel_of = [&](const Expr &m) {
    if (group == 1) return m;
    return m / group * group + m % order.per_lane * order.lanes + m / order.per_lane % order.lanes;
  };
  f.phase_columns = pixels_of(out_width, sx, f.rx);
  f.phase_rows = pixels_of(out_height, sy, f.ry);
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
  f.r_taps.where(f.r_taps.y < f.phase_y.num_taps(ry) && f.r_taps.z < f.phase_x.num_taps(rx));
  RVar ci = f.r_taps.x, tjy = f.r_taps.y, tjx = f.r_taps.z;
  // Channels past the group's read zeros on both sides (pixel_input and
  // weight_phase), so even an input of infinities adds nothing there.
  f.pixel_sum = Func("pixel_sum");
  f.pixel_sum(f.m, f.co, rx, ry) = bias(clamped_co);
  f.pixel_sum(f.m, f.co, rx, ry) +=
      f.pixel_input(f.m, in_channel_of(clamped_co, ci), tjx, tjy, rx, ry) *
      f.weight_phase(tjx, tjy, f.co, ci, rx, ry);

  // Every phase's pixels: m runs to phase 0's count (the largest, rounded
  // up to whole groups of the pixel order) and stops at each phase's own.
  // Phases that write nothing (a stride beyond the output) are left out.
  // The clamps only touch skipped points and keep bounds inference, which
  // ignores the predicate, inside the output.
  const Expr most = batch * pixels_of(out_height, sy, 0) * pixels_of(out_width, sx, 0);
  f.r_pixels = RDom(0, (most + group - 1) / group * group, 0, min(sx, out_width), 0,
                    min(sy, out_height), "r_pixels");
  RVar pm = f.r_pixels.x, prx = f.r_pixels.y, pry = f.r_pixels.z;
  const Expr columns = pixels_of(out_width, sx, prx), rows = pixels_of(out_height, sy, pry);
  const Expr p = pixel_of(pm);
  f.r_pixels.where(p < batch * rows * columns);
  Expr x = p % columns * sx + prx;
  Expr y = p / columns % rows * sy + pry;
  Expr n = p / (columns * rows);
  out(clamp(x, 0, out_width - 1), clamp(y, 0, out_height - 1), f.co, clamp(n, 0, batch - 1)) =
      f.pixel_sum(pm, f.co, prx, pry);
}

}  // namespace

// The smallest k with k * d = r + p (mod s), from gcd and inverse
// (phase_constants.h); tap_step when there is none. The product is taken in
// 64 bits: both factors are below s, up to 2^20.
Expr AxisPhases::first_tap(const Expr &r) const {
  const Expr u = r + padding;
  const Expr general =
      select(u % gcd == 0,
             cast<int32_t>(cast<int64_t>(u / gcd % tap_step) * cast<int64_t>(inverse) % tap_step),
             tap_step);
  return select(simple, u % stride, general);
}

Expr AxisPhases::num_taps(const Expr &r) const {
  Expr k0 = first_tap(r);
  return select(k0 < min(tap_step, kernel), (kernel - k0 + tap_step - 1) / tap_step, 0);
}

// Input index read by tap j of phase r at q. Exact division: for a phase
// with taps, first_tap * d = r + p (mod s). (Phases without taps are never
// read; the min keeps their index finite.)
Expr AxisPhases::input(const Expr &q, const Expr &r, const Expr &j) const {
  Expr k0 = min(first_tap(r), tap_step - 1);
  return q + (r + padding - k0 * dilation) / stride - j * input_step;
}

// Kernel index of tap j of phase r: in [0, kernel) under the num_taps guard,
// and clamped there for the taps past it that schedules evaluate anyway
// (weight packs cover max_taps taps of every phase).
Expr AxisPhases::tap(const Expr &r, const Expr &j) const {
  return clamp(first_tap(r) + j * tap_step, 0, kernel - 1);
}

ConvTranspose2dFuncs define_conv_transpose2d(
    const Func &input, const Expr &input_width, const Expr &input_height,
    const Expr &input_channels, const Expr &batch, const Func &weight, const Expr &kernel_width,
    const Expr &kernel_height, const Expr &out_channels_per_group, const Func &bias,
    const Expr &stride_x, const Expr &stride_y, const Expr &padding_x, const Expr &padding_y,
    const Expr &dilation_x, const Expr &dilation_y, const Expr &gcd_x, const Expr &gcd_y,
    const Expr &inverse_x, const Expr &inverse_y, const Expr &groups, const Expr &tile_order,
    const PixelFormOrder &pixel_order) {
  ConvTranspose2dFuncs f;
  f.tile_order = tile_order;
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
  auto make_reduction = [&](const std::string &name, bool skip_border_columns) {
    RDom r(0, f.in_channels_per_group, 0, f.phase_y.max_taps, 0, f.phase_x.max_taps, name);
    r.where(r.y < f.phase_y.num_taps(f.ry) && r.z < f.phase_x.num_taps(f.rx));
    Expr iy = f.phase_y.input(f.qy, f.ry, r.y);
    r.where(iy >= 0 && iy < input_height);
    if (skip_border_columns) {
      Expr ix = f.phase_x.input(f.qx, f.rx, r.z);
      r.where(ix >= 0 && ix < input_width);
    }
    return r;
  };
  f.r = make_reduction("r", false);
  f.r_by_image = make_reduction("r_by_image", true);

  // The per-phase correlation. Built once per use below, so each can be
  // scheduled at its own loop level and in its own order. The group comes
  // from the clamped channel, so channels past C_out read real input
  // channels (their sums are discarded).
  auto make_phase_sum = [&](const std::string &name, const RDom &r) {
    RVar ci = r.x, jy = r.y, jx = r.z;
    Expr ix = f.phase_x.input(f.qx, f.rx, jx);
    Expr iy = f.phase_y.input(f.qy, f.ry, jy);
    Func p(name);
    p(f.qx, f.qy, f.co, f.n, f.rx, f.ry) = bias(clamped_co);
    p(f.qx, f.qy, f.co, f.n, f.rx, f.ry) +=
        f.input_padded(ix, iy, in_channel_of(clamped_co, ci), f.n) *
        f.weight_phase(jx, jy, f.co, ci, f.rx, f.ry);
    return p;
  };
  f.phase_sum = make_phase_sum("phase_sum", f.r);
  f.phase_sum_by_channel = make_phase_sum("phase_sum_by_channel", f.r);
  f.phase_sum_edge = make_phase_sum("phase_sum_edge", f.r);
  f.phase_sum_by_image = make_phase_sum("phase_sum_by_image", f.r_by_image);
  f.phase_sum_x_images = make_phase_sum("phase_sum_x_images", f.r);

  // Output pixel o = q * s + r belongs to phase r. The output is written from
  // phase space, so each phase's tile of phase_sum has exact bounds; the pure
  // definition is never evaluated. The output buffer's extent carries
  // output_padding.
  f.output = Func("conv_transpose2d");
  f.output(f.x, f.y, f.co, f.n) = undef<float>();
  Expr output_width = f.output.output_buffer().dim(0).extent();
  Expr output_height = f.output.output_buffer().dim(1).extent();
  Expr full_columns = output_width / stride_x;  // q with all s_x phases in range
  Expr edge_columns = output_width % stride_x;  // phases of q = full_columns
  Expr qy_extent = (output_height + stride_y - 1) / stride_y;
  // Rows: the where-clause skips o >= H_out; the min() only touches skipped
  // points and keeps bounds inference, which ignores the predicate, in range.
  auto row = [&](const Expr &qy, const Expr &ry) {
    return min(qy * stride_y + ry, output_height - 1);
  };

  // Full columns q < W_out / s_x, where every phase lands in range, so no
  // column predicate (the hot stores stay unmasked). Written by one of four
  // updates with the same values, chosen by tile_order (the others' domains
  // are empty): phase_sum for tiles along x, phase_sum_by_channel for tiles
  // along output channels and x, phase_sum_by_image (update 3) for tiles
  // along output channels and images, phase_sum_x_images (update 4) for
  // tiles along x and images.
  // Every dimension of an unchosen or column-less domain is empty, and
  // vertical phases stop at H_out, so loops that a schedule places between
  // the phases and the columns (repacking, say) run only where there is
  // work, even for strides far beyond the output's size.
  Expr row_phases = min(stride_y, output_height);
  // rows_outermost orders the domain (qx, rx, ry, qy) rather than (qx, qy,
  // rx, ry): a schedule may then walk every phase of one row before the
  // next row, so the input rows that row reads are fetched once for all
  // phases. (Halide keeps an update's reduction loops in their RDom's order.)
  auto full_column_domain = [&](int order, bool rows_outermost, const std::string &name) {
    Expr chosen = tile_order == order && full_columns > 0;
    Expr qx = select(chosen, full_columns, 0), qy = select(chosen, qy_extent, 0);
    Expr rx = select(chosen, stride_x, 0), ry = select(chosen, row_phases, 0);
    RDom d = rows_outermost ? RDom(0, qx, 0, rx, 0, ry, 0, qy, name)
                            : RDom(0, qx, 0, qy, 0, rx, 0, ry, name);
    RVar dqy = rows_outermost ? d.w : d.y, dry = rows_outermost ? d.z : d.w;
    d.where(dqy * stride_y + dry < output_height);
    return d;
  };
  f.r_out = full_column_domain(0, false, "r_out");
  f.output(f.r_out.x * stride_x + f.r_out.z, row(f.r_out.y, f.r_out.w), f.co, f.n) =
      f.phase_sum(f.r_out.x, f.r_out.y, f.co, f.n, f.r_out.z, f.r_out.w);
  f.r_out_by_channel = full_column_domain(1, false, "r_out_by_channel");
  const RDom &rc = f.r_out_by_channel;
  f.output(rc.x * stride_x + rc.z, row(rc.y, rc.w), f.co, f.n) =
      f.phase_sum_by_channel(rc.x, rc.y, f.co, f.n, rc.z, rc.w);

  // Edge update: the last W_out % s_x columns, phases 0 .. edge_columns - 1.
  f.r_edge = RDom(0, edge_columns, 0, qy_extent, 0, row_phases, "r_edge");
  RVar erx = f.r_edge.x, eqy = f.r_edge.y, ery = f.r_edge.z;
  f.r_edge.where(eqy * stride_y + ery < output_height);
  f.output(full_columns * stride_x + erx, row(eqy, ery), f.co, f.n) =
      f.phase_sum_edge(full_columns, eqy, f.co, f.n, erx, ery);

  f.r_out_by_image = full_column_domain(2, false, "r_out_by_image");
  const RDom &ri = f.r_out_by_image;
  f.output(ri.x * stride_x + ri.z, row(ri.y, ri.w), f.co, f.n) =
      f.phase_sum_by_image(ri.x, ri.y, f.co, f.n, ri.z, ri.w);
  f.r_out_x_images = full_column_domain(3, true, "r_out_x_images");
  const RDom &rxi = f.r_out_x_images;
  f.output(rxi.x * stride_x + rxi.y, row(rxi.w, rxi.z), f.co, f.n) =
      f.phase_sum_x_images(rxi.x, rxi.w, f.co, f.n, rxi.y, rxi.z);

  define_pixel_form(f, bias, clamped_co, in_channel_of, pixel_order);

  f.output_by_pixel = Func("conv_transpose2d_by_pixel");
  f.output_by_pixel(f.x, f.y, f.co, f.n) =
      f.phase_sum(f.x / stride_x, f.y / stride_y, f.co, f.n, f.x % stride_x, f.y % stride_y);
  return f;
}

}  // namespace convt_gen
