/* Tests of gpucc_dot_typed over f64, f16, bf16 and i32 (f32 is
 * test_dot's), on every backend, checked against
 *  - the typed reference (gpucc_dot_reference_typed, through
 *    gpucc_reduce_verify_typed): exact for f16, bf16 and i32, double-double
 *    with exact product errors for f64;
 *  - the canonical order written out here, bit for bit, whatever the
 *    backend, thread count, kernel shape or chunking;
 *  - for f16 and bf16, the f32 dot product of the widened values (bitwise);
 *  - for i32, results beyond 2^53 exactly, and a result outside int64
 *    reported as GPUCC_E_OVERFLOW by every backend. */
#include "gpucc.h"
#include "gpucc-ops.h" /* GPUCC_REDUCE_BLOCK and GPUCC_REDUCE_LANES only */
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = GPUCC_REDUCE_BLOCK, LANES = GPUCC_REDUCE_LANES };

static const gpucc_dtype typed[] = {GPUCC_F64, GPUCC_F16, GPUCC_BF16, GPUCC_I32};
static const size_t sizes[] = {1, 17, 4099, 3 * 4096 + 5, 100003};

/* Every backend and the OpenCL paths that change how blocks reach the
 * kernels (a 48 KiB allocation limit: one f64 block, six f16 blocks per step). */
typedef struct {
    const char *label;
    gpucc_backend_kind kind;
    gpucc_backend_config config;
} spec;

static const spec specs[] = {
    {"serial", GPUCC_BACKEND_SERIAL, {0}},
    {"pthreads(2)", GPUCC_BACKEND_PTHREADS, {.threads = 2}},
    {"pthreads(3)", GPUCC_BACKEND_PTHREADS, {.threads = 3}},
    {"opencl(cpu shape)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_CPU}},
    {"opencl(gpu shape, local 32)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_GPU, .local_size = 32}},
    {"opencl(chunked, copied)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_CPU, .max_alloc = 3 * 4096 * 4, .force_copy = 1}},
};
enum { SPECS = sizeof specs / sizeof specs[0] };

/* The canonical order: per block, lane j adds the products of its elements
 * in index order (each product formed in double: exact but for f64), the
 * lanes halve, the blocks combine pairwise. i32: the exact sum instead
 * (*integer, in 128 bits; *overflow when it leaves int64). */
static double canonical(gpucc_dtype dtype, const void *x, const void *y, size_t n, int64_t *integer, int *overflow)
{
    __extension__ __int128 exact = 0;
    size_t blocks = (n + BLOCK - 1) / BLOCK;
    double *p = calloc(blocks ? blocks : 1, sizeof *p);
    ck_assert_ptr_nonnull(p);
    for (size_t b = 0; b < blocks; b++) {
        double lane[LANES] = {0};
        for (size_t i = b * BLOCK; i < n && i < (b + 1) * BLOCK; i++) {
            if (dtype == GPUCC_I32)
                exact += (int64_t)((const int32_t *)x)[i] * ((const int32_t *)y)[i];
            double product = support_element(dtype, x, i) * support_element(dtype, y, i);
            lane[i % LANES] += product;
        }
        for (int h = LANES / 2; h > 0; h /= 2)
            for (int j = 0; j < h; j++)
                lane[j] += lane[j + h];
        p[b] = lane[0];
    }
    *overflow = exact > INT64_MAX || exact < INT64_MIN;
    *integer = *overflow ? 0 : (int64_t)exact;
    size_t m = blocks;
    while (m > 1) {
        for (size_t i = 0; i < m / 2; i++)
            p[i] = p[2 * i] + p[2 * i + 1];
        if (m % 2)
            p[m / 2] = p[m - 1];
        m = m / 2 + m % 2;
    }
    double value = blocks ? p[0] : 0.0;
    free(p);
    return value;
}

static int same_value(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* Every backend's dot product of x and y: the canonical bits (i32: the
 * exact integer, or GPUCC_E_OVERFLOW when it does not fit), verified
 * against the reference. */
static void check_all_backends(gpucc_dtype dtype, const void *x, const void *y, size_t n, const char *what)
{
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_dot_reference_typed(dtype, x, y, n, 0, &ref), GPUCC_OK);
    int64_t integer;
    int overflow;
    double expected = canonical(dtype, x, y, n, &integer, &overflow);
    ck_assert_int_eq(ref.integer_overflow, overflow);
    for (int b = 0; b < SPECS; b++) {
        gpucc_backend *backend = support_open_built(specs[b].kind, &specs[b].config, specs[b].label);
        if (!backend)
            continue;
        gpucc_reduce_result r;
        gpucc_status status = gpucc_dot_typed(backend, dtype, x, y, n, &r);
        if (overflow) {
            ck_assert_msg(status == GPUCC_E_OVERFLOW, "%s on %s: status %d, expected an overflow", what,
                          specs[b].label, status);
            gpucc_backend_close(backend);
            continue;
        }
        ck_assert_msg(status == GPUCC_OK, "%s dot %s n=%zu on %s: %s", gpucc_dtype_name(dtype), what, n,
                      specs[b].label, gpucc_last_error());
        if (dtype == GPUCC_I32)
            ck_assert_msg(r.integer == integer, "i32 dot %s on %s: %lld, exact %lld", what, specs[b].label,
                          (long long)r.integer, (long long)integer);
        else
            ck_assert_msg(same_value(r.value, expected), "%s dot %s n=%zu on %s: %.17g, canonical %.17g",
                          gpucc_dtype_name(dtype), what, n, specs[b].label, r.value, expected);
        double error;
        ck_assert_msg(gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, dtype, &r, &ref, &error),
                      "%s dot %s n=%zu on %s: %.17g does not verify against %.17g", gpucc_dtype_name(dtype), what, n,
                      specs[b].label, r.value, ref.sum);
        gpucc_backend_close(backend);
    }
}

START_TEST(test_random_every_type)
{
    for (size_t t = 0; t < sizeof typed / sizeof typed[0]; t++)
        for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
            /* i32 from 16 bits: products below 2^30, sums that fit. */
            void *x = support_random_typed(typed[t], sizes[s], 3 + s, 16);
            void *y = support_random_typed(typed[t], sizes[s], 300 + s, 16);
            check_all_backends(typed[t], x, y, sizes[s], "random");
            free(x);
            free(y);
        }
}
END_TEST

