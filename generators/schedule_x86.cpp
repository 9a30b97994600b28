// x86-64 register tiles for the CPU schedule (schedule_cpu.cpp).
//
// The machine model: FMA with 4-cycle latency on 2 ports, so at least 8
// independent accumulators must be in flight, and 16 vector registers (32
// with AVX-512). A tile of A x B accumulators fed per reduction step by A
// vector loads and B broadcasts needs A x B + (A or B) + 1 registers.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

CpuTiles x86_tiles(const Target &target) {
  CpuTiles t;
  t.pad_vectors = 1;
  if (target.has_feature(Target::AVX512)) {
    // AVX-512: 32 registers of 16 lanes, 24 accumulators.
    // - x tiles: 2 vectors (32 columns, the dispatcher's narrow-row limit)
    //   x 12 channels; 2 loads and 12 broadcasts per 24 FMAs.
    // - channel tiles along x: 8 columns x 2 vectors (32 channels): phase
    //   rows of 8 or 16 columns fill them, and 32 channels waste little of
    //   C_out = 21 (fcn32s) or 256.
    // - channel tiles along images: 8 images x 2 vectors.
    // - x tiles across images: 2 vectors x 3 channels x 4 images.
    t.x_vectors = 2;
    t.x_channels = 12;
    t.cx_columns = 8;
    t.cx_channel_vectors = 2;
    t.img_images = 8;
    t.img_channel_vectors = 2;
    t.xi_vectors = 2;
    t.xi_channels = 3;
    t.xi_images = 4;
  } else {
    // AVX2 and SSE4.1: 16 registers, 12 accumulators.
    // - x tiles: 2 vectors x 6 channels; 2 loads and 6 broadcasts per 12
    //   FMAs. (4 vectors x 3 channels would need 17 registers, and spills.)
    // - channel tiles along x: 4 columns x 3 channel vectors (24 channels
    //   with AVX2), so phase rows of 4, 8 or 16 columns leave no idle column.
    // - channel tiles along images: 4 images x 3 channel vectors.
    // - x tiles across images: 1 vector x 3 channels x 4 images; 4 loads
    //   and 3 broadcasts per 12 FMAs, 16 registers in all.
    t.x_vectors = 2;
    t.x_channels = 6;
    t.cx_columns = 4;
    t.cx_channel_vectors = 3;
    t.img_images = 4;
    t.img_channel_vectors = 3;
    t.xi_vectors = 1;
    t.xi_channels = 3;
    t.xi_images = 4;
  }
  return t;
}

}  // namespace convt_gen
