// x86-64 kernels: AVX2+FMA, with an SSE4.1 fallback for CPUs without AVX2.
#include <cpuid.h>

#include <cstdlib>
#include <cstring>

#include "backends.h"
#include "convt_x86_avx2.h"
#include "convt_x86_sse41.h"

namespace convt::detail {

namespace {

bool has_f16c() {
  unsigned eax = 0;
  unsigned ebx = 0;
  unsigned ecx = 0;
  unsigned edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
}

// The AVX2 kernel's Halide target also enables FMA and F16C.
bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && has_f16c();
}

// CONVT_MAX_CPU_ISA=sse41 caps the choice (to test or compare the fallback).
bool capped_to_sse41() {
  const char *cap = std::getenv("CONVT_MAX_CPU_ISA");
  return cap != nullptr && std::strcmp(cap, "sse41") == 0;
}

}  // namespace

bool has_cpu_kernel() { return true; }

const Kernel &cpu_kernel() {
  static const Kernel avx2{"x86-avx2", convt_x86_avx2, cpu_tile_order};
  static const Kernel sse41{"x86-sse41", convt_x86_sse41, cpu_tile_order};
  static const Kernel &chosen = (has_avx2() && !capped_to_sse41()) ? avx2 : sse41;
  return chosen;
}

}  // namespace convt::detail
