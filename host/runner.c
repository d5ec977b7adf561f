#include "runner.h"

#include <stdio.h>
#include <string.h>

#include "report.h"

static void print_notice(void *ctx, const char *message)
{
    (void)ctx;
    fprintf(stderr, "gpucc: %s\n", message);
}

/* Was this backend asked for by name (so that its absence is an error)? */
static int explicitly_requested(const gpucc_run_options *o, gpucc_backend_kind kind)
{
    return (o->backends_given && (o->backends & (1u << kind))) ||
           (kind == GPUCC_BACKEND_OPENCL && o->device_given);
}

/* Opens every selected backend into backends[] and a row each. Returns 0,
 * or GPUCC_EXIT_UNAVAILABLE after printing why a requested one is absent. */
static int open_backends(const gpucc_run_options *o, gpucc_backend **backends, gpucc_reduce_report *report)
{
    gpucc_backend_config config = o->config;
    config.notice = print_notice;
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
        if (!(o->backends & (1u << k)))
            continue;
        gpucc_reduce_row *row = &report->rows[report->row_count++];
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
            return GPUCC_EXIT_UNAVAILABLE;
        }
        if (status == GPUCC_E_INVALID) {
            fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
            return GPUCC_EXIT_USAGE;
        }
    }
    return 0;
}

/* Loads or generates the input. Returns 0 or an exit code (message printed). */
static int prepare_input(const gpucc_run_options *o, gpucc_array *data, char *source, size_t source_size)
{
    memset(data, 0, sizeof *data);
    if (o->input) {
        gpucc_status status = gpucc_array_load(o->input, 1, data);
        if (status != GPUCC_OK) {
            fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
            return status == GPUCC_E_FORMAT ? GPUCC_EXIT_DATAERR
                   : status == GPUCC_E_IO   ? GPUCC_EXIT_NOINPUT
                                            : GPUCC_EXIT_FAILED;
        }
        snprintf(source, source_size, "file:%s", o->input);
        return 0;
    }
    if (o->size > SIZE_MAX / sizeof(float) || !(data->data = gpucc_alloc_floats((size_t)o->size))) {
        fprintf(stderr, "gpucc: cannot allocate %llu floats for --size\n", (unsigned long long)o->size);
        return GPUCC_EXIT_FAILED;
    }
    data->rank = 1;
    data->count = data->shape[0] = (size_t)o->size;
    data->shape[1] = 1;
    gpucc_generate(data->data, data->count, o->seed, 0);
    snprintf(source, source_size, "generated:seed=%llu", (unsigned long long)o->seed);
    return 0;
}

int gpucc_run_reduce(const gpucc_run_options *o)
{
    static gpucc_reduce_report report;
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    gpucc_array data = {0};
    memset(&report, 0, sizeof report);
    report.op = o->op;
    report.plan = o->plan;
    int rc = prepare_input(o, &data, report.source, sizeof report.source);
    if (rc == 0)
        rc = open_backends(o, backends, &report);
    if (rc == 0 && gpucc_reference_compute(data.data, data.count, 0, &report.ref) != GPUCC_OK) {
        fprintf(stderr, "gpucc: reference: %s\n", gpucc_last_error());
        rc = GPUCC_EXIT_FAILED;
    }
    if (rc != 0)
        goto done;
    report.n = data.count;
    for (size_t i = 0; i < report.row_count; i++) {
        gpucc_reduce_row *row = &report.rows[i];
        if (row->status != GPUCC_ROW_OK)
            continue;
        if (gpucc_reduce_measure(backends[row->backend], o->op, data.data, data.count, &report.ref, &o->plan,
                                 &row->m) != GPUCC_OK) {
            row->status = GPUCC_ROW_ERROR;
            snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
        }
    }
    gpucc_report_reduce(stdout, &report, o->format);
    for (size_t i = 0; i < report.row_count; i++) {
        const gpucc_reduce_row *row = &report.rows[i];
        if (row->status == GPUCC_ROW_ERROR || (row->status == GPUCC_ROW_OK && !row->m.verified)) {
            fprintf(stderr, "gpucc: %s: %s\n", gpucc_backend_kind_name(row->backend),
                    row->status == GPUCC_ROW_ERROR ? row->message : row->m.reason);
            rc = GPUCC_EXIT_FAILED;
        }
    }
done:
    gpucc_array_free(&data);
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_backend_close(backends[k]);
    return rc;
}
