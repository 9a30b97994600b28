// The kernels compiled into this build (CONVT_TARGETS). Each backend file
// defines the selector for its device.
#pragma once

#include "halide_call.h"

namespace convt::detail {

// The CPU kernel for this machine: the best flavour its features allow.
const Kernel &cpu_kernel();

}  // namespace convt::detail
