#include "conv_transpose2d_algorithm.h"

using namespace Halide;

namespace convt_gen {

namespace {

AxisPhases make_axis_phases(const std::string &axis, const Expr &stride, const Expr &padding,
                            const Expr &dilation, const Expr &kernel) {
  AxisPhases a;
  a.stride = stride;
  a.padding = padding;
  a.dilation = dilation;
  a.kernel = kernel;

  // tap_step = s / gcd(d, s): the smallest t >= 1 with t * d = 0 (mod s).
  // A search over at most s candidates, done once per call; dilation 1 takes
  // the closed form so specializations on it fold away.
  // One entry, at index 0: a 0-D Func would make a zero-sized buffer, which
  // GPU runtimes refuse to allocate.
  RDom t_step(1, stride, "t_step_" + axis);
  Var one("one_" + axis);
  a.step_search = Func("step_search_" + axis);
  a.step_search(one) = stride;
  a.step_search(one) = select((t_step * dilation) % stride == 0, min(a.step_search(one), t_step),
                              a.step_search(one));
  a.tap_step = select(dilation == 1, stride, unsafe_promise_clamped(a.step_search(0), 1, stride));
  a.input_step = a.tap_step * dilation / stride;
  // RDom extents cannot read Funcs: for dilation > 1 use the kernel size as the
  // bound and let the num_taps guard skip the rest.
  a.max_taps = select(dilation == 1, (kernel + stride - 1) / stride, kernel);

  // first_tap(r) = smallest k with k * d = r + p (mod s); tap_step when none.
  Var r("r_" + axis);
  RDom t_first(0, stride, "t_first_" + axis);
  a.first_tap_search = Func("first_tap_search_" + axis);
  a.first_tap_search(r) = a.tap_step;
  a.first_tap_search(r) = select((t_first * dilation - (r + padding)) % stride == 0,
                                 min(a.first_tap_search(r), t_first), a.first_tap_search(r));
  return a;
}

}  // namespace

// The dilation-1 closed form is chosen here, at the call site, so a
// specialization on dilation 1 removes the table load altogether.
Expr AxisPhases::first_tap(const Expr &r) const {
  return select(dilation == 1, (r + padding) % stride, first_tap_search(r));
}

Expr AxisPhases::num_taps(const Expr &r) const {
  Expr k0 = first_tap(r);
  return select(k0 < min(tap_step, kernel), (kernel - k0 + tap_step - 1) / tap_step, 0);
}

// Input row read by tap j = 0 of phase r, relative to q. Exact division: for a
// phase with taps, first_tap * d = r + p (mod s).
Expr AxisPhases::input_base(const Expr &r) const {
  Expr k0 = unsafe_promise_clamped(first_tap(r), 0, tap_step - 1);
  return (r + padding - k0 * dilation) / stride;
}

// Kernel index of tap j of phase r. Only evaluated under the num_taps guard,
// where it lies in [0, kernel); the promise tells bounds inference so.
Expr AxisPhases::tap(const Expr &r, const Expr &j) const {
  return unsafe_promise_clamped(first_tap(r) + j * tap_step, 0, kernel - 1);
}

ConvTranspose2dFuncs define_conv_transpose2d(
    const Func &input, const Expr &input_width, const Expr &input_height,
    const Expr &input_channels, const Func &weight, const Expr &kernel_width,
    const Expr &kernel_height, const Expr &out_channels_per_group, const Func &bias,
    const Expr &stride_x, const Expr &stride_y, const Expr &padding_x, const Expr &padding_y,
    const Expr &dilation_x, const Expr &dilation_y, const Expr &groups, const Expr &tile_order) {
  ConvTranspose2dFuncs f;
  f.tile_order = tile_order;
  f.groups = groups;
  f.in_channels_per_group = input_channels / groups;
  f.out_channels_per_group = out_channels_per_group;
  f.phase_x = make_axis_phases("x", stride_x, padding_x, dilation_x, kernel_width);
  f.phase_y = make_axis_phases("y", stride_y, padding_y, dilation_y, kernel_height);

  Func zero_outside =
      BoundaryConditions::constant_exterior(input, 0.0f, {{0, input_width}, {0, input_height}});
  // The channel clamp changes no value the algorithm reads; it lets
  // schedules copy fixed-size channel blocks that overhang C_in.
  f.input_padded = Func("input_padded");
  f.input_padded(f.x, f.y, f.c, f.n) =
      zero_outside(f.x, f.y, clamp(f.c, 0, input_channels - 1), f.n);

  // r.x: input channel within the group; r.y, r.z: tap j along y and x.
  f.r = RDom(0, f.in_channels_per_group, 0, f.phase_y.max_taps, 0, f.phase_x.max_taps, "r");
  RVar ci = f.r.x, jy = f.r.y, jx = f.r.z;
  f.r.where(jy < f.phase_y.num_taps(f.ry) && jx < f.phase_x.num_taps(f.rx));

  // Group of output channel co; groups == 1 folds away under specialization.
  // (% rather than co - group * size keeps bounds inference tight.)
  // Schedules may compute whole channel blocks past C_out (and discard
  // them). Tiles along x clamp the channel, keeping reads inside the weight
  // and bias; tiles along channels load channel vectors, which a clamp would
  // turn into gathers, so they read zero-extended copies instead (which a
  // schedule materializes).
  Expr out_channels = out_channels_per_group * groups;
  Expr clamped_co = clamp(f.co, 0, out_channels - 1);
  f.weight_zero_outside = BoundaryConditions::constant_exterior(
      weight, 0.0f,
      {{0, kernel_width}, {0, kernel_height}, {0, out_channels_per_group}, {0, input_channels}});
  Func bias_zero_outside = BoundaryConditions::constant_exterior(bias, 0.0f, {{0, out_channels}});

  Expr ix = f.qx + f.phase_x.input_base(f.rx) - jx * f.phase_x.input_step;
  Expr iy = f.qy + f.phase_y.input_base(f.ry) - jy * f.phase_y.input_step;
  // Taps that read a row outside the input contribute nothing: skip them, so
  // small inputs do not pay for the zero border in y. (Columns keep the
  // border: schedules vectorize along x.) Stated for dilation 1, where the
  // row is closed-form arithmetic; with dilation the border stays.
  Expr iy_dilation_1 = f.qy + (f.ry + padding_y) / stride_y - jy;
  f.r.where(dilation_y != 1 || (iy_dilation_1 >= 0 && iy_dilation_1 < input_height));
  Expr kx = f.phase_x.tap(f.rx, jx);
  Expr ky = f.phase_y.tap(f.ry, jy);

  // Channel-group arithmetic; groups == 1 folds it away under specialization.
  auto in_channel_of = [&](const Expr &co, const Expr &ci_in_group) {
    Expr group = select(groups == 1, 0, co / out_channels_per_group);
    return group * f.in_channels_per_group + ci_in_group;
  };
  auto co_in_group_of = [&](const Expr &co) {
    return select(groups == 1, co, co % out_channels_per_group);
  };
  // Clamped like input_padded, so fixed-size blocks of it stay in bounds.
  Expr wco = clamp(f.co, 0, out_channels - 1);
  Expr wci = clamp(f.c, 0, f.in_channels_per_group - 1);
  f.weight_phase = Func("weight_phase");
  f.weight_phase(f.jx, f.jy, f.co, f.c, f.rx, f.ry) =
      weight(f.phase_x.tap(f.rx, f.jx), f.phase_y.tap(f.ry, f.jy), co_in_group_of(wco),
             in_channel_of(wco, wci));

  // The per-phase correlation. Built once per use below, so each can be
  // scheduled at its own loop level and in its own order.
  auto make_phase_sum = [&](const std::string &name, bool zero_extended) {
    Expr co = zero_extended ? Expr(f.co) : clamped_co;
    // The group comes from the clamped channel, so channels past C_out read
    // real input channels (their sums are discarded).
    Expr in_channel = in_channel_of(clamped_co, ci);
    Expr w = zero_extended ? f.weight_zero_outside(kx, ky, co_in_group_of(co), in_channel)
                           : f.weight_phase(jx, jy, co, ci, f.rx, f.ry);
    Func b = zero_extended ? bias_zero_outside : bias;
    Func p(name);
    p(f.qx, f.qy, f.co, f.n, f.rx, f.ry) = b(co);
    p(f.qx, f.qy, f.co, f.n, f.rx, f.ry) += f.input_padded(ix, iy, in_channel, f.n) * w;
    return p;
  };
  f.phase_sum = make_phase_sum("phase_sum", false);
  f.phase_sum_by_channel = make_phase_sum("phase_sum_by_channel", true);
  f.phase_sum_edge = make_phase_sum("phase_sum_edge", false);

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
  // column predicate (the hot stores stay unmasked). Written by one of two
  // updates with the same values, chosen by tile_order (the other's domain
  // is empty): phase_sum for tiles along x, phase_sum_by_channel for tiles
  // along output channels.
  auto full_column_domain = [&](int order, const std::string &name) {
    RDom d(0, select(tile_order == order, full_columns, 0), 0, qy_extent, 0, stride_x, 0, stride_y,
           name);
    d.where(d.y * stride_y + d.w < output_height);
    return d;
  };
  f.r_out = full_column_domain(0, "r_out");
  f.output(f.r_out.x * stride_x + f.r_out.z, row(f.r_out.y, f.r_out.w), f.co, f.n) =
      f.phase_sum(f.r_out.x, f.r_out.y, f.co, f.n, f.r_out.z, f.r_out.w);
  f.r_out_by_channel = full_column_domain(1, "r_out_by_channel");
  const RDom &rc = f.r_out_by_channel;
  f.output(rc.x * stride_x + rc.z, row(rc.y, rc.w), f.co, f.n) =
      f.phase_sum_by_channel(rc.x, rc.y, f.co, f.n, rc.z, rc.w);

  // Edge update: the last W_out % s_x columns, phases 0 .. edge_columns - 1.
  f.r_edge = RDom(0, edge_columns, 0, qy_extent, 0, stride_y, "r_edge");
  RVar erx = f.r_edge.x, eqy = f.r_edge.y, ery = f.r_edge.z;
  f.r_edge.where(eqy * stride_y + ery < output_height);
  f.output(full_columns * stride_x + erx, row(eqy, ery), f.co, f.n) =
      f.phase_sum_edge(full_columns, eqy, f.co, f.n, erx, ery);
  return f;
}

}  // namespace convt_gen
