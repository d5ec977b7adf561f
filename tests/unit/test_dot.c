/* Tests of gpucc_dot, its exact reference and its measurement, on the
 * serial, pthreads and OpenCL backends (PoCL here), checked three ways:
 *  - every value against the exact reference (gpucc_dot_reference, through
 *    gpucc_reduce_verify's documented bound);
 *  - the reference itself against values known exactly (integer data,
 *    cancellation down to 2^-280, the extremes of the product range);
 *  - every backend against an independent plain implementation of the
 *    canonical order (canonical_dot below), bit for bit, whatever its
 *    thread count, kernel shape, work-group size, copying or chunking.
 *
 * OpenCL backends are opened inside each test (Check forks one process per
 * test; OpenCL must not be initialised before the fork). A build without
 * OpenCL runs the CPU test cases only (support_tcase_needing). */
#include "gpucc.h"
#include "support.h"
#include "gpucc-ops.h" /* GPUCC_REDUCE_BLOCK and GPUCC_REDUCE_LANES only */

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BLOCK = GPUCC_REDUCE_BLOCK, LANES = GPUCC_REDUCE_LANES };

/* The odd sizes every backend is checked at: one element, less than a lane
 * group, a block and one, several blocks with a ragged tail. */
static const size_t sizes[] = {1, 15, 17, 4096, 4097, 100003};
#define MAX_SIZE 100003

/* ---- Backends ---- */

#define SERIAL {.kind = GPUCC_BACKEND_SERIAL}
#define PTHREADS(t) {.kind = GPUCC_BACKEND_PTHREADS, .config = {.threads = (t)}}
#define OPENCL(shape_, local_) {.kind = GPUCC_BACKEND_OPENCL, .config = {.shape = (shape_), .local_size = (local_)}}
/* Chunks of three blocks (so 100003 elements take nine steps). */
#define CHUNKED(shape_, copy)                                                                      \
    {.kind = GPUCC_BACKEND_OPENCL,                                                                  \
     .config = {.shape = (shape_), .max_alloc = 3 * BLOCK * sizeof(float), .force_copy = (copy)}}
#define COPIED(shape_) {.kind = GPUCC_BACKEND_OPENCL, .config = {.shape = (shape_), .force_copy = 1}}

typedef struct {
    gpucc_backend_kind kind;
    gpucc_backend_config config;
} spec;

static const spec cpu_specs[] = {SERIAL, PTHREADS(1), PTHREADS(2), PTHREADS(3), PTHREADS(7)};
static const spec opencl_specs[] = {
    OPENCL(GPUCC_SHAPE_CPU, 1), OPENCL(GPUCC_SHAPE_CPU, 4),    OPENCL(GPUCC_SHAPE_GPU, 16),
    OPENCL(GPUCC_SHAPE_GPU, 64), OPENCL(GPUCC_SHAPE_GPU, 256), COPIED(GPUCC_SHAPE_CPU),
    COPIED(GPUCC_SHAPE_GPU),    CHUNKED(GPUCC_SHAPE_CPU, 0),  CHUNKED(GPUCC_SHAPE_GPU, 0),
    CHUNKED(GPUCC_SHAPE_CPU, 1), CHUNKED(GPUCC_SHAPE_GPU, 1)};

static void describe(const spec *s, char *buf, size_t size)
{
    const gpucc_backend_config *c = &s->config;
    if (s->kind == GPUCC_BACKEND_OPENCL)
        snprintf(buf, size, "opencl(shape=%s, local=%zu, max_alloc=%llu%s)",
                 c->shape == GPUCC_SHAPE_CPU ? "cpu" : c->shape == GPUCC_SHAPE_GPU ? "gpu" : "auto", c->local_size,
                 (unsigned long long)c->max_alloc, c->force_copy ? ", copy" : "");
    else
        snprintf(buf, size, "%s(threads=%u)", gpucc_backend_kind_name(s->kind), c->threads);
}

/* ---- Oracles written independently of the library ---- */

/* The canonical order of kernels/gpucc-ops.h over the products
 * (double)x[i] * (double)y[i], written out plainly. */
