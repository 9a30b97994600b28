// libFuzzer harness for the public API (include/convt): arbitrary shapes
// (0, negative, huge), parameter lists of any length, view strides (zero,
// negative, overlapping, huge), bias or none, dtypes and devices, through
// conv_transpose2d, conv_transpose2d_out and conv_transpose2d_output_shape.
//
// Every call must end in a correct result or in TypeError / ValueError
// (RuntimeError only for CUDA tensors where no CUDA device is usable).
// Anything else aborts: another exception, a crash, a wrong shape, a result
// off the float64 reference (checked whenever the sizes are small), or a
// read outside the tensors: each backed tensor lies against a guard page,
// and a tensor too large to back points at inaccessible memory, which
// validation must refuse before reading it.
//
// Built with clang -fsanitize=fuzzer in the instrumented build
// (scripts/reliability.sh); replay_main.cpp runs the same function over
// files in every other build.
#include <sys/mman.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "../guard_pages.h"
#include "../reference.h"
#include "../test_util.h"
#include "convt/convt.h"

namespace {

using convt::ConstTensorView;
using convt::Device;
using convt::DType;
using convt::IntList;
using convt::Shape;
using convt::TensorView;
using i128 = __int128;

// a * b for a, b >= 0, capped at 2^100 (past every limit compared here).
i128 capped_mul(i128 a, i128 b) {
  constexpr i128 kCap = i128{1} << 100;
  if (a <= 0 || b <= 0) return 0;
  return a > kCap / b ? kCap : a * b;
}
i128 nonneg(int64_t v) { return v < 0 ? 0 : v; }

// a * b with the magnitude capped at 2^120: sums of a few stay in i128.
i128 signed_capped_mul(i128 a, i128 b) {
  const bool negative = (a < 0) != (b < 0);
  const i128 m = capped_mul(a < 0 ? -a : a, b < 0 ? -b : b);
  const i128 c = m > (i128{1} << 120) ? i128{1} << 120 : m;
  return negative ? -c : c;
}

// Tensors up to this many float32 elements (span) are backed by memory.
constexpr int64_t kMaxBacked = int64_t{1} << 16;
// Calls whose output, or true or border multiply-adds, exceed these are
// not made when they would be valid (they are slow, not interesting):
// conv_transpose2d_output_shape still runs.
constexpr i128 kMaxOutputs = i128{1} << 18;
constexpr i128 kMaxWork = i128{1} << 22;
// The reference runs when the work is this small.
constexpr i128 kMaxCheckedWork = i128{1} << 20;

[[noreturn]] void finding(const std::string &what) {
  std::fprintf(stderr, "FINDING: %s\n", what.c_str());
  std::fflush(stderr);
  std::abort();
}

// The fuzzer's bytes, read front to back; zeros once exhausted.
class Bytes {
 public:
  Bytes(const uint8_t *data, size_t size) : data_(data), size_(size) {}
  uint8_t next() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = v << 8 | next();
    return v;
  }
  // A size or parameter: mostly in [0, small], sometimes 0, negative, near
  // a limit of the library or of int64, or any int64.
  int64_t value(int64_t small) {
    static constexpr int64_t kEdges[] = {1 << 15,
                                         1 << 16,
                                         46341,
                                         46342,
                                         (1 << 20) - 1,
                                         1 << 20,
                                         (1 << 20) + 1,
                                         1 << 28,
                                         (1 << 28) + 1,
                                         1 << 30,
                                         (int64_t{1} << 31) - 1,
                                         int64_t{1} << 31,
                                         int64_t{1} << 32,
                                         (int64_t{1} << 44) + 1,
                                         int64_t{1} << 62,
                                         1431655766,
                                         std::numeric_limits<int64_t>::max(),
                                         std::numeric_limits<int64_t>::min()};
    const uint8_t b = next();
    switch (b % 16) {
      case 10:
        return 0;
      case 11:
        return -1 - next() % 4;
      case 12:
        return kEdges[next() % (sizeof(kEdges) / sizeof(kEdges[0]))];
      case 13: {  // just below an edge (wrapping at INT64_MIN, like the edge list)
        const uint64_t edge =
            static_cast<uint64_t>(kEdges[next() % (sizeof(kEdges) / sizeof(kEdges[0]))]);
        return static_cast<int64_t>(edge - next() % 3);
      }
      case 14:
        return static_cast<int64_t>(u64());
      case 15:
        return small + next() % 64;
      default:
        return (b / 16) % (small + 1);
    }
  }

