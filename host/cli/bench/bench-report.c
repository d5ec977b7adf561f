/* Renderers of `gpucc bench` results (table, JSON, CSV), writing them to
 * their files, and --compare, which reads the JSON back line by line. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "json-csv.h"
#include "report.h"

static const char *const suite_names[BENCH_SUITE_COUNT] = {"size", "threads", "wgsize", "batch", "overlap"};
static const char *const workload_names[GPUCC_WORKLOAD_COUNT] = {"reduce", "map", "dense"};
static const char *const status_names[] = {"pending", "ok", "error", "skipped"};

static const struct {
    const char *name, *unit;
} ceiling_info[CEIL_COUNT] = {
    [CEIL_HOST_READ_1T] = {"host_read_1t", "GB/s"},     [CEIL_HOST_READ_ALL] = {"host_read_all", "GB/s"},
    [CEIL_HOST_COPY_1T] = {"host_copy_1t", "GB/s"},     [CEIL_HOST_COPY_ALL] = {"host_copy_all", "GB/s"},
    [CEIL_OPENBLAS_1T] = {"openblas_sgemm_1t", "GFLOP/s"}, [CEIL_OPENBLAS_ALL] = {"openblas_sgemm_all", "GFLOP/s"},
    [CEIL_CL_READ] = {"opencl_read", "GB/s"},           [CEIL_CL_H2D] = {"opencl_h2d", "GB/s"},
    [CEIL_CL_D2H] = {"opencl_d2h", "GB/s"},             [CEIL_CL_ROUNDTRIP] = {"opencl_roundtrip", "GB/s"},
    [CEIL_CL_GEMM] = {"opencl_clblast_sgemm", "GFLOP/s"}, [CEIL_CL_LAUNCH] = {"opencl_launch", "us"},
};

const char *bench_suite_name(bench_suite suite)
{
    return suite < BENCH_SUITE_COUNT ? suite_names[suite] : "?";
}

const char *bench_ceiling_name(bench_ceiling_id id)
{
    return id >= 0 && id < CEIL_COUNT ? ceiling_info[id].name : "none";
}

void bench_note(bench_report *report, const char *format, ...)
{
    if (report->note_count == (int)(sizeof report->notes / sizeof report->notes[0]))
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(report->notes[report->note_count++], sizeof report->notes[0], format, args);
    va_end(args);
}

double bench_throughput(const bench_row *row, double ms)
{
    return ms > 0 ? row->units / (ms * 1e6) : 0.0;
}

const char *bench_unit(const bench_row *row)
{
    return row->workload == GPUCC_WORKLOAD_DENSE ? "GFLOP/s" : "GB/s";
}

double bench_fraction(const bench_report *report, const bench_row *row, int kernel)
{
    bench_ceiling_id id = kernel ? row->kernel_ceiling : row->ceiling;
    double ms = kernel ? row->m.kernel_ms.median : row->m.total_ms.median;
    if (id == CEIL_NONE || row->status != ROW_OK || !(report->ceilings[id].value.median > 0) || !(ms > 0))
        return NAN;
    return bench_throughput(row, ms) / report->ceilings[id].value.median;
}

/* ---- Table ---- */

void bench_print_ceilings(FILE *out, const bench_report *r)
{
    if (r->ceilings_skipped) {
        fprintf(out, "\nceilings: skipped (--ceilings=skip): no row is placed against a ceiling\n");
        return;
    }
    fprintf(out, "\nceilings (%s; median [min - max]):\n",
            r->ceilings_source[0] ? r->ceilings_source : "measured at the start, in this process");
    for (int i = 0; i < CEIL_COUNT; i++) {
        const bench_ceiling *c = &r->ceilings[i];
        if (c->measured)
            fprintf(out, "  %-21s %9.2f %-7s [%.2f - %.2f]  %s\n", ceiling_info[i].name, c->value.median,
                    ceiling_info[i].unit, c->value.min, c->value.max, c->what);
    }
}

