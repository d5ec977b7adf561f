/* Verification of the element-wise map against a more precise reference,
 * in ulps of the data type at the reference rounded to the type: f32, f16
 * and bf16 against the table's expression in double, f64 in long double,
 * i32 exactly in 64-bit integers (gpucc_map_verify_typed).
 *
 * The bounds of f32 (gpucc_map_ulp_bound; f64 has the same, for the same
 * reasons one level up: a correctly rounded double multiply and add,
 * libm's exp and tanh within about 1 ulp of double, SLEEF's on PoCL):
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
 * f16 and bf16 compute in float and round once to the type: 0.5 ulp of the
 * type for that rounding, plus the float result's error (at most 4 ulps of
 * float, 2^-11 ulp of f16 or 2^-14 of bf16), within 1 ulp of the type.
 *
 * Special values: where the reference rounded to the type is NaN the
 * output must be NaN; where it is an infinity the output must be that
 * infinity (so overflow to inf is correct exactly when the reference rounds
 * to inf in the type). An infinite output where the reference is finite
 * counts as the next power of two above the type's largest finite value
 * (2^128 for float), so that exp just below the overflow threshold may
 * round up to inf within 1 ulp, as the rounding of a value a hair above
 * the largest finite value does.
 *
 * Subnormal results: an output of +0 or -0 where the reference lies below
 * the smallest normal value of the type computed in (float: 2^-126, also
 * for f16 and bf16; double for f64) counts as exact. The OpenCL
 * specification lets a single-precision device flush subnormal results to
 * zero, and the map's own formula needs it: 1 / (1 + expf(-x)) gives 0 for
 * x in [-104, -88.7], where expf(-x) overflows but the true sigmoid is a
 * subnormal (up to 2^21 ulps of 2^-149 away from 0). */
#include <float.h>
#include <stdint.h>
#include <stdlib.h>
#include <tgmath.h>

#include "error.h"
#include "gpucc-map.h"
#include "pool.h"
#include "widen.h"

/* The reference of f64 must be more precise than double. */
_Static_assert(LDBL_MANT_DIG > DBL_MANT_DIG, "the f64 reference needs a long double wider than double");

double gpucc_map_ulp_bound(gpucc_map_fn fn)
{
    switch (fn) {
#define BOUND_CASE(enumerator, name, ulps, expr, integer) \
    case enumerator: return ulps;
        GPUCC_MAP_FN_TABLE(BOUND_CASE)
#undef BOUND_CASE
    default: return NAN;
    }
}

double gpucc_map_ulp_bound_typed(gpucc_map_fn fn, gpucc_dtype dtype)
{
    if (!gpucc_map_fn_has_dtype(fn, dtype))
        return NAN;
    switch (dtype) {
    case GPUCC_F16:
    case GPUCC_BF16: return 1.0;
    case GPUCC_I32: return 0.0;
    default: return gpucc_map_ulp_bound(fn);
    }
}

/* fn(x, y, alpha), the table's expression evaluated in double (<tgmath.h>):
 * exact for square (a 24-bit square fits in 53 bits), relu, and the product
 * of saxpy; within 1 ulp of double (2^-29 ulp of float) for the others. */
static double reference(gpucc_map_fn fn, double x, double y, double alpha)
{
    switch (fn) {
#define REFERENCE_CASE(enumerator, name, ulps, expr, integer) \
    case enumerator: return expr;
        GPUCC_MAP_FN_TABLE(REFERENCE_CASE)
    default: return NAN;
    }
}

/* The same in long double, the reference of f64: x87's 64-bit significand
 * rounds square and saxpy's product to 2^-11 ulp of double at most (relu
 * is exact); expl and tanhl are within a few ulps of long double. */
static long double reference_long(gpucc_map_fn fn, long double x, long double y, long double alpha)
{
    switch (fn) {
        GPUCC_MAP_FN_TABLE(REFERENCE_CASE)
#undef REFERENCE_CASE
    default: return NAN;
    }
}

/* The same in 64-bit integers for the functions i32 has: exact, as every
 * operand is an int32 (no product or sum reaches 2^63). */
static int64_t reference_integer(gpucc_map_fn fn, int64_t x, int64_t y, int64_t alpha)
{
    switch (fn) {
#define INTEGER_CASE(enumerator, name, ulps, expr, integer) \
    GPUCCI_IF_##integer(case enumerator: return expr;)
        GPUCC_MAP_FN_TABLE(INTEGER_CASE)
#undef INTEGER_CASE
    default: return 0;
    }
}

