// AArch64 kernel: NEON (Advanced SIMD) and fused multiply-add are part of
// every ARMv8-A CPU, so there is a single flavour and nothing to detect.
#include "backends.h"
#include "convt_arm_neon.h"
#include "cpu_kernel.h"

namespace convt::detail {

bool has_cpu_kernel() { return true; }

const Kernel &cpu_kernel() {
  // (With the tiles its generator built it with: the target's and the
  // build's knobs.)
  static constexpr Kernel neon =
      cpu_kernel_with_tiles("arm-neon", CONVT_KERNEL_BY_ORDER_arm_neon,
                            convt_tiles::with_knobs(convt_tiles::kNeonTiles, CONVT_KNOBS_arm_neon),
                            convt_tiles::kNeonLanes);
  static_assert(has_every_order(neon));
  return neon;
}

const Kernel &cpu_kernel_for(const ConvGeometry & /*g*/) { return cpu_kernel(); }

std::vector<const Kernel *> cpu_kernels() { return {&cpu_kernel()}; }

}  // namespace convt::detail
