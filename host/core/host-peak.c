/* Measured ceilings of the host: the yardsticks that throughput is placed
 * against. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "error.h"
#include "pool.h"
#include "timer.h"

typedef struct {
    const uint64_t *words;
    size_t count;
    uint64_t sums[256]; /* one per thread, so the loads cannot be elided */
} read_job;

/* A plain read loop: integer adds are associative, so the compiler
 * vectorises it and memory, not arithmetic, sets the pace. */
GPUCCI_HOT static void read_part(void *ctx, unsigned index, unsigned count)
{
    read_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->count, index, count, &begin, &end);
    uint64_t sum = 0;
    for (size_t i = begin; i < end; i++)
        sum += job->words[i];
    job->sums[index % 256] = sum;
}

/* Where the read loop's result goes, so that it cannot be optimised away. */
static volatile uint64_t read_sink;

static void read_done(void *ctx)
{
    const read_job *job = ctx;
    for (int i = 0; i < 256; i++)
        read_sink += job->sums[i];
}

/* The skeleton of every yardstick: runs task on a pool of `threads` (0 =
 * online CPUs) `repeat` times, calls done(job) after each run (if not
 * NULL), and gives the median, min and max of bytes / time in GB/s. */
static gpucc_status measure_bandwidth(unsigned threads, unsigned repeat, gpucci_pool_task task, void (*done)(void *),
                                      void *job, double bytes, gpucc_stats *gbps)
{
    double *samples = malloc(repeat * sizeof *samples);
    if (!samples)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %u samples", repeat);
    gpucci_pool *pool;
    gpucc_status status = gpucci_threads_resolve(threads, "peak bandwidth", &threads);
    if (status == GPUCC_OK)
        status = gpucci_pool_create(threads, &pool);
    if (status != GPUCC_OK) {
        free(samples);
        return status;
    }
    for (unsigned r = 0; r < repeat; r++) {
        double start = gpucci_now_ms();
        gpucci_pool_run(pool, task, job);
        double ms = gpucci_now_ms() - start;
        if (done)
            done(job);
        samples[r] = bytes / (ms * 1e6);
    }
    *gbps = gpucc_stats_of(samples, repeat);
    gpucci_pool_free(pool);
    free(samples);
    return GPUCC_OK;
}

gpucc_status gpucc_peak_read_bandwidth(const float *x, size_t n, unsigned threads, unsigned repeat,
                                       gpucc_stats *gbps)
{
    if (!x || n < 2 || n > SIZE_MAX / sizeof(float) || !gbps || repeat == 0)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_read_bandwidth: invalid arguments");
    read_job job;
    memset(&job, 0, sizeof job);
    job.words = (const uint64_t *)(const void *)x;
    job.count = n / 2;
    return measure_bandwidth(threads, repeat, read_part, read_done, &job, (double)job.count * sizeof(uint64_t),
                             gbps);
}

gpucc_status gpucc_peak_copy_bandwidth(const float *src, float *dst, size_t n, unsigned threads, unsigned repeat,
                                       gpucc_stats *gbps)
{
    if (!src || !dst || n == 0 || !gbps || repeat == 0)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_copy_bandwidth: invalid arguments");
    if (n > SIZE_MAX / sizeof(float) || gpucci_floats_overlap(src, dst, n))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_copy_bandwidth: source and destination overlap");
    gpucci_copy_job job = {dst, src, n};
    return measure_bandwidth(threads, repeat, gpucci_copy_part, NULL, &job, 2.0 * (double)n * sizeof(float), gbps);
}
