// GPU kernels: CUDA, and the same schedule built for OpenCL (tests run it on
// the CPU through PoCL). Both use evaluation order 0, the only one the GPU
// schedule tiles (see generators/schedule_gpu.cpp).
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

[[maybe_unused]] int32_t gpu_tile_order(const ConvGeometry & /*g*/) { return 0; }

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
