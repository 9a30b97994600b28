// One conv_transpose2d test case: parameters, how the tensors are laid out in
// memory, and a runner that checks convt against the float64 reference.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

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

}  // namespace convt_test
