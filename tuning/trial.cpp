// One tuning trial's measurement, through the public API: for each chosen
// layer, convt's result is first checked against the float64 reference (a
// wrong kernel is reported, not timed), then timed: the median of --reps
// calls after warm-up. One JSON object per layer on stdout:
//   {"layer": ..., "ok": true, "rel_err": ..., "ms": ...}
// The reference of a layer's fixed random inputs is cached in --ref-dir, so
// only a layer's first trial pays for it. tuning/tune.py links this program
// against each candidate kernel library in turn.
//   convt_trial [--shapes FILE] [--layer NAME]... [--reps N] [--ref-dir DIR]
//               [--perturb] [--device cuda [--probe]] [--tile-orders]
// --perturb changes one output value before the check, so the tuner's test
// can show that a wrong candidate is caught. --device cuda runs on tensors
// in CUDA device memory (the call synchronizes, so wall time is the
// kernel's); --probe then only says whether CUDA is usable here (exit 0) or
// why not (exit 3). Host tensors go to the CPU kernel, or to a GPU kernel
// where CONVT_HOST_KERNEL says so (the OpenCL one on PoCL, for tests).
// --tile-orders runs nothing: it prints, per layer, the CPU tile orders its
// call may run on this machine, {"layer": ..., "tile_orders": [...]}, so
// that tuning/tune.py builds a candidate in those orders only.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "layer_geometry.h"
#include "layer_shapes.h"
#include "plan.h"
#if defined(CONVT_TRIAL_CUDA)
#include "cuda_memory.h"
#endif
#include "reference.h"
#include "test_util.h"

namespace {

struct Options {
  int reps = 7;
  std::string ref_dir;
  bool perturb = false;
  bool cuda = false;  // tensors in CUDA device memory
  bool tile_orders = false;
};

convt_test::RefParams ref_params(const convt_bench::Layer &l) {
  convt_test::RefParams p;
  p.n = l.n;
  p.c_in = l.c_in;
  p.h_in = l.h;
  p.w_in = l.w;
  p.c_out = l.c_out;
  p.kh = l.kernel[0];
  p.kw = l.kernel[1];
  p.stride = l.stride;
  p.padding = l.padding;
  p.output_padding = l.output_padding;
  p.dilation = l.dilation;
  p.groups = l.groups;
  return p;
}

// The reference output for the layer's inputs, from the cache when there.
std::vector<double> reference(const convt_bench::Layer &l, const std::vector<float> &x,
                              const std::vector<float> &w, const std::vector<float> &b,
                              const std::string &ref_dir) {
  const convt_test::RefParams p = ref_params(l);
  const size_t count = static_cast<size_t>(p.n * p.c_out * p.h_out() * p.w_out());
  const std::string path = ref_dir.empty() ? "" : ref_dir + "/" + l.name + ".f64";
  if (!path.empty()) {
    std::ifstream in(path, std::ios::binary);
    std::vector<double> cached(count);
    if (in.read(reinterpret_cast<char *>(cached.data()),
                static_cast<std::streamsize>(count * sizeof(double))) &&
        in.peek() == EOF)
      return cached;
  }
  std::vector<double> want = convt_test::reference_conv_transpose2d(p, x, w, b);
  if (!path.empty()) {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char *>(want.data()),
              static_cast<std::streamsize>(want.size() * sizeof(double)));
  }
  return want;
}

// The CPU tile orders a call of `l` may run here, in the planning mode and
// under the ISA cap the process starts with: the rules' plan, and under
// CONVT_PLAN=measure every plan the measurement tries (it is asked to time
// them, and only notes them; this process runs no call after it).
void print_tile_orders(const convt_bench::Layer &l) {
  namespace d = convt::detail;
  const d::ConvGeometry g = convt_bench::layer_geometry(l);
  const d::Plan rules = d::plan_call(g, convt::Device::kCPU);
  std::set<int32_t> orders{rules.tile_order};
  d::measured_plan(g, rules, [&](const d::Plan &plan) { orders.insert(plan.tile_order); });
  std::string list;
  for (const int32_t order : orders) list += (list.empty() ? "" : ", ") + std::to_string(order);
  std::printf("{\"layer\": \"%s\", \"tile_orders\": [%s]}\n", l.name.c_str(), list.c_str());
}