 private:
  const uint8_t *data_;
  size_t size_;
  size_t pos_ = 0;
};

// An int or a list of any length (most often a pair).
IntList int_list(Bytes &in, int64_t small) {
  const uint8_t kind = in.next() % 8;
  if (kind < 4) return IntList(in.value(small));
  size_t length = kind < 7 ? 2 : in.next() % 4;
  std::vector<int64_t> v;
  for (size_t i = 0; i < length; ++i) v.push_back(in.value(small));
  return IntList(v);
}

// The (H, W) pair convt would read from a valid list.
std::optional<std::array<int64_t, 2>> as_pair(const IntList &l) {
  if (l.is_scalar()) return std::array<int64_t, 2>{l.values()[0], l.values()[0]};
  if (l.values().size() == 2) return std::array<int64_t, 2>{l.values()[0], l.values()[1]};
  return std::nullopt;
}

Shape shape_of(Bytes &in, size_t rank, const int64_t *small) {
  Shape s(rank);
  for (size_t d = 0; d < rank; ++d) s[d] = in.value(small[d < 4 ? d : 3]);
  return s;
}

// Strides for `shape`: contiguous, permuted, with gaps, some zero
// (broadcast), some negative, or one arbitrary (overlapping or huge).
Shape strides_of(Bytes &in, const Shape &shape) {
  Shape strides(shape.size());
  int64_t s = 1;
  for (size_t d = shape.size(); d-- > 0;) {
    strides[d] = s;
    const int64_t e = shape[d] > 0 && shape[d] < (int64_t{1} << 20) ? shape[d] : 1;
    s = s * e < (int64_t{1} << 40) ? s * e : s;
  }
  const uint8_t mode = in.next() % 8;
  if (mode == 4 && shape.size() == 4) {  // (N, C, H, W) stored NHWC
    auto size = [](int64_t e) { return e > 0 && e < (int64_t{1} << 20) ? e : 1; };
    const int64_t c = size(shape[1]), h = size(shape[2]), w = size(shape[3]);
    strides = {h * w * c, 1, w * c, c};
  } else if (mode == 5) {
    int64_t gap = 1;
    for (size_t d = shape.size(); d-- > 0;) {
      gap *= 1 + in.next() % 3;
      strides[d] *= gap;
    }
  } else if (mode == 6) {
    for (int64_t &st : strides) {
      if (in.next() % 2) st = 0;
    }
  } else if (mode == 7) {
    for (int64_t &st : strides) {
      if (in.next() % 2) st = -st;
    }
  }
  if (in.next() % 16 == 0 && !strides.empty()) strides[in.next() % strides.size()] = in.value(8);
  return strides;
}

// Element offsets [lo, hi] a view reaches; nullopt when it reaches nothing
// (a size 0) or a size is negative.
struct Reach {
  i128 lo = 0, hi = 0;
};
std::optional<Reach> reach_of(const Shape &shape, const Shape &strides) {
  Reach r;
  for (size_t d = 0; d < shape.size(); ++d) {
    if (shape[d] <= 0) return std::nullopt;
    const i128 step = i128{shape[d] - 1} * strides[d];
    (step < 0 ? r.lo : r.hi) += step;
  }
  return r;
}

// Memory no one may read: any access faults.
float *poison() {
  static float *p = [] {
    const size_t bytes = size_t{1} << 24;
    void *m = mmap(nullptr, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED) finding("mmap of the poison region failed");
    return static_cast<float *>(m) + bytes / 8;
  }();
  return p;
}

// One tensor the harness hands to convt, and how to read it back.
struct Placed {
  Shape shape, strides;
  float *data = nullptr;  // element 0
  bool backed = false;    // data lies in memory the harness owns
};

enum class Placement { kBacked, kPoisoned, kSkip };

// A shape's element count, 0 with a negative size, capped at 2^62.
i128 element_count(const Shape &shape) {
  i128 numel = 1;
  for (int64_t e : shape) {
    numel *= e < 0 ? 0 : e;
    if (numel > (i128{1} << 62)) numel = i128{1} << 62;
  }
  return numel;
}

