/* Internal: `gpucc run` started by mpirun (built with GPUCC_MPI). Every
 * rank parses the same options; the run is split over the ranks, each
 * holding and computing its part, and gives one process's value or result
 * (see README, "Several machines (MPI)"). Rank 0 prints the one report. */
#ifndef GPUCC_MPI_RUN_H
#define GPUCC_MPI_RUN_H

#include "cli.h"

/* Whether this process was started by an MPI launcher (mpirun, mpiexec,
 * srun): the environment of its ranks says so. */
int cli_mpi_launched(void);

/* Reads `gpucc run`'s arguments into options: 0 to run, -1 when help was
 * printed, else the exit code of a usage error (printed). */
typedef int (*cli_run_parser)(int argc, char **argv, cli_run_options *options);

/* `gpucc run` on every rank: parses with parse, agrees on the outcome with
 * the other ranks, runs, and returns the exit code, the same on every rank.
 * A failure on any rank stops every rank after the step where it happened,
 * and only one rank prints why. */
int cli_mpi_run_command(int argc, char **argv, cli_run_parser parse);

#endif
