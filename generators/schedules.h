// Schedules for the conv_transpose2d Funcs, one per target family. Each is a
// separate file so the algorithm never changes when a schedule does.
#pragma once

#include "conv_transpose2d_algorithm.h"

namespace convt_gen {

// x86-64 (AVX2 + FMA, and the SSE4.1 fallback), scheduled for the vector
// width of `target`.
void schedule_x86(ConvTranspose2dFuncs &f, const Halide::Target &target);

// GPUs (CUDA, and OpenCL for testing the same schedule on PoCL).
void schedule_gpu(ConvTranspose2dFuncs &f, const Halide::Target &target);

// AArch64 with NEON: 32 128-bit registers and fused multiply-add.
void schedule_arm(ConvTranspose2dFuncs &f, const Halide::Target &target);

}  // namespace convt_gen
