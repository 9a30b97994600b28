// Compares convt with results PyTorch computed (tests/golden, written by
// scripts/make_golden.py), and checks those against the float64 reference.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "reference.h"
#include "test_util.h"

namespace convt_test {
namespace {

struct GoldenCase {
  std::string name;
  bool batched = true, has_bias = false;
  RefParams p;
  std::vector<float> input, weight, bias, output;
};

void PrintTo(const GoldenCase &c, std::ostream *os) { *os << c.name; }

std::vector<float> read_floats(std::ifstream &in, int64_t count) {
  std::vector<float> v(static_cast<size_t>(count));
  in.read(reinterpret_cast<char *>(v.data()), static_cast<std::streamsize>(count * sizeof(float)));
  return v;
}

std::vector<GoldenCase> load_golden() {
  // The source tree's copy; CONVT_GOLDEN_DIR in the environment overrides it
  // (a build run on another machine, e.g. a GPU host).
  const char *from_env = std::getenv("CONVT_GOLDEN_DIR");
  const std::string dir = from_env != nullptr ? from_env : CONVT_GOLDEN_DIR;
  std::ifstream index(dir + "/cases.txt");
  std::ifstream data(dir + "/data.bin", std::ios::binary);
  std::vector<GoldenCase> cases;
  std::string line;
  while (std::getline(index, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream s(line);
    GoldenCase c;
    RefParams &p = c.p;
    int batched = 0, has_bias = 0;
    s >> c.name >> batched >> p.n >> p.c_in >> p.h_in >> p.w_in >> p.c_out >> p.kh >> p.kw >>
        p.stride[0] >> p.stride[1] >> p.padding[0] >> p.padding[1] >> p.output_padding[0] >>
        p.output_padding[1] >> p.groups >> p.dilation[0] >> p.dilation[1] >> has_bias;
    c.batched = batched != 0;
    c.has_bias = has_bias != 0;
    c.input = read_floats(data, p.n * p.c_in * p.h_in * p.w_in);
    c.weight = read_floats(data, p.c_in * (p.c_out / p.groups) * p.kh * p.kw);
    if (c.has_bias) c.bias = read_floats(data, p.c_out);
    c.output = read_floats(data, p.n * p.c_out * p.h_out() * p.w_out());
    if (!data) break;
    cases.push_back(std::move(c));
  }
  return cases;
}

TEST(Golden, HasAtLeastThirtyCases) { EXPECT_GE(load_golden().size(), 30u); }

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesPyTorch) {
  const GoldenCase &c = GetParam();
  const RefParams &p = c.p;
  convt::Shape in_shape{p.n, p.c_in, p.h_in, p.w_in};
  if (!c.batched) in_shape.erase(in_shape.begin());
  std::optional<convt::ConstTensorView> bias;
  if (c.has_bias) bias = convt::ConstTensorView(c.bias.data(), {p.c_out});
  const convt::Tensor out = convt::conv_transpose2d(
      convt::ConstTensorView(c.input.data(), in_shape),
      convt::ConstTensorView(c.weight.data(), {p.c_in, p.c_out / p.groups, p.kh, p.kw}), bias,
      {p.stride[0], p.stride[1]}, {p.padding[0], p.padding[1]},
      {p.output_padding[0], p.output_padding[1]}, p.groups, {p.dilation[0], p.dilation[1]});
  convt::Shape want_shape{p.n, p.c_out, p.h_out(), p.w_out()};
  if (!c.batched) want_shape.erase(want_shape.begin());
  ASSERT_EQ(out.shape(), want_shape);

  const std::vector<double> torch_out(c.output.begin(), c.output.end());
  const std::vector<float> got(out.data(), out.data() + out.numel());
  EXPECT_LE(relative_error(got, torch_out), kTolerance) << "convt vs PyTorch";
  // The golden data and the reference agree too: neither can drift alone.
  EXPECT_LE(relative_error(c.output, reference_conv_transpose2d(p, c.input, c.weight, c.bias)),
            kTolerance)
      << "PyTorch vs float64 reference";
}

INSTANTIATE_TEST_SUITE_P(PyTorch, Golden, ::testing::ValuesIn(load_golden()),
                         [](const ::testing::TestParamInfo<GoldenCase> &info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace convt_test