static const char *suite_heading(bench_suite suite)
{
    switch (suite) {
    case BENCH_SIZE: return "reduce sum and map square over n float32, every backend (map moves 8 bytes per element)";
    case BENCH_THREADS: return "pthreads reduce sum, thread count 1 .. 2 x online CPUs; speedup against 1 thread";
    case BENCH_WGSIZE: return "OpenCL reduce sum, work-group (local) size per kernel shape";
    case BENCH_BATCH: return "dense Y = relu(X W^T + b), in = out = 1024, per batch; 2*batch*in*out FLOP per call";
    default: return "OpenCL reduce sum with copied buffers (the discrete-GPU path), transfers overlapped or not";
    }
}

/* The column that varies within a suite. */
static void row_parameter(const bench_row *row, char *buf, size_t size)
{
    switch (row->suite) {
    case BENCH_THREADS: snprintf(buf, size, "%u", row->threads); break;
    case BENCH_WGSIZE: snprintf(buf, size, "%s/%zu", row->variant, row->local_size); break;
    case BENCH_BATCH: snprintf(buf, size, "%zu", row->shape.batch); break;
    case BENCH_OVERLAP: snprintf(buf, size, "%s", row->variant); break;
    default: snprintf(buf, size, "%zu", row->n); break;
    }
}

static void percent(char *buf, size_t size, double fraction)
{
    if (isnan(fraction))
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%.0f%%", 100 * fraction);
}

static void print_row(FILE *out, const bench_report *r, const bench_row *row)
{
    char what[24], param[40];
    snprintf(what, sizeof what, "%s %s", workload_names[row->workload], row->what);
    row_parameter(row, param, sizeof param);
    fprintf(out, "%-12s %-9s %-16s ", what, gpucc_backend_kind_name(row->backend), param);
    if (row->status != ROW_OK) {
        fprintf(out, "%s: %s\n", row->status == ROW_SKIPPED ? "SKIP" : "ERROR", row->message);
        return;
    }
    const gpucc_measurement *m = &row->m;
    char range[48], speedup[16], pct[16], kpct[16], ceilings[64];
    snprintf(range, sizeof range, "[%.3f - %.3f]", m->total_ms.min, m->total_ms.max);
    if (isnan(row->speedup))
        snprintf(speedup, sizeof speedup, "-");
    else
        snprintf(speedup, sizeof speedup, "%.2fx", row->speedup);
    percent(pct, sizeof pct, bench_fraction(r, row, 0));
    percent(kpct, sizeof kpct, bench_fraction(r, row, 1));
    if (row->ceiling == row->kernel_ceiling)
        snprintf(ceilings, sizeof ceilings, "%s", bench_ceiling_name(row->ceiling));
    else
        snprintf(ceilings, sizeof ceilings, "%s / %s", bench_ceiling_name(row->ceiling),
                 bench_ceiling_name(row->kernel_ceiling));
    fprintf(out, "%11.4f %23s %11.4f %9.2f %9.2f %-7s %6s %6s %8s %-5s %-9s %s\n", m->total_ms.median, range,
            m->kernel_ms.median, bench_throughput(row, m->total_ms.median), bench_throughput(row, m->kernel_ms.median),
            bench_unit(row), pct, kpct, speedup, m->verified ? "PASS" : "FAIL", m->impl ? m->impl : "-", ceilings);
    if (!m->verified)
        fprintf(out, "%-12s ^ %s\n", "", m->reason);
}

/* The row of `suite` (and variant, when not NULL) with the highest
 * end-to-end throughput, or NULL. */
static const bench_row *best_row(const bench_report *r, bench_suite suite, const char *variant)
{
    const bench_row *best = NULL;
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *row = &r->rows[i];
        if (row->suite == suite && row->status == ROW_OK && (!variant || strcmp(row->variant, variant) == 0) &&
            (!best || row->m.total_ms.median < best->m.total_ms.median))
            best = row;
    }
    return best;
}

