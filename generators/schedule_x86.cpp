// x86-64 register tiles for the CPU schedule (schedule_cpu.cpp): the
// constants of generators/cpu_tiles.h, which say why each is chosen.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

CpuTiles x86_tiles(const Target &target) {
  return target.has_feature(Target::AVX512) ? convt_tiles::kX86Avx512Tiles
                                            : convt_tiles::kX86Avx2Tiles;
}

}  // namespace convt_gen
