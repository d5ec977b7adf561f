/* Internal to mpi/: gpucc run of a workload whose result is one value
 * (reduce, dot), split over the MPI ranks. */
#ifndef GPUCC_MPI_VALUE_H
#define GPUCC_MPI_VALUE_H

#include "cli.h"
#include "mpi-session.h"

/* Runs o's workload, which has a process split (o->workload->processes),
 * over every rank of world (collective): each rank prepares its share of
 * whole blocks and tallies its reference, the tallies are added into the
 * reference of the whole, and each backend row is measured on every rank
 * at once, the ranks' pieces combined on rank 0 in the canonical order.
 * Rank 0 prints the report. Returns the exit code, the same on every rank. */
int cli_mpi_run_value(const cli_mpi_world *world, const cli_run_options *o);

#endif