/* One or two lines that read a suite's result out of its rows. */
static void print_summary(FILE *out, const bench_report *r, bench_suite suite)
{
    const bench_row *best = best_row(r, suite, suite == BENCH_WGSIZE ? "cpu" : NULL), *last = NULL;
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].suite == suite && r->rows[i].status == ROW_OK)
            last = &r->rows[i];
    if (!best)
        return;
    double best_gbps = bench_throughput(best, best->m.total_ms.median);
    switch (suite) {
    case BENCH_THREADS:
        fprintf(out, "sweet spot: %u thread%s, %.2f GB/s (%.2fx 1 thread); at %u threads: %.2f GB/s (%.0f%% of the "
                     "best)\n",
                best->threads, best->threads == 1 ? "" : "s", best_gbps, best->speedup, last->threads, bench_throughput(last, last->m.total_ms.median),
                100 * best->m.total_ms.median / last->m.total_ms.median);
        break;
    case BENCH_WGSIZE:
        for (int gpu = 0; gpu < 2; gpu++) {
            const bench_row *b = best_row(r, suite, gpu ? "gpu" : "cpu");
            if (b)
                fprintf(out, "best local size, %s shape: %zu (%.2f GB/s end to end, %.2f GB/s kernel)\n", b->variant,
                        b->local_size, bench_throughput(b, b->m.total_ms.median),
                        bench_throughput(b, b->m.kernel_ms.median));
        }
        break;
    case BENCH_OVERLAP: {
        const bench_row *on = best_row(r, suite, "copy,overlap"), *off = best_row(r, suite, "copy,no-overlap");
        if (on && off)
            fprintf(out, "overlap gain end to end: %.2fx (%.3f ms without overlap, %.3f ms with; per call %.3f ms "
                         "of transfers and %.3f ms of kernels)\n",
                    off->m.total_ms.median / on->m.total_ms.median, off->m.total_ms.median, on->m.total_ms.median,
                    off->m.transfer_ms.median, off->m.kernel_ms.median);
        break;
    }
    default: break;
    }
}

void bench_print_suite(FILE *out, const bench_report *r, bench_suite suite)
{
    static const char *const parameter[BENCH_SUITE_COUNT] = {"n", "threads", "shape/local", "batch", "mode"};
    fprintf(out, "\n== %s: %s\n", suite_names[suite], suite_heading(suite));
    fprintf(out, "%-12s %-9s %-16s %11s %23s %11s %9s %9s %-7s %6s %6s %8s %-5s %-9s %s\n", "workload", "backend",
            parameter[suite], "median ms", "[min - max] ms", "kernel ms", "e2e", "kernel", "unit", "%ceil", "%kern",
            "speedup", "check", "impl", "ceiling (e2e / kernel)");
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].suite == suite)
            print_row(out, r, &r->rows[i]);
    print_summary(out, r, suite);
}

void bench_print_notes(FILE *out, const bench_report *r)
{
    if (r->note_count)
        fprintf(out, "\nnotes:\n");
    for (int i = 0; i < r->note_count; i++)
        fprintf(out, "  %s\n", r->notes[i]);
}

/* ---- JSON ---- */

static void json_row(FILE *out, const bench_report *r, const bench_row *row)
{
    const gpucc_measurement *m = &row->m;
    int ok = row->status == ROW_OK;
    fprintf(out, "{\"suite\": \"%s\"", suite_names[row->suite]);
    cli_json_key_string(out, "workload", workload_names[row->workload]);
    cli_json_key_string(out, "what", row->what);
    cli_json_key_string(out, "variant", row->variant);
    cli_json_key_string(out, "backend", gpucc_backend_kind_name(row->backend));
    cli_json_key_string(out, "device", row->device);
    fprintf(out, ", \"n\": %zu, \"batch\": %zu, \"in\": %zu, \"out\": %zu, \"threads\": %u, \"local_size\": %zu",
            row->n, row->shape.batch, row->shape.in, row->shape.out, row->threads, row->local_size);
    cli_json_key_string(out, "impl", m->impl ? m->impl : "");
    fprintf(out, ", \"repeats\": %u", row->repeats);
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
    cli_json_flag(out, "verified", ok && m->verified);
    cli_json_key_string(out, "status", status_names[row->status]);
    cli_json_key_string(out, "message", row->message);
    fputc('}', out);
}

