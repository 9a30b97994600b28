#include "conv_case.h"

#include <gtest/gtest.h>

#include <array>
#include <cstring>
#include <optional>
#include <random>
#include <sstream>
#include <vector>

#include "convt/convt.h"
#include "guard_pages.h"
#include "plan.h"
#include "test_util.h"

namespace convt_test {

namespace {

// Places contiguous `values` of `shape` inside a larger zero buffer, each axis
// padded by `pad` elements before and after; returns the buffer, the offset
// of element 0 and the strides of the window.
struct Embedded {
  std::vector<float> buffer;
  int64_t offset = 0;
  convt::Shape strides;
};

Embedded embed(const std::vector<float> &values, const convt::Shape &shape, int64_t pad) {
  convt::Shape outer(shape.size());
  for (size_t d = 0; d < shape.size(); ++d) outer[d] = shape[d] + 2 * pad;
  Embedded e;
  e.strides = convt::contiguous_strides(outer);
  int64_t total = 1;
  for (int64_t o : outer) total *= o;
  e.buffer.assign(static_cast<size_t>(total), 7.0f);  // junk outside the window
  for (size_t d = 0; d < shape.size(); ++d) e.offset += pad * e.strides[d];
  convt::Shape index(shape.size(), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t off = e.offset;
    for (size_t d = 0; d < shape.size(); ++d) off += index[d] * e.strides[d];
    e.buffer[static_cast<size_t>(off)] = values[i];
    for (size_t d = shape.size(); d-- > 0 && ++index[d] == shape[d];) index[d] = 0;
  }
  return e;
}

const char *layout_name(Layout l) {
  switch (l) {
    case Layout::kContiguous:
      return "contig";
    case Layout::kSliced:
      return "sliced";
    case Layout::kChannelsLast:
      return "nhwc";
    case Layout::kStridedOut:
      return "stridedout";
  }
  return "?";
}

}  // namespace

std::string ConvCase::name() const {
  std::ostringstream s;
  s << "n" << p.n << (batched ? "" : "u") << "_ci" << p.c_in << "_co" << p.c_out << "_h" << p.h_in
    << "w" << p.w_in << "_k" << p.kh << "x" << p.kw << "_s" << p.stride[0] << "x" << p.stride[1]
    << "_p" << p.padding[0] << "x" << p.padding[1] << "_op" << p.output_padding[0] << "x"
    << p.output_padding[1] << "_d" << p.dilation[0] << "x" << p.dilation[1] << "_g" << p.groups
    << (bias ? "_bias" : "_nobias") << "_" << layout_name(layout);
  return s.str();
}

namespace {

// The case's random tensors, from its seed.
struct CaseData {
  std::vector<float> input, weight, bias;
};

CaseData case_data(const ConvCase &c) {
  const RefParams &p = c.p;
  std::mt19937 rng(c.seed);
  CaseData d;
  d.input = random_values(static_cast<size_t>(p.n * p.c_in * p.h_in * p.w_in), rng);
  d.weight = random_values(static_cast<size_t>(p.c_in * (p.c_out / p.groups) * p.kh * p.kw), rng);
  if (c.bias) d.bias = random_values(static_cast<size_t>(p.c_out), rng);
  return d;
}

// The planner runs small calls serially and larger ones on the thread pool
// (runtime/plan.h); the other choice must give the same bits, so every case
// reaches each schedule path both ways.
void expect_serial_and_pool_agree(const ConvCase &c, const std::vector<float> &got) {
  const RefParams &p = c.p;
  const CaseData d = case_data(c);
  const convt::Shape in_shape{p.n, p.c_in, p.h_in, p.w_in};
  const convt::Shape w_shape{p.c_in, p.c_out / p.groups, p.kh, p.kw};
  const convt::detail::ConvGeometry g = convt::detail::resolve_geometry(
      in_shape, w_shape, {p.stride[0], p.stride[1]}, {p.padding[0], p.padding[1]},
      {p.output_padding[0], p.output_padding[1]}, p.groups, {p.dilation[0], p.dilation[1]});
  convt::detail::Plan plan = convt::detail::plan_call(g, convt::Device::kCPU);
  if (plan.kernel->device_interface != nullptr || g.batch == 0) return;  // no thread pool
  plan.serial = !plan.serial;
  convt::Tensor out(g.output_shape());
  std::optional<convt::ConstTensorView> bias;
  if (c.bias) bias = convt::ConstTensorView(d.bias.data(), {p.c_out});
  convt::detail::run_plan(plan, g, convt::ConstTensorView(d.input.data(), in_shape),
                          convt::ConstTensorView(d.weight.data(), w_shape), bias, out);
  ASSERT_EQ(static_cast<size_t>(out.numel()), got.size());
  EXPECT_EQ(std::memcmp(out.data(), got.data(), got.size() * sizeof(float)), 0)
      << "run " << (plan.serial ? "serially" : "on the thread pool")
      << ", the planner's other choice, the output differs in its bits";
}

}  // namespace

double run_conv_case(const ConvCase &c) {
  if (!c.batched && c.p.n != 1) {
    ADD_FAILURE() << "an unbatched case has batch 1, got " << c.p.n;
    return 1.0;
  }
  const CaseData d = case_data(c);
  const std::vector<double> want = reference_conv_transpose2d(c.p, d.input, d.weight, d.bias);
  const std::vector<float> got = convt_output(c);
  if (got.size() != want.size()) {
    ADD_FAILURE() << "output has " << got.size() << " values, reference " << want.size();
    return 1.0;
  }
  if (c.layout == Layout::kContiguous) expect_serial_and_pool_agree(c, got);
  return relative_error(got, want);
}

std::vector<float> convt_output(const ConvCase &c) {
  const RefParams &p = c.p;
  auto [input, weight, bias] = case_data(c);
  const convt::Shape in_shape4{p.n, p.c_in, p.h_in, p.w_in};
  const convt::Shape w_shape{p.c_in, p.c_out / p.groups, p.kh, p.kw};
  // Every buffer convt sees, against a guard page when CONVT_GUARD_PAGES
  // is set (guard_pages.h).
  GuardedArena arena(guard_pages_mode());

  convt::Shape in_shape = in_shape4;
  if (!c.batched) in_shape.erase(in_shape.begin());
  const convt::Shape out_shape = c.batched ? convt::Shape{p.n, p.c_out, p.h_out(), p.w_out()}
                                           : convt::Shape{p.c_out, p.h_out(), p.w_out()};

  std::vector<float> got;
  switch (c.layout) {
    case Layout::kContiguous: {
      std::optional<convt::ConstTensorView> b;
      if (c.bias) b = convt::ConstTensorView(arena.place(bias), {p.c_out});
      const convt::Tensor out = convt::conv_transpose2d(
          convt::ConstTensorView(arena.place(input), in_shape),
          convt::ConstTensorView(arena.place(weight), w_shape), b, {p.stride[0], p.stride[1]},
          {p.padding[0], p.padding[1]}, {p.output_padding[0], p.output_padding[1]}, p.groups,
          {p.dilation[0], p.dilation[1]});
      EXPECT_EQ(out.shape(), out_shape);
      got.assign(out.data(), out.data() + out.numel());
      break;
    }
    case Layout::kSliced:
    case Layout::kStridedOut: {
      Embedded ei = embed(input, in_shape, 2);
      Embedded ew = embed(weight, w_shape, 1);
      Embedded eb = embed(bias, {p.c_out}, 3);
      Embedded eo =
          embed(std::vector<float>(static_cast<size_t>(p.n * p.c_out * p.h_out() * p.w_out())),
                out_shape, 1);
      convt::Shape out_strides = eo.strides;
      std::vector<float> spread;  // kStridedOut: W stride 2
      float *out_base = arena.place(eo.buffer) + eo.offset;
      if (c.layout == Layout::kStridedOut) {
        out_strides = convt::contiguous_strides(out_shape);
        for (auto &s : out_strides) s *= 2;
        // Its last element's stride-2 gap is not part of the view.
        const int64_t values = p.n * p.c_out * p.h_out() * p.w_out();
        spread.assign(static_cast<size_t>(values > 0 ? 2 * values - 1 : 0), 0.0f);
        out_base = arena.place(spread);
      }
      std::optional<convt::ConstTensorView> b;
      if (c.bias)
        b = convt::ConstTensorView(arena.place(eb.buffer) + eb.offset, {p.c_out}, eb.strides);
      convt::conv_transpose2d_out(
          convt::TensorView(out_base, out_shape, out_strides),
          convt::ConstTensorView(arena.place(ei.buffer) + ei.offset, in_shape, ei.strides),
          convt::ConstTensorView(arena.place(ew.buffer) + ew.offset, w_shape, ew.strides), b,
          {p.stride[0], p.stride[1]}, {p.padding[0], p.padding[1]},
          {p.output_padding[0], p.output_padding[1]}, p.groups, {p.dilation[0], p.dilation[1]});
      got = gather(out_base, out_shape, out_strides);
      break;
    }
    case Layout::kChannelsLast: {
      // NHWC storage viewed as NCHW: the W axis has stride C.
      std::vector<float> nhwc(input.size());
      for (int64_t n = 0; n < p.n; ++n)
        for (int64_t ch = 0; ch < p.c_in; ++ch)
          for (int64_t y = 0; y < p.h_in; ++y)
            for (int64_t x = 0; x < p.w_in; ++x)
              nhwc[static_cast<size_t>(((n * p.h_in + y) * p.w_in + x) * p.c_in + ch)] =
                  input[static_cast<size_t>(((n * p.c_in + ch) * p.h_in + y) * p.w_in + x)];
      convt::Shape in_strides{p.h_in * p.w_in * p.c_in, 1, p.w_in * p.c_in, p.c_in};
      if (!c.batched) in_strides.erase(in_strides.begin());
      // Weight (ci, co, kh, kw) stored as (kh, kw, ci, co).
      const int64_t cog = p.c_out / p.groups;
      std::vector<float> w_perm(weight.size());
      for (int64_t ci = 0; ci < p.c_in; ++ci)
        for (int64_t co = 0; co < cog; ++co)
          for (int64_t y = 0; y < p.kh; ++y)
            for (int64_t x = 0; x < p.kw; ++x)
              w_perm[static_cast<size_t>(((y * p.kw + x) * p.c_in + ci) * cog + co)] =
                  weight[static_cast<size_t>(((ci * cog + co) * p.kh + y) * p.kw + x)];
      const convt::Shape w_strides{cog, 1, p.kw * p.c_in * cog, p.c_in * cog};
      std::optional<convt::ConstTensorView> b;
      if (c.bias) b = convt::ConstTensorView(arena.place(bias), {p.c_out});
      const convt::Tensor out = convt::conv_transpose2d(
          convt::ConstTensorView(arena.place(nhwc), in_shape, in_strides),
          convt::ConstTensorView(arena.place(w_perm), w_shape, w_strides), b,
          {p.stride[0], p.stride[1]}, {p.padding[0], p.padding[1]},
          {p.output_padding[0], p.output_padding[1]}, p.groups, {p.dilation[0], p.dilation[1]});
      EXPECT_EQ(out.shape(), out_shape);
      got.assign(out.data(), out.data() + out.numel());
      break;
    }
  }
  return got;
}

std::vector<ConvCase> cases_for_every_path() {
  auto make = [](std::array<int64_t, 4> input, std::array<int64_t, 4> weight, int64_t stride,
                 int64_t padding, int64_t groups, Layout layout) {
    ConvCase c;
    RefParams &p = c.p;
    p.n = input[0];
    p.c_in = input[1];
    p.h_in = input[2];
    p.w_in = input[3];
    p.c_out = weight[1] * groups;
    p.kh = weight[2];
    p.kw = weight[3];
    p.stride = {stride, stride};
    p.padding = {padding, padding};
    p.groups = groups;
    c.layout = layout;
    c.seed = 21000 + static_cast<uint32_t>(input[3] * 7 + weight[1]);
    return c;
  };
  return {
      make({1, 8, 20, 40}, {8, 6, 3, 3}, 2, 1, 1, Layout::kContiguous),   // x tiles
      make({2, 8, 3, 3}, {8, 24, 4, 4}, 2, 1, 1, Layout::kSliced),        // channel tiles along x
      make({5, 8, 3, 3}, {8, 24, 3, 3}, 2, 0, 1, Layout::kChannelsLast),  // along images
      make({4, 5, 12, 30}, {5, 2, 3, 3}, 1, 1, 1, Layout::kContiguous),   // x tiles across images
      make({1, 64, 6, 6}, {64, 16, 3, 3}, 2, 1, 2, Layout::kContiguous),  // one call per group
      make({1, 4, 5, 5}, {4, 4, 1, 1}, 3, 0, 1, Layout::kStridedOut),     // bias fill
  };
}

}  // namespace convt_test
