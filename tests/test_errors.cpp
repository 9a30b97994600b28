// Every bad input gets TypeError or ValueError naming the argument and the
// value; a kernel failure becomes RuntimeError instead of aborting.
#include <gtest/gtest.h>

#include <array>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "backends.h"
#include "conv_case.h"
#include "convt/convt.h"
#include "plan.h"
#include "test_util.h"

namespace {

using convt::ConstTensorView;
using convt::Tensor;

// Runs `call`, expecting exactly exception type E whose message contains every
// fragment.
template <typename E>
void expect_error(const std::function<void()> &call, const std::vector<std::string> &fragments) {
  try {
    call();
    ADD_FAILURE() << "no exception thrown";
  } catch (const E &e) {
    const std::string msg = e.what();
    for (const auto &f : fragments)
      EXPECT_NE(msg.find(f), std::string::npos) << "'" << f << "' not in: " << msg;
  } catch (const std::exception &e) {
    ADD_FAILURE() << "wrong exception type: " << e.what();
  }
}

struct Fixture : ::testing::Test {
  Tensor x = Tensor::full({1, 4, 5, 5}, 1.0f);
  Tensor w = Tensor::full({4, 2, 3, 3}, 1.0f);
  Tensor b = Tensor::full({2}, 1.0f);
};

using Errors = Fixture;

// --- The page's Raises rows --------------------------------------------------

TEST_F(Errors, StrideNotIntOrPairIsTypeError) {
  expect_error<convt::TypeError>(
      [&] {
        convt::conv_transpose2d(x, w, b, {1, 2, 3});
      },
      {"stride", "[1, 2, 3]"});
  expect_error<convt::TypeError>([&] { convt::conv_transpose2d(x, w, b, std::vector<int64_t>{}); },
                                 {"stride", "[]"});
}

TEST_F(Errors, DilationNotIntOrPairIsTypeError) {
  expect_error<convt::TypeError>(
      [&] { convt::conv_transpose2d(x, w, b, 1, 0, 0, 1, std::vector<int64_t>{2}); },
      {"dilation", "[2]"});
}

TEST_F(Errors, OutputPaddingNotIntOrPairIsTypeError) {
  expect_error<convt::TypeError>(
      [&] {
        convt::conv_transpose2d(x, w, b, 2, 0, {1, 1, 1});
      },
      {"output_padding", "[1, 1, 1]"});
}

TEST_F(Errors, PaddingListOfWrongLengthIsValueError) {
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d(x, w, b, 1, {1, 1, 1});
      },
      {"padding", "[1, 1, 1]"});
}

TEST_F(Errors, BiasShapeIsValueError) {
  const Tensor bad = Tensor::full({3}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, bad); },
                                  {"bias shape (3,)", "(2,)"});
  const Tensor bad2 = Tensor::full({1, 2}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, bad2); },
                                  {"bias shape (1, 2)"});
}

TEST_F(Errors, StrideOrDilationBelowOneIsValueError) {
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, b, 0); },
                                  {"stride (0, 0)", ">= 1"});
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d(x, w, b, {1, -2});
      },
      {"stride (1, -2)"});
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d(x, w, b, 1, 0, 0, 1, {0, 1});
      },
      {"dilation (0, 1)", ">= 1"});
}

// --- The checks both frameworks make -----------------------------------------

TEST_F(Errors, BiasDtypeIsTypeError) {
  const std::vector<int32_t> ib{1, 2};
  const ConstTensorView bias(ib.data(), convt::DType::kInt32, {2}, {1});
  expect_error<convt::TypeError>([&] { convt::conv_transpose2d(x, w, bias); },
                                 {"bias dtype int32"});
}

TEST_F(Errors, InputAndWeightDtypes) {
  const std::vector<double> xd(100, 1.0);
  const ConstTensorView xv(xd.data(), convt::DType::kFloat64, {1, 4, 5, 5}, {100, 25, 5, 1});
  expect_error<convt::TypeError>([&] { convt::conv_transpose2d(xv, w); }, {"input dtype float64"});
  const std::vector<double> wd(72, 1.0);
  const ConstTensorView wv(wd.data(), convt::DType::kFloat64, {4, 2, 3, 3}, {18, 9, 3, 1});
  expect_error<convt::TypeError>([&] { convt::conv_transpose2d(x, wv); },
                                 {"weight dtype float64", "input dtype float32"});
}

