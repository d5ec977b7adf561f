#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "backend-impl.h"
#include "error.h"
#include "pool.h"
#include "reduce-order.h"
#include "timer.h"

static const gpucci_backend_ops *const registry[GPUCC_BACKEND_COUNT] = {
    [GPUCC_BACKEND_SERIAL] = &gpucci_serial_ops,
    [GPUCC_BACKEND_PTHREADS] = &gpucci_pthreads_ops,
    [GPUCC_BACKEND_OPENCL] = &gpucci_opencl_ops,
};

static const char *const backend_names[GPUCC_BACKEND_COUNT] = {"serial", "pthreads", "opencl"};
static const char *const reduce_op_names[GPUCC_REDUCE_OP_COUNT] = {"sum", "min", "max"};
static const char *const map_fn_names[GPUCC_MAP_FN_COUNT] = {"square", "saxpy", "relu", "sigmoid", "tanh", "exp"};
static const char *const activation_names[GPUCC_ACT_COUNT] = {"none", "relu", "sigmoid", "tanh"};

const char *gpucc_backend_kind_name(gpucc_backend_kind kind)
{
    return (unsigned)kind < GPUCC_BACKEND_COUNT ? backend_names[kind] : NULL;
}

/* Finds name (case-insensitive) in names[0..count) and stores its index in
 * *index; else records "unknown WHAT 'NAME' (expected a, b or c)". */
static gpucc_status parse_name(const char *name, const char *const *names, int count, const char *what, int *index)
{
    for (int i = 0; name && i < count; i++)
        if (strcasecmp(name, names[i]) == 0) {
            *index = i;
            return GPUCC_OK;
        }
    char expected[160] = "";
    for (int i = 0; i < count; i++) {
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s", i == 0 ? "" : i + 1 == count ? " or " : ", ",
                 names[i]);
    }
    return gpucci_fail(GPUCC_E_INVALID, "unknown %s '%s' (expected %s)", what, name ? name : "", expected);
}

/* Parses into an enum through an int; a NULL out is refused. */
#define PARSE_ENUM(name, names, count, what, out)                              \
    do {                                                                       \
        if (!(out))                                                            \
            return gpucci_fail(GPUCC_E_INVALID, "parsing a %s name: the output pointer is NULL", what); \
        int index_ = 0;                                                        \
        gpucc_status status_ = parse_name(name, names, count, what, &index_);  \
        if (status_ == GPUCC_OK)                                               \
            *(out) = index_;                                                   \
        return status_;                                                        \
    } while (0)

gpucc_status gpucc_backend_kind_parse(const char *name, gpucc_backend_kind *out)
{
    PARSE_ENUM(name, backend_names, GPUCC_BACKEND_COUNT, "backend", out);
}

const char *gpucc_reduce_op_name(gpucc_reduce_op op)
{
    return (unsigned)op < GPUCC_REDUCE_OP_COUNT ? reduce_op_names[op] : NULL;
}

gpucc_status gpucc_reduce_op_parse(const char *name, gpucc_reduce_op *out)
{
    PARSE_ENUM(name, reduce_op_names, GPUCC_REDUCE_OP_COUNT, "reduction", out);
}

const char *gpucc_map_fn_name(gpucc_map_fn fn)
{
    return (unsigned)fn < GPUCC_MAP_FN_COUNT ? map_fn_names[fn] : NULL;
}

gpucc_status gpucc_map_fn_parse(const char *name, gpucc_map_fn *out)
{
    PARSE_ENUM(name, map_fn_names, GPUCC_MAP_FN_COUNT, "function", out);
}

const char *gpucc_activation_name(gpucc_activation act)
{
    return (unsigned)act < GPUCC_ACT_COUNT ? activation_names[act] : NULL;
}

gpucc_status gpucc_activation_parse(const char *name, gpucc_activation *out)
{
    PARSE_ENUM(name, activation_names, GPUCC_ACT_COUNT, "activation", out);
}

/* Checks the fields of a config that every backend shares the meaning of:
 * enums in range and a thread count within the limit. */