/* Layout (the reader in bench_compare relies on it): line 1 starts with
 * {"schema_version": 1; the rows sit between a line ` "rows": [` and a
 * line ` ]`, one complete JSON object per line, each but the last followed
 * by a comma. */
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
    fputs("},\n \"ceilings\": {", out);
    int first = 1;
    for (int i = 0; i < CEIL_COUNT; i++) {
        const bench_ceiling *c = &r->ceilings[i];
        if (!c->measured)
            continue;
        fprintf(out, "%s\n  \"%s\": {\"unit\": \"%s\", \"median\": %.9g, \"min\": %.9g, \"max\": %.9g", first ? "" : ",",
                ceiling_info[i].name, ceiling_info[i].unit, c->value.median, c->value.min, c->value.max);
        cli_json_key_string(out, "what", c->what);
        fputc('}', out);
        first = 0;
    }
    fputs(first ? "},\n \"notes\": [" : "\n },\n \"notes\": [", out);
    for (int i = 0; i < r->note_count; i++) {
        fputs(i ? ",\n  " : "\n  ", out);
        cli_json_string(out, r->notes[i]);
    }
    fputs(r->note_count ? "\n ],\n \"rows\": [\n" : "],\n \"rows\": [\n", out);
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
    fputs("suite,workload,what,variant,backend,n,batch,in,out,threads,local_size,impl,repeats,"
          "time_ms_median,time_ms_min,time_ms_max,kernel_ms_median,kernel_ms_min,kernel_ms_max,transfer_ms_median,"
          "unit,throughput,kernel_throughput,ceiling,ceiling_value,fraction_of_ceiling,"
          "kernel_ceiling,kernel_ceiling_value,kernel_fraction,speedup,speedup_base,copied,overlapped,chunked,"
          "error,verified,status,device,message\n",
          out);
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *row = &r->rows[i];
        const gpucc_measurement *m = &row->m;
        int ok = row->status == ROW_OK;
        if (row->status == ROW_SKIPPED || row->status == ROW_PENDING)
            continue;
        fprintf(out, "%s,%s,%s,", suite_names[row->suite], workload_names[row->workload], row->what);
        cli_csv_field(out, row->variant);
        fprintf(out, ",%s,%zu,%zu,%zu,%zu,%u,%zu,", gpucc_backend_kind_name(row->backend), row->n, row->shape.batch,
                row->shape.in, row->shape.out, row->threads, row->local_size);
        cli_csv_field(out, m->impl ? m->impl : "");
        fprintf(out, ",%u", row->repeats);
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
        fprintf(out, ",%s,%s,", ok && m->verified ? "true" : "false", status_names[row->status]);
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

/* ---- --compare: reading rows back ---- */

/* What --compare needs of a row: its key and its throughput. */
typedef struct {
    char key[200];
    char unit[12];
    double throughput, kernel_throughput;
    int verified, matched;
} cmp_row;

typedef struct {
    cmp_row *rows;
    size_t count, cap;
    char date[40], cpu[256];
} cmp_set;

/* The identity of a row across runs. */
static void make_key(char *key, size_t size, const char *suite, const char *workload, const char *what,
                     const char *variant, const char *backend, unsigned long long n, unsigned long long batch,
                     unsigned long long in, unsigned long long out, unsigned long long threads,
                     unsigned long long local)
{
    char shape[64];
    if (batch)
        snprintf(shape, sizeof shape, "%llux%llux%llu", batch, in, out);
    else
        snprintf(shape, sizeof shape, "n=%llu", n);
    snprintf(key, size, "%-7s %-6s %-6s %-8s %-14s %-17s t=%-3llu l=%-4llu", suite, workload, what, backend,
             variant[0] ? variant : "-", shape, threads, local);
}

