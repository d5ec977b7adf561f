/* Internal: the statistics behind `gpucc bench --compare`'s verdicts: a
 * two-sided Mann-Whitney U test of two sets of per-call times, and the
 * verdict it gives together with a minimum effect size. Pure arithmetic,
 * no I/O (tested by tests/unit/test_bench_stats.c). */
#ifndef GPUCC_BENCH_STATS_H
#define GPUCC_BENCH_STATS_H

#include <stddef.h>

#define BENCH_ALPHA 0.05        /* significance level of a verdict */
enum { BENCH_STATS_MAX = 64 }; /* samples per set at most */
enum { BENCH_EXACT_MAX = 24 };  /* exact p-value up to this many samples in both sets together, without ties */

/* Two-sided p-value of the Mann-Whitney U test that a[0..na) and
 * b[0..nb) come from one distribution: exact (the distribution of U) for
 * small sets without ties, else the normal approximation with tie and
 * continuity correction. NaN when a set is empty or larger than
 * BENCH_STATS_MAX, or a value is not finite. */
double bench_mann_whitney_p(const double *a, size_t na, const double *b, size_t nb);

/* The smallest two-sided p-value sets of na and nb samples can reach:
 * 2 / C(na + nb, na) (1 when that exceeds 1). */
double bench_smallest_p(size_t na, size_t nb);

typedef enum { VERDICT_SAME, VERDICT_FASTER, VERDICT_SLOWER, VERDICT_TOO_FEW, VERDICT_COUNT } bench_verdict_kind;

/* "same", "faster", "slower", "too few samples". */
const char *bench_verdict_name(bench_verdict_kind kind);

typedef struct {
    bench_verdict_kind kind;
    double p;      /* the test's p-value (NaN for VERDICT_TOO_FEW) */
    double change; /* new throughput over base's, minus 1, from the median times (+0.10: 10% faster) */
} bench_verdict;

/* Decides from per-call times (ms, lower is faster) of the base and the new
 * run: slower when the new times are significantly different (p <
 * BENCH_ALPHA) and the throughput fell by more than threshold (0.05 = 5%),
 * faster when they differ and it rose by more than threshold, same
 * otherwise; VERDICT_TOO_FEW when the set sizes cannot reach p < BENCH_ALPHA
 * at all (3 and 3, 3 and 4) or a set is empty or invalid. */
bench_verdict bench_decide(const double *base_ms, size_t nbase, const double *new_ms, size_t nnew, double threshold);

#endif
