#include "arguments.h"

#include <algorithm>
#include <cstddef>
#include <limits>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "checked_math.h"
#include "convt/errors.h"

namespace convt::detail {

namespace {

constexpr const char *kPrefix = "conv_transpose2d(): ";
// Halide kernels index with int32: extents, strides and each tensor's span in
// bytes must stay below 2^31.
constexpr int64_t kMaxIndex = std::numeric_limits<int32_t>::max();
// The kernels' declared parameter ranges (generators/conv_transpose2d_generator.cpp):
// they keep the phase arithmetic inside int32.
constexpr int64_t kMaxStrideOrDilation = int64_t{1} << 20;
constexpr int64_t kMaxPaddingOrGroups = int64_t{1} << 28;
// A phase's input index subtracts up to dilation * (kernel size - 1).
constexpr int64_t kMaxKernelReach = int64_t{1} << 30;
// Extra multiply-adds the kernels may spend on the zero border beyond the
// layer's true count: 16 times that count, plus 2^30 (a second's work or
// less) for any layer. Real layers stay near 1x; only a kernel whose
// dilated reach dwarfs the input comes near.
constexpr int64_t kMaxWorkFactor = 16;
constexpr int64_t kWorkAllowance = int64_t{1} << 30;
// Columns a CPU x tile may compute past a phase row's end (knobs allow up
// to 8 vectors of 16 lanes): the zero-bordered copy covers them.
constexpr int64_t kMaxTileColumns = 256;

std::string pair_to_string(const std::array<int64_t, 2> &p) {
  return "(" + std::to_string(p[0]) + ", " + std::to_string(p[1]) + ")";
}

std::string list_to_string(const IntList &v) {
  if (v.is_scalar()) return std::to_string(v.values()[0]);
  std::ostringstream s;
  s << "[";
  for (size_t i = 0; i < v.values().size(); ++i) s << (i > 0 ? ", " : "") << v.values()[i];
  s << "]";
  return s.str();
}

template <typename Error>
[[noreturn]] void fail(const std::string &message) {
  throw Error(kPrefix + message);
}

// An int or a pair, as MindSpore accepts them; `length_error_is_value` picks
// the error type for a list of the wrong length (ValueError for padding).
std::array<int64_t, 2> to_pair(const char *name, const IntList &v, bool length_error_is_value) {
  const auto &values = v.values();
  if (v.is_scalar()) return {values[0], values[0]};
  if (values.size() == 2) return {values[0], values[1]};
  const std::string msg = std::string(name) + " must be an int or a pair of ints, got " +
                          list_to_string(v) + " with " + std::to_string(values.size()) + " values";
  if (length_error_is_value) fail<ValueError>(msg);
  fail<TypeError>(msg);
}

void check_at_least(const char *name, const std::array<int64_t, 2> &p, int64_t lowest) {
  if (p[0] < lowest || p[1] < lowest) {
    fail<ValueError>(std::string(name) + " " + pair_to_string(p) +
                     " must be >= " + std::to_string(lowest));
  }
}

void check_at_most(const char *name, const std::array<int64_t, 2> &p, int64_t highest) {
  if (p[0] > highest || p[1] > highest) {
    fail<ValueError>(std::string(name) + " " + pair_to_string(p) +
                     " must be <= " + std::to_string(highest));
  }
}

void check_rank(const char *name, const Shape &shape, int64_t lo, int64_t hi) {
  const auto rank = static_cast<int64_t>(shape.size());
  if (rank < lo || rank > hi) {
    const std::string want = lo == hi ? std::to_string(lo) + "-D"
                                      : std::to_string(lo) + "-D or " + std::to_string(hi) + "-D";
    fail<ValueError>(std::string(name) + " must be " + want + ", got " + std::to_string(rank) +
                     "-D shape " + shape_to_string(shape));
  }
  for (int64_t e : shape) {
    if (e < 0) {
      fail<ValueError>(std::string(name) + " shape " + shape_to_string(shape) +
                       " has a negative size");
    }
    if (e > kMaxIndex) {
      fail<ValueError>(std::string(name) + " shape " + shape_to_string(shape) + " has a size " +
                       std::to_string(e) +
                       " beyond the kernels' 32-bit indexing (at most 2^31 - 1)");
    }
  }
}

size_t dtype_size(DType t) {
  switch (t) {
    case DType::kFloat16:
    case DType::kBFloat16:
      return 2;
    case DType::kFloat32:
    case DType::kInt32:
      return 4;
    case DType::kFloat64:
    case DType::kInt64:
      return 8;
  }
  return 4;
}

// Byte range [lo, hi) a view touches; empty when any extent is 0.
struct Span {
  intptr_t lo = 0;
  intptr_t hi = 0;
  bool empty() const { return hi <= lo; }
};

Span memory_span(const void *data, DType dtype, const Shape &shape, const Shape &strides) {
  Span s;
  const auto elem = static_cast<intptr_t>(dtype_size(dtype));
  intptr_t lo = 0;
  intptr_t hi = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] == 0) return s;
    const intptr_t reach = static_cast<intptr_t>(shape[d] - 1) * strides[d] * elem;
    (reach < 0 ? lo : hi) += reach;
  }
  const auto base = reinterpret_cast<intptr_t>(data);
  s.lo = base + lo;
  s.hi = base + hi + elem;
  return s;
}

