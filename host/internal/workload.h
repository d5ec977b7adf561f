/* Internal API: workloads as data.
 *
 * Each workload (host/workloads/<name>/) describes itself in one
 * gpucci_workload: its name and help, the options it reads, its variants
 * (--op, --fn, --act), how it prepares its inputs and their reference, how
 * one backend is measured and verified, the columns of its rows and its
 * bench axis. The descriptors are registered in one table
 * (host/workloads/workload.c); the program's run, report, bench and help read
 * the table and never name a workload. Adding a workload is its folder, its
 * kernel, one line in the table and its sources in the build list. */
#ifndef GPUCC_WORKLOAD_H
#define GPUCC_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"

/* The command-line options a workload may read. The program parses each the
 * same way for every workload and refuses one the workload does not list. */
enum {
    GPUCCI_OPT_SIZE = 1u << 0,    /* --size: elements to generate */
    GPUCCI_OPT_INPUT = 1u << 1,   /* --input: the (first) input from a file */
    GPUCCI_OPT_INPUT_Y = 1u << 2, /* --input-y: the second vector from a file */
    GPUCCI_OPT_OUTPUT = 1u << 3,  /* --output, --output-backend: write the result array */
    GPUCCI_OPT_ALPHA = 1u << 4,   /* --alpha */
    GPUCCI_OPT_SHAPE = 1u << 5,   /* --batch, --in, --out */
    GPUCCI_OPT_DENSE = 1u << 6,   /* --impl, --weights, --bias */
};

/* What a run asks of a workload (the options above, parsed). */
typedef struct {
    unsigned variant;             /* index into the workload's variants */
    uint64_t size;                /* generated vector length */
    uint64_t seed;                /* generated inputs use seed, seed + 1, ... */
    double alpha;                 /* as given; a workload computing in float rounds it */
    gpucc_dtype dtype;            /* --dtype: one of the workload's dtypes */
    size_t batch, in, out;        /* generated dense shape */
    int shape_given;              /* --batch, --in or --out was used */
    const char *input, *input_y, *weights, *bias; /* files; NULL: generate */
} gpucci_workload_params;

/* One field of a workload's JSON heading (name, value). */
typedef struct {
    const char *key;
    enum { GPUCCI_FACT_TEXT, GPUCCI_FACT_COUNT, GPUCCI_FACT_NUMBER } kind;
    const char *text; /* static */
    size_t count;
    double number;
} gpucci_fact;

enum { GPUCCI_MAX_FACTS = 6 };

/* A prepared instance of a workload: its inputs and their reference, and
 * what a report says about it. prepare fills it; release frees it. */
typedef struct {
    size_t n;                    /* elements: of the vector input, or of the output (dense) */
    double bytes;                /* per call: bytes read and written (each array once: the least traffic) */
    double flops;                /* per call: arithmetic operations (nominal for map: see its descriptor) */
    char source[600];            /* "generated:seed=1" or "file:PATH" */
    char title[900];             /* the table's first line: what ran, on what, from where */
    char reference[300];         /* the table's second line: "reference: ..." */
    char what[64];               /* the CSV's `what`: "sum", "256x1024x1024/relu" */
    gpucci_fact facts[GPUCCI_MAX_FACTS]; /* the JSON's workload fields, in order */
    size_t fact_count;
    gpucci_fact reference_facts[GPUCCI_MAX_FACTS]; /* the JSON's "reference" object; none: omitted */
    size_t reference_fact_count;
    size_t output_rank;          /* the result array's rank (0: the result is one value) */
    int integer_result;          /* the one value is an exact integer (gpucc_measurement.integer): i32 data */
    size_t output_shape[2];
    void *data;                  /* the workload's own */
} gpucci_job;

/* What bounds a workload's speed: which measured ceiling its rows are
 * placed against, and the unit of its rate (GB/s, or GFLOP/s for FMA). */
typedef enum { GPUCCI_BOUND_READ, GPUCCI_BOUND_COPY, GPUCCI_BOUND_FMA } gpucci_bound;

/* The bench axis a workload is swept along: --size, or the dense batch. */
typedef enum { GPUCCI_AXIS_SIZE, GPUCCI_AXIS_BATCH } gpucci_axis;

/* How one run was split across several backends (devices): backend d got
 * the elements [first[d], end[d]) and took part_ms[d] (median over the
 * timed calls) for its part. */
enum { GPUCCI_MAX_SPLIT = 16 };
typedef struct {
    size_t count;
    size_t first[GPUCCI_MAX_SPLIT], end[GPUCCI_MAX_SPLIT];
    double part_ms[GPUCCI_MAX_SPLIT];
} gpucci_split;

/* A workload split over several processes (gpucc run under MPI; README,
 * "Several machines (MPI)"), as its descriptor's `processes` says.
 *
 * Process `part` of `parts` prepares its share of the job: the job's text,
 * facts, n, bytes, flops and result shape describe the whole run, its data
 * holds only this process's part of the inputs, generated (each element the
 * value it has in one process) or read from the files (that part only).
 *
 * A workload whose result is one value (reduce, dot) shares out its input
 * in whole canonical blocks (reduce-split.h) and tallies the exact
 * reference of its part; after the processes have added their tallies
 * (tally_add, in any order), each finishes the job with the total (the
 * reference of the whole input and the report's text), then measures every
 * backend with the others through an exchange: the value is bitwise that of
 * one process.
 *
 * A workload whose result is an array (map, dense) has no tally: each
 * process measures and verifies its own part of the result with the
 * descriptor's measure, whose output is then the share's end - first
 * elements. */
