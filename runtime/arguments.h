// Argument validation for conv_transpose2d, in one place. Everything a call
// checks before a kernel runs is here; each failure throws TypeError or
// ValueError with a message naming the argument and its value.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "convt/conv_transpose2d.h"

namespace convt::detail {

// Resolved parameters of one call. Pairs are (H, W).
struct ConvGeometry {
  bool batched = true;
  int64_t batch = 0, in_channels = 0, in_height = 0, in_width = 0;
  int64_t out_channels = 0, kernel_height = 0, kernel_width = 0;
  int64_t out_height = 0, out_width = 0;
  int64_t groups = 1;
  std::array<int64_t, 2> stride{}, padding{}, output_padding{}, dilation{};

  Shape output_shape() const;  // unbatched calls drop N
  // (N, C_out, H_out, W_out), N 1 for unbatched calls: the output's sizes
  // without allocating (output_shape() is these, less N when unbatched).
  std::array<int64_t, 4> output_sizes() const {
    return {batch, out_channels, out_height, out_width};
  }
  // The true multiply-adds: every input pixel meets every tap once
  // (saturating at 2^63 - 1).
  int64_t multiply_adds() const;
  // One input and one output channel per group, in more than one group.
  bool depthwise() const { return groups > 1 && in_channels == groups && out_channels == groups; }
  // Taps x output channels per group: the columns of the columns order's
  // GEMM (the generator's columns_per_group).
  int64_t columns_per_group() const {
    return kernel_height * kernel_width * (out_channels / groups);
  }
};

// Shapes and parameters alone: everything conv_transpose2d_output_shape needs.
ConvGeometry resolve_geometry(const Shape &input_shape, const Shape &weight_shape,
                              const IntList &stride, const IntList &padding,
                              const IntList &output_padding, int64_t groups,
                              const IntList &dilation);

// The tensors themselves: dtypes, data pointers, bias shape, and the 32-bit
// indexing limits of the kernels.
void check_inputs(const ConvGeometry &g, const ConstTensorView &input,
                  const ConstTensorView &weight, const std::optional<ConstTensorView> &bias);

// How a kernel spends its multiply-adds along y: the CPU kernels skip the
// taps that read rows outside the input (but x tiles across rows); the GPU
// kernels compute every tap of a phase at every row.
enum class WorkForm { kInputRows, kEveryPhaseRow };

// Whether a kernel of `form` would spend at most what the work check
// allows on `g`.
bool work_within_bound(const ConvGeometry &g, WorkForm form);

// Whether the CPU kernels' zero-bordered copy of the input, `rows` rows
// high, stays within their 32-bit indexing.
bool input_copy_fits(const ConvGeometry &g, int64_t rows);

// Whether the x tiles' blocked copy of the input (input_x_blocks: for each
// tile of `x_columns` phase columns, the columns its taps read, the halo
// beyond the tile included) stays within 32-bit indexing and at most four
// times the tile's columns a block. A dilated kernel's halo can span
// thousands of columns; the x tile orders do not apply there.
bool x_blocks_fit(const ConvGeometry &g, int64_t x_columns);

// The work and workspace a call needs, from its geometry: refuses a layer
// whose kernels would spend far more than its true multiply-adds on the
// input's zero border (a dilated kernel reaching far beyond a small input),
// or whose zero-bordered input copy exceeds 32-bit indexing.
void check_work(const ConvGeometry &g, WorkForm form);

// The caller-provided output: shape, dtype, data, indexing limits, and no
// overlap with the inputs or with itself.
void check_output(const ConvGeometry &g, const TensorView &out, const ConstTensorView &input,
                  const ConstTensorView &weight, const std::optional<ConstTensorView> &bias);

}  // namespace convt::detail
