#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "npy.h"
#include "report.h"
#include "workloads.h"

static void print_notice(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "gpucc: %s\n", message);
}

/* Was this backend asked for by name (so that its absence is an error)?
 * --output-backend names one too: without it there is nothing to write. */
static int explicitly_requested(const cli_run_options *o, gpucc_backend_kind kind)
{
    return (o->backends_given && (o->backends & (1u << kind))) ||
           (kind == GPUCC_BACKEND_OPENCL && o->device_given) ||
           (o->output && o->output_backend_given && o->output_backend == kind);
}

/* Opens every selected backend into backends[] and a row each. Returns 0,
 * or an exit code after printing why a requested one cannot be used. */
static int open_backends(const cli_run_options *o, gpucc_backend **backends, cli_report *report)
{
    gpucc_backend_config config = o->config;
    config.notice = print_notice;
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
        if (!(o->backends & (1u << k)))
            continue;
        cli_row *row = &report->rows[report->row_count++];
        row->backend = (gpucc_backend_kind)k;
        gpucc_status status = gpucc_backend_open((gpucc_backend_kind)k, &config, &backends[k]);
        if (status == GPUCC_OK) {
            snprintf(row->device, sizeof row->device, "%s", gpucc_backend_device(backends[k]));
            continue;
        }
        snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
        row->status = status == GPUCC_E_UNAVAILABLE ? GPUCC_ROW_UNAVAILABLE : GPUCC_ROW_ERROR;
        if (status == GPUCC_E_UNAVAILABLE && explicitly_requested(o, (gpucc_backend_kind)k)) {
            fprintf(stderr, "gpucc: %s backend unavailable: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k),
                    gpucc_last_error());
            return cli_exit_of(status);
        }
        if (status == GPUCC_E_INVALID) {
            fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
            return cli_exit_of(status);
        }
    }
    return 0;
}

/* Loads an array; returns 0 or an exit code (message printed). */
static int load_array(const char *path, size_t max_rank, gpucc_array *out)
{
    gpucc_status status = gpucc_array_load(path, max_rank, out);
    if (status == GPUCC_OK)
        return 0;
    fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
    return cli_exit_of(status);
}

/* Allocates and fills a generated rank-1 or rank-2 array. */
static int generate_array(size_t rows, size_t cols, uint64_t seed, gpucc_array *out)
{
    memset(out, 0, sizeof *out);
    if (cols && rows > SIZE_MAX / cols) {
        fprintf(stderr, "gpucc: %zu x %zu floats overflow the address space\n", rows, cols);
        return GPUCC_EXIT_FAILED;
    }
    out->count = rows * cols;
    if (!(out->data = gpucc_alloc_floats(out->count))) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        return GPUCC_EXIT_FAILED;
    }
    out->rank = cols == 1 ? 1 : 2;
    out->shape[0] = rows;
    out->shape[1] = cols;
    gpucc_generate(out->data, out->count, seed, 0);
    return 0;
}

/* The 1-D input of reduce and map: --input, or --size generated from --seed. */
static int prepare_vector(const cli_run_options *o, gpucc_array *data, cli_report *report)
{
    int rc;
    if (o->input) {
        rc = load_array(o->input, 1, data);
        snprintf(report->source, sizeof report->source, "file:%s", o->input);
    } else {
        rc = o->size > SIZE_MAX / sizeof(float) ? GPUCC_EXIT_FAILED : generate_array((size_t)o->size, 1, o->seed, data);
        snprintf(report->source, sizeof report->source, "generated:seed=%llu", (unsigned long long)o->seed);
    }
    report->n = data->count;
    return rc;
}

/* Prints the report; returns 1 if any row failed or did not verify, else 0. */
static int print_and_judge(const cli_run_options *o, const cli_report *report)
{
    cli_report_print(stdout, report, o->format);
    fflush(stdout);
    int rc = 0;
    for (size_t i = 0; i < report->row_count; i++) {
        const cli_row *row = &report->rows[i];
        if (row->status == GPUCC_ROW_ERROR || (row->status == GPUCC_ROW_OK && !row->m.verified)) {
            fprintf(stderr, "gpucc: %s: %s\n", gpucc_backend_kind_name(row->backend),
                    row->status == GPUCC_ROW_ERROR ? row->message : row->m.reason);
            rc = GPUCC_EXIT_FAILED;
        }
    }
    return rc;
}

/* Marks a row failed when the measurement itself could not run, or
 * unsupported when its backend leaves the workload out. */
