/* The dot workload's descriptor: sum of x[i] * y[i] over two float32
 * vectors, verified against the exact value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot-reference.h"
#include "error.h"
#include "job.h"
#include "reduce-split.h"

typedef struct {
    gpucc_array x, y;     /* the inputs, or this process's share of them */
    gpucc_reference ref;  /* of the whole inputs */
    size_t first, end;    /* x and y hold elements [first, end) of the job's n */
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

/* GPUCC_OK when y is as long as x, else why not. */
static gpucc_status check_lengths(const gpucci_workload_params *p, size_t x_count, size_t y_count)
{
    return y_count == x_count ? GPUCC_OK
                              : gpucci_fail(GPUCC_E_FORMAT, "lengths do not fit: x %s has %zu elements, y %s has %zu",
                                            p->input, x_count, p->input_y, y_count);
}

/* y: --input-y, or the stream of seed + 1, as long as x. */
static gpucc_status prepare_y(const gpucci_workload_params *p, dot_job *d)
{
    if (!p->input_y)
        return gpucci_generate_array(d->x.count, 1, p->seed + 1, &d->y);
    gpucc_status status = gpucc_array_load(p->input_y, 1, &d->y);
    return status == GPUCC_OK ? check_lengths(p, d->x.count, d->y.count) : status;
}

/* The job's own data; NULL (last error set) when out of memory. */
static dot_job *new_job(gpucci_job *job)
{
    dot_job *d = calloc(1, sizeof *d);
    if (!d)
        gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the dot job");
    job->data = d;
    return d;
}

/* Appends y's file to the job's source ("file:X" becomes "file:X,Y"). */
static void add_y_source(const gpucci_workload_params *params, gpucci_job *job)
{
    if (params->input_y) {
        size_t len = strlen(job->source);
        snprintf(job->source + len, sizeof job->source - len, ",%s", params->input_y);
    }
}

/* The report's text and facts of a prepared job (its n, source and
 * reference set). */
static void describe(gpucci_job *job, const dot_job *d)
{
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
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    dot_job *d = new_job(job);
    if (!d)
        return GPUCC_E_NOMEM;
    gpucc_status status = gpucci_prepare_vector(params, &d->x, job);
    if (status == GPUCC_OK)
        status = prepare_y(params, d);
    if (status == GPUCC_OK && (status = gpucc_dot_reference(d->x.data, d->y.data, d->x.count, 0, &d->ref)) != GPUCC_OK)
        status = gpucci_fail(status, "reference: %s", gpucc_last_error());
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    d->end = job->n;
    add_y_source(params, job);
    describe(job, d);
    return GPUCC_OK;
}

/* The descriptor's process split (reduce-split.h): x and y are shared out
 * alike, in whole canonical blocks. */

static void tally_add(void *into, const void *tally)
{
    gpucci_dot_tally_add(into, tally);
}

static gpucc_status prepare_share(const gpucci_workload_params *params, unsigned part, unsigned parts,
                                  gpucci_job *job, void *tally)
{
    dot_job *d = new_job(job);
    if (!d)
        return GPUCC_E_NOMEM;
    if (params->input)
        snprintf(job->source, sizeof job->source, "file:%s", params->input);
    else
        gpucci_source_generated(job, params->seed);
    add_y_source(params, job);
    size_t y_count = 0, y_first, y_end;
    gpucc_status status = gpucci_prepare_vector_share(params->input, params->size, params->seed, part, parts, &d->x,
                                                      &job->n, &d->first, &d->end);
    if (status == GPUCC_OK) /* y: --input-y, or the stream of seed + 1, as long as x */
        status = gpucci_prepare_vector_share(params->input_y, job->n, params->seed + 1, part, parts, &d->y,
                                             &y_count, &y_first, &y_end);
    if (status == GPUCC_OK)
        status = check_lengths(params, job->n, y_count);
    if (status == GPUCC_OK && (status = gpucci_dot_tally_compute(d->x.data, d->y.data, d->x.count, 0, tally)) != GPUCC_OK)
        status = gpucci_fail(status, "reference: %s", gpucc_last_error());
    return status == GPUCC_OK ? GPUCC_OK : gpucci_job_abandon(job, release, status);
}

static gpucc_status finish_share(gpucci_job *job, const void *total)
{
    dot_job *d = job->data;
    gpucc_status status = gpucci_dot_reference_of_tally(total, &d->ref);
    if (status == GPUCC_OK)
        describe(job, d);
    else
        status = gpucci_fail(status, "reference: %s", gpucc_last_error());
    return status;
}

static void share(const gpucci_job *job, size_t *first, size_t *end)
{
    const dot_job *d = job->data;
    *first = d->first;
    *end = d->end;
}

/* A gpucci_block_reducer's reduce over a dot_job's share: gpucc_dot. */
static gpucc_status dot_blocks(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                               gpucc_reduce_result *out)
{
    const dot_job *d = data;
    return gpucc_dot(backend, d->x.data + begin, d->y.data + begin, length, out);
}

static gpucc_status measure_share(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan,
                                  const gpucci_reduce_exchange *exchange, gpucc_measurement *out)
{
    const dot_job *d = job->data;
    gpucci_block_reducer reducer = {GPUCC_REDUCE_SUM, dot_blocks, d};
    return gpucci_reduce_measure_split(backend, &reducer, job->n, d->first, d->end, &d->ref, plan, exchange, out);
}

static const gpucci_process_split process_split = {
    .tally_size = sizeof(gpucci_dot_tally),
    .tally_add = tally_add,
    .prepare = prepare_share,
    .finish = finish_share,
    .share = share,
    .measure = measure_share,
};

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
    .processes = &process_split,
    .release = release,
};
