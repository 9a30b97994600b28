// The conv_transpose2d generator: binds buffers and scalar parameters to the
// algorithm (conv_transpose2d_algorithm.cpp) and picks the schedule for the
// target family (schedule_*.cpp).
#include <cstdlib>
#include <iostream>

#include "conv_transpose2d_algorithm.h"
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

class ConvTranspose2dGenerator : public Generator<ConvTranspose2dGenerator> {
 public:
  // NCHW tensors seen innermost-first: input(x, y, c, n),
  // weight(kx, ky, co_in_group, ci), bias(co), output(x, y, co, n).
  Input<Buffer<float, 4>> input{"input"};
  Input<Buffer<float, 4>> weight{"weight"};
  // The same weights as a matrix (j, ci), j = kx + kw * (ky + kh *
  // co_in_group): the columns form reads whole vectors of j. The runtime
  // passes the weight tensor's own memory when it is dense along j.
  Input<Buffer<float, 2>> weight_columns{"weight_columns"};
  Input<Buffer<float, 1>> bias{"bias"};
  // Ranges keep the phase arithmetic in int32; runtime/arguments.cpp checks
  // the same limits and reports them as ValueError.
  Input<int32_t> stride_x{"stride_x", 1, 1, 1 << 20};
  Input<int32_t> stride_y{"stride_y", 1, 1, 1 << 20};
  Input<int32_t> padding_x{"padding_x", 0, 0, 1 << 28};
  Input<int32_t> padding_y{"padding_y", 0, 0, 1 << 28};
  Input<int32_t> dilation_x{"dilation_x", 1, 1, 1 << 20};
  Input<int32_t> dilation_y{"dilation_y", 1, 1, 1 << 20};
  // convt_phase::phase_constants (generators/phase_constants.h) of each
  // axis's stride and dilation: gcd(d, s), which spaces a phase's taps, and
  // the inverse of d / gcd modulo s / gcd, which finds a residue's phase
  // (the per-pixel form only).
  Input<int32_t> gcd_x{"gcd_x", 1, 1, 1 << 20};
  Input<int32_t> gcd_y{"gcd_y", 1, 1, 1 << 20};
  Input<int32_t> inverse_x{"inverse_x", 0, 0, 1 << 20};
  Input<int32_t> inverse_y{"inverse_y", 0, 0, 1 << 20};
  Input<int32_t> groups{"groups", 1, 1, 1 << 28};
  // A convt_order::TileOrder (tile_order.h): same result, the caller picks
  // by shape. A kernel built for one order (fixed_tile_order) requires it.
  Input<int32_t> tile_order{"tile_order", 0, 0, convt_order::kTileOrders - 1};
  Output<Buffer<float, 4>> output{"output"};

  // Schedule knobs: the CPU schedule's tile shapes and parallel grain
  // (generators/schedules.h, CpuTiles, says what each one is). 0 keeps the
  // target's own choice (schedule_x86.cpp, schedule_arm.cpp). They are
  // meant to change speed only; tuning/ searches them (checking every
  // candidate), and the build takes them from a schedule file
  // (-DCONVT_SCHEDULE). GPU targets ignore them.
  GeneratorParam<int> x_vectors{"x_vectors", 0, 0, 8};
  GeneratorParam<int> x_channels{"x_channels", 0, 0, 32};
  GeneratorParam<int> wide_vectors{"wide_vectors", 0, 0, 8};
  GeneratorParam<int> wide_channels{"wide_channels", 0, 0, 32};
  GeneratorParam<int> cx_columns{"cx_columns", 0, 0, 16};
  GeneratorParam<int> cx_channel_vectors{"cx_channel_vectors", 0, 0, 8};
  GeneratorParam<int> cx_wide_columns{"cx_wide_columns", 0, 0, 16};
  GeneratorParam<int> cx_wider_columns{"cx_wider_columns", 0, 0, 16};
  GeneratorParam<int> img_images{"img_images", 0, 0, 16};
  GeneratorParam<int> img_channel_vectors{"img_channel_vectors", 0, 0, 8};
  GeneratorParam<int> more_images{"more_images", 0, 0, 16};
  GeneratorParam<int> more_channel_vectors{"more_channel_vectors", 0, 0, 8};
  GeneratorParam<int> xi_vectors{"xi_vectors", 0, 0, 8};
  GeneratorParam<int> xi_channels{"xi_channels", 0, 0, 8};
  GeneratorParam<int> xi_images{"xi_images", 0, 0, 16};
  GeneratorParam<int> xi_one_vectors{"xi_one_vectors", 0, 0, 8};
  GeneratorParam<int> xi_one_images{"xi_one_images", 0, 0, 32};
  GeneratorParam<int> xr_vectors{"xr_vectors", 0, 0, 8};
  GeneratorParam<int> xr_rows{"xr_rows", 0, 0, 32};
  GeneratorParam<int> pad_vectors{"pad_vectors", 0, 0, 8};
  GeneratorParam<int> enough_blocks{"enough_blocks", 0, 0, 1024};
  GeneratorParam<int> xi_channel_block{"xi_channel_block", 0, 0, 4096};
  GeneratorParam<int> columns_channel_block{"columns_channel_block", 0, 0, 4096};

