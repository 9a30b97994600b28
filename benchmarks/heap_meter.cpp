// Replaces the C allocation functions of this executable (symbol
// interposition: shared libraries resolve malloc here first) with glibc's
// own implementations plus a count of the usable bytes of each live block.
#include "heap_meter.h"

#include <malloc.h>

#include <atomic>
#include <cerrno>
#include <cstddef>

extern "C" {
void *__libc_malloc(size_t size);
void *__libc_calloc(size_t count, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void *__libc_memalign(size_t alignment, size_t size);
void __libc_free(void *ptr);
}

namespace {

std::atomic<int64_t> live{0};
std::atomic<int64_t> peak{0};
std::atomic<int64_t> allocations{0};

void *counted(void *p) {
  if (p == nullptr) return p;
  allocations.fetch_add(1, std::memory_order_relaxed);
  const auto bytes = static_cast<int64_t>(malloc_usable_size(p));
  const int64_t now = live.fetch_add(bytes) + bytes;
  int64_t seen = peak.load();
  while (now > seen && !peak.compare_exchange_weak(seen, now)) {
  }
  return p;
}

void uncount(void *p) {
  if (p != nullptr) live.fetch_sub(static_cast<int64_t>(malloc_usable_size(p)));
}

}  // namespace

extern "C" {

void *malloc(size_t size) { return counted(__libc_malloc(size)); }

void *calloc(size_t count, size_t size) { return counted(__libc_calloc(count, size)); }

void *realloc(void *ptr, size_t size) {
  uncount(ptr);
  void *p = __libc_realloc(ptr, size);
  if (p == nullptr && ptr != nullptr && size != 0) {  // failed: ptr is still live
    counted(ptr);
    return nullptr;
  }
  return counted(p);
}

void free(void *ptr) {
  uncount(ptr);
  __libc_free(ptr);
}

void *memalign(size_t alignment, size_t size) { return counted(__libc_memalign(alignment, size)); }

void *aligned_alloc(size_t alignment, size_t size) {
  return counted(__libc_memalign(alignment, size));
}

int posix_memalign(void **out, size_t alignment, size_t size) {
  if (alignment < sizeof(void *) || (alignment & (alignment - 1)) != 0) return EINVAL;
  void *p = counted(__libc_memalign(alignment, size));
  if (p == nullptr) return ENOMEM;
  *out = p;
  return 0;
}

}  // extern "C"

namespace convt_bench {

int64_t heap_live_bytes() { return live.load(); }

int64_t heap_reset_peak() {
  const int64_t now = live.load();
  peak.store(now);
  return now;
}

int64_t heap_peak_bytes() { return peak.load(); }

int64_t heap_allocations() { return allocations.load(); }

}  // namespace convt_bench
