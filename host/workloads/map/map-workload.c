/* The map workload's descriptor: an element-wise function of a vector of
 * any data type, every element verified against a more precise reference
 * (gpucc_map_verify_typed): in ulps of the type, exactly for i32. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "gpucc-map.h" /* gpucci_map_alpha_fits */
#include "gpucc-ops.h" /* GPUCC_REDUCE_BLOCK */
#include "job.h"
#include "split-parts.h"
#include "widen.h"

typedef struct {
    gpucc_backend *backend;    /* of the measurement in progress */
    gpucc_map_fn fn;
    double alpha;              /* saxpy's: as given for f64 and i32, rounded to float for the types computed in float */
    gpucci_typed_array x, y;   /* y: saxpy's addend, else empty; the whole vectors, or this process's share */
    size_t first, end;         /* x and y hold elements [first, end) of the job's n */
    void *out;                 /* of the measurement in progress: x.count elements of x.dtype */
} map_job;

static const char *fn_name(unsigned fn)
{
    return gpucc_map_fn_name((gpucc_map_fn)fn);
}

static void release(gpucci_job *job)
{
    map_job *m = job->data;
    gpucci_typed_array_free(&m->x);
    gpucci_typed_array_free(&m->y);
    free(m);
}

/* The job's own data, for params' function; NULL (last error set) when out
 * of memory. */
static map_job *new_job(const gpucci_workload_params *params, gpucci_job *job)
{
    map_job *m = calloc(1, sizeof *m);
    if (!m) {
        gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the map job");
        return NULL;
    }
    job->data = m;
    m->fn = (gpucc_map_fn)params->variant;
    m->alpha = params->dtype == GPUCC_F64 || params->dtype == GPUCC_I32 ? params->alpha : (float)params->alpha;
    return m;
}

/* The table's reference line for dtype: what verification compares
 * against, and its bound (README, "Data types"). */
static void describe_reference(gpucci_job *job, const map_job *m)
{
    gpucc_dtype dtype = m->x.dtype;
    double bound = gpucc_map_ulp_bound_typed(m->fn, dtype);
    switch (dtype) {
    case GPUCC_I32:
        snprintf(job->reference, sizeof job->reference,
                 "reference: exact, in 64-bit integers, every element; results must be equal and fit int32");
        break;
    case GPUCC_F64:
        snprintf(job->reference, sizeof job->reference,
                 "reference: long double, every element; bound %.0f ulp of float64", bound);
        break;
    default:
        snprintf(job->reference, sizeof job->reference,
                 "reference: double precision, every element; bound %.0f ulp of %s", bound,
                 gpucc_dtype_long_name(dtype));
    }
}

/* The report's text and facts of a prepared job (its n and source set). */
static void describe(gpucci_job *job, const map_job *m)
{
    int saxpy = m->fn == GPUCC_MAP_SAXPY;
    const char *name = fn_name(m->fn);
    gpucc_dtype dtype = m->x.dtype;
    job->bytes = (double)job->n * gpucc_dtype_size(dtype) * (saxpy ? 3 : 2);
    job->flops = (double)job->n * (saxpy ? 2 : 1); /* nominal: one operation per element, saxpy's two */
    int len = snprintf(job->title, sizeof job->title, "map %s over %zu %s (%.1f MB moved per call, %s)", name, job->n,
                       gpucc_dtype_long_name(dtype), job->bytes * 1e-6, job->source);
    if (saxpy && len > 0 && (size_t)len < sizeof job->title)
        snprintf(job->title + len, sizeof job->title - len, ", alpha %.17g", m->alpha);
    describe_reference(job, m);
    snprintf(job->what, sizeof job->what, "%s", name);
    gpucci_fact_text(job, 0, "fn", name);
    gpucci_fact_count(job, 0, "n", job->n);
    gpucci_fact_text(job, 0, "dtype", gpucc_dtype_name(dtype));
    if (saxpy)
        gpucci_fact_number(job, 0, "alpha", m->alpha);
    gpucci_fact_number(job, 0, "ulp_bound", gpucc_map_ulp_bound_typed(m->fn, dtype));
    job->output_rank = 1;
    job->output_shape[0] = job->n;
}

/* --fn and --alpha fit --dtype: i32 has square, saxpy and relu, and
 * saxpy's alpha must then be an integer of int32's range. */
