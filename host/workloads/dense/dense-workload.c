/* The dense workload's descriptor: Y = act(X W^T + b), every output
 * verified against double precision within the standard error bound; X, W,
 * b and Y stored as f32, f16 or bf16 (--dtype). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dense-dtype.h"
#include "error.h"
#include "generate.h"
#include "job.h"
#include "split-parts.h"
#include "pool.h"
#include "widen.h"

typedef struct {
    gpucc_backend *backend; /* of the measurement in progress */
    gpucc_dense_shape shape; /* shape.batch: the rows of X (and Y) this process holds */
    size_t batch;            /* rows of the whole X */
    size_t first_row;        /* X holds rows [first_row, first_row + shape.batch) of the whole */
    gpucc_dtype dtype;       /* of X, W, b and Y */
    gpucci_typed_array x, w, b;
    void *y;                 /* of the measurement in progress */
} dense_job;

static const char *act_name(unsigned act)
{
    return gpucc_activation_name((gpucc_activation)act);
}

static const char *check_options(const gpucci_workload_params *p)
{
    int files = !!p->input + !!p->weights + !!p->bias;
    if (files != 0 && files != 3)
        return "--input, --weights and --bias go together (X, W and b)";
    if (files == 3 && p->shape_given)
        return "--batch, --in and --out exclude --input (the files set the shape)";
    return NULL;
}

static void release(gpucci_job *job)
{
    dense_job *d = job->data;
    gpucci_typed_array_free(&d->x);
    gpucci_typed_array_free(&d->w);
    gpucci_typed_array_free(&d->b);
    free(d);
}

/* The fewest rows a part of a larger batch gets: the pthreads backend
 * computes a batch of at most 2 rows with dot products and a larger one
 * with FMA tiles (DOT_BATCH, backends/cpu/cpu-dense-tiled.h), which round
 * differently, so a part of 1 or 2 rows would not give the bits of one
 * process. */
enum { MIN_SHARE_ROWS = 3 };

/* The rows [*first, *end) of a batch that part `part` of `parts` holds:
 * groups of MIN_SHARE_ROWS rows shared out as evenly as possible, the last
 * part with rows also taking the batch's last batch % MIN_SHARE_ROWS rows
 * (a batch below MIN_SHARE_ROWS goes whole to one part). */
static void share_rows(size_t batch, unsigned part, unsigned parts, size_t *first, size_t *end)
{
    size_t groups = batch / MIN_SHARE_ROWS ? batch / MIN_SHARE_ROWS : 1, g0, g1;
    gpucci_split_range(groups, part, parts, &g0, &g1);
    *first = g0 == groups ? batch : g0 * MIN_SHARE_ROWS;
    *end = g1 == groups ? batch : g1 * MIN_SHARE_ROWS;
}

/* Loads W and b (X loaded), checking that the three shapes fit each other
 * and the whole run's; sets the shape's in and out. */
static gpucc_status load_weights(const gpucci_workload_params *p, dense_job *d)
{
    gpucc_status status = gpucci_typed_array_load(p->weights, d->dtype, 2, &d->w);
    if (status == GPUCC_OK)
        status = gpucci_typed_array_load(p->bias, d->dtype, 1, &d->b);
    if (status != GPUCC_OK)
        return status;
    if (d->x.rank != 2 || d->w.rank != 2)
        return gpucci_fail(GPUCC_E_FORMAT, "%s must be 2-D [%s]", d->x.rank != 2 ? p->input : p->weights,
                           d->x.rank != 2 ? "batch x in" : "out x in");
    if (d->x.shape[1] != d->w.shape[1] || d->b.shape[0] != d->w.shape[0])
        return gpucci_fail(GPUCC_E_FORMAT,
                           "shapes do not fit: X %s is %zux%zu, W %s is %zux%zu, b %s is %zu "
                           "(need X [batch x in], W [out x in], b [out])",
                           p->input, d->batch, d->x.shape[1], p->weights, d->w.shape[0], d->w.shape[1], p->bias,
                           d->b.shape[0]);
    d->shape.in = d->x.shape[1];
    d->shape.out = d->w.shape[0];
    gpucc_dense_shape whole = d->shape;
    whole.batch = d->batch;
    return gpucc_dense_shape_check(&whole) == GPUCC_OK ? GPUCC_OK : GPUCC_E_FORMAT;
}

