/* The Mann-Whitney U test and the verdicts of `gpucc bench --compare`. */
#include "bench-stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gpucc.h"

typedef struct {
    double value;
    int in_a;
} ranked;

static int compare_ranked(const void *x, const void *y)
{
    double a = ((const ranked *)x)->value, b = ((const ranked *)y)->value;
    return (a > b) - (a < b);
}

static int all_finite(const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return 0;
    return 1;
}

/* How many of the C(m + n, m) orderings of two sets of m and n distinct
 * values give U = u, for u in 0..m*n: the coefficients of the Gaussian
 * binomial prod_{k=1..m} (1 - q^(n+k)) / (1 - q^k), computed as power
 * series cut after q^(m*n) (exact: the product is a polynomial of that
 * degree, and every coefficient is an integer well below 2^53). */
static void u_counts(size_t m, size_t n, double *counts)
{
    size_t top = m * n;
    for (size_t u = 0; u <= top; u++)
        counts[u] = u == 0;
    for (size_t k = 1; k <= m; k++) {
        for (size_t u = top; u >= n + k; u--)
            counts[u] -= counts[u - n - k];
        for (size_t u = k; u <= top; u++)
            counts[u] += counts[u - k];
    }
}

static double exact_p(double u, size_t m, size_t n)
{
    double counts[BENCH_EXACT_MAX * BENCH_EXACT_MAX / 4 + 1], total = 0, tail = 0;
    u_counts(m, n, counts);
    double low = fmin(u, (double)(m * n) - u);
    for (size_t k = 0; k <= m * n; k++) {
        total += counts[k];
        if ((double)k <= low)
            tail += counts[k];
    }
    return fmin(1.0, 2.0 * tail / total);
}

double bench_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb)
{
    if (!a || !b || na == 0 || nb == 0 || na > BENCH_STATS_MAX || nb > BENCH_STATS_MAX || !all_finite(a, na) ||
        !all_finite(b, nb))
        return NAN;
    ranked all[2 * BENCH_STATS_MAX];
    size_t count = na + nb;
    for (size_t i = 0; i < count; i++)
        all[i] = i < na ? (ranked){a[i], 1} : (ranked){b[i - na], 0};
    qsort(all, count, sizeof *all, compare_ranked);
    /* Rank sum of a with mid-ranks for ties; sum of t^3 - t over tie groups. */
    double rank_sum = 0, ties = 0;
    for (size_t first = 0; first < count;) {
        size_t end = first + 1;
        while (end < count && all[end].value == all[first].value)
            end++;
        double mid = 0.5 * (double)(first + 1 + end), t = (double)(end - first);
        for (size_t i = first; i < end; i++)
            rank_sum += all[i].in_a ? mid : 0;
        ties += t * t * t - t;
        first = end;
    }
    double m = (double)na, n = (double)nb, total = m + n;
    double u = rank_sum - m * (m + 1) / 2;
    if (ties == 0 && count <= BENCH_EXACT_MAX)
        return exact_p(u, na, nb);
    double variance = m * n / 12 * ((total + 1) - ties / (total * (total - 1)));
    if (!(variance > 0))
        return 1.0; /* every value equal */
    double z = fmax(0.0, fabs(u - m * n / 2) - 0.5) / sqrt(variance);
    return erfc(z / sqrt(2.0));
}

double bench_smallest_p(size_t na, size_t nb)
{
    double orderings = 1; /* C(na + nb, na), in floating point: only compared with 2 / alpha */
    for (size_t k = 1; k <= na; k++)
        orderings = orderings * (double)(nb + k) / (double)k;
    return fmin(1.0, 2.0 / orderings);
}

const char *bench_verdict_name(bench_verdict_kind kind)
{
    static const char *const names[VERDICT_COUNT] = {"same", "faster", "slower", "too few samples"};
    return kind >= 0 && kind < VERDICT_COUNT ? names[kind] : "?";
}

static double median_of(const double *v, size_t n)
{
    double copy[BENCH_STATS_MAX];
    memcpy(copy, v, n * sizeof *v);
    return gpucc_stats_of(copy, n).median;
}

bench_verdict bench_decide(const double *base_ms, size_t nbase, const double *new_ms, size_t nnew, double threshold)
{
    bench_verdict v = {VERDICT_TOO_FEW, NAN, NAN};
    double p = bench_mann_whitney_p(base_ms, nbase, new_ms, nnew);
    if (isnan(p))
        return v;
    v.change = median_of(base_ms, nbase) / median_of(new_ms, nnew) - 1;
    if (bench_smallest_p(nbase, nnew) >= BENCH_ALPHA)
        return v;
    v.p = p;
    v.kind = p >= BENCH_ALPHA         ? VERDICT_SAME
             : v.change < -threshold ? VERDICT_SLOWER
             : v.change > threshold  ? VERDICT_FASTER
                                     : VERDICT_SAME;
    return v;
}
