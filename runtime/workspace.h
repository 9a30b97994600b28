// Kernel scratch memory (the zero-bordered input copy), kept between calls.
// Allocating it fresh each call costs page faults that, on memory-bound
// layers, take longer than the convolution itself.
#pragma once

#include <cstddef>

namespace convt::detail {

// The cache's limits (workspace.cpp says why): bytes and blocks held between
// calls.
constexpr std::size_t kMaxCachedBytes = std::size_t{256} << 20;
constexpr std::size_t kMaxCachedBlocks = 256;

// Makes the cache Halide's allocator; idempotent and thread-safe.
void install_workspace_allocator();

// Bytes held by the cache between calls (for tests and diagnostics).
std::size_t workspace_cached_bytes();

}  // namespace convt::detail
