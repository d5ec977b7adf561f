/* Tests of gpucc_reduce_typed over every data type: f64, f16, bf16 and i32
 * (f32 is test_reduce's), on every backend, checked against
 *  - the typed reference (gpucc_reference_compute_typed, through
 *    gpucc_reduce_verify_typed): exact for f16, bf16 and i32, double-double
 *    for f64;
 *  on serial, pthreads (1 to 3 threads) and OpenCL (PoCL: both kernel
 *  shapes, chunked, copied through pinned staging, and without fp64);
 *  - an independent implementation of the canonical order here
 *    (canonical below), bit for bit, whatever the backend and thread count;
 *  - for f16 and bf16, the f32 reduction of the widened values (bitwise:
 *    widening is exact, so the order is the same);
 *  - for i32, sums beyond 2^53 (which no double holds) exactly, and an
 *    overflowing total reported as GPUCC_E_OVERFLOW. */
#include "gpucc.h"
#include "gpucc-ops.h" /* GPUCC_REDUCE_BLOCK and GPUCC_REDUCE_LANES only */
#include "reduce-order.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = GPUCC_REDUCE_BLOCK, LANES = GPUCC_REDUCE_LANES };

static const gpucc_dtype typed[] = {GPUCC_F64, GPUCC_F16, GPUCC_BF16, GPUCC_I32};
static const gpucc_reduce_op all_ops[] = {GPUCC_REDUCE_SUM, GPUCC_REDUCE_MIN, GPUCC_REDUCE_MAX};
static const size_t sizes[] = {1, 17, 4096, 4099, 3 * 4096 + 5, 100003};

/* ---- The canonical order, written out plainly ---- */

static double step(gpucc_reduce_op op, double acc, double v)
{
    switch (op) {
    case GPUCC_REDUCE_MIN: return v < acc ? v : v != v ? v : acc;
    case GPUCC_REDUCE_MAX: return v > acc ? v : v != v ? v : acc;
    default: return acc + v;
    }
}

static double identity(gpucc_reduce_op op)
{
    return op == GPUCC_REDUCE_MIN ? INFINITY : op == GPUCC_REDUCE_MAX ? -INFINITY : 0.0;
}

/* Blocks of 4096, 16 lanes each folding in index order, halving, then the
 * block partials pairwise level by level (an odd last one moving up). For
 * i32 sums the partials are totalled exactly instead (*integer). */