TEST_F(Errors, Ranks) {
  const Tensor x2 = Tensor::full({4, 5}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x2, w); },
                                  {"input", "3-D or 4-D", "(4, 5)"});
  const Tensor x5 = Tensor::full({1, 1, 4, 5, 5}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x5, w); }, {"input", "5-D"});
  const Tensor w3 = Tensor::full({4, 3, 3}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w3); },
                                  {"weight must be 4-D", "(4, 3, 3)"});
}

TEST_F(Errors, ChannelsMustMatchWeight) {
  const Tensor w5 = Tensor::full({5, 2, 3, 3}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w5); },
                                  {"weight shape (5, 2, 3, 3)", "input channels 4"});
}

TEST_F(Errors, Groups) {
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, std::nullopt, 1, 0, 0, 0); },
                                  {"groups 0", "must be in [1, 268435456]"});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, std::nullopt, 1, 0, 0, 3); },
                                  {"groups 3", "input channels 4"});
}

TEST_F(Errors, NegativePaddingAndOutputPadding) {
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, b, 1, -1); },
                                  {"padding (-1, -1)"});
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d(x, w, b, 2, 0, {0, -1});
      },
      {"output_padding (0, -1)"});
}

TEST_F(Errors, OutputPaddingMustBeSmallerThanStrideOrDilation) {
  try {
    convt::conv_transpose2d(x, w, b, 2, 0, 2);
    ADD_FAILURE() << "no exception";
  } catch (const convt::ValueError &e) {
    EXPECT_STREQ(e.what(),
                 "conv_transpose2d(): output_padding (2, 2) must be smaller than stride (2, 2) "
                 "or dilation (1, 1)");
  }
  // Allowed when smaller than the dilation instead.
  EXPECT_NO_THROW(convt::conv_transpose2d(x, w, b, 1, 0, 1, 1, 2));
}

TEST_F(Errors, OutputSizeBelowOne) {
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, b, 1, 4); },
                                  {"output size (-1, -1)", "padding (4, 4)"});
}

TEST_F(Errors, ZeroSizedNonBatchDimensions) {
  const Tensor x0({1, 4, 0, 5});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x0, w); },
                                  {"input shape (1, 4, 0, 5)"});
  const Tensor w0({4, 0, 3, 3});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w0); },
                                  {"weight shape (4, 0, 3, 3)"});
}

TEST_F(Errors, NullDataWithElements) {
  const ConstTensorView xn(static_cast<const float *>(nullptr), {1, 4, 5, 5});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(xn, w); },
                                  {"input data is null", "100 elements"});
  const ConstTensorView bn(static_cast<const float *>(nullptr), {2});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x, w, bn); },
                                  {"bias data is null"});
}

TEST_F(Errors, StridesOfWrongLength) {
  const ConstTensorView xv(x.data(), {1, 4, 5, 5}, {100, 25, 5});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(xv, w); }, {"input has 3 strides"});
}

TEST_F(Errors, ParametersBeyondTheKernelsRanges) {
  // Large values with a 1x1 input still give a valid output size; the kernels'
  // int32 phase arithmetic bounds them, and validation says so.
  const Tensor x1 = Tensor::full({1, 4, 1, 1}, 1.0f);
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d(x1, w, b, {1, int64_t{1} << 21});
      },
      {"stride (1, 2097152)", "<= 1048576"});
  expect_error<convt::ValueError>(
      [&] { convt::conv_transpose2d(x1, w, b, 1, 0, 0, 1, int64_t{1} << 21); },
      {"dilation (2097152, 2097152)", "<= 1048576"});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(x1, w, b, 1, int64_t{1} << 29); },
                                  {"padding (536870912, 536870912)", "<= 268435456"});
  EXPECT_NO_THROW(convt::conv_transpose2d(x1, w, b, int64_t{1} << 20));  // the limit itself works
}

