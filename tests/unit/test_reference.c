/* Unit tests of gpucc_reference_compute: the exact, correctly rounded
 * reference that every backend is verified against. */
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bitwise equality of doubles (distinguishes -0.0 from +0.0, NaN == NaN). */
static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

#define ASSERT_EXACT(got, want)                                                                    \
    do {                                                                                           \
        double got_ = (got), want_ = (want);                                                       \
        ck_assert_msg(same_bits(got_, want_), "%s: got %a (%.17g), want %a (%.17g)", #got, got_, \
                      got_, want_, want_);                                                         \
    } while (0)

/* Computes the reference of x[0..n) with `threads`, asserting success. */
static gpucc_reference ref_of(const float *x, size_t n, unsigned threads)
{
    gpucc_reference r;
    memset(&r, 0xa5, sizeof r);
    gpucc_status st = gpucc_reference_compute(x, n, threads, &r);
    ck_assert_msg(st == GPUCC_OK, "gpucc_reference_compute: %s (%s)", gpucc_status_name(st),
                  gpucc_last_error());
    return r;
}

/* Checks the sum of a small array with every thread count that matters. */
static void check_sum(const float *x, size_t n, double want_sum, double want_abs)
{
    static const unsigned thread_counts[] = {1, 2, 3, 0};
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        gpucc_reference r = ref_of(x, n, thread_counts[t]);
        ASSERT_EXACT(r.sum, want_sum);
        ASSERT_EXACT(r.abs_sum, want_abs);
    }
}

START_TEST(test_empty)
{
    gpucc_reference r = ref_of(NULL, 0, 0);
    ASSERT_EXACT(r.sum, 0.0);
    ASSERT_EXACT(r.abs_sum, 0.0);
    ASSERT_EXACT(r.min, INFINITY);
    ASSERT_EXACT(r.max, -INFINITY);
    r = ref_of(NULL, 0, 5);
    ASSERT_EXACT(r.sum, 0.0);
    ASSERT_EXACT(r.min, INFINITY);
}
END_TEST

