/* The serial backend: the single-threaded reference implementation, written
 * to be fast (vectorised lanes, no per-call allocation), not a strawman. */
#include <stdio.h>
#include <stdlib.h>

#include "backend-impl.h"
#include "cpu-kernels.h"
#include "cpuinfo.h"
#include "error.h"
#include "reduce-order.h"

typedef struct {
    gpucci_partials partials;
} serial_state;

static gpucc_status serial_open(gpucc_backend *backend, const gpucc_backend_config *config)
{
    (void)config;
    serial_state *state = calloc(1, sizeof *state);
    if (!state)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the serial backend");
    char model[200];
    gpucci_cpu_model(model, sizeof model);
    snprintf(backend->device, sizeof backend->device, "%s, 1 thread, %s", model, gpucci_cpu_isa());
    backend->impl = state;
    return GPUCC_OK;
}

static void serial_close(gpucc_backend *backend)
{
    serial_state *state = backend->impl;
    gpucci_partials_free(&state->partials);
    free(state);
}

static gpucc_status serial_reduce(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype, const void *x,
                                  size_t n, gpucc_reduce_result *out)
{
    serial_state *state = backend->impl;
    size_t blocks = gpucci_reduce_block_count(n);
    double *partials = gpucci_partials_reserve(&state->partials, blocks);
    if (!partials)
        return GPUCC_E_NOMEM;
    gpucci_reduce_blocks(op, dtype, x, n, 0, blocks, partials);
    return gpucci_reduce_finish(op, dtype, partials, blocks, out);
}

static gpucc_status serial_map(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                               const void *x, const void *y, void *out, size_t n, gpucc_call_info *info)
{
    (void)backend;
    (void)info;
    gpucci_cpu_map_range(fn, dtype, alpha, x, y, out, 0, n, gpucci_map_streams(fn, dtype, n));
    return GPUCC_OK;
}

static gpucc_status serial_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                                 const void *x, const void *w, const void *b, void *y, gpucc_call_info *info)
{
    (void)backend;
    info->impl = "loop nest";
    return gpucci_cpu_dense_serial(shape, dtype, x, w, b, y);
}

const gpucci_backend_ops gpucci_serial_ops = {
    .kind = GPUCC_BACKEND_SERIAL,
    .open = serial_open,
    .close = serial_close,
    .reduce = serial_reduce,
    .map = serial_map,
    .dense = serial_dense,
};
