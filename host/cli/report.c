#include "report.h"

#include "json-csv.h"

#include <math.h>
#include <string.h>

static const char *const row_status_names[] = {[GPUCC_ROW_OK] = "ok",
                                               [GPUCC_ROW_UNAVAILABLE] = "unavailable",
                                               [GPUCC_ROW_ERROR] = "error",
                                               [GPUCC_ROW_UNSUPPORTED] = "unsupported"};

/* Throughput of one call taking ms: GFLOP/s for dense, GB/s otherwise. */
static double throughput(const cli_report *r, double ms)
{
    return ms > 0 ? gpucci_job_work(r->workload, r->job) / (ms * 1e6) : 0.0;
}

/* Rates in GFLOP/s for compute-bound workloads, else GB/s. */
static int in_flops(const cli_report *r)
{
    return r->workload->bound == GPUCCI_BOUND_FMA;
}

/* Serial's median time over this row's, or NAN when serial did not run or
 * a time is zero (an empty input). */
static double speedup_vs_serial(const cli_report *r, const cli_row *row)
{
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].backend == GPUCC_BACKEND_SERIAL && r->rows[i].status == GPUCC_ROW_OK &&
            r->rows[i].m.total_ms.median > 0 && row->m.total_ms.median > 0)
            return r->rows[i].m.total_ms.median / row->m.total_ms.median;
    return NAN;
}

static const char *check_word(const cli_row *row)
{
    if (row->status != GPUCC_ROW_OK)
        return row->status == GPUCC_ROW_UNAVAILABLE   ? "SKIP"
               : row->status == GPUCC_ROW_UNSUPPORTED ? "UNSUPPORTED"
                                                      : "ERROR";
    return row->m.verified ? "PASS" : "FAIL";
}

/* Does a row's energy come from its NVIDIA board (NVML)? */
static int on_board(const cli_row *row)
{
    return row->gpu.found;
}

/* Does any row have an energy meter: the host's, or its board's? */
static int any_energy(const cli_report *r)
{
    for (size_t i = 0; i < r->row_count; i++)
        if (on_board(&r->rows[i]))
            return 1;
    return r->energy.available;
}

/* The first lines of the table: what ran, what it is checked against, and
 * where the energy comes from. */
static void print_heading(FILE *out, const cli_report *r)
{
    fprintf(out, "%s; %u warm-up + %u timed calls per backend\n%s\n", r->job->title, r->plan.warmup,
            r->plan.repeat, r->job->reference);
    if (r->energy.available)
        fprintf(out, "energy: the host CPU packages' (RAPL: %s), per timed call: J/call and %s/J\n",
                r->energy.domains, in_flops(r) ? "GFLOP" : "GB");
    else
        fprintf(out, "energy: n/a: %s\n", r->energy.why);
    const cli_gpu_row *board = NULL, *looked = NULL;
    for (size_t i = 0; i < r->row_count; i++) {
        const cli_gpu_row *gpu = &r->rows[i].gpu;
        if (gpu->found && !board)
            board = gpu;
        if ((gpu->found || gpu->why[0]) && !looked)
            looked = gpu;
    }
    if (board)
        fprintf(out, "board energy: rows on NVIDIA boards read the board's own counter (NVML), per timed call\n");
    else if (looked)
        fprintf(out, "board energy and clocks: n/a: %s\n", looked->why);
}

/* A row's energy per call: its board's, or the host's; NaN where neither
 * is read. */
static double energy_of(const cli_report *r, const cli_row *row)
{
    return on_board(row) || r->energy.available ? row->m.energy_j : NAN;
}

/* Work per joule (GB/J or GFLOP/J) of a row, NaN without energy. */
static double per_joule(const cli_report *r, const cli_row *row)
{
    double joules = energy_of(r, row);
    return joules > 0 ? gpucci_job_work(r->workload, r->job) * 1e-9 / joules : NAN;
}

/* Where a row's energy comes from: "nvml", "rapl" or "none". */
static const char *energy_source(const cli_report *r, const cli_row *row)
{
    return on_board(row) ? "nvml" : r->energy.available ? "rapl" : "none";
}

