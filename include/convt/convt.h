// convt: 2D transposed convolution, AOT-compiled with Halide.
#pragma once

#include "convt/conv_transpose2d.h"
#include "convt/errors.h"
#include "convt/tensor.h"