static double canonical_dot(const float *x, const float *y, size_t n)
{
    double partial[64] = {0.0}; /* one per block: room for every size tested */
    size_t count = (n + BLOCK - 1) / BLOCK;
    ck_assert_uint_le(count, COUNT(partial));
    for (size_t b = 0; b < count; b++) {
        double lane[LANES] = {0};
        size_t first = b * BLOCK, end = n < first + BLOCK ? n : first + BLOCK;
        for (size_t i = first; i < end; i++)
            lane[(i - first) % LANES] += (double)x[i] * (double)y[i];
        for (int half = LANES / 2; half >= 1; half /= 2)
            for (int j = 0; j < half; j++)
                lane[j] += lane[j + half];
        partial[b] = lane[0];
    }
    for (size_t level = count; level > 1; level = (level + 1) / 2) {
        for (size_t j = 0; j < level / 2; j++)
            partial[j] = partial[2 * j] + partial[2 * j + 1];
        if (level % 2)
            partial[level / 2] = partial[level - 1];
    }
    return partial[0];
}

/* Bitwise equal, or both NaN (payloads may differ between backends). */
static int same_value(double a, double b)
{
    return isnan(a) ? isnan(b) : memcmp(&a, &b, sizeof a) == 0;
}

/* The reference with every thread count it may be asked for: all equal. */
static gpucc_reference reference_of(const float *x, const float *y, size_t n)
{
    gpucc_reference r;
    gpucc_status st = gpucc_dot_reference(x, y, n, 0, &r);
    ck_assert_msg(st == GPUCC_OK, "gpucc_dot_reference: %s", gpucc_last_error());
    ck_assert(isnan(r.min) && isnan(r.max));
    static const unsigned threads[] = {1, 2, 3};
    for (size_t t = 0; t < COUNT(threads); t++) {
        gpucc_reference other;
        ck_assert_int_eq(gpucc_dot_reference(x, y, n, threads[t], &other), GPUCC_OK);
        ck_assert_msg(same_value(other.sum, r.sum) && same_value(other.abs_sum, r.abs_sum),
                      "n=%zu: the reference with %u threads gave %.17g, with all %.17g", n, threads[t], other.sum,
                      r.sum);
    }
    return r;
}

/* Runs gpucc_dot on backend and checks it against the canonical order and
 * the reference; returns the value. */
static double check_dot(gpucc_backend *backend, const char *label, const float *x, const float *y, size_t n,
                        const gpucc_reference *ref)
{
    gpucc_reduce_result r;
    gpucc_status st = gpucc_dot(backend, x, y, n, &r);
    ck_assert_msg(st == GPUCC_OK, "%s n=%zu: %s", label, n, gpucc_last_error());
    double expected = canonical_dot(x, y, n), error;
    ck_assert_msg(same_value(r.value, expected), "%s n=%zu: %.17g, the canonical order gives %.17g", label, n,
                  r.value, expected);
    ck_assert_msg(gpucc_reduce_verify(GPUCC_REDUCE_SUM, r.value, ref, &error),
                  "%s n=%zu: %.17g is outside the bound of the exact %.17g", label, n, r.value, ref->sum);
    ck_assert(r.timing.total_ms >= 0 && r.timing.kernel_ms >= 0);
    return r.value;
}

/* Two inputs of n floats in [-1, 1): products of 48 significant bits, whose
 * sums round, so that a change of summation order shows in the bits. */
static void random_pair(size_t n, uint64_t seed, float **x, float **y)
{
    *x = support_uniform_floats(n, seed);
    *y = support_uniform_floats(n, seed + 1);
}

