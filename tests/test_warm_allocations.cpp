// A warm call allocates nothing on the heap: with its views made, a call
// that runs as one kernel call (unit-stride output, not one call per
// group) takes its workspace from the cache and its validation, planning
// and Halide buffers from the stack. Counted by the benchmarks' heap meter,
// which replaces malloc in this executable (so no sanitizer build runs it).
#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "convt/convt.h"
#include "heap_meter.h"
#include "test_util.h"
#include "thread_pool.h"

namespace {

struct WarmCase {
  std::string name;
  convt::Shape input, weight;
  int64_t stride, padding, groups;
  bool bias;
};

// A case for each kind of plan the rules make for one kernel call.
const WarmCase kCases[] = {
    {"x_tiles", {1, 8, 6, 40}, {8, 12, 3, 3}, 2, 1, 1, true},
    {"channel_tiles", {2, 32, 3, 3}, {32, 40, 4, 4}, 2, 1, 1, true},
    {"channel_tiles_along_images", {5, 16, 2, 2}, {16, 24, 3, 3}, 2, 0, 1, false},
    {"columns", {1, 40, 1, 1}, {40, 20, 3, 3}, 2, 1, 1, true},
    {"few_channels_batch", {4, 6, 5, 12}, {6, 2, 3, 3}, 1, 1, 1, true},
    {"depthwise", {3, 16, 5, 7}, {16, 1, 3, 3}, 2, 1, 16, true},
    {"unbatched", {8, 4, 4}, {8, 8, 2, 2}, 2, 0, 1, false},
    // Later layers of the process, whose blocks differ from those the
    // earlier cases left in the cache: rows of one channel (fsrcnn_deconv_x4)
    // and channel tiles along images in many channel blocks (random1_15).
    {"rows_of_one_channel", {1, 56, 90, 90}, {56, 1, 9, 9}, 4, 3, 1, true},
    {"many_channel_blocks", {7, 782, 6, 6}, {782, 176, 1, 1}, 1, 0, 1, true},
};

// On one thread (the pool's count set to 1). With more, tasks of a parallel loop that run at the
// same time each take a block (packed weights per channel block), so a
// call whose tasks overlap more than in any call before it takes one more
// block, once (on a 2-core Xeon under load, 11 to 14 of 40 runs with two
// threads counted 1 on the third call).
TEST(WarmCall, AllocatesNothing) {
  const int threads = convt::detail::set_pool_threads(1);
  std::mt19937 rng(7);
  for (const WarmCase &c : kCases) {
    SCOPED_TRACE(c.name);
    const convt::Shape out_shape = convt::conv_transpose2d_output_shape(c.input, c.weight, c.stride,
                                                                        c.padding, 0, c.groups, 1);
    int64_t in_n = 1, w_n = 1, out_n = 1;
    for (int64_t e : c.input) in_n *= e;
    for (int64_t e : c.weight) w_n *= e;
    for (int64_t e : out_shape) out_n *= e;
    const std::vector<float> x = convt_test::random_values(static_cast<size_t>(in_n), rng);
    const std::vector<float> w = convt_test::random_values(static_cast<size_t>(w_n), rng);
    const int64_t c_out = out_shape[out_shape.size() - 3];
    const std::vector<float> b = convt_test::random_values(static_cast<size_t>(c_out), rng);
    std::vector<float> out(static_cast<size_t>(out_n));
    const convt::ConstTensorView xv(x.data(), c.input), wv(w.data(), c.weight);
    const std::optional<convt::ConstTensorView> bv =
        c.bias ? std::optional<convt::ConstTensorView>(convt::ConstTensorView(b.data(), {c_out}))
               : std::nullopt;
    const convt::TensorView ov(out.data(), out_shape);
    const convt::IntList stride(c.stride), padding(c.padding), none(0), one(1);
    auto call = [&] {
      convt::conv_transpose2d_out(ov, xv, wv, bv, stride, padding, none, c.groups, one);
    };
    call();
    call();  // the workspace cache now holds this call's blocks
    const int64_t before = convt_bench::heap_allocations();
    call();
    EXPECT_EQ(convt_bench::heap_allocations() - before, 0);
  }
  convt::detail::set_pool_threads(threads);
}

// The meter sees allocations at all (a check that cannot pass vacuously).
TEST(WarmCall, TheMeterCountsAllocations) {
  const int64_t before = convt_bench::heap_allocations();
  const auto *p = new std::vector<int64_t>(1000, 1);
  EXPECT_GT(convt_bench::heap_allocations() - before, 0);
  delete p;
}

}  // namespace
