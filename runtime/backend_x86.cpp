// x86-64 kernels: AVX2+FMA, with an SSE4.1 fallback for CPUs without AVX2.
#include <cstdlib>
#include <cstring>

#include "backends.h"
#include "convt_x86_avx2.h"
#include "convt_x86_sse41.h"

namespace convt::detail {

namespace {

bool has_avx2() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
         __builtin_cpu_supports("f16c");
}

// CONVT_MAX_CPU_ISA=sse41 caps the choice (to test or compare the fallback).
bool capped_to_sse41() {
  const char *cap = std::getenv("CONVT_MAX_CPU_ISA");
  return cap != nullptr && std::strcmp(cap, "sse41") == 0;
}

}  // namespace

const Kernel &cpu_kernel() {
  static const Kernel avx2{"x86-avx2", convt_x86_avx2};
  static const Kernel sse41{"x86-sse41", convt_x86_sse41};
  static const Kernel &chosen = (has_avx2() && !capped_to_sse41()) ? avx2 : sse41;
  return chosen;
}

}  // namespace convt::detail
