#include "runner.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "report.h"
#include "typed-array.h"

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

/* The OpenCL devices a run selects, as selectors for gpucc_backend_config's
 * device, into names[0..count): --device split at its commas, or every
 * device's index for "all"; one NULL selector (the default device) without
 * --device. Returns 0, or an exit code after printing why. */
static int device_selectors(const cli_run_options *o, char names[][128], const char **selectors, size_t *count)
{
    *count = 0;
    if (!o->devices) {
        selectors[(*count)++] = NULL;
        return 0;
    }
    if (strcmp(o->devices, "all") == 0) {
        gpucc_cl_device_info *infos = NULL;
        size_t found = 0;
        if (gpucc_cl_list_devices(&infos, &found) != GPUCC_OK || found == 0) {
            free(infos);
            fprintf(stderr, "gpucc: --device=all: no OpenCL device found\n");
            return GPUCC_EXIT_UNAVAILABLE;
        }
        for (size_t i = 0; i < found && *count < CLI_MAX_DEVICES; i++) {
            snprintf(names[*count], sizeof names[0], "%u", infos[i].index);
            selectors[*count] = names[*count];
            (*count)++;
        }
        free(infos);
        return 0;
    }
    for (const char *p = o->devices; *p; p += *p == ',') {
        size_t len = strcspn(p, ",");
        if (len == 0 || len >= sizeof names[0] || *count == CLI_MAX_DEVICES) {
            fprintf(stderr, "gpucc run: --device: '%s' has an empty entry or more than %d devices\n", o->devices,
                    CLI_MAX_DEVICES);
            return GPUCC_EXIT_USAGE;
        }
        memcpy(names[*count], p, len);
        names[*count][len] = '\0';
        selectors[*count] = names[*count];
        (*count)++;
        p += len;
    }
    return 0;
}

/* Opens one backend into backends[i] for row i of the report; the row's
 * device starts with its selector ("1: ...") when several devices run.
 * Returns 0, or an exit code after printing why a requested one cannot be
 * used. */
static int open_row(const cli_run_options *o, gpucc_backend_kind kind, const char *device, int several,
                    gpucc_backend **backends, cli_report *report)
{
    gpucc_backend_config config = o->config;
    config.notice = print_notice;
    config.device = device;
    size_t i = report->row_count++;
    cli_row *row = &report->rows[i];
    row->backend = kind;
    snprintf(row->selector, sizeof row->selector, "%s", device ? device : "");
    gpucc_status status = gpucc_backend_open(kind, &config, &backends[i]);
    if (status == GPUCC_OK) {
        snprintf(row->device, sizeof row->device, "%s%s%s", several ? device : "", several ? ": " : "",
                 gpucc_backend_device(backends[i]));
        return 0;
    }
    snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
    row->status = status == GPUCC_E_UNAVAILABLE ? GPUCC_ROW_UNAVAILABLE : GPUCC_ROW_ERROR;
    if (status == GPUCC_E_UNAVAILABLE && explicitly_requested(o, kind)) {
        fprintf(stderr, "gpucc: %s backend unavailable: %s\n", gpucc_backend_kind_name(kind), gpucc_last_error());
        return cli_exit_of(status);
    }
    if (status == GPUCC_E_INVALID) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        return cli_exit_of(status);
    }
    return 0;
}

int cli_open_backends(const cli_run_options *o, gpucc_backend **backends, cli_report *report)
{
    int rc = 0;
    for (int k = 0; k < GPUCC_BACKEND_COUNT && rc == 0; k++) {
        if (!(o->backends & (1u << k)))
            continue;
        if (k != GPUCC_BACKEND_OPENCL) {
            rc = open_row(o, (gpucc_backend_kind)k, NULL, 0, backends, report);
            continue;
        }
        char names[CLI_MAX_DEVICES][128];
        const char *selectors[CLI_MAX_DEVICES];
        size_t count;
        rc = device_selectors(o, names, selectors, &count);
        for (size_t d = 0; d < count && rc == 0; d++)
            rc = open_row(o, GPUCC_BACKEND_OPENCL, selectors[d], count > 1, backends, report);
    }
    return rc;
}

int cli_print_and_judge(const cli_run_options *o, const cli_report *report)
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

