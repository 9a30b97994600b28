// The kernels' thread pool (runtime/thread_pool.h): every iteration of a
// loop runs once, whatever the thread count, nesting or concurrent callers;
// a failing iteration's code comes back; the workers take part.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "thread_pool.h"

namespace convt_test {
namespace {

using convt::detail::pool_threads;
using convt::detail::run_in_pool;
using convt::detail::set_pool_threads;

// Restores the pool's thread count when a test ends.
class PoolThreads {
 public:
  explicit PoolThreads(int threads) : previous_(set_pool_threads(threads)) {}
  ~PoolThreads() { set_pool_threads(previous_); }
  PoolThreads(const PoolThreads &) = delete;
  PoolThreads &operator=(const PoolThreads &) = delete;

 private:
  int previous_;
};

// Counts the runs of each index of [min, min + size).
struct Counts {
  int min = 0;
  std::vector<std::atomic<int>> runs;
  Counts(int min, int size) : min(min), runs(static_cast<size_t>(size)) {}

  static int count(void *, int index, uint8_t *closure) {
    auto *self = reinterpret_cast<Counts *>(closure);
    self->runs.at(static_cast<size_t>(index - self->min)).fetch_add(1);
    return 0;
  }
  bool each_once() const {
    for (const auto &r : runs) {
      if (r.load() != 1) return false;
    }
    return true;
  }
};

int run_counts(Counts &c) {
  return run_in_pool(nullptr, Counts::count, c.min, static_cast<int>(c.runs.size()),
                     reinterpret_cast<uint8_t *>(&c));
}

TEST(ThreadPool, EveryIterationRunsOnce) {
  for (int threads : {1, 2, 3, 8}) {
    const PoolThreads set(threads);
    for (int min : {0, -5, 17}) {
      for (int size : {0, 1, 2, 7, 100, 1000}) {
        Counts c(min, size);
        EXPECT_EQ(run_counts(c), 0);
        EXPECT_TRUE(c.each_once()) << threads << " threads, [" << min << ", +" << size << ")";
      }
    }
  }
}

TEST(ThreadPool, ThreadCountIsSetAndClamped) {
  const PoolThreads set(3);
  EXPECT_EQ(pool_threads(), 3);
  EXPECT_EQ(set_pool_threads(0), 3);
  EXPECT_EQ(pool_threads(), 1);
  EXPECT_EQ(set_pool_threads(1000), 1);
  EXPECT_EQ(pool_threads(), 256);
}

// Iteration `failing` returns code 7; the others 0.
struct Failing {
  int failing;
  std::atomic<int> ran{0};
  static int run(void *, int index, uint8_t *closure) {
    auto *self = reinterpret_cast<Failing *>(closure);
    self->ran.fetch_add(1);
    return index == self->failing ? 7 : 0;
  }
};

TEST(ThreadPool, FailingIterationsCodeComesBack) {
  for (int threads : {1, 2, 4}) {
    const PoolThreads set(threads);
    for (int failing : {0, 31, 63}) {
      Failing f{failing};
      EXPECT_EQ(run_in_pool(nullptr, Failing::run, 0, 64, reinterpret_cast<uint8_t *>(&f)), 7)
          << threads << " threads, iteration " << failing;
      EXPECT_GE(f.ran.load(), 1);
      EXPECT_LE(f.ran.load(), 64);
    }
  }
}

// Each outer iteration runs an inner loop of its own.
struct Nested {
  std::vector<Counts> inner;
  static int run(void *, int index, uint8_t *closure) {
    auto *self = reinterpret_cast<Nested *>(closure);
    return run_counts(self->inner.at(static_cast<size_t>(index)));
  }
};

TEST(ThreadPool, NestedLoopsRunEveryIteration) {
  const PoolThreads set(4);
  Nested n;
  for (int i = 0; i < 16; ++i) n.inner.emplace_back(i, 10 + i);
  EXPECT_EQ(run_in_pool(nullptr, Nested::run, 0, 16, reinterpret_cast<uint8_t *>(&n)), 0);
  for (const Counts &c : n.inner) EXPECT_TRUE(c.each_once()) << "inner loop from " << c.min;
}

TEST(ThreadPool, ConcurrentCallersEachRunTheirLoops) {
  const PoolThreads set(3);
  constexpr int kCallers = 4, kLoops = 200;
  std::atomic<int> wrong{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      for (int l = 0; l < kLoops; ++l) {
        Counts c(t, 1 + (l * 7 + t) % 50);
        if (run_counts(c) != 0 || !c.each_once()) wrong.fetch_add(1);
      }
    });
  }
  for (std::thread &c : callers) c.join();
  EXPECT_EQ(wrong.load(), 0);
}

// Two iterations that each wait (up to a second) for the other to start:
// both start only if two threads run the loop.
struct Rendezvous {
  std::atomic<int> started{0};
  std::thread::id ids[2];
  static int run(void *, int index, uint8_t *closure) {
    auto *self = reinterpret_cast<Rendezvous *>(closure);
    self->ids[index] = std::this_thread::get_id();
    self->started.fetch_add(1);
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    while (self->started.load() < 2 && std::chrono::steady_clock::now() < give_up) {
      std::this_thread::yield();
    }
    return self->started.load() == 2 ? 0 : 1;
  }
};

TEST(ThreadPool, WorkersTakePart) {
  const PoolThreads set(2);
  Rendezvous r;
  EXPECT_EQ(run_in_pool(nullptr, Rendezvous::run, 0, 2, reinterpret_cast<uint8_t *>(&r)), 0);
  EXPECT_NE(r.ids[0], r.ids[1]);
}

}  // namespace
}  // namespace convt_test
