// Concurrency stress: threads calling conv_transpose2d at once on layers
// that take every CPU evaluation order, a call per group, the bias fill and
// a strided output, each result bit-identical to the same call made alone;
// beside them, threads whose calls throw (ValueError from validation,
// RuntimeError from a kernel that fails inside Halide) and one releasing
// the workspace cache throughout. scripts/reliability.sh runs it under
// TSan; the host suite runs it plainly.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "backends.h"
#include "conv_case.h"
#include "convt/convt.h"
#include "plan.h"

namespace convt_test {
namespace {

constexpr int kCallers = 6;
constexpr int kRounds = 4;

TEST(Concurrency, CallsErrorsAndWorkspaceReleaseTogether) {
  const std::vector<ConvCase> cases = cases_for_every_path();
  std::vector<std::vector<float>> alone;
  for (const ConvCase &c : cases) alone.push_back(convt_output(c));

  std::atomic<int> mismatches{0}, unexpected{0}, value_errors{0}, runtime_errors{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kCallers; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        for (size_t i = 0; i < cases.size(); ++i) {
          const size_t k = (i + static_cast<size_t>(t)) % cases.size();
          if (convt_output(cases[k]) != alone[k]) ++mismatches;
        }
      }
    });
  }
  // Validation errors, thrown while the kernels run.
  threads.emplace_back([&] {
    const convt::Tensor x = convt::Tensor::full({1, 4, 5, 5}, 1.0f);
    const convt::Tensor w = convt::Tensor::full({3, 2, 3, 3}, 1.0f);
    do {  // (at least once, however soon the callers finish)
      try {
        convt::conv_transpose2d(x, w);
        ++unexpected;
      } catch (const convt::ValueError &) {
        ++value_errors;
      }
    } while (!done);
  });
  // Kernel failures inside Halide (validation bypassed, as in test_errors):
  // each call's error message must be its own.
  if (convt::detail::has_cpu_kernel()) {
    threads.emplace_back([&] {
      const convt::Tensor x = convt::Tensor::full({1, 4, 4, 4}, 1.0f);
      const convt::Tensor w = convt::Tensor::full({4, 3, 3, 3}, 1.0f);
      const convt::Tensor w_short = convt::Tensor::full({2, 3, 3, 3}, 1.0f);
      const convt::detail::ConvGeometry g =
          convt::detail::resolve_geometry(x.shape(), w.shape(), 1, 0, 0, 1, 1);
      convt::Tensor out({1, 3, 6, 6});
      do {
        try {
          convt::detail::run_plan(convt::detail::plan_call(g, convt::Device::kCPU), g, x, w_short,
                                  std::nullopt, out);
          ++unexpected;
        } catch (const convt::RuntimeError &e) {
          const std::string msg = e.what();
          if (msg.find("weight") == std::string::npos) ++unexpected;
          ++runtime_errors;
        }
      } while (!done);
    });
  }
  threads.emplace_back([&] {
    while (!done) convt::release_workspace();
  });

  for (int t = 0; t < kCallers; ++t) threads[static_cast<size_t>(t)].join();
  done = true;
  for (size_t t = kCallers; t < threads.size(); ++t) threads[t].join();
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(unexpected, 0);
  EXPECT_GT(value_errors, 0);
  if (convt::detail::has_cpu_kernel()) EXPECT_GT(runtime_errors, 0);
}

}  // namespace
}  // namespace convt_test
