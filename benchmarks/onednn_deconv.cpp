#include "onednn_deconv.h"

namespace convt_bench {

namespace {

using dnnl::memory;

memory::desc desc(const memory::dims &dims, memory::format_tag tag) {
  return memory::desc(dims, memory::data_type::f32, tag);
}

// The primitive's memory for `user`'s data: `user` itself when the layouts
// agree, else a new buffer that each run() fills by a reorder.
memory in_layout(const memory::desc &wanted, const memory &user, const dnnl::engine &e) {
  return wanted == user.get_desc() ? user : memory(wanted, e);
}

}  // namespace

OnednnDeconv::OnednnDeconv(const Layer &l, const float *x, const float *w, const float *b,
                           float *out, int64_t out_h, int64_t out_w)
    : engine_(dnnl::engine::kind::cpu, 0), stream_(engine_) {
  using tag = memory::format_tag;
  const memory::dims src_dims{l.n, l.c_in, l.h, l.w};
  const memory::dims dst_dims{l.n, l.c_out, out_h, out_w};
  const memory::dims bias_dims{l.c_out};
  // PyTorch's weight (C_in, C_out / g, kH, kW) is oneDNN's (g,) O, I, kH, kW
  // stored I-major: iohw, or giohw with groups.
  const int64_t g = l.groups;
  const bool grouped = g > 1;
  const memory::dims weight_dims =
      grouped ? memory::dims{g, l.c_out / g, l.c_in / g, l.kernel[0], l.kernel[1]}
              : memory::dims{l.c_out, l.c_in, l.kernel[0], l.kernel[1]};
  // oneDNN counts dilation from 0, and output_padding is padding taken off
  // the bottom and right.
  const memory::dims strides{l.stride[0], l.stride[1]};
  const memory::dims dilates{l.dilation[0] - 1, l.dilation[1] - 1};
  const memory::dims pad_l{l.padding[0], l.padding[1]};
  const memory::dims pad_r{l.padding[0] - l.output_padding[0], l.padding[1] - l.output_padding[1]};

  // oneDNN 3 folded the operation descriptor into the primitive descriptor.
#if DNNL_VERSION_MAJOR >= 3
  pd_ = dnnl::deconvolution_forward::primitive_desc(
      engine_, dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
      desc(src_dims, tag::any), desc(weight_dims, tag::any), desc(bias_dims, tag::x),
      desc(dst_dims, tag::any), strides, dilates, pad_l, pad_r);
#else
  dnnl::deconvolution_forward::desc d(
      dnnl::prop_kind::forward_inference, dnnl::algorithm::deconvolution_direct,
      desc(src_dims, tag::any), desc(weight_dims, tag::any), desc(bias_dims, tag::x),
      desc(dst_dims, tag::any), strides, dilates, pad_l, pad_r);
  pd_ = dnnl::deconvolution_forward::primitive_desc(d, engine_);
#endif
  deconv_ = dnnl::deconvolution_forward(pd_);

  user_src_ = memory(desc(src_dims, tag::nchw), engine_, const_cast<float *>(x));
  user_weights_ =
      memory(desc(weight_dims, grouped ? tag::giohw : tag::iohw), engine_, const_cast<float *>(w));
  bias_ = memory(desc(bias_dims, tag::x), engine_, const_cast<float *>(b));
  user_dst_ = memory(desc(dst_dims, tag::nchw), engine_, out);
  src_ = in_layout(pd_.src_desc(), user_src_, engine_);
  weights_ = in_layout(pd_.weights_desc(), user_weights_, engine_);
  dst_ = in_layout(pd_.dst_desc(), user_dst_, engine_);
  if (src_ != user_src_) reorder_src_ = dnnl::reorder(user_src_, src_);
  if (weights_ != user_weights_) reorder_weights_ = dnnl::reorder(user_weights_, weights_);
  if (dst_ != user_dst_) reorder_dst_ = dnnl::reorder(dst_, user_dst_);
}

void OnednnDeconv::run() {
  if (reorder_src_) reorder_src_.execute(stream_, user_src_, src_);
  if (reorder_weights_) reorder_weights_.execute(stream_, user_weights_, weights_);
  deconv_.execute(stream_, {{DNNL_ARG_SRC, src_},
                            {DNNL_ARG_WEIGHTS, weights_},
                            {DNNL_ARG_BIAS, bias_},
                            {DNNL_ARG_DST, dst_}});
  if (reorder_dst_) reorder_dst_.execute(stream_, dst_, user_dst_);
  stream_.wait();
}

std::string OnednnDeconv::implementation() const { return pd_.impl_info_str(); }

}  // namespace convt_bench