START_TEST(test_invalid)
{
    float x[1] = {1.0f};
    gpucc_reference r;
    ck_assert_int_eq(gpucc_reference_compute(x, 1, 1, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_reference_compute(NULL, 1, 1, &r), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_reference_compute(NULL, 0, 1, NULL), GPUCC_E_INVALID);
}
END_TEST

START_TEST(test_ones)
{
    size_t n = 1000000;
    float *x = support_filled(n, 1.0f);
    check_sum(x, n, 1e6, 1e6);
    gpucc_free_floats(x);

    /* Beyond float's integer range: a float accumulator sticks at 2^24. */
    n = ((size_t)1 << 24) + 1;
    x = support_filled(n, 1.0f);
    check_sum(x, n, 16777217.0, 16777217.0);
    gpucc_reference r = ref_of(x, n, 7);
    ASSERT_EXACT(r.sum, 16777217.0);
    ASSERT_EXACT(r.min, 1.0);
    ASSERT_EXACT(r.max, 1.0);
    gpucc_free_floats(x);
}
END_TEST

START_TEST(test_cancellation)
{
    const float x[] = {1e30f, 1.0f, -1e30f};
    /* |x| sums to 2e30f + 1: the 1 is far below half an ulp. */
    check_sum(x, 3, 1.0, 2.0 * (double)1e30f);
    const float y[] = {-1e30f, 0x1p-149f, 1e30f, -0x1p-149f, 0x1p-149f};
    check_sum(y, 5, 0x1p-149, 2.0 * (double)1e30f);
}
END_TEST

/* Exact sums that need more than 53 bits: each expected value is the
 * hand-rounded exact sum (ulp(2^53) = 2, ulp(2^60) = 256). */
START_TEST(test_rounding)
{
    /* 2^53 + 1 is a tie between 2^53 (even) and 2^53 + 2: to even. */
    const float a[] = {0x1p53f, 1.0f};
    check_sum(a, 2, 0x1p53, 0x1p53);
    /* 2^53 + 3 ties between 2^53 + 2 (odd mantissa) and 2^53 + 4 (even). */
    const float b[] = {0x1p53f, 3.0f};
    check_sum(b, 2, 0x1p53 + 4, 0x1p53 + 4);
    /* A sticky bit far below breaks the tie upward ... */
    const float c[] = {0x1p53f, 1.0f, 0x1p-20f};
    check_sum(c, 3, 0x1p53 + 2, 0x1p53 + 2);
    /* ... or downward. */
    const float d[] = {0x1p53f, 1.0f, -0x1p-20f};
    check_sum(d, 3, 0x1p53, 0x1p53 + 2);
    /* 2^60 + 2^7 + 2^-100: a naive double sum gives 2^60 (tie, then the
     * tiny term is lost); the exact sum is above the tie. */
    const float e[] = {0x1p60f, 0x1p7f, 0x1p-100f};
    check_sum(e, 3, 0x1p60 + 256, 0x1p60 + 256);
    const float f[] = {0x1p60f, 0x1p7f};
    check_sum(f, 2, 0x1p60, 0x1p60);
    /* 2^60 + 1 + 2^-20 is far below the tie. */
    const float g[] = {0x1p60f, 1.0f, 0x1p-20f};
    check_sum(g, 3, 0x1p60, 0x1p60);
    /* 2^54 - 1 ties between 2^54 - 2 (odd) and 2^54: rounding up carries
     * into the next binade. */
    const float h[] = {0x1p54f, -1.0f};
    check_sum(h, 2, 0x1p54, 0x1p54 + 2);
    const float i[] = {0x1p54f, -1.0f, -0x1p-30f};
    check_sum(i, 3, 0x1p54 - 2, 0x1p54 + 2);
    /* 53 significant bits spread over three floats: exact. */
    const float j[] = {0x1p30f, 1.0f, 0x1p-22f};
    check_sum(j, 3, 0x1p30 + 1 + 0x1p-22, 0x1p30 + 1 + 0x1p-22);
    /* Negative sums round symmetrically. */
    const float k[] = {-0x1p60f, -0x1p7f, -0x1p-100f};
    check_sum(k, 3, -(0x1p60 + 256), 0x1p60 + 256);
    const float l[] = {-0x1p53f, -3.0f, 0x1p-149f};
    /* The sum's magnitude 2^53 + 3 - 2^-149 is just below the tie, so it
     * rounds to 2^53 + 2; the abs sum 2^53 + 3 + 2^-149 is just above: 2^53 + 4. */
    check_sum(l, 3, -(0x1p53 + 2), 0x1p53 + 4);
}
END_TEST

START_TEST(test_subnormals)
{
    const float a[] = {0x1p-149f, 0x1p-149f, 0x1p-149f};
    check_sum(a, 3, 3 * 0x1p-149, 3 * 0x1p-149);
    /* The smallest normal minus the smallest subnormal. */
    const float b[] = {FLT_MIN, -0x1p-149f};
    check_sum(b, 2, 0x1p-126 - 0x1p-149, 0x1p-126 + 0x1p-149);
    /* The largest subnormal twice, and mixed with a normal. */
    const float c[] = {0x1.fffffcp-127f, 0x1.fffffcp-127f, 0x1p-126f};
    check_sum(c, 3, 2 * 0x1.fffffcp-127 + 0x1p-126, 2 * 0x1.fffffcp-127 + 0x1p-126);
    /* The full range in one exact sum. */
    const float d[] = {FLT_MAX, 0x1p-149f, -FLT_MAX};
    check_sum(d, 3, 0x1p-149, 2.0 * FLT_MAX);
    gpucc_reference r = ref_of(a, 3, 1);
    ASSERT_EXACT(r.min, 0x1p-149);
    ASSERT_EXACT(r.max, 0x1p-149);
}
END_TEST

START_TEST(test_large_values)
{
    const float a[] = {FLT_MAX, FLT_MAX, FLT_MAX, FLT_MAX};
    check_sum(a, 4, 4.0 * FLT_MAX, 4.0 * FLT_MAX);
    const float b[] = {-FLT_MAX, -FLT_MAX, -FLT_MAX, -FLT_MAX};
    check_sum(b, 4, -4.0 * FLT_MAX, 4.0 * FLT_MAX);
    /* Many FLT_MAX: 10^6 * (2^24 - 1) * 2^104 is exact in double. */
    size_t n = 1000000;
    float *x = support_filled(n, FLT_MAX);
    check_sum(x, n, 1e6 * FLT_MAX, 1e6 * FLT_MAX);
    gpucc_free_floats(x);
}
END_TEST

START_TEST(test_negative_and_abs)
{
    const float a[] = {-1.5f, -2.25f, 0.5f};
    check_sum(a, 3, -3.25, 4.25);
    const float b[] = {-0.0f, -0.0f};
    check_sum(b, 2, 0.0, 0.0); /* the exact sum of zeros is +0.0 */
    const float c[] = {0.1f, -0.2f, 0.3f, -0.4f};
    double want = (double)0.1f - (double)0.2f + (double)0.3f - (double)0.4f; /* exact */
    double want_abs = (double)0.1f + (double)0.2f + (double)0.3f + (double)0.4f;
    check_sum(c, 4, want, want_abs);
}
END_TEST

START_TEST(test_nonfinite)
{
    gpucc_reference r;
    const float a[] = {1.0f, INFINITY, 2.0f};
    r = ref_of(a, 3, 1);
    ASSERT_EXACT(r.sum, INFINITY);
    ASSERT_EXACT(r.abs_sum, INFINITY);
    ASSERT_EXACT(r.min, 1.0);
    ASSERT_EXACT(r.max, INFINITY);

    const float b[] = {1.0f, -INFINITY, 2.0f};
    r = ref_of(b, 3, 1);
    ASSERT_EXACT(r.sum, -INFINITY);
    ASSERT_EXACT(r.abs_sum, INFINITY);
    ASSERT_EXACT(r.min, -INFINITY);
    ASSERT_EXACT(r.max, 2.0);

    const float c[] = {INFINITY, 1.0f, -INFINITY};
    r = ref_of(c, 3, 1);
    ck_assert(isnan(r.sum));
    ASSERT_EXACT(r.abs_sum, INFINITY);
    ASSERT_EXACT(r.min, -INFINITY);
    ASSERT_EXACT(r.max, INFINITY);

    const float d[] = {1.0f, NAN, 2.0f, INFINITY};
    r = ref_of(d, 4, 1);
    ck_assert(isnan(r.sum));
    ck_assert(isnan(r.abs_sum));
    ck_assert(isnan(r.min));
    ck_assert(isnan(r.max));

    /* A negative NaN with a payload, first or last (lane tails). */
    float e[9];
    for (size_t n = 1; n <= 9; n++) {
        for (size_t pos = 0; pos < n; pos++) {
            for (size_t i = 0; i < n; i++)
                e[i] = (float)i;
            e[pos] = support_float_of(0xffc00001u);
            r = ref_of(e, n, 1);
            ck_assert(isnan(r.sum));
            ck_assert(isnan(r.abs_sum));
            ck_assert(isnan(r.min));
            ck_assert(isnan(r.max));
        }
    }

    /* Non-finite values deep inside a multi-threaded run. */
    size_t n = (size_t)1 << 20;
    float *x = support_filled(n, 0.5f);
    x[n - 3] = -INFINITY;
    r = ref_of(x, n, 3);
    ASSERT_EXACT(r.sum, -INFINITY);
    ASSERT_EXACT(r.abs_sum, INFINITY);
    ASSERT_EXACT(r.min, -INFINITY);
    ASSERT_EXACT(r.max, 0.5);
    x[5] = INFINITY;
    r = ref_of(x, n, 3);
    ck_assert(isnan(r.sum));
    ASSERT_EXACT(r.abs_sum, INFINITY);
    x[n / 2] = NAN;
    r = ref_of(x, n, 2);
    ck_assert(isnan(r.sum));
    ck_assert(isnan(r.abs_sum));
    ck_assert(isnan(r.min));
    ck_assert(isnan(r.max));
    gpucc_free_floats(x);
}
END_TEST

START_TEST(test_min_max)
{
    /* The extreme in every position, for lengths covering the lane tails. */
    float x[11];
    for (size_t n = 1; n <= 11; n++) {
        for (size_t pos = 0; pos < n; pos++) {
            for (size_t i = 0; i < n; i++)
                x[i] = (float)(i % 3) - 1.0f; /* -1, 0, 1 */
            x[pos] = -7.5f;
            gpucc_reference r = ref_of(x, n, 1);
            ASSERT_EXACT(r.min, -7.5);
            x[pos] = 9.25f;
            r = ref_of(x, n, 1);
            ASSERT_EXACT(r.max, 9.25);
        }
    }
    const float a[] = {-0x1p-149f, 0x1p-149f};
    gpucc_reference r = ref_of(a, 2, 1);
    ASSERT_EXACT(r.min, -0x1p-149);
    ASSERT_EXACT(r.max, 0x1p-149);
    ASSERT_EXACT(r.sum, 0.0);
    ASSERT_EXACT(r.abs_sum, 0x1p-148);
}
END_TEST

/* Double-double accumulation (Knuth's TwoSum): error far below 1 ulp of the
 * result for these well-conditioned sums. */
static double dd_sum(const float *x, size_t n, int absolute)
{
    double hi = 0.0, lo = 0.0;
    for (size_t i = 0; i < n; i++) {
        double v = absolute ? fabs((double)x[i]) : (double)x[i];
        double s = hi + v;
        double bp = s - hi;
        double err = (hi - (s - bp)) + (v - bp);
        hi = s;
        lo += err;
    }
    return hi + lo;
}

static void check_within_ulp(double got, double want)
{
    double ulp = nextafter(fabs(got), INFINITY) - fabs(got);
    ck_assert_msg(fabs(got - want) <= ulp, "got %a, compensated sum %a", got, want);
}

START_TEST(test_random_thread_independence)
{
    size_t n = ((size_t)1 << 20) + 13;
    float *x = malloc(n * sizeof *x);
    ck_assert_ptr_nonnull(x);
    uint64_t state = 42;
    float lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = support_splitmix64(&state);
        /* Random sign, mantissa and exponent in [-40, 40], some subnormals. */
        uint32_t sign = (uint32_t)(r >> 63) << 31;
        uint32_t exp = 127 - 40 + (uint32_t)((r >> 32) % 81);
        if (i % 1000 == 7)
            exp = 0;
        uint32_t mant = (uint32_t)r & 0x7fffffu;
        x[i] = support_float_of(sign | exp << 23 | mant);
        lo = x[i] < lo ? x[i] : lo;
        hi = x[i] > hi ? x[i] : hi;
    }
    gpucc_reference base = ref_of(x, n, 1);
    static const unsigned thread_counts[] = {2, 3, 7, 0};
    for (size_t t = 0; t < sizeof thread_counts / sizeof thread_counts[0]; t++) {
        gpucc_reference r = ref_of(x, n, thread_counts[t]);
        ASSERT_EXACT(r.sum, base.sum);
        ASSERT_EXACT(r.abs_sum, base.abs_sum);
        ASSERT_EXACT(r.min, base.min);
        ASSERT_EXACT(r.max, base.max);
    }
    ASSERT_EXACT(base.min, lo);
    ASSERT_EXACT(base.max, hi);
    check_within_ulp(base.sum, dd_sum(x, n, 0));
    check_within_ulp(base.abs_sum, dd_sum(x, n, 1));
    free(x);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const core[] = {
        test_empty, test_invalid, test_ones, test_cancellation, test_rounding, test_subnormals, test_large_values,
        test_negative_and_abs, test_nonfinite, test_min_max, test_random_thread_independence};
    Suite *s = suite_create("reference");
    support_tcase(s, "core", 120, core, COUNT(core));
    return s;
}