static cmp_row *cmp_add(cmp_set *set)
{
    if (set->count == set->cap) {
        size_t cap = set->cap ? 2 * set->cap : 64;
        cmp_row *rows = realloc(set->rows, cap * sizeof *rows);
        if (!rows)
            return NULL;
        set->rows = rows;
        set->cap = cap;
    }
    cmp_row *row = &set->rows[set->count++];
    memset(row, 0, sizeof *row);
    return row;
}

/* The top-level members of one JSON object written on one line: strings
 * unescaped, other values (numbers, literals, nested objects) as written. */
typedef struct {
    char key[32];
    char value[512];
} json_member;

enum { MAX_MEMBERS = 64 };

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

/* Reads a JSON string at p (at its opening quote) into buf; returns the
 * character after the closing quote, or NULL if malformed. */
static const char *read_string(const char *p, char *buf, size_t size)
{
    size_t k = 0;
    if (*p++ != '"')
        return NULL;
    for (; *p && *p != '"'; p++) {
        char c = *p;
        if ((unsigned char)c < 0x20)
            return NULL;
        if (c == '\\') {
            p++;
            switch (*p) {
            case '"': case '\\': case '/': c = *p; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                c = (char)strtol((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
                if ((unsigned char)c >= 0x80 || c == 0)
                    c = '?';
                p += 4;
                break;
            default: return NULL;
            }
        }
        if (k + 1 < size)
            buf[k++] = c;
    }
    buf[k] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

/* Skips a nested object or array (strings inside respected). */
static const char *skip_nested(const char *p)
{
    int depth = 0;
    char scratch[512];
    for (; *p; p++) {
        if (*p == '"') {
            if (!(p = read_string(p, scratch, sizeof scratch)))
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (--depth == 0)
                return p + 1;
        }
    }
    return NULL;
}

/* Parses a line holding exactly one JSON object, optionally followed by a
 * comma. Returns the member count, or -1 when malformed. */
static int parse_object_line(const char *line, json_member *members)
{
    int count = 0;
    const char *p = skip_space(line);
    if (*p++ != '{')
        return -1;
    p = skip_space(p);
    while (*p != '}') {
        if (count == MAX_MEMBERS)
            return -1;
        json_member *m = &members[count++];
        if (!(p = read_string(p, m->key, sizeof m->key)))
            return -1;
        p = skip_space(p);
        if (*p++ != ':')
            return -1;
        p = skip_space(p);
        const char *start = p;
        if (*p == '"') {
            p = read_string(p, m->value, sizeof m->value);
        } else if (*p == '{' || *p == '[') {
            p = skip_nested(p);
        } else {
            while (*p && !strchr(",} \t", *p))
                p++;
            size_t len = (size_t)(p - start);
            char *end;
            if (len == 0 || len >= sizeof m->value)
                return -1;
            memcpy(m->value, start, len);
            m->value[len] = '\0';
            if (strcmp(m->value, "true") && strcmp(m->value, "false") && strcmp(m->value, "null") &&
                (strtod(m->value, &end), *end != '\0'))
                return -1;
        }
        if (!p)
            return -1;
        if (*start == '{' || *start == '[')
            snprintf(m->value, sizeof m->value, "%.*s", (int)(p - start < 511 ? p - start : 511), start);
        p = skip_space(p);
        if (*p == ',')
            p = skip_space(p + 1);
        else if (*p != '}')
            return -1;
    }
    p = skip_space(p + 1);
    if (*p == ',')
        p = skip_space(p + 1);
    return *p == '\0' ? count : -1;
}

static const char *member(const json_member *members, int count, const char *key)
{
    for (int i = 0; i < count; i++)
        if (strcmp(members[i].key, key) == 0)
            return members[i].value;
    return NULL;
}

/* A row line into *row; returns 0, or -1 naming the missing key in why. */
static int row_from_members(const json_member *ms, int count, cmp_row *row, char *why, size_t why_size)
{
    static const char *const text_keys[] = {"suite", "workload", "what", "variant", "backend", "unit"};
    static const char *const count_keys[] = {"n", "batch", "in", "out", "threads", "local_size"};
    const char *text[6];
    unsigned long long counts[6];
    for (int i = 0; i < 6; i++) {
        if (!(text[i] = member(ms, count, text_keys[i]))) {
            snprintf(why, why_size, "row without \"%s\"", text_keys[i]);
            return -1;
        }
        const char *v = member(ms, count, count_keys[i]);
        char *end;
        if (!v || (counts[i] = strtoull(v, &end, 10), *end != '\0')) {
            snprintf(why, why_size, "row without an integer \"%s\"", count_keys[i]);
            return -1;
        }
    }
    const char *thr = member(ms, count, "throughput"), *kthr = member(ms, count, "kernel_throughput"),
               *verified = member(ms, count, "verified");
    if (!thr || !kthr || !verified) {
        snprintf(why, why_size, "row without throughput, kernel_throughput or verified");
        return -1;
    }
    make_key(row->key, sizeof row->key, text[0], text[1], text[2], text[3], text[4], counts[0], counts[1],
             counts[2], counts[3], counts[4], counts[5]);
    snprintf(row->unit, sizeof row->unit, "%s", text[5]);
    row->throughput = strcmp(thr, "null") ? strtod(thr, NULL) : NAN;
    row->kernel_throughput = strcmp(kthr, "null") ? strtod(kthr, NULL) : NAN;
    row->verified = strcmp(verified, "true") == 0;
    return 0;
}

/* Copies the string value of "key": "..." found in line into buf (display only). */
static void find_text(const char *line, const char *key, char *buf, size_t size)
{
    char pattern[40];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    const char *p = strstr(line, pattern);
    if (!p || !read_string(p + strlen(pattern) - 1, buf, size))
        snprintf(buf, size, "?");
}

/* Loads the rows of a saved run. Returns 0, 65 or 66 (message printed). */
static int load_rows(const char *path, cmp_set *set)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gpucc bench: cannot read %s: %s\n", path, strerror(errno));
        return GPUCC_EXIT_NOINPUT;
    }
    static char line[1 << 16];
    static json_member members[MAX_MEMBERS];
    char why[160] = "";
    int state = 0; /* 0 header, 1 before rows, 2 in rows, 3 done */
    long number = 0;
    while (state != 3 && fgets(line, sizeof line, f)) {
        number++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(why, sizeof why, "line %ld is too long", number);
            break;
        }
        const char *p = skip_space(line);
        if (state == 0) {
            long version;
            if (strncmp(line, "{\"schema_version\": ", 19) != 0 || sscanf(line + 19, "%ld", &version) != 1) {
                snprintf(why, sizeof why, "not a gpucc bench JSON file (line 1 lacks \"schema_version\")");
                break;
            }
            if (version != 1) {
                snprintf(why, sizeof why, "schema_version %ld is not supported (this gpucc reads 1)", version);
                break;
            }
            state = 1;
        } else if (state == 1) {
            if (strncmp(p, "\"context\": ", 11) == 0) {
                find_text(p, "date", set->date, sizeof set->date);
                find_text(p, "cpu", set->cpu, sizeof set->cpu);
            }
            if (strncmp(p, "\"rows\": [", 9) == 0)
                state = strncmp(skip_space(p + 9), "]", 1) == 0 ? 3 : 2;
        } else if (*p == ']') {
            state = 3;
        } else {
            int count = parse_object_line(line, members);
            cmp_row *row = count >= 0 ? cmp_add(set) : NULL;
            if (count < 0) {
                snprintf(why, sizeof why, "line %ld is not one JSON object", number);
                break;
            }
            if (!row) {
                snprintf(why, sizeof why, "out of memory");
                break;
            }
            char detail[120];
            if (row_from_members(members, count, row, detail, sizeof detail) != 0) {
                snprintf(why, sizeof why, "line %ld: %s", number, detail);
                break;
            }
        }
    }
    int read_error = ferror(f);
    fclose(f);
    if (!why[0] && read_error)
        snprintf(why, sizeof why, "read error");
    if (!why[0] && state != 3)
        snprintf(why, sizeof why, state == 2 ? "the rows never end (no \" ]\" line)" : number == 0 ? "empty file"
                                                                                                 : "no \"rows\" line");
    if (why[0]) {
        fprintf(stderr, "gpucc bench: %s: malformed: %s\n", path, why);
        return GPUCC_EXIT_DATAERR;
    }
    return 0;
}