/* Every spec at every size of `sizes`, on random data. */
static void check_specs(const spec *specs, size_t count)
{
    float *x, *y;
    random_pair(MAX_SIZE, 9, &x, &y);
    double in_index_order = 0;
    for (size_t i = 0; i < MAX_SIZE; i++)
        in_index_order += (double)x[i] * (double)y[i];
    ck_assert_msg(!same_value(in_index_order, canonical_dot(x, y, MAX_SIZE)),
                  "the data does not tell the canonical order from the index order");
    gpucc_reference refs[COUNT(sizes)];
    for (size_t k = 0; k < COUNT(sizes); k++)
        refs[k] = reference_of(x, y, sizes[k]);
    for (size_t i = 0; i < count; i++) {
        char label[200];
        describe(&specs[i], label, sizeof label);
        gpucc_backend *b = support_open(specs[i].kind, &specs[i].config, label);
        for (size_t k = 0; k < COUNT(sizes); k++)
            check_dot(b, label, x, y, sizes[k], &refs[k]);
        gpucc_reduce_result r;
        ck_assert_int_eq(gpucc_dot(b, x, y, MAX_SIZE, &r), GPUCC_OK);
        if (specs[i].config.max_alloc)
            ck_assert_msg(r.flags & GPUCC_RESULT_CHUNKED, "%s: not chunked", label);
        if (specs[i].config.force_copy)
            ck_assert_msg(r.flags & GPUCC_RESULT_COPIED, "%s: not copied", label);
        if (specs[i].config.force_copy && specs[i].config.max_alloc) /* nine steps through the staging */
            ck_assert_msg(r.flags & GPUCC_RESULT_OVERLAPPED, "%s: not overlapped", label);
        gpucc_backend_close(b);
    }
    gpucc_free_floats(x);
    gpucc_free_floats(y);
}

/* Every spec gives, for x . y, the canonical order's value; returns it. */
static double check_everywhere(const spec *specs, size_t count, const float *x, const float *y, size_t n,
                               const gpucc_reference *ref)
{
    double expected = canonical_dot(x, y, n);
    for (size_t i = 0; i < count; i++) {
        char label[200];
        describe(&specs[i], label, sizeof label);
        gpucc_backend *b = support_open(specs[i].kind, &specs[i].config, label);
        check_dot(b, label, x, y, n, ref);
        gpucc_backend_close(b);
    }
    return expected;
}

/* ---- Tests run on a list of backends (CPU and OpenCL cases) ---- */

/* The specs of the running test case: _i is 0 for the CPU case, 1 for OpenCL. */
static const spec *specs_of(int which, size_t *count)
{
    *count = which ? COUNT(opencl_specs) : COUNT(cpu_specs);
    return which ? opencl_specs : cpu_specs;
}

START_TEST(test_bitwise_everywhere)
{
    size_t count;
    const spec *specs = specs_of(_i, &count);
    check_specs(specs, count);
}
END_TEST

/* n = 0 is the empty sum, +0.0, even with NULL inputs. */
START_TEST(test_empty)
{
    size_t count;
    const spec *specs = specs_of(_i, &count);
    for (size_t i = 0; i < count; i++) {
        char label[200];
        describe(&specs[i], label, sizeof label);
        gpucc_backend *b = support_open(specs[i].kind, &specs[i].config, label);
        gpucc_reduce_result r;
        ck_assert_int_eq(gpucc_dot(b, NULL, NULL, 0, &r), GPUCC_OK);
        ck_assert_msg(r.value == 0.0 && !signbit(r.value), "%s: %g", label, r.value);
        gpucc_backend_close(b);
    }
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_dot_reference(NULL, NULL, 0, 1, &ref), GPUCC_OK);
    ck_assert(ref.sum == 0.0 && !signbit(ref.sum) && ref.abs_sum == 0.0);
}
END_TEST

/* Pairs of products that cancel exactly, and one of 2^-140 * 2^-140: the
 * exact result is 2^-280, far below what the terms' rounding leaves. */
START_TEST(test_cancellation)
{
    size_t count;
    const spec *specs = specs_of(_i, &count);
    enum { HALF = 3 * BLOCK + 7 };
    float *x, *y;
    random_pair(2 * HALF + 1, 21, &x, &y);
    for (size_t i = 0; i < HALF; i++) {
        x[HALF + i] = x[i];
        y[HALF + i] = -y[i];
    }
    x[2 * HALF] = y[2 * HALF] = ldexpf(1.0f, -140);
    gpucc_reference ref = reference_of(x, y, 2 * HALF + 1);
    ck_assert_msg(ref.sum == ldexp(1.0, -280), "reference %.17g, exact 2^-280", ref.sum);
    check_everywhere(specs, count, x, y, 2 * HALF + 1, &ref);
    gpucc_free_floats(x);
    gpucc_free_floats(y);
}
END_TEST

/* NaN anywhere, an infinity times zero, and both infinite signs give NaN;
 * infinities of one sign give that infinity; the reference agrees. */
