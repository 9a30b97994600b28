// The CUDA backend through the public API: device tensors read and written in
// place, host tensors copied, and the errors a machine without a GPU gives.
// Tests that need a device skip, with the reason, where there is none; the
// rest run everywhere.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "cuda_memory.h"
#include "reference.h"
#include "test_util.h"

namespace convt_test {
namespace {

using convt::ConstTensorView;
using convt::Device;
using convt::DType;
using convt::TensorView;

std::string cuda_reason() {
  std::string reason;
  return convt::cuda_available(&reason) ? std::string() : reason;
}

#define SKIP_WITHOUT_CUDA()                                      \
  do {                                                           \
    const std::string why = cuda_reason();                       \
    if (!why.empty()) GTEST_SKIP() << "no CUDA device: " << why; \
  } while (false)

struct Case {
  RefParams p;
  bool bias;
};

std::vector<Case> device_cases() {
  std::vector<Case> cases;
  auto add = [&](int64_t n, int64_t ci, int64_t co, int64_t h, int64_t w, int64_t k, int64_t s,
                 int64_t pad, int64_t op, int64_t d, int64_t g, bool bias) {
    RefParams p;
    p.n = n, p.c_in = ci, p.c_out = co, p.h_in = h, p.w_in = w, p.kh = k, p.kw = k;
    p.stride = {s, s}, p.padding = {pad, pad}, p.output_padding = {op, op};
    p.dilation = {d, d}, p.groups = g;
    cases.push_back({p, bias});
  };
  add(2, 16, 40, 9, 11, 4, 2, 1, 0, 1, 1, true);   // channel blocks with a partial tail
  add(1, 8, 8, 17, 13, 3, 1, 1, 0, 1, 1, false);   // stride 1
  add(3, 6, 9, 5, 7, 3, 3, 1, 2, 2, 3, true);      // groups, dilation, output_padding
  add(2, 12, 12, 6, 6, 5, 2, 2, 1, 1, 12, false);  // depthwise
  add(1, 4, 70, 33, 40, 2, 2, 0, 0, 1, 1, true);   // wide rows: several x tiles
  return cases;
}

// Runs a case with every tensor in device memory and compares the result with
// the float64 reference.
void run_on_device(const Case &c, uint32_t seed) {
  const RefParams &p = c.p;
  std::mt19937 rng(seed);
  const std::vector<float> input = random_values(p.n * p.c_in * p.h_in * p.w_in, rng);
  const std::vector<float> weight = random_values(p.c_in * (p.c_out / p.groups) * p.kh * p.kw, rng);
  const std::vector<float> bias = c.bias ? random_values(p.c_out, rng) : std::vector<float>{};
  const convt::Shape out_shape{p.n, p.c_out, p.h_out(), p.w_out()};
  std::vector<float> poison(static_cast<size_t>(p.n * p.c_out * p.h_out() * p.w_out()), 1e30f);

  DeviceArray d_in(input), d_w(weight), d_b(c.bias ? bias : std::vector<float>{0.0f}),
      d_out(poison);
  ASSERT_TRUE(d_in.ok() && d_w.ok() && d_b.ok() && d_out.ok());
  const ConstTensorView in(d_in.data(), {p.n, p.c_in, p.h_in, p.w_in}, Device::kCUDA);
  const ConstTensorView w(d_w.data(), {p.c_in, p.c_out / p.groups, p.kh, p.kw}, Device::kCUDA);
  std::optional<ConstTensorView> b;
  if (c.bias) b = ConstTensorView(d_b.data(), {p.c_out}, Device::kCUDA);
  convt::conv_transpose2d_out(TensorView(d_out.data(), out_shape, Device::kCUDA), in, w, b,
                              {p.stride[0], p.stride[1]}, {p.padding[0], p.padding[1]},
                              {p.output_padding[0], p.output_padding[1]}, p.groups,
                              {p.dilation[0], p.dilation[1]});
  const std::vector<double> want = reference_conv_transpose2d(p, input, weight, bias);
  EXPECT_LE(relative_error(d_out.read(), want), kTolerance);
}

TEST(Cuda, DeviceTensorsAreReadAndWrittenInPlace) {
  SKIP_WITHOUT_CUDA();
  uint32_t seed = 7;
  for (const Case &c : device_cases()) {
    SCOPED_TRACE(testing::Message() << "case with c_out " << c.p.c_out << ", groups " << c.p.groups
                                    << ", stride " << c.p.stride[0]);
    run_on_device(c, seed++);
  }
}

TEST(Cuda, AllocatingFormWithDeviceInputsReturnsAHostTensor) {
  SKIP_WITHOUT_CUDA();
  std::mt19937 rng(11);
  const std::vector<float> input = random_values(2 * 5 * 6 * 7, rng);
  const std::vector<float> weight = random_values(5 * 4 * 3 * 3, rng);
  DeviceArray d_in(input), d_w(weight);
  ASSERT_TRUE(d_in.ok() && d_w.ok());
  const convt::Tensor out = convt::conv_transpose2d(
      ConstTensorView(d_in.data(), {2, 5, 6, 7}, Device::kCUDA),
      ConstTensorView(d_w.data(), {5, 4, 3, 3}, Device::kCUDA), std::nullopt, 2, 1, 1);
  RefParams p;
  p.n = 2, p.c_in = 5, p.c_out = 4, p.h_in = 6, p.w_in = 7, p.kh = 3, p.kw = 3;
  p.stride = {2, 2}, p.padding = {1, 1}, p.output_padding = {1, 1};
  const std::vector<float> got(out.data(), out.data() + out.numel());
  EXPECT_LE(relative_error(got, reference_conv_transpose2d(p, input, weight, {})), kTolerance);
}

TEST(Cuda, WithoutADeviceCudaCallsRaiseAndCpuCallsWork) {
  const std::string why = cuda_reason();
  if (why.empty()) GTEST_SKIP() << "a CUDA device is present: the no-device path is not reachable";
  float dummy[4] = {};  // never dereferenced: the call fails before any access
  const ConstTensorView in(dummy, {1, 1, 2, 2}, Device::kCUDA);
  const ConstTensorView w(dummy, {1, 1, 1, 1}, Device::kCUDA);
  try {
    convt::conv_transpose2d(in, w);
    ADD_FAILURE() << "no exception without a CUDA device";
  } catch (const convt::RuntimeError &e) {
    EXPECT_NE(std::string(e.what()).find(why), std::string::npos) << e.what();
  }
  if (std::string(convt::cpu_kernel_name()) == "none") {
    // A CUDA-only build has no CPU kernel: host calls need the GPU too.
    EXPECT_THROW(convt::conv_transpose2d(convt::Tensor::full({1, 2, 3, 3}, 1.0f),
                                         convt::Tensor::full({2, 1, 2, 2}, 1.0f)),
                 convt::RuntimeError);
    return;
  }
  const convt::Tensor cpu = convt::conv_transpose2d(convt::Tensor::full({1, 2, 3, 3}, 1.0f),
                                                    convt::Tensor::full({2, 1, 2, 2}, 1.0f));
  EXPECT_EQ(cpu.at({0, 0, 1, 1}), 8.0f);  // 2 channels x 4 taps
}

TEST(Cuda, MixedDevicesAndStridedDeviceOutputsAreValueErrors) {
  float host[64] = {};
  const ConstTensorView in(host, {1, 2, 3, 3}, Device::kCUDA);
  const ConstTensorView w_host(host, {2, 1, 2, 2});
  try {
    convt::conv_transpose2d(in, w_host);
    ADD_FAILURE() << "no exception for mixed devices";
  } catch (const convt::ValueError &e) {
    EXPECT_NE(std::string(e.what()).find("weight is on cpu but input is on cuda"),
              std::string::npos)
        << e.what();
  }
  const ConstTensorView w(host, {2, 1, 2, 2}, Device::kCUDA);
  // Output (1, 1, 4, 4) with stride 2 along W.
  const TensorView out(host, DType::kFloat32, {1, 1, 4, 4}, {32, 32, 8, 2}, Device::kCUDA);
  try {
    convt::conv_transpose2d_out(out, in, w);
    ADD_FAILURE() << "no exception for a strided CUDA output";
  } catch (const convt::ValueError &e) {
    EXPECT_NE(std::string(e.what()).find("unit stride along W"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace convt_test