struct gpucci_reduce_exchange; /* reduce-split.h */
typedef struct gpucci_process_split {
    /* Prepares this process's share; tally (tally_size bytes) receives the
     * tally of its part of the reference, and is NULL for an array. On
     * failure frees what it made and records why, as the descriptor's
     * prepare. */
    gpucc_status (*prepare)(const gpucci_workload_params *params, unsigned part, unsigned parts, gpucci_job *job,
                            void *tally);
    /* The elements [*first, *end) this process holds: of the input for one
     * value, of the result (in C order) for an array. */
    void (*share)(const gpucci_job *job, size_t *first, size_t *end);
    /* One value only (0 and NULL for an array): */
    size_t tally_size; /* bytes of a tally, a plain struct */
    void (*tally_add)(void *into, const void *tally);
    gpucc_status (*finish)(gpucci_job *job, const void *total);
    gpucc_status (*measure)(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan,
                            const struct gpucci_reduce_exchange *exchange, gpucc_measurement *out);
} gpucci_process_split;

typedef struct gpucci_workload {
    const char *name;
    const char *summary;         /* one line of `gpucc run --help` */
    const char *help;            /* its option lines of the help, after the variant's */
    unsigned options;            /* GPUCCI_OPT_* */
    unsigned dtypes;             /* the data types it runs on: bit 1 << gpucc_dtype; 0: f32 only */
    const char *variant_option;  /* "--op", "--fn", "--act"; NULL: no variants */
    const char *(*variant_name)(unsigned variant); /* NULL past the end */
    unsigned variant_count, default_variant;
    const char *variant_help;    /* "reduction (default: sum)" */
    unsigned bench_variant;      /* what every bench point computes */
    gpucci_bound bound;
    gpucci_axis bench_axis;
    int single_value;            /* the result is one value, bitwise equal on every call */
    int has_impl;                /* rows name the implementation that ran */
    const char *error_column;    /* the table's error column ("error", "max ulp") */
    const char *error_key;       /* the same in JSON ("error", "max_ulp") */
    unsigned min_warmup;         /* warm-up calls it needs at least */
    /* NULL when the options fit together, else why not (a usage error). */
    const char *(*check_options)(const gpucci_workload_params *params);
    /* Generates or loads the inputs and computes their reference. On failure
     * frees what it made and records why (GPUCC_E_INVALID: bad parameters;
     * GPUCC_E_IO, GPUCC_E_FORMAT: input files; GPUCC_E_NOMEM). */
    gpucc_status (*prepare)(const gpucci_workload_params *params, gpucci_job *job);
    /* Measures one backend with plan, verifying every checked call; output
     * receives the result array (output_shape elements of params->dtype, in
     * gpucci_job_output_floats floats of memory) when output_rank is not 0,
     * else it is NULL. */
    gpucc_status (*measure)(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out);
    void (*release)(gpucci_job *job);
    /* Optional (NULL: the workload cannot be split): measures calls split
     * across backends[0..count) (count <= GPUCCI_MAX_SPLIT), all working at
     * once, backend d on whole canonical blocks in proportion to weights[d];
     * every value is verified and bitwise that of one backend. Fills *split. */
    gpucc_status (*measure_split)(gpucci_job *job, gpucc_backend *const *backends, const double *weights,
                                  size_t count, const gpucc_plan *plan, gpucci_split *split, gpucc_measurement *out);
    /* Optional (NULL: one process runs it whole): the workload split over
     * processes, e.g. the ranks of mpirun (above). */
    const gpucci_process_split *processes;
} gpucci_workload;

/* The registry, in the order of the help. */
extern const gpucci_workload *const gpucci_workloads[];
extern const size_t gpucci_workload_count;

/* The workload of that name, or NULL. */
const gpucci_workload *gpucci_workload_named(const char *name);

/* The data types a workload runs on (bit 1 << gpucc_dtype; f32 at least). */
unsigned gpucci_workload_dtypes(const gpucci_workload *workload);

/* What a job's rate counts per call: its flops for a workload bound by
 * arithmetic (GPUCCI_BOUND_FMA), else its bytes. */
double gpucci_job_work(const gpucci_workload *workload, const gpucci_job *job);

/* Elements of a job's result array (0 when the result is one value). */
size_t gpucci_job_output_count(const gpucci_job *job);

/* Floats of memory that hold the job's result array of dtype elements (the
 * run's --dtype): its bytes, rounded up to whole floats. */
size_t gpucci_job_output_floats(const gpucci_job *job, gpucc_dtype dtype);

/* Frees a prepared job and zeroes it for the next prepare (NULL-safe,
 * idempotent). */
void gpucci_job_release(const gpucci_workload *workload, gpucci_job *job);

#endif
