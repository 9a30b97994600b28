// Size arithmetic that cannot overflow: products of shapes and strides
// saturate at INT64_MAX instead, which every limit check then rejects.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <limits>

#include "convt/tensor.h"

namespace convt::detail {

constexpr int64_t kSaturated = std::numeric_limits<int64_t>::max();

// a * b for a, b >= 0, or kSaturated when it does not fit.
inline int64_t saturating_mul(int64_t a, int64_t b) {
  int64_t product = 0;
  return __builtin_mul_overflow(a, b, &product) ? kSaturated : product;
}

// a + b for a, b >= 0, or kSaturated when it does not fit.
inline int64_t saturating_add(int64_t a, int64_t b) {
  int64_t sum = 0;
  return __builtin_add_overflow(a, b, &sum) ? kSaturated : sum;
}

// The element count of sizes none of which is negative; kSaturated when it
// does not fit in int64 (0 whenever any size is 0).
template <typename Sizes>
int64_t saturating_product(const Sizes &sizes) {
  for (int64_t e : sizes) {
    if (e == 0) return 0;
  }
  int64_t n = 1;
  for (int64_t e : sizes) n = saturating_mul(n, e);
  return n;
}
inline int64_t saturating_numel(const Shape &shape) { return saturating_product(shape); }
// (A list of sizes without building a Shape: no allocation on a call's path.)
inline int64_t saturating_numel(std::initializer_list<int64_t> sizes) {
  return saturating_product(sizes);
}

}  // namespace convt::detail
