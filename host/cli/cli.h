/* Internal: the command line's options, parsed into plain structs that the
 * runner consumes (the CLI never computes; the library never parses). */
#ifndef GPUCC_CLI_H
#define GPUCC_CLI_H

#include <stdint.h>

#include "gpucc.h"
#include "options.h"

typedef enum { GPUCC_FORMAT_TABLE, GPUCC_FORMAT_JSON, GPUCC_FORMAT_CSV } cli_format;
typedef enum { GPUCC_WORKLOAD_REDUCE, GPUCC_WORKLOAD_MAP, GPUCC_WORKLOAD_DENSE, GPUCC_WORKLOAD_COUNT } cli_workload;

/* "reduce", "map", "dense". */
const char *cli_workload_name(cli_workload workload);

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

/* Prints the help of `gpucc run`. */
void cli_run_help(void);

#endif
