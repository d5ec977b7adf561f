#include "report.h"

#include <math.h>
#include <string.h>

static const char *const row_status_names[] = {"ok", "unavailable", "error"};

static double gigabytes_per_second(size_t n, double ms)
{
    return ms > 0 ? (double)n * sizeof(float) / (ms * 1e6) : 0.0;
}

/* Serial's median time over this row's, or NAN when serial did not run
 * or a time is zero (an empty input). */
static double speedup_vs_serial(const gpucc_reduce_report *r, const gpucc_reduce_row *row)
{
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].backend == GPUCC_BACKEND_SERIAL && r->rows[i].status == GPUCC_ROW_OK &&
            r->rows[i].m.total_ms.median > 0 && row->m.total_ms.median > 0)
            return r->rows[i].m.total_ms.median / row->m.total_ms.median;
    return NAN;
}

static const char *check_word(const gpucc_reduce_row *row)
{
    if (row->status != GPUCC_ROW_OK)
        return row->status == GPUCC_ROW_UNAVAILABLE ? "SKIP" : "ERROR";
    return row->m.verified ? "PASS" : "FAIL";
}

static void print_table(FILE *out, const gpucc_reduce_report *r)
{
    fprintf(out, "reduce %s over %zu float32 (%.1f MB, %s); %u warm-up + %u timed calls per backend\n",
            gpucc_reduce_op_name(r->op), r->n, (double)r->n * 4 / 1e6, r->source, r->plan.warmup, r->plan.repeat);
    if (r->op == GPUCC_REDUCE_SUM)
        fprintf(out, "reference: exact sum %.17g, sum|x| %.17g; bound |error| <= 2^-24 * sum|x|\n", r->ref.sum,
                r->ref.abs_sum);
    else
        fprintf(out, "reference: exact %s %.9g\n", gpucc_reduce_op_name(r->op),
                r->op == GPUCC_REDUCE_MIN ? r->ref.min : r->ref.max);
    fprintf(out, "\n%-9s %-34s %24s %10s %21s %10s %8s %10s %8s %9s  %s\n", "backend", "device", "result",
            "median ms", "[min - max] ms", "kernel ms", "GB/s", "kernel GB/s", "speedup", "error", "check");
    for (size_t i = 0; i < r->row_count; i++) {
        const gpucc_reduce_row *row = &r->rows[i];
        const char *name = gpucc_backend_kind_name(row->backend);
        if (row->status != GPUCC_ROW_OK) {
            fprintf(out, "%-9s %-34.34s %s: %s\n", name, row->device, check_word(row), row->message);
            continue;
        }
        const gpucc_reduce_measurement *m = &row->m;
        char range[32], speedup[16];
        snprintf(range, sizeof range, "[%.3f - %.3f]", m->total_ms.min, m->total_ms.max);
        double ratio = speedup_vs_serial(r, row);
        if (isnan(ratio))
            snprintf(speedup, sizeof speedup, "-");
        else
            snprintf(speedup, sizeof speedup, "%.2fx", ratio);
        fprintf(out, "%-9s %-34.34s %24.17g %10.3f %21s %10.3f %8.2f %11.2f %8s %9.2e  %s\n", name, row->device,
                m->value, m->total_ms.median, range, m->kernel_ms.median,
                gigabytes_per_second(r->n, m->total_ms.median), gigabytes_per_second(r->n, m->kernel_ms.median),
                speedup, m->error, check_word(row));
        if (!m->verified)
            fprintf(out, "          ^ %s\n", m->reason);
    }
}

/* Writes s as a JSON string literal. */
static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

/* A double as a JSON number that round-trips, or null if not finite. */
static void json_number(FILE *out, double value)
{
    if (isfinite(value))
        fprintf(out, "%.17g", value);
    else
        fputs("null", out);
}

static void json_stats(FILE *out, const char *key, gpucc_stats s)
{
    fprintf(out, "\"%s\": {\"median\": ", key);
    json_number(out, s.median);
    fputs(", \"min\": ", out);
    json_number(out, s.min);
    fputs(", \"max\": ", out);
    json_number(out, s.max);
    fputs("}", out);
}

