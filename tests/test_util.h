// Helpers shared by the tests (and tuning/trial.cpp): random data and the
// accuracy check.
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

}  // namespace convt_test
