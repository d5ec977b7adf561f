/* Internal: the measurements of this machine's ceilings that `gpucc peak`
 * and `gpucc bench` share: the size of the host buffers, the buffers
 * themselves, OpenBLAS's SGEMM (a reference, not a gpucc backend) and an
 * OpenCL device's peaks. Each command words and records them its own way. */
#ifndef GPUCC_CEILINGS_H
#define GPUCC_CEILINGS_H

#include <stddef.h>

#include "gpucc.h"

/* Bytes of memory available to a new allocation (MemAvailable), or 0 when
 * unknown. */
double cli_available_bytes(void);

/* The bytes of each of two host buffers: wanted, or a quarter of the
 * available memory (whole pages) where two buffers of wanted bytes would
 * take more than half of it. */
size_t cli_ceiling_buffer_bytes(size_t wanted);

/* Two host buffers of n floats each, of random data (every page touched
 * before timing). */
typedef struct {
    float *src, *dst;
    size_t n;
} cli_host_buffers;

/* Allocates and fills buffers of bytes each. Returns GPUCC_OK, or the
 * failure (last error set) with nothing left allocated. */
gpucc_status cli_host_buffers_alloc(size_t bytes, cli_host_buffers *buffers);
/* Frees both buffers; harmless on freed or zeroed ones. */
void cli_host_buffers_free(cli_host_buffers *buffers);

/* Measures OpenBLAS's cblas_sgemm at n x n x n (GFLOP/s, wall time, over
 * `repeat` calls after one warm-up) on `threads` threads (0: OpenBLAS's
 * default). Returns 0, or -1 when gpucc was built without OpenBLAS or
 * memory is short. */
int cli_blas_sgemm_gflops(size_t n, unsigned threads, unsigned repeat, gpucc_stats *gflops);

/* Opens the OpenCL device that config selects, measures its peaks over a
 * buffer of bytes (gpucc_device_peak_measure) into *peak (zeroed first) and
 * closes it. *opened tells whether the device opened. Returns GPUCC_OK or
 * the failure (last error set); after a failed measurement *peak holds
 * what was measured. */
gpucc_status cli_device_peaks(const gpucc_backend_config *config, size_t bytes, gpucc_device_peak *peak,
                              int *opened);

#endif
