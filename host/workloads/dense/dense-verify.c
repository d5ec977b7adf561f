/* Checking dense-layer shapes, and verifying a dense layer's output against
 * a double-precision reference.
 *
 * The bound. For output (r, o) let z = sum_k x[r][k] w[o][k] + b[o] (exact)
 * and A = sum_k |x[r][k] w[o][k]| + |b[o]|. Any float evaluation of z, in
 * any summation order, with or without FMA, has |z_float - z| <= gamma * A
 * with gamma = (in + 1) u / (1 - (in + 1) u), u = 2^-24 (Higham, Accuracy
 * and Stability of Numerical Algorithms, 3.1); the bound used here is
 *
 *     bound = 2 * in * 2^-24 * A + FLT_MIN,
 *
 * which is at least gamma * A for every in >= 1 with (in + 1) u <= 1/2, and
 * the smallest positive normal float absorbs underflow (products or partial
 * sums that fall below the normal range lose absolute, not relative,
 * accuracy). The reference z_ref and A are computed in double from the
 * exact float products: their own error is about in * 2^-53 * A, 2^-29 of
 * the bound, so it is ignored.
 *
 * The output is compared after the activation: |y - act(z_ref)| <= bound.
 * None and relu have slope at most 1 and are exact in float; sigmoid
 * (slope <= 1/4) and tanh (slope <= 1) carry the bound through too, but
 * they are evaluated in float with their own error of a few ulps (expf or
 * tanhf plus a division; gpucc_map_ulp_bound documents 4 ulps for the map),
 * so for them the bound also gets 4 ulps of |act(z_ref)| as a float (the
 * bound column of GPUCC_ACTIVATION_TABLE).
 *
 * Special values. A NaN reference (a NaN input, inf - inf, 0 * inf) needs a
 * NaN output; a non-NaN reference refuses a NaN output. An infinite
 * reference needs the same infinity (as a comparison, sigmoid(+inf) = 1 is
 * finite and handled by the bound). A finite reference accepts an infinite
 * output of the same sign only where a value within the bound overflows
 * float (|act(z_ref)| + bound >= the overflow threshold 2^128 - 2^103).
 */
#include "error.h"
#include "pool.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

gpucc_status gpucc_dense_shape_check(const gpucc_dense_shape *shape)
{
    if (!shape)
        return gpucci_fail(GPUCC_E_INVALID, "dense shape: NULL");
    size_t batch = shape->batch, in = shape->in, out = shape->out;
#define SHAPE_FMT "dense shape %zux%zux%zu: "
#define SHAPE_ARGS batch, in, out
    if (batch < 1)
        return gpucci_fail(GPUCC_E_INVALID, SHAPE_FMT "batch must be at least 1", SHAPE_ARGS);
    if (in < 1)
        return gpucci_fail(GPUCC_E_INVALID, SHAPE_FMT "in must be at least 1", SHAPE_ARGS);
    if (out < 1)
        return gpucci_fail(GPUCC_E_INVALID, SHAPE_FMT "out must be at least 1", SHAPE_ARGS);
    /* X is batch x in, W is out x in, Y is batch x out; b (out floats) is
     * no larger than W. */
    const struct {
        const char *array, *dims;
        size_t rows, cols;
    } arrays[] = {{"X", "batch*in", batch, in}, {"W", "out*in", out, in}, {"Y", "batch*out", batch, out}};
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        size_t rows = arrays[i].rows, cols = arrays[i].cols;
        if (rows > SIZE_MAX / cols)
            return gpucci_fail(GPUCC_E_INVALID, SHAPE_FMT "%s of %s = %zu*%zu floats overflows size_t", SHAPE_ARGS,
                              arrays[i].array, arrays[i].dims, rows, cols);
        if (rows * cols > SIZE_MAX / sizeof(float))
            return gpucci_fail(GPUCC_E_INVALID, SHAPE_FMT "%s of %s = %zu floats: its size in bytes overflows size_t",
                              SHAPE_ARGS, arrays[i].array, arrays[i].dims, rows * cols);
    }
    if ((unsigned)shape->act >= GPUCC_ACT_COUNT)
        return gpucci_fail(GPUCC_E_INVALID, SHAPE_FMT "activation %d is out of range (0..%d)", SHAPE_ARGS,
                          (int)shape->act, GPUCC_ACT_COUNT - 1);
