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

gpucc_status gpucc_dot_typed(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y, size_t n,
                             gpucc_reduce_result *out)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !out || ((!x || !y) && n > 0) || (unsigned)dtype >= GPUCC_DTYPE_COUNT ||
        n > SIZE_MAX / gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dot: invalid arguments");
    gpucci_dot_impl implementation = implementations[backend->ops->kind];
    if (!implementation)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "the %s backend does not implement dot",
                           gpucc_backend_kind_name(backend->ops->kind));
    memset(out, 0, sizeof *out);
    if (n == 0)
        return GPUCC_OK; /* value +0.0: the empty sum */
    gpucc_status status;
    TIMED_CALL(out->timing, implementation(backend, dtype, x, y, n, out));
    return status;
}

gpucc_status gpucc_dot(gpucc_backend *backend, const float *x, const float *y, size_t n, gpucc_reduce_result *out)
{
    return gpucc_dot_typed(backend, GPUCC_F32, x, y, n, out);
}

__extension__ typedef __int128 wide_int;

gpucc_status gpucci_dot_integer_total(const int64_t *pairs, size_t blocks, gpucc_reduce_result *out)
{
    wide_int high = 0, low = 0;
    for (size_t b = 0; b < blocks; b++) {
        high += pairs[2 * b];
        low += pairs[2 * b + 1];
    }
    wide_int total = high * ((wide_int)1 << 32) + low;
    if (total > INT64_MAX || total < INT64_MIN)
        return gpucci_fail(GPUCC_E_OVERFLOW, "the i32 dot product lies outside the 64-bit integer range");
    out->integer = (int64_t)total;
    out->value = (double)out->integer;
    return GPUCC_OK;
}

typedef struct {
    gpucc_backend *backend;
    gpucc_dtype dtype;
    const void *x, *y;
    size_t n;
} dot_ctx;

static gpucc_status dot_call(void *ctx_, gpucc_reduce_result *out)
{
    const dot_ctx *ctx = ctx_;
    return gpucc_dot_typed(ctx->backend, ctx->dtype, ctx->x, ctx->y, ctx->n, out);
}

gpucc_status gpucc_dot_measure_typed(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y,
                                     size_t n, const gpucc_reference *ref, const gpucc_plan *plan,
                                     gpucc_measurement *out)
{
    dot_ctx ctx = {backend, dtype, x, y, n};
    return gpucci_measure_scalar("gpucc_dot_measure", dot_call, &ctx, GPUCC_REDUCE_SUM, dtype, ref, plan, out);
}

gpucc_status gpucc_dot_measure(gpucc_backend *backend, const float *x, const float *y, size_t n,
                               const gpucc_reference *ref, const gpucc_plan *plan, gpucc_measurement *out)
{
    return gpucc_dot_measure_typed(backend, GPUCC_F32, x, y, n, ref, plan, out);
}