void run_layer(const convt_bench::Layer &l, const Options &o) {
  std::mt19937 rng(2024);  // fixed: the cached reference depends on it
  convt_bench::LayerTensors t(l);
  std::vector<std::vector<float>> values;
  for (convt::Tensor *v : {&t.x, &t.w, &t.b}) {
    values.push_back(convt_test::random_values(static_cast<size_t>(v->numel()), rng));
    std::copy(values.back().begin(), values.back().end(), v->data());
  }
  std::function<void()> run = convt_bench::ConvtCall(l, t);
  std::function<std::vector<float>()> result = [&] {
    return std::vector<float>(t.out.data(), t.out.data() + t.out.numel());
  };
#if defined(CONVT_TRIAL_CUDA)
  // The same values, in device memory.
  std::unique_ptr<convt_test::DeviceArray> dx, dw, db, dout;
  if (o.cuda) {
    dx = std::make_unique<convt_test::DeviceArray>(values[0]);
    dw = std::make_unique<convt_test::DeviceArray>(values[1]);
    db = std::make_unique<convt_test::DeviceArray>(values[2]);
    dout = std::make_unique<convt_test::DeviceArray>(
        std::vector<float>(static_cast<size_t>(t.out.numel())));
    if (!dx->ok() || !dw->ok() || !db->ok() || !dout->ok())
      throw std::runtime_error("could not allocate the layer's tensors on the CUDA device");
    using convt::Device;
    run = convt_bench::ConvtCall(l, convt::TensorView(dout->data(), t.out.shape(), Device::kCUDA),
                                 convt::ConstTensorView(dx->data(), t.x.shape(), Device::kCUDA),
                                 convt::ConstTensorView(dw->data(), t.w.shape(), Device::kCUDA),
                                 convt::ConstTensorView(db->data(), t.b.shape(), Device::kCUDA));
    result = [&] { return dout->read(); };
  }
#endif
  run();
  std::vector<float> got = result();
  if (o.perturb && !got.empty()) got[got.size() / 2] += 1.0f;
  const double err =
      convt_test::relative_error(got, reference(l, values[0], values[1], values[2], o.ref_dir));
  const bool ok = err <= convt_test::kTolerance;
  double ms = -1.0;
  if (ok) {
    run();  // warm-up: thread pool, caches, pages
    ms = 1e3 * convt_bench::median_seconds(run, o.reps);
  }
  std::printf("{\"layer\": \"%s\", \"ok\": %s, \"rel_err\": %.3g, \"ms\": %.6g}\n", l.name.c_str(),
              ok ? "true" : "false", err, ms);
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char **argv) {
  convt_bench::LayerChoice choice{CONVT_DEFAULT_SHAPES, {}};
  Options o;
  bool probe = false;
  for (int i = 1; i < argc; ++i) {
    if (convt_bench::take_layer_option(argc, argv, i, choice)) continue;
    if (std::strcmp(argv[i], "--reps") == 0 && i + 1 < argc) {
      o.reps = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--ref-dir") == 0 && i + 1 < argc) {
      o.ref_dir = argv[++i];
    } else if (std::strcmp(argv[i], "--perturb") == 0) {
      o.perturb = true;
    } else if (std::strcmp(argv[i], "--device") == 0 && i + 1 < argc &&
               std::strcmp(argv[i + 1], "cuda") == 0) {
      o.cuda = true;
      ++i;
    } else if (std::strcmp(argv[i], "--probe") == 0) {
      probe = true;
    } else if (std::strcmp(argv[i], "--tile-orders") == 0) {
      o.tile_orders = true;
    } else {
      std::fprintf(stderr,
                   "usage: %s [--shapes FILE] [--layer NAME]... [--reps N] [--ref-dir DIR] "
                   "[--perturb] [--device cuda [--probe]] [--tile-orders]\n",
                   argv[0]);
      return 2;
    }
  }
  if (o.cuda) {
    std::string reason;
#if defined(CONVT_TRIAL_CUDA)
    const bool usable = convt::cuda_available(&reason);
#else
    const bool usable = false;
    reason = "this build has no CUDA backend";
#endif
    if (!usable) {
      std::fprintf(stderr, "convt_trial: CUDA is not usable here: %s\n", reason.c_str());
      return 3;
    }
  }
  if (probe) return 0;
  try {
    for (const auto &l : convt_bench::chosen_layers(choice)) {
      if (o.tile_orders) {
        print_tile_orders(l);
      } else {
        run_layer(l, o);
      }
    }
  } catch (const std::exception &e) {
    std::fprintf(stderr, "convt_trial: %s\n", e.what());
    return 1;
  }
  return 0;
}