static void print_json(FILE *out, const gpucc_reduce_report *r)
{
    fprintf(out, "{\n  \"gpucc_version\": \"%s\",\n  \"workload\": \"reduce\",\n  \"op\": \"%s\",\n  \"n\": %zu,\n",
            GPUCC_VERSION, gpucc_reduce_op_name(r->op), r->n);
    fputs("  \"source\": ", out);
    json_string(out, r->source);
    fprintf(out, ",\n  \"warmup\": %u,\n  \"repeat\": %u,\n  \"reference\": {\"value\": ", r->plan.warmup,
            r->plan.repeat);
    json_number(out, r->op == GPUCC_REDUCE_SUM ? r->ref.sum : r->op == GPUCC_REDUCE_MIN ? r->ref.min : r->ref.max);
    fputs(", \"abs_sum\": ", out);
    json_number(out, r->ref.abs_sum);
    fputs("},\n  \"results\": [", out);
    for (size_t i = 0; i < r->row_count; i++) {
        const gpucc_reduce_row *row = &r->rows[i];
        const gpucc_reduce_measurement *m = &row->m;
        fprintf(out, "%s\n    {\"backend\": \"%s\", \"device\": ", i ? "," : "", gpucc_backend_kind_name(row->backend));
        json_string(out, row->device);
        fprintf(out, ", \"status\": \"%s\"", row_status_names[row->status]);
        if (row->status != GPUCC_ROW_OK) {
            fputs(", \"message\": ", out);
            json_string(out, row->message);
            fputs(", \"verified\": false}", out);
            continue;
        }
        fputs(", \"value\": ", out);
        json_number(out, m->value);
        if (!isfinite(m->value))
            fprintf(out, ", \"value_text\": \"%g\"", m->value);
        fputs(", ", out);
        json_stats(out, "time_ms", m->total_ms);
        fputs(", ", out);
        json_stats(out, "kernel_ms", m->kernel_ms);
        fputs(", ", out);
        json_stats(out, "transfer_ms", m->transfer_ms);
        fputs(", \"gbps\": ", out);
        json_number(out, gigabytes_per_second(r->n, m->total_ms.median));
        fputs(", \"kernel_gbps\": ", out);
        json_number(out, gigabytes_per_second(r->n, m->kernel_ms.median));
        fputs(", \"speedup_vs_serial\": ", out);
        json_number(out, speedup_vs_serial(r, row));
        fputs(", \"error\": ", out);
        json_number(out, m->error);
        fprintf(out, ", \"fp32_fallback\": %s, \"chunked\": %s, \"copied\": %s, \"verified\": %s",
                m->flags & GPUCC_RESULT_FP32_FALLBACK ? "true" : "false",
                m->flags & GPUCC_RESULT_CHUNKED ? "true" : "false", m->flags & GPUCC_RESULT_COPIED ? "true" : "false",
                m->verified ? "true" : "false");
        if (!m->verified) {
            fputs(", \"message\": ", out);
            json_string(out, m->reason);
        }
        fputs("}", out);
    }
    fputs("\n  ]\n}\n", out);
}

/* Writes s as one CSV field (quoted when needed). */
static void csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}

static void print_csv(FILE *out, const gpucc_reduce_report *r)
{
    fputs("workload,op,n,source,backend,device,status,value,time_ms_median,time_ms_min,time_ms_max,"
          "kernel_ms_median,transfer_ms_median,gbps,speedup_vs_serial,error,verified\n",
          out);
    for (size_t i = 0; i < r->row_count; i++) {
        const gpucc_reduce_row *row = &r->rows[i];
        const gpucc_reduce_measurement *m = &row->m;
        fprintf(out, "reduce,%s,%zu,", gpucc_reduce_op_name(r->op), r->n);
        csv_field(out, r->source);
        fprintf(out, ",%s,", gpucc_backend_kind_name(row->backend));
        csv_field(out, row->device);
        if (row->status != GPUCC_ROW_OK) {
            fprintf(out, ",%s,,,,,,,,,,false\n", row_status_names[row->status]);
            continue;
        }
        fprintf(out, ",ok,%.17g,%.6f,%.6f,%.6f,%.6f,%.6f,%.4f,", m->value, m->total_ms.median, m->total_ms.min,
                m->total_ms.max, m->kernel_ms.median, m->transfer_ms.median,
                gigabytes_per_second(r->n, m->total_ms.median));
        if (!isnan(speedup_vs_serial(r, row)))
            fprintf(out, "%.4f", speedup_vs_serial(r, row));
        fprintf(out, ",%.3e,%s\n", m->error, m->verified ? "true" : "false");
    }
}

void gpucc_report_reduce(FILE *out, const gpucc_reduce_report *report, gpucc_format format)
{
    switch (format) {
    case GPUCC_FORMAT_JSON: print_json(out, report); break;
    case GPUCC_FORMAT_CSV: print_csv(out, report); break;
    default: print_table(out, report); break;
    }
}
