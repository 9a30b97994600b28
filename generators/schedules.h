// Schedules for the conv_transpose2d Funcs, one per target family. Each is a
// separate file so the algorithm never changes when a schedule does.
#pragma once

#include <string>

#include "conv_transpose2d_algorithm.h"
#include "cpu_tiles.h"
#include "gpu_contract.h"

namespace convt_gen {

// Register tiles of the CPU schedule (generators/cpu_tiles.h); the
// generator's knobs (conv_transpose2d_generator.cpp) override any of them.
using CpuTiles = convt_tiles::CpuTiles;

// The CPU schedule, for any CPU target with the given tiles.
void schedule_cpu(ConvTranspose2dFuncs &f, const Halide::Target &target, const CpuTiles &t);

// x86-64 (AVX2 + FMA, AVX-512, and the SSE4.1 fallback): tiles for the
// registers of `target`.
CpuTiles x86_tiles(const Halide::Target &target);

// The GPU kernels (schedule_gpu.cpp), each its own pipeline: dense layers
// (gemm; gemm_split when their pixels and channels alone are too few to fill
// the GPU) and the rest (direct).
enum class GpuKernel { kGemm, kGemmSplit, kDirect };

// Block and thread tiles of a GPU kernel (generators/gpu_contract.h).
using GpuTiles = convt_gpu::Tiles;

// The tiles a GPU kernel uses unless knobs say otherwise.
GpuTiles gpu_tiles(const Halide::Target &target, GpuKernel kernel);

// Whether `t` is a schedule schedule_gpu can build for `kernel`; else what
// is wrong with it (for the generator's error).
std::string gpu_schedule_problem(GpuKernel kernel, const GpuTiles &t);

// The order of the GPU form's reduction and pixels that tiles `t` need.
PixelFormOrder gpu_pixel_order(const GpuTiles &t);

// GPUs (CUDA, and OpenCL for testing the same schedules on PoCL).
void schedule_gpu(ConvTranspose2dFuncs &f, const Halide::Target &target, GpuKernel kernel,
                  const GpuTiles &t);

// AArch64 with NEON (32 128-bit registers and fused multiply-add): tiles.
CpuTiles arm_tiles(const Halide::Target &target);

}  // namespace convt_gen
