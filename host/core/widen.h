/* Internal: element i of each data type widened exactly to double, for
 * the reduction's folds (inline). f16 uses the compiler's _Float16 where it
 * has one (one vcvtph2pd where the instruction set has AVX512-FP16, as
 * reduce-order.c's folds compile on such a host), else half.h's widening. */
#ifndef GPUCC_WIDEN_H
#define GPUCC_WIDEN_H

#include <stdint.h>
#include <string.h>

#include "gpucc.h"
#include "half.h"

static inline double gpucci_widen_f32(const float *x, size_t i) { return x[i]; }
static inline double gpucci_widen_f64(const double *x, size_t i) { return x[i]; }
static inline double gpucci_widen_i32(const int32_t *x, size_t i) { return x[i]; }

/* bf16 is a distinct name for uint16_t, so that tables can name functions
 * after their element type. */
typedef uint16_t gpucci_bf16;
static inline double gpucci_widen_bf16(const gpucci_bf16 *x, size_t i) { return gpucci_bf16_widen(x[i]); }

#ifdef __FLT16_MAX__
typedef _Float16 gpucci_f16;
static inline double gpucci_widen_f16(const gpucci_f16 *x, size_t i) { return (float)x[i]; }
#else
typedef uint16_t gpucci_f16;
static inline double gpucci_widen_f16(const gpucci_f16 *x, size_t i) { return gpucci_f16_widen(x[i]); }
#endif

/* Element i of data of any dtype, widened exactly to double (for
 * verification and messages; the hot loops use the typed reads above). */
static inline double gpucci_widen(gpucc_dtype dtype, const void *data, size_t i)
{
    switch (dtype) {
    case GPUCC_F64: return ((const double *)data)[i];
    case GPUCC_F16: return gpucci_f16_widen(((const uint16_t *)data)[i]);
    case GPUCC_BF16: return gpucci_bf16_widen(((const uint16_t *)data)[i]);
    case GPUCC_I32: return ((const int32_t *)data)[i];
    default: return ((const float *)data)[i];
    }
}

#endif
