#include "workspace.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "HalideRuntime.h"
#include "convt/conv_transpose2d.h"

namespace convt::detail {

namespace {

// Halide wants vector-aligned blocks whose size is a multiple of the
// alignment, readable for a few bytes before and after; a 64-byte header
// and tail give both (the header also records the capacity).
constexpr std::size_t kAlign = 64;
// The limits (workspace.h). A model's layers take different block sizes:
// when the cache is full, a returned block evicts the least recently
// returned ones, so that the layers running now keep theirs (a cache that
// kept its first 16 blocks made the eighth layer of a process allocate on
// every call). The block limit is loose, since small blocks cost little to
// keep: with 32, a process running the CPU report's 102 layers (a block or
// more each, 330 MiB of heap in all) evicted blocks by count, and
// linknet_final's 19 MB block was allocated and faulted in again on most
// calls: 32.4 ms a call against 20.2 with 256 blocks (AMD EPYC Zen 4,
// `cpu_vs_onednn` over those layers, interleaved). Finding a block scans
// the list: a few hundred entries at most.

// Blocks of at least this size start on a huge-page boundary and, on
// Linux, ask for transparent huge pages (madvise: the usual system
// setting honours it). A fresh block's first touch is its cost: 80 MiB of
// 4 KiB pages took 44 ms to fault in, of 2 MiB pages 9 ms (AMD EPYC,
// family 25 model 17, under KVM). A model whose layers' blocks outgrow the
// cache allocates its largest ones again on every call (maskrcnn_mask_head
// in the report's process, among the zoo's 40 layers: 177 ms a call
// against 69 ms in a process of its own).
constexpr std::size_t kHugePage = std::size_t{2} << 20;

void *fresh_block(std::size_t bytes) {
  if (bytes < kHugePage) return std::aligned_alloc(kAlign, bytes);
  const std::size_t rounded = (bytes + kHugePage - 1) / kHugePage * kHugePage;
  void *raw = std::aligned_alloc(kHugePage, rounded);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (raw != nullptr) madvise(raw, rounded, MADV_HUGEPAGE);  // advice: failure costs nothing
#endif
  return raw;
}

struct Block {
  std::size_t capacity;  // usable bytes
  void *raw;
};

struct Cache {
  std::mutex mutex;
  std::vector<Block> free_blocks;  // least recently returned first
  std::size_t cached_bytes = 0;
};

Cache &cache() {
  static auto *c = [] {
    auto *made = new Cache;                       // never destroyed: kernels may run during exit
    made->free_blocks.reserve(kMaxCachedBlocks);  // returning a block allocates nothing
    return made;
  }();
  return *c;
}

std::size_t round_up(std::size_t n) { return (n + kAlign - 1) / kAlign * kAlign; }

void *user_pointer(void *raw) { return static_cast<char *>(raw) + kAlign; }
void *raw_pointer(void *user) { return static_cast<char *>(user) - kAlign; }
std::size_t &capacity_of(void *raw) { return *static_cast<std::size_t *>(raw); }

void *cached_malloc(void * /*user_context*/, std::size_t size) {
  const std::size_t want = round_up(size == 0 ? 1 : size);
  {
    Cache &c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    // Smallest cached block that fits without wasting more than half of it.
    auto best = c.free_blocks.end();
    for (auto it = c.free_blocks.begin(); it != c.free_blocks.end(); ++it) {
      if (it->capacity >= want && it->capacity <= 2 * want &&
          (best == c.free_blocks.end() || it->capacity < best->capacity)) {
        best = it;
      }
    }
    if (best != c.free_blocks.end()) {
      void *raw = best->raw;
      c.cached_bytes -= best->capacity;
      c.free_blocks.erase(best);
      return user_pointer(raw);
    }
  }
  void *raw = fresh_block(want + 2 * kAlign);
  if (raw == nullptr) return nullptr;  // Halide reports the failed allocation
  // A tile's idle lanes read past what a kernel writes (a buffer is
  // realized for every specialization, computed for the one that runs).
  // Their results are discarded, but heap garbage there holds denormals
  // (a pointer's high word), and on Intel cores each FMA on one takes a
  // microcode assist: tiny_4x4 in x tiles across rows took 0.33 ms for
  // 0.011 (Xeon, AVX2 kernel). Zeroed once here, a block holds only
  // zeros and what kernels wrote.
  std::memset(raw, 0, want + 2 * kAlign);
  capacity_of(raw) = want;
  return user_pointer(raw);
}

void cached_free(void * /*user_context*/, void *ptr) {
  if (ptr == nullptr) return;
  void *raw = raw_pointer(ptr);
  const std::size_t capacity = capacity_of(raw);
  if (capacity > kMaxCachedBytes) {
    std::free(raw);
    return;
  }
  std::array<void *, kMaxCachedBlocks> evicted{};
  std::size_t dropped = 0;  // the oldest blocks, evicted to make room
  Cache &c = cache();
  {
    std::lock_guard<std::mutex> lock(c.mutex);
    std::size_t bytes = c.cached_bytes;
    while (dropped < c.free_blocks.size() && (bytes + capacity > kMaxCachedBytes ||
                                              c.free_blocks.size() - dropped >= kMaxCachedBlocks)) {
      bytes -= c.free_blocks[dropped].capacity;
      evicted.at(dropped) = c.free_blocks[dropped].raw;
      ++dropped;
    }
    const auto first = c.free_blocks.begin();
    c.free_blocks.erase(first, first + static_cast<std::ptrdiff_t>(dropped));
    c.free_blocks.push_back({capacity, raw});
    c.cached_bytes = bytes + capacity;
  }
  for (std::size_t i = 0; i < dropped; ++i) std::free(evicted.at(i));
}

}  // namespace

void install_workspace_allocator() {
  static std::once_flag once;
  std::call_once(once, [] {
    halide_set_custom_malloc(cached_malloc);
    halide_set_custom_free(cached_free);
  });
}

std::size_t workspace_cached_bytes() {
  Cache &c = cache();
  std::lock_guard<std::mutex> lock(c.mutex);
  return c.cached_bytes;
}

}  // namespace convt::detail

namespace convt {

void release_workspace() {
  std::vector<detail::Block> blocks;
  {
    detail::Cache &c = detail::cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    blocks.swap(c.free_blocks);
    c.cached_bytes = 0;
  }
  for (const detail::Block &b : blocks) std::free(b.raw);
}

}  // namespace convt
