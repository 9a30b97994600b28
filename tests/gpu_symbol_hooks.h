// Replaces GPU driver entry points (OpenCL, CUDA) that Halide's runtime
// looks up by name, through halide_set_custom_get_library_symbol, so that
// tests can count the calls or make them fail. Hooks must be registered
// before the runtime's first lookup, i.e. before the process's first GPU
// call (from a static initializer).
#pragma once

namespace convt_test {

// From now on, a lookup of `name` returns `replacement`, and `*real` is set
// to the driver's own entry point when the runtime looks it up.
void hook_gpu_symbol(const char *name, void *replacement, void **real);

}  // namespace convt_test
