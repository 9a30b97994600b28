// The CUDA driver as convt uses it: loaded at run time (libcuda.so.1), so a
// CUDA build links and starts on machines without a GPU or driver.
#pragma once

#include <string>

namespace convt::detail {

// Empty when a CUDA device can be used, else why not (no driver, no device,
// cuInit failed). Probed once per process.
const std::string &cuda_unavailable_reason();

// Makes Halide's CUDA kernels run in the calling thread's current CUDA
// context (the CUDA runtime's primary context after cudaSetDevice or any
// cudaMalloc), or in device 0's primary context when the thread has none,
// rather than in a private context of Halide's own; and lets Halide pool
// device allocations between calls.
void use_callers_cuda_context();

}  // namespace convt::detail
