/* Internal: the verdict of one point of `gpucc bench --compare`, and
 * --junit=FILE, which writes the verdicts as JUnit XML for CI systems. */
#ifndef GPUCC_BENCH_JUNIT_H
#define GPUCC_BENCH_JUNIT_H

#include <stddef.h>

#include "atomic-file.h"
#include "bench-stats.h"

/* One matched point and what --compare decided about it. */
typedef struct {
    char suite[16];       /* "size", ... */
    char name[200];       /* the point: workload what backend variant size threads local */
    bench_verdict verdict;
    int decided;          /* 0: no verdict (too few samples, a side did not verify) */
    char message[200];    /* the verdict in words, or why there is none */
} bench_point_verdict;

/* Writes one <testsuite> with a <testcase> per point (classname
 * gpucc.bench.SUITE): a <failure> for a slower point, <skipped> for one
 * without a verdict, nothing else for same and faster ones; the message
 * says by how much. Commits the open file. Returns 0, or
 * GPUCC_EXIT_CANTCREAT after printing why. */
int bench_write_junit(gpucci_atomic_file *file, const bench_point_verdict *points, size_t count);

#endif
