#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

gpucc_stats gpucc_stats_of(double *values, size_t count)
{
    if (!values || count == 0)
        return (gpucc_stats){NAN, NAN, NAN};
    qsort(values, count, sizeof *values, compare_doubles);
    double median = count % 2 ? values[count / 2] : 0.5 * (values[count / 2 - 1] + values[count / 2]);
    return (gpucc_stats){median, values[0], values[count - 1]};
}

/* NaN matches NaN, an infinity matches the same infinity. */
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

gpucc_status gpucc_measure(const gpucc_plan *plan, gpucc_call_fn call, gpucc_check_fn check, int check_every_call,
                           void *ctx, gpucc_measurement *out)
{
    if (!plan || plan->repeat == 0 || plan->warmup > UINT_MAX - plan->repeat || !call || !check || !out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_measure: invalid arguments");
    memset(out, 0, sizeof *out);
    double *samples = malloc(3 * (size_t)plan->repeat * sizeof *samples);
    if (!samples)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %u timing samples", plan->repeat);
    double *total = samples, *kernel = samples + plan->repeat, *transfer = samples + 2 * plan->repeat;
    unsigned calls = plan->warmup + plan->repeat;
    out->verified = 1;
    gpucc_status status = GPUCC_OK;
    for (unsigned i = 0; i < calls; i++) {
        gpucc_call_info info;
        double value = 0;
        status = call(ctx, &info, &value);
        if (status != GPUCC_OK)
            break;
        if (check_every_call || i == 0 || i + 1 == calls) {
            double error = 0;
            char reason[160] = "";
            if (!check(ctx, value, &error, reason, sizeof reason) && out->verified) {
                out->verified = 0;
                snprintf(out->reason, sizeof out->reason, "call %u: %s", i + 1, reason);
            }
            if (!(error <= out->error))
                out->error = error;
        }
        out->value = value;
        out->flags = info.flags;
        out->impl = info.impl;
        if (i >= plan->warmup) {
            total[i - plan->warmup] = info.timing.total_ms;
            kernel[i - plan->warmup] = info.timing.kernel_ms;
            transfer[i - plan->warmup] = info.timing.transfer_ms;
        }
    }
    if (status == GPUCC_OK) {
        out->total_ms = gpucc_stats_of(total, plan->repeat);
        out->kernel_ms = gpucc_stats_of(kernel, plan->repeat);
        out->transfer_ms = gpucc_stats_of(transfer, plan->repeat);
    }
    free(samples);
    return status;
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
