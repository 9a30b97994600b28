#include "convt/conv_transpose2d.h"

#include "arguments.h"
#include "backends.h"
#include "convt/errors.h"

namespace convt {

namespace {

using detail::ConvGeometry;

// Copies a contiguous float32 result into a strided view of the same shape.
void copy_into(const Tensor &src, const TensorView &dst) {
  const Shape &shape = src.shape();
  const Shape &strides = dst.strides();
  auto *out = static_cast<float *>(dst.data());
  const float *in = src.data();
  const int64_t rank = src.dim();
  Shape index(shape.size(), 0);
  for (int64_t i = 0; i < src.numel(); ++i) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d) off += index[d] * strides[d];
    out[off] = in[i];
    for (int64_t d = rank - 1; d >= 0 && ++index[d] == shape[d]; --d) index[d] = 0;
  }
}

void compute(const ConvGeometry &g, const TensorView &out, const ConstTensorView &input,
             const ConstTensorView &weight, const std::optional<ConstTensorView> &bias) {
  if (g.batch == 0) return;  // empty batch: nothing to compute
  if (out.strides().back() != 1 && out.shape().back() != 1) {
    // The kernels store whole vectors along W; compute densely, then scatter.
    Tensor dense(out.shape());
    detail::run_kernel(detail::cpu_kernel(), g, input, weight, bias, dense);
    copy_into(dense, out);
    return;
  }
  detail::run_kernel(detail::cpu_kernel(), g, input, weight, bias, out);
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

const char *cpu_kernel_name() { return detail::cpu_kernel().name; }

}  // namespace convt