/* The rows of this run, as --compare sees them. Returns 0 or 1. */
static int current_rows(const bench_report *r, cmp_set *set)
{
    snprintf(set->date, sizeof set->date, "%s", r->context.date);
    snprintf(set->cpu, sizeof set->cpu, "%s", r->context.cpu);
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *b = &r->rows[i];
        if (b->status != ROW_OK && b->status != ROW_ERROR)
            continue;
        cmp_row *row = cmp_add(set);
        if (!row)
            return 1;
        make_key(row->key, sizeof row->key, suite_names[b->suite], workload_names[b->workload], b->what, b->variant,
                 gpucc_backend_kind_name(b->backend), b->n, b->shape.batch, b->shape.in, b->shape.out, b->threads,
                 b->local_size);
        snprintf(row->unit, sizeof row->unit, "%s", bench_unit(b));
        int ok = b->status == ROW_OK;
        row->throughput = ok ? bench_throughput(b, b->m.total_ms.median) : NAN;
        row->kernel_throughput = ok ? bench_throughput(b, b->m.kernel_ms.median) : NAN;
        row->verified = ok && b->m.verified;
    }
    return 0;
}

static void print_unmatched(FILE *out, const cmp_set *set, const char *label)
{
    size_t count = 0;
    for (size_t i = 0; i < set->count; i++)
        count += !set->rows[i].matched;
    fprintf(out, "%s: %zu\n", label, count);
    for (size_t i = 0; i < set->count; i++)
        if (!set->rows[i].matched)
            fprintf(out, "  %s\n", set->rows[i].key);
}

