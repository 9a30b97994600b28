#include "halide_call.h"

#include <array>
#include <mutex>
#include <string>
#include <vector>

#include "convt/errors.h"
#include "phase_constants.h"
#include "strided_copy.h"
#include "thread_pool.h"
#include "workspace.h"

namespace convt::detail {

namespace {

// What one kernel call carries through Halide's user_context: what a failure
// said, and whether its parallel loops run on the calling thread.
struct CallContext {
  std::string error;
  bool serial = false;
};

// Replaces Halide's default handler, which would abort: record the message and
// let the kernel return its error code.
void record_halide_error(void *user_context, const char *message) {
  if (user_context != nullptr) static_cast<CallContext *>(user_context)->error += message;
}

// Halide's parallel loops: on convt's pool (thread_pool.h), or for a
// serial call (Plan::serial) in order on the calling thread: for a small
// call, handing each loop to the workers costs more than they save.
int run_parallel_loop(void *user_context, halide_task_t task, int min, int size, uint8_t *closure) {
  const auto *context = static_cast<const CallContext *>(user_context);
  if (context != nullptr && context->serial) {
    return run_serially(user_context, task, min, size, closure);
  }
  return run_in_pool(user_context, task, min, size, closure);
}

void install_runtime_hooks() {
  static std::once_flag once;
  std::call_once(once, [] {
    halide_set_error_handler(record_halide_error);
    halide_set_custom_do_par_for(run_parallel_loop);
  });
}

// A Halide view of an NCHW-style tensor: Halide lists dimensions innermost
// first, so the order is reversed. Unbatched tensors get a unit N dimension.
struct HalideBuffer {
  std::array<halide_dimension_t, 4> dims{};
  halide_buffer_t buf{};

  // `given` sizes and strides, outermost first.
  HalideBuffer(const void *data, const int64_t *shape, const int64_t *strides, int given,
               int rank) {
    for (int d = 0; d < rank; ++d) {
      const int src = given - 1 - d;  // Halide dim d <- tensor dim src
      halide_dimension_t &dim = dims.at(static_cast<size_t>(d));
      dim.min = 0;
      dim.extent = src >= 0 ? static_cast<int32_t>(shape[src]) : 1;
      dim.stride = src >= 0 ? static_cast<int32_t>(strides[src]) : 0;
      // A single element's stride is never used; Halide wants 1 innermost.
      if (dim.extent == 1) dim.stride = d == 0 ? 1 : 0;
    }
    buf.host = static_cast<uint8_t *>(const_cast<void *>(data));  // Halide only reads inputs
    buf.type = halide_type_t(halide_type_float, 32, 1);
    buf.dimensions = rank;
    buf.dim = dims.data();
  }
  template <typename View>  // ConstTensorView or TensorView
  HalideBuffer(const View &v, int rank)
      : HalideBuffer(v.data(), v.shape().data(), v.strides().data(),
                     static_cast<int>(v.shape().size()), rank) {}
  HalideBuffer(const HalideBuffer &) = delete;
  HalideBuffer &operator=(const HalideBuffer &) = delete;
};

// RuntimeError for a kernel's nonzero return code, with what Halide said.
[[noreturn]] void throw_kernel_error(const Kernel &kernel, const CallContext &context, int rc,
                                     const std::string &what) {
  throw RuntimeError(std::string("conv_transpose2d(): kernel ") + kernel.name + " failed" +
                     (what.empty() ? std::string() : " " + what) + " (Halide error " +
                     std::to_string(rc) + ")" +
                     (context.error.empty() ? std::string() : ": " + context.error));
}

// Device memory of one call's buffers: host views copied in by Halide are
// freed, wrapped device pointers detached, on every path out.
class DeviceBuffers {
 public:
  DeviceBuffers(const Kernel &kernel, CallContext *context) : kernel_(kernel), context_(context) {}
  DeviceBuffers(const DeviceBuffers &) = delete;
  DeviceBuffers &operator=(const DeviceBuffers &) = delete;
  ~DeviceBuffers() {
    for (halide_buffer_t *b : wrapped_) kernel_.detach_device_ptr(context_, b);
    for (halide_buffer_t *b : copied_) halide_device_free(context_, b);
  }

  // Binds `b` (viewing memory on `device`) for the kernel: wraps device
  // memory; marks host inputs as needing a copy to the device.
  void bind(HalideBuffer &b, Device device, bool is_input) {
    if (device == Device::kCUDA) {
      const auto ptr = reinterpret_cast<uint64_t>(b.buf.host);
      b.buf.host = nullptr;
      const int rc = kernel_.wrap_device_ptr(context_, &b.buf, ptr);
      if (rc != 0) fail(rc, "wrapping a device pointer");
      wrapped_.push_back(&b.buf);
    } else {
      if (is_input) b.buf.flags |= halide_buffer_flag_host_dirty;
      copied_.push_back(&b.buf);
    }
  }

  [[noreturn]] void fail(int rc, const char *what) const {
    throw_kernel_error(kernel_, *context_, rc, what);
  }