TEST_F(Errors, ThirtyTwoBitIndexingLimits) {
  // Validation rejects these before any memory is read.
  const ConstTensorView huge_stride(x.data(), {1, 4, 5, 5}, {100, int64_t{1} << 31, 5, 1});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(huge_stride, w); },
                                  {"input", "32-bit"});
  const ConstTensorView huge_span(x.data(), {1, 8, 1 << 13, 1 << 13});
  const Tensor w8 = Tensor::full({8, 1, 1, 1}, 1.0f);
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(huge_span, w8); },
                                  {"input", "2^31 bytes"});
  const ConstTensorView huge_extent(x.data(), {1, 4, int64_t{1} << 32, 1}, {0, 0, 0, 0});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(huge_extent, w); },
                                  {"input shape (1, 4, 4294967296, 1)", "2^31 - 1"});
}

// --- Limits: inputs that once crashed, read out of bounds, returned a wrong
// or hollow result, or ran for minutes. Each now gives a correct result
// (against the float64 reference) or a ValueError naming the limit, before
// anything is allocated. ------------------------------------------------------

// A contiguous case with bias, no output padding unless given.
convt_test::ConvCase limit_case(const convt::Shape &input, const convt::Shape &weight,
                                std::array<int64_t, 2> stride,
                                std::array<int64_t, 2> dilation = {1, 1},
                                std::array<int64_t, 2> padding = {0, 0},
                                std::array<int64_t, 2> output_padding = {0, 0}) {
  convt_test::ConvCase c;
  convt_test::RefParams &p = c.p;
  p.n = input[0];
  p.c_in = input[1];
  p.h_in = input[2];
  p.w_in = input[3];
  p.c_out = weight[1];
  p.kh = weight[2];
  p.kw = weight[3];
  p.stride = stride;
  p.dilation = dilation;
  p.padding = padding;
  p.output_padding = output_padding;
  c.seed = 31;
  return c;
}

TEST(Limits, StridesFarBeyondTheKernelAreCorrect) {
  // Phases with fewer taps than others once read past the weights.
  EXPECT_LE(convt_test::run_conv_case(limit_case({1, 1, 2, 1}, {1, 1, 2, 1}, {32768, 1})),
            convt_test::kTolerance);
  EXPECT_LE(convt_test::run_conv_case(limit_case({1, 1, 2, 1}, {1, 1, 2, 16}, {2048, 1})),
            convt_test::kTolerance);
  // Quadratic in the stride once; now 7 x 7 outputs of three phases.
  EXPECT_LE(
      convt_test::run_conv_case(limit_case({1, 1, 1, 1}, {1, 1, 3, 3}, {200000, 200000}, {3, 3})),
      convt_test::kTolerance);
  // 16 million outputs of which 16 have a tap: one fill, one phase.
  EXPECT_LE(convt_test::run_conv_case(
                limit_case({1, 1, 4, 4}, {1, 1, 1, 1}, {1000, 1000}, {1, 1}, {0, 0}, {999, 999})),
            convt_test::kTolerance);
}

TEST(Limits, StrideTimesDilationBeyondInt32IsCorrect) {
  // Output 60000 = tap 1 at dilation 60000 of input 0; its phase
  // arithmetic once overflowed int32 and gave 0.
  const Tensor x = Tensor::full({1, 1, 1, 2}, 3.0f);
  Tensor w({1, 1, 1, 2});
  w.at({0, 0, 0, 0}) = 5.0f;
  w.at({0, 0, 0, 1}) = 7.0f;
  const Tensor out = convt::conv_transpose2d(x, w, std::nullopt, {1, 40000}, 0, 0, 1, {1, 60000});
  ASSERT_EQ(out.shape(), (convt::Shape{1, 1, 1, 100001}));
  EXPECT_EQ(out.at({0, 0, 0, 60000}), 21.0f);
  EXPECT_EQ(out.at({0, 0, 0, 40000}), 15.0f);
  EXPECT_EQ(out.at({0, 0, 0, 100000}), 21.0f);
  EXPECT_EQ(out.at({0, 0, 0, 1}), 0.0f);
  EXPECT_LE(
      convt_test::run_conv_case(limit_case({1, 1, 1, 2}, {1, 1, 1, 2}, {1, 40000}, {1, 60000})),
      convt_test::kTolerance);
}

