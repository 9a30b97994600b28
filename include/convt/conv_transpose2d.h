// conv_transpose2d with the semantics of MindSpore
// mint.nn.functional.conv_transpose2d (and PyTorch's conv_transpose2d).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "convt/tensor.h"

namespace convt {

// An int (used for both axes) or a pair (H, W). Checked when the call runs: a
// list of any other length is a TypeError (ValueError for padding), as in
// MindSpore.
class IntList {
 public:
  // Implicit on purpose: stride = 2 and stride = {2, 1} read like the page.
  // NOLINTNEXTLINE(google-explicit-constructor)
  IntList(int64_t value) : values_{value}, is_scalar_(true) {}
  IntList(std::initializer_list<int64_t> values) : values_(values) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  IntList(std::vector<int64_t> values) : values_(std::move(values)) {}

  const std::vector<int64_t> &values() const { return values_; }
  bool is_scalar() const { return is_scalar_; }

 private:
  std::vector<int64_t> values_;
  bool is_scalar_ = false;
};

// input:  (N, C_in, H_in, W_in), or (C_in, H_in, W_in) for an unbatched call
// weight: (C_in, C_out / groups, kH, kW)
// bias:   (C_out,), or none for zeros
// Returns (N, C_out, H_out, W_out), or (C_out, H_out, W_out) when unbatched.
// Throws TypeError / ValueError for bad arguments (the message names the
// argument and its value) and RuntimeError when a kernel fails.
Tensor conv_transpose2d(const ConstTensorView &input, const ConstTensorView &weight,
                        const std::optional<ConstTensorView> &bias = std::nullopt,
                        const IntList &stride = 1, const IntList &padding = 0,
                        const IntList &output_padding = 0, int64_t groups = 1,
                        const IntList &dilation = 1);

// Same, writing into `out`, which must have exactly the output shape. Any
// strides work; when the W axis is not unit-stride the result is computed in a
// temporary and copied into `out`. `out` must not overlap the inputs.
void conv_transpose2d_out(const TensorView &out, const ConstTensorView &input,
                          const ConstTensorView &weight,
                          const std::optional<ConstTensorView> &bias = std::nullopt,
                          const IntList &stride = 1, const IntList &padding = 0,
                          const IntList &output_padding = 0, int64_t groups = 1,
                          const IntList &dilation = 1);

// The output shape conv_transpose2d would return for these shapes and
// parameters; throws as conv_transpose2d does for invalid ones.
Shape conv_transpose2d_output_shape(const Shape &input_shape, const Shape &weight_shape,
                                    const IntList &stride = 1, const IntList &padding = 0,
                                    const IntList &output_padding = 0, int64_t groups = 1,
                                    const IntList &dilation = 1);

// Frees the scratch memory kept between calls. The kernels keep their
// workspace (a zero-bordered float32 copy of the input; up to 256 MiB in all)
// for reuse, because allocating it fresh each call costs page faults.
void release_workspace();

// How a call picks among the CPU kernels' equivalent ways of running a
// shape: the kernel flavour (AVX-512 or AVX2 on x86), the evaluation order
// (tile order), and for grouped layers one call per group or one in all.
// - kRules (the default): rules on the shape and the kernels' tile
//   widths (runtime/plan.cpp), at no cost per call.
// - kMeasure: the first call of each new geometry (shapes and parameters)
//   times every candidate and keeps the fastest for the rest of the process,
//   like cuDNN's benchmark mode. That first call runs each of the 10 to 40
//   candidates (tile orders, per group or not, on the thread pool or
//   serially) at least 3 times and for 2 ms in all (once, for a candidate
//   twice as slow as the best so far; serial ones only where the best on the
//   pool takes under 1 ms), then the four fastest within 1.5x of the best
//   5 more times each, in alternating rounds, and keeps the lowest median.
//   The candidates of one kernel flavour give the same bits
//   (the test suites check it); where the choice is between AVX-512 and
//   AVX2, results may differ in the last bits between processes (within
//   1e-5 of the float64 reference, like the flavours themselves).
// CONVT_PLAN=measure in the environment starts the process in kMeasure
// (=rules, or unset, in kRules).
// set_planning also forgets every measured choice. GPU calls are not
// affected.
enum class Planning { kRules, kMeasure };
void set_planning(Planning planning);

// The CPU kernel flavour calls run on this machine: "x86-avx512",
// "x86-avx2" or "x86-sse41" in an x86 build (chosen from the CPU's features;
// CONVT_MAX_CPU_ISA=avx2 or =sse41 caps it), "arm-neon" in an AArch64 build.
// (With AVX-512, layers with narrow phase rows and few channels run on the
// AVX2 flavour, which is faster for them.)
const char *cpu_kernel_name();

// Whether calls on Device::kCUDA tensors can run: this build has the CUDA
// backend, the driver loads and reports a device. If not, and `reason` is
// given, it says why. (Such calls throw RuntimeError with the same reason.)
bool cuda_available(std::string *reason = nullptr);

}  // namespace convt
