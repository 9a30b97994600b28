// AArch64 kernel: NEON (Advanced SIMD) and fused multiply-add are part of
// every ARMv8-A CPU, so there is a single flavour and nothing to detect.
#include "backends.h"
#include "convt_arm_neon.h"

namespace convt::detail {

bool has_cpu_kernel() { return true; }

const Kernel &cpu_kernel() {
  // x tiles of 4 q registers: 16 columns.
  static const Kernel neon{"arm-neon", convt_arm_neon,
                           [](const ConvGeometry &g) { return cpu_tile_order(g, 16); }};
  return neon;
}

const Kernel &cpu_kernel_for(const ConvGeometry & /*g*/) { return cpu_kernel(); }

}  // namespace convt::detail
