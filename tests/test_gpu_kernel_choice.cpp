// Which GPU kernel the planner picks (runtime/backend_gpu.cpp) for named
// layers, so the OpenCL suites are known to reach each kernel, and the
// gemm_split slice count the generator and the runtime share.
#include <gtest/gtest.h>

#include <string>

#include "backends.h"
#include "gpu_contract.h"

namespace {

std::string kernel_for(const convt::Shape &input, const convt::Shape &weight, int64_t stride,
                       int64_t padding, int64_t groups = 1, int64_t dilation = 1) {
  const convt::detail::ConvGeometry g =
      convt::detail::resolve_geometry(input, weight, stride, padding, 0, groups, dilation);
  return convt::detail::opencl_kernel_for(g)->name;
}

TEST(GpuKernelChoice, LargeDenseLayersRunTheGemm) {
  EXPECT_EQ(kernel_for({1, 128, 320, 480}, {128, 64, 2, 2}, 2, 0), "opencl-gemm");  // unet_up4
  EXPECT_EQ(kernel_for({1, 21, 16, 16}, {21, 21, 64, 64}, 32, 0), "opencl-gemm");   // fcn32s
  EXPECT_EQ(kernel_for({1, 32, 256, 512}, {32, 32, 3, 3}, 2, 1), "opencl-gemm");    // linknet
  // Dilation and stride together: the same phase forms (gcd and inverse).
  EXPECT_EQ(kernel_for({1, 32, 256, 512}, {32, 32, 3, 3}, 2, 2, 1, 2), "opencl-gemm");
}

TEST(GpuKernelChoice, FewPixelsAndManyInputChannelsSplitTheReduction) {
  EXPECT_EQ(kernel_for({1, 1024, 16, 16}, {1024, 256, 4, 4}, 2, 1),
            "opencl-gemm-split");  // pix2pix_unet_mid
  EXPECT_EQ(kernel_for({8, 2048, 8, 6}, {2048, 256, 4, 4}, 2, 1),
            "opencl-gemm-split");  // simplebaseline
  EXPECT_EQ(kernel_for({1, 256, 33, 33}, {256, 256, 3, 3}, 1, 6, 1, 6), "opencl-gemm-split");
  EXPECT_EQ(kernel_for({4, 64, 24, 24}, {64, 64, 3, 3}, 2, 2, 1, 2), "opencl-gemm-split");
}

TEST(GpuKernelChoice, EverythingElseRunsTheDirectKernel) {
  EXPECT_EQ(kernel_for({8, 256, 16, 16}, {256, 1, 4, 4}, 2, 1, 256), "opencl-direct");  // depthwise
  EXPECT_EQ(kernel_for({8, 256, 14, 14}, {256, 8, 3, 3}, 2, 1, 32),
            "opencl-direct");                                                  // narrow groups
  EXPECT_EQ(kernel_for({1, 6, 32, 32}, {6, 3, 5, 5}, 1, 0), "opencl-direct");  // 3 output channels
}

TEST(GpuKernelChoice, SlicesReachTheTargetThreadsWithinTheLimits) {
  using convt_gpu::split_slices;
  const int64_t per_thread =
      convt_gpu::kGemmSplitTiles.pixels * convt_gpu::kGemmSplitTiles.channels;
  // Enough threads already: one slice.
  EXPECT_EQ(split_slices<int64_t>(per_thread * convt_gpu::kSplitTargetThreads, 1024), 1);
  // Half the threads: two slices, if the channels allow them.
  EXPECT_EQ(split_slices<int64_t>(per_thread * convt_gpu::kSplitTargetThreads / 2, 1024), 2);
  EXPECT_EQ(split_slices<int64_t>(per_thread * convt_gpu::kSplitTargetThreads / 2,
                                  2 * convt_gpu::kMinSliceSteps - 1),
            1);
  // Few threads: as many slices as allowed.
  EXPECT_EQ(split_slices<int64_t>(per_thread, 1 << 20), convt_gpu::kMaxSlices);
  EXPECT_EQ(split_slices<int64_t>(1, 3 * convt_gpu::kMinSliceSteps), 3);
}

}  // namespace
