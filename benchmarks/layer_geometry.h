// A benchmark layer as the planner sees it (runtime/arguments.h), for the
// programs that ask the planner directly: layer_bench --plans and
// convt_trial --tile-orders. Needs runtime/ on the include path.
#pragma once

#include "arguments.h"
#include "layer_shapes.h"

namespace convt_bench {

inline convt::detail::ConvGeometry layer_geometry(const Layer &l) {
  return convt::detail::resolve_geometry(
      l.input_shape(), l.weight_shape(), {l.stride[0], l.stride[1]}, {l.padding[0], l.padding[1]},
      {l.output_padding[0], l.output_padding[1]}, l.groups, {l.dilation[0], l.dilation[1]});
}

}  // namespace convt_bench