TEST(Limits, HugePaddingAndDilationNeedNoHugeCopy) {
  // A 1 x 2 output whose taps reach 3.9 million rows: the zero-bordered
  // copy covers the input's rows only (x tiles across rows, whose copy
  // spans every row their taps reach, are not taken).
  EXPECT_LE(convt_test::run_conv_case(
                limit_case({1, 1, 4, 2}, {1, 1, 6, 1}, {1, 1}, {786145, 1}, {1965364, 0})),
            convt_test::kTolerance);
}

TEST(Limits, OutputsBeyondThirtyTwoBitIndexingAreValueErrors) {
  const float one = 1.0f;
  const ConstTensorView x(&one, {1, 1, 2, 2}, {0, 0, 0, 0});
  const ConstTensorView w(&one, {1, 1, 1, 1}, {0, 0, 0, 0});
  // 46342 x 46342 outputs: once allocated (8.6 GB) before the kernel failed.
  expect_error<convt::ValueError>(
      [&] { convt::conv_transpose2d(x, w, std::nullopt, 46341); },
      {"output shape (1, 1, 46342, 46342)", "2147580964 elements", "2^31 bytes"});
  expect_error<convt::ValueError>(
      [&] { convt::conv_transpose2d_output_shape(x.shape(), w.shape(), 46341); },
      {"output shape (1, 1, 46342, 46342)"});
  // Broadcast views whose output's element count once wrapped to 0.
  const ConstTensorView wide(&one, {1, int64_t{1} << 28, 1, 1}, {0, 0, 0, 0});
  expect_error<convt::ValueError>(
      [&] { convt::conv_transpose2d(x, wide, std::nullopt, (1 << 20) - 1); },
      {"output shape (1, 268435456, 1048576, 1048576)", "more than 2^63 elements"});
  const ConstTensorView wider(&one, {1, int64_t{1} << 30, 1, 1}, {0, 0, 0, 0});
  expect_error<convt::ValueError>(
      [&] { convt::conv_transpose2d(x, wider, std::nullopt, (1 << 20) - 1); },
      {"output shape (1, 1073741824, 1048576, 1048576)", "more than 2^63 elements"});
  // A broadcast weight of 2^30 elements: its dense copy (GPU calls) would
  // pass 2^31 bytes.
  const ConstTensorView planes(&one, {1, 1024, 1, 1}, {0, 0, 0, 0});
  const ConstTensorView w30(&one, {1024, 1, 1024, 1024}, {0, 0, 0, 0});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(planes, w30); },
                                  {"weight shape (1024, 1, 1024, 1024)", "2^31 bytes"});
}

TEST(Limits, OutputShapeNeverOverflows) {
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d_output_shape({1, 1, 1, (int64_t{1} << 44) + 1}, {1, 1, 1, 1},
                                             int64_t{1} << 20);
      },
      {"input shape (1, 1, 1, 17592186044417)", "2^31 - 1"});
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d_output_shape({1, 3, 1, 1}, {3, 1431655766, 1, 1}, 1, 0, 0, 3);
      },
      {"output channels 4294967298", "groups 3"});
  expect_error<convt::ValueError>(
      [&] {
        convt::conv_transpose2d_output_shape({1, 1, 1, 1}, {1, 1, 1, 1026}, 1, 0, 0, 1, 1 << 20);
      },
      {"dilation (1048576, 1048576)", "(0, 1025)", "2^30"});
}

TEST(Limits, WorkFarBeyondTheTrueCountIsValueError) {
  // A 32 x 32 kernel at dilation 48 on an 8 x 8 input: nearly all of what
  // the kernels would compute is the zero border. The CPU kernels skip the
  // rows outside the input (x tiles across rows, which do not, are not
  // taken), so one channel pair is cheap enough to run there (12 M
  // multiply-adds, within 16 times the true 65 k plus 2^30); the GPU
  // kernels, which compute every tap at every pixel (2.3 G), refuse it...
  const char *host_kernel = std::getenv("CONVT_HOST_KERNEL");
  const bool gpu_kernels = std::strcmp(convt::cpu_kernel_name(), "none") == 0 ||
                           (host_kernel != nullptr && *host_kernel != '\0');
  const convt_test::ConvCase one_pair = limit_case({1, 1, 8, 8}, {1, 1, 32, 32}, {1, 1}, {48, 48});
  if (gpu_kernels) {
    expect_error<convt::ValueError>([&] { convt_test::run_conv_case(one_pair); },
                                    {"multiply-adds", "16 times"});
  } else {
    EXPECT_LE(convt_test::run_conv_case(one_pair), convt_test::kTolerance);
  }
  // ... and 16 x 16 channels (3.1 G on the CPU) everywhere.
  const float one = 1.0f;
  const ConstTensorView x(&one, {1, 16, 8, 8}, {0, 0, 0, 0});
  const ConstTensorView w(&one, {16, 16, 32, 32}, {0, 0, 0, 0});
  expect_error<convt::ValueError>(
      [&] { convt::conv_transpose2d(x, w, std::nullopt, 1, 0, 0, 1, 48); },
      {"kernel (32, 32) with dilation (48, 48)", "input (8, 8)", "multiply-adds", "16 times"});
}

