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

// The CUDA kernel, once the driver has a device; else RuntimeError saying why.
const detail::Kernel &usable_cuda_kernel() {
  const detail::Kernel *kernel = detail::cuda_kernel();
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
// the CPU kernel; in a GPU-only build, on the CUDA kernel (copied in and
// out). CONVT_HOST_KERNEL=cuda or =opencl sends host tensors to that GPU
// kernel instead, which is how the test suites run the GPU schedule (OpenCL
// on PoCL without a GPU).
const detail::Kernel &select_kernel(const ConstTensorView &input) {
  if (input.device() == Device::kCUDA) return usable_cuda_kernel();
  static const char *const choice = std::getenv("CONVT_HOST_KERNEL");  // read once
  if (choice != nullptr && std::strcmp(choice, "cuda") == 0) return usable_cuda_kernel();
  if (choice != nullptr && std::strcmp(choice, "opencl") == 0) {
    if (detail::opencl_kernel() == nullptr) {
      throw RuntimeError(
          "conv_transpose2d(): CONVT_HOST_KERNEL=opencl, but this build has no "
          "OpenCL kernel (it comes with the cuda target when tests are built)");
    }
    return *detail::opencl_kernel();
  }
  return detail::has_cpu_kernel() ? detail::cpu_kernel() : usable_cuda_kernel();
}

void compute(const ConvGeometry &g, const TensorView &out, const ConstTensorView &input,
             const ConstTensorView &weight, const std::optional<ConstTensorView> &bias) {
  if (g.batch == 0) return;  // empty batch: nothing to compute
  const detail::Kernel &kernel = select_kernel(input);
  if (out.strides().back() != 1 && out.shape().back() != 1) {
    // The kernels store whole vectors along W; compute densely, then scatter.
    // (Host outputs only: validation rejects such CUDA outputs.)
    Tensor dense(out.shape());
    detail::run_kernel(kernel, g, input, weight, bias, dense);
    detail::copy_strided(out.shape(), dense.data(), dense.strides(),
                         static_cast<float *>(out.data()), out.strides());
    return;
  }
  detail::run_kernel(kernel, g, input, weight, bias, out);
}

}  // namespace

Tensor conv_transpose2d(const ConstTensorView &input, const ConstTensorView &weight,
                        const std::optional<ConstTensorView> &bias, const IntList &stride,
                        const IntList &padding, const IntList &output_padding, int64_t groups,
                        const IntList &dilation) {
  const ConvGeometry g = detail::resolve_geometry(input.shape(), weight.shape(), stride, padding,
                                                  output_padding, groups, dilation);
  detail::check_inputs(g, input, weight, bias);
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
