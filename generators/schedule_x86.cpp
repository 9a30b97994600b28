// x86-64 schedule for conv_transpose2d.
#include "schedules.h"

using namespace Halide;

namespace convt_gen {

void schedule_x86(ConvTranspose2dFuncs &f, const Target &target) {
  const int vec = target.natural_vector_size<float>();
  Var xo("xo"), xi("xi"), yo("yo"), yi("yi"), coo("coo"), coi("coi"), tile("tile");

  // Phase tables: a handful of integers per call.
  for (AxisPhases *a : {&f.phase_x, &f.phase_y}) {
    a->step_search.compute_root();
    a->first_tap_search.compute_root();
    a->first_tap.compute_root();
  }

  f.input_padded.compute_root()
      .parallel(f.n)
      .vectorize(f.x, vec, TailStrategy::GuardWithIf);

  f.output.compute_root()
      .tile(f.x, f.co, xo, coo, xi, coi, 2 * vec, 4, TailStrategy::GuardWithIf)
      .reorder(xi, coi, xo, f.y, coo, f.n)
      .fuse(coo, f.n, tile)
      .parallel(tile)
      .vectorize(xi, vec, TailStrategy::GuardWithIf);

  f.phase_sum.compute_at(f.output, xo)
      .vectorize(f.qx, vec, TailStrategy::GuardWithIf);
  f.phase_sum.update()
      .reorder(f.qx, f.co, f.r.x, f.r.z, f.r.y, f.rx, f.ry)
      .vectorize(f.qx, vec, TailStrategy::GuardWithIf);
}

}  // namespace convt_gen
