// x86-64 register tiles for the CPU schedule (schedule_cpu.cpp).
//
// The machine model: FMA with 4-cycle latency on 2 ports, so at least 8
// independent accumulators must be in flight, and 16 vector registers (32
// with AVX-512). A tile of A x B accumulators fed per reduction step by A
// vector loads and B broadcasts leaves A + 1 registers for operands.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

void schedule_x86(ConvTranspose2dFuncs &f, const Target &target) {
  CpuTiles t;
  // AVX2 and SSE4.1: 16 registers, 12 accumulators.
  // - x tiles: 2 vectors x 6 channels; 2 loads and 6 broadcasts per 12 FMAs.
  // - channel tiles along x: 4 columns x 3 channel vectors (24 channels
  //   with AVX2), so phase rows of 4, 8 or 16 columns leave no idle column.
  // - channel tiles along images: 4 images x 3 channel vectors.
  t.x_vectors = 2;
  t.x_channels = 6;
  t.cx_columns = 4;
  t.cx_channel_vectors = 3;
  t.img_images = 4;
  t.img_channel_vectors = 3;
  // - x tiles across images: 1 vector x 3 channels x 4 images; 4 loads
  //   and 3 broadcasts per 12 FMAs, 16 registers in all.
  t.xi_vectors = 1;
  t.xi_channels = 3;
  t.xi_images = 4;
  t.pad_vectors = 1;
  schedule_cpu(f, target, t);
}

}  // namespace convt_gen
