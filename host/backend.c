#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend-impl.h"
#include "error.h"
#include "reduce-order.h"
#include "timer.h"

static const gpucc_backend_ops *const registry[GPUCC_BACKEND_COUNT] = {
    [GPUCC_BACKEND_SERIAL] = &gpucc_serial_ops,
    [GPUCC_BACKEND_PTHREADS] = &gpucc_pthreads_ops,
    [GPUCC_BACKEND_OPENCL] = &gpucc_opencl_ops,
};

static const char *const backend_names[GPUCC_BACKEND_COUNT] = {"serial", "pthreads", "opencl"};
static const char *const reduce_op_names[GPUCC_REDUCE_OP_COUNT] = {"sum", "min", "max"};

const char *gpucc_backend_kind_name(gpucc_backend_kind kind)
{
    return (unsigned)kind < GPUCC_BACKEND_COUNT ? backend_names[kind] : NULL;
}

/* Index of name in names[0..count), or -1. */
static int find_name(const char *name, const char *const *names, int count)
{
    for (int i = 0; name && i < count; i++)
        if (strcasecmp(name, names[i]) == 0)
            return i;
    return -1;
}

gpucc_status gpucc_backend_kind_parse(const char *name, gpucc_backend_kind *out)
{
    int i = find_name(name, backend_names, GPUCC_BACKEND_COUNT);
    if (i < 0)
        return gpucc_fail(GPUCC_E_INVALID, "unknown backend '%s' (expected serial, pthreads or opencl)",
                          name ? name : "");
    *out = (gpucc_backend_kind)i;
    return GPUCC_OK;
}

const char *gpucc_reduce_op_name(gpucc_reduce_op op)
{
    return (unsigned)op < GPUCC_REDUCE_OP_COUNT ? reduce_op_names[op] : NULL;
}

gpucc_status gpucc_reduce_op_parse(const char *name, gpucc_reduce_op *out)
{
    int i = find_name(name, reduce_op_names, GPUCC_REDUCE_OP_COUNT);
    if (i < 0)
        return gpucc_fail(GPUCC_E_INVALID, "unknown reduction '%s' (expected sum, min or max)",
                          name ? name : "");
    *out = (gpucc_reduce_op)i;
    return GPUCC_OK;
}

gpucc_status gpucc_backend_open(gpucc_backend_kind kind, const gpucc_backend_config *config,
                                gpucc_backend **out)
{
    static const gpucc_backend_config defaults;
    if (!out || (unsigned)kind >= GPUCC_BACKEND_COUNT)
        return gpucc_fail(GPUCC_E_INVALID, "gpucc_backend_open: invalid arguments");
    gpucc_backend *backend = calloc(1, sizeof *backend);
    if (!backend)
        return gpucc_fail(GPUCC_E_NOMEM, "cannot allocate a backend");
    backend->ops = registry[kind];
    gpucc_status status = backend->ops->open(backend, config ? config : &defaults);
    if (status != GPUCC_OK) {
        free(backend);
        return status;
    }
    *out = backend;
    return GPUCC_OK;
}

void gpucc_backend_close(gpucc_backend *backend)
{
    if (!backend)
        return;
    backend->ops->close(backend);
    free(backend);
}

gpucc_backend_kind gpucc_backend_kind_of(const gpucc_backend *backend)
{
    return backend->ops->kind;
}

const char *gpucc_backend_device(const gpucc_backend *backend)
{
    return backend->device;
}

gpucc_status gpucc_reduce(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                          gpucc_reduce_result *out)
{
    if (!backend || !out || (!x && n > 0) || (unsigned)op >= GPUCC_REDUCE_OP_COUNT)
        return gpucc_fail(GPUCC_E_INVALID, "gpucc_reduce: invalid arguments");
    memset(out, 0, sizeof *out);
    if (n == 0) {
        out->value = gpucc_reduce_identity(op);
        return GPUCC_OK;
    }
    out->timing.kernel_ms = NAN;
    double start = gpucc_now_ms();
    gpucc_status status = backend->ops->reduce(backend, op, x, n, out);
    out->timing.total_ms = gpucc_now_ms() - start;
    if (isnan(out->timing.kernel_ms))
        out->timing.kernel_ms = out->timing.total_ms;
    return status;
}
