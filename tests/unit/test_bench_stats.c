/* Tests of host/cli/bench/bench-stats.c, the statistics behind the
 * verdicts of `gpucc bench --compare`: the Mann-Whitney U p-value against
 * values computed independently (exact ones by enumerating every ordering,
 * normal approximations from the textbook formula), and the verdicts of
 * synthetic sample sets whose answer is known. No timing is measured. */
#include <check.h>
#include <math.h>

#include "bench/bench-stats.h"
#include "support.h"

/* n times around base_ms: base_ms * (1 + 0.01 * (i % 7 - 3) / 3), a
 * spread of +-1% that repeats, like quiet per-call times. */
static void fill(double *out, size_t n, double base_ms)
{
    for (size_t i = 0; i < n; i++)
        out[i] = base_ms * (1 + 0.01 * (double)((int)(i % 7) - 3) / 3);
}

static void expect_p(double p, double expected, const char *what)
{
    ck_assert_msg(fabs(p - expected) <= 1e-9 * expected, "%s: p = %.12g, expected %.12g", what, p, expected);
}

START_TEST(test_exact_separated)
{
    const double a[] = {1, 2, 3, 4, 5}, b[] = {6, 7, 8, 9, 10};
    expect_p(bench_mann_whitney_p(a, 5, b, 5), 2.0 / 252, "5 below 5");
    expect_p(bench_mann_whitney_p(b, 5, a, 5), 2.0 / 252, "5 above 5 (two-sided)");
}
END_TEST

START_TEST(test_exact_interleaved)
{
    /* Enumerated: 0.18065268065268064 of the C(13, 6) orderings are at
     * least as far from the centre. */
    const double a[] = {1.0, 2.5, 3.1, 4.7, 6.0, 7.2}, b[] = {2.0, 3.0, 5.5, 8.1, 9.0, 9.5, 10.2};
    expect_p(bench_mann_whitney_p(a, 6, b, 7), 0.18065268065268064, "6 against 7 interleaved");
}
END_TEST

START_TEST(test_normal_approximation)
{
    double a[20], b[20];
    for (int i = 0; i < 20; i++) {
        a[i] = i + 1;
        b[i] = i + 11;
    }
    /* U = 100, mean 200, variance 20 * 20 * 41 / 12: z = 99.5 / 36.97. */
    expect_p(bench_mann_whitney_p(a, 20, b, 20), 5.212549620603763e-05, "1..20 against 11..30");
    /* Tie groups change the variance: the tie-corrected formula's value. */
    const double c[] = {1, 1, 2, 2, 2, 3, 3, 4, 5, 5, 6, 7, 8, 8, 9},
                 d[] = {3, 4, 4, 5, 6, 6, 7, 8, 9, 9, 10, 10, 11, 12, 12};
    expect_p(bench_mann_whitney_p(c, 15, d, 15), 0.005637335526234973, "15 against 15 with ties");
}
END_TEST

START_TEST(test_p_invalid)
{
    const double a[] = {1, 2, 3}, bad[] = {1, NAN, 3};
    double big[BENCH_STATS_MAX + 1];
    fill(big, BENCH_STATS_MAX + 1, 1.0);
    ck_assert(isnan(bench_mann_whitney_p(a, 0, a, 3)));
    ck_assert(isnan(bench_mann_whitney_p(a, 3, bad, 3)));
    ck_assert(isnan(bench_mann_whitney_p(big, BENCH_STATS_MAX + 1, a, 3)));
    ck_assert(isnan(bench_mann_whitney_p(NULL, 3, a, 3)));
    ck_assert(bench_mann_whitney_p(a, 3, a, 3) == 1.0); /* all tied against each other */
}
END_TEST

START_TEST(test_smallest_p)
{
    expect_p(bench_smallest_p(3, 3), 0.1, "3 and 3");
    expect_p(bench_smallest_p(4, 4), 2.0 / 70, "4 and 4");
    expect_p(bench_smallest_p(3, 5), 2.0 / 56, "3 and 5");
    ck_assert(bench_smallest_p(1, 1) == 1.0);
}
END_TEST

START_TEST(test_identical_sets_same)
{
    double a[32];
    fill(a, 32, 2.0);
    bench_verdict v = bench_decide(a, 32, a, 32, 0.05);
    ck_assert_str_eq(bench_verdict_name(v.kind), "same");
    ck_assert(v.p > 0.9 && v.change == 0);
}
END_TEST

START_TEST(test_shifted_slower_and_faster)
{
    double base[32], slow[32];
    fill(base, 32, 2.0);
    fill(slow, 32, 2.5); /* 25% more time: throughput down 20% */
    bench_verdict v = bench_decide(base, 32, slow, 32, 0.05);
    ck_assert_str_eq(bench_verdict_name(v.kind), "slower");
    ck_assert_msg(v.p < 1e-6 && fabs(v.change - (2.0 / 2.5 - 1)) < 1e-12, "p %g change %g", v.p, v.change);
    v = bench_decide(slow, 32, base, 32, 0.05);
    ck_assert_str_eq(bench_verdict_name(v.kind), "faster");
    ck_assert(fabs(v.change - 0.25) < 1e-12);
    /* The same shift with a threshold above it is no verdict either way. */
    ck_assert_int_eq(bench_decide(base, 32, slow, 32, 0.30).kind, VERDICT_SAME);
}
END_TEST

START_TEST(test_shift_below_threshold_same)
{
    double base[32], new_ms[32];
    fill(base, 32, 2.0);
    fill(new_ms, 32, 2.06); /* 3% more time: significant, but within 5% */
    bench_verdict v = bench_decide(base, 32, new_ms, 32, 0.05);
    ck_assert_msg(v.p < BENCH_ALPHA, "the shift is significant (p %g)", v.p);
    ck_assert_str_eq(bench_verdict_name(v.kind), "same");
    /* With a 1% threshold the same sets are slower. */
    ck_assert_int_eq(bench_decide(base, 32, new_ms, 32, 0.01).kind, VERDICT_SLOWER);
}
END_TEST

START_TEST(test_tiny_sets)
{
    /* 3 against 3 cannot reach p < 0.05, however far apart. */
    const double a[] = {1, 1.01, 1.02}, b[] = {10, 10.1, 10.2};
    bench_verdict v = bench_decide(a, 3, b, 3, 0.05);
    ck_assert_str_eq(bench_verdict_name(v.kind), "too few samples");
    ck_assert(isnan(v.p) && v.change < -0.8);
    /* 4 against 4 can: p = 2/70. */
    const double c[] = {1, 1.01, 1.02, 1.03}, d[] = {10, 10.1, 10.2, 10.3};
    v = bench_decide(c, 4, d, 4, 0.05);
    ck_assert_int_eq(v.kind, VERDICT_SLOWER);
    expect_p(v.p, 2.0 / 70, "4 against 4 separated");
    ck_assert_int_eq(bench_decide(c, 0, d, 4, 0.05).kind, VERDICT_TOO_FEW);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const p_value[] = {test_exact_separated, test_exact_interleaved, test_normal_approximation,
                                    test_p_invalid, test_smallest_p};
    const TTest *const verdicts[] = {test_identical_sets_same, test_shifted_slower_and_faster,
                                     test_shift_below_threshold_same, test_tiny_sets};
    Suite *s = suite_create("bench_stats");
    support_tcase(s, "mann_whitney", 0, p_value, COUNT(p_value));
    support_tcase(s, "verdicts", 0, verdicts, COUNT(verdicts));
    return s;
}
