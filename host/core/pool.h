/* Internal: a persistent pool of worker threads.
 *
 * gpucci_pool_run() runs task(ctx, i, count) for every i in [0, count) on the
 * pool's threads (the caller works too) and returns when all have finished.
 * Worker i of a pool of T threads always gets the same i, so callers can
 * split work statically and deterministically. One run at a time per pool. */
#ifndef GPUCC_POOL_H
#define GPUCC_POOL_H

#include "gpucc.h"

typedef struct gpucci_pool gpucci_pool;
typedef void (*gpucci_pool_task)(void *ctx, unsigned index, unsigned count);

/* Resolves a public `threads` argument into *out: 0 becomes the number of
 * online CPUs (at most GPUCC_MAX_THREADS); 1..GPUCC_MAX_THREADS is kept;
 * more is GPUCC_E_INVALID with a detail naming `what`. */
gpucc_status gpucci_threads_resolve(unsigned threads, const char *what, unsigned *out);

/* Starts threads - 1 workers (1 <= threads <= GPUCC_MAX_THREADS). */
gpucc_status gpucci_pool_create(unsigned threads, gpucci_pool **out);
void gpucci_pool_free(gpucci_pool *pool);
unsigned gpucci_pool_size(const gpucci_pool *pool);
/* Runs task(ctx, i, gpucci_pool_size(pool)) for each thread index i. */
void gpucci_pool_run(gpucci_pool *pool, gpucci_pool_task task, void *ctx);

/* Convenience for one-off parallel work: creates a pool of `threads`
 * (resolved as by gpucci_threads_resolve), runs the task once, frees it. */
gpucc_status gpucci_parallel_run(unsigned threads, gpucci_pool_task task, void *ctx);

/* The half-open range [*begin, *end) of `total` items that worker `index` of
 * `count` owns: contiguous, in order, sizes differing by at most one. */
void gpucci_split_range(size_t total, unsigned index, unsigned count, size_t *begin, size_t *end);

/* A pool task that copies `bytes` bytes from src to dst, each thread a
 * contiguous part of whole cache lines with the C library's memcpy
 * (non-temporal stores for large sizes). */
typedef struct {
    void *dst;
    const void *src;
    size_t bytes;
} gpucci_copy_job;
void gpucci_copy_part(void *job, unsigned index, unsigned count);

/* Whether the n floats at a and the n floats at b share any byte (0 when
 * either is NULL; n * sizeof(float) must not overflow). */
int gpucci_floats_overlap(const float *a, const float *b, size_t n);
/* The same for `bytes` bytes at a and at b. */
int gpucci_bytes_overlap(const void *a, const void *b, size_t bytes);

#endif
