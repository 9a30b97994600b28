// A GPU-only build (CONVT_TARGETS=cuda): no CPU kernel; host tensors go to
// the GPU kernel, copied in and out.
#include "backends.h"
#include "convt/errors.h"

namespace convt::detail {

bool has_cpu_kernel() { return false; }

const Kernel &cpu_kernel() {
  throw RuntimeError("conv_transpose2d(): this build has no CPU kernel (CONVT_TARGETS=cuda)");
}

const Kernel &cpu_kernel_for(const ConvGeometry & /*g*/) { return cpu_kernel(); }

std::vector<const Kernel *> cpu_kernels() { return {}; }

}  // namespace convt::detail
