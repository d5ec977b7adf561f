/* The files of `gpucc bench`: the report as JSON (one ceiling, note and
 * row per line, the layout bench-json-read.c reads back) and as CSV, each
 * written atomically. */
#include <math.h>

#include "bench-crossover.h"
#include "bench.h"
#include "build-info.h"
#include "json-csv.h"

/* `, "key": [v, ...]`: the row's timed samples, none unless it is ok. */
static void json_samples(FILE *out, const char *key, const bench_row *row, const double *samples)
{
    unsigned count = row->status != ROW_OK ? 0 : row->repeats < BENCH_SAMPLES ? row->repeats : BENCH_SAMPLES;
    fprintf(out, ", \"%s\": [", key);
    for (unsigned i = 0; i < count; i++)
        fprintf(out, "%s%.7g", i ? ", " : "", samples[i]);
    fputc(']', out);
}

/* The line `"build": {...}`: the version and options of this gpucc, which
 * --compare requires to match for a verdict. */
static void json_build(FILE *out)
{
    const gpucci_build_info *b = gpucci_build();
    fputs("\"build\": {\"version\": ", out);
    cli_json_string(out, b->version);
    cli_json_key_string(out, "git", b->git);
    cli_json_key_string(out, "build_type", b->build_type);
    cli_json_key_string(out, "sanitizer", b->sanitizer);
    cli_json_key_string(out, "compiler", b->compiler);
    cli_json_flag(out, "opencl", b->opencl);
    cli_json_flag(out, "clblast", b->clblast);
    cli_json_flag(out, "native", b->native);
    fputc('}', out);
}

static void json_row(FILE *out, const bench_report *r, const bench_row *row)
{
    const gpucc_measurement *m = &row->m;
    int ok = row->status == ROW_OK;
    fprintf(out, "{\"suite\": \"%s\"", bench_suite_name(row->suite));
    cli_json_key_string(out, "workload", row->workload->name);
    cli_json_key_string(out, "what", row->what);
    cli_json_key_string(out, "variant", row->variant);
    cli_json_key_string(out, "backend", gpucc_backend_kind_name(row->backend));
    cli_json_key_string(out, "device", row->device);
    fprintf(out, ", \"n\": %zu, \"batch\": %zu, \"in\": %zu, \"out\": %zu, \"threads\": %u, \"local_size\": %zu",
            row->n, row->shape.batch, row->shape.in, row->shape.out, row->threads, row->local_size);
    cli_json_key_string(out, "impl", m->impl ? m->impl : "");
    fprintf(out, ", \"repeats\": %u", row->repeats);
    cli_json_number(out, "bytes", row->bytes);
    cli_json_number(out, "flops", row->flops);
    json_samples(out, "samples_ms", row, row->samples_ms);
    json_samples(out, "kernel_samples_ms", row, row->kernel_samples_ms);
    cli_json_stats(out, "time_ms", m->total_ms);
    cli_json_stats(out, "kernel_ms", m->kernel_ms);
    cli_json_stats(out, "transfer_ms", m->transfer_ms);
    cli_json_key_string(out, "unit", bench_unit(row));
    cli_json_number(out, "throughput", ok ? bench_throughput(row, m->total_ms.median) : NAN);
    cli_json_number(out, "kernel_throughput", ok ? bench_throughput(row, m->kernel_ms.median) : NAN);
    cli_json_key_string(out, "ceiling", bench_ceiling_name(row->ceiling));
    cli_json_number(out, "ceiling_value", row->ceiling == CEIL_NONE ? NAN : r->ceilings[row->ceiling].value.median);
    cli_json_number(out, "fraction_of_ceiling", bench_fraction(r, row, 0));
    cli_json_key_string(out, "kernel_ceiling", bench_ceiling_name(row->kernel_ceiling));
    cli_json_number(out, "kernel_ceiling_value",
                row->kernel_ceiling == CEIL_NONE ? NAN : r->ceilings[row->kernel_ceiling].value.median);
    cli_json_number(out, "kernel_fraction", bench_fraction(r, row, 1));
    cli_json_number(out, "speedup", row->speedup);
    cli_json_key_string(out, "speedup_base", row->speedup_base);
    cli_json_flag(out, "copied", m->flags & GPUCC_RESULT_COPIED);
    cli_json_flag(out, "overlapped", m->flags & GPUCC_RESULT_OVERLAPPED);
    cli_json_flag(out, "chunked", m->flags & GPUCC_RESULT_CHUNKED);
    cli_json_number(out, "error", ok ? m->error : NAN);
    cli_json_number(out, "energy_j", ok ? m->energy_j : NAN);
    cli_json_key_string(out, "energy_source", row->board_energy ? "nvml" : "rapl");
    cli_json_flag(out, "verified", ok && m->verified);
    cli_json_key_string(out, "status", bench_status_name(row->status));
    cli_json_key_string(out, "message", row->message);
    fputc('}', out);
}