/* f16 and bf16 dot products are those of the widened floats, bit for bit. */
START_TEST(test_half_types_match_f32)
{
    const gpucc_dtype halves[] = {GPUCC_F16, GPUCC_BF16};
    size_t n = 3 * 4096 + 77;
    gpucc_backend *backend = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    for (size_t t = 0; t < 2; t++) {
        void *x = support_random_typed(halves[t], n, 8, 32), *y = support_random_typed(halves[t], n, 9, 32);
        float *wx = malloc(n * sizeof *wx), *wy = malloc(n * sizeof *wy);
        ck_assert(wx && wy);
        for (size_t i = 0; i < n; i++) {
            wx[i] = (float)support_element(halves[t], x, i);
            wy[i] = (float)support_element(halves[t], y, i);
        }
        gpucc_reduce_result half, single;
        ck_assert_int_eq(gpucc_dot_typed(backend, halves[t], x, y, n, &half), GPUCC_OK);
        ck_assert_int_eq(gpucc_dot(backend, wx, wy, n, &single), GPUCC_OK);
        ck_assert(same_value(half.value, single.value));
        free(wx);
        free(wy);
        free(x);
        free(y);
    }
    gpucc_backend_close(backend);
}
END_TEST

/* i32: products near 2^62 make results past 2^53 (exact) and, three of
 * them, past 2^63 (GPUCC_E_OVERFLOW on every backend, and in the reference). */
START_TEST(test_i32_large_and_overflow)
{
    size_t n = 4099;
    int32_t *x = support_random_typed(GPUCC_I32, n, 21, 16), *y = support_random_typed(GPUCC_I32, n, 22, 16);
    x[4097] = y[4097] = INT32_MIN; /* one product of 2^62: a result no double holds exactly */
    x[5] = y[5] = INT32_MIN + 1;
    check_all_backends(GPUCC_I32, x, y, n, "near 2^62");
    for (size_t i = 0; i < n; i++)
        x[i] = y[i] = INT32_MIN; /* every product 2^62: the sum leaves int64 */
    check_all_backends(GPUCC_I32, x, y, n, "overflow");
    free(x);
    free(y);
}
END_TEST

