// A C entry point to convt's CUDA path, for benchmarks/cuda_vs_cudnn.py: the
// script allocates and times with PyTorch, and calls convt on the same device
// tensors through ctypes, so both run in one process on one GPU.
#include <cstdint>
#include <cstring>
#include <exception>
#include <optional>

#include "convt/convt.h"

namespace {

convt::Shape shape4(const int64_t *s) { return {s[0], s[1], s[2], s[3]}; }

}  // namespace

// Pairs are (H, W). Returns 0, or 1 with the exception's message in `error`.
extern "C" int convt_cuda_conv_transpose2d(const float *input, const int64_t *input_shape,
                                           const float *weight, const int64_t *weight_shape,
                                           const float *bias, float *out, const int64_t *out_shape,
                                           const int64_t *stride, const int64_t *padding,
                                           const int64_t *output_padding, int64_t groups,
                                           const int64_t *dilation, char *error, int error_size) {
  try {
    using convt::Device;
    std::optional<convt::ConstTensorView> b;
    if (bias != nullptr)
      b = convt::ConstTensorView(bias, {weight_shape[1] * groups}, Device::kCUDA);
    convt::conv_transpose2d_out(convt::TensorView(out, shape4(out_shape), Device::kCUDA),
                                convt::ConstTensorView(input, shape4(input_shape), Device::kCUDA),
                                convt::ConstTensorView(weight, shape4(weight_shape), Device::kCUDA),
                                b, {stride[0], stride[1]}, {padding[0], padding[1]},
                                {output_padding[0], output_padding[1]}, groups,
                                {dilation[0], dilation[1]});
    return 0;
  } catch (const std::exception &e) {
    std::strncpy(error, e.what(), static_cast<size_t>(error_size) - 1);
    error[error_size - 1] = '\0';
    return 1;
  }
}
