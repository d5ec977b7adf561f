/* Internal: the parts of the `gpucc bench` command (cmd-bench.c runs
 * them in order): its options (bench-options.c), progress on stderr
 * (bench-progress.c), its ceilings (bench-ceilings.c), the plan of every
 * point (bench-plan.c) and running the points (bench-run.c). */
#ifndef GPUCC_BENCH_CMD_H
#define GPUCC_BENCH_CMD_H

#include <stdint.h>

#include "bench.h"

enum {
    BENCH_WARMUP = 1,         /* untimed calls before the timed ones */
    BENCH_MIN_REPEAT = 3,     /* timed calls at least */
    BENCH_MAX_REPEAT = 100000 /* timed calls at most (tiny inputs) */
};
#define SWEEP_N 100000000.0   /* threads, wgsize, overlap: elements (capped by --max-size) */
#define DENSE_DIM 1024        /* batch suite: in = out */
#define CEILING_BYTES 1.5e9   /* per host buffer: well above this machine's 480 MB L3 */

typedef struct {
    unsigned suites;      /* bit mask of bench_suite */
    unsigned backends;    /* bit mask of gpucc_backend_kind */
    int backends_given;
    const char *device;
    uint64_t max_size;
    double min_time_s;
    const char *json, *csv, *compare, *from;
    double threshold;     /* --threshold as a fraction (0.05) */
    int threshold_given, across;
    const char *junit;
    const char *ceilings; /* NULL: measure; "skip"; else a saved run's JSON to reuse */
    int quiet;
} bench_options;

/* Parses the options of `gpucc bench` into *o. Returns 0, -1 after --help,
 * or 64 (printed). */
int bench_parse_options(int argc, char **argv, bench_options *o);
/* Records the settings of the run (suites, backends, ...) in the report. */
void bench_describe_settings(bench_report *r, const bench_options *o);

/* Progress on stderr: one line per point, overwritten in place on a
 * terminal, and the backends' notices, each distinct one once. */
typedef struct {
    int quiet, tty;
    int line_open;        /* a \r-overwritable line is showing */
    char last_notice[300];
} progress;

/* Removes the overwritable line, if one is showing. */
void bench_progress_clear(progress *p);
/* Shows "gpucc bench: " and the printf-style line (unless quiet). */
void bench_progress_line(progress *p, const char *format, ...);
/* A gpucc_backend_config notice callback; ctx is the progress. */
void bench_progress_notice(void *ctx, const char *message);

/* Measures the ceilings the selected suites and backends need, or, with
 * --ceilings, skips them or reuses a saved run's, measuring those the run
 * needs that the saved run lacks (named in the source line). Returns 0 or
 * the exit status of an unusable --ceilings file. */
int bench_measure_ceilings(bench_report *r, const bench_options *o, progress *p);

/* A backend configuration that points share; opened at its first point and
 * closed after its last. */
typedef struct {
    gpucc_backend_kind kind;
    gpucc_backend_config config;
    gpucc_backend *backend;
    int tried;
    gpucc_status open_status;
    char open_error[256];
    size_t last_use;
} bench_slot;

/* One bench run: its report and options, the plan (rows and the
 * configuration slot of each), and the prepared job of the current point. */
typedef struct {
    bench_report *report;
    size_t row_cap;
    int *slot_of;          /* per row */
    size_t slot_of_cap;
    bench_slot *slots;
    size_t slot_count, slot_cap;
    const bench_options *o;
    progress *p;
    gpucci_job job;        /* inputs and reference of job_row's point */
    const bench_row *job_row; /* NULL: none prepared */
    float *output;         /* the job's result array, when it has one */
    size_t output_cap;
    gpucci_nvml *nvml;     /* NVIDIA boards' energy for OpenCL rows (bench_run_rows); NULL: none */
    char nvml_why[GPUCCI_NVML_WHY_SIZE];
} bench_run;

/* Plans every point of the selected suites as a pending row. Returns 0; 69
 * (or 64 for a bad configuration) when an explicitly requested backend does
 * not open; 1 when out of memory. */
int bench_plan_points(bench_run *run);

/* Runs every planned row, printing each suite's table when its last row is
 * done. */
void bench_run_rows(bench_run *run);
/* 1 when a row failed or did not verify (each named on stderr), else 0. */
int bench_judge(const bench_report *r);
/* Closes the backends and frees the job and plan of a run. */
void bench_run_free(bench_run *run);

#endif
