/* The dot product on the serial and pthreads backends: one block routine
 * per data type in the canonical order (kernels/gpucc-ops.h), run over all
 * blocks by the caller (serial) or over contiguous ranges of blocks by the
 * pthreads backend's pool, so both compute exactly the same partials. */
#include <stdint.h>

#include "backend-impl.h"
#include "dispatch.h"
#include "dot-impl.h"
#include "error.h"
#include "pool.h"
#include "reduce-order.h"
#include "widen.h"

/* X(dtype, element type, widen): the types whose products are formed
 * directly in double. */
#define DOUBLE_ELEMENTS(X)                           \
    X(GPUCC_F32, float, gpucci_widen_f32)            \
    X(GPUCC_F64, double, gpucci_widen_f64)

/* block_dot_T: one block of `len` elements in the canonical order: the full
 * groups of 16 products folded lane-wise (a plain array loop, which GCC
 * vectorises with its widest vectors, one prefetch per group of each input:
 * without it, one thread of an Intel Xeon folded at 0.75-0.84 of a plain
 * read loop over both inputs, with it at 0.91-1.09), the tail into lanes
 * 0..len%16-1, then the lanes combined by halving. Each product is exact in
 * double except for f64, where it is rounded once (the build never fuses it
 * into the addition). */
#define DEFINE_BLOCK_DOT(dtype, T, WIDEN)                                                \
    GPUCCI_HOT static double block_dot_##T(const void *xv, const void *yv, size_t len)  \
    {                                                                                   \
        const T *x = xv, *y = yv;                                                       \
        double lane[GPUCC_REDUCE_LANES] = {0};                                          \
        size_t full = len - len % GPUCC_REDUCE_LANES;                                   \
        for (size_t i = 0; i < full; i += GPUCC_REDUCE_LANES) {                         \
            GPUCCI_PREFETCH(x + i);                                                     \
            GPUCCI_PREFETCH(y + i);                                                     \
            for (int j = 0; j < GPUCC_REDUCE_LANES; j++)                                \
                lane[j] += WIDEN(x, i + j) * WIDEN(y, i + j);                           \
        }                                                                               \
        for (size_t j = 0; j < len - full; j++)                                         \
            lane[j] += WIDEN(x, full + j) * WIDEN(y, full + j);                         \
        GPUCC_COMBINE_LANES(GPUCC_STEP_SUM, lane);                                      \
        return lane[0];                                                                 \
    }
DOUBLE_ELEMENTS(DEFINE_BLOCK_DOT)

/* f16 and bf16: the block widened to floats first (exact; a loop GCC
 * vectorises), then the f32 block: the same products, so the same bits. */
#define DEFINE_HALF_BLOCK_DOT(T, WIDEN)                                                  \
    GPUCCI_HOT static double block_dot_##T(const void *xv, const void *yv, size_t len)  \
    {                                                                                   \
        const T *x = xv, *y = yv;                                                       \
        float wx[GPUCC_REDUCE_BLOCK], wy[GPUCC_REDUCE_BLOCK];                           \
        for (size_t i = 0; i < len; i++) {                                              \
            wx[i] = (float)WIDEN(x, i);                                                 \
            wy[i] = (float)WIDEN(y, i);                                                 \
        }                                                                               \
        return block_dot_float(wx, wy, len);                                            \
    }
#define WIDEN_F16_BITS(x, i) gpucci_f16_widen(((const uint16_t *)(x))[i])
DEFINE_HALF_BLOCK_DOT(gpucci_f16, WIDEN_F16_BITS)
DEFINE_HALF_BLOCK_DOT(gpucci_bf16, gpucci_widen_bf16)

/* i32: the block's exact products split into high and low 32-bit halves,
 * summed apart (both exact in int64: see gpucci_dot_integer_total). */
static void block_dot_i32(const int32_t *x, const int32_t *y, size_t len, int64_t *pair)
{
    int64_t high = 0, low = 0;
    for (size_t i = 0; i < len; i++) {
        int64_t p = (int64_t)x[i] * y[i];
        high += p >> 32;
        low += p & 0xffffffff;
    }
    pair[0] = high;
    pair[1] = low;
}

typedef double (*block_dot_fn)(const void *x, const void *y, size_t len);
static const block_dot_fn block_dots[GPUCC_DTYPE_COUNT] = {
    [GPUCC_F32] = block_dot_float, [GPUCC_F64] = block_dot_double, [GPUCC_F16] = block_dot_gpucci_f16,
    [GPUCC_BF16] = block_dot_gpucci_bf16};

typedef struct {
    gpucc_dtype dtype;
    const void *x, *y;
    size_t n;
    double *partials; /* i32: two int64 per block */
} dot_job;

/* A pool task: worker `index` of `count` computes its contiguous range of
 * the block partials. */
static void dot_part(void *job_, unsigned index, unsigned count)
{
    const dot_job *job = job_;
    size_t first, end, elem = gpucc_dtype_size(job->dtype);
    gpucci_split_range(gpucci_reduce_block_count(job->n), index, count, &first, &end);
    for (size_t b = first; b < end; b++) {
        size_t start = b * GPUCC_REDUCE_BLOCK;
        size_t len = job->n - start < GPUCC_REDUCE_BLOCK ? job->n - start : GPUCC_REDUCE_BLOCK;
        const char *x = (const char *)job->x + start * elem, *y = (const char *)job->y + start * elem;
        if (job->dtype == GPUCC_I32)
            block_dot_i32((const int32_t *)(const void *)x, (const int32_t *)(const void *)y, len,
                          (int64_t *)(void *)job->partials + 2 * b);
        else
            job->partials[b] = block_dots[job->dtype](x, y, len);
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

gpucc_status gpucci_dot_cpu(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y, size_t n,
                            gpucc_reduce_result *out)
{
    gpucci_partials *scratch = gpucci_workload_state(backend, &state_key, sizeof *scratch, release_scratch);
    size_t blocks = gpucci_reduce_block_count(n);
    dot_job job = {dtype, x, y, n, scratch ? gpucci_partials_reserve(scratch, 2 * blocks) : NULL};
    if (!job.partials)
        return GPUCC_E_NOMEM;
    gpucci_pool *pool = gpucci_pthreads_pool(backend);
    if (pool)
        gpucci_pool_run(pool, dot_part, &job);
    else
        dot_part(&job, 0, 1);
    if (dtype == GPUCC_I32)
        return gpucci_dot_integer_total((const int64_t *)(void *)job.partials, blocks, out);
    return gpucci_reduce_finish(GPUCC_REDUCE_SUM, dtype, job.partials, blocks, out);
}