  // The one tile order this kernel computes (-1: every order, chosen by the
  // tile_order input). The CPU kernels are built once per order: the other
  // orders' updates then fold away, with the bounds, allocations and
  // branches the entry function would run for them on every call (2 of the
  // 5 microseconds of random1_11's kernel call, AMD EPYC, AVX2).
  GeneratorParam<int> fixed_tile_order{"fixed_tile_order", -1, -1, convt_order::kTileOrders - 1};

  // GPU targets: which kernel this pipeline is (gemm: the implicit GEMM of
  // dense layers, groups 1; direct: any layer), and its tiles (GpuTiles in
  // generators/schedules.h; 0 keeps gpu_tiles()'s choice). CPU targets
  // ignore them.
  GeneratorParam<GpuKernel> gpu_kernel{"gpu_kernel",
                                       GpuKernel::kGemm,
                                       {{"gemm", GpuKernel::kGemm},
                                        {"gemm_split", GpuKernel::kGemmSplit},
                                        {"direct", GpuKernel::kDirect}}};
  GeneratorParam<int> gpu_threads_m{"gpu_threads_m", 0, 0, 1024};
  GeneratorParam<int> gpu_pixels{"gpu_pixels", 0, 0, 32};
  GeneratorParam<int> gpu_threads_c{"gpu_threads_c", 0, 0, 1024};
  GeneratorParam<int> gpu_channels{"gpu_channels", 0, 0, 32};
  GeneratorParam<int> gpu_k_unroll{"gpu_k_unroll", 0, 0, 16};

  // The layer an autoscheduler (autoscheduler=Adams2019 and the like, from
  // tuning/tune.py's baselines) schedules for: Halide's autoschedulers tune
  // for one estimated shape. Unused by the hand schedules.
  GeneratorParam<int> est_n{"est_n", 1}, est_c_in{"est_c_in", 64}, est_h{"est_h", 16},
      est_w{"est_w", 16}, est_c_out{"est_c_out", 64}, est_kh{"est_kh", 4}, est_kw{"est_kw", 4},
      est_stride_y{"est_stride_y", 2}, est_stride_x{"est_stride_x", 2},
      est_padding_y{"est_padding_y", 1}, est_padding_x{"est_padding_x", 1},
      est_out_h{"est_out_h", 32}, est_out_w{"est_out_w", 32}, est_groups{"est_groups", 1};

