/* The dot product on the serial and pthreads backends: one block routine in
 * the canonical order (kernels/gpucc-ops.h), run over all blocks by the
 * caller (serial) or over contiguous ranges of blocks by the pthreads
 * backend's pool, so both compute exactly the same partials. */
#include <stdint.h>

#include "backend-impl.h"
#include "dispatch.h"
#include "dot-impl.h"
#include "error.h"
#include "pool.h"
#include "reduce-order.h"

/* How far ahead of its loads the fold asks for data, in bytes. Without it,
 * one thread of this Intel Xeon (Emerald Rapids, 2 vCPUs) folded at 0.75-0.84
 * of a plain read loop over both inputs, with it at 0.91-1.09 (5 rounds
 * alternating, n = 5e7; host/core/reduce-order.c found the same). The
 * address is formed as an integer because it may lie past the input's end,
 * which a prefetch tolerates (it never faults). */
enum { PREFETCH_AHEAD = 4096 };
#define PREFETCH_AHEAD_OF(p) __builtin_prefetch((const void *)((uintptr_t)(p) + PREFETCH_AHEAD), 0, 3)

/* Folds the full groups of 16 products of a block into lane[0..16): a plain
 * array loop, which GCC vectorises with its widest vectors, one prefetch per
 * cache line of each input. Each product of two floats is exact in double,
 * so the loop's only rounding is the lane's addition, in index order. */
GPUCCI_HOT static void fold_dot(double *lane, const float *x, const float *y, size_t full)
{
    for (size_t i = 0; i < full; i += GPUCC_REDUCE_LANES) {
        PREFETCH_AHEAD_OF(x + i);
        PREFETCH_AHEAD_OF(y + i);
        for (int j = 0; j < GPUCC_REDUCE_LANES; j++)
            lane[j] += (double)x[i + j] * (double)y[i + j];
    }
}

/* One block in the canonical order: full groups folded lane-wise, the tail
 * into lanes 0..len%16-1, then the lanes combined by halving. */
static double block_dot(const float *x, const float *y, size_t len)
{
    double lane[GPUCC_REDUCE_LANES] = {0};
    size_t full = len - len % GPUCC_REDUCE_LANES;
    fold_dot(lane, x, y, full);
    for (size_t j = 0; j < len - full; j++)
        lane[j] += (double)x[full + j] * (double)y[full + j];
    GPUCC_COMBINE_LANES(GPUCC_STEP_SUM, lane);
    return lane[0];
}

typedef struct {
    const float *x, *y;
    size_t n;
    double *partials;
} dot_job;

/* A pool task: worker `index` of `count` computes its contiguous range of
 * the block partials. */
static void dot_part(void *job_, unsigned index, unsigned count)
{
    const dot_job *job = job_;
    size_t first, end;
    gpucci_split_range(gpucci_reduce_block_count(job->n), index, count, &first, &end);
    for (size_t b = first; b < end; b++) {
        size_t start = b * GPUCC_REDUCE_BLOCK;
        size_t len = job->n - start < GPUCC_REDUCE_BLOCK ? job->n - start : GPUCC_REDUCE_BLOCK;
        job->partials[b] = block_dot(job->x + start, job->y + start, len);
    }
}

/* The key of the dot product's state on a CPU backend: its scratch of
 * partials. */
static const char state_key;

static void release_scratch(gpucc_backend *backend, void *scratch)
{
    (void)backend;
    gpucci_partials_free(scratch);
}

gpucc_status gpucci_dot_cpu(gpucc_backend *backend, const float *x, const float *y, size_t n,
                            gpucc_reduce_result *out)
{
    gpucci_partials *scratch = gpucci_workload_state(backend, &state_key, sizeof *scratch, release_scratch);
    size_t blocks = gpucci_reduce_block_count(n);
    dot_job job = {x, y, n, scratch ? gpucci_partials_reserve(scratch, blocks) : NULL};
    if (!job.partials)
        return GPUCC_E_NOMEM;
    gpucci_pool *pool = gpucci_pthreads_pool(backend);
    if (pool)
        gpucci_pool_run(pool, dot_part, &job);
    else
        dot_part(&job, 0, 1);
    out->value = gpucci_combine_partials(GPUCC_REDUCE_SUM, job.partials, blocks);
    return GPUCC_OK;
}