// Backs a view with guarded memory holding random non-zero values, or
// points it at poison when it is far too large for any valid call.
Placement place(Bytes &in, convt_test::GuardedArena &arena, std::vector<std::vector<float>> &store,
                std::mt19937 &rng, Placed &t) {
  const bool negative =
      std::any_of(t.shape.begin(), t.shape.end(), [](int64_t e) { return e < 0; });
  const i128 numel = element_count(t.shape);
  const std::optional<Reach> r = reach_of(t.shape, t.strides);
  const i128 span = r ? r->hi - r->lo + 1 : 0;
  if (negative || span > (i128{1} << 29) || numel > (i128{1} << 29)) {
    t.data = poison();  // no valid call reads this
    return Placement::kPoisoned;
  }
  if (span > kMaxBacked) return Placement::kSkip;
  // Non-zero values in [-1, -1/16] U [1/16, 1], cheaply (a xorshift).
  std::vector<float> values(static_cast<size_t>(span));
  uint32_t state = static_cast<uint32_t>(rng()) | 1u;
  for (float &v : values) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const float magnitude = static_cast<float>(1 + (state >> 8) % 16) / 16.0f;
    v = state & 1u ? magnitude : -magnitude;
  }
  store.push_back(std::move(values));
  float *base = arena.place(store.back());
  t.data = base + static_cast<int64_t>(r ? -r->lo : 0);
  t.backed = true;
  if (numel > 0 && in.next() % 32 == 0) t.data = nullptr;  // must be refused
  return Placement::kBacked;
}

// The view's elements in row-major order (sizes checked small first).
std::vector<float> gather(const Placed &t) {
  return convt_test::gather(t.data, t.shape, t.strides);
}

std::string describe(const char *name, const Placed &t) {
  return std::string(name) + " " + convt::shape_to_string(t.shape) + " strides " +
         convt::shape_to_string(t.strides);
}

std::string list_string(const IntList &l) {
  std::string s = l.is_scalar() ? "" : "[";
  for (size_t i = 0; i < l.values().size(); ++i)
    s += (i ? ", " : "") + std::to_string(l.values()[i]);
  return s + (l.is_scalar() ? "" : "]");
}

