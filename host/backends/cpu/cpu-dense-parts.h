/* Internal to the CPU dense layer: what cpu-dense.c shares with the tiled
 * kernel (cpu-dense-tiled.h), which is compiled once per instruction set and
 * chosen when it runs. */
#ifndef GPUCC_CPU_DENSE_PARTS_H
#define GPUCC_CPU_DENSE_PARTS_H

#include "dispatch.h"
#include "gpucc.h"
#include "half.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#ifdef __F16C__
#include <immintrin.h>
#endif

/* y[j] = act(z[j]) for j < n (z may equal y). */
void gpucci_dense_activate_row(int act, const float *z, float *y, size_t n);

/* One row of the serial loop nest: y[o] = act(x . W[o] + b[o]) for o in
 * [o0, o1), x a row of X (in floats), y a row of Y. */
void gpucci_dense_row_outputs(int act, const float *x, const float *w, const float *b, size_t in, float *y,
                              size_t o0, size_t o1);

/* dst[i] = element first + i of src (an array of dtype: f32, f16 or bf16)
 * as a float, exactly, for i < n. One loop per type, outside the switch, so
 * that each vectorises (half.h's conversions are inline and branch-free).
 * f16 goes through F16C's vcvtph2ps, 8 at a time, where the instruction set
 * being compiled for has it (exact too, and one instruction where half.h's
 * portable widening takes several). */
static inline void gpucci_dense_widen(gpucc_dtype dtype, const void *src, size_t first, float *restrict dst,
                                      size_t n)
{
    const uint16_t *half = (const uint16_t *)src + first;
    size_t i = 0;
    switch (dtype) {
    case GPUCC_F16:
#ifdef __F16C__
        for (; i + 8 <= n; i += 8)
            _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(half + i))));
#endif
        for (; i < n; i++)
            dst[i] = gpucci_f16_widen(half[i]);
        break;
    case GPUCC_BF16:
        for (; i < n; i++)
            dst[i] = gpucci_bf16_widen(half[i]);
        break;
    default: memcpy(dst, (const float *)src + first, n * sizeof(float)); break;
    }
}

/* Element first + i of dst (an array of dtype) = src[i] rounded to the type
 * (to nearest, ties to even), for i < n; f16 through F16C's vcvtps2ph where
 * available, which rounds (and quiets NaNs) as gpucci_f16_round does. */
static inline void gpucci_dense_narrow(gpucc_dtype dtype, const float *restrict src, void *dst, size_t first,
                                       size_t n)
{
    uint16_t *half = (uint16_t *)dst + first;
    size_t i = 0;
    switch (dtype) {
    case GPUCC_F16:
#ifdef __F16C__
        for (; i + 8 <= n; i += 8)
            _mm_storeu_si128((__m128i *)(half + i),
                             _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#endif
        for (; i < n; i++)
            half[i] = gpucci_f16_round(src[i]);
        break;
    case GPUCC_BF16:
        for (; i < n; i++)
            half[i] = gpucci_bf16_round(src[i]);
        break;
    default: memcpy((float *)dst + first, src, n * sizeof(float)); break;
    }
}

/* One compiled copy of the tiled kernel: gpucci_cpu_dense_tile_count,
 * gpucci_cpu_dense_scratch_floats and gpucci_cpu_dense_tiles
 * (cpu-kernels.h) for its instruction set. */
typedef struct {
    size_t (*tile_count)(const gpucc_dense_shape *shape);
    size_t (*scratch_floats)(gpucc_dtype dtype);
    void (*tiles)(const gpucc_dense_shape *shape, gpucc_dtype dtype, const float *x, const void *w, const void *b,
                  void *y, size_t first, size_t end, float *scratch);
} gpucci_dense_tiled;

/* The copy for the build's own target (-march=native in a native build),
 * and in a portable x86-64 build those for x86-64-v3 and x86-64-v4. */
extern const gpucci_dense_tiled gpucci_dense_tiled_base;
#if GPUCCI_DISPATCH
extern const gpucci_dense_tiled gpucci_dense_tiled_v3, gpucci_dense_tiled_v4;
#endif

#endif
