/* Internal: carries out `gpucc run` from parsed options. */
#ifndef GPUCC_RUNNER_H
#define GPUCC_RUNNER_H

#include "atomic-file.h"
#include "cli.h"
#include "report.h"

/* Prepares the data, opens the selected backends, measures and verifies
 * every backend, prints the report on stdout and writes --output. Returns
 * the exit code. */
int cli_run(const cli_run_options *options);

/* The steps of cli_run that a run over MPI ranks (mpi/) shares. */

/* Opens every selected backend, OpenCL once per selected device, into
 * backends[] (CLI_MAX_ROWS) and a row each. Returns 0 or an exit code
 * (printed). */
int cli_open_backends(const cli_run_options *o, gpucc_backend **backends, cli_report *report);
/* Marks a row failed when the measurement itself could not run, or
 * unsupported when its backend leaves the workload out. */
void cli_record_error(cli_row *row, gpucc_status status);
/* Prints the report; returns 1 if any row failed or did not verify, else 0. */
int cli_print_and_judge(const cli_run_options *o, const cli_report *report);
void cli_close_backends(gpucc_backend **backends);
/* Opens --output (when given) before any work, so that a path that cannot
 * be created stops the run at once. Returns 0 or an exit code (printed). */
int cli_open_output(const cli_run_options *o, gpucci_atomic_file *output);
/* The result array of --output-backend: its first row's in outputs (one per
 * row), NULL when it has none. */
const float *cli_output_of(const cli_run_options *o, const cli_report *report, float *const *outputs);
/* Writes data (the result, rank and shape) into --output, opened by
 * cli_open_output, and commits it (nothing when --output was not given); a
 * NULL data says that the output backend produced no result. Returns 0 or
 * an exit code (printed). */
int cli_write_output(const cli_run_options *o, gpucci_atomic_file *output, const float *data, size_t rank,
                     const size_t *shape);

#endif
