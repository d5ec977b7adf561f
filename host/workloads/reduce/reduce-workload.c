/* The reduce workload's descriptor: sum, min or max of a vector of any
 * data type, verified against the exact (f64: double-double) reference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "generate.h"
#include "job.h"
#include "reduce-split.h"
#include "reference.h"

typedef struct {
    gpucci_typed_array x; /* the input, or this process's share of it */
    gpucc_reduce_op op;
    gpucc_reference ref;  /* of the whole input */
    size_t first, end;    /* x holds elements [first, end) of the job's n */
} reduce_job;

static const char *op_name(unsigned op)
{
    return gpucc_reduce_op_name((gpucc_reduce_op)op);
}

static double exact_value(const reduce_job *r)
{
    return r->op == GPUCC_REDUCE_SUM ? r->ref.sum : r->op == GPUCC_REDUCE_MIN ? r->ref.min : r->ref.max;
}

/* The reference line of the table: the exact value and the bound of the
 * result's type (README, "Data types"). */
static void describe_reference(gpucci_job *job, const reduce_job *r)
{
    const char *name = op_name(r->op);
    gpucc_dtype dtype = r->x.dtype;
    if (r->op != GPUCC_REDUCE_SUM)
        snprintf(job->reference, sizeof job->reference, "reference: exact %s %.17g", name, exact_value(r));
    else if (dtype == GPUCC_I32 && r->ref.integer_overflow)
        snprintf(job->reference, sizeof job->reference,
                 "reference: the exact sum (about %.17g) lies outside the 64-bit integer range", r->ref.sum);
    else if (dtype == GPUCC_I32)
        snprintf(job->reference, sizeof job->reference, "reference: exact sum %lld (64-bit integer; must be equal)",
                 (long long)r->ref.integer_sum);
    else if (dtype == GPUCC_F64)
        snprintf(job->reference, sizeof job->reference,
                 "reference: double-double sum %.17g, sum|x| %.17g; bound |error| <= 2^-43 * sum|x|", r->ref.sum,
                 r->ref.abs_sum);
    else
        snprintf(job->reference, sizeof job->reference,
                 "reference: exact sum %.17g, sum|x| %.17g; bound |error| <= 2^-24 * sum|x|", r->ref.sum,
                 r->ref.abs_sum);
}

static void release(gpucci_job *job)
{
    reduce_job *r = job->data;
    gpucci_typed_array_free(&r->x);
    free(r);
}

/* The job's own data, for params' op; NULL (last error set) when out of memory. */
static reduce_job *new_job(const gpucci_workload_params *params, gpucci_job *job)
{
    reduce_job *r = calloc(1, sizeof *r);
    if (!r) {
        gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the reduce job");
        return NULL;
    }
    job->data = r;
    r->op = (gpucc_reduce_op)params->variant;
    return r;
}

/* The report's text and facts of a prepared job (its n, source and
 * reference set). */
static void describe(gpucci_job *job, const reduce_job *r)
{
    const char *name = op_name(r->op);
    gpucc_dtype dtype = r->x.dtype;
    size_t size = gpucc_dtype_size(dtype);
    job->bytes = (double)job->n * size;
    job->flops = (double)job->n; /* one add (or comparison) per element */
    snprintf(job->title, sizeof job->title, "reduce %s over %zu %s (%.1f MB, %s)", name, job->n,
             gpucc_dtype_long_name(dtype), job->n * size * 1e-6, job->source);
    describe_reference(job, r);
    job->integer_result = dtype == GPUCC_I32;
    snprintf(job->what, sizeof job->what, "%s", name);
    gpucci_fact_text(job, 0, "op", name);
    gpucci_fact_count(job, 0, "n", job->n);
    gpucci_fact_text(job, 0, "dtype", gpucc_dtype_name(dtype));
    gpucci_fact_text(job, 1, "kind", dtype == GPUCC_F64 ? "double-double" : "exact");
    gpucci_fact_number(job, 1, "value", exact_value(r));
    gpucci_fact_number(job, 1, "abs_sum", r->ref.abs_sum);
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    reduce_job *r = new_job(params, job);
    if (!r)
        return GPUCC_E_NOMEM;
    gpucc_status status = gpucci_prepare_typed_vector(params, &r->x, job);
    if (status == GPUCC_OK && gpucc_reference_compute_typed(r->x.dtype, r->x.data, r->x.count, 0, &r->ref) != GPUCC_OK)
        status = gpucci_fail(GPUCC_E_NOMEM, "reference: %s", gpucc_last_error());
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    r->end = job->n;
    describe(job, r);
    return GPUCC_OK;
}

/* The descriptor's process split (workload.h). */