  void generate() {
    // The gemm kernels' tiles hold one group's channels: they take groups 1
    // only (the runtime runs wider groups one call per group), and with the
    // constant the group arithmetic folds away.
    const bool gemm = hand_gpu_schedule() && gpu_kernel != GpuKernel::kDirect;
    const PixelFormOrder pixel_order =
        hand_gpu_schedule() ? gpu_pixel_order(gpu_schedule()) : PixelFormOrder{};
    // The CPU schedule packs weight_blocked in blocks of its x tile's
    // channels, and copies the input in blocks of its x tile's columns and
    // of its image tile's images (the wide x tiles' copies the same for
    // theirs).
    CpuBlocks blocks;
    if (hand_cpu_schedule()) {
      const CpuTiles t = cpu_tiles();
      const int lanes = get_target().natural_vector_size<float>();
      blocks = {t.x_channels,
                static_cast<int>(convt_tiles::x_tile_columns(t, lanes)),
                t.img_images,
                t.more_images,
                lanes,
                t.wide_channels,
                static_cast<int>(convt_tiles::wide_tile_columns(t, lanes)),
                static_cast<int>(convt_tiles::x_tile_columns(t, lanes)),
                t.x_channels,
                t.columns_channel_block,
                t.xi_vectors * lanes,
                t.xi_one_vectors * lanes,
                convt_tiles::channel_tile_widths(t),
                convt_order::channel_tiles_base(int(fixed_tile_order)) != int(fixed_tile_order)};
    }
    // A by-row channel order's kernel is its base order's, with the domains
    // ordered rows first (CpuBlocks::channel_rows_first).
    const int order = convt_order::channel_tiles_base(int(fixed_tile_order));
    funcs_ = define_conv_transpose2d(
        input, input.dim(0).extent(), input.dim(1).extent(), input.dim(2).extent(),
        input.dim(3).extent(), weight, weight.dim(0).extent(), weight.dim(1).extent(),
        weight.dim(2).extent(), bias, weight_columns, stride_x, stride_y, padding_x, padding_y,
        dilation_x, dilation_y, gcd_x, gcd_y, inverse_x, inverse_y, gemm ? Expr(1) : groups,
        fixed_tile_order >= 0 ? Expr(order) : Expr(tile_order), pixel_order, blocks);
    funcs_.weight = weight;
    // Autoschedulers get the pure per-pixel form of the same sums (they
    // cannot take the phase-by-phase writes); the hand GPU schedules take
    // the GPU form.
    output = using_autoscheduler() ? funcs_.output_by_pixel
             : hand_gpu_schedule() ? funcs_.output_by_phase_pixels
                                   : funcs_.output;
    if (gemm) add_requirement(groups == 1, "the gemm kernels take groups 1 only");
    if (fixed_tile_order >= 0) {
      add_requirement(tile_order == fixed_tile_order, "this kernel computes tile order ",
                      int(fixed_tile_order), " only");
      if (fixed_tile_order == convt_order::kInterleavedXTiles) {
        add_requirement(funcs_.interleaved_applies,
                        "interleaved x tiles take one tap per output (kernel == stride, "
                        "dilation 1), a stride along x of 2 or 4 and a padding along x of whole "
                        "strides");
      }
    } else if (hand_cpu_schedule()) {
      // The CPU schedule computes the columns' GEMM at the root, which runs
      // it on every call unless the pipeline is the columns order alone.
      std::cerr << "conv_transpose2d: a hand CPU schedule is built one tile order at a time "
                   "(set fixed_tile_order)\n";
      std::abort();  // generator time only: the build fails, not a user's program
    }
    funcs_.input_dense_rows = input.dim(0).stride() == 1;
  }

  void schedule() {
    // The input is read once, into the zero-bordered copy, and weights as
    // scalars or into a packed copy, so any strides work; the bias is read
    // once per tile and is a stride-0 view of one zero when absent.
    input.dim(0).set_stride(Expr());
    weight.dim(0).set_stride(Expr());
    weight_columns.dim(0).set_min(0).dim(1).set_min(0);
    bias.dim(0).set_stride(Expr());
    // The runtime passes whole tensors starting at 0, and the algorithm
    // writes output columns o = q * s + r from q = 0.
    output.dim(0).set_min(0).dim(1).set_min(0).dim(2).set_min(0).dim(3).set_min(0);

    if (using_autoscheduler()) {
      set_estimates();
      return;
    }
    if (hand_gpu_schedule()) {
      schedule_gpu(funcs_, get_target(), gpu_kernel, gpu_schedule());
    } else {
      schedule_cpu(funcs_, get_target(), cpu_tiles());
    }
  }

 private:
  // A hand CPU schedule: neither an autoscheduler nor a GPU target.
  bool hand_cpu_schedule() const { return !using_autoscheduler() && !hand_gpu_schedule(); }

