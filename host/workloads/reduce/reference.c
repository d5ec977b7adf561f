/* The exact host reference: sum and sum of |x| of float32 data, correctly
 * rounded to double, plus min and max.
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
 * wide fixed-point integer (bit 0 = 2^-149, the smallest subnormal float)
 * and rounded once, to nearest with ties to even, to double.
 */
#include "error.h"
#include "gpucc.h"
#include "pool.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Wide unsigned fixed-point integers ----
 *
 * A wide integer is WIDE_LIMBS 32-bit limbs, least significant first; bit 0
 * stands for 2^WIDE_LSB_EXP. The largest value ever held is the sum of all
 * positive bins plus all negative bins: bins < 2^64 at shifts <= 253, so
 * fewer than 255 * 2 terms below 2^317 each, i.e. < 2^326 < 2^384. */

#define WIDE_LIMBS 12
#define WIDE_BITS (32 * WIDE_LIMBS)
#define WIDE_LSB_EXP (-149)

typedef struct {
    uint32_t limb[WIDE_LIMBS];
} wide_uint;

/* w += v * 2^shift. Requires shift + 64 <= WIDE_BITS and that the result
 * fits in WIDE_BITS bits (true for every use in this file, see above). */
static void wide_add_shifted(wide_uint *w, uint64_t v, unsigned shift)
{
    unsigned k = shift / 32, off = shift % 32;
    uint64_t lo = v << off;
    uint64_t hi = off ? v >> (64 - off) : 0;
    uint32_t parts[3] = {(uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi};
    uint64_t carry = 0;
    for (unsigned i = k; i < WIDE_LIMBS; i++) {
        uint64_t t = (uint64_t)w->limb[i] + carry + (i - k < 3 ? parts[i - k] : 0);
        w->limb[i] = (uint32_t)t;
        carry = t >> 32;
        if (i - k >= 2 && carry == 0)
            break;
    }
}

/* r = a + b. Requires that the sum fits in WIDE_BITS bits. */
static void wide_add(wide_uint *r, const wide_uint *a, const wide_uint *b)
{
    uint64_t carry = 0;
    for (unsigned i = 0; i < WIDE_LIMBS; i++) {
        uint64_t t = (uint64_t)a->limb[i] + b->limb[i] + carry;
        r->limb[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* r = a - b. Requires a >= b. */
static void wide_sub(wide_uint *r, const wide_uint *a, const wide_uint *b)
{
    uint64_t borrow = 0;
    for (unsigned i = 0; i < WIDE_LIMBS; i++) {
        uint64_t t = (uint64_t)a->limb[i] - b->limb[i] - borrow;
        r->limb[i] = (uint32_t)t;
        borrow = (t >> 32) & 1u; /* 1 when the subtraction wrapped */
    }
}

/* Returns -1, 0 or 1 as a <, == or > b. */
static int wide_cmp(const wide_uint *a, const wide_uint *b)
{
    for (unsigned i = WIDE_LIMBS; i-- > 0;) {
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    }
    return 0;
}

/* Index of the highest set bit, or -1 when w is zero. */
static int wide_top_bit(const wide_uint *w)
{
    for (int i = WIDE_LIMBS - 1; i >= 0; i--) {
        uint32_t v = w->limb[i];
        if (v) {
            int b = 31;
            while (!(v >> b))
                b--;
            return 32 * i + b;
        }
    }
    return -1;
}

/* Bit `pos` of w (0 <= pos < WIDE_BITS). */
static unsigned wide_bit(const wide_uint *w, int pos)
{
    return (w->limb[pos / 32] >> (pos % 32)) & 1u;
}

/* The `count` bits of w starting at bit `lo`, as an integer
 * (0 <= lo, count <= 64, lo + count <= WIDE_BITS). */
static uint64_t wide_extract(const wide_uint *w, int lo, int count)
{
    uint64_t r = 0;
    for (int i = count - 1; i >= 0; i--)
        r = (r << 1) | wide_bit(w, lo + i);
    return r;
}

/* Whether any bit of w below bit `pos` is set (0 <= pos <= WIDE_BITS). */
static int wide_any_below(const wide_uint *w, int pos)
{
    int full = pos / 32;
    for (int i = 0; i < full; i++) {
        if (w->limb[i])
            return 1;
    }
    if (pos % 32 && (w->limb[full] & ((UINT32_C(1) << (pos % 32)) - 1u)))
        return 1;
    return 0;
}

/* (negative ? -1 : 1) * w * 2^WIDE_LSB_EXP, correctly rounded to double
 * (round to nearest, ties to even). Zero gives +0.0. The rounding is exact
 * arithmetic on integers; the final ldexp only changes the exponent, and the
 * result (between 2^-149 and 2^177) is a normal double, so it is exact. */
static double wide_to_double(const wide_uint *w, int negative)
{
    int top = wide_top_bit(w);
    double r;
    if (top < 0)
        return 0.0;
    if (top <= 52) {
        /* At most 53 significant bits: exactly representable. */
        r = ldexp((double)wide_extract(w, 0, top + 1), WIDE_LSB_EXP);
    } else {
        int lo = top - 52; /* lowest kept bit, >= 1 */
        uint64_t mant = wide_extract(w, lo, 53);
        unsigned round = wide_bit(w, lo - 1);
        int sticky = wide_any_below(w, lo - 1);
        if (round && (sticky || (mant & 1u)))
            mant++; /* may become 2^53: still exact as a double */
        r = ldexp((double)mant, lo + WIDE_LSB_EXP);
    }
    return negative ? -r : r;
}

/* ---- The data pass ---- */

/* Bins are indexed by the float's bits >> 23: sign * 256 + biased exponent.
 * Bins 255 and 511 collect infinities and NaNs and are not summed. */
#define REF_BINS 512
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

typedef struct {
    const float *x;
    size_t n;
    ref_partial *parts;
} ref_job;

/* The 24-bit integer mantissa of a finite float's bits: the hidden bit is
 * set except for zeros and subnormals. */
static inline uint32_t float_mantissa(uint32_t u)
{
    return (u & 0x007fffffu) | ((uint32_t)((u & 0x7f800000u) != 0) << 23);
}

/* Counts NaNs and infinities of x[begin..end) into p. Only called for a
 * range known to hold at least one (the fast pass does not look for them). */
static void count_nonfinite(const float *x, size_t begin, size_t end, ref_partial *p)
{
    for (size_t i = begin; i < end; i++) {
        uint32_t u;
        memcpy(&u, &x[i], sizeof u);
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

/* Scans x[begin..end) into the zero-initialised partial p. */
static void scan_range(const float *x, size_t begin, size_t end, ref_partial *p)
{
    uint64_t(*bins)[REF_BINS] = p->bins;
    float mn[REF_LANES], mx[REF_LANES];
    for (int l = 0; l < REF_LANES; l++) {
        mn[l] = INFINITY;
        mx[l] = -INFINITY;
    }
    /* NaN compares false, so it never replaces a min or max here; it is
     * counted below and makes min and max NaN in the end. */
    size_t i = begin;
    for (; i + REF_LANES <= end; i += REF_LANES) {
        uint32_t u[REF_LANES];
        memcpy(u, &x[i], sizeof u);
        for (int l = 0; l < REF_LANES; l++) {
            float f = x[i + l];
            bins[l][u[l] >> 23] += float_mantissa(u[l]);
            mn[l] = f < mn[l] ? f : mn[l];
            mx[l] = f > mx[l] ? f : mx[l];
        }
    }
    for (; i < end; i++) {
        uint32_t u;
        float f = x[i];
        memcpy(&u, &x[i], sizeof u);
        bins[0][u >> 23] += float_mantissa(u);
        mn[0] = f < mn[0] ? f : mn[0];
        mx[0] = f > mx[0] ? f : mx[0];
    }
    p->min = mn[0];
    p->max = mx[0];
    for (int l = 1; l < REF_LANES; l++) {
        p->min = mn[l] < p->min ? mn[l] : p->min;
        p->max = mx[l] > p->max ? mx[l] : p->max;
    }
    for (int l = 0; l < REF_LANES; l++) {
        if (bins[l][255] || bins[l][511]) {
            count_nonfinite(x, begin, end, p);
            break;
        }
    }
}

static void ref_task(void *ctx, unsigned index, unsigned count)
{
    ref_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    scan_range(job->x, begin, end, &job->parts[index]);
}

/* Adds all threads' bins into the wide integers pos (sum of positive values)
 * and neg (sum of magnitudes of negative values), both in units of 2^-149. */
static void combine_bins(const ref_partial *parts, unsigned count, wide_uint *pos, wide_uint *neg)
{
    memset(pos, 0, sizeof *pos);
    memset(neg, 0, sizeof *neg);
    for (unsigned e = 0; e < 255; e++) {
        uint64_t p = 0, m = 0; /* exact: total <= n * (2^24 - 1) < 2^64 */
        for (unsigned t = 0; t < count; t++) {
            for (int l = 0; l < REF_LANES; l++) {
                p += parts[t].bins[l][e];
                m += parts[t].bins[l][256 + e];
            }
        }
        /* Subnormals (e == 0) share the scale of e == 1: 2^(1 - 150). */
        unsigned shift = e ? e - 1 : 0;
        wide_add_shifted(pos, p, shift);
        wide_add_shifted(neg, m, shift);
    }
}

gpucc_status gpucc_reference_compute(const float *x, size_t n, unsigned threads, gpucc_reference *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "reference: output is NULL");
    if (!x && n > 0)
        return gpucci_fail(GPUCC_E_INVALID, "reference: input is NULL with n = %zu", n);
    if ((uint64_t)n > REF_MAX_N)
        return gpucci_fail(GPUCC_E_UNSUPPORTED,
                          "reference: n = %zu exceeds the exact limit of 2^40 elements", n);

    gpucc_status status = gpucci_threads_resolve(threads, "reference", &threads);
    if (status != GPUCC_OK)
        return status;
    size_t useful = n / REF_MIN_PER_THREAD;
    if (useful < 1)
        useful = 1;
    if (threads > useful)
        threads = (unsigned)useful;

    ref_partial *parts = calloc(threads, sizeof *parts);
    if (!parts)
        return gpucci_fail(GPUCC_E_NOMEM, "reference: cannot allocate %u partial results", threads);
    ref_job job = {x, n, parts};
    if (threads == 1) {
        ref_task(&job, 0, 1);
    } else {
        status = gpucci_parallel_run(threads, ref_task, &job);
        if (status != GPUCC_OK) {
            free(parts);
            return status;
        }
    }

    uint64_t nans = 0, pos_infs = 0, neg_infs = 0;
    /* min/max: exact float values. -0.0 and +0.0 compare equal, so when both
     * are present either may be returned (which one may depend on the thread
     * count). */
    float mn = INFINITY, mx = -INFINITY;
    for (unsigned t = 0; t < threads; t++) {
        nans += parts[t].nans;
        pos_infs += parts[t].pos_infs;
        neg_infs += parts[t].neg_infs;
        mn = parts[t].min < mn ? parts[t].min : mn;
        mx = parts[t].max > mx ? parts[t].max : mx;
    }

    wide_uint pos, neg, diff, total;
    combine_bins(parts, threads, &pos, &neg);
    free(parts);

    /* The exact sum is +0.0 when it is zero (also for all -0.0 inputs). */
    if (wide_cmp(&pos, &neg) >= 0) {
        wide_sub(&diff, &pos, &neg);
        out->sum = wide_to_double(&diff, 0);
    } else {
        wide_sub(&diff, &neg, &pos);
        out->sum = wide_to_double(&diff, 1);
    }
    wide_add(&total, &pos, &neg);
    out->abs_sum = wide_to_double(&total, 0);
    out->min = mn;
    out->max = mx;

    if (nans || (pos_infs && neg_infs))
        out->sum = NAN;
    else if (pos_infs)
        out->sum = INFINITY;
    else if (neg_infs)
        out->sum = -INFINITY;
    if (nans)
        out->abs_sum = NAN;
    else if (pos_infs || neg_infs)
        out->abs_sum = INFINITY;
    if (nans) {
        out->min = NAN;
        out->max = NAN;
    }
    return GPUCC_OK;
}