static gpucc_status check_config(const gpucc_backend_config *config)
{
    if ((unsigned)config->shape > GPUCC_SHAPE_GPU)
        return gpucci_fail(GPUCC_E_INVALID, "backend config: kernel shape %d is out of range (0..%d)",
                          (int)config->shape, GPUCC_SHAPE_GPU);
    if ((unsigned)config->dense_impl > GPUCC_DENSE_KERNEL)
        return gpucci_fail(GPUCC_E_INVALID, "backend config: dense implementation %d is out of range (0..%d)",
                          (int)config->dense_impl, GPUCC_DENSE_KERNEL);
    if (config->threads > GPUCC_MAX_THREADS)
        return gpucci_fail(GPUCC_E_INVALID, "backend config: %u threads is more than the limit of %d",
                          config->threads, GPUCC_MAX_THREADS);
    return GPUCC_OK;
}

gpucc_status gpucc_backend_open(gpucc_backend_kind kind, const gpucc_backend_config *config,
                                gpucc_backend **out)
{
    static const gpucc_backend_config defaults;
    if (out)
        *out = NULL;
    if (!out || (unsigned)kind >= GPUCC_BACKEND_COUNT)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_backend_open: %s", out ? "backend kind out of range"
                                                                          : "out is NULL");
    if (!config)
        config = &defaults;
    gpucc_status status = check_config(config);
    if (status != GPUCC_OK)
        return status;
    gpucc_backend *backend = calloc(1, sizeof *backend);
    if (!backend)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a backend");
    backend->ops = registry[kind];
    status = backend->ops->open(backend, config);
    if (status != GPUCC_OK) {
        free(backend);
        return status;
    }
    backend->magic = GPUCC_BACKEND_MAGIC;
    *out = backend;
    return GPUCC_OK;
}

void gpucc_backend_close(gpucc_backend *backend)
{
    if (!backend)
        return;
    GPUCC_ASSERT_OPEN(backend);
    backend->magic = 0;
    backend->ops->close(backend);
    free(backend);
}

gpucc_backend_kind gpucc_backend_kind_of(const gpucc_backend *backend)
{
    GPUCC_ASSERT_OPEN(backend);
    return backend ? backend->ops->kind : GPUCC_BACKEND_COUNT;
}

const char *gpucc_backend_device(const gpucc_backend *backend)
{
    GPUCC_ASSERT_OPEN(backend);
    return backend ? backend->device : "";
}

/* Runs call() between two clock reads; kernel time defaults to the total
 * where the backend has no device timer. */
#define TIMED_CALL(timing, call)                                              \
    do {                                                                      \
        (timing).kernel_ms = NAN;                                             \
        double start_ = gpucci_now_ms();                                       \
        status = (call);                                                      \
        (timing).total_ms = gpucci_now_ms() - start_;                          \
        if (isnan((timing).kernel_ms))                                        \
            (timing).kernel_ms = (timing).total_ms;                           \
    } while (0)

gpucc_status gpucc_map(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                       float *out, size_t n, gpucc_call_info *info)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !info || (unsigned)fn >= GPUCC_MAP_FN_COUNT || (n > 0 && (!x || !out)) ||
        (n > 0 && fn == GPUCC_MAP_SAXPY && !y) || n > SIZE_MAX / sizeof(float))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: invalid arguments");
    if (gpucci_floats_overlap(out, x, n) || (fn == GPUCC_MAP_SAXPY && gpucci_floats_overlap(out, y, n)))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: out overlaps an input");
    memset(info, 0, sizeof *info);
    if (n == 0)
        return GPUCC_OK;
    gpucc_status status;
    TIMED_CALL(info->timing, backend->ops->map(backend, fn, alpha, x, y, out, n, info));
    return status;
}

gpucc_status gpucc_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, const float *x, const float *w,
                         const float *b, float *y, gpucc_call_info *info)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !shape || !info || !x || !w || !b || !y)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dense: invalid arguments");
    gpucc_status status = gpucc_dense_shape_check(shape);
    if (status != GPUCC_OK)
        return status;
    memset(info, 0, sizeof *info);
    TIMED_CALL(info->timing, backend->ops->dense(backend, shape, x, w, b, y, info));
    return status;
}

gpucc_status gpucc_reduce(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                          gpucc_reduce_result *out)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !out || (!x && n > 0) || (unsigned)op >= GPUCC_REDUCE_OP_COUNT ||
        n > SIZE_MAX / sizeof(float))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_reduce: invalid arguments");
    memset(out, 0, sizeof *out);
    if (n == 0) {
        out->value = gpucci_reduce_identity(op);
        return GPUCC_OK;
    }
    gpucc_status status;
    TIMED_CALL(out->timing, backend->ops->reduce(backend, op, x, n, out));
    return status;
}
