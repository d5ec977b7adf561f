/* Internal to mpi/: a run split over the MPI ranks. The driver
 * (mpi-split.c) prepares each rank's share, opens the rows on every rank
 * and prints rank 0's one report; a row is measured by one of two kinds:
 * a result of one value, exchanged and combined on every call
 * (mpi-value.c), or an array, each rank keeping and verifying its part
 * (mpi-array.c). */
#ifndef GPUCC_MPI_SPLIT_H
#define GPUCC_MPI_SPLIT_H

#include "atomic-file.h"
#include "cli.h"
#include "mpi-session.h"
#include "report.h"

/* Runs o's workload, which has a process split (o->workload->processes),
 * over every rank of world (collective): rank 0 opens --output; each rank
 * prepares its share (for one value, the tallies are added into the
 * reference of the whole); each backend row is measured on every rank at
 * once; rank 0 prints the report; an array's parts are gathered into
 * --output after a good run. Returns the exit code, the same on every
 * rank. */
int cli_mpi_run_split(const cli_mpi_world *world, const cli_run_options *o);

/* One row's detail for the JSON: the communication and each rank's time
 * (rank 0 only). */
typedef struct {
    gpucc_stats comm_ms;
    gpucc_stats *rank_ms;   /* [size] */
    char (*devices)[512];   /* [size] */
    char (*selectors)[128]; /* [size]: the --device entry each rank opened ("" = the default) */
    char impl[32];          /* an array's: the implementation that ran, which the row's m.impl names */
} cli_mpi_row_detail;

/* Memory for a few bytes per rank or call: without it the ranks cannot go
 * on together, so every rank stops (MPI_Abort). Zeroed. */
void *cli_mpi_alloc(size_t count, size_t size);

/* Rank 0: each rank's statistics of `timed` calls, local_ms[call][rank]
 * (world->size values per call), into row->rank_ms (allocated). */
void cli_mpi_rank_stats(const cli_mpi_world *world, const double *local_ms, unsigned timed, cli_mpi_row_detail *row);

/* Measures one row of a one-value workload on every rank at once
 * (collective): each call's pieces are combined on rank 0 in the canonical
 * order and the value sent back. */
void cli_mpi_measure_value(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job,
                           gpucc_backend *backend, cli_row *row, cli_mpi_row_detail *detail);

/* Measures one row of an array workload on every rank at once
 * (collective): each rank measures and verifies its part of the result
 * into output (count elements, its share; NULL: the row fails on this rank
 * for want of memory); rank 0's row receives the
 * verdict of every rank and, per call, the slowest rank's time. */
void cli_mpi_measure_array(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job,
                           gpucc_backend *backend, float *output, size_t count, cli_row *row,
                           cli_mpi_row_detail *detail);

/* Writes --output (opened on rank 0) once every rank has its part `mine`
 * of the result (NULL: none), the ranks' parts gathered on rank 0 in rank
 * order (shares: rank 0's list of each rank's [first, end)). Collective;
 * returns the exit code, the same on every rank. */
int cli_mpi_write_output(const cli_mpi_world *world, const cli_run_options *o, gpucci_atomic_file *output,
                         const gpucci_job *job, const float *mine, const size_t (*shares)[2]);

#endif
