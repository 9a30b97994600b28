# CONVT_TARGETS: the backends compiled into the library.
#   x86-avx2  x86-64 with AVX2+FMA as the baseline, an AVX-512 flavour for
#             CPUs that have it and an SSE4.1 fallback, picked at run time
#   arm-neon  AArch64 with NEON (every AArch64 CPU has it); from an x86 host
#             this cross-compiles (cmake/toolchains/aarch64-linux-gnu.cmake)
#   cuda      NVIDIA GPUs (PTX for compute capability 7.0, Volta and later),
#             alone or next to the CPU backend: flavours cuda_gemm,
#             cuda_gemm_split and cuda_direct. With tests on, the same GPU
#             schedules are also built for OpenCL (opencl_...), to test them
#             on PoCL.
# The default is the CPU backend of the machine the library is built for,
# plus cuda on x86-64 (it needs no CUDA toolkit to build and no GPU to run:
# without one, CUDA calls raise convt::RuntimeError).
set(_convt_known_targets x86-avx2 arm-neon cuda)

if (NOT CONVT_TARGETS)
  if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
    set(_convt_default "x86-avx2;cuda")
  elseif (CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
    set(_convt_default arm-neon)
  else ()
    message(FATAL_ERROR "convt: no default backend for ${CMAKE_SYSTEM_PROCESSOR}; "
                        "set -DCONVT_TARGETS to one of: ${_convt_known_targets}")
  endif ()
  set(CONVT_TARGETS "${_convt_default}" CACHE STRING
      "Backends to compile: ${_convt_known_targets}" FORCE)
endif ()

# Per backend: kernel flavours (one static library each) with their Halide
# target strings, the runtime source that dispatches to them, a compile
# definition, and the Halide runtime's target. One CPU backend per build: the
# library is compiled for one architecture. CPU flavours
# (CONVT_CPU_FLAVOURS) hold one pipeline per tile order (ConvtCpuKernels).
set(CONVT_KERNEL_FLAVOURS)
set(CONVT_CPU_FLAVOURS)
set(CONVT_BACKEND_SOURCES)
set(CONVT_BACKEND_DEFINITIONS)
set(CONVT_RUNTIME_TARGET)
set(_convt_gpu_features)
if (CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  set(_convt_host_arch "arm-64-linux")
else ()
  set(_convt_host_arch "x86-64-linux")
endif ()
foreach (t IN LISTS CONVT_TARGETS)
  if (t STREQUAL "cuda")
    # Volta (sm_70) and later; the driver JIT-compiles the PTX for newer
    # GPUs. Three kernels (generators/schedule_gpu.cpp), each its own
    # pipeline: gemm and gemm_split (dense layers) and direct (the rest).
    set(_convt_gpu_apis cuda)
    set(_convt_gpu_target_cuda "${_convt_host_arch}-cuda-cuda_capability_70-user_context")
    if (CONVT_BUILD_TESTS)
      list(APPEND _convt_gpu_apis opencl)
      set(_convt_gpu_target_opencl "${_convt_host_arch}-opencl-user_context")
    endif ()
    foreach (api IN LISTS _convt_gpu_apis)
      foreach (kernel IN ITEMS gemm gemm_split direct)
        set(CONVT_HALIDE_TARGET_${api}_${kernel} "${_convt_gpu_target_${api}}")
        set(CONVT_KERNEL_PARAMS_${api}_${kernel} "gpu_kernel=${kernel}")
        list(APPEND CONVT_KERNEL_FLAVOURS ${api}_${kernel})
      endforeach ()
      string(TOUPPER "${api}" _convt_api_upper)
      list(APPEND CONVT_BACKEND_DEFINITIONS CONVT_HAVE_${_convt_api_upper}=1)
      list(APPEND _convt_gpu_features ${api})
    endforeach ()
    list(APPEND CONVT_BACKEND_SOURCES runtime/cuda_driver.cpp)
    continue ()
  endif ()
  if (t STREQUAL "x86-avx2")
    set(_convt_arch "x86_64|AMD64|amd64")
    set(CONVT_HALIDE_TARGET_x86_avx2 "x86-64-linux-avx2-fma-f16c-user_context")
    # AVX-512 F/CD/VL/BW/DQ (Skylake-X, Ice Lake, Zen 4 and later).
    set(CONVT_HALIDE_TARGET_x86_avx512
        "x86-64-linux-avx2-fma-f16c-avx512-avx512_skylake-user_context")
    set(CONVT_HALIDE_TARGET_x86_sse41 "x86-64-linux-sse41-user_context")
    list(APPEND CONVT_KERNEL_FLAVOURS x86_avx2 x86_avx512 x86_sse41)
    list(APPEND CONVT_CPU_FLAVOURS x86_avx2 x86_avx512 x86_sse41)
    list(APPEND CONVT_BACKEND_SOURCES runtime/backend_x86.cpp)
    list(APPEND CONVT_BACKEND_DEFINITIONS CONVT_HAVE_X86=1)
    set(_convt_cpu_runtime "x86-64-linux")
  elseif (t STREQUAL "arm-neon")
    set(_convt_arch "aarch64|arm64|ARM64")
    # Baseline ARMv8-A: NEON and FMA are architectural, so no run-time
    # dispatch is needed.
    set(CONVT_HALIDE_TARGET_arm_neon "arm-64-linux-user_context")
    list(APPEND CONVT_KERNEL_FLAVOURS arm_neon)
    list(APPEND CONVT_CPU_FLAVOURS arm_neon)
    list(APPEND CONVT_BACKEND_SOURCES runtime/backend_arm.cpp)
    list(APPEND CONVT_BACKEND_DEFINITIONS CONVT_HAVE_ARM=1)
    set(_convt_cpu_runtime "arm-64-linux")
  else ()
    message(FATAL_ERROR "convt: unknown backend '${t}' in CONVT_TARGETS; "
                        "known: ${_convt_known_targets}")
  endif ()
  if (NOT CMAKE_SYSTEM_PROCESSOR MATCHES "^(${_convt_arch})$")
    message(FATAL_ERROR
            "convt: backend '${t}' builds for ${_convt_arch}, but this build is for "
            "${CMAKE_SYSTEM_PROCESSOR}. For arm-neon from an x86 host, use the "
            "'arm-neon' preset or -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake.")
  endif ()
  if (CONVT_RUNTIME_TARGET)
    message(FATAL_ERROR "convt: CONVT_TARGETS='${CONVT_TARGETS}' names two CPU backends; "
                        "a build targets one CPU architecture")
  endif ()
  set(CONVT_RUNTIME_TARGET "${_convt_cpu_runtime}")
endforeach ()

if (NOT CONVT_RUNTIME_TARGET)
  # A GPU-only build: host tensors go to the GPU kernel (copied in and out).
  set(CONVT_RUNTIME_TARGET "${_convt_host_arch}")
  list(APPEND CONVT_BACKEND_SOURCES runtime/backend_no_cpu.cpp)
endif ()
if (_convt_gpu_features)
  list(JOIN _convt_gpu_features "-" _convt_gpu_suffix)
  set(CONVT_RUNTIME_TARGET "${CONVT_RUNTIME_TARGET}-${_convt_gpu_suffix}")
endif ()