/* Layout (the reader in bench_compare relies on it): line 1 starts with
 * {"schema_version": 1; the context, the settings and the build are one
 * line each; the rows sit between a line ` "rows": [` and a line ` ]`, one
 * complete JSON object per line, each but the last followed by a comma. */
void bench_write_json(FILE *out, const bench_report *r)
{
    fprintf(out, "{\"schema_version\": 1, \"generator\": \"gpucc %s bench\",\n ", GPUCC_VERSION);
    cli_context_json(out, &r->context);
    fputs(",\n \"settings\": {\"suites\": ", out);
    cli_json_string(out, r->settings.suites);
    cli_json_key_string(out, "backends", r->settings.backends);
    cli_json_key_string(out, "device", r->settings.device);
    fprintf(out, ", \"max_size\": %llu, \"min_time_s\": %g, \"warmup\": %d, \"min_repeat\": %d, \"max_repeat\": %d, "
                 "\"seed\": 1",
            r->settings.max_size, r->settings.min_time_s, r->settings.warmup, r->settings.min_repeat,
            r->settings.max_repeat);
    cli_json_key_string(out, "ceilings",
                          r->ceilings_skipped ? "skipped" : r->ceilings_source[0] ? r->ceilings_source : "measured");
    fputs("},\n ", out);
    json_build(out);
    fputs(",\n \"ceilings\": {", out);
    int first = 1;
    for (int i = 0; i < CEIL_COUNT; i++) {
        const bench_ceiling *c = &r->ceilings[i];
        if (!c->measured)
            continue;
        fprintf(out, "%s\n  \"%s\": {\"unit\": \"%s\", \"median\": %.9g, \"min\": %.9g, \"max\": %.9g", first ? "" : ",",
                bench_ceiling_name(i), bench_ceiling_unit(i), c->value.median, c->value.min, c->value.max);
        cli_json_key_string(out, "what", c->what);
        fputc('}', out);
        first = 0;
    }
    fputs(first ? "},\n \"notes\": [" : "\n },\n \"notes\": [", out);
    for (int i = 0; i < r->note_count; i++) {
        fputs(i ? ",\n  " : "\n  ", out);
        cli_json_string(out, r->notes[i]);
    }
    fputs(r->note_count ? "\n ],\n" : "],\n", out);
    bench_write_crossovers_json(out, r);
    fputs(" \"rows\": [\n", out);
    first = 1;
    for (size_t i = 0; i < r->row_count; i++) {
        if (r->rows[i].status == ROW_SKIPPED || r->rows[i].status == ROW_PENDING)
            continue;
        fputs(first ? "  " : ",\n  ", out);
        json_row(out, r, &r->rows[i]);
        first = 0;
    }
    fputs(first ? " ]\n}\n" : "\n ]\n}\n", out);
}

/* ---- CSV ---- */

/* `,value` or `,` when not finite. */
static void csv_number(FILE *out, double value)
{
    if (isfinite(value))
        fprintf(out, ",%.6g", value);
    else
        fputc(',', out);
}