// Strides, data and the kernels' 32-bit limits for one tensor.
void check_view(const char *name, const void *data, DType dtype, const Shape &shape,
                const Shape &strides) {
  if (strides.size() != shape.size()) {
    fail<ValueError>(std::string(name) + " has " + std::to_string(strides.size()) +
                     " strides for shape " + shape_to_string(shape));
  }
  int64_t span = 1;  // in elements
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] > kMaxIndex || strides[d] > kMaxIndex || strides[d] < -kMaxIndex) {
      fail<ValueError>(std::string(name) + " shape " + shape_to_string(shape) + " with strides " +
                       shape_to_string(strides) +
                       " exceeds the kernels' 32-bit indexing (each size and stride must be "
                       "below 2^31)");
    }
    // Each term is below 2^62 and the sum stops growing past 2^31.
    if (shape[d] > 0) span += (shape[d] - 1) * (strides[d] < 0 ? -strides[d] : strides[d]);
    span = std::min(span, kMaxIndex + 1);
  }
  const int64_t numel = saturating_numel(shape);
  const auto item = static_cast<int64_t>(dtype_size(dtype));
  if (numel > 0 && span * item > kMaxIndex) {
    fail<ValueError>(std::string(name) + " shape " + shape_to_string(shape) + " with strides " +
                     shape_to_string(strides) +
                     " spans more than 2^31 bytes, beyond the kernels' 32-bit indexing");
  }
  // Zero or overlapping strides can view many elements in a short span; GPU
  // calls copy such views densely, and the kernels count elements in int32.
  if (saturating_mul(numel, item) > kMaxIndex) {
    fail<ValueError>(std::string(name) + " shape " + shape_to_string(shape) + " has " +
                     (numel == kSaturated ? std::string("more than 2^63") : std::to_string(numel)) +
                     " elements, more than 2^31 bytes: beyond the kernels' 32-bit indexing");
  }
  if (numel > 0 && data == nullptr) {
    fail<ValueError>(std::string(name) + " data is null but its shape " + shape_to_string(shape) +
                     " has " + std::to_string(numel) + " elements");
  }
}

void check_dtype(const char *name, DType dtype) {
  if (dtype != DType::kFloat32) {
    fail<TypeError>(std::string(name) + " dtype " + dtype_name(dtype) +
                    " is not supported: convt computes float32");
  }
}

// All tensors of a call live on one device (the input's).
void check_same_device(const char *name, Device device, Device input_device) {
  if (device != input_device) {
    fail<ValueError>(std::string(name) + " is on " + device_name(device) + " but input is on " +
                     device_name(input_device) + "; all tensors must be on one device");
  }
}

}  // namespace

Shape ConvGeometry::output_shape() const {
  const std::array<int64_t, 4> sizes = output_sizes();
  return {sizes.begin() + (batched ? 0 : 1), sizes.end()};
}

int64_t ConvGeometry::multiply_adds() const {
  const int64_t per_pair =
      saturating_mul(batch, saturating_mul(out_channels, in_channels / groups));
  return saturating_mul(per_pair, saturating_mul(saturating_mul(in_width, kernel_width),
                                                 saturating_mul(in_height, kernel_height)));
}

