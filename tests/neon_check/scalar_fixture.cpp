// A stand-in for a kernel whose hot loop was left scalar, laid out the way
// Halide lays out a kernel: an entry function handing a closure named
// <kernel>_par_for_conv_transpose2d_s1_... to a parallel-for. Built without
// vectorization, so the disassembly check must reject it.
extern "C" {

using ClosureFn = void (*)(float *, const float *, float, int);

__attribute__((noinline)) void run_closure(ClosureFn fn, float *acc, const float *in, float w,
                                           int n) {
  fn(acc, in, w, n);
}

__attribute__((noinline)) void scalar_fixture_par_for_conv_transpose2d_s1_tile(float *acc,
                                                                               const float *in,
                                                                               float w, int n) {
  for (int i = 0; i < n; ++i) acc[i] += in[i] * w;  // fmadd on s registers
}

void scalar_fixture(float *acc, const float *in, float w, int n) {
  run_closure(scalar_fixture_par_for_conv_transpose2d_s1_tile, acc, in, w, n);
}

}  // extern "C"
