/* Verification of the element-wise map against a double-precision
 * reference, in ulps of the float-rounded reference.
 *
 * The bounds (gpucc_map_ulp_bound):
 *  - square, saxpy, relu: 1 ulp. square is one correctly rounded multiply
 *    (at most 0.5 ulp); relu is exact. saxpy is measured against a wider
 *    scale, see saxpy_ulp below.
 *  - sigmoid, tanh, exp: 4 ulps. exp and tanh are single library calls:
 *    glibc's expf/tanhf on the CPU backends and SLEEF's on PoCL are within
 *    about 1 ulp; the OpenCL specification allows exp 3 ulps (within 4)
 *    and tanh 5 (in practice GPU vendors' tanh is within 2-3). sigmoid =
 *    1 / (1 + exp(-x)) composes exp with a rounded add and a divide:
 *    exp(-x)'s relative error passes into 1 + e damped by e / (1 + e) < 1,
 *    the add rounds (0.5 ulp of the sum), the sum's relative error passes
 *    into the quotient, where it can be worth up to twice as many ulps
 *    (sum just above a power of two, quotient just below one), and the
 *    divide rounds (0.5 ulp). With a 1-ulp exp that is at most
 *    (1 + 0.5) * 2 + 0.5 = 3.5 ulps, within 4. The OpenCL backend asks for
 *    a correctly rounded divide where the device offers one
 *    (-cl-fp32-correctly-rounded-divide-sqrt); the specification's default
 *    divide may be off by 2.5 ulps, and a 3-ulp exp could add more, so a
 *    device at the specification's limits could exceed 4 in rare worst
 *    cases: the bound is what the implementations in use achieve, with
 *    margin, and a wrong formula is off by far more.
 *
 * Special values: where the reference rounded to float is NaN the output
 * must be NaN; where it is an infinity the output must be that infinity
 * (so overflow to inf is correct exactly when the double reference rounds
 * to inf in float). An infinite output where the reference is finite
 * counts as 2^128 (the next power of two above FLT_MAX), so that exp just
 * below the overflow threshold may round up to inf within 1 ulp, as the
 * float rounding of a value a hair above FLT_MAX does.
 *
 * Subnormal results: an output of +0 or -0 where the reference lies below
 * the smallest normal float (2^-126) counts as exact. The OpenCL
 * specification lets a single-precision device flush subnormal results to
 * zero, and the map's own formula needs it: 1 / (1 + expf(-x)) gives 0 for
 * x in [-104, -88.7], where expf(-x) overflows but the true sigmoid is a
 * subnormal (up to 2^21 ulps of 2^-149 away from 0). */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "error.h"
#include "pool.h"

double gpucc_map_ulp_bound(gpucc_map_fn fn)
{
    switch (fn) {
#define BOUND_CASE(enumerator, name, ulps, expr) \
    case enumerator: return ulps;
        GPUCC_MAP_FN_TABLE(BOUND_CASE)
#undef BOUND_CASE
    default: return NAN;
    }
}

/* fn(x, y, alpha) in double, the table's expression evaluated in double:
 * exact for square (a 24-bit square fits in 53 bits), relu, and the product
 * of saxpy; within 1 ulp of double (2^-29 ulp of float) for the others. */
static double reference(gpucc_map_fn fn, double x, double y, double alpha)
{
    switch (fn) {
#define REFERENCE_CASE(enumerator, name, ulps, expr) \
    case enumerator: return expr;
        GPUCC_MAP_FN_TABLE(REFERENCE_CASE)
#undef REFERENCE_CASE
    default: return NAN;
    }
}

/* The ulp of a finite float f: the gap from |f| to the next float away
 * from zero, 2^-149 for subnormals and zero, 2^104 for FLT_MAX. */
static double float_ulp(float f)
{
    float a = fabsf(f);
    if (!(a >= FLT_MIN))
        return ldexp(1.0, -149);
    return ldexp(1.0, ilogbf(a) - 23);
}

