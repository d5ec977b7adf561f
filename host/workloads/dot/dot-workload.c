/* The dot workload's descriptor: sum of x[i] * y[i] over two vectors of
 * any data type, verified against the exact (f64: double-double) value. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dot-reference.h"
#include "error.h"
#include "job.h"
#include "reduce-split.h"

typedef struct {
    gpucci_typed_array x, y; /* the inputs, or this process's share of them */
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
    gpucci_typed_array_free(&d->x);
    gpucci_typed_array_free(&d->y);
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
    if (!p->input_y) {
        gpucc_status status = gpucci_typed_array_alloc(p->dtype, d->x.count, 1, &d->y);
        if (status == GPUCC_OK)
            status = gpucci_generate_typed_range(p->dtype, d->y.data, 0, d->y.count, p->seed + 1, 0);
        if (status == GPUCC_OK)
            gpucci_narrow_generated_i32(d->y.dtype, d->y.data, d->y.count);
        return status;
    }
    gpucc_status status = gpucci_typed_array_load(p->input_y, p->dtype, 1, &d->y);
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
    gpucc_dtype dtype = d->x.dtype;
    job->bytes = 2.0 * (double)job->n * gpucc_dtype_size(dtype);
    job->flops = 2.0 * (double)job->n; /* a multiply and an add per element */
    snprintf(job->title, sizeof job->title, "dot over 2 x %zu %s (%.1f MB, %s)", job->n, gpucc_dtype_long_name(dtype),
             job->bytes * 1e-6, job->source);
    if (dtype == GPUCC_I32 && d->ref.integer_overflow)
        snprintf(job->reference, sizeof job->reference,
                 "reference: the exact sum (about %.17g) lies outside the 64-bit integer range", d->ref.sum);
    else if (dtype == GPUCC_I32)
        snprintf(job->reference, sizeof job->reference, "reference: exact sum %lld (64-bit integer; must be equal)",
                 (long long)d->ref.integer_sum);
    else
        snprintf(job->reference, sizeof job->reference,
                 "reference: %s sum %.17g, sum|x*y| %.17g; bound |error| <= 2^-%d * sum|x*y|",
                 dtype == GPUCC_F64 ? "double-double" : "exact", d->ref.sum, d->ref.abs_sum,
                 dtype == GPUCC_F64 ? 43 : 24);
    job->integer_result = dtype == GPUCC_I32;
    snprintf(job->what, sizeof job->what, "x*y");
    gpucci_fact_count(job, 0, "n", job->n);
    gpucci_fact_text(job, 0, "dtype", gpucc_dtype_name(dtype));
    gpucci_fact_text(job, 1, "kind", dtype == GPUCC_F64 ? "double-double" : "exact");
    gpucci_fact_number(job, 1, "value", d->ref.sum);
    gpucci_fact_number(job, 1, "abs_sum", d->ref.abs_sum);
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    dot_job *d = new_job(job);
    if (!d)
        return GPUCC_E_NOMEM;
    gpucc_status status = gpucci_prepare_typed_vector(params, &d->x, job);
    if (status == GPUCC_OK && !params->input)
        gpucci_narrow_generated_i32(d->x.dtype, d->x.data, d->x.count);
    if (status == GPUCC_OK)
        status = prepare_y(params, d);
    if (status == GPUCC_OK &&
        (status = gpucc_dot_reference_typed(d->x.dtype, d->x.data, d->y.data, d->x.count, 0, &d->ref)) != GPUCC_OK)
        status = gpucci_fail(status, "reference: %s", gpucc_last_error());
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    d->end = job->n;
    add_y_source(params, job);
    describe(job, d);
    return GPUCC_OK;
}

/* The descriptor's process split (workload.h): x and y are shared out
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
    gpucc_array x, y = {0};
    gpucc_status status = gpucci_prepare_vector_share(params->input, params->size, params->seed, part, parts, &x,
                                                      &job->n, &d->first, &d->end);
    if (status == GPUCC_OK) /* y: --input-y, or the stream of seed + 1, as long as x */
        status = gpucci_prepare_vector_share(params->input_y, job->n, params->seed + 1, part, parts, &y,
                                             &y_count, &y_first, &y_end);
    /* The shares' floats become the job's (one allocator for both). */
    d->x = (gpucci_typed_array){x.data, GPUCC_F32, x.rank, {x.shape[0], x.shape[1]}, x.count};
    d->y = (gpucci_typed_array){y.data, GPUCC_F32, y.rank, {y.shape[0], y.shape[1]}, y.count};
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

/* A gpucci_block_reducer's reduce over what a dot_job holds (its share, or
 * the whole inputs): gpucc_dot_typed. */
static gpucc_status dot_blocks(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                               gpucc_reduce_result *out)
{
    const dot_job *d = data;
    size_t offset = begin * gpucc_dtype_size(d->x.dtype);
    return gpucc_dot_typed(backend, d->x.dtype, (const char *)d->x.data + offset, (const char *)d->y.data + offset,
                           length, out);
}

static gpucc_status measure_share(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan,
                                  const gpucci_reduce_exchange *exchange, gpucc_measurement *out)
{
    const dot_job *d = job->data;
    gpucci_block_reducer reducer = {GPUCC_REDUCE_SUM, dot_blocks, d};
    return gpucci_reduce_measure_split(backend, &reducer, job->n, d->first, d->end, &d->ref, plan, exchange, out);
}

static const gpucci_process_split process_split = {
    .prepare = prepare_share,
    .share = share,
    .tally_size = sizeof(gpucci_dot_tally),
    .tally_add = tally_add,
    .finish = finish_share,
    .measure = measure_share,
};

static gpucc_status measure_split(gpucci_job *job, gpucc_backend *const *backends, const double *weights,
                                  size_t count, const gpucc_plan *plan, gpucci_split *split, gpucc_measurement *out)
{
    const dot_job *d = job->data;
    gpucci_block_reducer reducer = {GPUCC_REDUCE_SUM, dot_blocks, d};
    gpucci_split_shares(d->x.count, weights, count, split);
    return gpucci_reduce_measure_devices(backends, count, &reducer, d->x.dtype, d->x.count, &d->ref, plan, split, out);
}

static gpucc_status measure(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out)
{
    const dot_job *d = job->data;
    (void)output;
    return gpucc_dot_measure_typed(backend, d->x.dtype, d->x.data, d->y.data, d->x.count, &d->ref, plan, out);
}

const gpucci_workload gpucci_dot_workload = {
    .name = "dot",
    .summary = "sum of x[i]*y[i] over two vectors (verified against the exact value)",
    .help = "  --size=N               elements of x and of y to generate (default: 1e8; y uses seed + 1)\n"
            "  --input=X --input-y=Y  x and y from files, as --input of reduce reads them (same length)\n",
    .options = GPUCCI_OPT_SIZE | GPUCCI_OPT_INPUT | GPUCCI_OPT_INPUT_Y,
    .dtypes = 1u << GPUCC_F32 | 1u << GPUCC_F64 | 1u << GPUCC_F16 | 1u << GPUCC_BF16 | 1u << GPUCC_I32,
    .bound = GPUCCI_BOUND_READ,
    .bench_axis = GPUCCI_AXIS_SIZE,
    .single_value = 1,
    .error_column = "error",
    .error_key = "error",
    .check_options = check_options,
    .prepare = prepare,
    .measure = measure,
    .measure_split = measure_split,
    .processes = &process_split,
    .release = release,
};
