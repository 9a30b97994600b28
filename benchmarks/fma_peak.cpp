// Measures this machine's float32 FMA peak: a loop of independent vector
// FMAs (enough accumulators to cover the FMA latency on every pipe), on one
// thread and on every core, for AVX2 (8 lanes) and AVX-512 (16 lanes) where
// the CPU has them. Prints one JSON object:
//   {"avx2": {"1": GFLOP/s, "2": GFLOP/s}, "avx512": {...}, "cores": 2}
#include <immintrin.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

namespace {

constexpr long kIterations = 100'000'000;
constexpr int kAccumulators = 12;  // latency 4 x 2 pipes = 8 in flight, with margin

// Each returns a value derived from its accumulators, so the loop stays.
__attribute__((target("avx2,fma"))) float fma_loop_avx2(long iterations) {
  __m256 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_set1_ps(float(i));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  float sum = 0;
  for (int i = 0; i < kAccumulators; ++i) sum += _mm256_cvtss_f32(acc[i]);
  return sum;
}

__attribute__((target("avx512f"))) float fma_loop_avx512(long iterations) {
  __m512 acc[kAccumulators];
  for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_set1_ps(float(i));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long it = 0; it < iterations; ++it)
    for (int i = 0; i < kAccumulators; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  float sum = 0;
  for (int i = 0; i < kAccumulators; ++i) sum += _mm512_cvtss_f32(acc[i]);
  return sum;
}

// GFLOP/s of `threads` threads each running loop(iterations); best of 10 (a shared machine's cores
// are not always all ours).
double gflops(float (*loop)(long), int lanes, int threads) {
  const long iterations = kIterations / 4;
  double best = 0;
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<std::thread> pool;
    std::vector<float> sink(threads);
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) pool.emplace_back([&, t] { sink[t] = loop(iterations); });
    for (auto &th : pool) th.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const double flops = 2.0 * lanes * kAccumulators * double(iterations) * threads;
    best = std::max(best, flops / s * 1e-9);
    if (sink[0] == 12345.0f) std::puts("");  // keeps the results alive
  }
  return best;
}

}  // namespace

int main() {
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  __builtin_cpu_init();
  std::printf("{\"cores\": %d", cores);
  struct Isa {
    const char *name;
    bool present;
    float (*loop)(long);
    int lanes;
  };
  const Isa isas[] = {
      {"avx2", __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"), fma_loop_avx2, 8},
      {"avx512", __builtin_cpu_supports("avx512f") != 0, fma_loop_avx512, 16}};
  for (const Isa &isa : isas) {
    if (!isa.present) continue;
    std::printf(", \"%s\": {\"1\": %.1f", isa.name, gflops(isa.loop, isa.lanes, 1));
    if (cores > 1) std::printf(", \"%d\": %.1f", cores, gflops(isa.loop, isa.lanes, cores));
    std::printf("}");
  }
  std::printf("}\n");
  return 0;
}
