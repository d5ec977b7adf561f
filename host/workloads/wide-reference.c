/* The references of reductions and dot products over f64 and i32 data
 * (wide-reference.h; the float types have exact tallies of their own).
 *
 * i32: exact, summed in 128-bit integers (a sum of up to 2^64 terms below
 * 2^62 in magnitude cannot leave 2^126). f64: a double-double (compensated)
 * sum: each term is added to (hi, lo) with an error-free two-sum, and a
 * product x * y enters as its rounded value and its exact rounding error
 * (fma(x, y, -p)), so the result is within about n * 2^-100 * sum|term| of
 * the exact sum, far tighter than the bound a backend's f64 sum is checked
 * against (GPUCC_SUM_RELATIVE_BOUND_F64). Each thread scans a contiguous
 * range; the parts are combined in thread order. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "exact-sum.h"
#include "gpucc.h"
#include "wide-reference.h"

/* Below this many elements per thread, extra threads cost more than they save. */
#define MIN_PER_THREAD ((size_t)1 << 16)

__extension__ typedef __int128 wide_int;

/* ---- i32: exact ---- */

/* What a scan reads: x alone, or the products x * y. */
typedef struct {
    const void *x, *y;
} terms;

typedef struct {
    wide_int sum, abs_sum;
    int32_t min, max;
} i32_part;

static void scan_i32_products(const int32_t *x, const int32_t *y, size_t begin, size_t end, i32_part *p)
{
    for (size_t i = begin; i < end; i++) {
        int64_t product = (int64_t)x[i] * y[i];
        p->sum += product;
        p->abs_sum += product < 0 ? -product : product;
    }
}

static void scan_i32(const void *input, size_t begin, size_t end, void *part)
{
    const terms *t = input;
    const int32_t *x = t->x;
    i32_part *p = part;
    if (t->y) {
        scan_i32_products(x, t->y, begin, end, p);
        return;
    }
    int64_t sum = 0;      /* exact for 2^32 elements at a time: |sum| <= 2^63 */
    uint64_t abs_sum = 0; /* likewise, <= 2^63 */
    int32_t mn = INT32_MAX, mx = INT32_MIN;
    for (size_t i = begin; i < end; i++) {
        sum += x[i];
        abs_sum += x[i] < 0 ? (uint64_t)-(int64_t)x[i] : (uint64_t)x[i];
        mn = x[i] < mn ? x[i] : mn;
        mx = x[i] > mx ? x[i] : mx;
        if (((i - begin) & 0xffffffffu) == 0xffffffffu) { /* flush before 2^32 terms */
            p->sum += sum;
            p->abs_sum += abs_sum;
            sum = abs_sum = 0;
        }
    }
    p->sum += sum;
    p->abs_sum += abs_sum;
    p->min = mn;
    p->max = mx;
}

gpucc_status gpucci_reference_i32(const int32_t *x, const int32_t *y, size_t n, unsigned threads,
                                  gpucc_reference *out)
{
    memset(out, 0, sizeof *out);
    terms input = {x, y};
    void *raw;
    unsigned count;
    gpucc_status status =
        gpucci_exact_scan(n, threads, MIN_PER_THREAD, sizeof(i32_part), scan_i32, &input, &raw, &count);
    if (status != GPUCC_OK)
        return status;
    wide_int sum = 0, abs_sum = 0;
    out->min = INFINITY;
    out->max = -INFINITY;
    for (unsigned t = 0; t < count; t++) {
        const i32_part *p = (const i32_part *)raw + t;
        sum += p->sum;
        abs_sum += p->abs_sum;
        if (n > 0 && !y) {
            out->min = p->min < out->min ? p->min : out->min;
            out->max = p->max > out->max ? p->max : out->max;
        }
    }
    free(raw);
    if (y)
        out->min = out->max = NAN; /* a dot product has none */
    out->integer_overflow = sum > INT64_MAX || sum < INT64_MIN;
    out->integer_sum = out->integer_overflow ? 0 : (int64_t)sum;
    out->sum = (double)sum;
    out->abs_sum = (double)abs_sum;
    return GPUCC_OK;
}

/* ---- f64: double-double ---- */

typedef struct {
    double hi, lo;
} double_double;

/* acc += v, with the rounding error of the addition kept in lo (Knuth's
 * two-sum: exact without FMA and in any order of magnitudes). */
static inline void dd_add(double_double *acc, double v)
{
    double s = acc->hi + v;
    double b = s - acc->hi;
    double err = (acc->hi - (s - b)) + (v - b);
    acc->hi = s;
    acc->lo += err;
}

typedef struct {
    double_double sum, abs_sum;
    double min, max;
    uint64_t nans, pos_infs, neg_infs;
} f64_part;

/* Adds one term v (and, for a product, its exact rounding error) to p. */
static inline void f64_add(f64_part *p, double v, double error)
{
    if (!isfinite(v)) {
        p->nans += isnan(v) != 0;
        p->pos_infs += isinf(v) && v > 0;
        p->neg_infs += isinf(v) && v < 0;
        return;
    }
    dd_add(&p->sum, v);
    dd_add(&p->sum, error);
    dd_add(&p->abs_sum, fabs(v));
    dd_add(&p->abs_sum, v < 0 ? -error : error);
}

static void scan_f64(const void *input, size_t begin, size_t end, void *part)
{
    const terms *t = input;
    const double *x = t->x, *y = t->y;
    f64_part *p = part;
    p->min = INFINITY;
    p->max = -INFINITY;
    for (size_t i = begin; i < end; i++) {
        if (y) {
            double product = x[i] * y[i];
            f64_add(p, product, isfinite(product) ? fma(x[i], y[i], -product) : 0.0);
            continue;
        }
        f64_add(p, x[i], 0.0);
        p->min = x[i] < p->min ? x[i] : p->min;
        p->max = x[i] > p->max ? x[i] : p->max;
    }
}

gpucc_status gpucci_reference_f64(const double *x, const double *y, size_t n, unsigned threads,
                                  gpucc_reference *out)
{
    memset(out, 0, sizeof *out);
    terms input = {x, y};
    void *raw;
    unsigned count;
    gpucc_status status =
        gpucci_exact_scan(n, threads, MIN_PER_THREAD, sizeof(f64_part), scan_f64, &input, &raw, &count);
    if (status != GPUCC_OK)
        return status;
    f64_part total = {.min = INFINITY, .max = -INFINITY};
    for (unsigned t = 0; t < count; t++) {
        const f64_part *p = (const f64_part *)raw + t;
        dd_add(&total.sum, p->sum.hi);
        dd_add(&total.sum, p->sum.lo);
        dd_add(&total.abs_sum, p->abs_sum.hi);
        dd_add(&total.abs_sum, p->abs_sum.lo);
        total.min = p->min < total.min ? p->min : total.min;
        total.max = p->max > total.max ? p->max : total.max;
        total.nans += p->nans;
        total.pos_infs += p->pos_infs;
        total.neg_infs += p->neg_infs;
    }
    free(raw);
    /* IEEE for the special values, as the exact float reference does. */
    int nan = total.nans || (total.pos_infs && total.neg_infs);
    out->sum = nan ? NAN : total.pos_infs ? INFINITY : total.neg_infs ? -INFINITY : total.sum.hi + total.sum.lo;
    out->abs_sum = total.nans ? NAN : total.pos_infs || total.neg_infs ? INFINITY : total.abs_sum.hi + total.abs_sum.lo;
    out->min = total.nans || y ? NAN : total.min;
    out->max = total.nans || y ? NAN : total.max;
    return GPUCC_OK;
}
