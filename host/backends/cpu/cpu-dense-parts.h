/* Internal to the CPU dense layer: what cpu-dense.c shares with the tiled
 * kernel (cpu-dense-tiled.h), which is compiled once per instruction set and
 * chosen when it runs. */
#ifndef GPUCC_CPU_DENSE_PARTS_H
#define GPUCC_CPU_DENSE_PARTS_H

#include "dispatch.h"
#include "gpucc.h"

#include <stddef.h>

/* y[j] = act(z[j]) for j < n (z may equal y). */
void gpucci_dense_activate_row(int act, const float *z, float *y, size_t n);

/* One row of the serial loop nest: y[o] = act(x . W[o] + b[o]) for o in
 * [o0, o1), x a row of X (in floats), y a row of Y. */
void gpucci_dense_row_outputs(int act, const float *x, const float *w, const float *b, size_t in, float *y,
                              size_t o0, size_t o1);

/* One compiled copy of the tiled kernel: gpucci_cpu_dense_tile_count and
 * gpucci_cpu_dense_tiles (cpu-kernels.h) for its instruction set. */
typedef struct {
    size_t (*tile_count)(const gpucc_dense_shape *shape);
    void (*tiles)(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b, float *y,
                  size_t first, size_t end);
} gpucci_dense_tiled;

/* The copy for the build's own target (-march=native in a native build),
 * and in a portable x86-64 build those for x86-64-v3 and x86-64-v4. */
extern const gpucci_dense_tiled gpucci_dense_tiled_base;
#if GPUCCI_DISPATCH
extern const gpucci_dense_tiled gpucci_dense_tiled_v3, gpucci_dense_tiled_v4;
#endif

#endif