static void record_error(cli_row *row, gpucc_status status)
{
    if (status != GPUCC_OK) {
        row->status = status == GPUCC_E_UNSUPPORTED ? GPUCC_ROW_UNSUPPORTED : GPUCC_ROW_ERROR;
        snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
    }
}

/* Writes --output, opened before the run, from the chosen backend's result
 * (only after a good run). */
static int write_output(const cli_run_options *o, gpucci_atomic_file *output, const float *data, size_t rank,
                        const size_t *shape)
{
    if (!output->stream)
        return 0;
    if (!data) { /* the output backend did not run: nothing to write */
        fprintf(stderr, "gpucc: --output: %s produced no result to write\n",
                gpucc_backend_kind_name(o->output_backend));
        return GPUCC_EXIT_FAILED;
    }
    if (gpucci_array_write(output->stream, o->output, data, rank, shape) != GPUCC_OK ||
        gpucci_atomic_file_commit(output) != GPUCC_OK) {
        fprintf(stderr, "gpucc: --output: %s\n", gpucc_last_error());
        return GPUCC_EXIT_CANTCREAT;
    }
    return 0;
}

static void close_backends(gpucc_backend **backends)
{
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_backend_close(backends[k]);
}

/* ---- reduce ---- */

static int run_reduce(const cli_run_options *o, cli_report *report, gpucc_backend **backends)
{
    gpucc_array data = {0};
    report->op = o->op;
    int rc = prepare_vector(o, &data, report);
    if (rc == 0)
        rc = open_backends(o, backends, report);
    if (rc == 0 && gpucc_reference_compute(data.data, data.count, 0, &report->ref) != GPUCC_OK) {
        fprintf(stderr, "gpucc: reference: %s\n", gpucc_last_error());
        rc = GPUCC_EXIT_FAILED;
    }
    report->bytes = (double)data.count * sizeof(float);
    for (size_t i = 0; rc == 0 && i < report->row_count; i++) {
        cli_row *row = &report->rows[i];
        if (row->status == GPUCC_ROW_OK)
            record_error(row, gpucc_reduce_measure(backends[row->backend], o->op, data.data, data.count,
                                                   &report->ref, &o->plan, &row->m));
    }
    if (rc == 0)
        rc = print_and_judge(o, report);
    gpucc_array_free(&data);
    return rc;
}

/* ---- map ---- */

static int run_map(const cli_run_options *o, cli_report *report, gpucc_backend **backends,
                   gpucci_atomic_file *output)
{
    gpucc_array data = {0}, addend = {0};
    float *outputs[GPUCC_BACKEND_COUNT] = {NULL};
    report->fn = o->fn;
    report->alpha = o->alpha;
    int rc = prepare_vector(o, &data, report);
    int saxpy = o->fn == GPUCC_MAP_SAXPY;
    if (rc == 0 && saxpy) /* y = the stream of seed + 1, as long as x */
        rc = generate_array(data.count, 1, o->seed + 1, &addend);
    if (rc == 0)
        rc = open_backends(o, backends, report);
    report->bytes = (double)data.count * sizeof(float) * (saxpy ? 3 : 2);
    for (size_t i = 0; rc == 0 && i < report->row_count; i++) {
        cli_row *row = &report->rows[i];
        if (row->status != GPUCC_ROW_OK)
            continue;
        float *out = outputs[row->backend] = gpucc_alloc_floats(data.count);
        if (!out) {
            record_error(row, GPUCC_E_NOMEM);
            continue;
        }
        cli_map_job job = {backends[row->backend], o->fn, o->alpha, data.data, addend.data, out, data.count};
        record_error(row, cli_map_job_measure(&job, &o->plan, &row->m));
    }
    if (rc == 0)
        rc = print_and_judge(o, report);
    if (rc == 0)
        rc = write_output(o, output, outputs[o->output_backend], 1, data.shape);
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_free_floats(outputs[k]);
    gpucc_array_free(&data);
    gpucc_array_free(&addend);
    return rc;
}

/* ---- dense ---- */

