// oneDNN's deconvolution primitive as a user with PyTorch-layout NCHW float32
// tensors runs it: the primitive picks its own layouts (format_tag::any, its
// best algorithm), and every call reorders the input and weights into them
// and the result back to NCHW.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>
#include <string>

#include "layer_shapes.h"

namespace convt_bench {

class OnednnDeconv {
 public:
  // x: (N, C_in, H, W), w: (C_in, C_out / groups, kH, kW), b: (C_out),
  // out: (N, C_out, H_out, W_out), all dense, owned by the caller.
  OnednnDeconv(const Layer &l, const float *x, const float *w, const float *b, float *out,
               int64_t out_h, int64_t out_w);
  void run();
  // The implementation oneDNN chose, e.g. "jit_deconvolution:avx2".
  std::string implementation() const;

 private:
  dnnl::engine engine_;
  dnnl::stream stream_;
  dnnl::deconvolution_forward::primitive_desc pd_;
  dnnl::deconvolution_forward deconv_;
  dnnl::memory user_src_, user_weights_, bias_, user_dst_;
  dnnl::memory src_, weights_, dst_;  // in the primitive's layouts
  // Made once; empty (not run) where the user's layout is the primitive's.
  dnnl::reorder reorder_src_, reorder_weights_, reorder_dst_;
};

}  // namespace convt_bench
