// One conv_transpose2d test case: parameters, how the tensors are laid out in
// memory, and a runner that checks convt against the float64 reference.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "reference.h"

namespace convt_test {

enum class Layout {
  kContiguous,    // plain NCHW
  kSliced,        // every tensor a window into a larger buffer; out via _out
  kChannelsLast,  // input stored NHWC, weight with permuted strides
  kStridedOut,    // _out into a view whose W axis is not unit-stride
};

struct ConvCase {
  RefParams p;
  bool bias = true;
  bool batched = true;
  Layout layout = Layout::kContiguous;
  uint32_t seed = 1;

  std::string name() const;
};

// GoogleTest prints cases by name (not as raw bytes).
inline void PrintTo(const ConvCase &c, std::ostream *os) { *os << c.name(); }

// Runs the case through convt and returns the normwise relative error against
// the reference; records a gtest failure if shapes disagree.
double run_conv_case(const ConvCase &c);

// The case's convt output in row-major order (the same tensors every time:
// they come from the case's seed).
std::vector<float> convt_output(const ConvCase &c);

// One layer per CPU evaluation order (x tiles, channel tiles along x and
// along images, x tiles across images), one run as a call per group, and
// one with bias-only residues and a strided output.
std::vector<ConvCase> cases_for_every_path();

}  // namespace convt_test