/* Reads rows [first_row, ...) of X, the share of part `part` of `parts` of
 * its rows, and all of W and b. */
static gpucc_status load_inputs(const gpucci_workload_params *p, unsigned part, unsigned parts, dense_job *d)
{
    gpucci_typed_array header;
    gpucc_status status = gpucci_typed_array_shape(p->input, d->dtype, 2, &header);
    if (status != GPUCC_OK)
        return status;
    size_t end;
    d->batch = header.shape[0];
    share_rows(d->batch, part, parts, &d->first_row, &end);
    d->shape.batch = end - d->first_row;
    status = gpucci_typed_array_load_rows(p->input, d->dtype, 2, d->first_row, end, &d->x);
    return status == GPUCC_OK ? load_weights(p, d) : status;
}

/* Fills count elements of dtype at out with elements first .. of the
 * generator's stream for seed: f32 as it is, bf16 rounded, f16 scaled by
 * 2^-scale and rounded (to nearest even). */
static gpucc_status generate_elements(gpucc_dtype dtype, gpucci_typed_array *out, size_t first, size_t count,
                                      uint64_t seed, int scale)
{
    if (dtype != GPUCC_F16)
        return gpucci_generate_typed_range(dtype, out->data, first, count, seed, 0);
    float *f = gpucc_alloc_floats(count);
    if (!f)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu floats to generate f16 data", count);
    gpucc_status status = gpucci_generate_range(f, first, count, seed, 0);
    for (size_t i = 0; status == GPUCC_OK && i < count; i++)
        ((uint16_t *)out->data)[i] = gpucc_float_to_f16(ldexpf(f[i], -scale));
    gpucc_free_floats(f);
    return status;
}

/* Allocates rows x cols elements of dtype into out and fills them with the
 * stream of seed from element first on (generate_elements). */
static gpucc_status generate_matrix(gpucc_dtype dtype, size_t rows, size_t cols, size_t first, uint64_t seed,
                                    int scale, gpucci_typed_array *out)
{
    gpucc_status status = gpucci_typed_array_alloc(dtype, rows, cols, out);
    return status == GPUCC_OK ? generate_elements(dtype, out, first, rows * cols, seed, scale) : status;
}

/* Generates the share of part `part` of `parts` of X's rows (each row what
 * it is in the whole X), and all of W and b. */
static gpucc_status generate_inputs(const gpucci_workload_params *p, unsigned part, unsigned parts, dense_job *d)
{
    d->shape.batch = d->batch = p->batch;
    d->shape.in = p->in;
    d->shape.out = p->out;
    gpucc_status status = gpucc_dense_shape_check(&d->shape);
    if (status != GPUCC_OK)
        return status;
    size_t end;
    share_rows(d->batch, part, parts, &d->first_row, &end);
    d->shape.batch = end - d->first_row;
    int scale = d->dtype == GPUCC_F16 ? gpucci_dense_f16_scale_exponent(d->shape.in) : 0;
    status = generate_matrix(d->dtype, d->shape.batch, d->shape.in, d->first_row * d->shape.in, p->seed, scale,
                             &d->x);
    if (status == GPUCC_OK)
        status = generate_matrix(d->dtype, d->shape.out, d->shape.in, 0, p->seed + 1, scale, &d->w);
    if (status == GPUCC_OK) /* b is not scaled: it adds to sums, never multiplies */
        status = generate_matrix(d->dtype, d->shape.out, 1, 0, p->seed + 2, 0, &d->b);
    return status;
}

/* Prepares part `part` of `parts` of the job: the rows of X (and Y) it
 * holds, all of W and b; the job's text describes the whole (one part: the
 * descriptor's prepare). The tally is unused: Y is an array. */