int bench_compare_check(const char *old_path)
{
    cmp_set old = {0};
    int rc = load_rows(old_path, &old);
    free(old.rows);
    return rc;
}

/* Reads the "ceilings" block of a saved run into r->ceilings, after checking
 * that the run was measured on a machine with this CPU model and count. */
int bench_load_ceilings(const char *path, bench_report *r)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "gpucc bench: cannot read --ceilings file %s: %s\n", path, strerror(errno));
        return GPUCC_EXIT_NOINPUT;
    }
    static char line[1 << 16];
    static json_member members[MAX_MEMBERS];
    char why[320] = "", cpu[256] = "", date[64] = "";
    long number = 0, cpus = 0;
    int state = 0, loaded = 0; /* state: 0 header, 1 before ceilings, 2 in ceilings, 3 done */
    while (state != 3 && !why[0] && fgets(line, sizeof line, f)) {
        number++;
        const char *p = skip_space(line);
        if (state == 0) {
            if (strncmp(line, "{\"schema_version\": 1,", 21) != 0)
                snprintf(why, sizeof why, "not a gpucc bench JSON file of schema_version 1");
            state = 1;
        } else if (state == 1) {
            if (strncmp(p, "\"context\": ", 11) == 0) {
                find_text(p, "cpu", cpu, sizeof cpu);
                find_text(p, "date", date, sizeof date);
                const char *c = strstr(p, "\"cpus\": ");
                cpus = c ? strtol(c + 8, NULL, 10) : 0;
            } else if (strncmp(p, "\"ceilings\": {", 13) == 0) {
                state = *skip_space(p + 13) == '}' ? 3 : 2;
            }
        } else if (*p == '}') {
            state = 3;
        } else {
            char name[32];
            const char *rest = read_string(p, name, sizeof name);
            int id = 0;
            while (id < CEIL_COUNT && strcmp(ceiling_info[id].name, name) != 0)
                id++;
            rest = rest ? skip_space(rest) : NULL;
            int count = rest && *rest == ':' ? parse_object_line(rest + 1, members) : -1;
            const char *median = count > 0 ? member(members, count, "median") : NULL,
                       *min = count > 0 ? member(members, count, "min") : NULL,
                       *max = count > 0 ? member(members, count, "max") : NULL,
                       *what = count > 0 ? member(members, count, "what") : NULL;
            if (!median || !min || !max || !what) {
                snprintf(why, sizeof why, "line %ld is not a ceiling", number);
            } else if (id < CEIL_COUNT) { /* names this gpucc does not know are left out */
                bench_ceiling *c = &r->ceilings[id];
                c->value = (gpucc_stats){strtod(median, NULL), strtod(min, NULL), strtod(max, NULL)};
                c->measured = c->value.median > 0;
                snprintf(c->what, sizeof c->what, "%.300s", what);
                loaded += c->measured;
            }
        }
    }
    fclose(f);
    if (!why[0] && state != 3)
        snprintf(why, sizeof why, "no \"ceilings\" block");
    else if (!why[0] && (strcmp(cpu, r->context.cpu) != 0 || cpus != (long)r->context.cpus))
        snprintf(why, sizeof why, "measured on %ld x '%.60s', this machine has %u x '%.60s': another machine's ceilings "
                 "are no ceilings here", cpus, cpu, r->context.cpus, r->context.cpu);
    if (why[0]) {
        fprintf(stderr, "gpucc bench: --ceilings=%s: %s\n", path, why);
        return GPUCC_EXIT_DATAERR;
    }
    snprintf(r->ceilings_source, sizeof r->ceilings_source, "reused from %.200s (measured %.40s)", path, date);
    if (!loaded)
        bench_note(r, "%s holds no ceilings: no row is placed against a ceiling", path);
    return 0;
}

