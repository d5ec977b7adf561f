/* Internal: carries out `gpucc run` from parsed options. */
#ifndef GPUCC_RUNNER_H
#define GPUCC_RUNNER_H

#include "cli.h"

/* Prepares the data, opens the selected backends, measures and verifies
 * every backend, prints the report on stdout and writes --output. Returns
 * the exit code. */
int cli_run(const cli_run_options *options);

#endif
