#include "strided_copy.h"

#include <cstddef>

namespace convt::detail {

void copy_strided(const Shape &shape, const float *src, const Shape &src_strides, float *dst,
                  const Shape &dst_strides) {
  int64_t count = 1;
  for (int64_t e : shape) count *= e;
  Shape index(shape.size(), 0);  // row-major odometer over the shape
  for (int64_t i = 0; i < count; ++i) {
    int64_t from = 0;
    int64_t to = 0;
    for (size_t d = 0; d < shape.size(); ++d) {
      from += index[d] * src_strides[d];
      to += index[d] * dst_strides[d];
    }
    dst[to] = src[from];
    for (size_t d = shape.size(); d-- > 0 && ++index[d] == shape[d];) index[d] = 0;
  }
}

}  // namespace convt::detail