ConvGeometry resolve_geometry(const Shape &input_shape, const Shape &weight_shape,
                              const IntList &stride, const IntList &padding,
                              const IntList &output_padding, int64_t groups,
                              const IntList &dilation) {
  ConvGeometry g;
  g.stride = to_pair("stride", stride, false);
  g.padding = to_pair("padding", padding, true);
  g.output_padding = to_pair("output_padding", output_padding, false);
  g.dilation = to_pair("dilation", dilation, false);
  check_at_least("stride", g.stride, 1);
  check_at_least("dilation", g.dilation, 1);
  check_at_least("padding", g.padding, 0);
  check_at_least("output_padding", g.output_padding, 0);
  for (int a = 0; a < 2; ++a) {
    if (g.output_padding[a] >= g.stride[a] && g.output_padding[a] >= g.dilation[a]) {
      fail<ValueError>("output_padding " + pair_to_string(g.output_padding) +
                       " must be smaller than stride " + pair_to_string(g.stride) +
                       " or dilation " + pair_to_string(g.dilation));
    }
  }
  check_at_most("stride", g.stride, kMaxStrideOrDilation);
  check_at_most("dilation", g.dilation, kMaxStrideOrDilation);
  check_at_most("padding", g.padding, kMaxPaddingOrGroups);
  if (groups < 1 || groups > kMaxPaddingOrGroups) {
    fail<ValueError>("groups " + std::to_string(groups) + " must be in [1, " +
                     std::to_string(kMaxPaddingOrGroups) + "]");
  }
  g.groups = groups;

  check_rank("input", input_shape, 3, 4);
  check_rank("weight", weight_shape, 4, 4);
  g.batched = input_shape.size() == 4;
  const size_t o = g.batched ? 1 : 0;
  g.batch = g.batched ? input_shape[0] : 1;
  g.in_channels = input_shape[o];
  g.in_height = input_shape[o + 1];
  g.in_width = input_shape[o + 2];
  for (size_t d = o; d < input_shape.size(); ++d) {
    if (input_shape[d] == 0) {
      fail<ValueError>("input shape " + shape_to_string(input_shape) +
                       " has a zero-sized channel or spatial dimension (only the batch may be 0)");
    }
  }
  for (int64_t e : weight_shape) {
    if (e == 0) {
      fail<ValueError>("weight shape " + shape_to_string(weight_shape) +
                       " has a zero-sized dimension");
    }
  }
  if (weight_shape[0] != g.in_channels) {
    fail<ValueError>("weight shape " + shape_to_string(weight_shape) + " dim 0 (" +
                     std::to_string(weight_shape[0]) + ") must equal the input channels " +
                     std::to_string(g.in_channels) + " of input shape " +
                     shape_to_string(input_shape));
  }
  if (g.in_channels % groups != 0) {
    fail<ValueError>("groups " + std::to_string(groups) + " must divide the input channels " +
                     std::to_string(g.in_channels));
  }
  g.out_channels = weight_shape[1] * groups;  // below 2^59: no overflow
  if (g.out_channels > kMaxIndex) {
    fail<ValueError>("output channels " + std::to_string(g.out_channels) + " (weight shape " +
                     shape_to_string(weight_shape) + " dim 1 times groups " +
                     std::to_string(groups) +
                     ") exceed the kernels' 32-bit indexing (at most 2^31 - 1)");
  }
  g.kernel_height = weight_shape[2];
  g.kernel_width = weight_shape[3];
  const std::array<int64_t, 2> reach{g.dilation[0] * (g.kernel_height - 1),
                                     g.dilation[1] * (g.kernel_width - 1)};  // below 2^51
  if (reach[0] > kMaxKernelReach || reach[1] > kMaxKernelReach) {
    fail<ValueError>("dilation " + pair_to_string(g.dilation) + " times kernel size - 1 (" +
                     std::to_string(g.kernel_height - 1) + ", " +
                     std::to_string(g.kernel_width - 1) + ") is " + pair_to_string(reach) +
                     ", beyond the kernels' int32 phase arithmetic (at most 2^30)");
  }

  const std::array<int64_t, 2> in_size{g.in_height, g.in_width};
  const std::array<int64_t, 2> kernel{g.kernel_height, g.kernel_width};
  std::array<int64_t, 2> out{};
  for (int a = 0; a < 2; ++a) {  // each term below 2^52: no overflow
    out[a] = (in_size[a] - 1) * g.stride[a] - 2 * g.padding[a] + reach[a] + g.output_padding[a] + 1;
  }
  if (out[0] < 1 || out[1] < 1) {
    fail<ValueError>("output size " + pair_to_string(out) + " must be at least (1, 1); input " +
                     pair_to_string(in_size) + ", kernel " + pair_to_string(kernel) + ", stride " +
                     pair_to_string(g.stride) + ", padding " + pair_to_string(g.padding) +
                     ", output_padding " + pair_to_string(g.output_padding) + ", dilation " +
                     pair_to_string(g.dilation));
  }
  if (out[0] > kMaxIndex || out[1] > kMaxIndex) {
    fail<ValueError>("output size " + pair_to_string(out) +
                     " exceeds the kernels' 32-bit indexing");
  }
  g.out_height = out[0];
  g.out_width = out[1];
  const int64_t elements = saturating_product(g.output_sizes());
  if (saturating_mul(elements, 4) > kMaxIndex) {
    fail<ValueError>(
        "output shape " + shape_to_string(g.output_shape()) + " has " +
        (elements == kSaturated ? std::string("more than 2^63") : std::to_string(elements)) +
        " elements, more than 2^31 bytes of float32: beyond the kernels' 32-bit "
        "indexing");
  }
  return g;
}