static void tally_add(void *into, const void *tally)
{
    gpucci_reference_tally_add(into, tally);
}

static gpucc_status prepare_share(const gpucci_workload_params *params, unsigned part, unsigned parts,
                                  gpucci_job *job, void *tally)
{
    reduce_job *r = new_job(params, job);
    if (!r)
        return GPUCC_E_NOMEM;
    if (params->input)
        snprintf(job->source, sizeof job->source, "file:%s", params->input);
    else
        gpucci_source_generated(job, params->seed);
    gpucc_array share;
    gpucc_status status = gpucci_prepare_vector_share(params->input, params->size, params->seed, part, parts, &share,
                                                      &job->n, &r->first, &r->end);
    /* The share's floats become the job's (one allocator for both). */
    r->x = (gpucci_typed_array){share.data, GPUCC_F32, share.rank, {share.shape[0], share.shape[1]}, share.count};
    if (status == GPUCC_OK)
        status = gpucci_reference_tally_compute(r->x.data, r->x.count, 0, tally);
    return status == GPUCC_OK ? GPUCC_OK : gpucci_job_abandon(job, release, status);
}

static gpucc_status finish_share(gpucci_job *job, const void *total)
{
    reduce_job *r = job->data;
    gpucc_status status = gpucci_reference_of_tally(total, &r->ref);
    if (status == GPUCC_OK)
        describe(job, r);
    return status;
}

static void share(const gpucci_job *job, size_t *first, size_t *end)
{
    const reduce_job *r = job->data;
    *first = r->first;
    *end = r->end;
}

/* A gpucci_block_reducer's reduce over what a reduce_job holds (its share,
 * or the whole input). */
static gpucc_status reduce_blocks(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                                  gpucc_reduce_result *out)
{
    const reduce_job *r = data;
    const char *x = (const char *)r->x.data + begin * gpucc_dtype_size(r->x.dtype);
    return gpucc_reduce_typed(backend, r->op, r->x.dtype, x, length, out);
}

static gpucc_status measure_share(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan,
                                  const gpucci_reduce_exchange *exchange, gpucc_measurement *out)
{
    const reduce_job *r = job->data;
    gpucci_block_reducer reducer = {r->op, reduce_blocks, r};
    return gpucci_reduce_measure_split(backend, &reducer, job->n, r->first, r->end, &r->ref, plan, exchange, out);
}

static const gpucci_process_split process_split = {
    .prepare = prepare_share,
    .share = share,
    .tally_size = sizeof(gpucci_reference_tally),
    .tally_add = tally_add,
    .finish = finish_share,
    .measure = measure_share,
};

static gpucc_status measure(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out)
{
    const reduce_job *r = job->data;
    (void)output;
    return gpucc_reduce_measure_typed(backend, r->op, r->x.dtype, r->x.data, r->x.count, &r->ref, plan, out);
}

static gpucc_status measure_split(gpucci_job *job, gpucc_backend *const *backends, const double *weights,
                                  size_t count, const gpucc_plan *plan, gpucci_split *split, gpucc_measurement *out)
{
    const reduce_job *r = job->data;
    gpucci_block_reducer reducer = {r->op, reduce_blocks, r};
    gpucci_split_shares(r->x.count, weights, count, split);
    return gpucci_reduce_measure_devices(backends, count, &reducer, r->x.dtype, r->x.count, &r->ref, plan, split, out);
}

const gpucci_workload gpucci_reduce_workload = {
    .name = "reduce",
    .summary = "sum, min or max of a vector (verified against the exact value)",
    .help = "  --size=N               elements to generate: 100000000, 1e8, 2.5e6 (default: 1e8)\n"
            "  --input=PATH           data: .npy (1-D, of the --dtype) or raw elements (.f32, .bin)\n",
    .options = GPUCCI_OPT_SIZE | GPUCCI_OPT_INPUT,
    .dtypes = 1u << GPUCC_F32 | 1u << GPUCC_F64 | 1u << GPUCC_F16 | 1u << GPUCC_BF16 | 1u << GPUCC_I32,
    .variant_option = "--op",
    .variant_name = op_name,
    .variant_count = GPUCC_REDUCE_OP_COUNT,
    .default_variant = GPUCC_REDUCE_SUM,
    .variant_help = "reduction (default: sum)",
    .bench_variant = GPUCC_REDUCE_SUM,
    .bound = GPUCCI_BOUND_READ,
    .bench_axis = GPUCCI_AXIS_SIZE,
    .single_value = 1,
    .error_column = "error",
    .error_key = "error",
    .prepare = prepare,
    .measure = measure,
    .measure_split = measure_split,
    .processes = &process_split,
    .release = release,
};