#undef SHAPE_ARGS
#undef SHAPE_FMT
    return GPUCC_OK;
}

/* ---- Verification ---- */

/* act(x) in double: GPUCC_ACTIVATION_TABLE's expression evaluated in
 * double, the same functions the backends evaluate in float. */
static double activate_double(gpucc_activation act, double x)
{
    switch (act) {
#define ACTIVATE_CASE(enumerator, name, ulps, expr) \
    case enumerator: return expr;
        GPUCC_ACTIVATION_TABLE(ACTIVATE_CASE)
#undef ACTIVATE_CASE
    default: return x;
    }
}

/* The error, in ulps of the result, that evaluating act in float adds. */
static double activation_ulps(gpucc_activation act)
{
    switch (act) {
#define ULPS_CASE(enumerator, name, ulps, expr) \
    case enumerator: return ulps;
        GPUCC_ACTIVATION_TABLE(ULPS_CASE)
#undef ULPS_CASE
    default: return 0;
    }
}

/* One ulp of v rounded to float: 2^(e - 23) for |v| in [2^e, 2^(e+1)),
 * 2^-149 below the normal range; FLT_MAX's ulp (2^104) at and above it. */
static double float_ulp(double v)
{
    double a = fabs(v);
    if (a < FLT_MIN)
        return ldexp(1.0, -149);
    if (a >= FLT_MAX)
        return ldexp(1.0, 104);
    int e;
    frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
    return ldexp(1.0, e - 24);
}

/* The reference's double sums run in 16 lanes (two vectors of 8 doubles,
 * GNU C vector extensions, so that they vectorise without -ffast-math);
 * the order does not matter at double precision. */
typedef float v8f __attribute__((vector_size(32), aligned(4)));
typedef double v8d __attribute__((vector_size(64)));
typedef int64_t v8l __attribute__((vector_size(64)));

typedef struct {
    const gpucc_dense_shape *shape;
    const float *x, *w, *b, *y;
    gpucc_dense_check *parts; /* one per worker */
} verify_job;

/* The overflow threshold of float: values at or above it round to inf. */
#define FLOAT_OVERFLOW (0x1p128 - 0x1p103)

/* The double sum and absolute sum of x[k] * w[k], k < n (exact products). */
static void dot_double(const float *restrict x, const float *restrict w, size_t n, double *sum_out, double *abs_out)
{
    const v8l abs_mask = (v8l){0} + INT64_MAX;
    v8d sum0 = {0}, sum1 = {0}, abs0 = {0}, abs1 = {0};
    size_t k = 0;
    for (; k + 16 <= n; k += 16) {
        v8d p0 = __builtin_convertvector(*(const v8f *)(x + k), v8d) *
                 __builtin_convertvector(*(const v8f *)(w + k), v8d);
        v8d p1 = __builtin_convertvector(*(const v8f *)(x + k + 8), v8d) *
                 __builtin_convertvector(*(const v8f *)(w + k + 8), v8d);
        sum0 += p0;
        sum1 += p1;
        abs0 += (v8d)((v8l)p0 & abs_mask);
        abs1 += (v8d)((v8l)p1 & abs_mask);
    }
    sum0 += sum1;
    abs0 += abs1;
    double sum = 0, abs_sum = 0;
    for (int j = 0; j < 8; j++) {
        sum += sum0[j];
        abs_sum += abs0[j];
    }
    for (; k < n; k++) {
        double p = (double)x[k] * (double)w[k];
        sum += p;
        abs_sum += fabs(p);
    }
    *sum_out = sum;
    *abs_out = abs_sum;
}

