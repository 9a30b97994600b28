// The kernels' thread pool: runs the parallel loops of a call on the
// calling thread and the pool's workers, each thread first on its own
// contiguous share of the iterations (the same share call after call), then
// on what is left of the others'. A worker's wait for the next loop spins a
// while before it sleeps.
#pragma once

#include <cstdint>

namespace convt::detail {

// One iteration of a parallel loop: Halide's task signature.
using LoopTask = int (*)(void *user_context, int index, uint8_t *closure);

// Runs task(user_context, i, closure) for every i in [min, min + size) and
// returns the first nonzero code a task returned, else 0. The calling thread
// takes part. A loop started from inside another (from a task) or while
// another thread's loop holds the pool runs on the calling thread alone.
int run_in_pool(void *user_context, LoopTask task, int min, int size, uint8_t *closure);

// The same loop in order on the calling thread alone, stopping at the
// first nonzero code.
int run_serially(void *user_context, LoopTask task, int min, int size, uint8_t *closure);

// The threads a loop runs on, the caller's included: HL_NUM_THREADS if set,
// else one per core.
int pool_threads();

// Sets the threads later loops run on (1 to 256) and returns the previous
// count. Workers beyond the count stay idle.
int set_pool_threads(int threads);

}  // namespace convt::detail
