#include "guard_pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

namespace convt_test {

GuardPages guard_pages_mode() {
  static const GuardPages mode = [] {
    const char *v = std::getenv("CONVT_GUARD_PAGES");
    if (v == nullptr || *v == '\0') return GuardPages::kNone;
    if (std::strcmp(v, "after") == 0) return GuardPages::kAfter;
    if (std::strcmp(v, "before") == 0) return GuardPages::kBefore;
    throw std::invalid_argument(std::string("CONVT_GUARD_PAGES must be after or before, got ") + v);
  }();
  return mode;
}

GuardedArena::~GuardedArena() {
  for (const Mapping &m : mappings_) munmap(m.base, m.bytes);
}

float *GuardedArena::place(std::vector<float> &values) {
  if (mode_ == GuardPages::kNone) return values.data();
  const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
  const size_t bytes = values.size() * sizeof(float);
  const size_t data_pages = (bytes + page - 1) / page;
  // [guard][data pages][guard]: the data sits against one of the guards.
  const size_t total = (data_pages + 2) * page;
  void *base = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) throw std::bad_alloc();
  mappings_.push_back({base, total});
  char *first = static_cast<char *>(base);
  if (mprotect(first, page, PROT_NONE) != 0 ||
      mprotect(first + (data_pages + 1) * page, page, PROT_NONE) != 0) {
    throw std::runtime_error("mprotect failed for a guard page");
  }
  char *data =
      mode_ == GuardPages::kBefore ? first + page : first + (data_pages + 1) * page - bytes;
  if (bytes > 0) std::memcpy(data, values.data(), bytes);
  return reinterpret_cast<float *>(data);
}

}  // namespace convt_test
