/* Internal to mpi/: gpucc run reduce split over the MPI ranks. */
#ifndef GPUCC_MPI_REDUCE_H
#define GPUCC_MPI_REDUCE_H

#include "cli.h"
#include "mpi-session.h"

/* Runs o's reduce over every rank of world (collective): each rank
 * generates its share of whole blocks and tallies its reference, the
 * tallies are added into the reference of the whole, and each backend row
 * is measured on every rank at once, the ranks' pieces combined on rank 0
 * in the canonical order. Rank 0 prints the report. Another workload runs
 * whole on a lone rank (cli_run) and is refused on several (exit 64).
 * Returns the exit code, the same on every rank. */
int cli_mpi_reduce(const cli_mpi_world *world, const cli_run_options *o);

#endif
