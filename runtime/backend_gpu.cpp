// GPU kernels: CUDA, and the same schedules built for OpenCL (tests run them
// on the CPU through PoCL). Each backend has three (generators/schedule_gpu.cpp),
// listed in the order they are tried; the first that applies runs.
#include <cstdlib>
#include <cstring>

#include "backends.h"
#include "gpu_contract.h"

#if defined(CONVT_HAVE_CUDA)
#include "HalideRuntimeCuda.h"
#include "convt_cuda_direct.h"
#include "convt_cuda_gemm.h"
#include "convt_cuda_gemm_split.h"
#endif
#if defined(CONVT_HAVE_OPENCL)
#include "HalideRuntimeOpenCL.h"
#include "convt_opencl_direct.h"
#include "convt_opencl_gemm.h"
#include "convt_opencl_gemm_split.h"
#endif

namespace convt::detail {

namespace {

// The kernels each (CUDA or OpenCL) backend lists.
struct GpuKernels {
  const Kernel &gemm, &gemm_split, &direct;
};

// gemm and gemm_split take groups 1 (wider groups run one call per group,
// see conv_transpose2d.cpp).
bool takes_gemm(const ConvGeometry &g) { return g.groups == 1; }

// gemm_split: the reduction splits into two slices or more
// (convt_gpu::split_slices: the layer's pixels and channels alone would give
// too few threads, and its input channels are enough to share).
bool needs_split(const ConvGeometry &g) {
  const int64_t outputs = g.batch * g.out_channels * g.out_height * g.out_width;
  const int64_t steps = (g.in_channels + convt_gpu::kGemmSplitTiles.k_unroll - 1) /
                        convt_gpu::kGemmSplitTiles.k_unroll;
  return convt_gpu::split_slices<int64_t>(outputs, steps) >= 2;
}

// gemm: enough output channels that its threads' channel tiles (16) are
// mostly real work: at least half of one.
bool dense(const ConvGeometry &g) { return g.out_channels * 2 >= convt_gpu::kGemmTiles.channels; }

// CONVT_GPU_KERNEL=direct, =gemm or =gemm_split runs every layer the named
// kernel takes on it (the test suites cover each kernel's whole range this
// way); unset, the first kernel that applies runs.
[[maybe_unused]] const Kernel &choose(const ConvGeometry &g, const GpuKernels &k) {
  static const char *const forced = std::getenv("CONVT_GPU_KERNEL");  // read once
  if (forced != nullptr && std::strcmp(forced, "direct") == 0) return k.direct;
  if (forced != nullptr && std::strcmp(forced, "gemm") == 0) {
    return takes_gemm(g) ? k.gemm : k.direct;
  }
  if (forced != nullptr && std::strcmp(forced, "gemm_split") == 0) {
    return takes_gemm(g) ? k.gemm_split : k.direct;
  }
  if (takes_gemm(g) && dense(g)) return needs_split(g) ? k.gemm_split : k.gemm;
  return k.direct;
}

}  // namespace

const Kernel *cuda_kernel_for(const ConvGeometry &g) {
#if defined(CONVT_HAVE_CUDA)
  auto kernel = [](const char *name, KernelFn fn) {
    return Kernel{name,
                  same_fn_every_order(fn),
                  {},  // no x tiles
                  {},  // nor image tiles
                  {},  // nor wide x tiles
                  {},  // nor tiles across images
                  halide_cuda_device_interface,
                  halide_cuda_wrap_device_ptr,
                  halide_cuda_detach_device_ptr};
  };
  static const Kernel gemm = kernel("cuda-gemm", convt_cuda_gemm);
  static const Kernel gemm_split = kernel("cuda-gemm-split", convt_cuda_gemm_split);
  static const Kernel direct = kernel("cuda-direct", convt_cuda_direct);
  return &choose(g, {gemm, gemm_split, direct});
#else
  (void)g;
  return nullptr;
#endif
}

const Kernel *opencl_kernel_for(const ConvGeometry &g) {
#if defined(CONVT_HAVE_OPENCL)
  auto kernel = [](const char *name, KernelFn fn) {
    return Kernel{name, same_fn_every_order(fn), {}, {}, {}, {}, halide_opencl_device_interface};
  };
  static const Kernel gemm = kernel("opencl-gemm", convt_opencl_gemm);
  static const Kernel gemm_split = kernel("opencl-gemm-split", convt_opencl_gemm_split);
  static const Kernel direct = kernel("opencl-direct", convt_opencl_direct);
  return &choose(g, {gemm, gemm_split, direct});
#else
  (void)g;
  return nullptr;
#endif
}

}  // namespace convt::detail
