// convt_phase::phase_constants (generators/phase_constants.h), which the
// runtime passes to every kernel: the gcd of stride and dilation, and the
// inverse of d / gcd modulo s / gcd, checked against their definitions for
// every stride and dilation up to 64 and at the limits (2^20).
#include <gtest/gtest.h>

#include <cstdint>
#include <numeric>

#include "phase_constants.h"

namespace {

void expect_constants(int64_t s, int64_t d) {
  const convt_phase::PhaseConstants c = convt_phase::phase_constants(s, d);
  EXPECT_EQ(c.gcd, std::gcd(s, d)) << "s " << s << " d " << d;
  const int64_t modulus = s / c.gcd;
  if (modulus == 1) {
    EXPECT_EQ(c.inverse, 0) << "s " << s << " d " << d;
  } else {
    EXPECT_GE(c.inverse, 0);
    EXPECT_LT(c.inverse, modulus);
    EXPECT_EQ((d / c.gcd) % modulus * c.inverse % modulus, 1) << "s " << s << " d " << d;
  }
}

TEST(PhaseConstants, MatchTheirDefinitions) {
  for (int64_t s = 1; s <= 64; ++s) {
    for (int64_t d = 1; d <= 64; ++d) expect_constants(s, d);
  }
  const int64_t big = int64_t{1} << 20;
  for (int64_t s : {big, big - 1, big - 3, int64_t{999983}}) {
    for (int64_t d : {int64_t{1}, int64_t{2}, int64_t{3}, big, big - 1, int64_t{786145}}) {
      expect_constants(s, d);
    }
  }
  static_assert(convt_phase::phase_constants(6, 4).gcd == 2);
  static_assert(convt_phase::phase_constants(6, 4).inverse == 2);  // 2 * 2 = 1 (mod 3)
  EXPECT_EQ(convt_phase::phase_constants(0, 3).gcd, 1);            // outside validation: no loop
}

// The phases the CPU schedule specializes as simple (dilation 1 or stride
// 1) are those whose gcd it folds to 1: there a phase's taps lie s apart.
TEST(PhaseConstants, SimplePhasesHaveGcdOne) {
  for (int64_t s = 1; s <= 16; ++s) {
    for (int64_t d = 1; d <= 16; ++d) {
      if (convt_phase::simple_phases(s, d)) {
        EXPECT_EQ(convt_phase::phase_constants(s, d).gcd, 1) << "s " << s << " d " << d;
      }
    }
  }
  EXPECT_TRUE(convt_phase::simple_phases(1, 4));
  EXPECT_TRUE(convt_phase::simple_phases(4, 1));
  EXPECT_FALSE(convt_phase::simple_phases(2, 3));  // gcd 1, but not folded
  EXPECT_FALSE(convt_phase::simple_phases(4, 2));
}

}  // namespace
