/* Internal: element i of each data type widened exactly to double, for
 * the hot CPU loops (inline, so that they vectorise). f16 uses the
 * compiler's _Float16 where it has one (one vcvtph2ps or vcvtph2pd where the
 * instruction set has F16C or AVX512-FP16), else the bit conversion of
 * dtype.c. */
#ifndef GPUCC_WIDEN_H
#define GPUCC_WIDEN_H

#include <stdint.h>
#include <string.h>

#include "gpucc.h"

static inline double gpucci_widen_f32(const float *x, size_t i) { return x[i]; }
static inline double gpucci_widen_f64(const double *x, size_t i) { return x[i]; }
static inline double gpucci_widen_i32(const int32_t *x, size_t i) { return x[i]; }

/* bf16 is a distinct name for uint16_t, so that tables can name functions
 * after their element type. */
typedef uint16_t gpucci_bf16;
static inline double gpucci_widen_bf16(const gpucci_bf16 *x, size_t i)
{
    uint32_t u = (uint32_t)x[i] << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* binary16 bits to float without branches, so that a loop of it
 * vectorises on any instruction set: the exponent and mantissa moved into
 * float position read as the value times 2^-112 (exactly, subnormals
 * included), so one multiply by 2^112 rebiases; infinities and NaNs are
 * selected apart. Exact for every pattern. */
static inline float gpucci_f16_bits_to_float(uint16_t h)
{
    uint32_t magnitude = (uint32_t)(h & 0x7fffu) << 13, sign = (uint32_t)(h & 0x8000u) << 16, u;
    float scaled;
    memcpy(&scaled, &magnitude, sizeof scaled);
    scaled *= 0x1p112f;
    memcpy(&u, &scaled, sizeof u);
    u = magnitude >= (0x7c00u << 13) ? magnitude | 0x7f800000u : u;
    u |= sign;
    memcpy(&scaled, &u, sizeof scaled);
    return scaled;
}

#ifdef __FLT16_MAX__
typedef _Float16 gpucci_f16;
static inline double gpucci_widen_f16(const gpucci_f16 *x, size_t i) { return (float)x[i]; }
#else
typedef uint16_t gpucci_f16;
static inline double gpucci_widen_f16(const gpucci_f16 *x, size_t i) { return gpucc_f16_to_float(x[i]); }
#endif

#endif
