// Measures this machine's memory bandwidth: threads copy disjoint parts of
// a float array far larger than the caches into another, and the bytes
// read plus written per second are reported, on one thread and on every
// core (best of 5). The report divides memory-bound layers' compulsory
// traffic by it. Prints one JSON object:
//   {"cores": 2, "copy_gbs": {"1": GB/s, "2": GB/s}}
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace {

constexpr size_t kFloats = size_t{64} << 20;  // 256 MiB per array

double copy_gbs(std::vector<float> &src, std::vector<float> &dst, int threads) {
  double best = 0;
  for (int trial = 0; trial < 5; ++trial) {
    std::vector<std::thread> pool;
    const size_t part = kFloats / static_cast<size_t>(threads);
    const auto t0 = std::chrono::steady_clock::now();
    for (int t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        const size_t begin = part * static_cast<size_t>(t);
        std::memcpy(dst.data() + begin, src.data() + begin, part * sizeof(float));
      });
    }
    for (auto &th : pool) th.join();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    best = std::max(best,
                    2.0 * double(part * static_cast<size_t>(threads)) * sizeof(float) / s * 1e-9);
  }
  return best;
}

}  // namespace

int main() {
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  std::vector<float> src(kFloats, 1.0f), dst(kFloats, 0.0f);  // touched: pages are mapped
  std::printf("{\"cores\": %d, \"copy_gbs\": {\"1\": %.1f", cores, copy_gbs(src, dst, 1));
  if (cores > 1) std::printf(", \"%d\": %.1f", cores, copy_gbs(src, dst, cores));
  std::printf("}}\n");
  return 0;
}
