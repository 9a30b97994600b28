// AArch64 NEON register tiles for the CPU schedule (schedule_cpu.cpp): the
// constants of generators/cpu_tiles.h, which say why each is chosen.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

CpuTiles arm_tiles(const Target & /*target*/) { return convt_tiles::kNeonTiles; }

}  // namespace convt_gen