 private:
  const Kernel &kernel_;
  CallContext *context_;
  std::vector<halide_buffer_t *> wrapped_;
  std::vector<halide_buffer_t *> copied_;
};

// A contiguous copy of a host view. GPU runtimes copy a host buffer to the
// device as the span its strides cover, so views with zero, negative or
// overlapping strides go to the device through a dense copy instead.
ConstTensorView dense_host_copy(const ConstTensorView &v, std::vector<float> *store) {
  if (v.device() != Device::kCPU || v.strides() == contiguous_strides(v.shape())) return v;
  store->resize(static_cast<size_t>(v.numel()));
  copy_strided(v.shape(), static_cast<const float *>(v.data()), v.strides(), store->data(),
               contiguous_strides(v.shape()));
  return {store->data(), v.shape()};
}

// The weights as the columns form's matrix (KernelFn's weight_columns):
// (C_in, J) with the J = C_out_per_group * kh * kw values of an input
// channel adjacent. The tensor's own memory when it is laid out so (the
// usual contiguous weights); else a dense copy. GPU kernels do not read it.
struct WeightColumns {
  const void *data;
  std::array<int64_t, 2> shape, strides;
};
WeightColumns weight_columns(const ConstTensorView &w, bool gpu, std::vector<float> *store) {
  static const float kUnread = 0.0f;
  if (gpu) return {&kUnread, {1, 1}, {1, 1}};
  const Shape &shape = w.shape();
  const int64_t columns = shape[1] * shape[2] * shape[3];
  // Adjacent: each dimension after the first steps over the ones after it.
  bool adjacent = true;
  int64_t dense = 1;
  for (size_t d = 3; d >= 1; --d) {
    adjacent = adjacent && (shape[d] == 1 || w.strides()[d] == dense);
    dense *= shape[d];
  }
  if (adjacent) return {w.data(), {shape[0], columns}, {w.strides()[0], 1}};
  store->resize(static_cast<size_t>(w.numel()));
  copy_strided(shape, static_cast<const float *>(w.data()), w.strides(), store->data(),
               contiguous_strides(shape));
  return {store->data(), {shape[0], columns}, {columns, 1}};
}

}  // namespace

void run_kernel(const Kernel &kernel, int32_t tile_order, bool serial, const ConvGeometry &g,
                const ConstTensorView &given_input, const ConstTensorView &given_weight,
                const std::optional<ConstTensorView> &given_bias, const TensorView &out) {
  install_runtime_hooks();
  install_workspace_allocator();
  const bool gpu = kernel.device_interface != nullptr;
  // GPU kernels read dense host copies (dense_host_copy) and a real bias;
  // CPU kernels read the caller's views as they are (no copy, no
  // allocation).
  std::vector<float> input_copy;
  std::vector<float> weight_copy;
  std::vector<float> bias_copy;
  std::vector<float> columns_copy;
  std::optional<ConstTensorView> gpu_input;
  std::optional<ConstTensorView> gpu_weight;
  std::optional<ConstTensorView> gpu_bias;
  if (gpu) {
    gpu_input = dense_host_copy(given_input, &input_copy);
    gpu_weight = dense_host_copy(given_weight, &weight_copy);
    if (given_bias) {
      gpu_bias = dense_host_copy(*given_bias, &bias_copy);
    } else {
      bias_copy.assign(static_cast<size_t>(g.out_channels), 0.0f);
      gpu_bias = ConstTensorView(bias_copy.data(), {g.out_channels});
    }
  }
  const ConstTensorView &input = gpu ? *gpu_input : given_input;
  const ConstTensorView &weight = gpu ? *gpu_weight : given_weight;
  const ConstTensorView *bias = gpu ? &*gpu_bias : given_bias ? &*given_bias : nullptr;
  HalideBuffer in_buf(input, 4);
  HalideBuffer w_buf(weight, 4);
  const WeightColumns columns = weight_columns(weight, gpu, &columns_copy);
  HalideBuffer wc_buf(columns.data, columns.shape.data(), columns.strides.data(), 2, 2);
  HalideBuffer out_buf(out, 4);
  // No bias: a stride-0 view of a single zero, so the kernel needs no branch.
  static const float kZero = 0.0f;
  const int64_t zero_stride = 0;
  HalideBuffer b_buf = bias != nullptr ? HalideBuffer(*bias, 1)
                                       : HalideBuffer(&kZero, &g.out_channels, &zero_stride, 1, 1);

  CallContext context;
  context.serial = serial;
  DeviceBuffers device(kernel, &context);
  if (gpu) {
    device.bind(in_buf, input.device(), true);
    device.bind(w_buf, weight.device(), true);
    device.bind(b_buf, bias != nullptr ? bias->device() : Device::kCPU, true);
    device.bind(out_buf, out.device(), false);
  }
  // Per axis: Halide lists x (W) first, the geometry (H, W).
  const convt_phase::PhaseConstants px = convt_phase::phase_constants(g.stride[1], g.dilation[1]);
  const convt_phase::PhaseConstants py = convt_phase::phase_constants(g.stride[0], g.dilation[0]);
  const int rc = kernel.fn_by_order.at(static_cast<size_t>(tile_order))(
      &context, &in_buf.buf, &w_buf.buf, &wc_buf.buf, &b_buf.buf, static_cast<int32_t>(g.stride[1]),
      static_cast<int32_t>(g.stride[0]), static_cast<int32_t>(g.padding[1]),
      static_cast<int32_t>(g.padding[0]), static_cast<int32_t>(g.dilation[1]),
      static_cast<int32_t>(g.dilation[0]), static_cast<int32_t>(px.gcd),
      static_cast<int32_t>(py.gcd), static_cast<int32_t>(px.inverse),
      static_cast<int32_t>(py.inverse), static_cast<int32_t>(g.groups), tile_order, &out_buf.buf);
  if (rc != 0) throw_kernel_error(kernel, context, rc, "");
  if (gpu) {
    // Host output: copy back. Device output: wait for the kernel, so the
    // call's result (and any launch error) is final when it returns.
    const int sync = out.device() == Device::kCPU ? halide_copy_to_host(&context, &out_buf.buf)
                                                  : halide_device_sync(&context, &out_buf.buf);
    if (sync != 0) device.fail(sync, "finishing on the device");
  }
}

}  // namespace convt::detail