static void ratio_text(char *buf, size_t size, double ratio)
{
    if (isfinite(ratio))
        snprintf(buf, size, "%.3fx", ratio);
    else
        snprintf(buf, size, "-");
}

int bench_compare(FILE *out, const char *old_path, const char *from_path, const bench_report *current)
{
    cmp_set old = {0}, now = {0};
    int rc = load_rows(old_path, &old);
    if (rc == 0)
        rc = from_path ? load_rows(from_path, &now) : current_rows(current, &now);
    if (rc != 0) {
        free(old.rows);
        free(now.rows);
        return rc;
    }
    fprintf(out, "\ncompare: old %s (%s, %s) -> new %s (%s, %s)\n", old_path, old.date, old.cpu,
            from_path ? from_path : "this run", now.date, now.cpu);
    fprintf(out, "%-79s %11s %11s %-7s %8s %8s\n", "row (suite workload what backend variant size threads local)",
            "old", "new", "unit", "new/old", "kernel");
    double log_sum = 0;
    size_t matched = 0;
    for (size_t i = 0; i < now.count; i++) {
        cmp_row *n = &now.rows[i];
        for (size_t j = 0; j < old.count && !n->matched; j++) {
            cmp_row *o = &old.rows[j];
            if (o->matched || strcmp(o->key, n->key) != 0)
                continue;
            o->matched = n->matched = 1;
            double ratio = n->throughput / o->throughput, kratio = n->kernel_throughput / o->kernel_throughput;
            char r1[16], r2[16];
            ratio_text(r1, sizeof r1, ratio);
            ratio_text(r2, sizeof r2, kratio);
            fprintf(out, "%-79s %11.4g %11.4g %-7s %8s %8s%s\n", n->key, o->throughput, n->throughput, n->unit, r1, r2,
                    n->verified && o->verified ? "" : "  (a side did not verify)");
            if (isfinite(ratio) && ratio > 0) {
                log_sum += log(ratio);
                matched++;
            }
        }
    }
    if (matched)
        fprintf(out, "%zu rows compared; geometric mean of new/old: %.3fx\n", matched, exp(log_sum / (double)matched));
    else
        fprintf(out, "no rows in common\n");
    print_unmatched(out, &now, "new rows (only in the new run)");
    print_unmatched(out, &old, "missing rows (only in the old run)");
    free(old.rows);
    free(now.rows);
    return 0;
}
