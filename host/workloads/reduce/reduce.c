/* gpucc_reduce, its verification against the exact reference, and its
 * measurement (entry-point.h: verified, bitwise-equal repeats). */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "backend-impl.h"
#include "error.h"
#include "reduce-order.h"
#include "entry-point.h"

gpucc_status gpucc_reduce_typed(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype, const void *x,
                                size_t n, gpucc_reduce_result *out)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !out || (!x && n > 0) || (unsigned)op >= GPUCC_REDUCE_OP_COUNT ||
        (unsigned)dtype >= GPUCC_DTYPE_COUNT || n > SIZE_MAX / gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_reduce: invalid arguments");
    GPUCCI_REQUIRE_OP(backend, reduce);
    memset(out, 0, sizeof *out);
    if (n == 0) {
        out->value = gpucci_reduce_identity(op);
        return GPUCC_OK;
    }
    gpucc_status status;
    TIMED_CALL(out->timing, backend->ops->reduce(backend, op, dtype, x, n, out));
    return status;
}

gpucc_status gpucc_reduce(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                          gpucc_reduce_result *out)
{
    return gpucc_reduce_typed(backend, op, GPUCC_F32, x, n, out);
}

static int same_special(double value, double exact)
{
    return isnan(exact) ? isnan(value) : value == exact;
}

int gpucc_reduce_verify(gpucc_reduce_op op, double value, const gpucc_reference *ref, double *error)
{
    if (!ref || !error || (unsigned)op >= GPUCC_REDUCE_OP_COUNT) {
        gpucci_fail(GPUCC_E_INVALID, "gpucc_reduce_verify: invalid arguments");
        return 0;
    }
    double exact = op == GPUCC_REDUCE_MIN ? ref->min : op == GPUCC_REDUCE_MAX ? ref->max : ref->sum;
    if (!isfinite(exact) || !isfinite(value)) {
        int ok = same_special(value, exact);
        *error = ok ? 0.0 : INFINITY;
        return ok;
    }
    double diff = fabs(value - exact);
    if (op != GPUCC_REDUCE_SUM) {
        *error = diff == 0 ? 0.0 : diff / fabs(exact);
        return diff == 0;
    }
    *error = diff == 0 ? 0.0 : diff / ref->abs_sum;
    return diff <= GPUCC_SUM_RELATIVE_BOUND * ref->abs_sum;
}

int gpucc_reduce_verify_typed(gpucc_reduce_op op, gpucc_dtype dtype, const gpucc_reduce_result *result,
                              const gpucc_reference *ref, double *error)
{
    if (!result || !ref || !error || (unsigned)op >= GPUCC_REDUCE_OP_COUNT || (unsigned)dtype >= GPUCC_DTYPE_COUNT) {
        gpucci_fail(GPUCC_E_INVALID, "gpucc_reduce_verify_typed: invalid arguments");
        return 0;
    }
    if (dtype == GPUCC_I32 && op == GPUCC_REDUCE_SUM) {
        int exact = !ref->integer_overflow && result->integer == ref->integer_sum;
        *error = exact ? 0.0 : INFINITY;
        return exact;
    }
    if (dtype != GPUCC_F64 || op != GPUCC_REDUCE_SUM || !isfinite(ref->sum) || !isfinite(result->value))
        return gpucc_reduce_verify(op, result->value, ref, error);
    double diff = fabs(result->value - ref->sum);
    *error = diff == 0 ? 0.0 : diff / ref->abs_sum;
    return diff <= GPUCC_SUM_RELATIVE_BOUND_F64 * ref->abs_sum;
}

typedef struct {
    gpucc_backend *backend;
    gpucc_reduce_op op;
    gpucc_dtype dtype;
    const void *x;
    size_t n;
} reduce_ctx;

static gpucc_status reduce_call(void *ctx_, gpucc_reduce_result *out)
{
    const reduce_ctx *ctx = ctx_;
    return gpucc_reduce_typed(ctx->backend, ctx->op, ctx->dtype, ctx->x, ctx->n, out);
}

gpucc_status gpucc_reduce_measure_typed(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype, const void *x,
                                        size_t n, const gpucc_reference *ref, const gpucc_plan *plan,
                                        gpucc_measurement *out)
{
    reduce_ctx ctx = {backend, op, dtype, x, n};
    return gpucci_measure_scalar("gpucc_reduce_measure", reduce_call, &ctx, op, dtype, ref, plan, out);
}

gpucc_status gpucc_reduce_measure(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                                  const gpucc_reference *ref, const gpucc_plan *plan, gpucc_measurement *out)
{
    return gpucc_reduce_measure_typed(backend, op, GPUCC_F32, x, n, ref, plan, out);
}