/* A floating-point type the results are stored in: fraction bits, and the
 * exponents of its normal numbers. */
typedef struct {
    int fraction_bits, min_exponent, max_exponent;
} float_format;

static const float_format formats[GPUCC_DTYPE_COUNT] = {
    [GPUCC_F32] = {23, -126, 127},
    [GPUCC_F64] = {52, -1022, 1023},
    [GPUCC_F16] = {10, -14, 15},
    [GPUCC_BF16] = {7, -126, 127},
};

/*
 * The error measure in ulps of a format, for a real type R (double for f32,
 * f16 and bf16; long double for f64): the <tgmath.h> functions below follow
 * R.
 *
 * format_ulp: the ulp of the finite value v in the format: the gap from |v|
 * to the next value away from zero (the subnormal gap below the normal
 * range). format_round: v rounded to the format, to nearest with ties to
 * even, infinity beyond its largest finite value.
 *
 * ulp_error: the error of one output against the reference ref, in ulps of
 * the format at ref rounded to it (at `scale` rounded, for saxpy: see
 * below); 0 for NaN where NaN is due, INFINITY for a wrong special value.
 * flush_below is the smallest normal value of the type computed in.
 *
 * saxpy's scale is |alpha x| + |y|. A device may compute alpha * x + y as a
 * separate multiply and add (two roundings: 0.5 ulp of |alpha x| plus 0.5
 * ulp of the result) or as one FMA (0.5 ulp of the result); both are within
 * 1 ulp of this scale, which is at least as large as either term. Taking
 * the ulp of the result instead would count cancellation (alpha x close to
 * -y) against the device: the product's rounding error is then many ulps of
 * the tiny result although both ways of computing are correct. The separate
 * multiply and add reaches exactly 1 ulp when both roundings are ties (with
 * alpha = 1.5 every inexact product is one), which is within the bound (bad
 * means beyond it). A scale beyond the format's range uses the ulp of its
 * largest finite value.
 */
#define DEFINE_ULP_ERROR(R, suffix)                                                                              \
    static R format_ulp##suffix(const float_format *f, R v)                                                      \
    {                                                                                                            \
        int exponent = v == 0 ? f->min_exponent : ilogb(v);                                                      \
        if (exponent < f->min_exponent)                                                                          \
            exponent = f->min_exponent;                                                                          \
        if (exponent > f->max_exponent)                                                                          \
            exponent = f->max_exponent;                                                                          \
        return ldexp((R)1, exponent - f->fraction_bits);                                                         \
    }                                                                                                            \
                                                                                                                 \
    static R format_round##suffix(const float_format *f, R v)                                                    \
    {                                                                                                            \
        if (!isfinite(v) || fabs(v) >= ldexp((R)1, f->max_exponent + 1))                                         \
            return isnan(v) ? v : copysign((R)INFINITY, v);                                                      \
        R ulp = format_ulp##suffix(f, v);                                                                        \
        R rounded = nearbyint(v / ulp) * ulp;                                                                    \
        R largest = ldexp(2 - ldexp((R)1, -f->fraction_bits), f->max_exponent);                                  \
        return fabs(rounded) > largest ? copysign((R)INFINITY, v) : rounded;                                     \
    }                                                                                                            \
                                                                                                                 \
    static double ulp_error##suffix(const float_format *f, gpucc_map_fn fn, R ref, R scale, R out, R flush_below) \
    {                                                                                                            \
        R rounded = format_round##suffix(f, ref);                                                                \
        if (isnan(rounded))                                                                                      \
            return isnan(out) ? 0.0 : INFINITY;                                                                  \
        if (isinf(rounded))                                                                                      \
            return out == rounded ? 0.0 : INFINITY;                                                              \
        if (isnan(out))                                                                                          \
            return INFINITY;                                                                                     \
        if (out == 0 && fabs(ref) < flush_below)                                                                 \
            return 0.0; /* a flushed subnormal result: see the top of this file */                               \
        R value = isinf(out) ? copysign(ldexp((R)1, f->max_exponent + 1), out) : out;                            \
        R ulp = format_ulp##suffix(f, fn == GPUCC_MAP_SAXPY ? format_round##suffix(f, scale) : rounded);         \
        return (double)(fabs(value - ref) / ulp);                                                                \
    }
DEFINE_ULP_ERROR(double, )
DEFINE_ULP_ERROR(long double, _long)
#undef DEFINE_ULP_ERROR

