#include "layer_shapes.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>

namespace convt_bench {

namespace {

// The value after "key": in one layer object: a number or [a, b].
std::array<int64_t, 2> field(const std::string &obj, const std::string &key) {
  const std::regex pair("\"" + key + "\"\\s*:\\s*\\[\\s*(-?\\d+)\\s*,\\s*(-?\\d+)\\s*\\]");
  const std::regex scalar("\"" + key + "\"\\s*:\\s*(-?\\d+)");
  std::smatch m;
  if (std::regex_search(obj, m, pair)) return {std::stoll(m[1]), std::stoll(m[2])};
  if (std::regex_search(obj, m, scalar)) return {std::stoll(m[1]), std::stoll(m[1])};
  throw std::runtime_error("shapes: field '" + key + "' missing in " + obj);
}

}  // namespace

double Layer::flops() const {
  return 2.0 * static_cast<double>(n) * static_cast<double>(c_in) * static_cast<double>(h) *
         static_cast<double>(w) * static_cast<double>(c_out / groups) *
         static_cast<double>(kernel[0] * kernel[1]);
}

std::vector<Layer> load_layers(const std::string &path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string all = text.str();
  const std::regex object("\\{[^{}]*\"name\"\\s*:\\s*\"([^\"]+)\"[^{}]*\\}");
  std::vector<Layer> layers;
  for (auto it = std::sregex_iterator(all.begin(), all.end(), object); it != std::sregex_iterator();
       ++it) {
    const std::string obj = (*it)[0];
    Layer l;
    l.name = (*it)[1];
    l.n = field(obj, "N")[0];
    l.c_in = field(obj, "C_in")[0];
    l.h = field(obj, "H")[0];
    l.w = field(obj, "W")[0];
    l.c_out = field(obj, "C_out")[0];
    l.groups = field(obj, "groups")[0];
    l.kernel = field(obj, "kernel");
    l.stride = field(obj, "stride");
    l.padding = field(obj, "padding");
    l.output_padding = field(obj, "output_padding");
    l.dilation = field(obj, "dilation");
    layers.push_back(l);
  }
  if (layers.empty()) throw std::runtime_error("no layers in " + path);
  return layers;
}

bool take_layer_option(int argc, char **argv, int &i, LayerChoice &choice) {
  const std::string a = argv[i];
  if (i + 1 >= argc || (a != "--shapes" && a != "--layer")) return false;
  if (a == "--shapes") {
    choice.shapes = argv[++i];
  } else {
    choice.names.emplace_back(argv[++i]);
  }
  return true;
}

std::vector<Layer> chosen_layers(const LayerChoice &choice) {
  std::vector<Layer> chosen;
  for (const Layer &l : load_layers(choice.shapes)) {
    const auto &names = choice.names;
    if (names.empty() || std::find(names.begin(), names.end(), l.name) != names.end())
      chosen.push_back(l);
  }
  if (chosen.empty()) throw std::runtime_error("no layer of that name in " + choice.shapes);
  return chosen;
}

convt::Shape Layer::input_shape() const { return {n, c_in, h, w}; }

convt::Shape Layer::weight_shape() const { return {c_in, c_out / groups, kernel[0], kernel[1]}; }

LayerTensors::LayerTensors(const Layer &l)
    : x(l.input_shape()),
      w(l.weight_shape()),
      b({l.c_out}),
      out(convt::conv_transpose2d_output_shape(
          x.shape(), w.shape(), {l.stride[0], l.stride[1]}, {l.padding[0], l.padding[1]},
          {l.output_padding[0], l.output_padding[1]}, l.groups, {l.dilation[0], l.dilation[1]})) {}

void fill_uniform(LayerTensors &t) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (convt::Tensor *v : {&t.x, &t.w, &t.b})
    for (int64_t i = 0; i < v->numel(); ++i) v->data()[i] = dist(rng);
}

ConvtCall::ConvtCall(const Layer &l, LayerTensors &t) : ConvtCall(l, t.out, t.x, t.w, t.b) {}

ConvtCall::ConvtCall(const Layer &l, const convt::TensorView &out, const convt::ConstTensorView &x,
                     const convt::ConstTensorView &w, const convt::ConstTensorView &b)
    : out_(out),
      x_(x),
      w_(w),
      b_(b),
      stride_({l.stride[0], l.stride[1]}),
      padding_({l.padding[0], l.padding[1]}),
      output_padding_({l.output_padding[0], l.output_padding[1]}),
      dilation_({l.dilation[0], l.dilation[1]}),
      groups_(l.groups) {}

void ConvtCall::operator()() const {
  convt::conv_transpose2d_out(out_, x_, w_, b_, stride_, padding_, output_padding_, groups_,
                              dilation_);
}

double median_seconds(const std::function<void()> &call, int reps) {
  std::vector<double> times;
  for (int i = 0; i < reps; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    call();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::nth_element(times.begin(), times.begin() + reps / 2, times.end());
  return times[static_cast<size_t>(reps / 2)];
}

}  // namespace convt_bench
