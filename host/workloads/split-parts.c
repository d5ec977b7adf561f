/* A run of an array workload split across devices (split-parts.h). */
#include "split-parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "pool.h"
#include "timer.h"

void gpucci_split_units(size_t units, size_t unit, size_t n, const double *weights, size_t count,
                        gpucci_split *split)
{
    double sum = 0, below = 0;
    for (size_t d = 0; d < count; d++)
        sum += weights[d] > 0 ? weights[d] : 0;
    split->count = count;
    size_t first_unit = 0;
    for (size_t d = 0; d < count; d++) {
        below += weights[d] > 0 ? weights[d] : 0;
        size_t end_unit = d + 1 == count ? units
                          : sum > 0  ? (size_t)((double)units * (below / sum) + 0.5)
                                     : 0; /* no weight at all: everything on the last */
        if (end_unit < first_unit)
            end_unit = first_unit;
        if (end_unit > units)
            end_unit = units;
        split->first[d] = first_unit * unit < n ? first_unit * unit : n;
        split->end[d] = end_unit * unit < n ? end_unit * unit : n;
        first_unit = end_unit;
    }
}

typedef struct {
    gpucc_backend *const *backends;
    gpucci_split *split;
    gpucci_part_call call;
    gpucc_check_fn check;
    void *ctx;
    gpucci_pool *pool;
    unsigned calls;          /* calls so far */
    unsigned per_part;       /* samples kept per part: every call's */
    double *part_samples;    /* [part][call] */
    gpucc_call_info info[GPUCCI_MAX_SPLIT];
    double part_ms[GPUCCI_MAX_SPLIT];
    gpucc_status status[GPUCCI_MAX_SPLIT];
    char why[GPUCCI_MAX_SPLIT][256]; /* a part's failure, recorded on its own thread */
} parts_ctx;

/* Pool task: part d computes its range. */
static void run_part(void *ctx_, unsigned d, unsigned count)
{
    parts_ctx *p = ctx_;
    (void)count;
    size_t first = p->split->first[d], end = p->split->end[d];
    memset(&p->info[d], 0, sizeof p->info[d]);
    double start = gpucci_now_ms();
    p->status[d] = first == end ? GPUCC_OK : p->call(p->ctx, p->backends[d], first, end, &p->info[d]);
    p->part_ms[d] = gpucci_now_ms() - start;
    if (p->status[d] != GPUCC_OK) /* the detail is per thread: keep it for the caller's */
        snprintf(p->why[d], sizeof p->why[d], "%s", gpucc_last_error());
}

static gpucc_status parts_call(void *ctx_, gpucc_call_info *info, double *value)
{
    parts_ctx *p = ctx_;
    size_t count = p->split->count;
    double start = gpucci_now_ms();
    gpucci_pool_run(p->pool, run_part, p);
    memset(info, 0, sizeof *info);
    info->timing.total_ms = gpucci_now_ms() - start;
    *value = 0;
    for (size_t d = 0; d < count; d++) {
        if (p->status[d] != GPUCC_OK)
            return gpucci_fail(p->status[d], "part %zu of the split: %s", d, p->why[d]);
        info->flags |= p->info[d].flags;
        info->impl = info->impl ? info->impl : p->info[d].impl;
        /* the parts run at once: the call's kernel (transfer) time is the slowest part's */
        if (p->info[d].timing.kernel_ms > info->timing.kernel_ms)
            info->timing.kernel_ms = p->info[d].timing.kernel_ms;
        if (p->info[d].timing.transfer_ms > info->timing.transfer_ms)
            info->timing.transfer_ms = p->info[d].timing.transfer_ms;
        p->part_samples[d * p->per_part + p->calls] = p->part_ms[d];
    }
    p->calls++;
    return GPUCC_OK;
}

static int parts_check(void *ctx_, double value, double *error, char *reason, size_t reason_size)
{
    parts_ctx *p = ctx_;
    return p->check(p->ctx, value, error, reason, reason_size);
}

gpucc_status gpucci_measure_parts(gpucc_backend *const *backends, gpucci_split *split, gpucci_part_call call,
                                  gpucc_check_fn check, int check_every_call, void *ctx, const gpucc_plan *plan,
                                  gpucc_measurement *out)
{
    if (!backends || !split || split->count < 1 || split->count > GPUCCI_MAX_SPLIT || !call || !check || !plan)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_measure_parts: invalid arguments");
    parts_ctx *p = calloc(1, sizeof *p);
    if (!p)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a split run");
    *p = (parts_ctx){.backends = backends, .split = split, .call = call, .check = check, .ctx = ctx,
                     .per_part = plan->warmup + plan->repeat};
    p->part_samples = calloc(split->count * (size_t)p->per_part, sizeof *p->part_samples);
    gpucc_status status = p->part_samples ? gpucci_pool_create((unsigned)split->count, &p->pool)
                                          : gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a split run");
    if (status == GPUCC_OK)
        status = gpucc_measure(plan, parts_call, parts_check, check_every_call, p, out);
    for (size_t d = 0; status == GPUCC_OK && d < split->count; d++) {
        /* the median of each part's timed calls (after the warm-up calls) */
        double *own = p->part_samples + d * p->per_part + plan->warmup;
        split->part_ms[d] = gpucc_stats_of(own, plan->repeat).median;
    }
    gpucci_pool_free(p->pool);
    free(p->part_samples);
    free(p);
    return status;
}