/* Widest device column of the table: a longer name is shortened in it (the
 * JSON and CSV keep every name whole). */
enum { DEVICE_COLUMN_MAX = 72 };

/* The device column's width: the longest device name of the rows, at least
 * the heading's, at most DEVICE_COLUMN_MAX. */
static int device_column_width(const cli_report *r)
{
    size_t width = strlen("device");
    for (size_t i = 0; i < r->row_count; i++)
        if (strlen(r->rows[i].device) > width)
            width = strlen(r->rows[i].device);
    return width < DEVICE_COLUMN_MAX ? (int)width : DEVICE_COLUMN_MAX;
}

/* Writes name into out (DEVICE_COLUMN_MAX + 1 bytes), shortened when longer
 * than width: cut after the last whole word that leaves room for " ...", or
 * mid-word only when the first word alone is too long. */
static void fit_device_name(const char *name, int width, char *out)
{
    size_t length = strlen(name);
    if (length <= (size_t)width) {
        memcpy(out, name, length + 1);
        return;
    }
    size_t keep = (size_t)width - 4; /* room for " ..." */
    while (keep > 0 && name[keep] != ' ')
        keep--;
    while (keep > 0 && name[keep - 1] == ' ')
        keep--;
    if (keep == 0)
        keep = (size_t)width - 4;
    snprintf(out, DEVICE_COLUMN_MAX + 1, "%.*s ...", (int)keep, name);
}

/* Whether a row's one value prints as its exact integer (i32 data): not
 * an empty input's min or max, which is +inf or -inf. */
static int integer_value(const cli_report *r, const gpucc_measurement *m)
{
    return r->job->integer_result && isfinite(m->value);
}

static void print_table(FILE *out, const cli_report *r)
{
    int value = r->workload->single_value, impl = r->workload->has_impl;
    const char *unit = in_flops(r) ? "GFLOP/s" : "GB/s";
    char kernel_unit[24];
    snprintf(kernel_unit, sizeof kernel_unit, "kernel %s", unit);
    int width = device_column_width(r);
    print_heading(out, r);
    fprintf(out, "\n%-9s %-*s ", "backend", width, "device");
    if (value)
        fprintf(out, "%24s ", "result");
    if (impl)
        fprintf(out, "%-9s ", "impl");
    fprintf(out, "%10s %21s %10s %8s %14s %8s %9s  ", "median ms", "[min - max] ms", "kernel ms", unit, kernel_unit,
            "speedup", r->workload->error_column);
    if (any_energy(r))
        fprintf(out, "%9s %9s  ", "J/call", in_flops(r) ? "GFLOP/J" : "GB/J");
    fputs("check\n", out);
    for (size_t i = 0; i < r->row_count; i++) {
        const cli_row *row = &r->rows[i];
        const gpucc_measurement *m = &row->m;
        char device[DEVICE_COLUMN_MAX + 1];
        fit_device_name(row->device, width, device);
        fprintf(out, "%-9s %-*s ", gpucc_backend_kind_name(row->backend), width, device);
        if (row->status != GPUCC_ROW_OK) {
            fprintf(out, "%s: %s\n", check_word(row), row->message);
            continue;
        }
        char range[48], speedup[16];
        snprintf(range, sizeof range, "[%.3f - %.3f]", m->total_ms.min, m->total_ms.max);
        double ratio = speedup_vs_serial(r, row);
        if (isnan(ratio))
            snprintf(speedup, sizeof speedup, "-");
        else
            snprintf(speedup, sizeof speedup, "%.2fx", ratio);
        if (value && integer_value(r, m))
            fprintf(out, "%24lld ", (long long)m->integer);
        else if (value)
            fprintf(out, "%24.17g ", m->value);
        if (impl)
            fprintf(out, "%-9s ", m->impl ? m->impl : "-");
        fprintf(out, "%10.3f %21s %10.3f %8.2f %14.2f %8s %9.2e  ", m->total_ms.median, range, m->kernel_ms.median,
                throughput(r, m->total_ms.median), throughput(r, m->kernel_ms.median), speedup, m->error);
        if (any_energy(r)) {
            char joules[16] = "-", rate[16] = "-";
            if (isfinite(energy_of(r, row)))
                snprintf(joules, sizeof joules, "%.3g", energy_of(r, row));
            if (isfinite(per_joule(r, row)))
                snprintf(rate, sizeof rate, "%.3g", per_joule(r, row));
            fprintf(out, "%9s %9s  ", joules, rate);
        }
        fprintf(out, "%s\n", check_word(row));
        if (!m->verified)
            fprintf(out, "          ^ %s\n", m->reason);
        cli_gpu_row_print(out, &row->gpu);
    }
}

