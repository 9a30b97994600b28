// GPU kernels: CUDA, and the same schedule built for OpenCL (tests run it on
// the CPU through PoCL).
#include "backends.h"

#if defined(CONVT_HAVE_CUDA)
#include "HalideRuntimeCuda.h"
#include "convt_cuda.h"
#endif
#if defined(CONVT_HAVE_OPENCL)
#include "HalideRuntimeOpenCL.h"
#include "convt_opencl.h"
#endif

namespace convt::detail {

namespace {

// The GPU schedule stages inputs and weights in shared memory for dilation 1
// and groups 1 (tile_order 0) and reads through the cache otherwise
// (tile_order 1); see generators/schedule_gpu.cpp. Its staged tiles hold
// one group's channels, so no grouped layer may reach tile_order 0.
[[maybe_unused]] int32_t gpu_tile_order(const ConvGeometry &g) {
  const bool staged = g.dilation[0] == 1 && g.dilation[1] == 1 && g.groups == 1;
  return staged ? 0 : 1;
}

}  // namespace

const Kernel *cuda_kernel() {
#if defined(CONVT_HAVE_CUDA)
  static const Kernel cuda{"cuda",
                           convt_cuda,
                           gpu_tile_order,
                           halide_cuda_device_interface,
                           halide_cuda_wrap_device_ptr,
                           halide_cuda_detach_device_ptr};
  return &cuda;
#else
  return nullptr;
#endif
}

const Kernel *opencl_kernel() {
#if defined(CONVT_HAVE_OPENCL)
  static const Kernel opencl{"opencl", convt_opencl, gpu_tile_order,
                             halide_opencl_device_interface};
  return &opencl;
#else
  return nullptr;
#endif
}

}  // namespace convt::detail
