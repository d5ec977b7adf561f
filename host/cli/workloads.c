#include "workloads.h"

#include <stdio.h>

static gpucc_status map_call(void *ctx, gpucc_call_info *info, double *value)
{
    const cli_map_job *job = ctx;
    *value = 0;
    return gpucc_map(job->backend, job->fn, job->alpha, job->x, job->y, job->out, job->n, info);
}

static int map_check(void *ctx, double value, double *error, char *reason, size_t reason_size)
{
    const cli_map_job *job = ctx;
    gpucc_map_check check;
    (void)value;
    if (gpucc_map_verify(job->fn, job->alpha, job->x, job->y, job->out, job->n, 0, &check) != GPUCC_OK) {
        snprintf(reason, reason_size, "verification failed: %s", gpucc_last_error());
        *error = 0;
        return 0;
    }
    *error = check.max_ulp;
    if (check.bad == 0)
        return 1;
    size_t i = check.first_bad;
    snprintf(reason, reason_size, "%zu elements beyond %.0f ulp; first at [%zu]: %s(%.9g) gave %.9g",
             check.bad, gpucc_map_ulp_bound(job->fn), i, gpucc_map_fn_name(job->fn), job->x[i], job->out[i]);
    return 0;
}

gpucc_status cli_map_job_measure(const cli_map_job *job, const gpucc_plan *plan, gpucc_measurement *out)
{
    return gpucc_measure(plan, map_call, map_check, 0, (void *)job, out);
}

static gpucc_status dense_call(void *ctx, gpucc_call_info *info, double *value)
{
    const cli_dense_job *job = ctx;
    *value = 0;
    return gpucc_dense(job->backend, job->shape, job->x, job->w, job->b, job->y, info);
}

static int dense_check(void *ctx, double value, double *error, char *reason, size_t reason_size)
{
    const cli_dense_job *job = ctx;
    gpucc_dense_check check;
    (void)value;
    if (gpucc_dense_verify(job->shape, job->x, job->w, job->b, job->y, 0, &check) != GPUCC_OK) {
        snprintf(reason, reason_size, "verification failed: %s", gpucc_last_error());
        *error = 0;
        return 0;
    }
    *error = check.max_ratio;
    if (check.bad == 0)
        return 1;
    snprintf(reason, reason_size, "%zu outputs beyond the error bound; first Y[%zu][%zu] = %.9g", check.bad,
             check.first_bad / job->shape->out, check.first_bad % job->shape->out, job->y[check.first_bad]);
    return 0;
}

gpucc_status cli_dense_job_measure(const cli_dense_job *job, const gpucc_plan *plan, gpucc_measurement *out)
{
    return gpucc_measure(plan, dense_call, dense_check, 0, (void *)job, out);
}