static double canonical(gpucc_reduce_op op, gpucc_dtype dtype, const void *x, size_t n, int64_t *integer)
{
    size_t blocks = (n + BLOCK - 1) / BLOCK;
    double *p = malloc((blocks ? blocks : 1) * sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (size_t b = 0; b < blocks; b++) {
        double lane[LANES];
        for (int j = 0; j < LANES; j++)
            lane[j] = identity(op);
        for (size_t i = b * BLOCK; i < n && i < (b + 1) * BLOCK; i++)
            lane[i % LANES] = step(op, lane[i % LANES], support_element(dtype, x, i));
        for (int h = LANES / 2; h > 0; h /= 2)
            for (int j = 0; j < h; j++)
                lane[j] = step(op, lane[j], lane[j + h]);
        p[b] = lane[0];
    }
    *integer = 0;
    if (dtype == GPUCC_I32 && op == GPUCC_REDUCE_SUM)
        for (size_t b = 0; b < blocks; b++)
            *integer += (int64_t)p[b];
    size_t m = blocks;
    while (m > 1) {
        for (size_t i = 0; i < m / 2; i++)
            p[i] = step(op, p[2 * i], p[2 * i + 1]);
        if (m % 2)
            p[m / 2] = p[m - 1];
        m = m / 2 + m % 2;
    }
    double value = blocks ? p[0] : identity(op);
    free(p);
    return value;
}

static int same_value(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* ---- Backends ---- */

/* Every backend and the OpenCL paths that change how blocks reach the
 * kernels: both kernel shapes, chunks (a 48 KiB allocation limit: one f64
 * block, six f16 blocks per step), copies through pinned staging. The
 * float-float fallback (no fp64) is tested apart: it is not bitwise. */
typedef struct {
    const char *label;
    gpucc_backend_kind kind;
    gpucc_backend_config config;
} spec;

static const spec specs[] = {
    {"serial", GPUCC_BACKEND_SERIAL, {0}},
    {"pthreads(1)", GPUCC_BACKEND_PTHREADS, {.threads = 1}},
    {"pthreads(2)", GPUCC_BACKEND_PTHREADS, {.threads = 2}},
    {"pthreads(3)", GPUCC_BACKEND_PTHREADS, {.threads = 3}},
    {"opencl(cpu shape)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_CPU}},
    {"opencl(gpu shape, local 64)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_GPU, .local_size = 64}},
    {"opencl(chunked, copied)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_CPU, .max_alloc = 3 * 4096 * 4, .force_copy = 1}},
    {"opencl(gpu shape, chunked)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_GPU, .max_alloc = 3 * 4096 * 4}},
};
enum { SPECS = sizeof specs / sizeof specs[0] };

/* Reduces x with every backend and asserts the canonical value, bit for
 * bit, and that it verifies against the reference. */
static void check_all_backends(gpucc_dtype dtype, const void *x, size_t n, const char *what)
{
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_reference_compute_typed(dtype, x, n, 0, &ref), GPUCC_OK);
    for (int b = 0; b < SPECS; b++) {
        gpucc_backend *backend = support_open_built(specs[b].kind, &specs[b].config, specs[b].label);
        if (!backend)
            continue;
        for (size_t o = 0; o < sizeof all_ops / sizeof all_ops[0]; o++) {
            gpucc_reduce_op op = all_ops[o];
            int64_t integer;
            double expected = canonical(op, dtype, x, n, &integer);
            gpucc_reduce_result r;
            ck_assert_msg(gpucc_reduce_typed(backend, op, dtype, x, n, &r) == GPUCC_OK, "%s %s on %s: %s",
                          gpucc_dtype_name(dtype), gpucc_reduce_op_name(op), specs[b].label, gpucc_last_error());
            ck_assert_msg(same_value(r.value, expected), "%s %s %s n=%zu on %s: %.17g, canonical %.17g",
                          gpucc_dtype_name(dtype), gpucc_reduce_op_name(op), what, n, specs[b].label, r.value,
                          expected);
            if (dtype == GPUCC_I32 && op == GPUCC_REDUCE_SUM)
                ck_assert_msg(r.integer == integer, "i32 sum on %s: %lld, exact %lld", specs[b].label,
                              (long long)r.integer, (long long)integer);
            double error;
            ck_assert_msg(gpucc_reduce_verify_typed(op, dtype, &r, &ref, &error), "%s %s %s n=%zu: %.17g does not verify",
                          gpucc_dtype_name(dtype), gpucc_reduce_op_name(op), what, n, r.value);
        }
        gpucc_backend_close(backend);
    }
}

START_TEST(test_random_every_type)
{
    for (size_t t = 0; t < sizeof typed / sizeof typed[0]; t++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            void *x = support_random_typed(typed[t], sizes[s], 7 + s, 32);
            check_all_backends(typed[t], x, sizes[s], "random");
            free(x);
        }
}
END_TEST

/* f16 and bf16 sums, min and max are those of the widened floats, bit for bit. */
START_TEST(test_half_types_match_f32)
{
    const gpucc_dtype halves[] = {GPUCC_F16, GPUCC_BF16};
    size_t n = 3 * 4096 + 77;
    gpucc_backend_config two = {.threads = 2};
    gpucc_backend *backend = support_open(GPUCC_BACKEND_PTHREADS, &two, "pthreads(2)");
    for (size_t t = 0; t < 2; t++) {
        void *x = support_random_typed(halves[t], n, 99, 32);
        float *wide = malloc(n * sizeof *wide);
        ck_assert_ptr_nonnull(wide);
        for (size_t i = 0; i < n; i++)
            wide[i] = (float)support_element(halves[t], x, i);
        for (size_t o = 0; o < 3; o++) {
            gpucc_reduce_result half, single;
            ck_assert_int_eq(gpucc_reduce_typed(backend, all_ops[o], halves[t], x, n, &half), GPUCC_OK);
            ck_assert_int_eq(gpucc_reduce(backend, all_ops[o], wide, n, &single), GPUCC_OK);
            ck_assert(same_value(half.value, single.value));
        }
        free(wide);
        free(x);
    }
    gpucc_backend_close(backend);
}
END_TEST

/* NaN and infinities in the float types: NaN makes every result NaN; one
 * infinity makes the sum that infinity, both signs make it NaN. */
START_TEST(test_special_values)
{
    const gpucc_dtype floats[] = {GPUCC_F64, GPUCC_F16, GPUCC_BF16};
    size_t n = 4099;
    for (size_t t = 0; t < 3; t++) {
        gpucc_dtype dtype = floats[t];
        for (int kind = 0; kind < 3; kind++) { /* 0: NaN, 1: +inf, 2: +inf and -inf */
            void *x = support_random_typed(dtype, n, 5, 32);
            size_t at[2] = {4097, 13};
            for (int k = 0; k < (kind == 2 ? 2 : 1); k++) {
                double v = kind == 0 ? NAN : k == 0 ? INFINITY : -INFINITY;
                if (dtype == GPUCC_F64)
                    ((double *)x)[at[k]] = v;
                else
                    ((uint16_t *)x)[at[k]] = dtype == GPUCC_F16 ? gpucc_float_to_f16((float)v) : gpucc_float_to_bf16((float)v);
            }
            check_all_backends(dtype, x, n, kind == 0 ? "NaN" : kind == 1 ? "+inf" : "+-inf");
            gpucc_reference ref;
            ck_assert_int_eq(gpucc_reference_compute_typed(dtype, x, n, 0, &ref), GPUCC_OK);
            ck_assert(kind == 1 ? ref.sum == INFINITY : isnan(ref.sum));
            free(x);
        }
    }
}
END_TEST

/* i32 sums past 2^53 are exact: 5e6 elements near INT32_MAX. */
START_TEST(test_i32_beyond_double)
{
    size_t n = 5000000;
    int32_t *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    int64_t expected = 0;
    for (size_t i = 0; i < n; i++) {
        x[i] = INT32_MAX - (int32_t)(i % 7);
        expected += x[i];
    }
    ck_assert(expected > ((int64_t)1 << 53));
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_reference_compute_typed(GPUCC_I32, x, n, 0, &ref), GPUCC_OK);
    ck_assert(!ref.integer_overflow);
    ck_assert(ref.integer_sum == expected);
    for (int b = 0; b < SPECS; b++) {
        gpucc_backend *backend = support_open_built(specs[b].kind, &specs[b].config, specs[b].label);
        if (!backend)
            continue;
        gpucc_reduce_result r;
        ck_assert_int_eq(gpucc_reduce_typed(backend, GPUCC_REDUCE_SUM, GPUCC_I32, x, n, &r), GPUCC_OK);
        ck_assert_msg(r.integer == expected, "%s: %lld, expected %lld", specs[b].label, (long long)r.integer,
                      (long long)expected);
        double error;
        ck_assert(gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, GPUCC_I32, &r, &ref, &error));
        /* One off is caught, although the doubles may round alike. */
        r.integer += 1;
        ck_assert(!gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, GPUCC_I32, &r, &ref, &error));
        gpucc_backend_close(backend);
    }
    free(x);
}
END_TEST

/* A total outside int64 is GPUCC_E_OVERFLOW, never a wrapped value (block
 * partials are at most 4096 * 2^31 = 2^43, so 2^20 of them reach 2^63). */
START_TEST(test_i32_overflow_reported)
{
    size_t m = ((size_t)1 << 20) + 1;
    double *partials = malloc(m * sizeof *partials);
    ck_assert_ptr_nonnull(partials);
    for (int sign = 1; sign >= -1; sign -= 2) {
        for (size_t i = 0; i < m; i++)
            partials[i] = sign * 0x1p43;
        gpucc_reduce_result r = {0};
        ck_assert_int_eq(gpucci_reduce_finish(GPUCC_REDUCE_SUM, GPUCC_I32, partials, m, &r), GPUCC_E_OVERFLOW);
        ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "64-bit"));
        /* Just inside: 2^20 - 1 partials of 2^43 and one of 2^43 - 1 make
         * +-(2^63 - 1), exactly. */
        for (size_t i = 0; i < m - 1; i++)
            partials[i] = i + 2 < m ? sign * 0x1p43 : sign * (0x1p43 - 1);
        ck_assert_int_eq(gpucci_reduce_finish(GPUCC_REDUCE_SUM, GPUCC_I32, partials, m - 1, &r), GPUCC_OK);
        ck_assert(r.integer == (sign > 0 ? INT64_MAX : -INT64_MAX));
    }
    free(partials);
    /* A reference that overflowed never verifies. */
    gpucc_reference ref = {.integer_overflow = 1};
    gpucc_reduce_result r = {0};
    double error;
    ck_assert(!gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, GPUCC_I32, &r, &ref, &error));
}
END_TEST