TEST(Limits, TensorSizesNeverOverflow) {
  const int64_t big = int64_t{1} << 32;
  expect_error<convt::ValueError>([&] { Tensor t({big, big}); }, {"Tensor()", "int64"});
  expect_error<convt::ValueError>(
      [&] {
        convt::contiguous_strides({big, big, big});
      },
      {"contiguous_strides()", "int64"});
  const float one = 1.0f;
  const ConstTensorView v(&one, {big, big, big}, {0, 0, 0});
  expect_error<convt::ValueError>([&] { (void)v.numel(); }, {"numel()", "int64"});
}

TEST_F(Errors, OutTensorChecks) {
  Tensor wrong({1, 2, 7, 6});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d_out(wrong, x, w, b); },
                                  {"out shape (1, 2, 7, 6)", "(1, 2, 7, 7)"});
  std::vector<double> od(98);
  const convt::TensorView out64(od.data(), convt::DType::kFloat64, {1, 2, 7, 7}, {98, 49, 7, 1});
  expect_error<convt::TypeError>([&] { convt::conv_transpose2d_out(out64, x, w, b); },
                                 {"out dtype float64"});
  std::vector<float> small(49);
  const convt::TensorView aliased(small.data(), {1, 2, 7, 7}, {98, 0, 7, 1});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d_out(aliased, x, w, b); },
                                  {"out strides", "overlap"});
  Tensor big = Tensor::full({1, 4, 10, 10}, 1.0f);
  const ConstTensorView xin(big.data(), {1, 4, 5, 5}, {400, 100, 10, 1});
  const convt::TensorView over_input(big.data() + 5, {1, 2, 7, 7}, {400, 100, 10, 1});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d_out(over_input, xin, w, b); },
                                  {"out overlaps input"});
}

// --- Failures inside a kernel ------------------------------------------------

TEST(KernelErrors, HalideErrorBecomesRuntimeError) {
  // Bypass validation and hand the kernel a weight with fewer input channels
  // than the input: Halide's own bounds checks fail inside the kernel, and
  // the call must throw, not abort.
  if (!convt::detail::has_cpu_kernel()) GTEST_SKIP() << "this build has no CPU kernel";
  const Tensor x = Tensor::full({1, 4, 4, 4}, 1.0f);
  const Tensor w = Tensor::full({4, 3, 3, 3}, 1.0f);
  const Tensor w_short = Tensor::full({2, 3, 3, 3}, 1.0f);
  const convt::detail::ConvGeometry g =
      convt::detail::resolve_geometry(x.shape(), w.shape(), 1, 0, 0, 1, 1);
  Tensor out({1, 3, 6, 6});
  // The message names the kernel the plan runs (AVX2 for these narrow rows
  // on an AVX-512 machine, not the default kernel).
  const convt::detail::Plan plan = convt::detail::plan_call(g, convt::Device::kCPU);
  EXPECT_NO_THROW(convt::detail::run_plan(plan, g, x, w, std::nullopt, out));
  EXPECT_EQ(out.at({0, 1, 3, 3}), 36.0f);
  expect_error<convt::RuntimeError>(
      [&] { convt::detail::run_plan(plan, g, x, w_short, std::nullopt, out); },
      {std::string("conv_transpose2d(): kernel ") + plan.kernel->name + " failed", "weight"});
}

}  // namespace
