/* The dot workload's descriptor: sum of x[i] * y[i] over two float32
 * vectors, verified against the exact value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "job.h"

typedef struct {
    gpucc_array x, y;
    gpucc_reference ref;
} dot_job;

static const char *check_options(const gpucci_workload_params *p)
{
    return !p->input != !p->input_y ? "--input and --input-y go together (x and y)" : NULL;
}

static void release(gpucci_job *job)
{
    dot_job *d = job->data;
    gpucc_array_free(&d->x);
    gpucc_array_free(&d->y);
    free(d);
}

/* y: --input-y, or the stream of seed + 1, as long as x. */
static gpucc_status prepare_y(const gpucci_workload_params *p, dot_job *d)
{
    if (!p->input_y)
        return gpucci_generate_array(d->x.count, 1, p->seed + 1, &d->y);
    gpucc_status status = gpucc_array_load(p->input_y, 1, &d->y);
    if (status == GPUCC_OK && d->y.count != d->x.count)
        status = gpucci_fail(GPUCC_E_FORMAT, "lengths do not fit: x %s has %zu elements, y %s has %zu", p->input,
                             d->x.count, p->input_y, d->y.count);
    return status;
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    dot_job *d = calloc(1, sizeof *d);
    if (!d)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the dot job");
    job->data = d;
    gpucc_status status = gpucci_prepare_vector(params, &d->x, job);
    if (status == GPUCC_OK)
        status = prepare_y(params, d);
    if (status == GPUCC_OK && (status = gpucc_dot_reference(d->x.data, d->y.data, d->x.count, 0, &d->ref)) != GPUCC_OK)
        status = gpucci_fail(status, "reference: %s", gpucc_last_error());
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    if (params->input_y) {
        size_t len = strlen(job->source);
        snprintf(job->source + len, sizeof job->source - len, ",%s", params->input_y);
    }
    job->bytes = 2.0 * (double)job->n * sizeof(float);
    job->flops = 2.0 * (double)job->n; /* a multiply and an add per element */
    snprintf(job->title, sizeof job->title, "dot over 2 x %zu float32 (%.1f MB, %s)", job->n, job->bytes * 1e-6,
             job->source);
    snprintf(job->reference, sizeof job->reference,
             "reference: exact sum %.17g, sum|x*y| %.17g; bound |error| <= 2^-24 * sum|x*y|", d->ref.sum,
             d->ref.abs_sum);
    snprintf(job->what, sizeof job->what, "x*y");
    gpucci_fact_count(job, 0, "n", job->n);
    gpucci_fact_text(job, 1, "kind", "exact");
    gpucci_fact_number(job, 1, "value", d->ref.sum);
    gpucci_fact_number(job, 1, "abs_sum", d->ref.abs_sum);
    return GPUCC_OK;
}

static gpucc_status measure(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out)
{
    const dot_job *d = job->data;
    (void)output;
    return gpucc_dot_measure(backend, d->x.data, d->y.data, d->x.count, &d->ref, plan, out);
}

const gpucci_workload gpucci_dot_workload = {
    .name = "dot",
    .summary = "sum of x[i]*y[i] over two float32 vectors (verified against the exact value)",
    .help = "  --size=N               elements of x and of y to generate (default: 1e8; y uses seed + 1)\n"
            "  --input=X --input-y=Y  x and y from files, as --input of reduce reads them (same length)\n",
    .options = GPUCCI_OPT_SIZE | GPUCCI_OPT_INPUT | GPUCCI_OPT_INPUT_Y,
    .bound = GPUCCI_BOUND_READ,
    .bench_axis = GPUCCI_AXIS_SIZE,
    .single_value = 1,
    .error_column = "error",
    .error_key = "error",
    .check_options = check_options,
    .prepare = prepare,
    .measure = measure,
    .release = release,
};
