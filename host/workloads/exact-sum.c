/* Exact sums for the references (exact-sum.h): wide unsigned fixed-point
 * integers, their rounding to double, and the threads that fill them. */
#include "exact-sum.h"

#include <math.h>
#include <stdlib.h>

#include "error.h"
#include "pool.h"

#define WIDE_BITS (32 * GPUCCI_WIDE_LIMBS)

void gpucci_wide_add_shifted(gpucci_wide *w, uint64_t v, unsigned shift)
{
    unsigned k = shift / 32, off = shift % 32;
    uint64_t lo = v << off;
    uint64_t hi = off ? v >> (64 - off) : 0;
    uint32_t parts[3] = {(uint32_t)lo, (uint32_t)(lo >> 32), (uint32_t)hi};
    uint64_t carry = 0;
    for (unsigned i = k; i < GPUCCI_WIDE_LIMBS; i++) {
        uint64_t t = (uint64_t)w->limb[i] + carry + (i - k < 3 ? parts[i - k] : 0);
        w->limb[i] = (uint32_t)t;
        carry = t >> 32;
        if (i - k >= 2 && carry == 0)
            break;
    }
}

/* r = a + b. Requires that the sum fits in WIDE_BITS bits. */
static void wide_add(gpucci_wide *r, const gpucci_wide *a, const gpucci_wide *b)
{
    uint64_t carry = 0;
    for (unsigned i = 0; i < GPUCCI_WIDE_LIMBS; i++) {
        uint64_t t = (uint64_t)a->limb[i] + b->limb[i] + carry;
        r->limb[i] = (uint32_t)t;
        carry = t >> 32;
    }
}

/* r = a - b. Requires a >= b. */
static void wide_sub(gpucci_wide *r, const gpucci_wide *a, const gpucci_wide *b)
{
    uint64_t borrow = 0;
    for (unsigned i = 0; i < GPUCCI_WIDE_LIMBS; i++) {
        uint64_t t = (uint64_t)a->limb[i] - b->limb[i] - borrow;
        r->limb[i] = (uint32_t)t;
        borrow = (t >> 32) & 1u; /* 1 when the subtraction wrapped */
    }
}

/* Returns -1, 0 or 1 as a <, == or > b. */
static int wide_cmp(const gpucci_wide *a, const gpucci_wide *b)
{
    for (unsigned i = GPUCCI_WIDE_LIMBS; i-- > 0;) {
        if (a->limb[i] != b->limb[i])
            return a->limb[i] < b->limb[i] ? -1 : 1;
    }
    return 0;
}

/* Index of the highest set bit, or -1 when w is zero. */
static int wide_top_bit(const gpucci_wide *w)
{
    for (int i = GPUCCI_WIDE_LIMBS - 1; i >= 0; i--) {
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
static unsigned wide_bit(const gpucci_wide *w, int pos)
{
    return (w->limb[pos / 32] >> (pos % 32)) & 1u;
}

/* The `count` bits of w starting at bit `lo`, as an integer
 * (0 <= lo, count <= 64, lo + count <= WIDE_BITS). */
static uint64_t wide_extract(const gpucci_wide *w, int lo, int count)
{
    uint64_t r = 0;
    for (int i = count - 1; i >= 0; i--)
        r = (r << 1) | wide_bit(w, lo + i);
    return r;
}

/* Whether any bit of w below bit `pos` is set (0 <= pos <= WIDE_BITS). */
static int wide_any_below(const gpucci_wide *w, int pos)
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

/* (negative ? -1 : 1) * w * 2^lsb_exp, correctly rounded to double (round
 * to nearest, ties to even). Zero gives +0.0. The rounding is exact
 * arithmetic on integers; the final ldexp only changes the exponent, and the
 * result is a normal double (exact-sum.h), so it is exact. */
static double wide_to_double(const gpucci_wide *w, int negative, int lsb_exp)
{
    int top = wide_top_bit(w);
    double r;
    if (top < 0)
        return 0.0;
    if (top <= 52) {
        /* At most 53 significant bits: exactly representable. */
        r = ldexp((double)wide_extract(w, 0, top + 1), lsb_exp);
    } else {
        int lo = top - 52; /* lowest kept bit, >= 1 */
        uint64_t mant = wide_extract(w, lo, 53);
        unsigned round = wide_bit(w, lo - 1);
        int sticky = wide_any_below(w, lo - 1);
        if (round && (sticky || (mant & 1u)))
            mant++; /* may become 2^53: still exact as a double */
        r = ldexp((double)mant, lo + lsb_exp);
    }
    return negative ? -r : r;
}

void gpucci_exact_sum_round(const gpucci_exact_sum *e, double *sum, double *abs_sum)
{
    gpucci_wide diff, total;
    /* The exact sum is +0.0 when it is zero (also for all -0.0 terms). */
    if (wide_cmp(&e->pos, &e->neg) >= 0) {
        wide_sub(&diff, &e->pos, &e->neg);
        *sum = wide_to_double(&diff, 0, e->lsb_exp);
    } else {
        wide_sub(&diff, &e->neg, &e->pos);
        *sum = wide_to_double(&diff, 1, e->lsb_exp);
    }
    wide_add(&total, &e->pos, &e->neg);
    *abs_sum = wide_to_double(&total, 0, e->lsb_exp);
    if (e->nans || (e->pos_infs && e->neg_infs))
        *sum = NAN;
    else if (e->pos_infs)
        *sum = INFINITY;
    else if (e->neg_infs)
        *sum = -INFINITY;
    if (e->nans)
        *abs_sum = NAN;
    else if (e->pos_infs || e->neg_infs)
        *abs_sum = INFINITY;
}

typedef struct {
    size_t n;
    void (*scan)(const void *ctx, size_t begin, size_t end, void *part);
    const void *ctx;
    char *parts;
    size_t part_size;
} scan_job;

static void scan_task(void *job_, unsigned index, unsigned count)
{
    scan_job *job = job_;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    job->scan(job->ctx, begin, end, job->parts + index * job->part_size);
}

gpucc_status gpucci_exact_scan(size_t n, unsigned threads, size_t min_per_thread, size_t part_size,
                               void (*scan)(const void *ctx, size_t begin, size_t end, void *part), const void *ctx,
                               void **parts, unsigned *count)
{
    gpucc_status status = gpucci_threads_resolve(threads, "reference", &threads);
    if (status != GPUCC_OK)
        return status;
    size_t useful = n / min_per_thread;
    if (useful < 1)
        useful = 1;
    if (threads > useful)
        threads = (unsigned)useful;
    scan_job job = {n, scan, ctx, calloc(threads, part_size), part_size};
    if (!job.parts)
        return gpucci_fail(GPUCC_E_NOMEM, "reference: cannot allocate %u partial results", threads);
    if (threads == 1)
        scan_task(&job, 0, 1);
    else
        status = gpucci_parallel_run(threads, scan_task, &job);
    if (status != GPUCC_OK) {
        free(job.parts);
        return status;
    }
    *parts = job.parts;
    *count = threads;
    return GPUCC_OK;
}