static gpucc_status prepare_share(const gpucci_workload_params *params, unsigned part, unsigned parts,
                                  gpucci_job *job, void *tally)
{
    (void)tally;
    dense_job *d = calloc(1, sizeof *d);
    if (!d)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the dense job");
    job->data = d;
    d->shape.act = (gpucc_activation)params->variant;
    d->dtype = params->dtype;
    gpucc_status status;
    if (params->input) {
        status = load_inputs(params, part, parts, d);
        snprintf(job->source, sizeof job->source, "file:%s,%s,%s", params->input, params->weights, params->bias);
    } else {
        status = generate_inputs(params, part, parts, d);
        snprintf(job->source, sizeof job->source, "generated:seed=%llu", (unsigned long long)params->seed);
    }
    if (status != GPUCC_OK)
        return gpucci_job_abandon(job, release, status);
    const gpucc_dense_shape *s = &d->shape;
    const char *act = act_name(s->act);
    job->n = d->batch * s->out;
    job->flops = 2.0 * (double)d->batch * (double)s->in * (double)s->out;
    job->bytes = (double)gpucc_dtype_size(d->dtype) * ((double)d->batch * (double)s->in +
                                                       (double)s->out * (double)s->in + (double)s->out +
                                                       (double)d->batch * (double)s->out);
    snprintf(job->title, sizeof job->title, "dense %zux%zux%zu (batch x in x out), act %s, %s, %.3f GFLOP per call (%s)",
             d->batch, s->in, s->out, act, gpucc_dtype_long_name(d->dtype), job->flops * 1e-9, job->source);
    snprintf(job->reference, sizeof job->reference,
             "reference: double precision, every output; bound 2*in*2^-24*(|X||W^T|+|b|) per element%s "
             "(error column: worst error / bound)",
             d->dtype == GPUCC_F16    ? ", plus 2^-11 |y| + 2^-24 (f16 storage)"
             : d->dtype == GPUCC_BF16 ? ", plus 2^-8 |y| + 2^-133 (bf16 storage)"
                                      : "");
    snprintf(job->what, sizeof job->what, "%zux%zux%zu/%s", d->batch, s->in, s->out, act);
    gpucci_fact_count(job, 0, "batch", d->batch);
    gpucci_fact_count(job, 0, "in", s->in);
    gpucci_fact_count(job, 0, "out", s->out);
    gpucci_fact_text(job, 0, "act", act);
    gpucci_fact_text(job, 0, "dtype", gpucc_dtype_name(d->dtype));
    job->output_rank = 2;
    job->output_shape[0] = d->batch;
    job->output_shape[1] = s->out;
    return GPUCC_OK;
}

static gpucc_status prepare(const gpucci_workload_params *params, gpucci_job *job)
{
    return prepare_share(params, 0, 1, job, NULL);
}

/* The result elements (Y in C order) this process holds: its rows. */
static void share(const gpucci_job *job, size_t *first, size_t *end)
{
    const dense_job *d = job->data;
    *first = d->first_row * d->shape.out;
    *end = (d->first_row + d->shape.batch) * d->shape.out;
}

static const gpucci_process_split process_split = {
    .prepare = prepare_share,
    .share = share,
};

static gpucc_status dense_call(void *ctx, gpucc_call_info *info, double *value)
{
    const dense_job *d = ctx;
    *value = 0;
    return gpucc_dense_typed(d->backend, &d->shape, d->dtype, d->x.data, d->w.data, d->b.data, d->y, info);
}

static int dense_check(void *ctx, double value, double *error, char *reason, size_t reason_size)
{
    const dense_job *d = ctx;
    gpucc_dense_check check;
    (void)value;
    if (gpucc_dense_verify_typed(&d->shape, d->dtype, d->x.data, d->w.data, d->b.data, d->y, 0, &check) !=
        GPUCC_OK) {
        snprintf(reason, reason_size, "verification failed: %s", gpucc_last_error());
        *error = 0;
        return 0;
    }
    *error = check.max_ratio;
    if (check.bad == 0)
        return 1;
    snprintf(reason, reason_size, "%zu outputs beyond the error bound; first Y[%zu][%zu] = %.9g", check.bad,
             d->first_row + check.first_bad / d->shape.out, check.first_bad % d->shape.out,
             gpucci_widen(d->dtype, d->y, check.first_bad));
    return 0;
}