typedef struct {
    double max_ulp;
    size_t bad, first_bad, overflow;
} part_result;

typedef struct {
    gpucc_map_fn fn;
    gpucc_dtype dtype;
    double alpha;
    const void *x, *y, *out; /* y: NULL unless saxpy */
    size_t n;
    double bound;
    part_result *parts; /* one per worker */
} verify_job;

/* The error of output i (ulps of its type; i32: units); *overflow set when
 * i32's exact result lies outside int32. */
static double element_error(const verify_job *job, size_t i, int *overflow)
{
    const float_format *f = &formats[job->dtype];
    switch (job->dtype) {
    case GPUCC_F64: {
        const double *x = job->x, *y = job->y, *out = job->out;
        long double xi = x[i], yi = y ? y[i] : 0, alpha = job->alpha;
        return ulp_error_long(f, job->fn, reference_long(job->fn, xi, yi, alpha), fabs(alpha * xi) + fabs(yi),
                              out[i], DBL_MIN);
    }
    case GPUCC_I32: {
        const int32_t *x = job->x, *y = job->y, *out = job->out;
        int64_t exact = reference_integer(job->fn, x[i], y ? y[i] : 0, (int64_t)job->alpha);
        *overflow = exact < INT32_MIN || exact > INT32_MAX;
        return *overflow ? INFINITY : fabs((double)out[i] - (double)exact);
    }
    default: {
        double xi = (float)gpucci_widen(job->dtype, job->x, i), yi = job->y ? (float)gpucci_widen(job->dtype, job->y, i) : 0;
        double alpha = (float)job->alpha; /* what the types computed in float use */
        return ulp_error(f, job->fn, reference(job->fn, xi, yi, alpha), fabs(alpha * xi) + fabs(yi),
                         (float)gpucci_widen(job->dtype, job->out, i), FLT_MIN);
    }
    }
}

static void verify_part(void *ctx, unsigned index, unsigned count)
{
    const verify_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    part_result r = {0.0, 0, 0, 0};
    for (size_t i = begin; i < end; i++) {
        int overflow = 0;
        double e = element_error(job, i, &overflow);
        if (e > r.max_ulp)
            r.max_ulp = e;
        if (e > job->bound && r.bad++ == 0)
            r.first_bad = i;
        r.overflow += (size_t)overflow;
    }
    job->parts[index] = r;
}

gpucc_status gpucc_map_verify_typed(gpucc_map_fn fn, gpucc_dtype dtype, double alpha, const void *x, const void *y,
                                    const void *out, size_t n, unsigned threads, gpucc_map_check *check)
{
    size_t size = gpucc_dtype_size(dtype);
    if (!check || (unsigned)fn >= GPUCC_MAP_FN_COUNT || size == 0 || (n > 0 && (!x || !out)) ||
        (n > 0 && fn == GPUCC_MAP_SAXPY && !y) || n > SIZE_MAX / size)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map_verify: invalid arguments");
    if (!gpucc_map_fn_has_dtype(fn, dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map_verify: %s is not defined on %s data", gpucc_map_fn_name(fn),
                           gpucc_dtype_name(dtype));
    if (fn == GPUCC_MAP_SAXPY && !gpucci_map_alpha_fits(dtype, alpha))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map_verify: alpha %.17g does not fit %s", alpha,
                           gpucc_dtype_name(dtype));
    gpucc_status status = gpucci_threads_resolve(threads, "gpucc_map_verify", &threads);
    if (status != GPUCC_OK)
        return status;
    *check = (gpucc_map_check){0}; /* first_bad is 0 also when nothing is bad */
    if (n == 0)
        return GPUCC_OK;
    /* Small arrays are not worth starting threads. */
    unsigned count = n < ((size_t)1 << 16) ? 1 : threads;
    verify_job job = {fn, dtype, alpha, x, fn == GPUCC_MAP_SAXPY ? y : NULL, out, n,
                      gpucc_map_ulp_bound_typed(fn, dtype), NULL};
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
            check->overflow += r->overflow;
        }
    }
    free(job.parts);
    return status;
}

gpucc_status gpucc_map_verify(gpucc_map_fn fn, float alpha, const float *x, const float *y, const float *out,
                              size_t n, unsigned threads, gpucc_map_check *check)
{
    return gpucc_map_verify_typed(fn, GPUCC_F32, alpha, x, y, out, n, threads, check);
}
