// Independent float64 reference for conv_transpose2d, written from the
// scatter definition (every input pixel adds weight-scaled copies of itself
// into the output), so it shares no logic with the kernels' gather form.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace convt_test {

struct RefParams {
  int64_t n = 1, c_in = 1, h_in = 1, w_in = 1;
  int64_t c_out = 1, kh = 1, kw = 1;
  std::array<int64_t, 2> stride{1, 1}, padding{0, 0}, output_padding{0, 0}, dilation{1, 1};
  int64_t groups = 1;

  int64_t h_out() const;
  int64_t w_out() const;
};

// input: contiguous (n, c_in, h_in, w_in); weight: contiguous
// (c_in, c_out / groups, kh, kw); bias: empty or c_out values.
// Returns contiguous (n, c_out, h_out, w_out).
std::vector<double> reference_conv_transpose2d(const RefParams &p, const std::vector<float> &input,
                                               const std::vector<float> &weight,
                                               const std::vector<float> &bias);

}  // namespace convt_test