void check_inputs(const ConvGeometry &g, const ConstTensorView &input,
                  const ConstTensorView &weight, const std::optional<ConstTensorView> &bias) {
  check_dtype("input", input.dtype());
  if (weight.dtype() != input.dtype()) {
    fail<TypeError>(std::string("weight dtype ") + dtype_name(weight.dtype()) +
                    " does not match input dtype " + dtype_name(input.dtype()));
  }
  check_view("input", input.data(), input.dtype(), input.shape(), input.strides());
  check_view("weight", weight.data(), weight.dtype(), weight.shape(), weight.strides());
  check_same_device("weight", weight.device(), input.device());
  if (bias) check_same_device("bias", bias->device(), input.device());
  if (bias) {
    if (bias->dtype() != input.dtype()) {
      fail<TypeError>(std::string("bias dtype ") + dtype_name(bias->dtype()) +
                      " does not match input dtype " + dtype_name(input.dtype()));
    }
    if (bias->dim() != 1 || bias->shape()[0] != g.out_channels) {
      fail<ValueError>("bias shape " + shape_to_string(bias->shape()) + " must be (C_out,) = (" +
                       std::to_string(g.out_channels) + ",)");
    }
    check_view("bias", bias->data(), bias->dtype(), bias->shape(), bias->strides());
  }
}

namespace {

// Multiply-adds one axis contributes to the kernels' work, per (input
// channel, output channel, image) and before the other axis: every tap
// of a phase at every column of its output (ceil(W_out / s) x k), the
// zero border included. Kernels of the every-phase-row form do the same
// along y; the others skip rows outside the input there (H_in x k, the
// true count).
int64_t axis_work(int64_t out, int64_t stride, int64_t kernel) {
  return saturating_mul((out + stride - 1) / stride, kernel);
}

int64_t kernel_work(const ConvGeometry &g, WorkForm form) {
  const int64_t per_pair =
      saturating_mul(g.batch, saturating_mul(g.out_channels, g.in_channels / g.groups));
  const int64_t work_x = axis_work(g.out_width, g.stride[1], g.kernel_width);
  const int64_t work_y = form == WorkForm::kEveryPhaseRow
                             ? axis_work(g.out_height, g.stride[0], g.kernel_height)
                             : g.in_height * g.kernel_height;
  return saturating_mul(per_pair, saturating_mul(work_x, work_y));
}

int64_t work_bound(const ConvGeometry &g) {
  return saturating_add(saturating_mul(kMaxWorkFactor, g.multiply_adds()), kWorkAllowance);
}

// The CPU kernels read the input through a zero-bordered float32 copy:
// `rows` rows (the input's, or as far as the taps of x tiles across rows
// reach), and the columns that the phases' taps and x tiles reach (at most
// ceil(W_out / s) + 2 (k - 1) d / s + 3 + a tile).
int64_t input_copy_elements(const ConvGeometry &g, int64_t rows) {
  const int64_t columns = (g.out_width + g.stride[1] - 1) / g.stride[1] +
                          2 * g.dilation[1] * (g.kernel_width - 1) / g.stride[1] + 3 +
                          kMaxTileColumns;
  return saturating_mul(saturating_mul(g.batch, g.in_channels), saturating_mul(rows, columns));
}

// Columns beyond an x tile that its taps read, at any phase and tap: at
// most (k - 1) d / s along the taps of a phase plus d across the phases,
// plus rounding (generators/conv_transpose2d_algorithm.cpp, input_x_blocks).
int64_t x_halo_columns(const ConvGeometry &g) {
  return saturating_add(saturating_mul(g.kernel_width - 1, g.dilation[1]) / g.stride[1],
                        saturating_add(g.dilation[1], 3));
}

}  // namespace

bool input_copy_fits(const ConvGeometry &g, int64_t rows) {
  return saturating_mul(input_copy_elements(g, rows), 4) <= kMaxIndex;
}

