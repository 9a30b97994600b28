// CPU schedule for conv_transpose2d, shared by x86-64 and AArch64; the tile
// shapes come from the target's file (schedule_x86.cpp, schedule_arm.cpp).
//
// The hot loop is one phase's stride-1 correlation over a register tile of
// accumulators, in the tile order the runtime picks per call
// (convt_order::TileOrder in tile_order.h; runtime/plan.cpp):
//  0  x tiles: (qx vectors) x (output channels), fed per (input channel,
//     tap) by input vector loads and one broadcast weight per channel.
//  1  channel tiles along x: (qx positions) x (channel vectors), fed by
//     packed weight vectors and one broadcast input per position; for phase
//     rows too narrow for x vectors.
//  2  channel tiles along images: (images) x (channel vectors), the same with
//     the images of one output pixel as the positions; for narrow rows in a
//     batch. With qx fixed per tile, taps that read the zero border's
//     columns are skipped.
//  3  x tiles across images: (qx vector) x (channels) x (images), for
//     batches of layers with 1 to 3 output channels.
//  4  x tiles by row: order 0's tiles, but each output row runs through
//     every channel block and phase before the next, for inputs larger
//     than the cache; one phase row's x tiles each run every block.
//  5  columns: no phases. A GEMM of (input pixels of every image) x (tap,
//     output channel) columns over input channels, then each output row
//     adds its columns: for tiny inputs (a 1 x 1 input's images fill the
//     tiles) and few output channels (the taps fill them).
//  6  x tiles across rows: (qx vectors) x (phase rows) of one channel, for
//     1 to 3 output channels in one to three images.
//  7  channel tiles along more images: order 2 in taller image tiles.
//  8  wide x tiles by row: order 4 in wider, shallower tiles, for phase
//     rows that leave fewer of their columns idle.
//  9  wide x tiles: order 0 in the same tiles.
// 10  interleaved x tiles: order 0's register tile over output columns,
//     every x phase of an input column in one vector, for one tap per
//     output (kernel == stride): no phase space, whole vectors stored.
// 11-13  channel tiles by row: orders 1, 2 and 7 with each output row's
//     phases inside the row, for outputs larger than the cache.
// Each order streams through memory in the order its reduction walks: the
// weights of one phase (or of every phase) and channel tile are repacked
// with the tile's channels adjacent, and the input is copied once with a
// zero border and each row's channels adjacent (for order 2, an image
// tile's images of a channel adjacent: input_image_blocks; for the x
// tiles, each tile's columns of every channel adjacent: input_x_blocks).
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

// The bytes of input a block of tiles keeps in L2 while every channel block
// reads it: half of a 512 KB L2, the smallest of the x86 machines measured
// (Zen 2 and Zen 3 EPYC), so it holds on every one without reading the cache
// size (the orders that use it say what it measured).
constexpr int kL2BlockBytes = 256 * 1024;

