/* Internal: the command line's options, parsed into plain structs that the
 * runner consumes (the CLI never computes; the library never parses). */
#ifndef GPUCC_CLI_H
#define GPUCC_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "gpucc.h"

/* Exit codes (sysexits.h where one fits; documented in the README). */
enum {
    GPUCC_EXIT_OK = 0,
    GPUCC_EXIT_FAILED = 1,       /* a run failed or a result did not verify */
    GPUCC_EXIT_USAGE = 64,       /* bad command line */
    GPUCC_EXIT_DATAERR = 65,     /* malformed or mismatched input file */
    GPUCC_EXIT_NOINPUT = 66,     /* input file missing or unreadable */
    GPUCC_EXIT_UNAVAILABLE = 69, /* an explicitly requested backend/device is absent */
    GPUCC_EXIT_CANTCREAT = 73,   /* the output file cannot be written */
};

typedef enum { GPUCC_FORMAT_TABLE, GPUCC_FORMAT_JSON, GPUCC_FORMAT_CSV } cli_format;
typedef enum { GPUCC_WORKLOAD_REDUCE, GPUCC_WORKLOAD_MAP, GPUCC_WORKLOAD_DENSE, GPUCC_WORKLOAD_COUNT } cli_workload;

typedef struct {
    cli_workload workload;
    /* Every workload. */
    unsigned backends;           /* bit mask of gpucc_backend_kind */
    int backends_given;          /* --backend was used: absence is an error */
    gpucc_backend_config config; /* threads, device, OpenCL knobs */
    int device_given;
    gpucc_plan plan;
    uint64_t seed;
    cli_format format;
    const char *input;           /* reduce, map: the data; dense: X. NULL: generate */
    const char *output;          /* map, dense: .npy to write, or NULL */
    gpucc_backend_kind output_backend;
    int output_backend_given;
    /* reduce */
    gpucc_reduce_op op;
    /* reduce, map */
    uint64_t size;
    int size_given;
    /* map */
    gpucc_map_fn fn;
    float alpha;
    int alpha_given;
    /* dense */
    gpucc_dense_shape shape;
    int shape_given;
    const char *weights, *bias;
} cli_run_options;

/* Parses `gpucc run WORKLOAD [options]` (argv[0] is the workload). Returns
 * -1 when the caller should exit with GPUCC_EXIT_OK (--help was printed), 0
 * on success, or GPUCC_EXIT_USAGE after printing a one-line error. */
int cli_parse_run(int argc, char **argv, cli_run_options *out);

/* Prints "gpucc COMMAND: OPTION: 'VALUE' WHY (see ...)" on stderr and
 * returns GPUCC_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *option, const char *value, const char *why);

/* Reads the next option of `gpucc COMMAND ...` (argv[0] is COMMAND or the
 * workload) with getopt_long: "-h" and the long options of the table, all
 * before any other argument. Set optind = 0 before the first call for a
 * command line. Returns the option's val (its value in optarg), -1 after the
 * last option, or '?' after printing a one-line usage error: an unknown or
 * ambiguous option, a value given to an option that takes none, a missing
 * value, or a further argument. A value must not look like an option: in
 * "--size --backend=serial" --size has no value ("--out=--x" passes one). */
int cli_next_option(const char *command, int argc, char **argv, const struct option *options);

/* Prints the help of `gpucc run`. */
void cli_run_help(void);

#endif
