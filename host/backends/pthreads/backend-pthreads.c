/* The pthreads backend: the serial backend's block routine run on a
 * persistent pool, each thread owning a contiguous range of blocks, so both
 * compute exactly the same function (PoCL's pthread driver reuses its basic
 * driver the same way). */
#include <stdio.h>
#include <stdlib.h>

#include "backend-impl.h"
#include "cpu-kernels.h"
#include "cpuinfo.h"
#include "error.h"
#include "pool.h"
#include "reduce-order.h"

typedef struct {
    gpucci_pool *pool;
    gpucci_partials partials;
    float *dense_x;        /* f16 and bf16 dense: X widened, kept between calls */
    size_t dense_x_floats; /* its capacity */
    float *dense_scratch;  /* dense: the tiles' scratch, one part per pool thread, kept between calls */
    size_t dense_scratch_floats; /* its capacity */
} pthreads_state;

static gpucc_status pthreads_open(gpucc_backend *backend, const gpucc_backend_config *config)
{
    unsigned threads;
    gpucc_status status = gpucci_threads_resolve(config->threads, "pthreads backend", &threads);
    if (status != GPUCC_OK)
        return status;
    pthreads_state *state = calloc(1, sizeof *state);
    if (!state)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the pthreads backend");
    status = gpucci_pool_create(threads, &state->pool);
    if (status != GPUCC_OK) {
        free(state);
        return status;
    }
    char model[200];
    gpucci_cpu_model(model, sizeof model);
    snprintf(backend->device, sizeof backend->device, "%s, %u thread%s, %s", model, threads,
             threads == 1 ? "" : "s", gpucci_cpu_isa());
    backend->impl = state;
    return GPUCC_OK;
}

static void pthreads_close(gpucc_backend *backend)
{
    pthreads_state *state = backend->impl;
    gpucci_pool_free(state->pool);
    gpucci_partials_free(&state->partials);
    gpucc_free_floats(state->dense_x);
    gpucc_free_floats(state->dense_scratch);
    free(state);
}

gpucci_pool *gpucci_pthreads_pool(const gpucc_backend *backend)
{
    return backend->ops == &gpucci_pthreads_ops ? ((pthreads_state *)backend->impl)->pool : NULL;
}

typedef struct {
    gpucc_reduce_op op;
    gpucc_dtype dtype;
    const void *x;
    size_t n;
    double *partials;
} reduce_job;

static void reduce_part(void *ctx, unsigned index, unsigned count)
{
    const reduce_job *job = ctx;
    size_t first, end;
    gpucci_split_range(gpucci_reduce_block_count(job->n), index, count, &first, &end);
    gpucci_reduce_blocks(job->op, job->dtype, job->x, job->n, first, end, job->partials);
}

static gpucc_status pthreads_reduce(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype, const void *x,
                                    size_t n, gpucc_reduce_result *out)
{
    pthreads_state *state = backend->impl;
    size_t blocks = gpucci_reduce_block_count(n);
    reduce_job job = {op, dtype, x, n, gpucci_partials_reserve(&state->partials, blocks)};
    if (!job.partials)
        return GPUCC_E_NOMEM;
    gpucci_pool_run(state->pool, reduce_part, &job);
    return gpucci_reduce_finish(op, dtype, job.partials, blocks, out);
}

typedef struct {
    gpucc_map_fn fn;
    gpucc_dtype dtype;
    double alpha;
    const void *x, *y;
    void *out;
    size_t n;
    bool stream; /* the whole call's choice (gpucci_map_streams) */
} map_job;

static void map_part(void *ctx, unsigned index, unsigned count)
{
    const map_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    gpucci_cpu_map_range(job->fn, job->dtype, job->alpha, job->x, job->y, job->out, begin, end, job->stream);
}

static gpucc_status pthreads_map(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                                 const void *x, const void *y, void *out, size_t n, gpucc_call_info *info)
{
    pthreads_state *state = backend->impl;
    map_job job = {fn, dtype, alpha, x, y, out, n, gpucci_map_streams(fn, dtype, n)};
    (void)info;
    gpucci_pool_run(state->pool, map_part, &job);
    return GPUCC_OK;
}

typedef struct {
    const gpucc_dense_shape *shape;
    gpucc_dtype dtype;
    const void *x, *w, *b;
    void *y;
    const float *xf; /* X as floats: x itself for f32, else widened into `widened` */
    float *widened;
    float *scratch;        /* the tiles' scratch: part i at scratch + i * scratch_floats */
    size_t scratch_floats; /* gpucci_cpu_dense_scratch_floats(dtype) */
} dense_job;

/* A kept buffer (*buffer, of *capacity floats) grown to n floats if
 * smaller; NULL (last error set, naming `what`) when out of memory. */
static float *kept_floats(float **buffer, size_t *capacity, size_t n, const char *what)
{
    if (*capacity < n) {
        gpucc_free_floats(*buffer);
        *capacity = 0;
        if (!(*buffer = gpucc_alloc_floats(n))) {
            gpucci_fail(GPUCC_E_NOMEM, "dense: cannot allocate %s as %zu floats", what, n);
            return NULL;
        }
        *capacity = n;
    }
    return *buffer;
}

/* Widens part `index` of `count` of X (f16, bf16) into job->widened. */
static void dense_widen_part(void *ctx, unsigned index, unsigned count)
{
    const dense_job *job = ctx;
    size_t first, end;
    gpucci_split_range(job->shape->batch * job->shape->in, index, count, &first, &end);
    gpucci_cpu_dense_widen(job->dtype, job->x, first, job->widened + first, end - first);
}

static void dense_part(void *ctx, unsigned index, unsigned count)
{
    const dense_job *job = ctx;
    size_t first, end;
    gpucci_split_range(gpucci_cpu_dense_tile_count(job->shape), index, count, &first, &end);
    gpucci_cpu_dense_tiles(job->shape, job->dtype, job->xf, job->w, job->b, job->y, first, end,
                           job->scratch + index * job->scratch_floats);
}

/* Each thread's tiles run in its own part of a scratch buffer the backend
 * keeps (the packed panels, off the workers' and the caller's stacks). f16
 * and bf16: X is widened to floats once per call (all threads, into a
 * buffer the backend keeps), then the tiles read it as they read an f32 X. */
static gpucc_status pthreads_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                                   const void *x, const void *w, const void *b, void *y, gpucc_call_info *info)
{
    pthreads_state *state = backend->impl;
    size_t per_thread = gpucci_cpu_dense_scratch_floats(dtype);
    dense_job job = {shape, dtype, x, w, b, y, x, NULL, NULL, per_thread};
    job.scratch = kept_floats(&state->dense_scratch, &state->dense_scratch_floats,
                              per_thread * gpucci_pool_size(state->pool), "the tiles' scratch");
    if (!job.scratch)
        return GPUCC_E_NOMEM;
    if (dtype != GPUCC_F32) {
        if (!(job.widened = kept_floats(&state->dense_x, &state->dense_x_floats, shape->batch * shape->in, "X")))
            return GPUCC_E_NOMEM;
        gpucci_pool_run(state->pool, dense_widen_part, &job);
        job.xf = job.widened;
    }
    gpucci_pool_run(state->pool, dense_part, &job);
    info->impl = "tiled";
    return GPUCC_OK;
}

const gpucci_backend_ops gpucci_pthreads_ops = {
    .kind = GPUCC_BACKEND_PTHREADS,
    .open = pthreads_open,
    .close = pthreads_close,
    .reduce = pthreads_reduce,
    .map = pthreads_map,
    .dense = pthreads_dense,
};
