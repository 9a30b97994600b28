// Benchmark layers from shapes.json (../shared/bench/shapes.json): one flat
// object per layer, fields named as conv_transpose2d's parameters; their
// tensors, convt's call on them, and the median timing the benchmarks share.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "convt/convt.h"

namespace convt_bench {

struct Layer {
  std::string name;
  int64_t n = 1, c_in = 1, h = 1, w = 1, c_out = 1, groups = 1;
  std::array<int64_t, 2> kernel{1, 1}, stride{1, 1}, padding{0, 0}, output_padding{0, 0},
      dilation{1, 1};

  // 2 * N * C_in * H * W * (C_out / groups) * kH * kW: every input pixel
  // meets every tap once (SEMANTICS.md, "Work").
  double flops() const;
  convt::Shape input_shape() const;   // {N, C_in, H, W}
  convt::Shape weight_shape() const;  // {C_in, C_out / groups, kH, kW}
};

// All layers in the file; throws std::runtime_error when it cannot be read.
std::vector<Layer> load_layers(const std::string &path);

// The benchmarks' common options: --shapes FILE and --layer NAME
// (repeatable; none means every layer).
struct LayerChoice {
  std::string shapes;
  std::vector<std::string> names;
};

// Takes argv[i] (and its value, advancing i) when it is --shapes or --layer;
// returns whether it did.
bool take_layer_option(int argc, char **argv, int &i, LayerChoice &choice);

// The chosen layers in file order; throws std::runtime_error when the file
// cannot be read or no layer matches.
std::vector<Layer> chosen_layers(const LayerChoice &choice);

// One layer's NCHW float32 tensors: input, weight and bias (zeros until
// filled) and an output of the layer's output shape.
struct LayerTensors {
  explicit LayerTensors(const Layer &l);
  convt::Tensor x, w, b, out;
};

// Fills input, weight and bias with uniform values in [-1, 1] (seed 1).
void fill_uniform(LayerTensors &t);

// out = conv_transpose2d(x, w, b) with the layer's parameters, its views
// and parameter lists made once, as an application holds them across
// calls (and as the oneDNN runs hold their memory objects): a call then
// times, and allocates, only what convt does. On the layer's tensors, or
// on views of the same shapes (device memory, say).
class ConvtCall {
 public:
  ConvtCall(const Layer &l, LayerTensors &t);
  ConvtCall(const Layer &l, const convt::TensorView &out, const convt::ConstTensorView &x,
            const convt::ConstTensorView &w, const convt::ConstTensorView &b);
  void operator()() const;

 private:
  convt::TensorView out_;
  convt::ConstTensorView x_, w_;
  std::optional<convt::ConstTensorView> b_;
  convt::IntList stride_, padding_, output_padding_, dilation_;
  int64_t groups_;
};

// The median wall time of `reps` calls (callers warm up first), in seconds.
double median_seconds(const std::function<void()> &call, int reps);

}  // namespace convt_bench
