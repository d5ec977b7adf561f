/* The ceiling measurements `gpucc peak` and `gpucc bench` share (see
 * ceilings.h). */
#define _POSIX_C_SOURCE 200809L
#include "ceilings.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "timer.h"

#ifdef GPUCC_HAVE_OPENBLAS
#include <cblas.h>
#endif

double cli_available_bytes(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    double kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    if (kib > 0)
        return kib * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}

size_t cli_ceiling_buffer_bytes(size_t wanted)
{
    double avail = cli_available_bytes();
    if (avail > 0 && 2.0 * (double)wanted > 0.5 * avail)
        return (size_t)(floor(0.25 * avail / 4096) * 4096);
    return wanted;
}

gpucc_status cli_host_buffers_alloc(size_t bytes, cli_host_buffers *b)
{
    b->n = bytes / sizeof(float);
    b->src = gpucc_alloc_floats(b->n);
    b->dst = b->src ? gpucc_alloc_floats(b->n) : NULL;
    gpucc_status status = b->dst ? gpucc_generate(b->src, b->n, 11, 0) : GPUCC_E_NOMEM;
    if (status == GPUCC_OK)
        status = gpucc_generate(b->dst, b->n, 12, 0);
    if (status != GPUCC_OK)
        cli_host_buffers_free(b);
    return status;
}

void cli_host_buffers_free(cli_host_buffers *b)
{
    gpucc_free_floats(b->src);
    gpucc_free_floats(b->dst);
    b->src = b->dst = NULL;
}

#ifdef GPUCC_HAVE_OPENBLAS
int cli_blas_sgemm_gflops(size_t n, unsigned threads, unsigned repeat, gpucc_stats *gflops)
{
    if (threads)
        openblas_set_num_threads((int)threads);
    float *a = gpucc_alloc_floats(n * n), *b = gpucc_alloc_floats(n * n), *c = gpucc_alloc_floats(n * n);
    double samples[64];
    int rc = a && b && c && repeat > 0 && repeat <= 64 ? 0 : -1;
    if (rc == 0) {
        gpucc_generate(a, n * n, 1, 0);
        gpucc_generate(b, n * n, 2, 0);
    }
    for (int r = -1; rc == 0 && r < (int)repeat; r++) {
        double start = gpucci_now_ms();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)n, (int)n, (int)n, 1.0f, a, (int)n, b, (int)n,
                    0.0f, c, (int)n);
        double ms = gpucci_now_ms() - start;
        if (r >= 0)
            samples[r] = 2.0 * (double)n * (double)n * (double)n / (ms * 1e6);
    }
    if (rc == 0)
        *gflops = gpucc_stats_of(samples, repeat);
    gpucc_free_floats(a);
    gpucc_free_floats(b);
    gpucc_free_floats(c);
    return rc;
}
#else
int cli_blas_sgemm_gflops(size_t n, unsigned threads, unsigned repeat, gpucc_stats *gflops)
{
    (void)n, (void)threads, (void)repeat, (void)gflops;
    return -1;
}
#endif

gpucc_status cli_device_peaks(const gpucc_backend_config *config, size_t bytes, gpucc_device_peak *peak,
                              int *opened)
{
    memset(peak, 0, sizeof *peak);
    gpucc_backend *backend;
    gpucc_status status = gpucc_backend_open(GPUCC_BACKEND_OPENCL, config, &backend);
    *opened = status == GPUCC_OK;
    if (status == GPUCC_OK) {
        status = gpucc_device_peak_measure(backend, bytes, peak);
        gpucc_backend_close(backend);
    }
    return status;
}