  // The target's CPU tiles, with every knob that is set in their place.
  CpuTiles cpu_tiles() const {
    if (get_target().arch == Target::X86) return with_knobs(x86_tiles(get_target()));
    if (get_target().arch == Target::ARM && get_target().bits == 64) {
      return with_knobs(arm_tiles(get_target()));
    }
    std::cerr << "conv_transpose2d: no schedule for target " << get_target().to_string() << "\n";
    std::abort();  // generator time only: the build fails, not a user's program
  }

  void set_estimates() {
    input.set_estimates({{0, est_w}, {0, est_h}, {0, est_c_in}, {0, est_n}});
    weight.set_estimates(
        {{0, est_kw}, {0, est_kh}, {0, int(est_c_out) / int(est_groups)}, {0, est_c_in}});
    weight_columns.set_estimates(
        {{0, int(est_kw) * int(est_kh) * int(est_c_out) / int(est_groups)}, {0, est_c_in}});
    bias.set_estimates({{0, est_c_out}});
    stride_x.set_estimate(est_stride_x);
    stride_y.set_estimate(est_stride_y);
    padding_x.set_estimate(est_padding_x);
    padding_y.set_estimate(est_padding_y);
    dilation_x.set_estimate(1);
    dilation_y.set_estimate(1);
    gcd_x.set_estimate(1);
    gcd_y.set_estimate(1);
    inverse_x.set_estimate(1);
    inverse_y.set_estimate(1);
    groups.set_estimate(est_groups);
    tile_order.set_estimate(0);
    output.set_estimates({{0, est_out_w}, {0, est_out_h}, {0, est_c_out}, {0, est_n}});
  }

  // The target's tiles, with every knob that is set in their place.
  CpuTiles with_knobs(const CpuTiles &t) const {
    return convt_tiles::with_knobs(t, {{"x_vectors", x_vectors},
                                       {"x_channels", x_channels},
                                       {"wide_vectors", wide_vectors},
                                       {"wide_channels", wide_channels},
                                       {"cx_columns", cx_columns},
                                       {"cx_channel_vectors", cx_channel_vectors},
                                       {"cx_wide_columns", cx_wide_columns},
                                       {"cx_wider_columns", cx_wider_columns},
                                       {"img_images", img_images},
                                       {"img_channel_vectors", img_channel_vectors},
                                       {"more_images", more_images},
                                       {"more_channel_vectors", more_channel_vectors},
                                       {"xi_vectors", xi_vectors},
                                       {"xi_channels", xi_channels},
                                       {"xi_images", xi_images},
                                       {"xi_one_vectors", xi_one_vectors},
                                       {"xi_one_images", xi_one_images},
                                       {"xr_vectors", xr_vectors},
                                       {"xr_rows", xr_rows},
                                       {"pad_vectors", pad_vectors},
                                       {"enough_blocks", enough_blocks},
                                       {"xi_channel_block", xi_channel_block},
                                       {"columns_channel_block", columns_channel_block}});
  }

  // A GPU knob that is set, in place of its field.
  static void set(int &field, int knob) {
    if (knob > 0) field = knob;
  }

  bool hand_gpu_schedule() const {
    return !using_autoscheduler() && get_target().has_gpu_feature();
  }

  // The GPU kernel's tiles: the target's, with every knob that is set in
  // their place. A combination the schedule cannot build correctly stops the
  // generator (the build or the tuner's candidate).
  GpuTiles gpu_schedule() const {
    GpuTiles t = gpu_tiles(get_target(), gpu_kernel);
    set(t.threads_m, gpu_threads_m);
    set(t.pixels, gpu_pixels);
    set(t.threads_c, gpu_threads_c);
    set(t.channels, gpu_channels);
    set(t.k_unroll, gpu_k_unroll);
    std::string problem = gpu_schedule_problem(gpu_kernel, t);
    if (!problem.empty()) {
      std::cerr << "conv_transpose2d: GPU knobs: " << problem << "\n";
      std::abort();  // generator time only
    }
    return t;
  }

  ConvTranspose2dFuncs funcs_;
};

}  // namespace convt_gen

HALIDE_REGISTER_GENERATOR(convt_gen::ConvTranspose2dGenerator, conv_transpose2d)
