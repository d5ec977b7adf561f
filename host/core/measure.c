#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "energy.h"
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

/* Writes times[0..repeat) into out[0..min(repeat, capacity)): each value
 * the mean of its share of consecutive calls (one call each when they fit). */
static void keep_samples(const double *times, unsigned repeat, double *out, unsigned capacity)
{
    unsigned count = repeat < capacity ? repeat : capacity;
    for (unsigned j = 0; j < count; j++) {
        size_t first = (size_t)j * repeat / count, end = (size_t)(j + 1) * repeat / count;
        double sum = 0;
        for (size_t i = first; i < end; i++)
            sum += times[i];
        out[j] = sum / (double)(end - first);
    }
}

/* NaN matches NaN, an infinity matches the same infinity. */
gpucc_status gpucc_measure(const gpucc_plan *plan, gpucc_call_fn call, gpucc_check_fn check, int check_every_call,
                           void *ctx, gpucc_measurement *out)
{
    if (!plan || plan->repeat == 0 || plan->warmup > UINT_MAX - plan->repeat || !call || !check || !out ||
        (plan->samples && (!plan->samples->total_ms || plan->samples->capacity == 0)) ||
        (plan->energy && !plan->energy->read))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_measure: invalid arguments");
    memset(out, 0, sizeof *out);
    double *samples = malloc(3 * (size_t)plan->repeat * sizeof *samples);
    if (!samples)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %u timing samples", plan->repeat);
    double *total = samples, *kernel = samples + plan->repeat, *transfer = samples + 2 * plan->repeat;
    unsigned calls = plan->warmup + plan->repeat;
    out->verified = 1;
    gpucc_status status = GPUCC_OK;
    /* energy: summed over the timed calls only (not the checks between
     * them), from the plan's meter or else the host's counters */
    gpucci_energy host;
    gpucc_energy_meter host_meter = {gpucci_energy_meter_read, &host};
    const gpucc_energy_meter *meter = plan->energy;
    if (!meter) {
        gpucci_energy_open(&host);
        meter = host.available ? &host_meter : NULL;
    }
    double joules = 0, before = 0, after = 0;
    int metered = meter != NULL;
    for (unsigned i = 0; i < calls; i++) {
        gpucc_call_info info;
        double value = 0;
        int timed = i >= plan->warmup;
        if (metered && timed)
            metered = meter->read(meter->ctx, &before) == 0;
        status = call(ctx, &info, &value);
        if (metered && timed && (metered = meter->read(meter->ctx, &after) == 0))
            joules += after - before;
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
    if (status == GPUCC_OK && plan->samples) { /* before the statistics sort the times */
        keep_samples(total, plan->repeat, plan->samples->total_ms, plan->samples->capacity);
        if (plan->samples->kernel_ms)
            keep_samples(kernel, plan->repeat, plan->samples->kernel_ms, plan->samples->capacity);
    }
    if (status == GPUCC_OK) {
        out->total_ms = gpucc_stats_of(total, plan->repeat);
        out->kernel_ms = gpucc_stats_of(kernel, plan->repeat);
        out->transfer_ms = gpucc_stats_of(transfer, plan->repeat);
        /* RAPL counters move about once a millisecond, NVML's every 20 to
         * 100 ms: a shorter timed window would be mostly rounding */
        double window_ms = 0;
        for (unsigned i = 0; i < plan->repeat; i++)
            window_ms += total[i];
        out->energy_j = metered && window_ms >= GPUCCI_ENERGY_MIN_WINDOW_MS ? joules / plan->repeat : NAN;
    }
    free(samples);
    return status;
}
