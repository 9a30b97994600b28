// Device memory for the CUDA tests and the tuner's trials, allocated through
// the Halide runtime that convt links (so they need no CUDA toolkit): an
// array of floats with a host copy, uploaded at construction and read back
// on request.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "HalideRuntime.h"
#include "HalideRuntimeCuda.h"

namespace convt_test {

class DeviceArray {
 public:
  explicit DeviceArray(std::vector<float> values) : host_(std::move(values)) {
    dim_.min = 0;
    dim_.extent = static_cast<int32_t>(host_.size());
    dim_.stride = 1;
    buf_.host = reinterpret_cast<uint8_t *>(host_.data());
    buf_.type = halide_type_t(halide_type_float, 32, 1);
    buf_.dimensions = 1;
    buf_.dim = &dim_;
    buf_.flags = halide_buffer_flag_host_dirty;
    ok_ = halide_copy_to_device(nullptr, &buf_, halide_cuda_device_interface()) == 0;
  }
  DeviceArray(const DeviceArray &) = delete;
  DeviceArray &operator=(const DeviceArray &) = delete;
  ~DeviceArray() { halide_device_free(nullptr, &buf_); }

  bool ok() const { return ok_; }
  float *data() { return reinterpret_cast<float *>(halide_cuda_get_device_ptr(nullptr, &buf_)); }

  // The device contents (convt wrote them behind Halide's back); empty if
  // the copy failed.
  std::vector<float> read() {
    buf_.flags = halide_buffer_flag_device_dirty;
    if (halide_copy_to_host(nullptr, &buf_) != 0) return {};
    return host_;
  }

 private:
  std::vector<float> host_;
  halide_dimension_t dim_{};
  halide_buffer_t buf_{};
  bool ok_ = false;
};

}  // namespace convt_test
