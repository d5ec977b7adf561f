/* Internal to mpi/: what every step of a run over MPI ranks shares. Each
 * step runs on every rank; its stderr is captured; then the ranks agree on
 * one exit code, and one rank, the lowest with the worst code, prints what
 * it captured, so that a failure shows once and stops every rank. */
#ifndef GPUCC_MPI_SESSION_H
#define GPUCC_MPI_SESSION_H

#include <stdio.h>

typedef struct {
    int rank, size;
} cli_mpi_world;

/* This rank's stderr while a step runs. */
typedef struct {
    FILE *file; /* where fd 2 writes; NULL when it could not be captured */
    int saved;  /* the real stderr */
} cli_mpi_capture;

/* Starts capturing this rank's stderr. */
void cli_mpi_capture_start(cli_mpi_capture *capture);

/* Ends the capture and agrees on the step's exit code with every rank: the
 * largest of the ranks' codes. The lowest rank with that code prints what it
 * captured (its lines "gpucc...: rank N: ..." when N is not 0), the others
 * drop theirs; when every code is 0, rank 0 prints its own. Collective. */
int cli_mpi_agree(const cli_mpi_world *world, cli_mpi_capture *capture, int code);

#endif
