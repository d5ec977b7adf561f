/* Internal: the records of `gpucc bench` (bench-report.c), their
 * renderers (bench-table.c, bench-files.c), where its ceilings come from
 * (bench-ceilings.c) and --compare (bench-compare.c). The command that
 * measures them is in bench-cmd.h. */
#ifndef GPUCC_BENCH_H
#define GPUCC_BENCH_H

#include <stdio.h>

#include "atomic-file.h"
#include "cli.h"
#include "context.h"
#include "gpucc.h"
#include "workload.h"

typedef enum { BENCH_SIZE, BENCH_THREADS, BENCH_WGSIZE, BENCH_BATCH, BENCH_OVERLAP, BENCH_SUITE_COUNT } bench_suite;

/* "size", "threads", ... */
const char *bench_suite_name(bench_suite suite);

/* The measured yardsticks. Every row names one for its end-to-end and one
 * for its kernel-only throughput (CEIL_NONE where none applies). */
typedef enum {
    CEIL_NONE = -1,
    CEIL_HOST_READ_1T,
    CEIL_HOST_READ_ALL,
    CEIL_HOST_COPY_1T,
    CEIL_HOST_COPY_ALL,
    CEIL_HOST_FMA_1T,
    CEIL_HOST_FMA_ALL,
    CEIL_OPENBLAS_1T,  /* a peer to compare with, not a ceiling */
    CEIL_OPENBLAS_ALL, /* a peer */
    CEIL_CL_READ,
    CEIL_CL_COPY,
    CEIL_CL_FMA,
    CEIL_CL_H2D,              /* from pageable memory: for comparison, the copy paths stage through pinned */
    CEIL_CL_D2H,              /* likewise */
    CEIL_CL_PINNED_H2D,
    CEIL_CL_PINNED_D2H,
    CEIL_CL_PINNED_ROUNDTRIP, /* pinned copies in then out, one after the other: 2 / (1/h2d + 1/d2h) */
    CEIL_CL_PINNED_BIDIR,     /* pinned copies in and out at once (gpucc peak's both directions) */
    CEIL_CL_GEMM,             /* a peer (CLBlast) */
    CEIL_CL_LAUNCH,           /* not a ceiling: the launch latency, for the reader */
    CEIL_COUNT
} bench_ceiling_id;

typedef struct {
    int measured;
    gpucc_stats value;
    char what[320]; /* how it was measured */
} bench_ceiling;

/* "host_read_1t", ...; "none" for CEIL_NONE. */
const char *bench_ceiling_name(bench_ceiling_id id);
/* "GB/s", "GFLOP/s" or "us"; "" for CEIL_NONE. */
const char *bench_ceiling_unit(bench_ceiling_id id);

typedef enum { ROW_PENDING, ROW_OK, ROW_ERROR, ROW_SKIPPED, ROW_STATE_COUNT } bench_row_status;

/* "pending", "ok", "error", "skipped". */
const char *bench_status_name(bench_row_status status);

/* Timed samples a row keeps (gpucc_samples): one per call, or with more
 * calls, each the mean of its share of consecutive calls. */
enum { BENCH_SAMPLES = 32 };

/* One measured point. Fields that do not apply are 0 (threads of OpenCL,
 * n of dense, batch/in/out of reduce and map, local_size = default). */
typedef struct {
    bench_suite suite;
    const gpucci_workload *workload;
    char what[16];         /* reduce op, map fn, dense activation */
    char variant[24];      /* what else tells apart rows of one suite: "cpu", "gpu" (wgsize), "overlap" ... */
    gpucc_backend_kind backend;
    char device[256];
    size_t n;
    gpucc_dense_shape shape;
    unsigned threads;
    size_t local_size;
    unsigned repeats;      /* timed calls behind the statistics */
    double units;          /* per call: bytes, or flops (GPUCCI_BOUND_FMA); set when measured */
    double bytes, flops;   /* per call, both (the roofline's axes); set when measured */
    bench_row_status status;
    char message[256];     /* why not ok or not verified */
    gpucc_measurement m;
    int board_energy;      /* m.energy_j is the row's NVIDIA board's (NVML), not the host's (RAPL) */
    double samples_ms[BENCH_SAMPLES], kernel_samples_ms[BENCH_SAMPLES]; /* min(repeats, BENCH_SAMPLES) when ok */
    bench_ceiling_id ceiling, kernel_ceiling;
    double speedup;        /* base's median time over this row's; NAN without a base */
    char speedup_base[24]; /* "serial", "1 thread", "no-overlap" or "" */
} bench_row;

