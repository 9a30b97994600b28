// Test buffers placed against an inaccessible page, so that a kernel
// reading or writing outside a caller's tensor faults at the first byte
// instead of reading a neighbour's memory. The kernels are Halide's code,
// which no sanitizer instruments; this is how the suites see their reads.
//   CONVT_GUARD_PAGES=after   each buffer ends where a PROT_NONE page begins
//   CONVT_GUARD_PAGES=before  each buffer begins where a PROT_NONE page ends
//   unset                     buffers are used where they are
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

namespace convt_test {

enum class GuardPages { kNone, kAfter, kBefore };

// CONVT_GUARD_PAGES, read once.
GuardPages guard_pages_mode();

// Owns the guarded copies made for one test case; each lives until the
// arena does.
class GuardedArena {
 public:
  explicit GuardedArena(GuardPages mode) : mode_(mode) {}
  GuardedArena(const GuardedArena &) = delete;
  GuardedArena &operator=(const GuardedArena &) = delete;
  ~GuardedArena();

  // The memory to hand to convt for `values`: `values` itself when the mode
  // is kNone, else a copy whose end (kAfter) or start (kBefore) touches a
  // guard page. Results written there are read back from the same pointer.
  float *place(std::vector<float> &values);

 private:
  struct Mapping {
    void *base;
    size_t bytes;
  };
  GuardPages mode_;
  std::vector<Mapping> mappings_;
};

}  // namespace convt_test
