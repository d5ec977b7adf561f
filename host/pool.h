/* Internal: a persistent pool of worker threads.
 *
 * gpucc_pool_run() runs task(ctx, i, count) for every i in [0, count) on the
 * pool's threads (the caller works too) and returns when all have finished.
 * Worker i of a pool of T threads always gets the same i, so callers can
 * split work statically and deterministically. One run at a time per pool. */
#ifndef GPUCC_POOL_H
#define GPUCC_POOL_H

#include "gpucc.h"

typedef struct gpucc_pool gpucc_pool;
typedef void (*gpucc_pool_task)(void *ctx, unsigned index, unsigned count);

/* Resolves a public `threads` argument into *out: 0 becomes the number of
 * online CPUs (at most GPUCC_MAX_THREADS); 1..GPUCC_MAX_THREADS is kept;
 * more is GPUCC_E_INVALID with a detail naming `what`. */
gpucc_status gpucc_threads_resolve(unsigned threads, const char *what, unsigned *out);

/* Starts threads - 1 workers (1 <= threads <= GPUCC_MAX_THREADS). */
gpucc_status gpucc_pool_create(unsigned threads, gpucc_pool **out);
void gpucc_pool_free(gpucc_pool *pool);
unsigned gpucc_pool_size(const gpucc_pool *pool);
/* Runs task(ctx, i, gpucc_pool_size(pool)) for each thread index i. */
void gpucc_pool_run(gpucc_pool *pool, gpucc_pool_task task, void *ctx);

/* Convenience for one-off parallel work: creates a pool of `threads`
 * (resolved as by gpucc_threads_resolve), runs the task once, frees it. */
gpucc_status gpucc_parallel_run(unsigned threads, gpucc_pool_task task, void *ctx);

/* The half-open range [*begin, *end) of `total` items that worker `index` of
 * `count` owns: contiguous, in order, sizes differing by at most one. */
void gpucc_split_range(size_t total, unsigned index, unsigned count, size_t *begin, size_t *end);

/* A pool task that copies src[0..n) to dst, each thread a contiguous part
 * with the C library's memcpy (non-temporal stores for large sizes). */
typedef struct {
    float *dst;
    const float *src;
    size_t n;
} gpucc_copy_job;
void gpucc_copy_part(void *job, unsigned index, unsigned count);

/* Whether the n floats at a and the n floats at b share any byte (0 when
 * either is NULL; n * sizeof(float) must not overflow). */
int gpucc_floats_overlap(const float *a, const float *b, size_t n);

#endif