/* A workload's facts as JSON members, each after a ", " but the first
 * when `first` is set (the start of an object). */
static void json_facts(FILE *out, const gpucci_fact *facts, size_t count, int first)
{
    for (size_t i = 0; i < count; i++) {
        const gpucci_fact *f = &facts[i];
        fprintf(out, "%s\"%s\": ", first && i == 0 ? "" : ", ", f->key);
        switch (f->kind) {
        case GPUCCI_FACT_TEXT: cli_json_string(out, f->text); break;
        case GPUCCI_FACT_COUNT: fprintf(out, "%zu", f->count); break;
        default: cli_json_double(out, f->number); break;
        }
    }
}

/* `, "split": [...]`: each device's part of a split row. */
static void json_split(FILE *out, const cli_report *r, const cli_row *row)
{
    fputs(", \"split\": [", out);
    for (size_t d = 0; d < row->split.count; d++) {
        fprintf(out, "%s{\"device\": ", d ? ", " : "");
        cli_json_string(out, r->rows[row->split_rows[d]].selector);
        fprintf(out, ", \"first\": %zu, \"end\": %zu", row->split.first[d], row->split.end[d]);
        cli_json_number(out, "time_ms", row->split.part_ms[d]);
        fputc('}', out);
    }
    fputc(']', out);
}

static void print_json(FILE *out, const cli_report *r)
{
    const gpucci_job *job = r->job;
    int flops = in_flops(r);
    fprintf(out, "{\"gpucc_version\": \"%s\", \"workload\": \"%s\"", GPUCC_VERSION, r->workload->name);
    json_facts(out, job->facts, job->fact_count, 0);
    fputs(",\n \"source\": ", out);
    cli_json_string(out, job->source);
    fprintf(out, ", \"warmup\": %u, \"repeat\": %u", r->plan.warmup, r->plan.repeat);
    fprintf(out, ",\n \"energy\": {\"available\": %s", r->energy.available ? "true" : "false");
    cli_json_key_string(out, r->energy.available ? "domains" : "why",
                        r->energy.available ? r->energy.domains : r->energy.why);
    fputs("}", out);
    if (job->reference_fact_count) {
        fputs(",\n \"reference\": {", out);
        json_facts(out, job->reference_facts, job->reference_fact_count, 1);
        fputs("}", out);
    }
    fputs(",\n \"results\": [", out);
    for (size_t i = 0; i < r->row_count; i++) {
        const cli_row *row = &r->rows[i];
        const gpucc_measurement *m = &row->m;
        fprintf(out, "%s\n  {\"backend\": \"%s\", \"device\": ", i ? "," : "", gpucc_backend_kind_name(row->backend));
        cli_json_string(out, row->device);
        fprintf(out, ", \"status\": \"%s\"", row_status_names[row->status]);
        if (row->status != GPUCC_ROW_OK) {
            fputs(", \"message\": ", out);
            cli_json_string(out, row->message);
            fputs(", \"verified\": false}", out);
            continue;
        }
        if (r->workload->single_value && integer_value(r, m)) {
            fprintf(out, ", \"value\": %lld", (long long)m->integer);
        } else if (r->workload->single_value) {
            cli_json_number(out, "value", m->value);
            if (!isfinite(m->value))
                fprintf(out, ", \"value_text\": \"%g\"", m->value);
        }
        if (m->impl) {
            fputs(", \"impl\": ", out);
            cli_json_string(out, m->impl);
        }
        cli_json_stats(out, "time_ms", m->total_ms);
        cli_json_stats(out, "kernel_ms", m->kernel_ms);
        cli_json_stats(out, "transfer_ms", m->transfer_ms);
        cli_json_number(out, flops ? "gflops" : "gbps", throughput(r, m->total_ms.median));
        cli_json_number(out, flops ? "kernel_gflops" : "kernel_gbps", throughput(r, m->kernel_ms.median));
        cli_json_number(out, "speedup_vs_serial", speedup_vs_serial(r, row));
        cli_json_number(out, r->workload->error_key, m->error);
        cli_json_number(out, "energy_j", energy_of(r, row));
        cli_json_number(out, flops ? "gflop_per_joule" : "gb_per_joule", per_joule(r, row));
        cli_json_key_string(out, "energy_source", energy_source(r, row));
        cli_gpu_row_json(out, &row->gpu);
        cli_json_flag(out, "fp32_fallback", m->flags & GPUCC_RESULT_FP32_FALLBACK);
        cli_json_flag(out, "chunked", m->flags & GPUCC_RESULT_CHUNKED);
        cli_json_flag(out, "copied", m->flags & GPUCC_RESULT_COPIED);
        cli_json_flag(out, "overlapped", m->flags & GPUCC_RESULT_OVERLAPPED);
        if (row->split.count)
            json_split(out, r, row);
        cli_json_flag(out, "verified", m->verified);
        if (!m->verified) {
            fputs(", \"message\": ", out);
            cli_json_string(out, m->reason);
        }
        if (r->row_json)
            r->row_json(out, r, i);
        fputs("}", out);
    }
    fputs("\n ]\n}\n", out);
}

