// Element-wise copy between two float32 layouts of one shape (strides in
// elements): gathers views into dense buffers and scatters dense results
// into strided outputs.
#pragma once

#include "convt/tensor.h"

namespace convt::detail {

void copy_strided(const Shape &shape, const float *src, const Shape &src_strides, float *dst,
                  const Shape &dst_strides);

}  // namespace convt::detail
