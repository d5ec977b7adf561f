#define _POSIX_C_SOURCE 200809L
#include "pool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

struct gpucci_pool {
    unsigned size;            /* threads, the caller included */
    pthread_t *workers;       /* size - 1 of them */
    pthread_mutex_t lock;
    pthread_cond_t start;     /* signalled when a new generation begins */
    pthread_cond_t done;      /* signalled when the last worker finishes */
    unsigned long generation; /* bumped by each gpucci_pool_run */
    unsigned pending;         /* workers still busy in this generation */
    int stopping;
    gpucci_pool_task task;
    void *ctx;
};

typedef struct {
    gpucci_pool *pool;
    unsigned index;
} worker_arg;

static void *worker_main(void *arg_)
{
    worker_arg *arg = arg_;
    gpucci_pool *pool = arg->pool;
    unsigned index = arg->index;
    free(arg);
    unsigned long seen = 0;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        while (pool->generation == seen && !pool->stopping)
            pthread_cond_wait(&pool->start, &pool->lock);
        if (pool->stopping) {
            pthread_mutex_unlock(&pool->lock);
            return NULL;
        }
        seen = pool->generation;
        gpucci_pool_task task = pool->task;
        void *ctx = pool->ctx;
        pthread_mutex_unlock(&pool->lock);

        task(ctx, index, pool->size);

        pthread_mutex_lock(&pool->lock);
        if (--pool->pending == 0)
            pthread_cond_signal(&pool->done);
        pthread_mutex_unlock(&pool->lock);
    }
}

static void stop_workers(gpucci_pool *pool, unsigned started)
{
    pthread_mutex_lock(&pool->lock);
    pool->stopping = 1;
    pthread_cond_broadcast(&pool->start);
    pthread_mutex_unlock(&pool->lock);
    for (unsigned i = 0; i < started; i++)
        pthread_join(pool->workers[i], NULL);
}

gpucc_status gpucci_threads_resolve(unsigned threads, const char *what, unsigned *out)
{
    if (threads > GPUCC_MAX_THREADS)
        return gpucci_fail(GPUCC_E_INVALID, "%s: %u threads is more than the limit of %d", what, threads,
                          GPUCC_MAX_THREADS);
    unsigned cpus = gpucc_cpu_count();
    *out = threads ? threads : cpus < GPUCC_MAX_THREADS ? cpus : GPUCC_MAX_THREADS;
    return GPUCC_OK;
}

gpucc_status gpucci_pool_create(unsigned threads, gpucci_pool **out)
{
    if (threads == 0 || threads > GPUCC_MAX_THREADS || !out)
        return gpucci_fail(GPUCC_E_INVALID, "thread pool: %u threads is not in 1..%d", threads, GPUCC_MAX_THREADS);
    gpucci_pool *pool = calloc(1, sizeof *pool);
    if (!pool || !(pool->workers = calloc(threads, sizeof *pool->workers))) {
        free(pool);
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a pool of %u threads", threads);
    }
    pool->size = threads;
    pthread_mutex_init(&pool->lock, NULL);
    pthread_cond_init(&pool->start, NULL);
    pthread_cond_init(&pool->done, NULL);
    for (unsigned i = 0; i + 1 < threads; i++) {
        worker_arg *arg = malloc(sizeof *arg);
        if (arg) {
            arg->pool = pool;
            arg->index = i + 1;
        }
        if (!arg || pthread_create(&pool->workers[i], NULL, worker_main, arg) != 0) {
            free(arg);
            stop_workers(pool, i);
            pthread_mutex_destroy(&pool->lock);
            pthread_cond_destroy(&pool->start);
            pthread_cond_destroy(&pool->done);
            free(pool->workers);
            free(pool);
            return gpucci_fail(GPUCC_E_THREAD, "cannot start thread %u of %u", i + 2, threads);
        }
    }
    *out = pool;
    return GPUCC_OK;
}

void gpucci_pool_free(gpucci_pool *pool)
{
    if (!pool)
        return;
    stop_workers(pool, pool->size - 1);
    pthread_mutex_destroy(&pool->lock);
    pthread_cond_destroy(&pool->start);
    pthread_cond_destroy(&pool->done);
    free(pool->workers);
    free(pool);
}

unsigned gpucci_pool_size(const gpucci_pool *pool)
{
    return pool->size;
}

void gpucci_pool_run(gpucci_pool *pool, gpucci_pool_task task, void *ctx)
{
    if (pool->size > 1) {
        pthread_mutex_lock(&pool->lock);
        pool->task = task;
        pool->ctx = ctx;
        pool->pending = pool->size - 1;
        pool->generation++;
        pthread_cond_broadcast(&pool->start);
        pthread_mutex_unlock(&pool->lock);
    }
    task(ctx, 0, pool->size);
    if (pool->size > 1) {
        pthread_mutex_lock(&pool->lock);
        while (pool->pending > 0)
            pthread_cond_wait(&pool->done, &pool->lock);
        pthread_mutex_unlock(&pool->lock);
    }
}

gpucc_status gpucci_parallel_run(unsigned threads, gpucci_pool_task task, void *ctx)
{
    gpucci_pool *pool;
    gpucc_status status = gpucci_threads_resolve(threads, "thread pool", &threads);
    if (status == GPUCC_OK)
        status = gpucci_pool_create(threads, &pool);
    if (status != GPUCC_OK)
        return status;
    gpucci_pool_run(pool, task, ctx);
    gpucci_pool_free(pool);
    return GPUCC_OK;
}

void gpucci_split_range(size_t total, unsigned index, unsigned count, size_t *begin, size_t *end)
{
    size_t base = total / count, extra = total % count;
    *begin = index * base + (index < extra ? index : extra);
    *end = *begin + base + (index < extra ? 1 : 0);
}

int gpucci_bytes_overlap(const void *a, const void *b, size_t bytes)
{
    uintptr_t pa = (uintptr_t)a, pb = (uintptr_t)b;
    return a && b && pa < pb + bytes && pb < pa + bytes;
}

int gpucci_floats_overlap(const float *a, const float *b, size_t n)
{
    return gpucci_bytes_overlap(a, b, n * sizeof(float));
}

void gpucci_copy_part(void *job_, unsigned index, unsigned count)
{
    enum { LINE = 64 };
    const gpucci_copy_job *job = job_;
    size_t begin, end;
    gpucci_split_range((job->bytes + LINE - 1) / LINE, index, count, &begin, &end);
    begin *= LINE;
    end = end * LINE < job->bytes ? end * LINE : job->bytes;
    if (end > begin)
        memcpy((char *)job->dst + begin, (const char *)job->src + begin, end - begin);
}
