/* Internal: carries out `gpucc run` from parsed options. */
#ifndef GPUCC_RUNNER_H
#define GPUCC_RUNNER_H

#include "cli.h"

/* Opens the selected backends, prepares the data, measures and verifies
 * every backend, prints the report on stdout. Returns the exit code. */
int gpucc_run_reduce(const gpucc_run_options *options);

#endif
