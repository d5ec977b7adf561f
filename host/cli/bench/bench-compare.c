/* --compare: matches the rows of two runs (a saved one and this one or
 * another saved one) by what they measured and prints their throughputs
 * side by side. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-json-read.h"
#include "bench.h"
#include "grow.h"

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

/* A new, zeroed row at the end of set; NULL when out of memory. */
static cmp_row *cmp_add(cmp_set *set)
{
    cmp_row *rows = cli_grow(set->rows, set->count, &set->cap, sizeof *rows, 64);
    if (!rows)
        return NULL;
    set->rows = rows;
    cmp_row *row = &set->rows[set->count++];
    memset(row, 0, sizeof *row);
    return row;
}

/* A row line into *row; returns 0, or -1 naming the missing key in why. */
static int row_from_members(const bench_json_member *ms, int count, cmp_row *row, char *why, size_t why_size)
{
    static const char *const text_keys[] = {"suite", "workload", "what", "variant", "backend", "unit"};
    static const char *const count_keys[] = {"n", "batch", "in", "out", "threads", "local_size"};
    const char *text[6];
    unsigned long long counts[6];
    for (int i = 0; i < 6; i++) {
        if (!(text[i] = bench_json_member_value(ms, count, text_keys[i]))) {
            snprintf(why, why_size, "row without \"%s\"", text_keys[i]);
            return -1;
        }
        const char *v = bench_json_member_value(ms, count, count_keys[i]);
        char *end;
        if (!v || (counts[i] = strtoull(v, &end, 10), *end != '\0')) {
            snprintf(why, why_size, "row without an integer \"%s\"", count_keys[i]);
            return -1;
        }
    }
    const char *thr = bench_json_member_value(ms, count, "throughput"), *kthr = bench_json_member_value(ms, count, "kernel_throughput"),
               *verified = bench_json_member_value(ms, count, "verified");
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

/* Loads the rows of a saved run. Returns 0, 65 or 66 (message printed). */
static int load_rows(const char *path, cmp_set *set)
{
    FILE *f = bench_json_open("", path);
    if (!f)
        return GPUCC_EXIT_NOINPUT;
    static char line[1 << 16];
    static bench_json_member members[BENCH_JSON_MAX_MEMBERS];
    char why[160] = "";
    int state = 0; /* 0 header, 1 before rows, 2 in rows, 3 done */
    long number = 0;
    while (state != 3 && fgets(line, sizeof line, f)) {
        number++;
        if (!strchr(line, '\n') && !feof(f)) {
            snprintf(why, sizeof why, "line %ld is too long", number);
            break;
        }
        const char *p = bench_json_skip_space(line);
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
                bench_json_find_text(p, "date", set->date, sizeof set->date);
                bench_json_find_text(p, "cpu", set->cpu, sizeof set->cpu);
            }
            if (strncmp(p, "\"rows\": [", 9) == 0)
                state = strncmp(bench_json_skip_space(p + 9), "]", 1) == 0 ? 3 : 2;
        } else if (*p == ']') {
            state = 3;
        } else {
            int count = bench_json_object_line(line, members);
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
        make_key(row->key, sizeof row->key, bench_suite_name(b->suite), b->workload->name, b->what, b->variant,
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