/* Special values in the float types: a NaN, or an infinity times zero,
 * makes the dot product NaN; one infinite product makes it infinite. */
START_TEST(test_special_values)
{
    const gpucc_dtype floats[] = {GPUCC_F64, GPUCC_F16, GPUCC_BF16};
    size_t n = 4099;
    for (size_t t = 0; t < 3; t++) {
        for (int kind = 0; kind < 3; kind++) { /* NaN, +inf * 2, inf * 0 */
            gpucc_dtype dtype = floats[t];
            void *x = support_random_typed(dtype, n, 5, 32), *y = support_random_typed(dtype, n, 6, 32);
            double xv = kind == 0 ? NAN : INFINITY, yv = kind == 2 ? 0.0 : 2.0;
            if (dtype == GPUCC_F64) {
                ((double *)x)[4097] = xv;
                ((double *)y)[4097] = yv;
            } else {
                uint16_t (*narrow)(float) = dtype == GPUCC_F16 ? gpucc_float_to_f16 : gpucc_float_to_bf16;
                ((uint16_t *)x)[4097] = narrow((float)xv);
                ((uint16_t *)y)[4097] = narrow((float)yv);
            }
            check_all_backends(dtype, x, y, n, kind == 0 ? "NaN" : kind == 1 ? "inf" : "inf * 0");
            free(x);
            free(y);
        }
    }
}
END_TEST

/* The f64 reference catches an error the f32 bound would let through. */
START_TEST(test_f64_reference_is_tight)
{
    size_t n = 10000;
    double *x = support_random_typed(GPUCC_F64, n, 1, 32), *y = support_random_typed(GPUCC_F64, n, 2, 32);
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_dot_reference_typed(GPUCC_F64, x, y, n, 0, &ref), GPUCC_OK);
    gpucc_reduce_result r = {.value = ref.sum + ref.abs_sum * 0x1p-35};
    double error;
    ck_assert(!gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, GPUCC_F64, &r, &ref, &error));
    /* x * (1 + 2^-52) and y: every product's rounding error is what the
     * double-double reference keeps; its sum matches a long double sum. */
    long double exact = 0;
    for (size_t i = 0; i < n; i++)
        exact += (long double)x[i] * (long double)y[i];
    ck_assert(fabsl((long double)ref.sum - exact) <= 0x1p-60L * (long double)ref.abs_sum);
    free(x);
    free(y);
}
END_TEST

/* OpenCL without fp64: every dtype's dot product is UNSUPPORTED, with the reason. */
START_TEST(test_opencl_without_fp64)
{
    gpucc_backend_config fp32 = {.force_no_fp64 = 1};
    gpucc_backend *backend = support_open(GPUCC_BACKEND_OPENCL, &fp32, "opencl(fp32)");
    for (size_t t = 0; t < sizeof typed / sizeof typed[0]; t++) {
        void *x = support_random_typed(typed[t], 100, 1, 16);
        gpucc_reduce_result r;
        ck_assert_int_eq(gpucc_dot_typed(backend, typed[t], x, x, 100, &r), GPUCC_E_UNSUPPORTED);
        ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "fp64"));
        free(x);
    }
    gpucc_backend_close(backend);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const every_backend[] = {test_random_every_type, test_i32_large_and_overflow, test_special_values};
    const TTest *const cpu[] = {test_half_types_match_f32, test_f64_reference_is_tight};
    const TTest *const opencl[] = {test_opencl_without_fp64};
    Suite *s = suite_create("dot_dtype");
    support_tcase_mixed(s, "every_backend", 0, every_backend, sizeof every_backend / sizeof every_backend[0]);
    support_tcase(s, "cpu", 0, cpu, sizeof cpu / sizeof cpu[0]);
    support_tcase_needing(s, SUPPORT_OPENCL, "opencl", 0, opencl, 1);
    return s;
}
