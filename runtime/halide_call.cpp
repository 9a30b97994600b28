#include "halide_call.h"

#include <array>
#include <mutex>
#include <string>

#include "convt/errors.h"
#include "workspace.h"

namespace convt::detail {

namespace {

// What a failing kernel said, collected through Halide's user_context.
struct CallContext {
  std::string error;
};

// Replaces Halide's default handler, which would abort: record the message and
// let the kernel return its error code.
void record_halide_error(void *user_context, const char *message) {
  if (user_context != nullptr) static_cast<CallContext *>(user_context)->error += message;
}

void install_error_handler() {
  static std::once_flag once;
  std::call_once(once, [] { halide_set_error_handler(record_halide_error); });
}

// A Halide view of an NCHW-style tensor: Halide lists dimensions innermost
// first, so the order is reversed. Unbatched tensors get a unit N dimension.
struct HalideBuffer {
  std::array<halide_dimension_t, 4> dims{};
  halide_buffer_t buf{};

  HalideBuffer(const void *data, const Shape &shape, const Shape &strides, int rank) {
    const int given = static_cast<int>(shape.size());
    for (int d = 0; d < rank; ++d) {
      const int src = given - 1 - d;  // Halide dim d <- tensor dim src
      halide_dimension_t &dim = dims[static_cast<size_t>(d)];
      dim.min = 0;
      dim.extent = src >= 0 ? static_cast<int32_t>(shape[static_cast<size_t>(src)]) : 1;
      dim.stride = src >= 0 ? static_cast<int32_t>(strides[static_cast<size_t>(src)]) : 0;
      // A single element's stride is never used; Halide wants 1 innermost.
      if (dim.extent == 1) dim.stride = d == 0 ? 1 : 0;
    }
    buf.host = static_cast<uint8_t *>(const_cast<void *>(data));  // Halide only reads inputs
    buf.type = halide_type_t(halide_type_float, 32, 1);
    buf.dimensions = rank;
    buf.dim = dims.data();
  }
  HalideBuffer(const HalideBuffer &) = delete;
  HalideBuffer &operator=(const HalideBuffer &) = delete;
};

}  // namespace

void run_kernel(const Kernel &kernel, const ConvGeometry &g, const ConstTensorView &input,
                const ConstTensorView &weight, const std::optional<ConstTensorView> &bias,
                const TensorView &out) {
  install_error_handler();
  install_workspace_allocator();
  HalideBuffer in_buf(input.data(), input.shape(), input.strides(), 4);
  HalideBuffer w_buf(weight.data(), weight.shape(), weight.strides(), 4);
  HalideBuffer out_buf(out.data(), out.shape(), out.strides(), 4);
  // No bias: a stride-0 view of a single zero, so the kernel needs no branch.
  static const float kZero = 0.0f;
  HalideBuffer b_buf = bias ? HalideBuffer(bias->data(), bias->shape(), bias->strides(), 1)
                            : HalideBuffer(&kZero, {g.out_channels}, {0}, 1);

  CallContext context;
  const int rc = kernel.fn(&context, &in_buf.buf, &w_buf.buf, &b_buf.buf,
                           static_cast<int32_t>(g.stride[1]), static_cast<int32_t>(g.stride[0]),
                           static_cast<int32_t>(g.padding[1]), static_cast<int32_t>(g.padding[0]),
                           static_cast<int32_t>(g.dilation[1]), static_cast<int32_t>(g.dilation[0]),
                           static_cast<int32_t>(g.groups), kernel.tile_order(g), &out_buf.buf);
  if (rc != 0) {
    throw RuntimeError(std::string("conv_transpose2d(): kernel ") + kernel.name +
                       " failed (Halide error " + std::to_string(rc) + ")" +
                       (context.error.empty() ? std::string() : ": " + context.error));
  }
}

}  // namespace convt::detail