static const char *check_options(const gpucci_workload_params *p)
{
    static _Thread_local char why[160];
    gpucc_map_fn fn = (gpucc_map_fn)p->variant;
    if (!gpucc_map_fn_has_dtype(fn, p->dtype)) {
        snprintf(why, sizeof why, "--fn=%s is not defined for --dtype=%s", fn_name(fn), gpucc_dtype_name(p->dtype));
        return why;
    }
    if (p->dtype == GPUCC_I32 && fn == GPUCC_MAP_SAXPY && !gpucci_map_alpha_fits(GPUCC_I32, p->alpha))
        return "--alpha must be an integer of int32's range for --dtype=i32";
    return NULL;
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    map_job *m = new_job(params, job);
    if (!m)
        return GPUCC_E_NOMEM;
    gpucc_status status = gpucci_prepare_typed_vector(params, &m->x, job);
    if (status == GPUCC_OK && !params->input)
        gpucci_narrow_generated_i32(m->x.dtype, m->x.data, m->x.count);
    if (status == GPUCC_OK && m->fn == GPUCC_MAP_SAXPY) { /* y = the stream of seed + 1, as long as x */
        status = gpucci_typed_array_alloc(params->dtype, m->x.count, 1, &m->y);
        if (status == GPUCC_OK)
            status = gpucci_generate_typed_range(params->dtype, m->y.data, 0, m->y.count, params->seed + 1, 0);
        if (status == GPUCC_OK)
            gpucci_narrow_generated_i32(m->y.dtype, m->y.data, m->y.count);
    }
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    m->end = job->n;
    describe(job, m);
    return GPUCC_OK;
}

/* The descriptor's process split (workload.h): each process maps and
 * verifies its share of whole blocks. */

static gpucc_status prepare_share(const gpucci_workload_params *params, unsigned part, unsigned parts,
                                  gpucci_job *job, void *tally)
{
    (void)tally;
    map_job *m = new_job(params, job);
    if (!m)
        return GPUCC_E_NOMEM;
    if (params->input)
        snprintf(job->source, sizeof job->source, "file:%s", params->input);
    else
        gpucci_source_generated(job, params->seed);
    size_t y_count, y_first, y_end;
    gpucc_array x, y = {0};
    gpucc_status status = gpucci_prepare_vector_share(params->input, params->size, params->seed, part, parts, &x,
                                                      &job->n, &m->first, &m->end);
    if (status == GPUCC_OK && m->fn == GPUCC_MAP_SAXPY)
        status = gpucci_prepare_vector_share(NULL, job->n, params->seed + 1, part, parts, &y, &y_count, &y_first,
                                             &y_end);
    /* The shares' floats become the job's (one allocator for both). */
    m->x = (gpucci_typed_array){x.data, GPUCC_F32, x.rank, {x.shape[0], x.shape[1]}, x.count};
    m->y = (gpucci_typed_array){y.data, GPUCC_F32, y.rank, {y.shape[0], y.shape[1]}, y.count};
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    describe(job, m);
    return GPUCC_OK;
}

static void share(const gpucci_job *job, size_t *first, size_t *end)
{
    const map_job *m = job->data;
    *first = m->first;
    *end = m->end;
}

static const gpucci_process_split process_split = {
    .prepare = prepare_share,
    .share = share,
};

static gpucc_status map_call(void *ctx, gpucc_call_info *info, double *value)
{
    const map_job *m = ctx;
    *value = 0;
    return gpucc_map_typed(m->backend, m->fn, m->x.dtype, m->alpha, m->x.data, m->y.data, m->out, m->x.count, info);
}

static int map_check(void *ctx, double value, double *error, char *reason, size_t reason_size)
{
    const map_job *m = ctx;
    gpucc_dtype dtype = m->x.dtype;
    gpucc_map_check check;
    (void)value;
    if (gpucc_map_verify_typed(m->fn, dtype, m->alpha, m->x.data, m->y.data, m->out, m->x.count, 0, &check) !=
        GPUCC_OK) {
        snprintf(reason, reason_size, "verification failed: %s", gpucc_last_error());
        *error = 0;
        return 0;
    }
    *error = check.max_ulp;
    if (check.bad == 0)
        return 1;
    size_t i = check.first_bad;
    double x = gpucci_widen(dtype, m->x.data, i), out = gpucci_widen(dtype, m->out, i);
    char overflow[96] = "";
    if (check.overflow > 0)
        snprintf(overflow, sizeof overflow, " (%zu of them results outside int32, stored saturated)", check.overflow);
    snprintf(reason, reason_size, "%zu elements beyond %.0f ulp of %s%s; first at [%zu]: %s(%.17g) gave %.17g",
             check.bad, gpucc_map_ulp_bound_typed(m->fn, dtype), gpucc_dtype_long_name(dtype), overflow,
             m->first + i, fn_name(m->fn), x, out);
    return 0;
}