/* f64 sums are checked against the f64 bound, not the f32 one: a result one
 * f32 bound away is wrong. */
START_TEST(test_f64_bound)
{
    size_t n = 10000;
    void *x = support_random_typed(GPUCC_F64, n, 3, 32);
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_reference_compute_typed(GPUCC_F64, x, n, 0, &ref), GPUCC_OK);
    gpucc_reduce_result r = {.value = ref.sum + ref.abs_sum * 0x1p-30};
    double error;
    ck_assert(!gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, GPUCC_F64, &r, &ref, &error));
    ck_assert(gpucc_reduce_verify(GPUCC_REDUCE_SUM, r.value, &ref, &error)); /* the f32 bound would pass it */
    r.value = ref.sum + ref.abs_sum * 0x1p-46;
    ck_assert(gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, GPUCC_F64, &r, &ref, &error));
    free(x);
}
END_TEST

/* Without fp64 (--cl-fp32), f16 and bf16 sums take the float-float
 * fallback (flagged, within the bound, not bitwise); f64 and i32, which
 * need double accumulation, are UNSUPPORTED with the reason. */
START_TEST(test_opencl_without_fp64)
{
    gpucc_backend_config fp32 = {.force_no_fp64 = 1};
    gpucc_backend *backend = support_open(GPUCC_BACKEND_OPENCL, &fp32, "opencl(fp32)");
    size_t n = 4099;
    for (size_t t = 0; t < sizeof typed / sizeof typed[0]; t++) {
        void *x = support_random_typed(typed[t], n, 11, 32);
        gpucc_reference ref;
        ck_assert_int_eq(gpucc_reference_compute_typed(typed[t], x, n, 0, &ref), GPUCC_OK);
        for (size_t o = 0; o < 3; o++) {
            gpucc_reduce_result r;
            gpucc_status status = gpucc_reduce_typed(backend, all_ops[o], typed[t], x, n, &r);
            if (typed[t] == GPUCC_F64 || typed[t] == GPUCC_I32) {
                ck_assert_int_eq(status, GPUCC_E_UNSUPPORTED);
                ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "needs fp64"));
                continue;
            }
            ck_assert_int_eq(status, GPUCC_OK);
            double error;
            ck_assert(gpucc_reduce_verify_typed(all_ops[o], typed[t], &r, &ref, &error));
            ck_assert(all_ops[o] != GPUCC_REDUCE_SUM || (r.flags & GPUCC_RESULT_FP32_FALLBACK));
        }
        free(x);
    }
    gpucc_backend_close(backend);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const every_backend[] = {test_random_every_type, test_special_values, test_i32_beyond_double};
    const TTest *const cpu[] = {test_half_types_match_f32, test_i32_overflow_reported, test_f64_bound};
    const TTest *const opencl[] = {test_opencl_without_fp64};
    Suite *s = suite_create("reduce_dtype");
    support_tcase_mixed(s, "every_backend", 0, every_backend, sizeof every_backend / sizeof every_backend[0]);
    support_tcase(s, "cpu", 0, cpu, sizeof cpu / sizeof cpu[0]);
    support_tcase_needing(s, SUPPORT_OPENCL, "opencl", 0, opencl, 1);
    return s;
}
