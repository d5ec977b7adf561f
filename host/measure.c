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

gpucc_status gpucc_reduce_measure(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                                  const gpucc_reference *ref, const gpucc_plan *plan,
                                  gpucc_reduce_measurement *out)
{
    if (!plan || plan->repeat == 0 || !ref || !out)
        return gpucc_fail(GPUCC_E_INVALID, "gpucc_reduce_measure: invalid arguments");
    memset(out, 0, sizeof *out);
    double *samples = malloc(3 * (size_t)plan->repeat * sizeof *samples);
    if (!samples)
        return gpucc_fail(GPUCC_E_NOMEM, "cannot allocate %u timing samples", plan->repeat);
    double *total = samples, *kernel = samples + plan->repeat, *transfer = samples + 2 * plan->repeat;
    out->verified = 1;
    gpucc_status status = GPUCC_OK;
    for (unsigned call = 0; call < plan->warmup + plan->repeat; call++) {
        gpucc_reduce_result result;
        status = gpucc_reduce(backend, op, x, n, &result);
        if (status != GPUCC_OK)
            break;
        double error;
        int correct = gpucc_reduce_verify(op, result.value, ref, &error);
        if (call > 0 && memcmp(&result.value, &out->value, sizeof result.value) != 0 && out->verified) {
            out->verified = 0;
            snprintf(out->reason, sizeof out->reason, "call %u gave %.17g, an earlier call %.17g", call + 1,
                     result.value, out->value);
        }
        if (!correct && out->verified) {
            out->verified = 0;
            snprintf(out->reason, sizeof out->reason, "%.17g is outside the error bound of the reference %.17g",
                     result.value, op == GPUCC_REDUCE_SUM ? ref->sum : op == GPUCC_REDUCE_MIN ? ref->min : ref->max);
        }
        if (!(error <= out->error))
            out->error = error;
        out->value = result.value;
        out->flags = result.flags;
        if (call >= plan->warmup) {
            unsigned i = call - plan->warmup;
            total[i] = result.timing.total_ms;
            kernel[i] = result.timing.kernel_ms;
            transfer[i] = result.timing.transfer_ms;
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
