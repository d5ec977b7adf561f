/* gpucc_reduce and what is particular to measuring a reduction: its
 * verification against the exact reference and bitwise-equal repeats. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend-impl.h"
#include "error.h"
#include "reduce-order.h"
#include "entry-point.h"

gpucc_status gpucc_reduce(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                          gpucc_reduce_result *out)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !out || (!x && n > 0) || (unsigned)op >= GPUCC_REDUCE_OP_COUNT ||
        n > SIZE_MAX / sizeof(float))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_reduce: invalid arguments");
    GPUCCI_REQUIRE_OP(backend, reduce);
    memset(out, 0, sizeof *out);
    if (n == 0) {
        out->value = gpucci_reduce_identity(op);
        return GPUCC_OK;
    }
    gpucc_status status;
    TIMED_CALL(out->timing, backend->ops->reduce(backend, op, x, n, out));
    return status;
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

typedef struct {
    gpucc_backend *backend;
    gpucc_reduce_op op;
    const float *x;
    size_t n;
    const gpucc_reference *ref;
    int have_first;
    double first;   /* the first call's value: every later one must equal it */
} reduce_ctx;

static gpucc_status reduce_call(void *ctx_, gpucc_call_info *info, double *value)
{
    reduce_ctx *ctx = ctx_;
    gpucc_reduce_result result;
    gpucc_status status = gpucc_reduce(ctx->backend, ctx->op, ctx->x, ctx->n, &result);
    *value = result.value;
    info->flags = result.flags;
    info->timing = result.timing;
    info->impl = NULL;
    return status;
}

static int reduce_check(void *ctx_, double value, double *error, char *reason, size_t reason_size)
{
    reduce_ctx *ctx = ctx_;
    int correct = gpucc_reduce_verify(ctx->op, value, ctx->ref, error);
    const gpucc_reference *ref = ctx->ref;
    if (!correct) {
        snprintf(reason, reason_size, "%.17g is outside the error bound of the reference %.17g", value,
                 ctx->op == GPUCC_REDUCE_SUM ? ref->sum : ctx->op == GPUCC_REDUCE_MIN ? ref->min : ref->max);
        return 0;
    }
    if (ctx->have_first && memcmp(&value, &ctx->first, sizeof value) != 0) {
        snprintf(reason, reason_size, "gave %.17g, an earlier call %.17g (not deterministic)", value, ctx->first);
        return 0;
    }
    ctx->have_first = 1;
    ctx->first = value;
    return 1;
}

gpucc_status gpucc_reduce_measure(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                                  const gpucc_reference *ref, const gpucc_plan *plan, gpucc_measurement *out)
{
    if (!ref)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_reduce_measure: no reference");
    reduce_ctx ctx = {backend, op, x, n, ref, 0, 0};
    return gpucc_measure(plan, reduce_call, reduce_check, 1, &ctx, out);
}
