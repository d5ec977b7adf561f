/* The CPU dense layer Y = act(X W^T + b): a plain loop nest for the serial
 * backend and a blocked, register-tiled kernel for the pthreads backend.
 *
 * Shapes: X is [batch x in], W is [out x in] (both rows contiguous along
 * k = the input index), b is [out], Y is [batch x out], all row-major.
 *
 * This file is compiled with -ffp-contract=fast (see CMakeLists.txt): a
 * multiply followed by an add becomes one FMA where the CPU has one. That is
 * within the documented error bound (gpucc_dense_verify allows
 * 2 * in * 2^-24 * (sum |x||w| + |b|), which covers any summation order,
 * with or without FMA), and it doubles the throughput of the tiled kernel.
 *
 * ---- Serial: gpucci_cpu_dense_serial ----
 *
 * For each block of rows of W (SERIAL_W_BLOCK_BYTES, sized to stay in L2),
 * for each row r of X, for each output o of the block: the dot product of
 * two contiguous rows, X[r][0..in) . W[o][0..in). The dot product keeps
 * SERIAL_LANES independent float accumulators (lane j adds the products of
 * k = j mod SERIAL_LANES, in increasing k), which GCC vectorises without
 * -ffast-math because the order is written out; the lanes are added in a
 * fixed pairwise tree, then the tail (in mod SERIAL_LANES products, in
 * order), then the bias. Four outputs are computed side by side (the same
 * order for each; four independent chains share each load of X). Then the
 * activation over the block's outputs of the row, in place.
 *
 * f16 and bf16 run the same loop nest on floats: each block of W (and its
 * biases) is widened once into a float buffer, each row of X once per
 * block, and each block's outputs of a row go through a float row that is
 * rounded once to the type.
 *
 * ---- Tiled: gpucci_cpu_dense_tile_count / gpucci_cpu_dense_tiles ----
 *
 * A blocked, register-tiled kernel (cpu-dense-tiled.h) whose tile shape
 * follows the vector registers. It is compiled once for the build's target
 * (cpu-dense-tiled-base.c) and, in a portable x86-64 build (dispatch.h),
 * also for x86-64-v3 and x86-64-v4 (cpu-dense-tiled-v3.c, -v4.c); the one
 * for the level gpucci_cpu_isa() names runs, so the tiles of a portable
 * build on an AVX-512 CPU are a native AVX-512 build's. Its dot-product path
 * and its activations are this file's (below).
 */
#include "cpu-dense-parts.h"
#include "cpu-kernels.h"
#include "cpuinfo.h"
#include "dispatch.h"
#include "error.h"
#include "gpucc-map.h"

#include <stdlib.h>
#include <string.h>

/* ---- Both ---- */

/* One loop per activation of GPUCC_ACTIVATION_TABLE, so that the switch is
 * resolved outside the loop (none and relu then vectorise; sigmoid and tanh
 * call libm). act is in range (gpucc_dense checks it). */
GPUCCI_HOT void gpucci_dense_activate_row(int act, const float *z, float *y, size_t n)
{
#define ACTIVATE_LOOP(enumerator, name, ulps, expr)                                                               \
    case enumerator:                                                                                              \
        for (size_t j = 0; j < n; j++)                                                                            \
            y[j] = gpucci_activate(enumerator, z[j]);                                                             \
        break;
    switch (act) {
        GPUCC_ACTIVATION_TABLE(ACTIVATE_LOOP)
    }
#undef ACTIVATE_LOOP
}

/* ---- Serial ---- */

enum {
    SERIAL_LANES = 16,
    /* Bytes of W per block: 64 rows of 1024 floats (L2 holds 2 MiB per
     * core on the machine this was tuned on). */
    SERIAL_W_BLOCK_BYTES = 256 * 1024,
};

/* Adds the lanes of acc in a fixed pairwise tree; returns the total. */
static inline float sum_lanes(float acc[SERIAL_LANES])
{
    for (int width = SERIAL_LANES / 2; width > 0; width /= 2)
        for (int j = 0; j < width; j++)
            acc[j] += acc[j + width];
    return acc[0];
}

/* sum_k x[k] * w[k] in the order described at the top of the file. */
GPUCCI_HOT static float dot_lanes(const float *restrict x, const float *restrict w, size_t n)
{
    float acc[SERIAL_LANES] = {0};
    size_t k = 0;
    for (; k + SERIAL_LANES <= n; k += SERIAL_LANES)
        for (int j = 0; j < SERIAL_LANES; j++)
            acc[j] += x[k + j] * w[k + j];
    float sum = sum_lanes(acc);
    for (; k < n; k++)
        sum += x[k] * w[k];
    return sum;
}

/* The dot products of x with DOTS rows of W (stride n) at once, each in
 * dot_lanes's order: independent accumulator chains, and each X element
 * loaded once for all of them. */
enum { DOTS = 4 };