/* The output is poisoned (NaN) first, so that a call that writes nothing
 * fails; the first and the last call are verified. */
static gpucc_status measure(gpucci_job *job, gpucc_backend *backend, const gpucc_plan *plan, float *output,
                            gpucc_measurement *out)
{
    dense_job *d = job->data;
    memset(output, 0xff, d->shape.batch * d->shape.out * gpucc_dtype_size(d->dtype));
    d->backend = backend;
    d->y = output;
    return gpucc_measure(plan, dense_call, dense_check, 0, d, out);
}

/* --split: the rows of Y [first / out, end / out) on backend (first and
 * end count elements of Y), into the same output as the other parts. */
static gpucc_status dense_part(void *ctx, gpucc_backend *backend, size_t first, size_t end, gpucc_call_info *info)
{
    const dense_job *d = ctx;
    size_t size = gpucc_dtype_size(d->dtype), row = first / d->shape.out;
    gpucc_dense_shape part = d->shape;
    part.batch = (end - first) / d->shape.out;
    return gpucc_dense_typed(backend, &part, d->dtype, (const char *)d->x.data + row * d->shape.in * size, d->w.data,
                             d->b.data, (char *)d->y + first * size, info);
}

/* The rows of Y shared out whole, each backend computing its own rows at
 * the same time; the whole output, poisoned first as in measure, is
 * verified as one backend's. */
static gpucc_status measure_split(gpucci_job *job, gpucc_backend *const *backends, const double *weights,
                                  size_t count, const gpucc_plan *plan, gpucci_split *split, gpucc_measurement *out)
{
    dense_job *d = job->data;
    gpucci_typed_array output;
    gpucc_status status = gpucci_typed_array_alloc(d->dtype, d->shape.batch, d->shape.out, &output);
    if (status != GPUCC_OK)
        return status;
    memset(output.data, 0xff, output.count * gpucc_dtype_size(d->dtype));
    d->y = output.data;
    gpucci_split_units(d->shape.batch, d->shape.out, output.count, weights, count, split);
    status = gpucci_measure_parts(backends, split, dense_part, dense_check, 0, d, plan, out);
    d->y = NULL;
    gpucci_typed_array_free(&output);
    return status;
}

const gpucci_workload gpucci_dense_workload = {
    .name = "dense",
    .summary = "Y = act(X W^T + b) (verified against double precision, per element)",
    .help = "  --batch=N --in=N --out=N  shape of X [batch x in], W [out x in], b [out] (256, 1024, 1024)\n"
            "  --impl=auto|clblast|kernel  OpenCL implementation (default: auto, the faster)\n"
            "  --input=X.npy --weights=W.npy --bias=B.npy  read all three instead of generating\n"
            "  --output=PATH, --output-backend=NAME  as for map\n",
    .options = GPUCCI_OPT_SHAPE | GPUCCI_OPT_DENSE | GPUCCI_OPT_INPUT | GPUCCI_OPT_OUTPUT,
    .dtypes = GPUCCI_DENSE_DTYPES,
    .variant_option = "--act",
    .variant_name = act_name,
    .variant_count = GPUCC_ACT_COUNT,
    .default_variant = GPUCC_ACT_RELU,
    .variant_help = "activation (default: relu)",
    .bench_variant = GPUCC_ACT_RELU,
    .bound = GPUCCI_BOUND_FMA,
    .bench_axis = GPUCCI_AXIS_BATCH,
    .has_impl = 1,
    .error_column = "err/bound",
    .error_key = "error_to_bound",
    .min_warmup = 1, /* CLBlast compiles and auto chooses on the first call */
    .check_options = check_options,
    .prepare = prepare,
    .measure = measure,
    .measure_split = measure_split,
    .processes = &process_split,
    .release = release,
};