/* `,value`, or `,` for a value that is not finite (no energy counters). */
static void csv_optional(FILE *out, double value)
{
    if (isfinite(value))
        fprintf(out, ",%.6g", value);
    else
        fputc(',', out);
}

static void print_csv(FILE *out, const cli_report *r)
{
    fprintf(out, "workload,what,n,source,backend,device,status,impl,value,time_ms_median,time_ms_min,time_ms_max,"
                 "kernel_ms_median,transfer_ms_median,%s,speedup_vs_serial,error,verified,energy_j,%s,dtype\n",
            in_flops(r) ? "gflops" : "gbps", in_flops(r) ? "gflop_per_joule" : "gb_per_joule");
    for (size_t i = 0; i < r->row_count; i++) {
        const cli_row *row = &r->rows[i];
        const gpucc_measurement *m = &row->m;
        fprintf(out, "%s,", r->workload->name);
        cli_csv_field(out, r->job->what);
        fprintf(out, ",%zu,", r->job->n);
        cli_csv_field(out, r->job->source);
        fprintf(out, ",%s,", gpucc_backend_kind_name(row->backend));
        cli_csv_field(out, row->device);
        if (row->status != GPUCC_ROW_OK) {
            fprintf(out, ",%s,,,,,,,,,,,false,,,%s\n", row_status_names[row->status], gpucc_dtype_name(r->dtype));
            continue;
        }
        fprintf(out, ",ok,%s,", m->impl ? m->impl : "");
        if (r->workload->single_value && integer_value(r, m))
            fprintf(out, "%lld", (long long)m->integer);
        else if (r->workload->single_value)
            fprintf(out, "%.17g", m->value);
        fprintf(out, ",%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,", m->total_ms.median, m->total_ms.min, m->total_ms.max,
                m->kernel_ms.median, m->transfer_ms.median, throughput(r, m->total_ms.median));
        if (!isnan(speedup_vs_serial(r, row)))
            fprintf(out, "%.4f", speedup_vs_serial(r, row));
        fprintf(out, ",%.3e,%s", m->error, m->verified ? "true" : "false");
        csv_optional(out, energy_of(r, row));
        csv_optional(out, per_joule(r, row));
        fprintf(out, ",%s\n", gpucc_dtype_name(r->dtype));
    }
}

void cli_report_print(FILE *out, const cli_report *report, cli_format format)
{
    switch (format) {
    case GPUCC_FORMAT_JSON: print_json(out, report); break;
    case GPUCC_FORMAT_CSV: print_csv(out, report); break;
    default: print_table(out, report); break;
    }
}
