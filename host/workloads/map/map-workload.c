/* The map workload's descriptor: an element-wise function of a float32
 * vector, every element verified in ulps against double precision. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "job.h"

typedef struct {
    gpucc_backend *backend; /* of the measurement in progress */
    gpucc_map_fn fn;
    float alpha;
    gpucc_array x, y;       /* y: saxpy's addend, else empty; the whole vectors, or this process's share */
    size_t first, end;      /* x and y hold elements [first, end) of the job's n */
    float *out;             /* of the measurement in progress */
} map_job;

static const char *fn_name(unsigned fn)
{
    return gpucc_map_fn_name((gpucc_map_fn)fn);
}

static void release(gpucci_job *job)
{
    map_job *m = job->data;
    gpucc_array_free(&m->x);
    gpucc_array_free(&m->y);
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
    m->alpha = params->alpha;
    return m;
}

/* The report's text and facts of a prepared job (its n and source set). */
static void describe(gpucci_job *job, const map_job *m)
{
    int saxpy = m->fn == GPUCC_MAP_SAXPY;
    const char *name = fn_name(m->fn);
    job->bytes = (double)job->n * sizeof(float) * (saxpy ? 3 : 2);
    job->flops = (double)job->n * (saxpy ? 2 : 1); /* nominal: one operation per element, saxpy's two */
    int len = snprintf(job->title, sizeof job->title, "map %s over %zu float32 (%.1f MB moved per call, %s)", name,
                       job->n, job->bytes * 1e-6, job->source);
    if (saxpy && len > 0 && (size_t)len < sizeof job->title)
        snprintf(job->title + len, sizeof job->title - len, ", alpha %g", m->alpha);
    snprintf(job->reference, sizeof job->reference, "reference: double precision, every element; bound %.0f ulp",
             gpucc_map_ulp_bound(m->fn));
    snprintf(job->what, sizeof job->what, "%s", name);
    gpucci_fact_text(job, 0, "fn", name);
    gpucci_fact_count(job, 0, "n", job->n);
    if (saxpy)
        gpucci_fact_number(job, 0, "alpha", m->alpha);
    gpucci_fact_number(job, 0, "ulp_bound", gpucc_map_ulp_bound(m->fn));
    job->output_rank = 1;
    job->output_shape[0] = job->n;
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    map_job *m = new_job(params, job);
    if (!m)
        return GPUCC_E_NOMEM;
    gpucc_status status = gpucci_prepare_vector(params, &m->x, job);
    if (status == GPUCC_OK && m->fn == GPUCC_MAP_SAXPY) /* y = the stream of seed + 1, as long as x */
        status = gpucci_generate_array(m->x.count, 1, params->seed + 1, &m->y);
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
    gpucc_status status = gpucci_prepare_vector_share(params->input, params->size, params->seed, part, parts, &m->x,
                                                      &job->n, &m->first, &m->end);
    if (status == GPUCC_OK && m->fn == GPUCC_MAP_SAXPY)
        status = gpucci_prepare_vector_share(NULL, job->n, params->seed + 1, part, parts, &m->y, &y_count, &y_first,
                                             &y_end);
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
    return gpucc_map(m->backend, m->fn, m->alpha, m->x.data, m->y.data, m->out, m->x.count, info);
}

static int map_check(void *ctx, double value, double *error, char *reason, size_t reason_size)
{
    const map_job *m = ctx;
    gpucc_map_check check;
    (void)value;
    if (gpucc_map_verify(m->fn, m->alpha, m->x.data, m->y.data, m->out, m->x.count, 0, &check) != GPUCC_OK) {
        snprintf(reason, reason_size, "verification failed: %s", gpucc_last_error());
        *error = 0;
        return 0;
    }
    *error = check.max_ulp;
    if (check.bad == 0)
        return 1;
    size_t i = check.first_bad;
    snprintf(reason, reason_size, "%zu elements beyond %.0f ulp; first at [%zu]: %s(%.9g) gave %.9g", check.bad,
             gpucc_map_ulp_bound(m->fn), m->first + i, gpucc_map_fn_name(m->fn), m->x.data[i], m->out[i]);
    return 0;
}

/* The output is poisoned (all bits set: NaN) first, so that a call that
 * writes nothing fails; the first and the last call are verified. */
static gpucc_status measure(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out)
{
    map_job *m = job->data;
    memset(output, 0xff, m->x.count * sizeof *output);
    m->backend = backend;
    m->out = output;
    return gpucc_measure(plan, map_call, map_check, 0, m, out);
}

const gpucci_workload gpucci_map_workload = {
    .name = "map",
    .summary = "element-wise function (verified in ulps against double precision)",
    .help = "  --alpha=A              saxpy's a in y = a*x + y (default: 2; y is generated)\n"
            "  --size=N, --input=PATH as for reduce\n"
            "  --output=PATH          write the result (only if all verified): .npy, or raw\n"
            "                         float32 for any other extension, as --input reads it\n"
            "  --output-backend=NAME  backend whose result is written (default: first selected)\n",
    .options = GPUCCI_OPT_SIZE | GPUCCI_OPT_INPUT | GPUCCI_OPT_OUTPUT | GPUCCI_OPT_ALPHA,
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
    .prepare = prepare,
    .measure = measure,
    .processes = &process_split,
    .release = release,
};
