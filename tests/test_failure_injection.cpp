// Allocation failures inside a call, from each allocation on: on the CPU,
// Halide's heap allocations (through convt's workspace allocator); on the
// GPU path, device buffers (clCreateBuffer on OpenCL, which the suites run
// on PoCL; cuMemAlloc on CUDA, where a device is usable). Each failure must
// surface as RuntimeError, leave no allocation behind, and leave later
// calls working and bit-identical to the calls before it.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "HalideRuntime.h"
#include "backends.h"
#include "conv_case.h"
#include "convt/convt.h"
#include "gpu_symbol_hooks.h"

namespace convt_test {
namespace {

// Live allocations through a hook, and from which one on (counting from
// 1) allocations fail, as when memory runs out: Halide's CUDA runtime
// retries a failed allocation once it has released what it caches, so a
// single failure can be survived. 0 fails none. Atomic: Halide's worker
// threads allocate too.
struct Counts {
  std::atomic<int64_t> made{0}, released{0}, attempts{0}, fail_at{0};
  int64_t live() const { return made - released; }
  // Whether this attempt fails.
  bool fail_now() { return ++attempts >= fail_at && fail_at > 0; }
  void reset() { made = released = attempts = fail_at = 0; }
};
Counts counts;

// --- CPU: Halide's heap allocations ------------------------------------------
void *(*convt_malloc)(void *, size_t) = nullptr;
void (*convt_free)(void *, void *) = nullptr;

// Only allocations of some bytes can fail: a null for none is no failure
// (the copies of the evaluation orders a call does not take are empty).
void *failing_malloc(void *user_context, size_t size) {
  if (size > 0 && counts.fail_now()) return nullptr;
  void *p = convt_malloc(user_context, size);
  if (p != nullptr) ++counts.made;
  return p;
}

void counting_free(void *user_context, void *ptr) {
  if (ptr != nullptr) ++counts.released;
  convt_free(user_context, ptr);
}

// --- OpenCL and CUDA: device buffers -----------------------------------------
void *real_create_buffer = nullptr;
void *real_release_mem = nullptr;
constexpr int32_t kClOutOfMemory = -4;  // CL_MEM_OBJECT_ALLOCATION_FAILURE

void *failing_create_buffer(void *context, uint64_t flags, size_t size, void *host,
                            int32_t *error) {
  if (size > 0 && counts.fail_now()) {
    if (error != nullptr) *error = kClOutOfMemory;
    return nullptr;
  }
  using Fn = void *(*)(void *, uint64_t, size_t, void *, int32_t *);
  void *mem = reinterpret_cast<Fn>(real_create_buffer)(context, flags, size, host, error);
  if (mem != nullptr) ++counts.made;
  return mem;
}

int32_t counting_release_mem(void *mem) {
  ++counts.released;
  return reinterpret_cast<int32_t (*)(void *)>(real_release_mem)(mem);
}

void *real_mem_alloc = nullptr;
void *real_mem_free = nullptr;
constexpr int kCudaOutOfMemory = 2;  // CUDA_ERROR_OUT_OF_MEMORY

int failing_mem_alloc(uint64_t *ptr, size_t size) {
  if (size > 0 && counts.fail_now()) return kCudaOutOfMemory;
  const int rc = reinterpret_cast<int (*)(uint64_t *, size_t)>(real_mem_alloc)(ptr, size);
  if (rc == 0) ++counts.made;
  return rc;
}

int counting_mem_free(uint64_t ptr) {
  ++counts.released;
  return reinterpret_cast<int (*)(uint64_t)>(real_mem_free)(ptr);
}

// Before the GPU runtimes resolve their entry points (the first GPU call).
const bool kHooked = [] {
  hook_gpu_symbol("clCreateBuffer", reinterpret_cast<void *>(&failing_create_buffer),
                  &real_create_buffer);
  hook_gpu_symbol("clReleaseMemObject", reinterpret_cast<void *>(&counting_release_mem),
                  &real_release_mem);
  hook_gpu_symbol("cuMemAlloc_v2", reinterpret_cast<void *>(&failing_mem_alloc), &real_mem_alloc);
  hook_gpu_symbol("cuMemFree_v2", reinterpret_cast<void *>(&counting_mem_free), &real_mem_free);
  return true;
}();

// CONVT_HOST_KERNEL, which sends host tensors to a GPU kernel.
std::string host_kernel() {
  const char *v = std::getenv("CONVT_HOST_KERNEL");
  return v == nullptr ? "" : v;
}

// Runs out of memory at each allocation a call of `c` makes, one per call,
// then checks the next call against the one before.
void fail_each_allocation(const ConvCase &c) {
  SCOPED_TRACE(c.name());
  const std::vector<float> before = convt_output(c);
  counts.reset();
  const std::vector<float> again = convt_output(c);
  const int64_t per_call = counts.attempts;
  ASSERT_EQ(again, before);
  ASSERT_GE(per_call, 1) << "the call allocated nothing: nothing to fail";
  const int64_t live = counts.live();
  for (int64_t k = 1; k <= per_call; ++k) {
    counts.attempts = 0;
    counts.fail_at = k;
    try {
      convt_output(c);
      ADD_FAILURE() << "allocations from " << k << " of " << per_call
                    << " on failed, but the call returned";
    } catch (const convt::RuntimeError &e) {
      EXPECT_NE(std::string(e.what()).find("failed"), std::string::npos) << e.what();
    }
    EXPECT_EQ(counts.live(), live)
        << "allocations left behind when allocations from " << k << " on failed";
  }
  counts.fail_at = 0;
  EXPECT_EQ(convt_output(c), before) << "a call after the failures";
}

TEST(FailureInjection, HostAllocationFailuresAreRuntimeErrors) {
  if (!host_kernel().empty() || !convt::detail::has_cpu_kernel()) {
    GTEST_SKIP() << "the CPU kernels' allocations: run without CONVT_HOST_KERNEL";
  }
  for (const ConvCase &c : cases_for_every_path()) {
    convt_output(c);  // installs convt's workspace allocator, which the hooks wrap
    convt_malloc = halide_set_custom_malloc(failing_malloc);
    convt_free = halide_set_custom_free(counting_free);
    fail_each_allocation(c);
    halide_set_custom_malloc(convt_malloc);
    halide_set_custom_free(convt_free);
  }
}

TEST(FailureInjection, DeviceAllocationFailuresAreRuntimeErrors) {
  const std::string kernel = host_kernel();
  if (kernel != "opencl" && kernel != "cuda") {
    GTEST_SKIP() << "device allocations: run with CONVT_HOST_KERNEL=opencl or =cuda";
  }
  std::string reason;
  if (kernel == "cuda" && !convt::cuda_available(&reason)) GTEST_SKIP() << reason;
  ASSERT_TRUE(kHooked);
  // convt lets Halide keep CUDA allocations for reuse (cuda_driver.cpp);
  // off, every call allocates and frees, so each allocation can fail and
  // the count of live ones means something. (It releases the cached ones.)
  halide_reuse_device_allocations(nullptr, false);
  for (const ConvCase &c : cases_for_every_path()) fail_each_allocation(c);
  if (kernel == "cuda") halide_reuse_device_allocations(nullptr, true);
}

}  // namespace
}  // namespace convt_test
