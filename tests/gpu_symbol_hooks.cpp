#include "gpu_symbol_hooks.h"

#include <cstring>
#include <vector>

#include "HalideRuntime.h"

namespace convt_test {

namespace {

struct Hook {
  const char *name;
  void *replacement;
  void **real;
};

std::vector<Hook> &hooks() {
  static std::vector<Hook> h;
  return h;
}

halide_get_library_symbol_t previous_lookup = nullptr;

void *lookup(void *lib, const char *name) {
  void *symbol = previous_lookup(lib, name);
  if (symbol == nullptr) return symbol;
  for (const Hook &h : hooks()) {
    if (std::strcmp(name, h.name) == 0) {
      *h.real = symbol;
      return h.replacement;
    }
  }
  return symbol;
}

}  // namespace

void hook_gpu_symbol(const char *name, void *replacement, void **real) {
  if (previous_lookup == nullptr) previous_lookup = halide_set_custom_get_library_symbol(lookup);
  hooks().push_back({name, replacement, real});
}

}  // namespace convt_test