/* Bytes of W per block: the rows of X are swept over one block of W at a
 * time, which then stays in L2 instead of coming from memory per row. */
enum { VERIFY_W_BLOCK_BYTES = 256 * 1024 };

static void verify_rows(void *ctx, unsigned index, unsigned count)
{
    const verify_job *job = ctx;
    const gpucc_dense_shape *shape = job->shape;
    size_t in = shape->in, out = shape->out;
    size_t begin, end;
    gpucci_split_range(shape->batch, index, count, &begin, &end);
    const double u2in = 2.0 * (double)in * 0x1p-24;
    const double act_ulps = activation_ulps(shape->act);
    size_t block = VERIFY_W_BLOCK_BYTES / (in * sizeof(float));
    if (block < 1)
        block = 1;
    gpucc_dense_check part = {0.0, 0, SIZE_MAX};

    for (size_t o0 = 0; o0 < out; o0 += block) {
        size_t o1 = out - o0 < block ? out : o0 + block;
        for (size_t r = begin; r < end; r++) {
            for (size_t o = o0; o < o1; o++) {
                double sum, abs_sum;
                dot_double(job->x + r * in, job->w + o * in, in, &sum, &abs_sum);
                double bo = job->b[o];
                double z = sum + bo, a = abs_sum + fabs(bo);
                double expected = activate_double(shape->act, z);
                double bound = u2in * a + FLT_MIN;
                if (act_ulps > 0.0)
                    bound += act_ulps * float_ulp(expected);
                double got = job->y[r * out + o];

                double ratio;
                if (isnan(expected) || isnan(got))
                    ratio = isnan(expected) && isnan(got) ? 0.0 : INFINITY;
                else if (isinf(expected) || isinf(got)) {
                    int ok = got == expected ||
                             (isinf(got) && !isinf(expected) && (got > 0) == (expected > 0) &&
                              fabs(expected) + bound >= FLOAT_OVERFLOW);
                    ratio = ok ? 0.0 : INFINITY;
                } else
                    ratio = fabs(got - expected) / bound; /* bound >= FLT_MIN > 0 */
                if (ratio > part.max_ratio)
                    part.max_ratio = ratio;
                if (ratio > 1.0) {
                    size_t i = r * out + o;
                    if (part.bad == 0 || i < part.first_bad)
                        part.first_bad = i;
                    part.bad++;
                }
            }
        }
    }
    job->parts[index] = part;
}

gpucc_status gpucc_dense_verify(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                                const float *y, unsigned threads, gpucc_dense_check *check)
{
    if (!shape || !x || !w || !b || !y || !check)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dense_verify: invalid arguments");
    unsigned workers;
    gpucc_status status = gpucc_dense_shape_check(shape);
    if (status == GPUCC_OK)
        status = gpucci_threads_resolve(threads, "gpucc_dense_verify", &workers);
    if (status != GPUCC_OK)
        return status;
    if (workers > shape->batch)
        workers = (unsigned)shape->batch;
    verify_job job = {shape, x, w, b, y, calloc(workers, sizeof(gpucc_dense_check))};
    if (!job.parts)
        return gpucci_fail(GPUCC_E_NOMEM, "gpucc_dense_verify: cannot allocate %u partial results", workers);
    status = gpucci_parallel_run(workers, verify_rows, &job);
    if (status == GPUCC_OK) {
        /* Workers own contiguous, increasing row ranges: the first bad
         * output is the first worker's that has one. */
        gpucc_dense_check total = {0.0, 0, 0};
        for (unsigned i = 0; i < workers; i++) {
            if (job.parts[i].max_ratio > total.max_ratio)
                total.max_ratio = job.parts[i].max_ratio;
            if (job.parts[i].bad > 0 && total.bad == 0)
                total.first_bad = job.parts[i].first_bad;
            total.bad += job.parts[i].bad;
        }
        *check = total;
    }
    free(job.parts);
    return status;
}