START_TEST(test_nan_and_infinities)
{
    size_t count;
    const spec *specs = specs_of(_i, &count);
    enum { N = 2 * BLOCK + 100 };
    const size_t positions[] = {0, BLOCK + 3, N - 1};
    struct {
        float a, b;      /* x[p] = a, y[p] = b at each of the positions */
        double expected; /* NaN: any NaN */
    } cases[] = {
        {NAN, 1.0f, NAN},       {1.0f, NAN, NAN},         {INFINITY, 0.0f, NAN},
        {INFINITY, 2.0f, INFINITY}, {-INFINITY, 2.0f, -INFINITY}, {FLT_MAX, FLT_MAX, 0.0},
    };
    for (size_t c = 0; c < COUNT(cases); c++) {
        for (size_t p = 0; p < COUNT(positions); p++) {
            float *x, *y;
            random_pair(N, 30 + c, &x, &y);
            x[positions[p]] = cases[c].a;
            y[positions[p]] = cases[c].b;
            if (c == COUNT(cases) - 1) { /* +inf and -inf products: NaN */
                x[0] = y[0] = INFINITY;
                x[N - 1] = -INFINITY;
                y[N - 1] = INFINITY;
            }
            double expected = c == COUNT(cases) - 1 ? NAN : cases[c].expected;
            gpucc_reference ref = reference_of(x, y, N);
            ck_assert_msg(same_value(ref.sum, expected), "case %zu at %zu: reference %g, expected %g", c,
                          positions[p], ref.sum, expected);
            ck_assert(isnan(expected) ? isnan(ref.abs_sum) || isinf(ref.abs_sum) : isinf(ref.abs_sum));
            double value = check_everywhere(specs, count, x, y, N, &ref);
            ck_assert(same_value(value, expected));
            gpucc_free_floats(x);
            gpucc_free_floats(y);
        }
    }
}
END_TEST

/* gpucc_dot_measure verifies every call and finds a wrong reference. */
START_TEST(test_measure)
{
    size_t count;
    const spec *specs = specs_of(_i, &count);
    float *x, *y;
    random_pair(4 * BLOCK + 5, 40, &x, &y);
    gpucc_reference ref = reference_of(x, y, 4 * BLOCK + 5);
    gpucc_plan plan = {.warmup = 1, .repeat = 3};
    char label[200];
    describe(&specs[count - 1], label, sizeof label);
    gpucc_backend *b = support_open(specs[count - 1].kind, &specs[count - 1].config, label);
    gpucc_measurement m;
    ck_assert_int_eq(gpucc_dot_measure(b, x, y, 4 * BLOCK + 5, &ref, &plan, &m), GPUCC_OK);
    ck_assert_msg(m.verified, "%s: %s", label, m.reason);
    ck_assert(same_value(m.value, canonical_dot(x, y, 4 * BLOCK + 5)));
    ck_assert(m.total_ms.median >= 0);
    gpucc_reference wrong = ref;
    wrong.sum += 1e-3 * ref.abs_sum;
    ck_assert_int_eq(gpucc_dot_measure(b, x, y, 4 * BLOCK + 5, &wrong, &plan, &m), GPUCC_OK);
    ck_assert(!m.verified);
    ck_assert_msg(strstr(m.reason, "outside the error bound") != NULL, "%s", m.reason);
    ck_assert_int_eq(gpucc_dot_measure(b, x, y, 4 * BLOCK + 5, NULL, &plan, &m), GPUCC_E_INVALID);
    gpucc_backend_close(b);
    gpucc_free_floats(x);
    gpucc_free_floats(y);
}
END_TEST

/* ---- The reference and the arguments (no backend needed) ---- */

/* Integer data has an exact integer dot product; the products' extremes
 * (2^-298 from subnormals, FLT_MAX^2 near 2^256) are held exactly. */