bool x_blocks_fit(const ConvGeometry &g, int64_t x_columns) {
  const int64_t halo = x_halo_columns(g);
  if (x_columns <= 0 || halo > 3 * x_columns) return false;
  const int64_t phase_columns = (g.out_width + g.stride[1] - 1) / g.stride[1];
  const int64_t blocks = (phase_columns + x_columns - 1) / x_columns;
  const int64_t elements =
      saturating_numel({g.batch, g.in_channels, g.in_height, blocks, x_columns + halo});
  return saturating_mul(elements, 4) <= kMaxIndex;
}

bool work_within_bound(const ConvGeometry &g, WorkForm form) {
  return kernel_work(g, form) <= work_bound(g);
}

void check_work(const ConvGeometry &g, WorkForm form) {
  const int64_t true_work = g.multiply_adds();
  const int64_t work = kernel_work(g, form);
  if (work > work_bound(g)) {
    fail<ValueError>("kernel " + pair_to_string({g.kernel_height, g.kernel_width}) +
                     " with dilation " + pair_to_string(g.dilation) +
                     " reaches far beyond the input " + pair_to_string({g.in_height, g.in_width}) +
                     " at stride " + pair_to_string(g.stride) + ": the kernels would spend " +
                     (work == kSaturated ? std::string("more than 2^63") : std::to_string(work)) +
                     " multiply-adds, mostly on the zero border, for " + std::to_string(true_work) +
                     " true ones; convt refuses more than 16 times the true count plus 2^30");
  }
  if (form == WorkForm::kInputRows && !input_copy_fits(g, g.in_height)) {
    fail<ValueError>("input " + pair_to_string({g.in_height, g.in_width}) + " with " +
                     std::to_string(g.batch * g.in_channels) +
                     " planes, kernel, stride and dilation needs a zero-bordered copy of " +
                     std::to_string(input_copy_elements(g, g.in_height)) +
                     " float32 values, more than 2^31 bytes: beyond the kernels' 32-bit "
                     "indexing");
  }
}

void check_output(const ConvGeometry &g, const TensorView &out, const ConstTensorView &input,
                  const ConstTensorView &weight, const std::optional<ConstTensorView> &bias) {
  // (Compared in place: a call's checks allocate nothing.)
  const std::array<int64_t, 4> want = g.output_sizes();
  const auto *const first = want.begin() + (g.batched ? 0 : 1);  // unbatched: (C, H, W)
  const Shape &shape = out.shape();
  if (shape.size() != static_cast<size_t>(want.end() - first) ||
      !std::equal(shape.begin(), shape.end(), first)) {
    fail<ValueError>("out shape " + shape_to_string(shape) + " must be " +
                     shape_to_string(g.output_shape()));
  }
  check_dtype("out", out.dtype());
  check_view("out", out.data(), out.dtype(), out.shape(), out.strides());
  check_same_device("out", out.device(), input.device());
  if (out.device() == Device::kCUDA && out.strides().back() != 1 && out.shape().back() != 1) {
    fail<ValueError>("out: a CUDA output needs unit stride along W (got " +
                     std::to_string(out.strides().back()) + ")");
  }

  // Distinct elements must not share memory: sorted by stride, each stride
  // must step past everything the smaller ones reach.
  std::array<std::pair<int64_t, int64_t>, 4> dims{};  // (|stride|, extent)
  size_t count = 0;
  for (size_t d = 0; d < shape.size(); ++d) {
    const int64_t stride = out.strides()[d];
    if (shape[d] > 1) dims.at(count++) = {stride < 0 ? -stride : stride, shape[d]};
  }
  std::sort(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(count));
  int64_t reach = 0;
  for (size_t d = 0; d < count; ++d) {
    const auto &[stride, extent] = dims.at(d);
    if (stride <= reach) {
      fail<ValueError>("out strides " + shape_to_string(out.strides()) + " for shape " +
                       shape_to_string(shape) + " make distinct elements overlap");
    }
    reach += (extent - 1) * stride;
  }

  const Span o = memory_span(out.data(), out.dtype(), out.shape(), out.strides());
  auto check_disjoint = [&](const char *name, const ConstTensorView &v) {
    const Span s = memory_span(v.data(), v.dtype(), v.shape(), v.strides());
    if (!o.empty() && !s.empty() && o.lo < s.hi && s.lo < o.hi) {
      fail<ValueError>(std::string("out overlaps ") + name + " in memory");
    }
  };
  check_disjoint("input", input);
  check_disjoint("weight", weight);
  if (bias) check_disjoint("bias", *bias);
}

}  // namespace convt::detail