void cli_record_error(cli_row *row, gpucc_status status)
{
    if (status != GPUCC_OK) {
        row->status = status == GPUCC_E_UNSUPPORTED ? GPUCC_ROW_UNSUPPORTED : GPUCC_ROW_ERROR;
        snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
    }
}

int cli_open_output(const cli_run_options *o, gpucci_atomic_file *output)
{
    if (o->output && gpucci_atomic_file_open(output, o->output) != GPUCC_OK) {
        fprintf(stderr, "gpucc: --output: %s\n", gpucc_last_error());
        return GPUCC_EXIT_CANTCREAT;
    }
    return 0;
}

int cli_write_output(const cli_run_options *o, gpucci_atomic_file *output, const float *data, size_t rank,
                     const size_t *shape)
{
    if (!output->stream)
        return 0;
    if (!data) { /* the output backend did not run: nothing to write */
        fprintf(stderr, "gpucc: --output: %s produced no result to write\n",
                gpucc_backend_kind_name(o->output_backend));
        return GPUCC_EXIT_FAILED;
    }
    if (gpucci_typed_array_write(output->stream, o->output, o->params.dtype, data, rank, shape) != GPUCC_OK ||
        gpucci_atomic_file_commit(output) != GPUCC_OK) {
        fprintf(stderr, "gpucc: --output: %s\n", gpucc_last_error());
        return GPUCC_EXIT_CANTCREAT;
    }
    return 0;
}

void cli_close_backends(gpucc_backend **backends)
{
    for (int i = 0; i < CLI_MAX_ROWS; i++)
        gpucc_backend_close(backends[i]);
}

/* Measures every open row's backend, each into its own output array
 * (outputs[i] for row i) where the workload has one. An OpenCL row on an
 * NVIDIA board reads the board's energy and clocks (NVML, where loadable). */
static void measure_rows(const cli_run_options *o, gpucci_job *job, cli_report *report, gpucc_backend **backends,
                         float **outputs)
{
    size_t count = gpucci_job_output_count(job);
    char nvml_why[GPUCCI_NVML_WHY_SIZE] = "";
    gpucci_nvml *nvml = NULL;
    if (o->backends & (1u << GPUCC_BACKEND_OPENCL))
        nvml = gpucci_nvml_open(nvml_why, sizeof nvml_why);
    for (size_t i = 0; i < report->row_count; i++) {
        cli_row *row = &report->rows[i];
        if (row->status != GPUCC_ROW_OK)
            continue;
        float *out = NULL;
        if (count && !(out = outputs[i] = gpucc_alloc_floats(gpucci_job_output_floats(job, o->params.dtype)))) {
            cli_record_error(row, GPUCC_E_NOMEM);
            continue;
        }
        gpucc_plan plan = o->plan;
        if (row->backend == GPUCC_BACKEND_OPENCL)
            cli_gpu_row_begin(&row->gpu, nvml, nvml_why, backends[i], &plan);
        cli_record_error(row, o->workload->measure(job, backends[i], &plan, out, &row->m));
        cli_gpu_row_end(&row->gpu);
    }
    gpucci_nvml_close(nvml);
}

/* Is every OpenCL device of the split rows a CPU device (the host's cores
 * and memory, shared)? Devices named otherwise than by index count as
 * CPU devices when any device of the machine is one. */
static int split_shares_host(const cli_report *report, const size_t *rows, size_t count)
{
    gpucc_cl_device_info *infos = NULL;
    size_t found = 0, cpus = 0;
    if (gpucc_cl_list_devices(&infos, &found) != GPUCC_OK)
        return 0; /* unknown: say nothing */
    int any_cpu = 0;
    for (size_t i = 0; i < found; i++)
        any_cpu |= strcmp(infos[i].type, "cpu") == 0;
    for (size_t d = 0; d < count; d++) {
        char *end;
        const char *selector = report->rows[rows[d]].selector;
        unsigned long index = strtoul(selector, &end, 10);
        int is_index = *selector && !*end && index < found;
        cpus += is_index ? strcmp(infos[index].type, "cpu") == 0 : any_cpu;
    }
    free(infos);
    return cpus == count;
}

/* --split: one more row, the run split across the OpenCL rows that ran,
 * each weighted by its own speed (the inverse of its median time). */