/* Everything a report is made of. */
typedef struct {
    cli_context context;
    bench_ceiling ceilings[CEIL_COUNT];
    struct {
        char suites[80], backends[40], device[128]; /* comma lists as given; device "" = default */
        unsigned long long max_size;
        double min_time_s;
        int warmup, min_repeat, max_repeat;
    } settings;
    int ceilings_skipped;      /* --ceilings=skip: none measured, none reused */
    char ceilings_source[320]; /* "" = measured in this process, else "reused from PATH (measured DATE)" */
    char notes[32][240];   /* skipped points, shrunk buffers */
    int note_count;
    bench_row *rows;
    size_t row_count;
} bench_report;

/* The workloads a suite of that axis sweeps, as the bench runs them:
 * "reduce sum, map square, dot". */
void bench_axis_workloads(gpucci_axis axis, char *buf, size_t size);

/* Adds a note (printed with the results, kept in the JSON). printf-style. */
void bench_note(bench_report *report, const char *format, ...);

/* Throughput of a row from a time in ms: GB/s or GFLOP/s (0 for no time). */
double bench_throughput(const bench_row *row, double ms);
const char *bench_unit(const bench_row *row);
/* Throughput over the ceiling's median, or NAN without a ceiling. */
double bench_fraction(const bench_report *report, const bench_row *row, int kernel);
/* Sets a measured row's ceilings (see bench/README.md) from its workload's
 * bound, its backend and how its data moved: CEIL_NONE where that ceiling
 * was not measured. */
void bench_choose_ceilings(const bench_report *report, bench_row *row);

/* Renderers: the table of one suite's rows (stdout), the whole report as
 * JSON with one ceiling, note and row per line, and as CSV (header and one
 * line per row, device and message last). Skipped rows are only notes. */
void bench_print_ceilings(FILE *out, const bench_report *report);
void bench_print_suite(FILE *out, const bench_report *report, bench_suite suite);
void bench_print_notes(FILE *out, const bench_report *report);
void bench_write_json(FILE *out, const bench_report *report);
void bench_write_csv(FILE *out, const bench_report *report);

/* Opens the file of --json or --csv (`option`) for writing, before the run,
 * so that an output that cannot be created stops it from starting; a NULL
 * path leaves *file closed. Returns 0, or GPUCC_EXIT_CANTCREAT after a
 * one-line message naming the option and the path. */
int bench_open_file(gpucci_atomic_file *file, const char *option, const char *path);
/* Writes the report into an open file with writer and commits it (renamed
 * over its path when complete); does nothing for a closed one. Returns 0,
 * or GPUCC_EXIT_CANTCREAT after printing why. */
int bench_write_file(gpucci_atomic_file *file, void (*writer)(FILE *, const bench_report *), const bench_report *report);

/* --ceilings=PATH: takes the ceilings of a saved run (its "ceilings" block)
 * instead of measuring them, and records where they came from. Refuses a
 * run from a machine with another CPU model or count. Needs r->context.
 * Returns 0, GPUCC_EXIT_NOINPUT or GPUCC_EXIT_DATAERR (message printed). */
int bench_load_ceilings(const char *path, bench_report *r);

/* What --compare is asked for. */
typedef struct {
    const char *base;          /* BASE.json */
    const char *from;          /* the new side's saved run; NULL: this run */
    double threshold;          /* the smallest change that counts (0.05) */
    int across;                /* two machines side by side, no verdict */
    gpucci_atomic_file *junit; /* open: receives the verdicts as JUnit XML; closed: none */
} bench_compare_request;

/* --compare: matches the rows of the new side (this run, or the saved run
 * c->from) with those of c->base by what they measured and prints, per
 * point, both throughputs and a verdict (bench-stats.h), the slower points,
 * and the rows only one side has; with c->across, both rates as fractions
 * of their own run's ceilings and no verdict. Returns 0; 1 when a point is
 * slower; GPUCC_EXIT_DATAERR for a malformed file or when no verdict is
 * possible (runs of another machine or build, a side without samples),
 * GPUCC_EXIT_NOINPUT for an unreadable file, GPUCC_EXIT_CANTCREAT when the
 * JUnit file cannot be written (after a one-line message). */
int bench_compare(FILE *out, const bench_compare_request *c, const bench_report *current);
/* Reads c->base as bench_compare would and, without c->across, refuses it
 * as bench_compare would for a run on this machine and build, before
 * minutes of measuring: 0, 65 or 66 (message printed). */
int bench_compare_check(const bench_compare_request *c);

#endif
