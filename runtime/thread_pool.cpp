#include "thread_pool.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include "plan.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace convt::detail {

namespace {

// How long a worker waits for the next loop before it sleeps. Waking a
// sleeping thread costs some microseconds (a futex call and the scheduler),
// paid at every parallel loop of a small call: both cores of a Zen 2 EPYC,
// one 1 x 1 input of 453 channels to 158 (random1_28 of the report) ran in
// 44 us a call on Halide's pool, whose workers spin only briefly, 26 on
// this one and 27 serially. Half a millisecond covers the gaps
// between the loops of a call and between the calls of a model's layers,
// as OpenMP's default wait does, and bounds the time an idle library keeps
// a core busy.
// Where the threads outnumber the cores, a spinning worker would take the
// core of one still working: workers then sleep at once.
constexpr double kSpinSeconds = 0.5e-3;

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// The most threads a loop runs on.
constexpr int kMostThreads = 256;

// One thread's share of a loop: iterations [next, end), claimed one at a
// time by that thread and, once their own shares are done, by the others.
struct alignas(64) Share {
  std::atomic<int> next{0};
  int end = 0;
};

// One parallel loop, on the stack of the thread that runs it.
struct Loop {
  LoopTask task;
  void *user_context;
  uint8_t *closure;
  int threads;    // the caller and the workers that take part
  Share *shares;  // one per thread
  std::atomic<int> error{0};
};

// Set on the pool's workers, and on a caller while it runs its loop: a loop
// started there runs inline.
thread_local bool in_loop = false;

// Runs the loop's iterations as thread `thread` (0: the caller) claims
// them: its own share first, then what is left of the others', until none
// is left or one failed. Each thread starts on the same iterations call
// after call, so the data they touch stays in that core's cache (a
// layer's weights split between two 512 KB L2 caches that one would not
// hold), and a thread that finishes early still helps the others.
void take_iterations(Loop &loop, int thread) {
  for (int k = 0; k < loop.threads; ++k) {
    Share &share = loop.shares[(thread + k) % loop.threads];
    for (;;) {
      if (loop.error.load(std::memory_order_relaxed) != 0) return;
      const int i = share.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= share.end) break;
      const int rc = loop.task(loop.user_context, i, loop.closure);
      if (rc != 0) {
        int none = 0;
        loop.error.compare_exchange_strong(none, rc);
      }
    }
  }
}

int threads_from_environment() {
  const char *given = std::getenv("HL_NUM_THREADS");
  if (given != nullptr) {
    const int n = std::atoi(given);
    if (n > 0) return std::min(n, kMostThreads);
  }
  return static_cast<int>(cpu_cores());
}

// The loop a worker may join is published in `current_`; a worker counts
// itself in `active_` before it reads it, and the caller, once its own
// claims run out, clears `current_` and waits for `active_` to drain, so no
// worker reads a finished loop (sequentially consistent atomics on both
// sides). Workers wait for `generation_` to change, spinning, then asleep.
class Pool {
 public:
  int run(void *user_context, LoopTask task, int min, int size, uint8_t *closure) {
    const int threads = threads_.load(std::memory_order_relaxed);
    if (in_loop || size <= 1 || threads <= 1) {
      return run_serially(user_context, task, min, size, closure);
    }
    const std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock()) return run_serially(user_context, task, min, size, closure);
    const int workers = add_workers(threads - 1);
    if (workers == 0) return run_serially(user_context, task, min, size, closure);
    // Contiguous shares, the first size % parts one longer.
    const int parts = workers + 1;
    for (int t = 0, first = min; t < parts; ++t) {
      const int length = size / parts + (t < size % parts ? 1 : 0);
      shares_[t].next.store(first, std::memory_order_relaxed);
      shares_[t].end = first + length;
      first += length;
    }
    Loop loop{task, user_context, closure, parts, shares_, {0}};
    current_.store(&loop);
    generation_.fetch_add(1);
    if (sleepers_.load() > 0) {
      { const std::lock_guard<std::mutex> lock(sleep_mutex_); }
      wake_.notify_all();
    }
    in_loop = true;
    take_iterations(loop, 0);
    in_loop = false;
    current_.store(nullptr);
    for (int spins = 0; active_.load() != 0; ++spins) {
      if (spins < 4096) {
        relax();
      } else {
        std::this_thread::yield();
      }
    }
    return loop.error.load();
  }

  int threads() const { return threads_.load(std::memory_order_relaxed); }
  int set_threads(int threads) { return threads_.exchange(std::clamp(threads, 1, kMostThreads)); }

 private:
  // Under busy_: starts workers up to `count` and returns how many there
  // are, `count` or fewer where the system refuses a thread (the loop then
  // runs on those; a kernel's caller never sees the failure).
  int add_workers(int count) {
    while (workers_ < count) {
      const int id = workers_;
      const uint64_t seen = generation_.load();
      try {
        std::thread([this, id, seen] { work(id, seen); }).detach();
      } catch (...) {
        return workers_;
      }
      ++workers_;
    }
    return count;
  }

  void work(int id, uint64_t seen) {
    in_loop = true;
    for (;;) {
      seen = wait_for_loop(seen);
      active_.fetch_add(1);
      Loop *loop = current_.load();
      if (loop != nullptr && id + 1 < loop->threads) take_iterations(*loop, id + 1);
      active_.fetch_sub(1);
    }
  }

  // Spins until the generation moves past `seen` or kSpinSeconds pass, then
  // sleeps until it does; returns the new generation.
  uint64_t wait_for_loop(uint64_t seen) {
    const bool spin = threads_.load(std::memory_order_relaxed) <= cores_;
    const auto deadline =
        std::chrono::steady_clock::now() + std::chrono::duration<double>(spin ? kSpinSeconds : 0.0);
    for (int spins = 1;; ++spins) {
      const uint64_t now = generation_.load();
      if (now != seen) return now;
      relax();
      if (spins % 256 == 0 && std::chrono::steady_clock::now() >= deadline) break;
    }
    std::unique_lock<std::mutex> lock(sleep_mutex_);
    sleepers_.fetch_add(1);
    wake_.wait(lock, [&] { return generation_.load() != seen; });
    sleepers_.fetch_sub(1);
    return generation_.load();
  }

  const int cores_ = static_cast<int>(cpu_cores());
  std::atomic<int> threads_{threads_from_environment()};
  std::mutex busy_;             // one loop at a time
  int workers_ = 0;             // started, never stopped
  Share shares_[kMostThreads];  // the running loop's
  std::atomic<Loop *> current_{nullptr};
  std::atomic<uint64_t> generation_{0};
  std::atomic<int> active_{0};
  std::atomic<int> sleepers_{0};
  std::mutex sleep_mutex_;
  std::condition_variable wake_;
};

// Never destroyed: its detached workers outlive static destruction.
Pool &pool() {
  static Pool *const p = new Pool;
  return *p;
}

}  // namespace

int run_serially(void *user_context, LoopTask task, int min, int size, uint8_t *closure) {
  for (int i = min; i < min + size; ++i) {
    const int rc = task(user_context, i, closure);
    if (rc != 0) return rc;
  }
  return 0;
}

int run_in_pool(void *user_context, LoopTask task, int min, int size, uint8_t *closure) {
  return pool().run(user_context, task, min, size, closure);
}

int pool_threads() { return pool().threads(); }

int set_pool_threads(int threads) { return pool().set_threads(threads); }

}  // namespace convt::detail
