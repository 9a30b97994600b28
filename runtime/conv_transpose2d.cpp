#include "convt/conv_transpose2d.h"

#include <cstdlib>
#include <cstring>
#include <string>

#include "arguments.h"
#include "backends.h"
#include "convt/errors.h"
#include "strided_copy.h"
#if defined(CONVT_HAVE_CUDA)
#include "cuda_driver.h"
#endif

namespace convt {

namespace {

using detail::ConvGeometry;

// The CUDA kernel for `g`, once the driver has a device; else RuntimeError
// saying why.
const detail::Kernel &usable_cuda_kernel(const ConvGeometry &g) {
  const detail::Kernel *kernel = detail::cuda_kernel_for(g);
  if (kernel == nullptr) {
    throw RuntimeError(
        "conv_transpose2d(): tensors on cuda, but this build has no CUDA backend "
        "(configure with -DCONVT_TARGETS=...;cuda)");
  }
  std::string reason;
  if (!cuda_available(&reason)) {
    throw RuntimeError("conv_transpose2d(): CUDA is unavailable: " + reason);
  }
  return *kernel;
}

// Which kernel runs a call: the input's device decides. Host tensors run on
// the CPU kernel (the flavour for the call's shape); in a GPU-only build, on the CUDA kernel
// (copied in and out). CONVT_HOST_KERNEL=cuda or =opencl sends host tensors to that GPU kernel
// instead, which is how the test suites run the GPU schedules (OpenCL on PoCL without a GPU).
const detail::Kernel &select_kernel(const ConvGeometry &g, const ConstTensorView &input) {
  if (input.device() == Device::kCUDA) return usable_cuda_kernel(g);
  static const char *const choice = std::getenv("CONVT_HOST_KERNEL");  // read once
  if (choice != nullptr && std::strcmp(choice, "cuda") == 0) return usable_cuda_kernel(g);
  if (choice != nullptr && std::strcmp(choice, "opencl") == 0) {
    const detail::Kernel *kernel = detail::opencl_kernel_for(g);
    if (kernel == nullptr) {
      throw RuntimeError(
          "conv_transpose2d(): CONVT_HOST_KERNEL=opencl, but this build has no "
          "OpenCL kernel (it comes with the cuda target when tests are built)");
    }
    return *kernel;
  }
  return detail::has_cpu_kernel() ? detail::cpu_kernel_for(g) : usable_cuda_kernel(g);
}

// The form of a kernel's work, for the work check.
detail::WorkForm work_form(const detail::Kernel &kernel) {
  return kernel.device_interface != nullptr ? detail::WorkForm::kPixelTiles
                                            : detail::WorkForm::kPhaseRows;
}

// Channels [first, first + count) of dimension `dim` of a float32 view.
ConstTensorView channel_slice(const ConstTensorView &v, size_t dim, int64_t first, int64_t count) {
  Shape shape = v.shape();
  shape[dim] = count;
  const float *data = static_cast<const float *>(v.data()) + first * v.strides()[dim];
  return {data, DType::kFloat32, shape, v.strides(), v.device()};
}
TensorView channel_slice(const TensorView &v, size_t dim, int64_t first, int64_t count) {
  Shape shape = v.shape();
  shape[dim] = count;
  float *data = static_cast<float *>(v.data()) + first * v.strides()[dim];
  return {data, DType::kFloat32, shape, v.strides(), v.device()};
}

// Groups wide enough to fill the kernels' channel tiles run as one call
// per group with groups 1: the group-1 specializations (and on GPUs the gemm
// kernel) then apply, and a channel tile never straddles two groups (which
// costs it one input load per channel instead of one per tile). Narrow
// groups and depthwise layers stay in one call.
bool runs_per_group(const ConvGeometry &g) {
  return g.groups > 1 && g.in_channels / g.groups >= 16 && g.out_channels / g.groups >= 16;
}

void run_groups(const ConvGeometry &g, const ConstTensorView &input, const ConstTensorView &weight,
                const std::optional<ConstTensorView> &bias, const TensorView &out) {
  if (!runs_per_group(g)) {
    detail::run_kernel(select_kernel(g, input), g, input, weight, bias, out);
    return;
  }
  ConvGeometry one = g;
  one.groups = 1;
  one.in_channels = g.in_channels / g.groups;
  one.out_channels = g.out_channels / g.groups;
  const detail::Kernel &kernel = select_kernel(one, input);
  const size_t channel_dim = input.shape().size() - 3;  // C of (N, C, H, W) or (C, H, W)
  for (int64_t group = 0; group < g.groups; ++group) {
    std::optional<ConstTensorView> group_bias;
    if (bias) group_bias = channel_slice(*bias, 0, group * one.out_channels, one.out_channels);
    detail::run_kernel(
        kernel, one, channel_slice(input, channel_dim, group * one.in_channels, one.in_channels),
        channel_slice(weight, 0, group * one.in_channels, one.in_channels), group_bias,
        channel_slice(out, channel_dim, group * one.out_channels, one.out_channels));
  }
}

void compute(const ConvGeometry &g, const TensorView &out, const ConstTensorView &input,
             const ConstTensorView &weight, const std::optional<ConstTensorView> &bias) {
  if (g.batch == 0) return;  // empty batch: nothing to compute
  if (out.strides().back() != 1 && out.shape().back() != 1) {
    // The kernels store whole vectors along W; compute densely, then scatter.
    // (Host outputs only: validation rejects such CUDA outputs.)
    Tensor dense(out.shape());
    run_groups(g, input, weight, bias, dense);
    detail::copy_strided(out.shape(), dense.data(), dense.strides(),
                         static_cast<float *>(out.data()), out.strides());
    return;
  }
  run_groups(g, input, weight, bias, out);
}

}  // namespace

Tensor conv_transpose2d(const ConstTensorView &input, const ConstTensorView &weight,
                        const std::optional<ConstTensorView> &bias, const IntList &stride,
                        const IntList &padding, const IntList &output_padding, int64_t groups,
                        const IntList &dilation) {
  const ConvGeometry g = detail::resolve_geometry(input.shape(), weight.shape(), stride, padding,
                                                  output_padding, groups, dilation);
  detail::check_inputs(g, input, weight, bias);
  detail::check_work(g, work_form(select_kernel(g, input)));
  Tensor out(g.output_shape());
  compute(g, out, input, weight, bias);
  return out;
}

void conv_transpose2d_out(const TensorView &out, const ConstTensorView &input,
                          const ConstTensorView &weight, const std::optional<ConstTensorView> &bias,
                          const IntList &stride, const IntList &padding,
                          const IntList &output_padding, int64_t groups, const IntList &dilation) {
  const ConvGeometry g = detail::resolve_geometry(input.shape(), weight.shape(), stride, padding,
                                                  output_padding, groups, dilation);
  detail::check_inputs(g, input, weight, bias);
  detail::check_output(g, out, input, weight, bias);
  detail::check_work(g, work_form(select_kernel(g, input)));
  compute(g, out, input, weight, bias);
}

Shape conv_transpose2d_output_shape(const Shape &input_shape, const Shape &weight_shape,
                                    const IntList &stride, const IntList &padding,
                                    const IntList &output_padding, int64_t groups,
                                    const IntList &dilation) {
  return detail::resolve_geometry(input_shape, weight_shape, stride, padding, output_padding,
                                  groups, dilation)
      .output_shape();
}

const char *cpu_kernel_name() {
  return detail::has_cpu_kernel() ? detail::cpu_kernel().name : "none";
}

bool cuda_available(std::string *reason) {
#if defined(CONVT_HAVE_CUDA)
  const std::string &why = detail::cuda_unavailable_reason();
  if (why.empty()) {
    detail::use_callers_cuda_context();
    return true;
  }
  if (reason != nullptr) *reason = why;
  return false;
#else
  if (reason != nullptr) *reason = "this build has no CUDA backend";
  return false;
#endif
}

}  // namespace convt
