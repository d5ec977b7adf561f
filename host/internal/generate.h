/* Internal API: a slice of the generator's stream, of float32 or of any
 * data type (core/generate.c). */
#ifndef GPUCC_GENERATE_H
#define GPUCC_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"

/* Fills x[0..n) with elements first .. first + n - 1 of gpucc_generate's
 * stream for seed: x[i] is what gpucc_generate would put at index
 * first + i, so a process that generates its slice of a vector holds the
 * same values as one that generates the whole. GPUCC_E_INVALID when x is
 * NULL with n > 0 or the range overflows. */
gpucc_status gpucci_generate_range(float *x, size_t first, size_t n, uint64_t seed, unsigned threads);

/* Fills x[0..n) (elements of dtype) with elements first .. first + n - 1 of
 * the generator's stream for seed, as gpucci_generate_range does for f32
 * (which this is for GPUCC_F32): element i depends only on (seed, i).
 * f64: random sign, exponent as f32's, 52 random mantissa bits; f16, bf16:
 * the f32 element rounded to the type (|x| in [2^-10, 2^10], never zero);
 * i32: uniform over all 2^32 values. */
gpucc_status gpucci_generate_typed_range(gpucc_dtype dtype, void *x, size_t first, size_t n, uint64_t seed,
                                         unsigned threads);

/* Generated i32 elements x[0..n) for arithmetic (dot, map): each keeps the
 * top 16 bits of the stream's (|x| <= 2^15), so that products stay below
 * 2^30 and sums of up to 2^33 of them fit in int64 (the full range would
 * overflow from a few elements on). Nothing for other dtypes. */
void gpucci_narrow_generated_i32(gpucc_dtype dtype, void *x, size_t n);

/* Generated f16 dense inputs X and W are the f32 stream times 2^-s for
 * s = gpucci_dense_f16_scale_exponent(in), rounded: the stream's magnitudes
 * reach 2^10, so products reach 2^20 and sums of `in` of them would
 * overflow f16 (65504) at nearly every output; scaling X and W by
 * 2^-ceil(ceil(log2(in)) / 2) each keeps them in range. */
static inline int gpucci_dense_f16_scale_exponent(size_t in)
{
    int log2_in = 0;
    while (log2_in < 63 && ((size_t)1 << log2_in) < in)
        log2_in++;
    return (log2_in + 1) / 2;
}

#endif
