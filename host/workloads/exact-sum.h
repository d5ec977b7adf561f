/* Internal to the workloads: exact sums for the references.
 *
 * A reference adds integer multiples of powers of two (a float is m * 2^k,
 * a product of two floats m1 * m2 * 2^(k1 + k2)) into wide unsigned
 * fixed-point integers, one for the positive terms and one for the
 * magnitudes of the negative ones; integer addition is exact and
 * order-independent, so the result does not depend on how the work was
 * split. The total is rounded once, to nearest with ties to even. */
#ifndef GPUCC_EXACT_SUM_H
#define GPUCC_EXACT_SUM_H

#include <stdint.h>
#include <string.h>

#include "gpucc.h"
#include "half.h"

/* 640 bits, least significant limb first: room for the sum of 2^40
 * products of two floats, each below 2^(48 + 506) in units of the smallest
 * one, 2^-298 (the sum of floats needs less). */
#define GPUCCI_WIDE_LIMBS 20

typedef struct {
    uint32_t limb[GPUCCI_WIDE_LIMBS];
} gpucci_wide;

/* An exact sum under way: bit 0 of pos and neg stands for 2^lsb_exp;
 * terms that are NaN or infinite are only counted. Zero-initialise, then
 * set lsb_exp. */
typedef struct {
    gpucci_wide pos, neg;
    int lsb_exp;
    uint64_t nans, pos_infs, neg_infs;
} gpucci_exact_sum;

/* The 24-bit integer mantissa m of a finite float's bits u: the float is
 * m * 2^(max(e, 1) - 150) with e = (u >> 23) & 255, its biased exponent
 * (the hidden bit is set except for zeros and subnormals). */
static inline uint32_t gpucci_float_mantissa(uint32_t u)
{
    return (u & 0x007fffffu) | ((uint32_t)((u & 0x7f800000u) != 0) << 23);
}

/* The float32 bits of element i of data whose values are floats: f32, and
 * f16 and bf16, which widen exactly. */
static inline uint32_t gpucci_float_bits_f32(const void *x, size_t i)
{
    uint32_t u;
    memcpy(&u, (const float *)x + i, sizeof u);
    return u;
}
static inline uint32_t gpucci_float_bits_bf16(const void *x, size_t i)
{
    return gpucci_bits_of_float(gpucci_bf16_widen(((const uint16_t *)x)[i]));
}
static inline uint32_t gpucci_float_bits_f16(const void *x, size_t i)
{
    return gpucci_bits_of_float(gpucci_f16_widen(((const uint16_t *)x)[i]));
}

/* w += v * 2^shift. Requires shift + 64 <= 32 * GPUCCI_WIDE_LIMBS and that
 * the result fits. */
void gpucci_wide_add_shifted(gpucci_wide *w, uint64_t v, unsigned shift);

/* The sum, correctly rounded to double (+0.0 when it is zero), and the sum
 * of magnitudes, IEEE-style for the counted terms: the sum is NaN with a NaN
 * or with both infinities, else the infinity present; the magnitude sum is
 * NaN with a NaN, else +inf with an infinity. The rounded values must be
 * normal doubles or zero (terms of at least 2^-1022 in magnitude). */
void gpucci_exact_sum_round(const gpucci_exact_sum *e, double *sum, double *abs_sum);

/* Runs scan(ctx, begin, end, part) over n items on `threads` threads
 * (resolved like gpucci_threads_resolve; fewer when each would get under
 * min_per_thread items): thread i gets a contiguous range and the
 * zero-initialised part i of part_size bytes. *parts (free()) and *count
 * receive the parts. */
gpucc_status gpucci_exact_scan(size_t n, unsigned threads, size_t min_per_thread, size_t part_size,
                               void (*scan)(const void *ctx, size_t begin, size_t end, void *part), const void *ctx,
                               void **parts, unsigned *count);

#endif