/* Loads X, W and b, checking that their shapes fit each other. */
static int load_dense_inputs(const cli_run_options *o, gpucc_array *x, gpucc_array *w, gpucc_array *b,
                             gpucc_dense_shape *shape)
{
    int rc = load_array(o->input, 2, x);
    if (rc == 0)
        rc = load_array(o->weights, 2, w);
    if (rc == 0)
        rc = load_array(o->bias, 1, b);
    if (rc != 0)
        return rc;
    if (x->rank != 2 || w->rank != 2) {
        fprintf(stderr, "gpucc: %s must be 2-D [%s]\n", x->rank != 2 ? o->input : o->weights,
                x->rank != 2 ? "batch x in" : "out x in");
        return GPUCC_EXIT_DATAERR;
    }
    if (x->shape[1] != w->shape[1] || b->shape[0] != w->shape[0]) {
        fprintf(stderr, "gpucc: shapes do not fit: X %s is %zux%zu, W %s is %zux%zu, b %s is %zu "
                        "(need X [batch x in], W [out x in], b [out])\n",
                o->input, x->shape[0], x->shape[1], o->weights, w->shape[0], w->shape[1], o->bias, b->shape[0]);
        return GPUCC_EXIT_DATAERR;
    }
    *shape = (gpucc_dense_shape){x->shape[0], x->shape[1], w->shape[0], o->shape.act};
    if (gpucc_dense_shape_check(shape) != GPUCC_OK) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        return GPUCC_EXIT_DATAERR;
    }
    return 0;
}

static int run_dense(const cli_run_options *o, cli_report *report, gpucc_backend **backends,
                     gpucci_atomic_file *output)
{
    gpucc_array x = {0}, w = {0}, b = {0};
    float *outputs[GPUCC_BACKEND_COUNT] = {NULL};
    gpucc_dense_shape *shape = &report->shape;
    *shape = o->shape;
    int rc;
    if (o->input) {
        rc = load_dense_inputs(o, &x, &w, &b, shape);
        snprintf(report->source, sizeof report->source, "file:%s,%s,%s", o->input, o->weights, o->bias);
    } else if (gpucc_dense_shape_check(shape) != GPUCC_OK) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        rc = GPUCC_EXIT_USAGE;
    } else {
        rc = generate_array(shape->batch, shape->in, o->seed, &x);
        if (rc == 0)
            rc = generate_array(shape->out, shape->in, o->seed + 1, &w);
        if (rc == 0)
            rc = generate_array(shape->out, 1, o->seed + 2, &b);
        snprintf(report->source, sizeof report->source, "generated:seed=%llu", (unsigned long long)o->seed);
    }
    if (rc == 0)
        rc = open_backends(o, backends, report);
    report->flops = 2.0 * (double)shape->batch * (double)shape->in * (double)shape->out;
    for (size_t i = 0; rc == 0 && i < report->row_count; i++) {
        cli_row *row = &report->rows[i];
        if (row->status != GPUCC_ROW_OK)
            continue;
        float *y = outputs[row->backend] = gpucc_alloc_floats(shape->batch * shape->out);
        if (!y) {
            record_error(row, GPUCC_E_NOMEM);
            continue;
        }
        cli_dense_job job = {backends[row->backend], shape, x.data, w.data, b.data, y};
        record_error(row, cli_dense_job_measure(&job, &o->plan, &row->m));
    }
    if (rc == 0)
        rc = print_and_judge(o, report);
    size_t y_shape[2] = {shape->batch, shape->out};
    if (rc == 0)
        rc = write_output(o, output, outputs[o->output_backend], 2, y_shape);
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_free_floats(outputs[k]);
    gpucc_array_free(&x);
    gpucc_array_free(&w);
    gpucc_array_free(&b);
    return rc;
}

int cli_run(const cli_run_options *o)
{
    static cli_report report; /* large: keep it off the stack */
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    memset(&report, 0, sizeof report);
    report.workload = o->workload;
    report.plan = o->plan;
    /* --output is created first: a path that cannot be created stops the
     * run before any work, and the file is removed unless committed. */
    gpucci_atomic_file output = {.slot = -1};
    if (o->output && gpucci_atomic_file_open(&output, o->output) != GPUCC_OK) {
        fprintf(stderr, "gpucc: --output: %s\n", gpucc_last_error());
        return GPUCC_EXIT_CANTCREAT;
    }
    int rc;
    switch (o->workload) {
    case GPUCC_WORKLOAD_MAP: rc = run_map(o, &report, backends, &output); break;
    case GPUCC_WORKLOAD_DENSE: rc = run_dense(o, &report, backends, &output); break;
    default: rc = run_reduce(o, &report, backends); break;
    }
    gpucci_atomic_file_abort(&output);
    close_backends(backends);
    return rc;
}
