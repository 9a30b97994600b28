// Tensors as convt sees them: a shape and element strides over memory.
//   ConstTensorView  non-owning, read-only (inputs, weights, bias)
//   TensorView       non-owning, writable (outputs)
//   Tensor           owning, contiguous float32
// Views accept any strides (element units, may be negative or zero for
// inputs), so slices of larger buffers are passed without copying. A view
// also says where its memory is: host memory (Device::kCPU, the default) or
// CUDA device memory (Device::kCUDA, e.g. a cudaMalloc pointer), which a
// CUDA build reads and writes in place.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace convt {

using Shape = std::vector<int64_t>;

// Element types a view can describe. Kernels compute in float32; other types
// are rejected with TypeError rather than reinterpreted.
enum class DType { kFloat32, kFloat64, kFloat16, kBFloat16, kInt32, kInt64 };
const char *dtype_name(DType dtype);

// Where a view's memory lives.
enum class Device { kCPU, kCUDA };
const char *device_name(Device device);  // "cpu", "cuda"

// Row-major (C-contiguous) strides for `shape`; ValueError when they
// overflow int64.
Shape contiguous_strides(const Shape &shape);

class Tensor;

class TensorView {
 public:
  TensorView(float *data, const Shape &shape);
  TensorView(float *data, Shape shape, Shape strides);
  TensorView(void *data, DType dtype, Shape shape, Shape strides, Device device = Device::kCPU);
  TensorView(float *data, const Shape &shape, Device device);  // contiguous
  TensorView(Tensor &tensor);  // NOLINT(google-explicit-constructor): views convert implicitly

  void *data() const { return data_; }
  DType dtype() const { return dtype_; }
  Device device() const { return device_; }
  const Shape &shape() const { return shape_; }
  const Shape &strides() const { return strides_; }
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  int64_t numel() const;  // ValueError when the count overflows int64

 private:
  void *data_;
  DType dtype_;
  Device device_;
  Shape shape_;
  Shape strides_;
};

class ConstTensorView {
 public:
  ConstTensorView(const float *data, const Shape &shape);
  ConstTensorView(const float *data, Shape shape, Shape strides);
  ConstTensorView(const void *data, DType dtype, Shape shape, Shape strides,
                  Device device = Device::kCPU);
  ConstTensorView(const float *data, const Shape &shape, Device device);  // contiguous
  ConstTensorView(const TensorView &view);  // NOLINT(google-explicit-constructor)
  ConstTensorView(const Tensor &tensor);    // NOLINT(google-explicit-constructor)

  const void *data() const { return data_; }
  DType dtype() const { return dtype_; }
  Device device() const { return device_; }
  const Shape &shape() const { return shape_; }
  const Shape &strides() const { return strides_; }
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  int64_t numel() const;  // ValueError when the count overflows int64

 private:
  const void *data_;
  DType dtype_;
  Device device_;
  Shape shape_;
  Shape strides_;
};

class Tensor {
 public:
  Tensor() = default;
  // Zero-filled contiguous float32 tensor; ValueError for a negative size
  // or an element count that no vector can hold.
  explicit Tensor(Shape shape);
  static Tensor full(Shape shape, float value);

  float *data() { return values_.data(); }
  const float *data() const { return values_.data(); }
  const Shape &shape() const { return shape_; }
  Shape strides() const { return contiguous_strides(shape_); }
  int64_t dim() const { return static_cast<int64_t>(shape_.size()); }
  int64_t numel() const { return static_cast<int64_t>(values_.size()); }

  // Element at a full index, e.g. t.at({0, 1, 18, 18}); throws ValueError when
  // the index has the wrong rank or is out of range.
  float &at(const Shape &index);
  float at(const Shape &index) const;

 private:
  int64_t offset(const Shape &index) const;

  Shape shape_;
  std::vector<float> values_;
};

// "(1, 3, 36, 36)": shapes print the way the reference API prints them.
std::string shape_to_string(const Shape &shape);

}  // namespace convt