void bench_write_csv(FILE *out, const bench_report *r)
{
    fputs("suite,workload,what,variant,backend,n,batch,in,out,threads,local_size,impl,repeats,bytes,flops,"
          "time_ms_median,time_ms_min,time_ms_max,kernel_ms_median,kernel_ms_min,kernel_ms_max,transfer_ms_median,"
          "unit,throughput,kernel_throughput,ceiling,ceiling_value,fraction_of_ceiling,"
          "kernel_ceiling,kernel_ceiling_value,kernel_fraction,speedup,speedup_base,copied,overlapped,chunked,"
          "error,energy_j,verified,status,device,message\n",
          out);
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *row = &r->rows[i];
        const gpucc_measurement *m = &row->m;
        int ok = row->status == ROW_OK;
        if (row->status == ROW_SKIPPED || row->status == ROW_PENDING)
            continue;
        fprintf(out, "%s,%s,%s,", bench_suite_name(row->suite), row->workload->name, row->what);
        cli_csv_field(out, row->variant);
        fprintf(out, ",%s,%zu,%zu,%zu,%zu,%u,%zu,", gpucc_backend_kind_name(row->backend), row->n, row->shape.batch,
                row->shape.in, row->shape.out, row->threads, row->local_size);
        cli_csv_field(out, m->impl ? m->impl : "");
        fprintf(out, ",%u", row->repeats);
        csv_number(out, row->bytes);
        csv_number(out, row->flops);
        const double times[] = {m->total_ms.median, m->total_ms.min, m->total_ms.max, m->kernel_ms.median,
                                m->kernel_ms.min, m->kernel_ms.max, m->transfer_ms.median};
        for (size_t t = 0; t < sizeof times / sizeof times[0]; t++)
            csv_number(out, ok ? times[t] : NAN);
        fprintf(out, ",%s", bench_unit(row));
        csv_number(out, ok ? bench_throughput(row, m->total_ms.median) : NAN);
        csv_number(out, ok ? bench_throughput(row, m->kernel_ms.median) : NAN);
        fprintf(out, ",%s", bench_ceiling_name(row->ceiling));
        csv_number(out, row->ceiling == CEIL_NONE ? NAN : r->ceilings[row->ceiling].value.median);
        csv_number(out, bench_fraction(r, row, 0));
        fprintf(out, ",%s", bench_ceiling_name(row->kernel_ceiling));
        csv_number(out, row->kernel_ceiling == CEIL_NONE ? NAN : r->ceilings[row->kernel_ceiling].value.median);
        csv_number(out, bench_fraction(r, row, 1));
        csv_number(out, row->speedup);
        fprintf(out, ",%s,%s,%s,%s", row->speedup_base, m->flags & GPUCC_RESULT_COPIED ? "true" : "false",
                m->flags & GPUCC_RESULT_OVERLAPPED ? "true" : "false",
                m->flags & GPUCC_RESULT_CHUNKED ? "true" : "false");
        csv_number(out, ok ? m->error : NAN);
        csv_number(out, ok ? m->energy_j : NAN);
        fprintf(out, ",%s,%s,", ok && m->verified ? "true" : "false", bench_status_name(row->status));
        cli_csv_field(out, row->device);
        fputc(',', out);
        cli_csv_field(out, row->message);
        fputc('\n', out);
    }
}

int bench_open_file(gpucci_atomic_file *file, const char *option, const char *path)
{
    *file = (gpucci_atomic_file){.slot = -1};
    if (!path || gpucci_atomic_file_open(file, path) == GPUCC_OK)
        return 0;
    fprintf(stderr, "gpucc bench: %s: %s\n", option, gpucc_last_error());
    return GPUCC_EXIT_CANTCREAT;
}

int bench_write_file(gpucci_atomic_file *file, void (*writer)(FILE *, const bench_report *), const bench_report *report)
{
    if (!file->stream)
        return 0;
    writer(file->stream, report);
    if (gpucci_atomic_file_commit(file) == GPUCC_OK)
        return 0;
    fprintf(stderr, "gpucc bench: %s\n", gpucc_last_error());
    return GPUCC_EXIT_CANTCREAT;
}
