/* Internal: the command line's options, parsed into plain structs that the
 * runner consumes (the CLI never computes; the library never parses). */
#ifndef GPUCC_CLI_H
#define GPUCC_CLI_H

#include <stdint.h>

#include "gpucc.h"
#include "options.h"
#include "workload.h"

typedef enum { GPUCC_FORMAT_TABLE, GPUCC_FORMAT_JSON, GPUCC_FORMAT_CSV } cli_format;

typedef struct {
    const gpucci_workload *workload; /* from the registry (workload.h) */
    gpucci_workload_params params;   /* what it computes, on what data */
    int size_given;
    unsigned backends;           /* bit mask of gpucc_backend_kind */
    int backends_given;          /* --backend was used: absence is an error */
    gpucc_backend_config config; /* threads, OpenCL knobs (the device: devices) */
    int device_given;
    const char *devices;         /* --device: one selector, a comma list, or "all"; NULL: the default */
    int split;                   /* --split: one more row, the run split across the devices */
    gpucc_plan plan;
    cli_format format;
    const char *output;          /* the result array's .npy to write, or NULL */
    gpucc_backend_kind output_backend;
    int output_backend_given;
} cli_run_options;

/* Parses `gpucc run WORKLOAD [options]` (argv[0] is the workload). Returns
 * -1 when the caller should exit with GPUCC_EXIT_OK (--help was printed), 0
 * on success, or GPUCC_EXIT_USAGE after printing a one-line error. */
int cli_parse_run(int argc, char **argv, cli_run_options *out);

/* Prints the help of `gpucc run`. */
void cli_run_help(void);

#endif