void schedule_cpu(ConvTranspose2dFuncs &f, const Target &target, const CpuTiles &t) {
  const int vec = target.natural_vector_size<float>();
  const int x_width = vec * t.x_vectors;
  const int cx_depth = vec * t.cx_channel_vectors;

  // Zero-bordered copies of the input, so the hot loops have no bounds
  // tests: one per evaluation order that reads it (input_padded.in(...)),
  // each computed where that order wants it, since an unused order's copy is
  // empty. Each row's channels are adjacent ([n][y][c][x]): the reduction
  // steps through input channels, so consecutive steps read nearby rows
  // rather than rows a whole plane apart. Dense input rows (the usual case)
  // are read with vector loads, other strides with gathers. (The edge
  // columns read input_padded inline, with bounds tests.)
  // The copy walks the input in its own order, whole planes, which the
  // prefetchers follow (stepping through channels, each read would be a page
  // away). A copy at the root runs its planes in parallel when its order is
  // chosen; otherwise its region is a sliver per plane (bounds inference
  // does not see that the order's domain is empty), cheaper done serially
  // than as one task per plane.
  // Specializations last: each keeps only the directives given before it.
  // `tasks` splits a specialization's planes into tasks, run in parallel or
  // not.
  auto specialize_planes = [&](Func copy, const Expr &parallel_planes,
                               const std::function<void(Stage, bool)> &tasks) {
    if (!is_const_zero(parallel_planes)) {
      tasks(copy.specialize(parallel_planes && f.input_dense_rows), true);
      tasks(copy.specialize(parallel_planes), true);
    }
    tasks(copy.specialize(f.input_dense_rows), false);
    tasks(copy, false);
  };
  auto padded_rows = [&](Func copy, const LoopLevel &at, const Expr &parallel_planes) {
    std::vector<Var> a = copy.args();  // (x, y, c, n)
    copy.compute_at(at)
        .reorder_storage(a[0], a[2], a[1], a[3])
        .vectorize(a[0], vec * t.pad_vectors, TailStrategy::GuardWithIf);
    Var cn("cn");
    specialize_planes(copy, parallel_planes, [&](Stage s, bool parallel) {
      if (parallel) s.fuse(a[2], a[3], cn).parallel(cn, 8);
    });
  };

  // The x tiles' blocked input (input_x_blocks), copied at the root: each
  // input plane row by row, its blocks' columns (which overlap by the halo)
  // in vectors; planes in parallel when the order is chosen (see
  // padded_rows). With the rows' layout, a tile's reduction stepped a whole
  // row (a page, for 1-row audio layers) per input channel; in blocks it
  // streams through one (both cores of a Zen 3 EPYC, previous kernel
  // alternated: hifigan_up3 10.4 to 8.1 ms, hifigan_up2 15.3 to 12.0,
  // centernet_r18_deconv3 in x tiles 80.9 to 70.8).
  // A block's columns (a tile and its halo, at least one vector) end in a
  // vector shifted back over the previous one rather than a masked one:
  // AVX2's masked stores are slow on Zen 3, and with them the copy took
  // 13.5% of hifigan_up3's call, 7.6% without (one profile each).
  // Each input row is first copied with its zero border into a row buffer
  // (one per task), and the blocks from it: the blocks that reach past the
  // row's ends (both blocks of a row of 64) otherwise gathered every value
  // of every vector, clamped lane by lane, since Halide splits off the edge
  // blocks but not their edge vectors; in the row only the end vectors do.
  // Intel Xeon family 6 model 167, both cores, alternated, medians of 4:
  // AVX-512 pix2pix_unet_up64 by row 7.36 to 7.12 ms, in x tiles 8.42 to
  // 8.07; AVX2 linknet_decoder1 by row 1.54 to 1.37; hifigan_up2 (rows of
  // 1600), centernet_r18_deconv3, biggan_up, melgan_up1 the same. (Blocks
  // aligned to whole vectors, fewer lines shared by two channels: 1.02x to
  // 1.18x slower.)
  // A task copies 8 planes, each block position's 8 channels together: the
  // channels' runs of a block are adjacent, so the task writes whole lines
  // in order, where plane by plane each line (shared by two channels' runs)
  // was written twice, a plane apart; its stores took most of the copy's
  // time. Same machine, alternated, medians of 4: AVX-512 pix2pix_unet_up64
  // in x tiles 8.62 to 8.04 ms, by row 7.21 to 6.84; hifigan_up2 2-4% and
  // centernet_r18_deconv3 1-3% faster; linknet_decoder1 (16 channels, two
  // tasks) within 0.98x to 1.06x.
  auto x_blocks_copy = [&](Func blocks, const Func &sum, int32_t order) {
    const Expr parallel_planes = f.tile_order == order;
    Func copy = blocks.in(sum);
    std::vector<Var> a = copy.args();  // (xi, c, xb, y, n)
    copy.compute_root()
        .reorder(a[0], a[2], a[3], a[1], a[4])
        .vectorize(a[0], vec, TailStrategy::ShiftInwards);
    Var planes("planes"), plane("plane"), task("task");
    specialize_planes(copy, parallel_planes, [&](Stage s, bool parallel) {
      s.split(a[1], planes, plane, 8, TailStrategy::ShiftInwards)
          .reorder(a[0], plane, a[2], a[3], planes, a[4])
          .fuse(planes, a[4], task);
      if (parallel) s.parallel(task);
    });
    if (is_const(f.tile_order, order)) {
      Func row = f.input_padded.in(blocks);
      row.compute_at(copy, a[3])
          .hoist_storage(copy, task)
          .vectorize(row.args()[0], vec, TailStrategy::ShiftInwards);
    }
  };

  // Specializations, each with the same tiling. Dilation 1 or stride 1
  // (nearly every real layer) makes the phase geometry simpler arithmetic
  // (no gcd); stride 1 along x stores whole vectors (otherwise a
  // strided scatter); groups 1 and depthwise fold the channel-group
  // arithmetic away.
  Expr simple = f.phase_x.simple && f.phase_y.simple;
  Expr stride_x_1 = f.phase_x.stride == 1;
  Expr groups_1 = f.groups == 1;
  Expr depthwise = f.in_channels_per_group == 1 && f.out_channels_per_group == 1;

  // Distinct (qx, qy, rx, ry) write distinct pixels, which Halide cannot
  // prove through o = q * s + r: allow_race_conditions permits the parallel
  // RVars below.
  //
  // Parallelism: one level per call where possible. Each order runs its
  // outer blocks (channel blocks, or images x channel blocks) in parallel
  // when there are enough of them to share (`blocks` >= t.enough_blocks), and
  // otherwise the rows of each phase; nesting the two would wake the thread
  // pool once per block, which costs more than a small layer's work.
  const Expr out_channels = f.output.output_buffer().dim(2).extent();
  const Expr batch = f.output.output_buffer().dim(3).extent();
  auto blocks = [&](int depth) { return (out_channels + depth - 1) / depth; };

  // The weights one order's tiles read, repacked at `at`: stored channels
  // innermost, then input channels, then taps, so one reduction step's
  // weights share a cache line and successive steps follow it. What one
  // pack covers, and so how often each source line (the taps of one output
  // and input channel, 64 bytes for a 4x4 kernel) is fetched:
  //  kPhase     one phase, by channel-vector gathers, taps inside input
  //             channels so one channel's lines serve every tap before the
  //             next (the edge columns; taps outermost, each tap's pass
  //             refetched them: one core of a Zen 3 EPYC, channel tiles
  //             along x then, pix2pix_unet_up2x2 19.2 to 12.8 ms, random1_16
  //             30.0 to 26.5);
  //  kBlock     every phase of a channel block, input channels outermost:
  //             each source line is fetched once per block rather than once
  //             per phase (channel tiles along images; simplebaseline_r50,
  //             32 MB of weights: 62.5 to 58.8 ms on one thread; and along
  //             x, where a layer of stride 8 refetched them 8 times: both
  //             cores of an Intel Xeon, AVX-512, alternated, hifigan_up1
  //             13.9 to 9.3 ms, pix2pix_unet_up2x2 15.3 to 9.4, melgan_up1
  //             24.2 to 22.1; dcgan_g3, biggan_up, deconvnet_deconv5 and
  //             keypointrcnn_logits within the noise);
  //  kTile      every phase of an x tile's `channels` channels (unrolled),
  //             input channels outermost, once per channel block and image:
  //             packed per phase row, each source line was fetched once per
  //             vertical phase, from DRAM when the weights outgrow the cache
  //             (both cores of a Zen 2 EPYC, x tiles alone, alternated,
  //             medians of 3: pix2pix_unet_mid, 16 MB of weights, 17.7 to
  //             16.0 ms; simplebaseline_r50 196.6 to 174.7; melgan_up1 22.5
  //             to 17.7; hifigan_up1 8.4 to 6.9; dcgan_g2, 64 images of 8 x
  //             8 that the rules run in channel tiles, 65.0 to 69.2);
  //  kFewChannels  every phase of a few channels, a plain copy (x tiles
  //             across images).
  // For the usual upsampling layer (stride 2, kernel 3 or 4: two taps per
  // phase and axis) the taps and phases inside the input-channel loop are
  // unrolled, so each source line is read in one burst of straight-line
  // copies (pix2pix_unet_mid on one thread: 20.0 to 18.8 ms).
  // A block's or tile's source lines for one input channel (its channels'
  // taps: 216 bytes for an x tile of deconvnet_deconv5) lie a whole input
  // channel's weights apart (C_out x taps floats, 18 KB there), runs too
  // short and too far apart for the hardware prefetchers, so the pack
  // waited on each from L3: perf put 12% of deconvnet_deconv5's kernel in
  // its pack (channel tiles along x, both cores), 23% in x tiles on one
  // core. The kBlock and kTile packs prefetch the weights 16 input channels
  // ahead (3% and 10%; 4 ahead was slower, 8 the same). AMD EPYC Zen 3,
  // AVX2, both cores, each layer alternated run by run, medians of 6: 32
  // random layers (seeds 1 to 40) of 1 M weights or more on at most 512
  // input pixels, in orders that take these packs, 0.95x in geometric mean
  // (twice), random3_3 0.82x, random16_2 (2 images of 5 x 5, 1112 input
  // channels) 1.10x slower; the zoo and shapes.json 1.01x, within this
  // machine's noise.
  enum class PackSpan { kPhase, kBlock, kTile, kFewChannels };
  // `order`: the tile order whose tiles read the pack, or kEveryOrder. A
  // pipeline built for another order has no pack: there the sum's domain is
  // empty, and a pack computed outside it (at the x tiles' channel block)
  // would keep a parallel loop over blocks that does nothing, one wake of
  // the thread pool per call.
  constexpr int32_t kEveryOrder = -1;
  // Groups 1 alone prefetch (above): with groups, a weight's channel within
  // its group (co % C_out per group) bounds to the whole group, so each
  // input channel's prefetch covered every channel of the group rather than
  // the tile's: 3 images of 1 x 1 in 2 groups of 587 output channels
  // (random205_26) spent 95% of its x tiles in prefetches, 0.665 ms against
  // 0.148 without. AMD EPYC Zen 4, both cores, alternated, the grouped
  // calls that run these packs in one call: 25 of the random seeds 1 to 40
  // 0.87x in geometric mean, 26 of the seeds 41 to 80 0.87x (random58_25
  // 1.34 to 0.21 ms), none slower on a rerun; grouped_resnext_dgrad 0.90x,
  // mobile_dw_up 0.89x, centernet_dw_up 0.86x.
  auto prefetch_weights = [&](Stage s, PackSpan span) {
    if (span == PackSpan::kBlock || span == PackSpan::kTile) {
      s.prefetch(f.weight, f.c, f.c, 16, PrefetchBoundStrategy::NonFaulting);
    }
    return s;
  };
  auto pack_weights = [&](const Func &sum, const LoopLevel &at, PackSpan span, int32_t order,
                          int channels = 0) {
    if (order != kEveryOrder && !is_const(f.tile_order, order)) return;
    Func packed = f.weight_phase.in(sum);
    packed.compute_at(at).reorder_storage(f.co, f.c, f.jx, f.jy, f.rx, f.ry);
    Expr two_taps =
        simple && f.phase_x.stride == 2 && f.phase_x.max_taps == 2 && f.phase_y.max_taps == 2;
    auto unroll_taps = [&](Stage s) {
      s.unroll(f.jx, 2, TailStrategy::GuardWithIf)
          .unroll(f.jy, 2, TailStrategy::GuardWithIf)
          .unroll(f.rx, 2, TailStrategy::GuardWithIf)
          .unroll(f.ry, 2, TailStrategy::GuardWithIf);
    };
    // Specializations: the unrolled taps of the usual layer (see above),
    // and groups 1, which folds the group arithmetic away (computed in
    // every case, a division per weight, in vectors scalarized: a batch
    // of five 1 x 1 inputs with dilation 3 spent 89% of its call in it).
    switch (span) {
      case PackSpan::kPhase:
        packed.reorder(f.co, f.jx, f.jy, f.c, f.rx, f.ry).vectorize(f.co, vec);
        break;
      case PackSpan::kBlock:
      case PackSpan::kTile:
        packed.reorder(f.co, f.jx, f.jy, f.rx, f.ry, f.c);
        if (span == PackSpan::kBlock) {
          packed.vectorize(f.co, vec);
        } else {
          packed.bound_extent(f.co, channels).unroll(f.co);
        }
        unroll_taps(prefetch_weights(
            packed.specialize(groups_1 && two_taps && f.phase_y.stride == 2), span));
        unroll_taps(packed.specialize(two_taps && f.phase_y.stride == 2));
        break;
      case PackSpan::kFewChannels:
        packed.reorder(f.co, f.jx, f.jy, f.c, f.rx, f.ry);
        break;
    }
    prefetch_weights(packed.specialize(groups_1), span);
  };

  // A channel tile held in registers at `at`: `positions` values of
  // `position` (qx or n) x `depth` output channels, channel vectors
  // contiguous; the reduction `r` runs input channels innermost, then taps,
  // so the tap guards stay outside the FMA loop. bound_extent fixes the
  // tile's size even where it overhangs (else the accumulators spill).
  auto channel_tile_in_registers = [&](Func sum, const Var &position, int positions, int depth,
                                       const LoopLevel &at, const RDom &r) {
    std::vector<Var> others;  // the two of qx, qy, n that are not `position`
    for (const Var &v : {f.qx, f.qy, f.n}) {
      if (v.name() != position.name()) others.push_back(v);
    }
    const std::vector<Var> order{f.co, position, others[0], others[1], f.rx, f.ry};
    sum.compute_at(at)
        .bound_extent(position, positions)
        .bound_extent(f.co, depth)
        .reorder_storage(order)
        .reorder(std::vector<VarOrRVar>(order.begin(), order.end()))
        .vectorize(f.co, vec)
        .unroll(f.co)
        .unroll(position);
    sum.update()
        .reorder(f.co, position, r.x, r.z, r.y, others[0], others[1], f.rx, f.ry)
        .vectorize(f.co, vec)
        .unroll(f.co)
        .unroll(position);
  };

  // The accumulator tile lives in registers: vectorized over qx, unrolled
  // over channels; input channels innermost in the reduction so the tap
  // guards stay outside the FMA loop. bound_extent fixes the tile size even
  // for a row's last, partial tile (else the accumulators spill to memory);
  // phase rows narrower than the tile compute idle lanes. (Orders 0, 4,
  // 8 and 9; `width` columns by `channels`.) The reduction is not blocked
  // for L1, though a tile's input and weights (some 60 KB with 256 input
  // channels) exceed it: the FMA loop streams them from L2 at the rate a
  // stand-alone loop of the same tile reaches (75-85% of the FMA peak on
  // one core of an Intel Xeon, family 6 model 167), and blocks of 32
  // channels, each running every tap, were slower (both cores, alternated
  // with the unblocked kernels, medians of 4: deconvnet_deconv5 AVX2 in x
  // tiles 5.25 to 5.74 ms, pix2pix_unet_up64 AVX-512 by row 6.35 to 6.53,
  // hifigan_up2 by row 6.39 to 6.66).
  // The stores of a tile to the output unroll its vectors as well as its
  // channels (every order's tile_* below), so every access to the tile is
  // at a constant index and LLVM keeps it in registers across the taps: with
  // a loop over the vectors there, it stored and reloaded the whole tile
  // around each tap's loop over channels (perf annotate, linknet_decoder1
  // AVX2 in x tiles). Unrolled, both cores of an AMD EPYC (Zen 4),
  // alternated with the looped kernels, medians of 6: the calls of the zoo
  // and shapes.json in these tiles 0.97x in geometric mean (32, AVX2) and
  // 0.96x (22, default ISA), none slower on a rerun, linknet_final 19.2
  // to 17.7 ms, fcn16s_upscore16 13.3 to 11.8, mobile_dw_up 0.30 to 0.25;
  // MemoryType::Register on the tile instead was 3% slower than the
  // unrolled stores alone.
  auto x_tile_in_registers = [&](Func sum, const LoopLevel &at, int width, int channels) {
    sum.compute_at(at)
        .bound_extent(f.qx, width)
        .bound_extent(f.co, channels)
        .vectorize(f.qx, vec)
        .unroll(f.qx)
        .unroll(f.co);
    sum.update()
        .reorder(f.qx, f.co, f.r.x, f.r.z, f.r.y, f.qy, f.n, f.rx, f.ry)
        .vectorize(f.qx, vec)
        .unroll(f.qx)
        .unroll(f.co);
  };
  // What an order's threads share: channel blocks (each running every
  // image), (channel block, image) tiles, images (in image tiles), or the
  // rows of each phase.
  enum class Share { kBlocks, kTiles, kImages, kRows };

  // --- 0 and 9: x tiles, and wide x tiles ----------------------------------
  // Per (image, channel block), every phase and row, then register tiles
  // along qx. (Depthwise layers always have blocks enough: a row of one is
  // too little work to hand to a thread.) Order 9 is the same in the wide
  // x tiles (cpu_tiles.h says for which rows), with its own input copy.
  auto tile_x_order = [&](convt_order::TileOrder order, OutputUpdate update, const RDom &r,
                          Func sum, Func input_blocks, int width, int channels,
                          const std::string &prefix) {
    RVar qx = r.x, qy = r.y, rx = r.z, ry = r.w;
    RVar qxo(prefix + "qxo"), qxi(prefix + "qxi");
    Var coo(prefix + "coo"), coi(prefix + "coi"), tile(prefix + "tile");
    // The weights are packed per `tile`: a (channel block, image) tile,
    // or a channel block where the blocks alone are shared.
    auto tile_x = [&](Stage s, Share share) {
      s.allow_race_conditions()
          .split(qx, qxo, qxi, width, TailStrategy::GuardWithIf)
          .split(f.co, coo, coi, channels, TailStrategy::GuardWithIf);
      if (share == Share::kBlocks) {
        s.reorder(qxi, coi, qxo, qy, rx, ry, f.n, coo).rename(coo, tile).parallel(tile);
      } else {
        s.reorder(qxi, coi, qxo, qy, rx, ry, coo, f.n).fuse(coo, f.n, tile);
        s.parallel(share == Share::kRows ? VarOrRVar(qy) : VarOrRVar(tile));
      }
      s.vectorize(qxi, vec).unroll(qxi).unroll(coi);
    };
    Stage by_x = f.output.update(update);
    // A layer with one phase (stride 1) and few blocks shares its rows
    // instead: one wake of the pool per block is cheap there, and a few
    // blocks split unevenly (dilated_s1: 11 blocks, 6 to 5; 1.53 to 1.43 ms).
    // A batch with blocks enough to share alone shares only them, so each
    // block's weights are packed once rather than once per image (both
    // cores of an Intel Xeon, alternated: melgan_up1, 4 images, 22 blocks
    // of 12 channels, 12.0 to 9.6 ms; biggan_up and centernet_r18_deconv1
    // in x tiles 7-9% faster). Tasks more than the phase rows are shared
    // whatever their count (a 1-row layer otherwise ran on one core).
    Expr x_tasks = batch * blocks(channels);
    Expr one_phase = f.phase_x.stride == 1 && f.phase_y.stride == 1;
    Expr x_blocks =
        x_tasks >= 16 || (x_tasks >= t.enough_blocks && !one_phase) || x_tasks > r.y.extent();
    Expr blocks_alone = blocks(channels) >= 16 && batch > 1;
    for (const Expr &case_ : {simple && stride_x_1 && groups_1, simple && groups_1}) {
      tile_x(by_x.specialize(case_ && blocks_alone), Share::kBlocks);
      tile_x(by_x.specialize(case_ && x_blocks), Share::kTiles);
      tile_x(by_x.specialize(case_), Share::kRows);
    }
    tile_x(by_x.specialize(simple && depthwise), Share::kTiles);
    tile_x(by_x.specialize(simple && x_blocks), Share::kTiles);
    tile_x(by_x.specialize(simple), Share::kRows);
    // Groups 1 with dilation and stride above 1: without it, each channel
    // of a tile reads its own copy of the input row (its group's), 12 loads
    // per 12 FMAs rather than 2 (random1_14 of the report, dilation 3 and
    // stride 2: 34 ms).
    tile_x(by_x.specialize(groups_1 && x_blocks), Share::kTiles);
    tile_x(by_x.specialize(groups_1), Share::kRows);
    tile_x(by_x.specialize(x_blocks), Share::kTiles);
    tile_x(by_x, Share::kRows);

    x_blocks_copy(input_blocks, sum, order);
    x_tile_in_registers(sum, LoopLevel(f.output, qxo), width, channels);
    pack_weights(sum, LoopLevel(f.output, tile), PackSpan::kTile, order, channels);
  };
  tile_x_order(convt_order::kXTiles, kByX, f.r_out, f.phase_sum, f.input_x_blocks, x_width,
               t.x_channels, "");
  tile_x_order(convt_order::kWideXTiles, kWideX, f.r_out_wide, f.phase_sum_wide,
               f.input_wide_x_blocks, vec * t.wide_vectors, t.wide_channels, "w");

  // The channel tiles' specializations (orders 1, 2 and 7), `cases` the most
  // specific first (groups_1_cases; see order 0 for groups 1; the wider
  // channel tiles along x take groups 1 alone, below): `tile` schedules each
  // to share its channel blocks (of `depth` channels) among the threads where
  // there are enough, else its images (in tiles of `images`) where there are
  // enough tiles, else its rows. Images are shared where a call has enough of
  // them: a task per image keeps each image's input rows on one core (a row
  // reads the next row's input too) and wakes the pool once per phase, not
  // once per image and phase. Where none has enough, the one of the most tasks
  // (`rows`: the phase rows the update runs): a 1-row layer of 3 blocks in one
  // image shared its one row, and ran on one core (random205_11, 0.54 to 0.40
  // ms). AMD EPYC Zen 4, both cores, the rules' plan before and after,
  // alternated, medians of 8 runs of 11 calls, on the calls this and order 0's
  // rule above move among the random seeds 1 to 200: 25 at the default ISA
  // 0.75x in geometric mean, 2 slower by up to 4%; 17 with AVX2 0.76x, 3
  // slower by up to 1.31x (1 x 1 inputs of 13 to 23 images in 0.02 to 0.07 ms,
  // where handing out the image tiles costs more than it saves).
  auto specialize_channel_tiles = [&](Stage s, int depth, int images, const Expr &rows,
                                      const std::function<void(Stage, Share)> &tile,
                                      const std::vector<Expr> &cases) {
    const Expr block_count = blocks(depth);
    const Expr image_tiles = (batch + images - 1) / images;
    const Expr enough_blocks =
        block_count >= t.enough_blocks || (block_count > rows && block_count >= image_tiles);
    const Expr enough_images = batch >= images * t.enough_blocks || image_tiles > rows;
    for (const Expr &case_ : cases) {
      tile(s.specialize(case_ && enough_blocks), Share::kBlocks);
      tile(s.specialize(case_ && enough_images), Share::kImages);
      tile(s.specialize(case_), Share::kRows);
    }
    tile(s, Share::kRows);
  };
  const std::vector<Expr> groups_1_cases{simple && groups_1, groups_1};

  // --- 1 and 11: channel tiles along x (by row) ----------------------------
  // Per channel block (its weights packed for every phase), each phase,
  // then images and rows, then register tiles along qx; by row (order 11,
  // f.channel_rows_first), images and rows, then each row's phases, so a
  // row's x phases store into its output lines while they are in L2
  // (runtime/plan.cpp: channel_rows_first_pay). Images shared
  // rather than rows: dcgan_g3 (64 images, 2 channel blocks) on both cores of
  // an Intel Xeon (AVX-512), alternated, median 52.3 to 42.5 ms.
  // A tile is stored one channel at a time, its positions innermost, so
  // each output line takes its tile's values while it is in L1. The
  // output's channels lie a plane apart, and planes of a multiple of 4 KB
  // (32 x 32 and larger powers of two) put every channel's line in one L1
  // set: stored a vector of channels at a time, each store missed L1 (a
  // quarter of dcgan_g3's call in a profile, its output planes 4 KB).
  // Intel Xeon family 6 model 167, both cores, alternated, medians of 4:
  // dcgan_g3 23.9 to 18.4 ms (AVX-512), 28.6 to 27.8 (AVX2); dcgan_g2,
  // deconvnet_deconv5, hifigan_up1, aspp_dgrad_d6 and resnet50_dgrad_3x3
  // 0.94x to 1.01x.
  // Each tile width (cpu_tiles.h: channel_tile_widths) has its own update
  // and sum, taken where it computes the fewest columns of the call's phase
  // rows (channel_tile_takes); each update's outermost loop, once, runs
  // only the one the call takes. The wider tiles (AVX-512's 12 and 14
  // columns) specialize on groups 1 alone, simple phases taking the general
  // phase arithmetic, which lies outside their loop over input channels:
  // AMD EPYC Zen 4, both cores, alternated, medians of 6 runs of 9 calls,
  // 39 layers of simple phases in those tiles 0.98x in geometric mean, the
  // slower ones within the noise of their 0.04 to 0.2 ms calls on a rerun.
  // Each case cost a quarter of the build of the AVX-512 orders 1 and 11
  // (generating order 1: 156 s, 118 s without it). The first tile keeps
  // it: without it, AVX2's tile ran some layers of few input channels
  // slower (random71_4, 2 input channels: 0.034 to 0.039 ms).
  auto channel_tiles_along_x = [&](OutputUpdate update, const RDom &r, Func sum, int columns,
                                   int which) {
    const std::string prefix(which, 'w');
    const bool rows_first = f.channel_rows_first;
    RVar cqx = r.x, cqy = rows_first ? r.w : r.y, crx = rows_first ? r.y : r.z;
    RVar cry = rows_first ? r.z : r.w, once = r[4];
    RVar cqxo(prefix + "cqxo"), cqxi(prefix + "cqxi");
    Var ccoo(prefix + "ccoo"), ccoi(prefix + "ccoi");
    auto tile = [&](Stage s, Share share) {
      const VarOrRVar shared = share == Share::kBlocks   ? VarOrRVar(ccoo)
                               : share == Share::kImages ? VarOrRVar(f.n)
                                                         : VarOrRVar(cqy);
      s.allow_race_conditions()
          .split(cqx, cqxo, cqxi, columns, TailStrategy::GuardWithIf)
          .split(f.co, ccoo, ccoi, cx_depth, TailStrategy::GuardWithIf);
      if (rows_first) {
        s.reorder(cqxi, ccoi, cqxo, crx, cry, cqy, f.n, ccoo, once);
      } else {
        s.reorder(cqxi, ccoi, cqxo, cqy, f.n, crx, cry, ccoo, once);
      }
      s.parallel(shared).unroll(ccoi).unroll(cqxi);
    };
    specialize_channel_tiles(f.output.update(update), cx_depth, 1, cqy.extent(), tile,
                             which == 0 ? groups_1_cases : std::vector<Expr>{groups_1});

    padded_rows(f.input_padded.in(sum), LoopLevel::root(),
                f.tile_order == convt_order::kChannelTilesAlongX);
    channel_tile_in_registers(sum, f.qx, columns, cx_depth, LoopLevel(f.output, cqxo), f.r);
    pack_weights(sum, LoopLevel(f.output, ccoo), PackSpan::kBlock,
                 convt_order::kChannelTilesAlongX);
  };
  const std::array<int, 3> widths = convt_tiles::channel_tile_widths(t);
  const OutputUpdate updates[] = {kByChannel, kByChannelWide, kByChannelWider};
  const RDom domains[] = {f.r_out_by_channel, f.r_out_by_channel_wide, f.r_out_by_channel_wider};
  const Func sums[] = {f.phase_sum_by_channel, f.phase_sum_by_channel_wide,
                       f.phase_sum_by_channel_wider};
  for (int which = 0; which < 3; ++which) {
    const int width = widths.at(which);
    if (width > 0) {
      channel_tiles_along_x(updates[which], domains[which], sums[which], width, which);
    } else {
      f.output.update(updates[which]).unscheduled();  // (its domain is empty)
    }
  }

  // --- 2 and 7: channel tiles along images (and along more images) --------
  // Per channel block, each phase, then pixels, then register tiles of
  // images. Order 7 is the same with its own tile (more images, fewer
  // channel vectors) and its own blocked input. By row (orders 12 and 13),
  // each row's phases run inside the row, as for order 11.
  auto channel_tiles_along_images = [&](convt_order::TileOrder order, OutputUpdate update,
                                        const RDom &r_out, Func sum, Func blocked_input, int images,
                                        int channel_vectors) {
    const int depth = vec * channel_vectors;
    const bool rows_first = f.channel_rows_first;
    RVar iqx = r_out.x, iqy = rows_first ? r_out.w : r_out.y;
    RVar irx = rows_first ? r_out.y : r_out.z, iry = rows_first ? r_out.z : r_out.w;
    Var ino("ino"), ini("ini"), icoo("icoo"), icoi("icoi");
    // Shared image tiles walk their pixels inside the tile, so that each
    // task reads its own images' input (dcgan_g3, 8 image tiles of 2
    // channel blocks, both cores of an Intel Xeon with AVX-512, alternated:
    // order 2 median 70.2 to 53.6 ms, order 7 72.4 to 61.7, against rows).
    // The register tiles of up to kRowChunk pixels of a phase row and one
    // image tile are kept in a buffer on the stack (`row`, at `iqxo`), and
    // stored one image and channel at a time, the pixels innermost, so each
    // output line takes every value the chunk has for it while it is in L1.
    // A tile's 8 images x 32 channels are 256 lines, a plane apart: stored
    // tile by tile, each store missed L1 where the planes are a multiple of
    // 4 KB (one L1 set for them all), and missed again for the next pixel's
    // tile (a third of dcgan_g3's call in a profile). Intel Xeon family 6
    // model 167, both cores, alternated, medians of 2, orders 2 and 7 (ms):
    // AVX-512 dcgan_g3 27.7 to 19.0 and 33.7 to 22.0, simplebaseline_r50_d3
    // 56.5 to 47.4 and 73.7 to 65.7, dcgan_g_mid 11.8 to 11.2 and 13.1 to
    // 12.2; AVX2 dcgan_g3 30.4 to 29.0 and 35.9 to 28.4, dcgan_g_mid and
    // simplebaseline_r50_d3 the same; dcgan_g_first (rows of 4 pixels, 100
    // multiply-adds per value) 0.74 to 0.87 in AVX2, its stores a larger
    // share. Off the stack the buffer came from the heap per chunk
    // (dcgan_g_first 0.73 to 1.24 ms in AVX2; holding a whole row, per row
    // and image tile, 1.35 to 2.86); bound to 16 pixels, it computed idle
    // pixels in rows of 4 (dcgan_g_mid 18.5 to 20.6).
    constexpr int kRowChunk = 16;
    RVar iqxo("iqxo"), iqxi("iqxi");
    Var inoo("inoo");
    auto tile = [&](Stage s, Share share) {
      s.allow_race_conditions()
          .split(iqx, iqxo, iqxi, kRowChunk, TailStrategy::GuardWithIf)
          .split(f.co, icoo, icoi, depth, TailStrategy::GuardWithIf);
      if (share == Share::kImages) {
        s.split(f.n, inoo, ini, images, TailStrategy::GuardWithIf);
        if (rows_first) {
          s.reorder(iqxi, icoi, ini, iqxo, irx, iry, iqy, inoo, icoo);
        } else {
          s.reorder(iqxi, icoi, ini, iqxo, iqy, inoo, irx, iry, icoo);
        }
        s.parallel(inoo);
      } else {
        s.split(f.n, ino, ini, images, TailStrategy::GuardWithIf);
        if (rows_first) {
          s.reorder(iqxi, icoi, ini, iqxo, irx, iry, ino, iqy, icoo);
        } else {
          s.reorder(iqxi, icoi, ini, iqxo, ino, iqy, irx, iry, icoo);
        }
        s.parallel(share == Share::kBlocks ? VarOrRVar(icoo) : VarOrRVar(iqy));
      }
      s.unroll(ini);
    };
    specialize_channel_tiles(f.output.update(update), depth, images, iqy.extent(), tile,
                             groups_1_cases);

    Func row = sum.in(f.output);
    row.compute_at(f.output, iqxo)
        .store_in(MemoryType::Stack)
        .bound_extent(f.n, images)
        .bound_extent(f.co, depth)
        .reorder_storage(f.co, f.n, f.qx, f.qy, f.rx, f.ry)
        .reorder(f.co, f.n, f.qx, f.qy, f.rx, f.ry)
        .vectorize(f.co, vec)
        .unroll(f.co)
        .unroll(f.n);
    channel_tile_in_registers(sum, f.n, images, depth, LoopLevel(row, f.qx), f.r_by_image);
    pack_weights(sum, LoopLevel(f.output, icoo), PackSpan::kBlock, order);
    // The input in blocks of the image tile's images ([y][x][nb][c][ni],
    // input_image_blocks): one reduction step's broadcasts are adjacent,
    // and successive steps follow them. With every image innermost
    // ([y][x][c][n]), each step read a line of which the tile used 16
    // bytes, from L2 once the tile's reduction outgrew L1 (2048 steps of
    // 256 bytes for dcgan_g_mid; both cores of a Zen 3 EPYC, previous
    // kernel alternated: dcgan_g_mid 35.9 to 29.3 ms, dcgan_g2 48.3 to
    // 37.7, resnet50_dgrad_3x3 62.8 to 49.9; random1_15, 7 images, 1.20 to
    // 1.28).
    // The copy is a transpose: it walks 16 columns (a source line) inside
    // each channel, so each image's line is read once, in one visit.
    // (Walking every channel of one column, it came back to a line for
    // each of its columns, after N x C_in others: random1_15, 7 images of
    // 782 channels, spent a third of its call in the copy; one core of a
    // Zen 3 EPYC, 2.30 to 1.88 ms.) Each step is a vector of the tile's
    // images, the 16 columns unrolled: walking 8 columns an image at a
    // time, a line was read twice and each value was its own load and
    // store. One core of an Intel Xeon with AVX-512, alternated: 8 images
    // of 24 x 24 with 2048 to 128 channels (1 x 1 kernel) 86.6 to 63 ms,
    // the copy 44 to 27 ms of it; both cores, medians of 3 to 5 rounds:
    // vae_mnist_dec1 4.83 to 3.42 ms, centernet_r18_deconv1 70.2 to 61.4,
    // dcgan_g3 58.2 to 54.4, dcgan_g_mid 25.8 to 23.5, resnet50_dgrad_3x3
    // 46.3 to 42.5, simplebaseline_r50 45.6 to 43.1, maskrcnn_mask_head
    // 193.6 to 188.1. (Columns as the vector instead, loads dense and each
    // value stored alone: the 1 x 1 layer 91 ms.)
    Var xy("xy"), xo("xo"), xi("xi");
    Func copy = blocked_input.in(sum);
    std::vector<Var> a = copy.args();  // (ni, c, nb, x, y)
    copy.compute_root()
        .split(a[3], xo, xi, 16, TailStrategy::GuardWithIf)
        .reorder(a[0], xi, a[1], a[2], xo, a[4])
        .fuse(xo, a[4], xy)
        .parallel(xy)
        .vectorize(a[0])
        .unroll(xi);
  };
  channel_tiles_along_images(convt_order::kChannelTilesAlongImages, kByImage, f.r_out_by_image,
                             f.phase_sum_by_image, f.input_image_blocks, t.img_images,
                             t.img_channel_vectors);
  channel_tiles_along_images(convt_order::kChannelTilesAlongMoreImages, kByMoreImages,
                             f.r_out_by_more_images, f.phase_sum_by_more_images,
                             f.input_more_image_blocks, t.more_images, t.more_channel_vectors);

  // --- 3: x tiles across images -------------------------------------------
  // For layers with very few output channels, where a tile of x_channels
  // would mostly compute discarded channels: (qx vector) x (channels) x
  // (images). Image tiles in parallel, then channel blocks (one, for these
  // layers), rows, each phase (this domain puts rows outermost) and register
  // tiles along qx. The weights of every phase are packed once per call
  // (in the update's once loop, so only for the update the call takes):
  // packed per image tile, the 128 KB of a layer of 32 channels in 128
  // images (which the measured plan may run here) were packed 32 times.
  // With one output channel, the tile's other channels would idle (2 of
  // AVX2's 3): r_out_x_images_one takes the layer in tiles of more
  // vectors and images, from its own sum (cpu_tiles.h: xi_one_vectors).
  // (The updates' outermost loop, once, runs the one the call takes.)
  // Returns the image tiles' loop, where the tiles' input is copied.
  auto x_tiles_across_images = [&](OutputUpdate update, const RDom &r, Func sum, int vectors,
                                   int channels, int images, const std::string &prefix) {
    RVar xqx = r.x, xrx = r.y, xry = r.z, xqy = r.w, once = r[4];
    RVar xqxo(prefix + "qxo"), xqxi(prefix + "qxi"), xrco(prefix + "rco"), xrci(prefix + "rci");
    Var xno(prefix + "no"), xni(prefix + "ni"), xcoo(prefix + "coo"), xcoi(prefix + "coi");
    const int width = vec * vectors;
    auto tile = [&](Stage s) {
      s.allow_race_conditions()
          .split(xqx, xqxo, xqxi, width, TailStrategy::GuardWithIf)
          .split(f.co, xcoo, xcoi, channels, TailStrategy::GuardWithIf)
          .split(f.n, xno, xni, images, TailStrategy::GuardWithIf)
          .reorder(xqxi, xcoi, xni, xqxo, xrx, xry, xqy, xcoo, xno, once)
          .parallel(xno)
          .vectorize(xqxi, vec)
          .unroll(xqxi)
          .unroll(xcoi)
          .unroll(xni);
    };
    Stage x_images = f.output.update(update);
    tile(x_images.specialize(simple && groups_1));
    tile(x_images.specialize(groups_1));  // (see order 0)
    tile(x_images);

    sum.compute_at(f.output, xqxo)
        .bound_extent(f.qx, width)
        .bound_extent(f.co, channels)
        .bound_extent(f.n, images)
        .vectorize(f.qx, vec)
        .unroll(f.qx)
        .unroll(f.co)
        .unroll(f.n);
    // Input channels in blocks, innermost, then the taps, then the blocks:
    // a step reads a row of each of 4 images, so a tap's pass over every
    // channel touches 4 x 2 lines a channel (320 KB for random1_19's 630)
    // and the next tap found nothing in cache. A block of 32 channels'
    // rows stays in L1 for all the taps of the phase (random1_19 on one
    // core of a Zen 3 EPYC: 27.2 ms unblocked, 19.4 in blocks of 32, 21.9
    // of 64). For the phase orders with one row a step, blocks cost more
    // in loop overhead than they save (deconvnet_deconv5 in x tiles: 5%
    // slower).
    sum.update()
        .split(f.r.x, xrco, xrci, t.xi_channel_block, TailStrategy::GuardWithIf)
        .reorder(f.qx, f.co, f.n, xrci, f.r.z, f.r.y, xrco, f.qy, f.rx, f.ry)
        .vectorize(f.qx, vec)
        .unroll(f.qx)
        .unroll(f.co)
        .unroll(f.n);
    pack_weights(sum, LoopLevel(f.output, once), PackSpan::kFewChannels,
                 convt_order::kXTilesAcrossImages);
    return LoopLevel(f.output, xno);
  };
  // The input of one image tile, copied once inside the parallel loop so it
  // is still in cache when every phase's tiles read it (these layers have
  // little work per input value: a separate pass over memory would cost as
  // much as the FMAs). Channel blocks sit inside the image tiles, so when
  // another order is chosen (and this domain is empty) the copy's small
  // leftover region is made once per image tile, not once per block.
  // Narrow rows are written in whole vectors (input_rows): zeros, past the
  // region's end, then the rows' columns, the last vector of a row shifted
  // back; with input_padded's clamped reads, every vector of such a row was
  // a gather (vae_mnist_dec2, rows of 14: the copy took 46% of the call).
  // (Each tile shape has its own copy: a Func computed in one update's
  // loop cannot feed another's.)
  auto copy_rows = [&](Func rows, const LoopLevel &at) {
    const std::vector<Var> a = rows.args();  // (x, y, c, n)
    rows.compute_at(at).reorder_storage(a[0], a[2], a[1], a[3]);
    rows.specialize(f.narrow_rows).vectorize(a[0], vec, TailStrategy::RoundUp);
    rows.specialize(f.input_dense_rows)
        .vectorize(a[0], vec * t.pad_vectors, TailStrategy::GuardWithIf);
    rows.vectorize(a[0], vec * t.pad_vectors, TailStrategy::GuardWithIf);
    const RDom &rr = f.r_rows;
    // (A vector's lanes write distinct columns; Halide cannot see it
    // through the shifted start.)
    rows.update()
        .allow_race_conditions()
        .reorder(rr.x, rr.y, rr.z, a[2], a[3])
        .vectorize(rr.x, vec, TailStrategy::GuardWithIf);
    rows.update().specialize(f.input_dense_rows);
  };
  const Func rows_one = f.input_rows.clone_in(f.phase_sum_x_images_one);
  copy_rows(f.input_rows, x_tiles_across_images(kXImages, f.r_out_x_images, f.phase_sum_x_images,
                                                t.xi_vectors, t.xi_channels, t.xi_images, "x"));
  copy_rows(rows_one,
            x_tiles_across_images(kXImagesOne, f.r_out_x_images_one, f.phase_sum_x_images_one,
                                  t.xi_one_vectors, 1, t.xi_one_images, "xo"));

  // --- 4 and 8: x tiles by row, and wide x tiles by row --------------------
  // Order 0 runs each channel block's phases over the whole image, so the
  // image's input is read once per block and phase: from DRAM when it is
  // larger than the cache (unet_up4_k2, 78 MB of input, 11 blocks x 4
  // phases). Here each output row (rows in parallel) runs through every
  // block and phase while the few input rows it reads stay in cache. Every
  // weight is packed once per call (weight_blocked: a block's channels
  // adjacent, blocks in parallel), and each row reads the pack through; per
  // row and block, as in order 0, the packing took longer than the FMAs on
  // cyclegan_resnet_up (1.2 MB of weights, 80 against 66 ms in x tiles).
  // (Packed per image, a batch of small images paid for the pack 32 times:
  // resnet50_dgrad_3x3 of the zoo, 52.4 to 45.8 ms on a Zen 3 EPYC.)
  // A layer of one phase row (1-row audio layers) has no rows to share:
  // there the row's x tiles are shared, each tile running every channel
  // block (the register tile is then computed per block, at `tile`, where
  // a row's nest computes it per x tile), so the input is read once per
  // phase rather than once per block and phase, and each tile reads the
  // phase's weights through (both cores of an Intel Xeon, AVX-512,
  // alternated: hifigan_up3, 6.5 MB of input, 5.5 ms in x tiles, 8.0 by
  // row sharing the row, 3.9 sharing its tiles; hifigan_up2 8.4, 14.9 and
  // 7.5). Rows of more than one keep their nest: blocks inside the tiles
  // there ran 1-8% slower (cyclegan_resnet_up, enet_final, linknet_final).
  // A row's phases still run one after another over the whole row, so
  // with a stride along x of 8 each phase's scattered stores find the
  // output (6.5 MB for hifigan_up2) out of cache. Every phase inside each
  // x tile needs a domain of its own (Halide keeps a non-associative
  // update's reduction loops in their RDom's order): measured with one,
  // hifigan_up2 AVX-512 6.19 to 5.88 ms, hifigan_up3 3.21 to 3.10, the
  // AVX2 kernels unchanged (Intel Xeon, both cores, alternated).
  // Order 8, wide x tiles by row, is the same in the wide x tiles, with
  // its own copies.
  // One row's tiles run in chunks of up to kOneRowChunkTiles, each chunk
  // through every channel block before the next (the register tile still
  // per tile and block). A tile running every block stored into every
  // output channel in turn, a line a plane apart each (64 lines in one L1
  // set where the planes are a multiple of 4 KB), and where the reduction
  // is short those stores, not the FMAs, set the pace; a chunk's blocks
  // store along x_channels lines, and the chunk's input stays in L1 for
  // them. The chunks number at least kOneRowChunks, so that the threads
  // still share them evenly (melgan_up1's rows of 9 tiles in chunks of 8,
  // both cores: 17 to 27 ms). AMD EPYC Zen 3 (512 KB L2), alternated,
  // medians of 8 runs of 9 calls, one core: 1-row layers of 16 to 64
  // channels, 12800 columns k4 s2 3.25 to 1.87 ms, 25600 columns k3 s1
  // 3.63 to 2.50, hifigan_up3 15.3 to 12.3; both cores: hifigan_up3 8.8 to
  // 6.9, hifigan_up2 12.9 to 12.1 (chunks of 4 to 32 tiles alike).
  constexpr int kOneRowChunkTiles = 8, kOneRowChunks = 32;
  auto tile_by_row = [&](convt_order::TileOrder order, OutputUpdate update, const RDom &r, Func sum,
                         Func input_blocks, Func weights, int width, int channels,
                         const std::string &prefix) {
    RVar rqx = r.x, rrx = r.y, rry = r.z, rqy = r.w;
    RVar rqxo(prefix + "qxo"), rqxi(prefix + "qxi");
    Var rcoo(prefix + "coo"), rcoi(prefix + "coi");
    // The loop the register tile is computed at: x tiles in a row's nest,
    // channel blocks in one row's.
    const std::string tile = prefix + "tile";
    enum class Nest { kRows, kOneRow, kOneRowChunks };
    const Expr tiles = (rqx.extent() + width - 1) / width;
    auto tile_nest = [&](Stage s, Nest nest) {
      s.allow_race_conditions()
          .split(rqx, rqxo, rqxi, width, TailStrategy::GuardWithIf)
          .split(f.co, rcoo, rcoi, channels, TailStrategy::GuardWithIf);
      if (nest == Nest::kOneRowChunks) {
        RVar rqxoo(prefix + "qxoo");
        // (Split factors are checked in every pipeline, taken or not.)
        const Expr chunk = clamp(tiles / kOneRowChunks, 1, kOneRowChunkTiles);
        s.split(rqxo, rqxoo, rqxo, chunk, TailStrategy::GuardWithIf)
            .reorder(rqxi, rcoi, rqxo, rcoo, rqxoo, rrx, rry, rqy, f.n)
            .parallel(rqxoo)
            .rename(rqxo, RVar(tile));
      } else if (nest == Nest::kOneRow) {
        s.reorder(rqxi, rcoi, rcoo, rqxo, rrx, rry, rqy, f.n)
            .parallel(rqxo)
            .rename(rcoo, Var(tile));
      } else {
        s.reorder(rqxi, rcoi, rqxo, rrx, rry, rcoo, rqy, f.n)
            .parallel(rqy)
            .rename(rqxo, RVar(tile));
      }
      s.vectorize(rqxi, vec).unroll(rqxi).unroll(rcoi);
    };
    Stage by_row = f.output.update(update);
    const Expr one_row = rqy.extent() == 1;
    // (Chunks of one tile keep the tiles' loop unsplit; see the interleaved
    // x tiles' chunks.)
    const Expr chunked = one_row && tiles >= 2 * kOneRowChunks;
    tile_nest(by_row.specialize(chunked && simple && groups_1), Nest::kOneRowChunks);
    tile_nest(by_row.specialize(chunked), Nest::kOneRowChunks);
    tile_nest(by_row.specialize(one_row && simple && groups_1), Nest::kOneRow);
    tile_nest(by_row.specialize(one_row), Nest::kOneRow);
    tile_nest(by_row.specialize(simple && stride_x_1 && groups_1), Nest::kRows);
    tile_nest(by_row.specialize(simple && groups_1), Nest::kRows);
    tile_nest(by_row.specialize(simple), Nest::kRows);
    tile_nest(by_row.specialize(groups_1), Nest::kRows);  // (see order 0)
    tile_nest(by_row, Nest::kRows);

    const Expr chosen = f.tile_order == order;
    x_blocks_copy(input_blocks, sum, order);
    x_tile_in_registers(sum, LoopLevel(f.output, Var(tile)), width, channels);
    weights.compute_root().bound_extent(f.block_channel, channels).unroll(f.block_channel);
    weights.specialize(chosen && groups_1).parallel(f.block);  // (see pack_weights)
    weights.specialize(chosen).parallel(f.block);
  };
  tile_by_row(convt_order::kXTilesByRow, kXRows, f.r_out_x_rows, f.phase_sum_x_rows,
              f.input_x_blocks_by_row, f.weight_blocked, x_width, t.x_channels, "r");
  tile_by_row(convt_order::kWideXTilesByRow, kWideXRows, f.r_out_wide_x_rows,
              f.phase_sum_wide_x_rows, f.input_wide_x_blocks_by_row, f.weight_wide_blocked,
              vec * t.wide_vectors, t.wide_channels, "wr");

  // --- 6: x tiles across rows ---------------------------------------------
  // For 1 to 3 output channels in fewer images than order 3's image tile
  // (one image with 3 channels would leave 3 of its 4 images idle; FSRCNN's
  // 1-channel output, 11 of its 12 accumulators): (qx vectors) x (phase
  // rows) of one channel, so every accumulator is a real output whatever
  // the channel count. Each tile of xr_rows phase rows (tiles in parallel)
  // is computed for every phase into a buffer (xr_rows x W_in x phases:
  // 37 KB for FSRCNN's x4 layer), then written out, since the output
  // update cannot put rows inside columns (Halide keeps its RVars in
  // order). The taps that read the zero border's rows are not skipped
  // (the tile's rows share one reduction), so the input's copy has zero
  // rows around it as far as the taps reach, and the planner takes this
  // order only where that work and that copy stay small (a clamp of the
  // row read to one zero row either side cost 17-25% of this loop's
  // time). The weights of every phase are packed once per call.
  RVar aqx = f.r_out_across_rows.x, arx = f.r_out_across_rows.y;
  RVar ary = f.r_out_across_rows.z, aqy = f.r_out_across_rows.w;
  RVar aqyo("aqyo"), aqyi("aqyi");
  // The row tiles outermost, channels and images inside: when another
  // order is chosen this domain is empty and nothing runs, where loops over
  // channels and images outside it ran an empty parallel loop for each
  // (random1_13, 5 images x 146 channels: 11 of its 34 us).
  auto tile_across_rows = [&](Stage s) {
    s.allow_race_conditions()
        .split(aqy, aqyo, aqyi, t.xr_rows, TailStrategy::GuardWithIf)
        .reorder(aqx, arx, ary, aqyi, f.co, f.n, aqyo)
        .parallel(aqyo)
        .vectorize(aqx, vec, TailStrategy::GuardWithIf);
  };
  Stage across_rows = f.output.update(kAcrossRows);
  tile_across_rows(across_rows.specialize(simple && groups_1));
  tile_across_rows(across_rows.specialize(groups_1));  // (see order 0)
  tile_across_rows(across_rows);

  {
    const RDom &rr = f.r_by_rows;
    const int xr_width = vec * t.xr_vectors;
    Var aqxo("aqxo"), aqxi("aqxi");
    Func sum = f.phase_sum_across_rows;
    // The row tile's buffer, every phase; the register tile computed into it.
    Func rows = sum.in(f.output);
    rows.compute_at(f.output, aqyo)
        .bound_extent(f.qy, t.xr_rows)
        .split(f.qx, aqxo, aqxi, xr_width, TailStrategy::RoundUp)
        .reorder(aqxi, f.qy, aqxo, f.co, f.n, f.rx, f.ry)
        .vectorize(aqxi, vec)
        .unroll(aqxi)
        .unroll(f.qy);
    sum.compute_at(rows, aqxo)
        .bound_extent(f.qx, xr_width)
        .bound_extent(f.qy, t.xr_rows)
        .vectorize(f.qx, vec)
        .unroll(f.qx)
        .unroll(f.qy);
    sum.update()
        .reorder(f.qx, f.qy, rr.y, rr.z, rr.x, f.co, f.n, f.rx, f.ry)
        .vectorize(f.qx, vec)
        .unroll(f.qx)
        .unroll(f.qy);
    padded_rows(f.input_padded.in(sum), LoopLevel::root(),
                f.tile_order == convt_order::kXTilesAcrossRows);
    pack_weights(sum, LoopLevel::root(), PackSpan::kFewChannels, convt_order::kXTilesAcrossRows);
  }

  // --- 5: columns -----------------------------------------------------------
  // Register tiles of (vectors of columns) x (input pixels), the x tile's
  // shape with columns for x and pixels for channels (the same register
  // arithmetic): per input channel, x_vectors weight loads and x_channels
  // input broadcasts. Pixels run across images, so a batch of 1 x 1 inputs
  // still fills the tiles. The blocks of pixels run in parallel, or runs
  // of column tiles when there is one block; a block holds at most 16
  // tiles, fewer where its input lines would fill more than half of a 512
  // KB L2, the smallest of the x86 machines measured (both cores of a Zen
  // 2 EPYC: random1_19 of the report, 630 channels, 16.6 to 14.9 ms in
  // blocks of 6 tiles; blocks of 4 tiles for every layer were slower with
  // 32 to 147 channels: vae_mnist_dec2 1.17 to 1.9 ms). Computed once per
  // call, at the root (in this order's own pipeline).
  //
  // columns_blocked runs each tile's row of column strips through a block
  // of at most columns_channel_block input channels before the next block:
  // the tile's input lines (a plane apart per channel) stay in L1 across
  // the strips, and the weights stream from the panel, one aligned line
  // per step. Reading all the channels per tile, as before, both came from
  // L2, the weight rows at a stride of J floats, two lines a step (Zen 2
  // EPYC, alternated, best of 3: random1_19 28.0 to 22.5 ms on one core,
  // 15.0 to 14.1 on both; fsrcnn_deconv_x4, 56 channels, 4.03 to 3.10 and
  // 2.16 to 1.43; vae_mnist_dec2, 32 channels, 2.29 to 2.03 and 1.41 to
  // 1.24; random1_15, 782 channels, 1.63 to 1.49 and 0.98 to 1.00).
  //
  // When every pixel fits one tile (at most x_channels: a batch of a few
  // 1 x 1 inputs, a 2 x 2 input), columns_direct: one tile of all the
  // pixels, the tile's accumulators (x_vectors x x_channels vectors) spread
  // over as many column vectors as the pixels leave (AVX2: 1 pixel x 12
  // vectors, 2 x 6, 3 x 4, 4 x 3, 5 or 6 x 2; each weight vector loaded
  // once for every pixel), reading weight_columns: the layer's time is one
  // pass over the weights, which a panel would double. (One pixel per
  // tile, as before, read the weights once per pixel: pix2pix_unet_up2x2,
  // 4 pixels and 32 MB of weights, took 7.5 ms in the AVX2 panel's GEMM.)
  {
    const Expr J = f.columns_per_group;
    constexpr int kMostBlockTiles = 16, kLineBytes = 64;
    const Expr block_tiles =
        clamp(kL2BlockBytes / (f.in_channels_per_group * kLineBytes), 1, kMostBlockTiles);
    const Expr one_block = f.pixels <= block_tiles * t.x_channels;
    const Expr &few_pixels = f.columns_few_pixels;

    // The few pixels' GEMM, columns_direct: per pixel count, the tile of
    // the most column vectors (the fewest pixels at that width); the last
    // column tile shifts inwards (no read past the weights), column tiles
    // in parallel. Matrices narrower than a tile take a tile of fewer
    // vectors and more pixels, then one vector, or none, serially.
    // (Elsewhere it computes one tile, which nothing reads.)
    Var jo("jo"), ji("ji"), mo("mo"), mi("mi");
    auto tile_direct = [&](Stage c, int width, int tile_pixels, TailStrategy j_tail) {
      c.split(f.j, jo, ji, width, j_tail)
          .split(f.m, mo, mi, tile_pixels, TailStrategy::RoundUp)
          .reorder(ji, mi, mo, jo, f.g)
          .unroll(mi);
      if (j_tail == TailStrategy::ShiftInwards) c.vectorize(ji, vec).unroll(ji);
      return c;
    };
    const Expr direct_columns = select(few_pixels, J, min(J, x_width));
    f.columns_direct.compute_root().bound(f.j, 0, direct_columns);
    for (int pixels = 1; pixels <= t.x_channels; ++pixels) {
      const convt_tiles::DirectGemmTile tile = convt_tiles::direct_gemm_tile(t, pixels);
      if (tile.pixels != pixels) continue;  // (a tile of more pixels holds them)
      const int width = tile.vectors * vec;
      tile_direct(f.columns_direct.specialize(few_pixels && f.pixels <= tile.pixels &&
                                              direct_columns >= width),
                  width, tile.pixels, TailStrategy::ShiftInwards)
          .parallel(jo);
    }
    tile_direct(f.columns_direct.specialize(direct_columns >= x_width), x_width, t.x_channels,
                TailStrategy::ShiftInwards);
    if (x_width > vec) {  // (else the same condition as the one above)
      tile_direct(f.columns_direct.specialize(direct_columns >= vec), vec, t.x_channels,
                  TailStrategy::ShiftInwards);
    }
    tile_direct(f.columns_direct, vec, t.x_channels, TailStrategy::GuardWithIf);
    f.columns_pixel.compute_at(f.columns_direct, mo).unroll(f.m);
    f.columns_sum.compute_at(f.columns_direct, mo).unroll(f.m);
    f.columns_sum.update().reorder(f.j, f.m, f.r_columns.x, f.g).unroll(f.m);
    f.columns_sum.specialize(direct_columns >= vec).vectorize(f.j, vec).unroll(f.j);
    f.columns_sum.update().specialize(direct_columns >= vec).vectorize(f.j, vec).unroll(f.j);

    // The blocked GEMM, columns_blocked: whole strips of columns (the
    // panel's zeros past J), whole tiles of pixels (a point where the few
    // pixels' GEMM applies, so the panel is a strip wide there). Each
    // tile's row of strips runs through one block of input channels before
    // the next: the tile's input lines stay in L1, the panel's strips
    // stream from L2. Tasks: the blocks of pixels, or for one block about
    // 8 runs of strips. (The splits round up, so each tile's size is a
    // constant the GEMM's producers unroll over.)
    Var js("js"), bjo("bjo"), bji("bji"), jp("jp"), bmo("bmo"), bmi("bmi"), bmb("bmb");
    const RVar block = f.r_channel_blocks.x;
    const Expr strips = (J + x_width - 1) / x_width;
    enum class Tasks { kNone, kStrips, kPixelBlocks };
    auto tile_blocked = [&](Stage c, Tasks tasks) {
      const Expr task_strips = tasks == Tasks::kStrips ? max((strips + 7) / 8, 1) : strips;
      c.split(f.j, js, bji, x_width, TailStrategy::RoundUp)
          .split(js, jp, bjo, task_strips, TailStrategy::GuardWithIf)
          .split(f.m, bmo, bmi, t.x_channels, TailStrategy::RoundUp)
          .split(bmo, bmb, bmo, block_tiles, TailStrategy::GuardWithIf)
          .reorder(bji, bmi, bjo, bmo, block, jp, bmb, f.g)
          .vectorize(bji, vec)
          .unroll(bji)
          .unroll(bmi);
      if (tasks != Tasks::kNone) c.parallel(tasks == Tasks::kStrips ? jp : bmb);
    };
    f.columns_blocked.compute_root()
        .bound(f.j, 0, select(few_pixels, 1, strips) * x_width)
        .bound(f.m, 0,
               select(few_pixels, 1, (f.pixels + t.x_channels - 1) / t.x_channels) * t.x_channels);
    // (Where the few pixels' GEMM applies, without waking the pool.)
    Stage gemm = f.columns_blocked.update();
    tile_blocked(gemm.specialize(few_pixels), Tasks::kNone);
    tile_blocked(gemm.specialize(one_block), Tasks::kStrips);
    tile_blocked(gemm, Tasks::kPixelBlocks);
    // The register tile: per input channel, x_vectors loads of a strip and
    // x_channels broadcasts of pixels.
    f.columns_pixel.clone_in(f.columns_block).compute_at(f.columns_blocked, bmo).unroll(f.m);
    f.columns_block.compute_at(f.columns_blocked, bjo).unroll(f.m).vectorize(f.j, vec).unroll(f.j);
    f.columns_block.update()
        .reorder(f.j, f.m, f.r_block_channels.x, f.g, f.u)
        .vectorize(f.j, vec)
        .unroll(f.j)
        .unroll(f.m);
    // The weight panel, once per call, strips in parallel.
    f.columns_weight_panel.compute_root().bound(f.ji, 0, x_width).vectorize(f.ji, vec);
    f.columns_weight_panel.specialize(!few_pixels).parallel(f.jo);

    // Each output row (of a channel and image: tasks in parallel) adds its
    // tap rows' columns, kernel columns adjacent along x for dilation 1:
    // whole vectors where every tap lands in the row (kColumns), one tap at
    // a time at the padding's few input columns (kColumnsBorder).
    Var rows("rows"), tasks("tasks");
    auto rows_in_parallel = [&](Stage col2im, const RDom &r) {
      col2im.allow_race_conditions()
          .reorder(r.x, r.y, r.z, f.y, f.co, f.n, r.w)
          .fuse(f.y, f.co, rows)
          .fuse(rows, f.n, tasks)
          .parallel(tasks, 8, TailStrategy::GuardWithIf);
    };
    // (Each specialization names the GEMM it reads, so columns' select
    // folds away.)
    Stage col2im = f.output.update(kColumns);
    rows_in_parallel(col2im, f.r_col2im);
    col2im.specialize(!few_pixels && groups_1 && f.phase_x.dilation == 1)
        .vectorize(f.r_col2im.x, vec, TailStrategy::GuardWithIf);
    col2im.specialize(!few_pixels && f.phase_x.dilation == 1)
        .vectorize(f.r_col2im.x, vec, TailStrategy::GuardWithIf);
    col2im.specialize(few_pixels && f.phase_x.dilation == 1)
        .vectorize(f.r_col2im.x, vec, TailStrategy::GuardWithIf);
    col2im.specialize(few_pixels);
    Stage border = f.output.update(kColumnsBorder);
    rows_in_parallel(border, f.r_col2im_border);
    border.specialize(few_pixels);
    border.specialize(!few_pixels);
    // Once per call: a few ints per output row.
    f.col2im_row.compute_root();
  }

  // --- Bias fill (only where some residue has no phase) -------------------
  // A store-bound pass: whole vectors along x. Planes (channels x images)
  // in parallel where there are enough of them to share; else each plane's
  // rows, a loop per plane. (Rows only made one loop a plane: 900 of them
  // for random2_37 of the report, a 13 x 13 output, each waking the pool
  // for 2 tasks, 0.15 ms a call serially and 0.8 on the pool. Rows and
  // planes fused into one loop cost a division per row: 0.44 ms.)
  // An image's channels go in tasks of 4096 values or more: a task per
  // plane, its channel and image decoded from the fused index, cost tiny
  // planes more than their stores (random205_48, 907 planes of one value:
  // two divisions a plane, half of its call). Rows narrower than a vector
  // store lane by lane rather than in one masked store.
  RVar fx = f.r_fill.x, fy = f.r_fill.y, fxo("fxo"), fxi("fxi");
  Var tasks("fill_tasks"), channel_tasks("fill_channel_tasks"), channels("fill_channels");
  const Expr plane_values = f.r_fill.x.extent() * f.r_fill.y.extent();
  const Expr channels_per_task = max(4096 / max(plane_values, 1), 1);
  auto fill_planes = [&](Stage s, bool vectors) {
    if (vectors) {
      s.split(fx, fxo, fxi, vec, TailStrategy::GuardWithIf)
          .reorder(fxi, fxo, fy, f.co, f.n, f.r_fill.z)
          .vectorize(fxi);
    } else {
      s.reorder(fx, fy, f.co, f.n, f.r_fill.z);
    }
    s.specialize(out_channels * batch >= t.enough_blocks)
        .split(f.co, channel_tasks, channels, channels_per_task, TailStrategy::GuardWithIf)
        .fuse(channel_tasks, f.n, tasks)
        .parallel(tasks);
    s.parallel(fy, 8);
  };
  Stage fill = f.output.update(kFill);
  fill.allow_race_conditions();
  fill_planes(fill.specialize(f.r_fill.x.extent() >= vec), true);
  fill_planes(fill, false);

  // --- Edge columns (the last W_out % s_x of each row) ---------------------
  // Channel tiles as in order 1, with an edge column's rows as the
  // positions: per channel block and phase, the phase's weights packed once
  // for every image, then the images (in parallel when the blocks are too
  // few to share) and register tiles of (rows) x (channel vectors). (Packed
  // per image, the weights of a 1 x 1 input in a batch of 37 were packed 37
  // times for one use each: random1_6 of the report, 0.19 to 0.12 ms.) Only
  // the phases with an edge residue are packed (random1_28: both phases,
  // packed per block, 0.16 to 0.24 ms). Layers whose output is narrower
  // than the stride are all edge (1 x 1 and 1-row inputs), and one column
  // of 29 is 1/29 of a layer's work: one pixel at a time, unvectorized, it
  // took 69% of a 1 x 1 layer's time and a quarter of random1_16's. Each
  // pixel's channels are stored lane by lane (the output's channels are a
  // plane apart), once per pixel after the whole reduction.
  RVar eqy = f.r_edge.x, erx = f.r_edge.y, ery = f.r_edge.z;
  RVar eqyo("eqyo"), eqyi("eqyi");
  Var ecoo("ecoo"), ecoi("ecoi");
  auto tile_edge = [&](Stage s, bool parallel_blocks) {
    s.allow_race_conditions()
        .split(eqy, eqyo, eqyi, t.cx_columns, TailStrategy::GuardWithIf)
        .split(f.co, ecoo, ecoi, cx_depth, TailStrategy::GuardWithIf);
    s.reorder(ecoi, eqyi, eqyo, f.n, erx, ery, ecoo)
        .parallel(parallel_blocks ? VarOrRVar(ecoo) : VarOrRVar(f.n));
    s.vectorize(ecoi, vec).unroll(eqyi);
  };
  Stage edge = f.output.update(kEdge);
  Expr edge_blocks = blocks(cx_depth) >= t.enough_blocks;
  // Groups 1 and depthwise specialized: otherwise each lane's input channel
  // and weight index is a division by the group size, scalarized (twice the
  // time of the whole rest of random1_14, which has one edge column of 53).
  for (const Expr &case_ : {groups_1, depthwise}) {
    tile_edge(edge.specialize(case_ && edge_blocks), true);
    tile_edge(edge.specialize(case_), false);
  }
  tile_edge(edge.specialize(edge_blocks), true);
  tile_edge(edge, false);
  channel_tile_in_registers(f.phase_sum_edge, f.qy, t.cx_columns, cx_depth,
                            LoopLevel(f.output, eqyo), f.r);
  pack_weights(f.phase_sum_edge, LoopLevel(f.output, erx), PackSpan::kPhase, kEveryOrder);

  // --- 10: interleaved x tiles --------------------------------------------
  // One tap per output (kernel == stride): the x tile's register tile,
  // x_vectors vectors of output columns x x_channels channels, each vector
  // s_x taps of vec / s_x input columns (rx and qx vectorized together).
  // Per input channel: x_vectors whole-vector loads of the tile's input
  // (input_interleaved: each column repeated for its taps, the next
  // channel's adjacent) and one broadcast of a channel's s_x taps per
  // channel (AVX2, s_x = 2: 2 loads and 6 vbroadcastsd per 12 FMAs, no
  // shuffles. Reading a row's input in place, a step stepped a whole row
  // and spread one load with 2 vpermps; with that and a pointer per channel
  // of the tile (a clamped channel), both cores of a Zen 4 EPYC, AVX2:
  // unet_up1_k2 72.8 ms, maskrcnn_mask_head 90.5, now 60.1 and 65.6). The tile
  // stores whole vectors; the x tiles store each phase's columns s_x
  // apart, one at a time, which with one tap per phase (a reduction C_in
  // steps long) took a fifth of the time (maskrcnn_mask_head, AVX2 x tiles
  // by row, profiled: 80% of the samples in the FMA loop). Output rows of
  // every image in parallel; per row, its input copied into tiles, then
  // each channel block's tiles along x, so a block's weights of the row's
  // taps (x_channels x C_in x s_x, packed once per call, a step's
  // adjacent) serve every tile of the row from cache. Padding 0 along x
  // (every real layer of this kind) makes a tile's reads of its sums two
  // dense loads and a shuffle per vector, and the copy's a load and a
  // shuffle. (Profiled, AVX2, Zen 4 EPYC: maskrcnn_mask_head 80% of the
  // samples in the FMA loop; unet_up1_k2 85%, that loop at some 77% of the
  // FMA peak: each step's 112 bytes of input and weights come from L2, a
  // tile's 48 KB of weights and 64 KB of input not fitting L1.)
  // A row whose input (C_in per group x s_x floats a column: 13 MB for a
  // 1-row layer of 512 channels and 6400 columns) passes kChunkedRowBytes
  // runs its tiles in chunks whose input fills at most kL2BlockBytes, each
  // chunk through every channel block: with every block over the whole
  // row, each block read the row's input from L3 or memory. Chunked, a row
  // reads the weights once per chunk instead. AMD EPYC Zen 3, both cores,
  // alternated, medians of 6 runs of 5 calls, 1-row layers of 2 to 4
  // images, 256 to 512 channels, 6400 to 12800 output columns: 0.54x,
  // 0.58x, 0.65x (99.9 to 54.3 ms, 37.7 to 21.9, 41.4 to 26.9; x tiles
  // take 53 to 65, 23 to 25 and 26 to 28); one of 64 channels 0.93x in 10
  // rounds (1.09x in 6). Chunks of 128 and 64 KB were no faster.
  {
    Var ixo("ixo"), ixi("ixi"), icoo("icoo"), icoi("icoi"), irow("irow"), ixoo("ixoo");
    const RVar &once = f.r_interleaved_once.x;
    constexpr int kFloatBytes = static_cast<int>(sizeof(float));
    constexpr int kChunkedRowBytes = 4 * kL2BlockBytes;
    const Expr chunk_tiles =
        max(kL2BlockBytes / (f.in_channels_per_group * x_width * kFloatBytes), 1);
    const Expr row_bytes =
        f.in_channels_per_group * f.output.output_buffer().dim(0).extent() * kFloatBytes;
    const Expr chunked = row_bytes > kChunkedRowBytes;
    auto tile = [&](Stage s, bool in_chunks) {
      s.split(f.x, ixo, ixi, x_width, TailStrategy::GuardWithIf)
          .split(f.co, icoo, icoi, t.x_channels, TailStrategy::GuardWithIf);
      if (in_chunks) {
        s.split(ixo, ixoo, ixo, chunk_tiles, TailStrategy::GuardWithIf)
            .reorder(ixi, icoi, ixo, icoo, ixoo, f.y, f.n, once);
      } else {
        s.reorder(ixi, icoi, ixo, icoo, f.y, f.n, once);
      }
      s.fuse(f.y, f.n, irow).parallel(irow).vectorize(ixi, vec).unroll(ixi).unroll(icoi);
    };
    Stage out = f.output.update(kInterleaved);
    const Expr stride = f.phase_x.stride;
    const Expr padding_0 = f.phase_x.padding == 0;
    // Rows of at most kChunkedRowBytes of input keep the loops without
    // chunks: unet_up1_k2's rows of 480 KB, in 2 chunks, ran 1.13x slower
    // on one core (weights read twice a row; the row's input mostly stayed
    // in L2) and 1.02x on both. (Split into one chunk, the rows of 1 to
    // 19 tiles of random layers ran 1.1x to 1.4x slower: every partial
    // tile was stored channel by channel.)
    for (int s : {2, 4}) {
      tile(out.specialize(stride == s && padding_0 && chunked), true);
      tile(out.specialize(stride == s && padding_0), false);
    }
    tile(out.specialize(chunked), true);
    tile(out, false);

    Func sum = f.interleaved_sum;
    const RVar &ci = f.r_interleaved.x;
    sum.compute_at(f.output, ixo)
        .bound_extent(f.rx, stride)
        .bound_extent(f.qx, x_width / stride)
        .bound_extent(f.co, t.x_channels);
    for (int s : {2, 4}) {
      for (const Expr &case_ :
           {groups_1 && padding_0, padding_0, groups_1, Internal::const_true()}) {
        sum.specialize(stride == s && case_)
            .vectorize(f.rx, s)
            .vectorize(f.qx, x_width / s)
            .unroll(f.co);
        sum.update()
            .specialize(stride == s && case_)
            .reorder(f.rx, f.qx, f.co, ci, f.y, f.n)
            .vectorize(f.rx, s)
            .vectorize(f.qx, x_width / s)
            .unroll(f.co);
      }
    }
    const char *kStrides = "interleaved x tiles take a stride along x of 2 or 4";
    sum.specialize_fail(kStrides);
    sum.update().specialize_fail(kStrides);
    // The row's input in tiles: with padding 0, each vector one load of
    // input columns spread over s_x lanes each (column xi reads xi / s_x:
    // vectorized as (phase, column) pairs, not gathers).
    Func copy = f.input_interleaved;
    Var xq("xq"), xr("xr");
    copy.compute_at(f.output, irow);
    for (int s : {2, 4}) {
      copy.specialize(stride == s && padding_0)
          .split(f.xi, xq, xr, s)
          .vectorize(xr)
          .vectorize(xq, std::max(vec / s, 2));
    }
    copy.vectorize(f.xi, vec);
    // (From the row's zero-bordered copy: read in place, the border's
    // clamps made every lane a scalar load.)
    padded_rows(f.input_padded.in(copy), LoopLevel(f.output, irow), Internal::const_false());
    if (is_const(f.tile_order, convt_order::kInterleavedXTiles)) {
      // Each source channel's taps (s_x x s_y of each output channel,
      // adjacent) read once, in order; blocks in parallel.
      // (Its channels lie s_x floats apart, a stride known only at run
      // time, so the AVX-512 tile's 13 broadcasts take an index register
      // each and some spill. Storage bound to 4 taps made the offsets
      // constants but doubled a stride of 2's weights, and was slower:
      // unet_up1_k2 39.3 to 43.2 ms, AVX2 56.9 to 68.1; maskrcnn_mask_head
      // faster at AVX-512 only, 61.0 to 56.1. Intel Xeon, both cores,
      // alternated, medians of 4.)
      f.weight_interleaved.compute_root()
          .reorder(f.rx, f.ry, f.block_channel, f.c, f.block)
          .parallel(f.block);
      f.weight_interleaved.specialize(groups_1);
    }
  }
}

}  // namespace convt_gen
