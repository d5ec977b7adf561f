/* Internal: where a backend starts to win. For each workload of the size
 * and batch suites and each pair of backends (pthreads and opencl against
 * serial, opencl against pthreads), the crossover is the smallest swept
 * point from which the first backend is faster than the second at every
 * larger swept point too, end to end and kernel-only (median times). */
#ifndef GPUCC_BENCH_CROSSOVER_H
#define GPUCC_BENCH_CROSSOVER_H

#include <stdio.h>

#include "bench.h"

typedef enum {
    CROSS_NEVER,  /* slower at the largest swept point */
    CROSS_FROM,   /* faster from `at` on */
    CROSS_ALWAYS, /* faster at every swept point (from the smallest) */
    CROSS_NONE,   /* no point where both ran */
} bench_crossover_kind;

typedef struct {
    bench_crossover_kind kind;
    size_t at;      /* CROSS_FROM, CROSS_ALWAYS: n or batch from which it wins */
    size_t largest; /* the largest point both ran */
} bench_crossover;

/* The crossover of `faster` over `than` for a workload's rows of suite, by
 * end-to-end (kernel = 0) or kernel-only (kernel = 1) median time. */
bench_crossover bench_crossover_of(const bench_report *r, bench_suite suite, const gpucci_workload *workload,
                                   gpucc_backend_kind faster, gpucc_backend_kind than, int kernel);

/* The crossovers of a suite (size or batch) as table lines; nothing for
 * other suites or when no pair ran. */
void bench_print_crossovers(FILE *out, const bench_report *r, bench_suite suite);
/* The line ` "crossovers": [...],` of the JSON (every suite and pair). */
void bench_write_crossovers_json(FILE *out, const bench_report *r);

#endif
