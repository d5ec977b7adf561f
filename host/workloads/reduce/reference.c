/* The exact host reference: sum and sum of |x| of float32 data (and of
 * float16 and bfloat16 data, whose values are floats), correctly rounded to
 * double, plus min and max.
 *
 * Method. Every finite float is m * 2^k with an integer m < 2^24 and
 * k = max(biased_exponent, 1) - 150. One pass over the data adds m, as an
 * unsigned 64-bit integer, to a bin chosen by the float's top nine bits
 * (sign and biased exponent): positive and negative values of one exponent
 * go to separate bins, so one bin update per element serves both the signed
 * sum (positives - negatives) and the absolute sum (positives + negatives).
 * A bin holds at most n * (2^24 - 1) < 2^64 for n <= 2^40, so it is exact.
 * Each thread owns its bins; they are added up afterwards with integer
 * addition, which is exact and order-independent, so the result is bitwise
 * identical for every thread count. Finally the bins are combined into a
 * wide fixed-point integer (exact-sum.h; bit 0 = 2^-149, the smallest
 * subnormal float) and rounded once, to nearest with ties to even, to
 * double. The sum of all positive and all negative bins stays below
 * 2^(253 + 64 + 9) = 2^326, far inside the wide integer.
 */
#include "error.h"
#include "exact-sum.h"
#include "gpucc.h"
#include "reference.h"
#include "wide-reference.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bins are indexed by the float's bits >> 23: sign * 256 + biased exponent.
 * Bins 255 and 511 collect infinities and NaNs and are not summed. */
#define REF_BINS GPUCCI_REFERENCE_BINS
/* Independent bin sets per thread, so that runs of equal exponents (such as
 * constant data) do not serialise on one memory location. */
#define REF_LANES 4
/* Below this many elements per thread, extra threads cost more than they
 * save; the result does not depend on the thread count anyway. */
#define REF_MIN_PER_THREAD ((size_t)1 << 16)
/* Bins are exact while n * (2^24 - 1) < 2^64. */
#define REF_MAX_N ((uint64_t)1 << 40)

typedef struct {
    uint64_t bins[REF_LANES][REF_BINS];
    float min, max;
    uint64_t nans, pos_infs, neg_infs;
} ref_partial;

static inline float float_of_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Counts NaNs and infinities of elements [begin..end) into p. Only called
 * for a range known to hold at least one (the fast pass does not look for
 * them). */
static void count_nonfinite(const void *x, uint32_t (*bits)(const void *, size_t), size_t begin, size_t end,
                            ref_partial *p)
{
    for (size_t i = begin; i < end; i++) {
        uint32_t u = bits(x, i);
        if ((u & 0x7f800000u) != 0x7f800000u)
            continue;
        if (u & 0x007fffffu)
            p->nans++;
        else if (u >> 31)
            p->neg_infs++;
        else
            p->pos_infs++;
    }
}

/* Scans elements [begin..end) of x, whose float bits BITS gives, into the
 * zero-initialised partial p (a gpucci_exact_scan callback: x is the input,
 * p a ref_partial). */
#define DEFINE_SCAN(name, BITS)                                                          \
    static void name(const void *x, size_t begin, size_t end, void *part)                \
    {                                                                                    \
        ref_partial *p = part;                                                           \
        uint64_t(*bins)[REF_BINS] = p->bins;                                             \
        float mn[REF_LANES], mx[REF_LANES];                                              \
        for (int l = 0; l < REF_LANES; l++) {                                            \
            mn[l] = INFINITY;                                                            \
            mx[l] = -INFINITY;                                                           \
        }                                                                                \
        /* NaN compares false, so it never replaces a min or max here; it is            \
         * counted below and makes min and max NaN in the end. */                        \
        size_t i = begin;                                                                \
        for (; i + REF_LANES <= end; i += REF_LANES) {                                   \
            for (int l = 0; l < REF_LANES; l++) {                                        \
                uint32_t u = BITS(x, i + l);                                             \
                float f = float_of_bits(u);                                              \
                bins[l][u >> 23] += gpucci_float_mantissa(u);                            \
                mn[l] = f < mn[l] ? f : mn[l];                                           \
                mx[l] = f > mx[l] ? f : mx[l];                                           \
            }                                                                            \
        }                                                                                \
        for (; i < end; i++) {                                                           \
            uint32_t u = BITS(x, i);                                                     \
            float f = float_of_bits(u);                                                  \
            bins[0][u >> 23] += gpucci_float_mantissa(u);                                \
            mn[0] = f < mn[0] ? f : mn[0];                                               \
            mx[0] = f > mx[0] ? f : mx[0];                                               \
        }                                                                                \
        p->min = mn[0];                                                                  \
        p->max = mx[0];                                                                  \
        for (int l = 1; l < REF_LANES; l++) {                                            \
            p->min = mn[l] < p->min ? mn[l] : p->min;                                    \
            p->max = mx[l] > p->max ? mx[l] : p->max;                                    \
        }                                                                                \
        for (int l = 0; l < REF_LANES; l++) {                                            \
            if (bins[l][255] || bins[l][511]) {                                          \
                count_nonfinite(x, BITS, begin, end, p);                                 \
                break;                                                                   \
            }                                                                            \
        }                                                                                \
    }

DEFINE_SCAN(scan_f32, gpucci_float_bits_f32)
DEFINE_SCAN(scan_f16, gpucci_float_bits_f16)
DEFINE_SCAN(scan_bf16, gpucci_float_bits_bf16)