static void measure_split(const cli_run_options *o, gpucci_job *job, cli_report *report, gpucc_backend **backends)
{
    cli_row *row = &report->rows[report->row_count];
    memset(row, 0, sizeof *row);
    row->backend = GPUCC_BACKEND_OPENCL;
    gpucc_backend *parts[CLI_MAX_DEVICES];
    double weights[CLI_MAX_DEVICES];
    size_t count = 0;
    for (size_t i = 0; i < report->row_count; i++) {
        const cli_row *r = &report->rows[i];
        if (r->backend == GPUCC_BACKEND_OPENCL && r->status == GPUCC_ROW_OK && r->m.verified && count < CLI_MAX_DEVICES) {
            row->split_rows[count] = i;
            parts[count] = backends[i];
            weights[count++] = r->m.total_ms.median > 0 ? 1.0 / r->m.total_ms.median : 1.0;
        }
    }
    report->row_count++;
    if (!o->workload->measure_split) {
        row->status = GPUCC_ROW_UNSUPPORTED;
        snprintf(row->device, sizeof row->device, "split");
        snprintf(row->message, sizeof row->message, "the %s workload cannot be split across devices",
                 o->workload->name);
        return;
    }
    if (count < 2) {
        row->status = GPUCC_ROW_UNAVAILABLE;
        snprintf(row->device, sizeof row->device, "split");
        snprintf(row->message, sizeof row->message, "fewer than two devices ran and verified");
        return;
    }
    cli_record_error(row, o->workload->measure_split(job, parts, weights, count, &o->plan, &row->split, &row->m));
    char text[sizeof row->device];
    int len = snprintf(text, sizeof text, "split:");
    for (size_t d = 0; d < count && len > 0 && (size_t)len < sizeof text; d++) {
        const gpucci_split *s = &row->split;
        len += snprintf(text + len, sizeof text - len, "%s %s %.0f%% (%.3f ms)", d ? "," : "",
                        report->rows[row->split_rows[d]].selector,
                        job->n ? 100.0 * (double)(s->end[d] - s->first[d]) / (double)job->n : 0.0, s->part_ms[d]);
    }
    if (len > 0 && (size_t)len < sizeof text && split_shares_host(report, row->split_rows, count))
        snprintf(text + len, sizeof text - len,
                 "; these devices share the host's cores and memory: same bits, no speed-up to expect");
    memcpy(row->device, text, sizeof text);
}

const float *cli_output_of(const cli_run_options *o, const cli_report *report, float *const *outputs)
{
    for (size_t i = 0; i < report->row_count; i++)
        if (report->rows[i].backend == o->output_backend)
            return outputs[i];
    return NULL;
}

int cli_run(const cli_run_options *o)
{
    static cli_report report; /* large: keep it off the stack */
    gpucc_backend *backends[CLI_MAX_ROWS] = {NULL};
    float *outputs[CLI_MAX_ROWS] = {NULL};
    gpucci_job job = {0};
    memset(&report, 0, sizeof report);
    report.workload = o->workload;
    report.job = &job;
    report.dtype = o->params.dtype;
    report.plan = o->plan;
    gpucci_energy_open(&report.energy);
    /* --output is created first: a path that cannot be created stops the
     * run before any work, and the file is removed unless committed. */
    gpucci_atomic_file output = {.slot = -1};
    int rc = cli_open_output(o, &output);
    if (rc != 0)
        return rc;
    gpucc_status status = o->workload->prepare(&o->params, &job);
    if (status != GPUCC_OK) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        rc = cli_exit_of(status);
    }
    if (rc == 0)
        rc = cli_open_backends(o, backends, &report);
    if (rc == 0) {
        measure_rows(o, &job, &report, backends, outputs);
        if (o->split)
            measure_split(o, &job, &report, backends);
        rc = cli_print_and_judge(o, &report);
    }
    if (rc == 0)
        rc = cli_write_output(o, &output, cli_output_of(o, &report, outputs), job.output_rank, job.output_shape);
    gpucci_atomic_file_abort(&output);
    for (int i = 0; i < CLI_MAX_ROWS; i++)
        gpucc_free_floats(outputs[i]);
    gpucci_job_release(o->workload, &job);
    cli_close_backends(backends);
    return rc;
}
