/* The exact reference of a dot product: sum of x[i] * y[i] and of
 * |x[i] * y[i]|, correctly rounded to double, for f32 data and for f16 and
 * bf16 data, whose values are floats (f64 and i32: wide-reference.c).
 *
 * Method (as the reduction's reference, host/workloads/reduce/reference.c).
 * A finite float is m * 2^(e' - 150), with m its 24-bit integer mantissa
 * and e' = max(e, 1) for its biased exponent e, so a product of two is
 * mx * my * 2^(ex' + ey' - 300), with mx * my < 2^48 an exact 64-bit
 * integer. One pass adds it to a 128-bit bin chosen by the product's sign
 * and ex' + ey' - 2 (0..506); a bin holds at most n * 2^48 < 2^88 for
 * n <= 2^40, so it is exact. Each thread owns its bins; they are added up
 * with integer addition into one tally (dot-reference.h; the tallies of slices
 * add the same way), whose bins go into wide fixed-point integers
 * (exact-sum.h, bit 0 = 2^-298, the smallest product), positives and
 * negatives apart, below 2^(506 + 88 + 1) = 2^595, and are rounded once. Products from 2^-298 to 2^256
 * are all covered. A product that is NaN or infinite (a NaN, an infinity,
 * an infinity times zero) is only counted, by sign, IEEE-style.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dot-reference.h"
#include "error.h"
#include "exact-sum.h"
#include "gpucc.h"
#include "wide-reference.h"

/* Bins: sign * 512 + ex' + ey' - 2. An infinity or NaN (e = 255) lands in
 * bins up to 508 + 512, whose content is never used: the range is then
 * counted again by count_nonfinite. */
#define DOT_BINS GPUCCI_DOT_BINS
/* Independent bin sets per thread, so that runs of equal exponents do not
 * serialise on one memory location. */
#define DOT_LANES 2
/* Below this many elements per thread, extra threads cost more than they
 * save; the result does not depend on the thread count anyway. */
#define DOT_MIN_PER_THREAD ((size_t)1 << 16)
/* Bins are exact while n * 2^48 < 2^128; the wide integer holds the sum
 * while n <= 2^40 (see above). */
#define DOT_MAX_N ((uint64_t)1 << 40)
#define DOT_LSB_EXP (-298)

typedef unsigned __int128 bin_t;

typedef struct {
    bin_t bins[DOT_LANES][DOT_BINS];
    uint64_t nans, pos_infs, neg_infs;
} dot_partial;

typedef struct {
    const void *x, *y;
} dot_inputs;

static inline unsigned scaled_exponent(uint32_t u)
{
    unsigned e = (u >> 23) & 0xffu;
    return e ? e : 1;
}

