/* The measurement of a workload whose result is one number (entry-point.h):
 * verification against the exact reference and bitwise-equal repeats. */
#include "entry-point.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    gpucci_scalar_call call;
    void *ctx;
    gpucc_reduce_op op;
    gpucc_dtype dtype;
    const gpucc_reference *ref;
    gpucc_reduce_result last; /* of the call that just ran */
    int have_first;
    gpucc_reduce_result first; /* the first call's: every later value must equal its */
} scalar_ctx;

static gpucc_status scalar_call(void *ctx_, gpucc_call_info *info, double *value)
{
    scalar_ctx *ctx = ctx_;
    gpucc_reduce_result result = {0}; /* a call that fails early may not touch it */
    gpucc_status status = ctx->call(ctx->ctx, &result);
    ctx->last = result;
    *value = result.value;
    info->flags = result.flags;
    info->timing = result.timing;
    info->impl = NULL;
    return status;
}

static int scalar_check(void *ctx_, double value, double *error, char *reason, size_t reason_size)
{
    scalar_ctx *ctx = ctx_;
    const gpucc_reduce_result *last = &ctx->last;
    int correct = gpucc_reduce_verify_typed(ctx->op, ctx->dtype, last, ctx->ref, error);
    const gpucc_reference *ref = ctx->ref;
    if (!correct && ctx->dtype == GPUCC_I32 && ctx->op == GPUCC_REDUCE_SUM) {
        snprintf(reason, reason_size, "%lld is not the exact sum %lld", (long long)last->integer,
                 (long long)ref->integer_sum);
        return 0;
    }
    if (!correct) {
        snprintf(reason, reason_size, "%.17g is outside the error bound of the reference %.17g", value,
                 ctx->op == GPUCC_REDUCE_SUM ? ref->sum : ctx->op == GPUCC_REDUCE_MIN ? ref->min : ref->max);
        return 0;
    }
    if (ctx->have_first && (memcmp(&value, &ctx->first.value, sizeof value) != 0 ||
                            last->integer != ctx->first.integer)) {
        snprintf(reason, reason_size, "gave %.17g, an earlier call %.17g (not deterministic)", value,
                 ctx->first.value);
        return 0;
    }
    ctx->have_first = 1;
    ctx->first = *last;
    return 1;
}

gpucc_status gpucci_measure_scalar(const char *what, gpucci_scalar_call call, void *ctx, gpucc_reduce_op op,
                                   gpucc_dtype dtype, const gpucc_reference *ref, const gpucc_plan *plan,
                                   gpucc_measurement *out)
{
    if (!ref)
        return gpucci_fail(GPUCC_E_INVALID, "%s: no reference", what);
    scalar_ctx scalar = {.call = call, .ctx = ctx, .op = op, .dtype = dtype, .ref = ref};
    gpucc_status status = gpucc_measure(plan, scalar_call, scalar_check, 1, &scalar, out);
    if (status == GPUCC_OK && out)
        out->integer = scalar.last.integer;
    return status;
}
