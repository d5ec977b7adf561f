/* Internal: the CPU routines of map and dense, shared by the serial and
 * pthreads backends (pthreads runs the same routines on parts of the work,
 * so both compute exactly the same function). */
#ifndef GPUCC_CPU_KERNELS_H
#define GPUCC_CPU_KERNELS_H

#include <stdbool.h>

#include "gpucc.h"

/* out[i] = fn(x[i], y[i], alpha) for i in [begin, end) over elements of
 * dtype, computed as gpucc_map_typed says (backends/cpu/cpu-map.c), with
 * streaming stores exactly when `stream` is set (and the CPU has them): the
 * same values either way. Nothing for a function dtype lacks. */
void gpucci_cpu_map_range(gpucc_map_fn fn, gpucc_dtype dtype, double alpha, const void *x, const void *y,
                          void *out, size_t begin, size_t end, bool stream);

/* Serial dense layer: a clear, cache-friendly loop nest over all of Y
 * (backends/cpu/cpu-dense.c), over arrays of dtype (f32, f16 or bf16) as
 * gpucc_dense_typed says. GPUCC_E_NOMEM when f16 or bf16 cannot get their
 * float buffers (one block of W and one row of X and of Y). */
gpucc_status gpucci_cpu_dense_serial(const gpucc_dense_shape *shape, gpucc_dtype dtype, const void *x,
                                     const void *w, const void *b, void *y);

/* Blocked, vectorised dense layer over output tiles: Y is cut into tiles
 * (gpucci_cpu_dense_tile_count of them, in a fixed order); computes tiles
 * [first, end) over W, b and Y of dtype, as gpucc_dense_typed says, and X
 * as floats (f16 and bf16 callers widen it first, once for all tiles:
 * gpucci_cpu_dense_widen). Any split of the tiles gives the same Y. */
size_t gpucci_cpu_dense_tile_count(const gpucc_dense_shape *shape);
/* Floats of scratch one gpucci_cpu_dense_tiles call of dtype needs (the
 * packed panel; for f16 and bf16 also W's strip and the tile's outputs as
 * floats): up to 288 KiB, kept off the stack so that a thread with a small
 * stack (musl's 128 KiB, a caller's own thread) can run the tiles. */
size_t gpucci_cpu_dense_scratch_floats(gpucc_dtype dtype);
/* scratch: gpucci_cpu_dense_scratch_floats(dtype) floats, 64-byte aligned,
 * used by this call alone (its contents on entry do not matter). */
void gpucci_cpu_dense_tiles(const gpucc_dense_shape *shape, gpucc_dtype dtype, const float *x, const void *w,
                            const void *b, void *y, size_t first, size_t end, float *scratch);

/* dst[i] = element first + i of src (f32, f16 or bf16) as a float, exactly,
 * for i < n. */
void gpucci_cpu_dense_widen(gpucc_dtype dtype, const void *src, size_t first, float *dst, size_t n);

#endif