START_TEST(test_reference_exact)
{
    float *x = gpucc_alloc_floats(MAX_SIZE), *y = gpucc_alloc_floats(MAX_SIZE);
    ck_assert(x && y);
    uint64_t state = 77;
    int64_t exact = 0, exact_abs = 0;
    for (size_t i = 0; i < MAX_SIZE; i++) {
        int64_t a = (int64_t)(support_splitmix64(&state) % 2001) - 1000;
        int64_t b = (int64_t)(support_splitmix64(&state) % 2001) - 1000;
        x[i] = (float)a;
        y[i] = (float)b;
        exact += a * b;
        exact_abs += a * b < 0 ? -a * b : a * b;
    }
    gpucc_reference ref = reference_of(x, y, MAX_SIZE);
    ck_assert_msg(ref.sum == (double)exact, "%.17g, exact %lld", ref.sum, (long long)exact);
    ck_assert(ref.abs_sum == (double)exact_abs);

    const float tiny = ldexpf(1.0f, -149);
    float small_x[] = {tiny, -tiny, -tiny, -tiny}, small_y[] = {tiny, tiny, tiny, tiny};
    ref = reference_of(small_x, small_y, 4);
    ck_assert_msg(ref.sum == -ldexp(1.0, -297) && ref.abs_sum == ldexp(1.0, -296), "%g %g", ref.sum, ref.abs_sum);

    /* FLT_MAX^2 - FLT_MAX^2 + 1 is 1 exactly, though any double sum of the
     * three in this order gives 0. */
    float big_x[] = {FLT_MAX, -FLT_MAX, 1.0f}, big_y[] = {FLT_MAX, FLT_MAX, 1.0f};
    ref = reference_of(big_x, big_y, 3);
    ck_assert_msg(ref.sum == 1.0, "%.17g", ref.sum);
    ck_assert(ref.abs_sum == 2.0 * (double)FLT_MAX * (double)FLT_MAX);
    gpucc_free_floats(x);
    gpucc_free_floats(y);
}
END_TEST

START_TEST(test_invalid_arguments)
{
    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    float v[4] = {1, 2, 3, 4};
    gpucc_reduce_result r;
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_dot(NULL, v, v, 4, &r), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot(b, v, v, 4, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot(b, NULL, v, 4, &r), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot(b, v, NULL, 4, &r), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot(b, v, v, SIZE_MAX / sizeof(float) + 1, &r), GPUCC_E_INVALID);
    ck_assert_msg(strstr(gpucc_last_error(), "gpucc_dot") != NULL, "%s", gpucc_last_error());
    ck_assert_int_eq(gpucc_dot_reference(v, v, 4, 1, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot_reference(NULL, v, 4, 1, &ref), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot_reference(v, NULL, 4, 1, &ref), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot_reference(v, v, 4, GPUCC_MAX_THREADS + 1, &ref), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dot_reference(v, v, ((size_t)1 << 40) + 1, 1, &ref), GPUCC_E_UNSUPPORTED);
    gpucc_backend_close(b);
}
END_TEST

/* ---- OpenCL only ---- */

/* Without fp64 the dot product is refused, with a reason. */
START_TEST(test_no_fp64)
{
    gpucc_backend_config config = {.force_no_fp64 = 1};
    gpucc_backend *b = support_open(GPUCC_BACKEND_OPENCL, &config, "opencl(fp32)");
    float v[4] = {1, 2, 3, 4};
    gpucc_reduce_result r;
    ck_assert_int_eq(gpucc_dot(b, v, v, 4, &r), GPUCC_E_UNSUPPORTED);
    ck_assert_msg(strstr(gpucc_last_error(), "fp64") != NULL, "%s", gpucc_last_error());
    gpucc_backend_close(b);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("dot");
    const TTest *const reference[] = {test_reference_exact, test_invalid_arguments};
    support_tcase(s, "reference", 0, reference, COUNT(reference));
    /* The same tests on the CPU backends (_i = 0) and on OpenCL (_i = 1). */
    const TTest *const on_backends[] = {test_bitwise_everywhere, test_empty, test_cancellation,
                                        test_nan_and_infinities, test_measure};
    TCase *cpu = support_tcase(s, "cpu", 0, NULL, 0);
    for (size_t i = 0; i < COUNT(on_backends); i++)
        tcase_add_loop_test(cpu, on_backends[i], 0, 1);
    const TTest *const opencl_only[] = {test_no_fp64};
    /* A cold PoCL kernel cache takes a while. */
    TCase *opencl = support_tcase_needing(s, SUPPORT_OPENCL, "opencl", 600, opencl_only, COUNT(opencl_only));
    for (size_t i = 0; opencl && i < COUNT(on_backends); i++)
        tcase_add_loop_test(opencl, on_backends[i], 1, 2);
    return s;
}