void gpucci_reference_tally_add(gpucci_reference_tally *into, const gpucci_reference_tally *t)
{
    for (unsigned b = 0; b < REF_BINS; b++)
        into->bins[b] += t->bins[b];
    into->n += t->n;
    into->nans += t->nans;
    into->pos_infs += t->pos_infs;
    into->neg_infs += t->neg_infs;
    into->min = t->min < into->min ? t->min : into->min;
    into->max = t->max > into->max ? t->max : into->max;
}

/* Adds one thread's partial (its lanes, counts, min and max) into t. */
static void tally_part(const ref_partial *p, gpucci_reference_tally *t)
{
    gpucci_reference_tally part = {
        .nans = p->nans, .pos_infs = p->pos_infs, .neg_infs = p->neg_infs, .min = p->min, .max = p->max};
    for (int l = 0; l < REF_LANES; l++)
        for (unsigned b = 0; b < REF_BINS; b++)
            part.bins[b] += p->bins[l][b];
    gpucci_reference_tally_add(t, &part);
}

gpucc_status gpucci_reference_tally_compute_typed(gpucc_dtype dtype, const void *x, size_t n, unsigned threads,
                                                 gpucci_reference_tally *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "reference: output is NULL");
    if (!x && n > 0)
        return gpucci_fail(GPUCC_E_INVALID, "reference: input is NULL with n = %zu", n);
    if ((uint64_t)n > REF_MAX_N)
        return gpucci_fail(GPUCC_E_UNSUPPORTED,
                          "reference: n = %zu exceeds the exact limit of 2^40 elements", n);
    void (*scan)(const void *, size_t, size_t, void *) =
        dtype == GPUCC_F16 ? scan_f16 : dtype == GPUCC_BF16 ? scan_bf16 : dtype == GPUCC_F32 ? scan_f32 : NULL;
    if (!scan)
        return gpucci_fail(GPUCC_E_INVALID, "reference: %s data has no float tally", gpucc_dtype_name(dtype));
    void *raw;
    unsigned count;
    gpucc_status status = gpucci_exact_scan(n, threads, REF_MIN_PER_THREAD, sizeof(ref_partial), scan, x,
                                            &raw, &count);
    if (status != GPUCC_OK)
        return status;
    memset(out, 0, sizeof *out);
    out->n = n;
    out->min = INFINITY;
    out->max = -INFINITY;
    for (unsigned t = 0; t < count; t++)
        tally_part((const ref_partial *)raw + t, out);
    free(raw);
    return GPUCC_OK;
}

gpucc_status gpucci_reference_tally_compute(const float *x, size_t n, unsigned threads, gpucci_reference_tally *out)
{
    return gpucci_reference_tally_compute_typed(GPUCC_F32, x, n, threads, out);
}

gpucc_status gpucci_reference_of_tally(const gpucci_reference_tally *t, gpucc_reference *out)
{
    if (!t || !out)
        return gpucci_fail(GPUCC_E_INVALID, "reference: tally or output is NULL");
    if (t->n > REF_MAX_N)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "reference: n = %llu exceeds the exact limit of 2^40 elements",
                           (unsigned long long)t->n);
    /* The bins into wide integers: the positive values, and the magnitudes
     * of the negative ones, in units of 2^-149 (exact: each bin holds at
     * most n * (2^24 - 1) < 2^64). */
    gpucci_exact_sum sum = {.lsb_exp = -149, .nans = t->nans, .pos_infs = t->pos_infs, .neg_infs = t->neg_infs};
    for (unsigned e = 0; e < 255; e++) {
        /* Subnormals (e == 0) share the scale of e == 1: 2^(1 - 150). */
        unsigned shift = e ? e - 1 : 0;
        gpucci_wide_add_shifted(&sum.pos, t->bins[e], shift);
        gpucci_wide_add_shifted(&sum.neg, t->bins[256 + e], shift);
    }
    gpucci_exact_sum_round(&sum, &out->sum, &out->abs_sum);
    /* min/max: exact float values. -0.0 and +0.0 compare equal, so when both
     * are present either may be returned (which one may depend on the thread
     * count). */
    out->min = t->nans ? NAN : t->min;
    out->max = t->nans ? NAN : t->max;
    out->integer_sum = 0; /* float data */
    out->integer_overflow = 0;
    return GPUCC_OK;
}

gpucc_status gpucc_reference_compute(const float *x, size_t n, unsigned threads, gpucc_reference *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "reference: output is NULL");
    gpucci_reference_tally tally;
    gpucc_status status = gpucci_reference_tally_compute(x, n, threads, &tally);
    return status == GPUCC_OK ? gpucci_reference_of_tally(&tally, out) : status;
}

gpucc_status gpucc_reference_compute_typed(gpucc_dtype dtype, const void *x, size_t n, unsigned threads,
                                           gpucc_reference *out)
{
    if (!out || (!x && n > 0) || (unsigned)dtype >= GPUCC_DTYPE_COUNT)
        return gpucci_fail(GPUCC_E_INVALID, "reference: invalid arguments");
    if (dtype == GPUCC_I32)
        return gpucci_reference_i32(x, NULL, n, threads, out);
    if (dtype == GPUCC_F64)
        return gpucci_reference_f64(x, NULL, n, threads, out);
    gpucci_reference_tally tally;
    gpucc_status status = gpucci_reference_tally_compute_typed(dtype, x, n, threads, &tally);
    return status == GPUCC_OK ? gpucci_reference_of_tally(&tally, out) : status;
}
