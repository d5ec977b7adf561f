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
 *
 * f16 and bf16 (gpucc_dense_typed). The inputs are widened exactly, so the
 * f32 bound above holds for the float output y_f before its rounding to the
 * type; the rounding adds at most half an ulp of the type, 2^-11 |y_f| for
 * f16 and 2^-8 |y_f| for bf16 in the normal range, or half the smallest
 * subnormal below it. With |y_f| <= |y_ref| + bound:
 *
 *     bound_t = bound (1 + rel) + rel |y_ref| + smallest subnormal,
 *
 * rel = 2^-11 (f16) or 2^-8 (bf16), smallest subnormal 2^-24 (f16) or
 * 2^-133 (bf16). The overflow threshold is the type's (65520 for f16,
 * 2^128 - 2^119 for bf16).
 */
#include "dense-dtype.h"
#include "error.h"
#include "pool.h"
#include "widen.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

gpucc_status gpucci_dense_dtype_check(gpucc_dtype dtype, const char *caller)
{
    if ((unsigned)dtype >= GPUCC_DTYPE_COUNT)
        return gpucci_fail(GPUCC_E_INVALID, "%s: data type %d is out of range (0..%d)", caller, (int)dtype,
                           GPUCC_DTYPE_COUNT - 1);
    if (!(GPUCCI_DENSE_DTYPES & 1u << dtype))
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "%s: the dense layer stores f32, f16 or bf16, not %s", caller,
                           gpucc_dtype_name(dtype));
    return GPUCC_OK;
}

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

/* What storing an output in a type adds to the bound (top of the file). */
typedef struct {
    double rel;       /* half an ulp, relative: 0 for f32 (Y is the float result) */
    double subnormal; /* the smallest subnormal (0 for f32) */
    double overflow;  /* values at or above it round to infinity */
} output_rounding;

static output_rounding rounding_of(gpucc_dtype dtype)
{
    switch (dtype) {
    case GPUCC_F16: return (output_rounding){0x1p-11, 0x1p-24, 65520.0};
    case GPUCC_BF16: return (output_rounding){0x1p-8, 0x1p-133, 0x1p128 - 0x1p119};
    default: return (output_rounding){0.0, 0.0, 0x1p128 - 0x1p103};
    }
}

/* dst[j] = element first + j of src as a float, for j < n. */
static void widen(gpucc_dtype dtype, const void *src, size_t first, float *dst, size_t n)
{
    for (size_t j = 0; j < n; j++)
        dst[j] = (float)gpucci_widen(dtype, src, first + j);
}

typedef struct {
    const gpucc_dense_shape *shape;
    gpucc_dtype dtype;
    const void *x, *w, *b, *y;
    size_t block;             /* rows of W per block */
    float *buffers;           /* f16, bf16: per worker, a block of W and a row of X as floats */
    gpucc_dense_check *parts; /* one per worker */
} verify_job;

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

/* The rows of W per block of the verification. */
static size_t block_rows(size_t in)
{
    size_t block = VERIFY_W_BLOCK_BYTES / (in * sizeof(float));
    return block < 1 ? 1 : block;
}

static void verify_rows(void *ctx, unsigned index, unsigned count)
{
    const verify_job *job = ctx;
    const gpucc_dense_shape *shape = job->shape;
    gpucc_dtype dtype = job->dtype;
    size_t in = shape->in, out = shape->out, block = job->block;
    size_t begin, end;
    gpucci_split_range(shape->batch, index, count, &begin, &end);
    const double u2in = 2.0 * (double)in * 0x1p-24;
    const double act_ulps = activation_ulps(shape->act);
    const output_rounding rounding = rounding_of(dtype);
    int typed = dtype != GPUCC_F32;
    float *w_block = typed ? job->buffers + (size_t)index * (block * in + in) : NULL;
    float *x_row = typed ? w_block + block * in : NULL;
    gpucc_dense_check part = {0.0, 0, SIZE_MAX};

    for (size_t o0 = 0; o0 < out; o0 += block) {
        size_t o1 = out - o0 < block ? out : o0 + block;
        const float *wb = w_block;
        if (typed)
            widen(dtype, job->w, o0 * in, w_block, (o1 - o0) * in);
        else
            wb = (const float *)job->w + o0 * in;
        for (size_t r = begin; r < end; r++) {
            const float *xr = x_row;
            if (typed)
                widen(dtype, job->x, r * in, x_row, in);
            else
                xr = (const float *)job->x + r * in;
            for (size_t o = o0; o < o1; o++) {
                double sum, abs_sum;
                dot_double(xr, wb + (o - o0) * in, in, &sum, &abs_sum);
                double bo = gpucci_widen(dtype, job->b, o);
                double z = sum + bo, a = abs_sum + fabs(bo);
                double expected = activate_double(shape->act, z);
                double bound = u2in * a + FLT_MIN;
                if (act_ulps > 0.0)
                    bound += act_ulps * float_ulp(expected);
                if (typed && !isnan(expected) && !isinf(expected))
                    bound = bound * (1.0 + rounding.rel) + rounding.rel * fabs(expected) + rounding.subnormal;
                double got = gpucci_widen(dtype, job->y, r * out + o);

                double ratio;
                if (isnan(expected) || isnan(got))
                    ratio = isnan(expected) && isnan(got) ? 0.0 : INFINITY;
                else if (isinf(expected) || isinf(got)) {
                    int ok = got == expected ||
                             (isinf(got) && !isinf(expected) && (got > 0) == (expected > 0) &&
                              fabs(expected) + bound >= rounding.overflow);
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

gpucc_status gpucc_dense_verify_typed(const gpucc_dense_shape *shape, gpucc_dtype dtype, const void *x,
                                      const void *w, const void *b, const void *y, unsigned threads,
                                      gpucc_dense_check *check)
{
    if (!shape || !x || !w || !b || !y || !check)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dense_verify: invalid arguments");
    unsigned workers;
    gpucc_status status = gpucci_dense_dtype_check(dtype, "gpucc_dense_verify");
    if (status == GPUCC_OK)
        status = gpucc_dense_shape_check(shape);
    if (status == GPUCC_OK)
        status = gpucci_threads_resolve(threads, "gpucc_dense_verify", &workers);
    if (status != GPUCC_OK)
        return status;
    if (workers > shape->batch)
        workers = (unsigned)shape->batch;
    size_t block = block_rows(shape->in);
    if (block > shape->out)
        block = shape->out;
    verify_job job = {shape, dtype, x, w, b, y, block, NULL, calloc(workers, sizeof(gpucc_dense_check))};
    if (dtype != GPUCC_F32)
        job.buffers = malloc((size_t)workers * (block * shape->in + shape->in) * sizeof(float));
    if (!job.parts || (dtype != GPUCC_F32 && !job.buffers)) {
        free(job.parts);
        return gpucci_fail(GPUCC_E_NOMEM, "gpucc_dense_verify: cannot allocate the buffers of %u workers", workers);
    }
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
    free(job.buffers);
    free(job.parts);
    return status;
}

gpucc_status gpucc_dense_verify(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                                const float *y, unsigned threads, gpucc_dense_check *check)
{
    return gpucc_dense_verify_typed(shape, GPUCC_F32, x, w, b, y, threads, check);
}
