// Helpers shared by the tests (and tuning/trial.cpp): random data, the
// accuracy check, and reading strided results back.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace convt_test {

// Uniform values in [-1, -0.05] U [0.05, 1]: random, never zero, so a dropped
// or misplaced tap always shows.
inline std::vector<float> random_values(size_t count, std::mt19937 &rng) {
  std::uniform_real_distribution<float> mag(0.05f, 1.0f);
  std::bernoulli_distribution sign(0.5);
  std::vector<float> v(count);
  for (float &x : v) x = sign(rng) ? mag(rng) : -mag(rng);
  return v;
}

// Normwise relative error max|got - want| / max|want|, which must stay within
// 1e-5 for float32 results; infinite when the sizes differ.
inline double relative_error(const std::vector<float> &got, const std::vector<double> &want) {
  if (got.size() != want.size()) return std::numeric_limits<double>::infinity();
  double max_err = 0.0, max_ref = 0.0;
  for (size_t i = 0; i < want.size(); ++i) {
    const double e = got[i] - want[i];
    max_err = std::max(max_err, e < 0 ? -e : e);
    max_ref = std::max(max_ref, want[i] < 0 ? -want[i] : want[i]);
  }
  return max_ref > 0 ? max_err / max_ref : max_err;
}

constexpr double kTolerance = 1e-5;

// Reads a strided view (shape and strides in elements, sizes >= 0) back
// into row-major order.
inline std::vector<float> gather(const float *base, const std::vector<int64_t> &shape,
                                 const std::vector<int64_t> &strides) {
  int64_t total = 1;
  for (int64_t s : shape) total *= s;
  std::vector<float> out(static_cast<size_t>(total));
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t i = 0; i < total; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < shape.size(); ++d) off += index[d] * strides[d];
    out[static_cast<size_t>(i)] = base[off];
    for (size_t d = shape.size(); d-- > 0 && ++index[d] == shape[d];) index[d] = 0;
  }
  return out;
}

}  // namespace convt_test