/* The output (x.count elements of the run's dtype) is poisoned (all bits
 * set: NaN, or -1 for i32) first, so that a call that writes nothing fails
 * (for i32, unless every result is -1); the first and the last call are
 * verified. */
static gpucc_status measure(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out)
{
    map_job *m = job->data;
    memset(output, 0xff, m->x.count * gpucc_dtype_size(m->x.dtype));
    m->backend = backend;
    m->out = output;
    return gpucc_measure(plan, map_call, map_check, 0, m, out);
}

/* --split: part [first, end) of the elements on backend, into the same
 * output as the other parts. */
static gpucc_status map_part(void *ctx, gpucc_backend *backend, size_t first, size_t end, gpucc_call_info *info)
{
    const map_job *m = ctx;
    size_t size = gpucc_dtype_size(m->x.dtype);
    const char *x = (const char *)m->x.data + first * size;
    const char *y = m->y.data ? (const char *)m->y.data + first * size : NULL;
    return gpucc_map_typed(backend, m->fn, m->x.dtype, m->alpha, x, y, (char *)m->out + first * size, end - first,
                           info);
}

/* The elements shared out in whole blocks of GPUCC_REDUCE_BLOCK, each
 * backend mapping its own range at the same time; the whole output,
 * poisoned first as in measure, is verified as one backend's. */
static gpucc_status measure_split(gpucci_job *job, gpucc_backend *const *backends, const double *weights,
                                  size_t count, const gpucc_plan *plan, gpucci_split *split, gpucc_measurement *out)
{
    map_job *m = job->data;
    gpucci_typed_array output;
    gpucc_status status = gpucci_typed_array_alloc(m->x.dtype, m->x.count, 1, &output);
    if (status != GPUCC_OK)
        return status;
    memset(output.data, 0xff, m->x.count * gpucc_dtype_size(m->x.dtype));
    m->out = output.data;
    gpucci_split_units((m->x.count + GPUCC_REDUCE_BLOCK - 1) / GPUCC_REDUCE_BLOCK, GPUCC_REDUCE_BLOCK, m->x.count,
                       weights, count, split);
    status = gpucci_measure_parts(backends, split, map_part, map_check, 0, m, plan, out);
    m->out = NULL;
    gpucci_typed_array_free(&output);
    return status;
}

const gpucci_workload gpucci_map_workload = {
    .name = "map",
    .summary = "element-wise function (verified in ulps against a more precise reference)",
    .help = "  --alpha=A              saxpy's a in y = a*x + y (default: 2; y is generated)\n"
            "  --size=N, --input=PATH as for reduce\n"
            "  --output=PATH          write the result (only if all verified): .npy, or raw\n"
            "                         elements of --dtype for any other extension, as --input\n"
            "                         reads it\n"
            "  --output-backend=NAME  backend whose result is written (default: first selected)\n",
    .options = GPUCCI_OPT_SIZE | GPUCCI_OPT_INPUT | GPUCCI_OPT_OUTPUT | GPUCCI_OPT_ALPHA,
    .dtypes = 1u << GPUCC_F32 | 1u << GPUCC_F64 | 1u << GPUCC_F16 | 1u << GPUCC_BF16 | 1u << GPUCC_I32,
    .variant_option = "--fn",
    .variant_name = fn_name,
    .variant_count = GPUCC_MAP_FN_COUNT,
    .default_variant = GPUCC_MAP_SQUARE,
    .variant_help = "function (default: square)",
    .bench_variant = GPUCC_MAP_SQUARE,
    .bound = GPUCCI_BOUND_COPY,
    .bench_axis = GPUCCI_AXIS_SIZE,
    .error_column = "max ulp",
    .error_key = "max_ulp",
    .check_options = check_options,
    .prepare = prepare,
    .measure = measure,
    .measure_split = measure_split,
    .processes = &process_split,
    .release = release,
};