GPUCCI_HOT static void dot_lanes_multi(const float *restrict x, const float *restrict w, size_t n, float out[DOTS])
{
    const float *restrict w0 = w, *restrict w1 = w + n, *restrict w2 = w + 2 * n, *restrict w3 = w + 3 * n;
    float a0[SERIAL_LANES] = {0}, a1[SERIAL_LANES] = {0}, a2[SERIAL_LANES] = {0}, a3[SERIAL_LANES] = {0};
    size_t k = 0;
    for (; k + SERIAL_LANES <= n; k += SERIAL_LANES)
        for (int j = 0; j < SERIAL_LANES; j++) {
            float xv = x[k + j];
            a0[j] += xv * w0[k + j];
            a1[j] += xv * w1[k + j];
            a2[j] += xv * w2[k + j];
            a3[j] += xv * w3[k + j];
        }
    float s0 = sum_lanes(a0), s1 = sum_lanes(a1), s2 = sum_lanes(a2), s3 = sum_lanes(a3);
    for (; k < n; k++) {
        s0 += x[k] * w0[k];
        s1 += x[k] * w1[k];
        s2 += x[k] * w2[k];
        s3 += x[k] * w3[k];
    }
    out[0] = s0;
    out[1] = s1;
    out[2] = s2;
    out[3] = s3;
}

void gpucci_dense_row_outputs(int act, const float *x, const float *w, const float *b, size_t in, float *y,
                              size_t o0, size_t o1)
{
    size_t o = o0;
    for (; o + DOTS <= o1; o += DOTS) {
        float dots[DOTS];
        dot_lanes_multi(x, w + o * in, in, dots);
        for (int d = 0; d < DOTS; d++)
            y[o + d] = dots[d] + b[o + d];
    }
    for (; o < o1; o++)
        y[o] = dot_lanes(x, w + o * in, in) + b[o];
    gpucci_dense_activate_row(act, y + o0, y + o0, o1 - o0);
}

gpucc_status gpucci_cpu_dense_serial(const gpucc_dense_shape *shape, gpucc_dtype dtype, const void *x,
                                     const void *w, const void *b, void *y)
{
    size_t batch = shape->batch, in = shape->in, out = shape->out;
    int act = (int)shape->act;
    size_t block = SERIAL_W_BLOCK_BYTES / (in * sizeof(float));
    block = block < DOTS ? DOTS : block - block % DOTS;
    /* f16 and bf16: the block of W and its biases, a row of X and the
     * block's outputs of that row, as floats. */
    int typed = dtype != GPUCC_F32;
    size_t rows = block < out ? block : out;
    float *scratch = NULL, *w_block = NULL, *b_block = NULL, *x_row = NULL, *y_row = NULL;
    if (typed) {
        if (!(scratch = malloc((rows * in + in + 2 * rows) * sizeof(float))))
            return gpucci_fail(GPUCC_E_NOMEM, "dense: cannot allocate the float buffers of a %zu x %zu block",
                               rows, in);
        w_block = scratch;
        x_row = w_block + rows * in;
        b_block = x_row + in;
        y_row = b_block + rows;
    }
    for (size_t o0 = 0; o0 < out; o0 += block) {
        size_t n = out - o0 < block ? out - o0 : block;
        const float *wb = w_block, *bb = b_block;
        if (typed) {
            gpucci_dense_widen(dtype, w, o0 * in, w_block, n * in);
            gpucci_dense_widen(dtype, b, o0, b_block, n);
        } else {
            wb = (const float *)w + o0 * in;
            bb = (const float *)b + o0;
        }
        for (size_t r = 0; r < batch; r++) {
            const float *xr = x_row;
            float *yr = y_row;
            if (typed) {
                gpucci_dense_widen(dtype, x, r * in, x_row, in);
            } else {
                xr = (const float *)x + r * in;
                yr = (float *)y + r * out + o0;
            }
            gpucci_dense_row_outputs(act, xr, wb, bb, in, yr, 0, n);
            if (typed)
                gpucci_dense_narrow(dtype, y_row, y, r * out + o0, n);
        }
    }
    free(scratch);
    return GPUCC_OK;
}

/* ---- Tiled ---- */

/* The tiled kernel compiled for the instruction set that runs: in a
 * portable x86-64 build, the level gpucci_cpu_isa() names (the best the CPU
 * has, as GPUCCI_HOT's clones pick); otherwise the build's own. */
static const gpucci_dense_tiled *tiled(void)
{
#if GPUCCI_DISPATCH
    const char *isa = gpucci_cpu_isa();
    if (strcmp(isa, "x86-64-v4") == 0)
        return &gpucci_dense_tiled_v4;
    if (strcmp(isa, "x86-64-v3") == 0)
        return &gpucci_dense_tiled_v3;
#endif
    return &gpucci_dense_tiled_base;
}

size_t gpucci_cpu_dense_tile_count(const gpucc_dense_shape *shape)
{
    return tiled()->tile_count(shape);
}

size_t gpucci_cpu_dense_scratch_floats(gpucc_dtype dtype)
{
    return tiled()->scratch_floats(dtype);
}

void gpucci_cpu_dense_tiles(const gpucc_dense_shape *shape, gpucc_dtype dtype, const float *x, const void *w,
                            const void *b, void *y, size_t first, size_t end, float *scratch)
{
    tiled()->tiles(shape, dtype, x, w, b, y, first, end, scratch);
}

GPUCCI_HOT void gpucci_cpu_dense_widen(gpucc_dtype dtype, const void *src, size_t first, float *dst, size_t n)
{
    gpucci_dense_widen(dtype, src, first, dst, n);
}