static inline float float_of_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Counts the products of elements [begin..end) that are NaN or infinite
 * into p (BITS gives an element's float bits). Only called for a range
 * known to hold a NaN or an infinity (the fast pass only notes that there
 * is one). */
static void count_nonfinite(const dot_inputs *in, uint32_t (*bits)(const void *, size_t), size_t begin,
                            size_t end, dot_partial *p)
{
    for (size_t i = begin; i < end; i++) {
        double product = (double)float_of_bits(bits(in->x, i)) * (double)float_of_bits(bits(in->y, i));
        if (product != product)
            p->nans++;
        else if (product == (double)INFINITY)
            p->pos_infs++;
        else if (product == -(double)INFINITY)
            p->neg_infs++;
    }
}

/* Scans the products of elements [begin..end) of x and y, whose float bits
 * BITS gives, into the zero-initialised partial p (a gpucci_exact_scan
 * callback: input is a dot_inputs, part a dot_partial). */
#define DEFINE_DOT_SCAN(name, BITS)                                                              \
    static void name(const void *input, size_t begin, size_t end, void *part)                    \
    {                                                                                            \
        const dot_inputs *in = input;                                                            \
        dot_partial *p = part;                                                                   \
        unsigned special = 0; /* becomes nonzero at an exponent of 255 */                       \
        for (size_t i = begin; i < end; i++) {                                                   \
            uint32_t ux = BITS(in->x, i), uy = BITS(in->y, i);                                   \
            unsigned ex = scaled_exponent(ux), ey = scaled_exponent(uy);                         \
            special |= (ex == 255) | (ey == 255);                                                \
            unsigned bin = ((ux ^ uy) >> 31) * 512 + ex + ey - 2;                                \
            p->bins[i % DOT_LANES][bin] += (uint64_t)gpucci_float_mantissa(ux) * gpucci_float_mantissa(uy); \
        }                                                                                        \
        if (special)                                                                             \
            count_nonfinite(in, BITS, begin, end, p);                                            \
    }
DEFINE_DOT_SCAN(scan_f32, gpucci_float_bits_f32)
DEFINE_DOT_SCAN(scan_f16, gpucci_float_bits_f16)
DEFINE_DOT_SCAN(scan_bf16, gpucci_float_bits_bf16)

/* Adds one thread's partial (its lanes and counts) into t. */
static void add_partial(gpucci_dot_tally *t, const dot_partial *p)
{
    for (unsigned b = 0; b < DOT_BINS; b++)
        for (int l = 0; l < DOT_LANES; l++)
            t->bins[b] += p->bins[l][b];
    t->nans += p->nans;
    t->pos_infs += p->pos_infs;
    t->neg_infs += p->neg_infs;
}

void gpucci_dot_tally_add(gpucci_dot_tally *into, const gpucci_dot_tally *t)
{
    for (unsigned b = 0; b < DOT_BINS; b++)
        into->bins[b] += t->bins[b];
    into->n += t->n;
    into->nans += t->nans;
    into->pos_infs += t->pos_infs;
    into->neg_infs += t->neg_infs;
}

gpucc_status gpucci_dot_tally_compute(const float *x, const float *y, size_t n, unsigned threads,
                                      gpucci_dot_tally *out)
{
    return gpucci_dot_tally_compute_typed(GPUCC_F32, x, y, n, threads, out);
}

gpucc_status gpucci_dot_tally_compute_typed(gpucc_dtype dtype, const void *x, const void *y, size_t n,
                                            unsigned threads, gpucci_dot_tally *out)
{
    void (*scan)(const void *, size_t, size_t, void *) =
        dtype == GPUCC_F16 ? scan_f16 : dtype == GPUCC_BF16 ? scan_bf16 : dtype == GPUCC_F32 ? scan_f32 : NULL;
    if (!scan)
        return gpucci_fail(GPUCC_E_INVALID, "dot reference: %s data has no float tally", gpucc_dtype_name(dtype));
    if (!out || ((!x || !y) && n > 0))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dot_reference: invalid arguments");
    if ((uint64_t)n > DOT_MAX_N)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "dot reference: n = %zu exceeds the exact limit of 2^40 elements",
                           n);
    dot_inputs inputs = {x, y};
    void *raw;
    unsigned count;
    gpucc_status status =
        gpucci_exact_scan(n, threads, DOT_MIN_PER_THREAD, sizeof(dot_partial), scan, &inputs, &raw, &count);
    if (status != GPUCC_OK)
        return status;
    memset(out, 0, sizeof *out);
    out->n = n;
    for (unsigned t = 0; t < count; t++)
        add_partial(out, (const dot_partial *)raw + t);
    free(raw);
    return GPUCC_OK;
}

gpucc_status gpucci_dot_reference_of_tally(const gpucci_dot_tally *t, gpucc_reference *out)
{
    if (!t || !out)
        return gpucci_fail(GPUCC_E_INVALID, "dot reference: tally or output is NULL");
    if (t->n > DOT_MAX_N)
        return gpucci_fail(GPUCC_E_UNSUPPORTED,
                           "dot reference: n = %llu exceeds the exact limit of 2^40 elements",
                           (unsigned long long)t->n);
    /* The bins into wide integers (exact: each holds below n * 2^48 <= 2^88). */
    gpucci_exact_sum sum = {.lsb_exp = DOT_LSB_EXP, .nans = t->nans, .pos_infs = t->pos_infs,
                            .neg_infs = t->neg_infs};
    for (unsigned shift = 0; shift <= 506; shift++) {
        for (int sign = 0; sign < 2; sign++) {
            bin_t total = t->bins[sign * 512 + shift];
            gpucci_wide *w = sign ? &sum.neg : &sum.pos;
            gpucci_wide_add_shifted(w, (uint64_t)total, shift);
            gpucci_wide_add_shifted(w, (uint64_t)(total >> 64), shift + 64);
        }
    }
    gpucci_exact_sum_round(&sum, &out->sum, &out->abs_sum);
    out->min = out->max = (double)NAN;
    out->integer_sum = 0; /* float data */
    out->integer_overflow = 0;
    return GPUCC_OK;
}

gpucc_status gpucc_dot_reference_typed(gpucc_dtype dtype, const void *x, const void *y, size_t n, unsigned threads,
                                       gpucc_reference *out)
{
    if (!out || (unsigned)dtype >= GPUCC_DTYPE_COUNT || ((!x || !y) && n > 0))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dot_reference: invalid arguments");
    if (dtype == GPUCC_F64)
        return gpucci_reference_f64(x, y, n, threads, out);
    if (dtype == GPUCC_I32)
        return gpucci_reference_i32(x, y, n, threads, out);
    gpucci_dot_tally *tally = malloc(sizeof *tally);
    if (!tally)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the dot reference's tally");
    gpucc_status status = gpucci_dot_tally_compute_typed(dtype, x, y, n, threads, tally);
    if (status == GPUCC_OK)
        status = gpucci_dot_reference_of_tally(tally, out);
    free(tally);
    return status;
}

gpucc_status gpucc_dot_reference(const float *x, const float *y, size_t n, unsigned threads, gpucc_reference *out)
{
    return gpucc_dot_reference_typed(GPUCC_F32, x, y, n, threads, out);
}
