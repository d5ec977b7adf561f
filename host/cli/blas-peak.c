#include "blas-peak.h"

#include "timer.h"

#ifdef GPUCC_HAVE_OPENBLAS
#include <cblas.h>

int cli_blas_sgemm_gflops(size_t n, unsigned repeat, gpucc_stats *gflops)
{
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
int cli_blas_sgemm_gflops(size_t n, unsigned repeat, gpucc_stats *gflops)
{
    (void)n, (void)repeat, (void)gflops;
    return -1;
}
#endif
