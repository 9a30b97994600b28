// Live and peak heap bytes of this process, counted by malloc replacements
// (heap_meter.cpp) that every allocation in it goes through: convt's, the
// Halide runtime's, oneDNN's and the C++ library's.
#pragma once

#include <cstdint>

namespace convt_bench {

// Bytes allocated and not yet freed.
int64_t heap_live_bytes();

// Restarts the peak at the current live bytes; returns them.
int64_t heap_reset_peak();

// The most live bytes since the last heap_reset_peak().
int64_t heap_peak_bytes();

// Allocations made so far (malloc, calloc, realloc, aligned forms).
int64_t heap_allocations();

}  // namespace convt_bench
