#include "convt/tensor.h"

#include <cstddef>
#include <sstream>
#include <utility>

#include "checked_math.h"
#include "convt/errors.h"

namespace convt {

namespace {

// The element count, or ValueError naming `what` when it does not fit in
// int64 (negative sizes count as 0 here: validation reports them).
int64_t product(const Shape &shape, const char *what) {
  Shape sizes = shape;
  for (int64_t &e : sizes) e = e < 0 ? 0 : e;
  const int64_t n = detail::saturating_numel(sizes);
  if (n == detail::kSaturated) {
    throw ValueError(std::string(what) + ": shape " + shape_to_string(shape) +
                     " has more elements than int64 counts");
  }
  return n;
}

}  // namespace

const char *dtype_name(DType dtype) {
  switch (dtype) {
    case DType::kFloat32:
      return "float32";
    case DType::kFloat64:
      return "float64";
    case DType::kFloat16:
      return "float16";
    case DType::kBFloat16:
      return "bfloat16";
    case DType::kInt32:
      return "int32";
    case DType::kInt64:
      return "int64";
  }
  return "unknown";
}

Shape contiguous_strides(const Shape &shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = s;
    // Past the outermost dimension the running product is never used.
    if (d > 0) s = detail::saturating_mul(s, shape[d] > 0 ? shape[d] : 1);
    if (s == detail::kSaturated) {
      throw ValueError("contiguous_strides(): shape " + shape_to_string(shape) +
                       " has strides beyond int64");
    }
  }
  return strides;
}

std::string shape_to_string(const Shape &shape) {
  std::ostringstream s;
  s << "(";
  for (size_t i = 0; i < shape.size(); ++i) s << (i > 0 ? ", " : "") << shape[i];
  if (shape.size() == 1) s << ",";
  s << ")";
  return s.str();
}

const char *device_name(Device device) { return device == Device::kCUDA ? "cuda" : "cpu"; }

TensorView::TensorView(float *data, const Shape &shape)
    : TensorView(data, DType::kFloat32, shape, contiguous_strides(shape)) {}

TensorView::TensorView(float *data, Shape shape, Shape strides)
    : TensorView(data, DType::kFloat32, std::move(shape), std::move(strides)) {}

TensorView::TensorView(void *data, DType dtype, Shape shape, Shape strides, Device device)
    : data_(data),
      dtype_(dtype),
      device_(device),
      shape_(std::move(shape)),
      strides_(std::move(strides)) {}

TensorView::TensorView(float *data, const Shape &shape, Device device)
    : TensorView(data, DType::kFloat32, shape, contiguous_strides(shape), device) {}

TensorView::TensorView(Tensor &tensor)
    : TensorView(tensor.data(), tensor.shape(), tensor.strides()) {}

int64_t TensorView::numel() const { return product(shape_, "TensorView::numel()"); }

ConstTensorView::ConstTensorView(const float *data, const Shape &shape)
    : ConstTensorView(data, DType::kFloat32, shape, contiguous_strides(shape)) {}

ConstTensorView::ConstTensorView(const float *data, Shape shape, Shape strides)
    : ConstTensorView(data, DType::kFloat32, std::move(shape), std::move(strides)) {}

ConstTensorView::ConstTensorView(const void *data, DType dtype, Shape shape, Shape strides,
                                 Device device)
    : data_(data),
      dtype_(dtype),
      device_(device),
      shape_(std::move(shape)),
      strides_(std::move(strides)) {}

ConstTensorView::ConstTensorView(const float *data, const Shape &shape, Device device)
    : ConstTensorView(data, DType::kFloat32, shape, contiguous_strides(shape), device) {}

ConstTensorView::ConstTensorView(const TensorView &view)
    : ConstTensorView(view.data(), view.dtype(), view.shape(), view.strides(), view.device()) {}

ConstTensorView::ConstTensorView(const Tensor &tensor)
    : ConstTensorView(tensor.data(), tensor.shape(), tensor.strides()) {}

int64_t ConstTensorView::numel() const { return product(shape_, "ConstTensorView::numel()"); }

Tensor::Tensor(Shape shape) : shape_(std::move(shape)) {
  for (int64_t e : shape_) {
    if (e < 0)
      throw ValueError("Tensor(): shape " + shape_to_string(shape_) + " has a negative size");
  }
  const int64_t n = product(shape_, "Tensor()");
  if (static_cast<uint64_t>(n) > values_.max_size()) {
    throw ValueError("Tensor(): shape " + shape_to_string(shape_) + " has " + std::to_string(n) +
                     " elements, more than a float vector can hold");
  }
  values_.assign(static_cast<size_t>(n), 0.0f);
}

Tensor Tensor::full(Shape shape, float value) {
  Tensor t(std::move(shape));
  for (float &v : t.values_) v = value;
  return t;
}

int64_t Tensor::offset(const Shape &index) const {
  if (index.size() != shape_.size()) {
    throw ValueError("Tensor::at(): index " + shape_to_string(index) + " has rank " +
                     std::to_string(index.size()) + ", tensor shape is " + shape_to_string(shape_));
  }
  int64_t off = 0;
  for (size_t d = 0; d < index.size(); ++d) {
    if (index[d] < 0 || index[d] >= shape_[d]) {
      throw ValueError("Tensor::at(): index " + shape_to_string(index) +
                       " is out of range for shape " + shape_to_string(shape_));
    }
    off = off * shape_[d] + index[d];
  }
  return off;
}

float &Tensor::at(const Shape &index) { return values_[static_cast<size_t>(offset(index))]; }

float Tensor::at(const Shape &index) const { return values_[static_cast<size_t>(offset(index))]; }

}  // namespace convt
