// Every bad input gets TypeError or ValueError naming the argument and the
// value; a kernel failure becomes RuntimeError instead of aborting.
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "backends.h"
#include "convt/convt.h"

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
  const ConstTensorView huge_span(x.data(), {1, 4, 1 << 14, 1 << 14});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(huge_span, w); },
                                  {"input", "2^31 bytes"});
  const ConstTensorView huge_extent(x.data(), {1, 4, int64_t{1} << 32, 1}, {0, 0, 0, 0});
  expect_error<convt::ValueError>([&] { convt::conv_transpose2d(huge_extent, w); },
                                  {"output size (4294967298, 3)", "32-bit"});
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
  EXPECT_NO_THROW(
      convt::detail::run_kernel(convt::detail::cpu_kernel(), g, x, w, std::nullopt, out));
  EXPECT_EQ(out.at({0, 1, 3, 3}), 36.0f);
  expect_error<convt::RuntimeError>(
      [&] {
        convt::detail::run_kernel(convt::detail::cpu_kernel(), g, x, w_short, std::nullopt, out);
      },
      {std::string("conv_transpose2d(): kernel ") + convt::cpu_kernel_name() + " failed",
       "weight"});
}

}  // namespace
