/* Helpers shared by the bench programs: flag parsing, the context lines
 * (machine, compiler, devices) and the result table of GB/s rows placed
 * against a yardstick row. */
#ifndef GPUCC_BENCH_UTIL_H
#define GPUCC_BENCH_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"

/* If arg is "<name>=<count>", parses the count (digits, "1e8", ...) into
 * [min, max] and returns 1; exits with status 64 and a message naming
 * `program` if the count is malformed. Returns 0 if arg is another flag. */
int bench_parse_count_flag(const char *program, const char *arg, const char *name, uint64_t min, uint64_t max,
                           uint64_t *out);

/* "2025-01-31 12:00 UTC" */
void bench_date(char *buf, size_t size);

/* Prints the machine line (kernel, architecture, online CPUs, compiler,
 * POCL_CPU_MAX_CU_COUNT) and one line per open backend (NULL entries are
 * skipped): backends[k] is of kind k. */
void bench_print_machine(gpucc_backend *const backends[GPUCC_BACKEND_COUNT]);

/* One row of results: a sample per round, compared by median with the
 * yardstick row (or none). */
typedef struct {
    const char *name;
    int yardstick;   /* index of the row this one is compared with, or -1 */
    double goal;     /* the goal as a fraction of the yardstick, or 0 for none */
    int active;      /* measured (its backend opened) */
    double *samples; /* one per round */
} bench_row;

/* Allocates every row's samples (rounds each). Returns 0, or -1 when out
 * of memory. */
int bench_rows_alloc(bench_row *rows, size_t count, unsigned rounds);
void bench_rows_free(bench_row *rows, size_t count);

/* Prints the table: per active row the median of `unit` with the min-max
 * over the rounds, and for rows with a yardstick the ratio of medians and,
 * where there is a goal, the goal and whether it was met. Yardsticks must
 * come before the rows compared with them. */
void bench_print_table(const bench_row *rows, size_t count, unsigned rounds, const char *unit);

#endif
