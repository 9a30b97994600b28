// The two per-axis constants of the phase decomposition that need a loop to
// find (a gcd and a modular inverse): the runtime computes them once per call
// and passes them to every kernel as scalars, and the algorithm
// (conv_transpose2d_algorithm.cpp, AxisPhases) works in closed form from
// them. Plain C++: the runtime includes it without Halide.
#pragma once

#include <cstdint>

namespace convt_phase {

// The taps k that meet output o = q * s + r solve k * d = r + p (mod s):
// none unless g = gcd(d, s) divides r + p, else k = ((r + p) / g) * inverse
// (mod s / g) and every s / g after it, where inverse is the inverse of
// d / g modulo s / g (0 when s / g is 1). So s / g spaces a phase's taps,
// and the inverse finds the phase (first tap) of a residue.
struct PhaseConstants {
  int64_t gcd;
  int64_t inverse;
};

// For stride and dilation of 1 or more (validation's ranges); anything
// else gives {1, 0}.
constexpr PhaseConstants phase_constants(int64_t stride, int64_t dilation) {
  if (stride < 1 || dilation < 1) return {1, 0};
  int64_t a = dilation, b = stride;
  while (b != 0) {
    const int64_t t = a % b;
    a = b;
    b = t;
  }
  const int64_t g = a;
  const int64_t modulus = stride / g;
  // Extended Euclid on (d / g, s / g): x with x * (d / g) = 1 (mod s / g).
  int64_t r0 = (dilation / g) % modulus, r1 = modulus, x0 = 1, x1 = 0;
  while (r1 != 0) {
    const int64_t q = r0 / r1;
    const int64_t r2 = r0 - q * r1, x2 = x0 - q * x1;
    r0 = r1;
    r1 = r2;
    x0 = x1;
    x1 = x2;
  }
  const int64_t inverse = modulus == 1 ? 0 : ((x0 % modulus) + modulus) % modulus;
  return {g, inverse};
}

// Whether an axis's phases need no gcd: dilation 1 or stride 1 (nearly
// every real layer). The CPU schedule specializes its tiles on it (with
// Halide Exprs) and the runtime's planner reads it (with ints).
template <typename T>
auto simple_phases(const T &stride, const T &dilation) {
  return dilation == 1 || stride == 1;
}

}  // namespace convt_phase