int run_one(const uint8_t *data, size_t size) {
  Bytes in(data, size);
  std::mt19937 rng(static_cast<uint32_t>(in.next()) * 2654435761u + 1);
  convt_test::GuardedArena arena(in.next() % 2 ? convt_test::GuardPages::kAfter
                                               : convt_test::GuardPages::kBefore);
  std::vector<std::vector<float>> store;

  // Shapes: mostly a valid-looking layer, each size from Bytes::value.
  const uint8_t rank_kind = in.next() % 8;
  const size_t rank = rank_kind < 6 ? 4 : rank_kind == 6 ? 3 : in.next() % 7;
  static constexpr int64_t kInputSmall[] = {3, 6, 7, 7};
  Placed x;
  x.shape = shape_of(in, rank, kInputSmall);
  const bool batched = rank == 4;
  const int64_t channels = rank >= 3 ? x.shape[rank - 3] : 1;
  const size_t weight_rank = in.next() % 16 ? 4 : in.next() % 7;
  Placed w;
  static constexpr int64_t kWeightSmall[] = {6, 4, 5, 5};
  w.shape = shape_of(in, weight_rank, kWeightSmall);
  if (weight_rank == 4 && in.next() % 8) w.shape[0] = channels;
  const uint8_t groups_kind = in.next() % 8;
  const int64_t groups = groups_kind < 5    ? 1
                         : groups_kind == 5 ? channels
                         : groups_kind == 6 ? 1 + in.next() % 4
                                            : in.value(8);
  const IntList stride = int_list(in, 4), padding = int_list(in, 3),
                output_padding = int_list(in, 2), dilation = int_list(in, 3);
  const uint8_t bias_kind = in.next() % 4;  // 0: none, 3: any shape
  Placed b;
  if (bias_kind == 3) {
    static constexpr int64_t kBiasSmall[] = {8, 8, 8, 8};
    b.shape = shape_of(in, in.next() % 3, kBiasSmall);
  } else if (bias_kind != 0) {
    const i128 c_out = weight_rank == 4 ? i128{w.shape[1]} * groups : 1;
    b.shape = {static_cast<int64_t>(std::clamp<i128>(c_out, INT64_MIN, INT64_MAX))};
  }
  const uint8_t call = in.next() % 4;  // 0, 1: allocating; 2: _out; 3: output_shape
  // The call, for a finding's message (strides are drawn later).
  auto layer = [&] {
    return describe("input", x) + ", " + describe("weight", w) + ", stride " + list_string(stride) +
           ", padding " + list_string(padding) + ", output_padding " + list_string(output_padding) +
           ", dilation " + list_string(dilation) + ", groups " + std::to_string(groups);
  };

  // The shape every accepted call must produce, from the definition.
  std::optional<Shape> want_shape;
  i128 outputs = 0, true_work = 0, border_work = 0;
  const auto s = as_pair(stride), p = as_pair(padding), op = as_pair(output_padding),
             d = as_pair(dilation);
  if (s && p && op && d && (rank == 3 || rank == 4) && weight_rank == 4 && groups > 0) {
    const size_t o = batched ? 1 : 0;
    Shape shape;
    if (batched) shape.push_back(x.shape[0]);
    shape.push_back(
        static_cast<int64_t>(std::clamp<i128>(i128{w.shape[1]} * groups, INT64_MIN, INT64_MAX)));
    bool fits = true;
    for (int a = 0; a < 2; ++a) {
      const i128 size = signed_capped_mul(i128{x.shape[o + 1 + a]} - 1, (*s)[a]) -
                        i128{2} * (*p)[a] + signed_capped_mul((*d)[a], i128{w.shape[2 + a]} - 1) +
                        (*op)[a] + 1;
      fits = fits && size >= std::numeric_limits<int64_t>::min() && size <= INT64_MAX;
      shape.push_back(fits ? static_cast<int64_t>(size) : 0);
    }
    if (fits) {
      want_shape = shape;
      outputs = 1;
      for (int64_t e : shape) outputs = capped_mul(outputs, nonneg(e));
      const i128 n = batched ? nonneg(x.shape[0]) : 1;
      const i128 pair = capped_mul(capped_mul(n, nonneg(shape[o])), nonneg(channels)) /
                        std::max<int64_t>(groups, 1);
      const i128 true_x = capped_mul(nonneg(x.shape[o + 2]), nonneg(w.shape[3]));
      const i128 true_y = capped_mul(nonneg(x.shape[o + 1]), nonneg(w.shape[2]));
      true_work = capped_mul(pair, capped_mul(true_x, true_y));
      // The CPU kernels' multiply-adds: every tap of a phase at every
      // output column, rows outside the input skipped (runtime/arguments.cpp).
      const i128 stride_x = std::max<int64_t>((*s)[1], 1);
      const i128 columns = (nonneg(shape[o + 2]) + stride_x - 1) / stride_x;
      border_work = capped_mul(pair, capped_mul(capped_mul(columns, nonneg(w.shape[3])), true_y));
    }
  }

  if (call == 3) {
    try {
      const Shape got = convt::conv_transpose2d_output_shape(x.shape, w.shape, stride, padding,
                                                             output_padding, groups, dilation);
      if (!want_shape || got != *want_shape) {
        finding("output_shape " + convt::shape_to_string(got) + " for " + layer());
      }
    } catch (const convt::TypeError &) {
    } catch (const convt::ValueError &) {
    } catch (const std::exception &e) {
      finding(std::string("output_shape threw ") + e.what() + " for " + layer());
    }
    return 0;
  }
  // A valid call this large is slow, not interesting; one beyond the
  // limits is refused before any work, so it runs.
  const bool beyond_limits =
      outputs * 4 >= (i128{1} << 31) || border_work > true_work * 16 + (i128{1} << 30);
  if (!beyond_limits && (outputs > kMaxOutputs || true_work > kMaxWork || border_work > kMaxWork)) {
    return 0;
  }

  x.strides = strides_of(in, x.shape);
  w.strides = strides_of(in, w.shape);
  b.strides = strides_of(in, b.shape);
  for (Placed *t : {&x, &w}) {
    if (place(in, arena, store, rng, *t) == Placement::kSkip) return 0;
  }
  if (bias_kind != 0 && place(in, arena, store, rng, b) == Placement::kSkip) return 0;
  DType dtypes[3] = {DType::kFloat32, DType::kFloat32, DType::kFloat32};
  if (in.next() % 16 == 0) dtypes[in.next() % 3] = static_cast<DType>(in.next() % 6);
  Device devices[3] = {Device::kCPU, Device::kCPU, Device::kCPU};
  const bool cuda_usable = convt::cuda_available();
  if (!cuda_usable && in.next() % 32 == 0) devices[in.next() % 3] = Device::kCUDA;
  const ConstTensorView xv(x.data, dtypes[0], x.shape, x.strides, devices[0]);
  const ConstTensorView wv(w.data, dtypes[1], w.shape, w.strides, devices[1]);
  std::optional<ConstTensorView> bv;
  if (bias_kind != 0) bv = ConstTensorView(b.data, dtypes[2], b.shape, b.strides, devices[2]);
  // Calls that run on CUDA: CUDA tensors, and host tensors in a build
  // without a CPU kernel or sent to CUDA by CONVT_HOST_KERNEL.
  const char *host_kernel = std::getenv("CONVT_HOST_KERNEL");
  const bool on_cuda = devices[0] == Device::kCUDA || devices[1] == Device::kCUDA ||
                       devices[2] == Device::kCUDA ||
                       std::strcmp(convt::cpu_kernel_name(), "none") == 0 ||
                       (host_kernel != nullptr && std::strcmp(host_kernel, "cuda") == 0);

  Placed out;
  std::optional<convt::Tensor> result;
  try {
    if (call == 2) {
      out.shape = want_shape ? *want_shape : Shape{1, 1, 1, 1};
      if (in.next() % 8 == 0 && !out.shape.empty()) {
        int64_t &e = out.shape[in.next() % out.shape.size()];
        e = static_cast<int64_t>(static_cast<uint64_t>(e) + 1 - in.next() % 3);  // wraps
      }
      out.strides = strides_of(in, out.shape);
      if (place(in, arena, store, rng, out) == Placement::kSkip) return 0;
      if (in.next() % 16 == 0 && x.backed) out.data = x.data;  // overlaps the input
      convt::conv_transpose2d_out(TensorView(out.data, DType::kFloat32, out.shape, out.strides), xv,
                                  wv, bv, stride, padding, output_padding, groups, dilation);
    } else {
      result =
          convt::conv_transpose2d(xv, wv, bv, stride, padding, output_padding, groups, dilation);
      out.shape = result->shape();
      out.strides = result->strides();
      out.data = result->data();
    }
  } catch (const convt::TypeError &) {
    return 0;
  } catch (const convt::ValueError &) {
    return 0;
  } catch (const convt::RuntimeError &e) {
    if (on_cuda && !cuda_usable) return 0;
    finding(std::string("RuntimeError ") + e.what() + " for " + layer());
  } catch (const std::exception &e) {
    finding(std::string("unexpected exception ") + e.what() + " for " + layer());
  }

  // Accepted: the parameters were valid, so the definition applies.
  if (!want_shape || out.shape != *want_shape) {
    finding("accepted with output " + convt::shape_to_string(out.shape) + " for " + layer());
  }
  // Overlapping views can hold far more elements than memory: the reference
  // would gather them all.
  if (true_work > kMaxCheckedWork || outputs > kMaxOutputs ||
      element_count(x.shape) > kMaxOutputs || element_count(w.shape) > kMaxOutputs) {
    return 0;
  }
  convt_test::RefParams rp;
  const size_t o = batched ? 1 : 0;
  rp.n = batched ? x.shape[0] : 1;
  rp.c_in = x.shape[o];
  rp.h_in = x.shape[o + 1];
  rp.w_in = x.shape[o + 2];
  rp.c_out = w.shape[1] * groups;
  rp.kh = w.shape[2];
  rp.kw = w.shape[3];
  rp.stride = *s;
  rp.padding = *p;
  rp.output_padding = *op;
  rp.dilation = *d;
  rp.groups = groups;
  const std::vector<double> want = convt_test::reference_conv_transpose2d(
      rp, gather(x), gather(w), bias_kind != 0 ? gather(b) : std::vector<float>{});
  const double err = convt_test::relative_error(gather(out), want);
  if (!(err <= convt_test::kTolerance)) {
    finding("relative error " + std::to_string(err) + " for " + layer());
  }
  return 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  return run_one(data, size);
}
