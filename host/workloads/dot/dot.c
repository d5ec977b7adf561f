/* gpucc_dot and its measurement: arguments checked, the backend's
 * implementation chosen from one table and timed. */
#include <stdint.h>
#include <string.h>

#include "backend-impl.h"
#include "dot-impl.h"
#include "entry-point.h"
#include "error.h"

/* The implementation for each backend kind. */
static const gpucci_dot_impl implementations[GPUCC_BACKEND_COUNT] = {
    [GPUCC_BACKEND_SERIAL] = gpucci_dot_cpu,
    [GPUCC_BACKEND_PTHREADS] = gpucci_dot_cpu,
#if GPUCCI_WITH_OPENCL
    [GPUCC_BACKEND_OPENCL] = gpucci_dot_opencl,
#endif
};

gpucc_status gpucc_dot(gpucc_backend *backend, const float *x, const float *y, size_t n, gpucc_reduce_result *out)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !out || ((!x || !y) && n > 0) || n > SIZE_MAX / sizeof(float))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dot: invalid arguments");
    gpucci_dot_impl implementation = implementations[backend->ops->kind];
    if (!implementation)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "the %s backend does not implement dot",
                           gpucc_backend_kind_name(backend->ops->kind));
    memset(out, 0, sizeof *out);
    if (n == 0)
        return GPUCC_OK; /* value +0.0: the empty sum */
    gpucc_status status;
    TIMED_CALL(out->timing, implementation(backend, x, y, n, out));
    return status;
}

typedef struct {
    gpucc_backend *backend;
    const float *x, *y;
    size_t n;
} dot_ctx;

static gpucc_status dot_call(void *ctx_, gpucc_reduce_result *out)
{
    const dot_ctx *ctx = ctx_;
    return gpucc_dot(ctx->backend, ctx->x, ctx->y, ctx->n, out);
}

gpucc_status gpucc_dot_measure(gpucc_backend *backend, const float *x, const float *y, size_t n,
                               const gpucc_reference *ref, const gpucc_plan *plan, gpucc_measurement *out)
{
    dot_ctx ctx = {backend, x, y, n};
    return gpucci_measure_scalar("gpucc_dot_measure", dot_call, &ctx, GPUCC_REDUCE_SUM, GPUCC_F32, ref, plan, out);
}