/* The scale whose ulp measures saxpy's error: float(|alpha x| + |y|).
 * A device may compute alpha * x + y as a separate multiply and add (two
 * roundings: 0.5 ulp of |alpha x| plus 0.5 ulp of the result) or as one FMA
 * (0.5 ulp of the result); both are within 1 ulp of this scale, which is at
 * least as large as either term. Taking the ulp of the result instead would
 * count cancellation (alpha x close to -y) against the device: the product's
 * rounding error is then many ulps of the tiny result although both ways of
 * computing are correct. The separate multiply and add reaches exactly
 * 1 ulp when both roundings are ties (with alpha = 1.5 every inexact
 * product is one), which is within the bound (bad means beyond it). A
 * scale that overflows float uses FLT_MAX's ulp. */
static double saxpy_ulp(double alpha, double x, double y)
{
    float scale = (float)(fabs(alpha * x) + fabs(y));
    return float_ulp(isinf(scale) ? FLT_MAX : scale);
}

/* Error in ulps of one output; 0 for NaN where NaN is due, INFINITY for a
 * wrong special value. */
static double ulp_error(gpucc_map_fn fn, float alpha, float x, float y, float out)
{
    double ref = reference(fn, x, y, alpha);
    float rounded = (float)ref;
    if (isnan(rounded))
        return isnan(out) ? 0.0 : INFINITY;
    if (isinf(rounded))
        return out == rounded ? 0.0 : INFINITY;
    if (isnan(out))
        return INFINITY;
    if (out == 0.0f && fabs(ref) < FLT_MIN)
        return 0.0; /* a flushed subnormal result: see the top of this file */
    double value = isinf(out) ? copysign(ldexp(1.0, 128), out) : (double)out;
    double ulp = fn == GPUCC_MAP_SAXPY ? saxpy_ulp(alpha, x, y) : float_ulp(rounded);
    return fabs(value - ref) / ulp;
}

typedef struct {
    double max_ulp;
    size_t bad, first_bad;
} part_result;

typedef struct {
    gpucc_map_fn fn;
    float alpha;
    const float *x, *y, *out;
    size_t n;
    double bound;
    part_result *parts; /* one per worker */
} verify_job;

static void verify_part(void *ctx, unsigned index, unsigned count)
{
    const verify_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    part_result r = {0.0, 0, 0};
    for (size_t i = begin; i < end; i++) {
        double e = ulp_error(job->fn, job->alpha, job->x[i], job->y ? job->y[i] : 0.0f, job->out[i]);
        if (e > r.max_ulp)
            r.max_ulp = e;
        if (e > job->bound && r.bad++ == 0)
            r.first_bad = i;
    }
    job->parts[index] = r;
}

gpucc_status gpucc_map_verify(gpucc_map_fn fn, float alpha, const float *x, const float *y, const float *out,
                              size_t n, unsigned threads, gpucc_map_check *check)
{
    if (!check || (unsigned)fn >= GPUCC_MAP_FN_COUNT || (n > 0 && (!x || !out)) ||
        (n > 0 && fn == GPUCC_MAP_SAXPY && !y) || n > SIZE_MAX / sizeof(float))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map_verify: invalid arguments");
    gpucc_status status = gpucci_threads_resolve(threads, "gpucc_map_verify", &threads);
    if (status != GPUCC_OK)
        return status;
    check->max_ulp = 0.0;
    check->bad = 0;
    check->first_bad = 0; /* 0 also when nothing is bad */
    if (n == 0)
        return GPUCC_OK;
    /* Small arrays are not worth starting threads. */
    unsigned count = n < ((size_t)1 << 16) ? 1 : threads;
    verify_job job = {fn, alpha, x, fn == GPUCC_MAP_SAXPY ? y : NULL, out, n, gpucc_map_ulp_bound(fn), NULL};
    job.parts = calloc(count, sizeof *job.parts);
    if (!job.parts)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %u verification parts", count);
    status = gpucci_parallel_run(count, verify_part, &job);
    if (status == GPUCC_OK) {
        for (unsigned i = 0; i < count; i++) {
            const part_result *r = &job.parts[i];
            if (r->max_ulp > check->max_ulp)
                check->max_ulp = r->max_ulp;
            if (r->bad > 0 && check->bad == 0)
                check->first_bad = r->first_bad; /* parts are in index order */
            check->bad += r->bad;
        }
    }
    free(job.parts);
    return status;
}
