#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "npy.h"
#include "report.h"

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

/* Measures every open row's backend, each into its own output array where
 * the workload has one. */
static void measure_rows(const cli_run_options *o, gpucci_job *job, cli_report *report, gpucc_backend **backends,
                         float **outputs)
{
    size_t count = gpucci_job_output_count(job);
    for (size_t i = 0; i < report->row_count; i++) {
        cli_row *row = &report->rows[i];
        if (row->status != GPUCC_ROW_OK)
            continue;
        float *out = NULL;
        if (count && !(out = outputs[row->backend] = gpucc_alloc_floats(count))) {
            record_error(row, GPUCC_E_NOMEM);
            continue;
        }
        record_error(row, o->workload->measure(job, backends[row->backend], &o->plan, out, &row->m));
    }
}

int cli_run(const cli_run_options *o)
{
    static cli_report report; /* large: keep it off the stack */
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    float *outputs[GPUCC_BACKEND_COUNT] = {NULL};
    gpucci_job job = {0};
    memset(&report, 0, sizeof report);
    report.workload = o->workload;
    report.job = &job;
    report.plan = o->plan;
    /* --output is created first: a path that cannot be created stops the
     * run before any work, and the file is removed unless committed. */
    gpucci_atomic_file output = {.slot = -1};
    if (o->output && gpucci_atomic_file_open(&output, o->output) != GPUCC_OK) {
        fprintf(stderr, "gpucc: --output: %s\n", gpucc_last_error());
        return GPUCC_EXIT_CANTCREAT;
    }
    gpucc_status status = o->workload->prepare(&o->params, &job);
    int rc = 0;
    if (status != GPUCC_OK) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        rc = cli_exit_of(status);
    }
    if (rc == 0)
        rc = open_backends(o, backends, &report);
    if (rc == 0) {
        measure_rows(o, &job, &report, backends, outputs);
        rc = print_and_judge(o, &report);
    }
    if (rc == 0)
        rc = write_output(o, &output, outputs[o->output_backend], job.output_rank, job.output_shape);
    gpucci_atomic_file_abort(&output);
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_free_floats(outputs[k]);
    gpucci_job_release(o->workload, &job);
    close_backends(backends);
    return rc;
}
