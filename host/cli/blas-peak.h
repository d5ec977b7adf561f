/* Internal: the optional OpenBLAS SGEMM ceiling of the CPU (a reference, not
 * a gpucc backend). */
#ifndef GPUCC_BLAS_PEAK_H
#define GPUCC_BLAS_PEAK_H

#include "gpucc.h"

/* Measures OpenBLAS's cblas_sgemm at n x n x n (GFLOP/s over `repeat`
 * calls after one warm-up). Returns 0, or -1 when gpucc was built without
 * OpenBLAS or memory is short. */
int cli_blas_sgemm_gflops(size_t n, unsigned repeat, gpucc_stats *gflops);

#endif
