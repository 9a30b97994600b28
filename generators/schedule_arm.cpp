// AArch64 NEON register tiles for the CPU schedule (schedule_cpu.cpp).
//
// The machine model: 32 vector registers of 128 bits (4 float32 lanes), and
// a fused multiply-add (fmla) with 4-cycle latency issued on 2 pipes on the
// common big cores (Cortex-A76/A78/X1, Neoverse N1/V1), so at least 8
// independent accumulators must be in flight. With twice the registers of
// AVX2 and half the lanes, the register tile is shaped by register count, not
// by vector width: 24 accumulators, leaving 8 registers for the operands.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

CpuTiles arm_tiles(const Target & /*target*/) {
  CpuTiles t;
  // x tiles: 4 vectors (16 columns) x 6 channels. Per (input channel, tap)
  // that is 4 input loads and 6 weight broadcasts (ld1r) for 24 fmla; live
  // registers 24 + 4 inputs + 1-2 broadcasts <= 30 of 32. 16 columns is also
  // the AVX2 tile's width, so one dispatcher threshold
  // (runtime/cpu_tile_order.cpp) serves both.
  t.x_vectors = 4;
  t.x_channels = 6;
  // Channel tiles: 6 positions (columns, or images) x 4 vectors (16) of
  // output channels = 24 accumulators, fed by 4 packed weight vectors and 6
  // broadcast inputs.
  t.cx_columns = 6;
  t.cx_channel_vectors = 4;
  t.img_images = 6;
  t.img_channel_vectors = 4;
  // x tiles across images: 2 vectors (8 columns) x 3 channels x 4 images.
  t.xi_vectors = 2;
  t.xi_channels = 3;
  t.xi_images = 4;
  // The zero-bordered copy moves 4 q registers per step.
  t.pad_vectors = 4;
  return t;
}

}  // namespace convt_gen
