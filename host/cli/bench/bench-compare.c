/* --compare: matches the rows of two runs (a saved base and this run or
 * another saved one) by what they measured and decides per point whether
 * the new run is slower, faster or the same (bench-stats.c); --across puts
 * two machines' rates side by side instead. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-json-read.h"
#include "bench-junit.h"
#include "bench.h"
#include "build-info.h"
#include "cpuinfo.h"
#include "grow.h"

/* What --compare needs of a row: its key, throughputs and samples. */
typedef struct {
    char key[200];
    char suite[16];
    char unit[12];
    double throughput, kernel_throughput, fraction;
    double samples[BENCH_SAMPLES]; /* per-call end-to-end ms */
    size_t sample_count;
    int verified, matched;
} cmp_row;

/* One side of a comparison. */
typedef struct {
    const char *label; /* its path, or "this run" */
    cmp_row *rows;
    size_t count, cap;
    char date[40], cpu[256];
    long cpus;
    char build[200];   /* version and build options ("" in files of a gpucc that kept no samples) */
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

/* What must match for a verdict: the version and the build options. */
static void make_build(char *buf, size_t size, const char *version, const char *build_type, const char *sanitizer,
                       int opencl, int clblast, int native)
{
    snprintf(buf, size, "gpucc %s %s, OpenCL %s, CLBlast %s, native %s, sanitizer %s", version, build_type,
             opencl ? "on" : "off", clblast ? "on" : "off", native ? "on" : "off", sanitizer[0] ? sanitizer : "none");
}

/* The machine and build this process runs on. */
static void this_machine(cmp_set *set)
{
    const gpucci_build_info *b = gpucci_build();
    gpucci_cpu_model(set->cpu, sizeof set->cpu);
    set->cpus = (long)gpucc_cpu_count();
    make_build(set->build, sizeof set->build, b->version, b->build_type, b->sanitizer, b->opencl, b->clblast,
               b->native);
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

/* A JSON array of at most BENCH_SAMPLES positive numbers into row; 0 or -1. */
static int parse_samples(const char *text, cmp_row *row)
{
    const char *p = bench_json_skip_space(text);
    if (*p++ != '[')
        return -1;
    p = bench_json_skip_space(p);
    while (*p != ']') {
        char *end;
        double v = strtod(p, &end);
        if (end == p || !(v > 0) || !isfinite(v) || row->sample_count == BENCH_SAMPLES)
            return -1;
        row->samples[row->sample_count++] = v;
        p = bench_json_skip_space(end);
        if (*p == ',')
            p = bench_json_skip_space(p + 1);
        else if (*p != ']')
            return -1;
    }
    return *bench_json_skip_space(p + 1) == '\0' ? 0 : -1;
}

/* A row line into *row; returns 0, or -1 naming what is missing in why.
 * with_samples: the file keeps samples, so every row has them. */
static int row_from_members(const bench_json_member *ms, int count, int with_samples, cmp_row *row, char *why,
                            size_t why_size)
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
               *verified = bench_json_member_value(ms, count, "verified"),
               *fraction = bench_json_member_value(ms, count, "fraction_of_ceiling"),
               *samples = bench_json_member_value(ms, count, "samples_ms");
    if (!thr || !kthr || !verified) {
        snprintf(why, why_size, "row without throughput, kernel_throughput or verified");
        return -1;
    }
    if (with_samples && (!samples || parse_samples(samples, row) != 0)) {
        snprintf(why, why_size, "row without \"samples_ms\" (at most %d positive numbers)", BENCH_SAMPLES);
        return -1;
    }
    make_key(row->key, sizeof row->key, text[0], text[1], text[2], text[3], text[4], counts[0], counts[1],
             counts[2], counts[3], counts[4], counts[5]);
    snprintf(row->suite, sizeof row->suite, "%s", text[0]);
    snprintf(row->unit, sizeof row->unit, "%s", text[5]);
    row->throughput = strcmp(thr, "null") ? strtod(thr, NULL) : NAN;
    row->kernel_throughput = strcmp(kthr, "null") ? strtod(kthr, NULL) : NAN;
    row->fraction = fraction && strcmp(fraction, "null") ? strtod(fraction, NULL) : NAN;
    row->verified = strcmp(verified, "true") == 0;
    return 0;
}

/* The "build" line's members into set->build; 0 or -1. */
static int build_from_line(const char *line, cmp_set *set)
{
    static bench_json_member members[BENCH_JSON_MAX_MEMBERS];
    int count = bench_json_object_line(strchr(line, '{'), members);
    const char *v[6] = {NULL};
    static const char *const keys[6] = {"version", "build_type", "sanitizer", "opencl", "clblast", "native"};
    for (int i = 0; i < 6 && count > 0; i++)
        v[i] = bench_json_member_value(members, count, keys[i]);
    for (int i = 0; i < 6; i++)
        if (!v[i])
            return -1;
    make_build(set->build, sizeof set->build, v[0], v[1], v[2], !strcmp(v[3], "true"), !strcmp(v[4], "true"),
               !strcmp(v[5], "true"));
    return 0;
}

/* Loads the rows of a saved run. Returns 0, 65 or 66 (message printed). */
static int load_rows(const char *path, cmp_set *set)
{
    set->label = path;
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
                bench_json_machine(p, set->cpu, sizeof set->cpu, &set->cpus);
            }
            if (strncmp(p, "\"build\": ", 9) == 0 && build_from_line(p, set) != 0) {
                snprintf(why, sizeof why, "line %ld: a \"build\" without version and options", number);
                break;
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
            if (row_from_members(members, count, set->build[0] != '\0', row, detail, sizeof detail) != 0) {
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
    set->label = "this run";
    this_machine(set);
    snprintf(set->date, sizeof set->date, "%s", r->context.date);
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
        snprintf(row->suite, sizeof row->suite, "%s", bench_suite_name(b->suite));
        snprintf(row->unit, sizeof row->unit, "%s", bench_unit(b));
        int ok = b->status == ROW_OK;
        row->throughput = ok ? bench_throughput(b, b->m.total_ms.median) : NAN;
        row->kernel_throughput = ok ? bench_throughput(b, b->m.kernel_ms.median) : NAN;
        row->fraction = bench_fraction(r, b, 0);
        row->verified = ok && b->m.verified;
        row->sample_count = !ok ? 0 : b->repeats < BENCH_SAMPLES ? b->repeats : BENCH_SAMPLES;
        memcpy(row->samples, b->samples_ms, row->sample_count * sizeof *row->samples);
    }
    return 0;
}

/* Why base and now get no verdict (in why), or 0 when they can. */
static int refusal(const cmp_set *base, const cmp_set *now, char *why, size_t size)
{
    if (strcmp(base->cpu, now->cpu) != 0 || base->cpus != now->cpus)
        snprintf(why, size, "%s was measured on %ld x '%.60s', %s on %ld x '%.60s': no verdict across machines "
                 "(--across shows them side by side)", base->label, base->cpus, base->cpu, now->label, now->cpus,
                 now->cpu);
    else if (!base->build[0] || !now->build[0])
        snprintf(why, size, "%s has no timed samples (written by an older gpucc): no verdict (--across shows the "
                 "rates side by side)", base->build[0] ? now->label : base->label);
    else if (strcmp(base->build, now->build) != 0)
        snprintf(why, size, "%s comes from %s, %s from %s: no verdict across builds (--across shows them side by "
                 "side)", base->label, base->build, now->label, now->build);
    else
        return 0;
    return 1;
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

int bench_compare_check(const bench_compare_request *c)
{
    cmp_set base = {0}, now = {.label = "this run"};
    int rc = load_rows(c->base, &base);
    char why[600];
    this_machine(&now);
    if (rc == 0 && !c->across && refusal(&base, &now, why, sizeof why)) {
        fprintf(stderr, "gpucc bench: --compare: %s\n", why);
        rc = GPUCC_EXIT_DATAERR;
    }
    free(base.rows);
    return rc;
}

static void ratio_text(char *buf, size_t size, double ratio)
{
    if (isfinite(ratio))
        snprintf(buf, size, "%.3fx", ratio);
    else
        snprintf(buf, size, "-");
}

/* key with its runs of spaces squeezed to one, leading and trailing ones dropped. */
static void squeeze(char *out, size_t size, const char *key)
{
    size_t k = 0;
    for (const char *p = key; *p && k + 1 < size; p++)
        if (*p != ' ' || (k && p[1] && p[1] != ' '))
            out[k++] = *p;
    out[k] = '\0';
}

/* The verdict of one matched point, in p. */
static void decide(const cmp_row *base, const cmp_row *now, double threshold, bench_point_verdict *p)
{
    memset(p, 0, sizeof *p);
    snprintf(p->suite, sizeof p->suite, "%s", now->suite);
    squeeze(p->name, sizeof p->name, now->key + strlen(now->suite));
    if (!base->verified || !now->verified) {
        snprintf(p->message, sizeof p->message, "no verdict: %s did not verify", base->verified ? "new" : "base");
        return;
    }
    p->verdict = bench_decide(base->samples, base->sample_count, now->samples, now->sample_count, threshold);
    p->decided = p->verdict.kind != VERDICT_TOO_FEW;
    if (!p->decided)
        snprintf(p->message, sizeof p->message, "no verdict: too few samples (%zu and %zu; a longer --min-time gives "
                 "more)", base->sample_count, now->sample_count);
    else
        snprintf(p->message, sizeof p->message, "%s: %+.1f%% (p = %.2g)", bench_verdict_name(p->verdict.kind),
                 100 * p->verdict.change, p->verdict.p);
}

/* Matches now's rows with base's (each used once), calling show for every
 * pair in now's order; returns the number of pairs. */
static size_t match_rows(cmp_set *base, cmp_set *now, void (*show)(const cmp_row *, const cmp_row *, void *),
                         void *ctx)
{
    size_t matched = 0;
    for (size_t i = 0; i < now->count; i++) {
        cmp_row *n = &now->rows[i];
        for (size_t j = 0; j < base->count && !n->matched; j++) {
            cmp_row *o = &base->rows[j];
            if (o->matched || strcmp(o->key, n->key) != 0)
                continue;
            o->matched = n->matched = 1;
            show(o, n, ctx);
            matched++;
        }
    }
    return matched;
}

static const char row_header[] = "row (suite workload what backend variant size threads local)";

/* ---- --across: side by side ---- */

static void fraction_text(char *buf, size_t size, double fraction)
{
    if (isfinite(fraction))
        snprintf(buf, size, "%.1f%%", 100 * fraction);
    else
        snprintf(buf, size, "-");
}

static void show_across(const cmp_row *o, const cmp_row *n, void *ctx)
{
    char f1[16], f2[16];
    fraction_text(f1, sizeof f1, o->fraction);
    fraction_text(f2, sizeof f2, n->fraction);
    fprintf(ctx, "%-79s %11.4g %8s %11.4g %8s %s\n", n->key, o->throughput, f1, n->throughput, f2, n->unit);
}

static void print_side(FILE *out, const char *role, const cmp_set *set)
{
    fprintf(out, "%s: %s (%s, %ld x %s, %s)\n", role, set->label, set->date, set->cpus, set->cpu,
            set->build[0] ? set->build : "build not recorded");
}

static int compare_across(FILE *out, cmp_set *base, cmp_set *now)
{
    fputs("\nacross (no verdict): each rate and its fraction of its own run's ceiling\n", out);
    print_side(out, "base", base);
    print_side(out, "new ", now);
    fprintf(out, "%-79s %11s %8s %11s %8s %s\n", row_header, "base", "of ceil", "new", "of ceil", "unit");
    if (!match_rows(base, now, show_across, out))
        fputs("no rows in common\n", out);
    print_unmatched(out, now, "new rows (only in the new run)");
    print_unmatched(out, base, "missing rows (only in the base run)");
    return 0;
}

/* ---- verdicts ---- */

typedef struct {
    FILE *out;
    double threshold;
    bench_point_verdict *points;
    size_t count;
    double log_sum;
    size_t logged;
} verdict_pass;

static void show_verdict(const cmp_row *o, const cmp_row *n, void *ctx)
{
    verdict_pass *v = ctx;
    bench_point_verdict *p = &v->points[v->count++];
    decide(o, n, v->threshold, p);
    double ratio = n->throughput / o->throughput, kratio = n->kernel_throughput / o->kernel_throughput;
    char r1[16], r2[16];
    ratio_text(r1, sizeof r1, ratio);
    ratio_text(r2, sizeof r2, kratio);
    fprintf(v->out, "%-79s %11.4g %11.4g %-7s %8s %8s  %s\n", n->key, o->throughput, n->throughput, n->unit, r1, r2,
            p->message);
    if (isfinite(ratio) && ratio > 0) {
        v->log_sum += log(ratio);
        v->logged++;
    }
}

static int compare_verdicts(FILE *out, const bench_compare_request *c, cmp_set *base, cmp_set *now)
{
    verdict_pass v = {.out = out, .threshold = c->threshold, .points = calloc(now->count + 1, sizeof *v.points)};
    if (!v.points) {
        fprintf(stderr, "gpucc bench: --compare: out of memory\n");
        return GPUCC_EXIT_FAILED;
    }
    fprintf(out, "\ncompare: base %s (%s) -> new %s (%s); %s, %ld x %s\n", base->label, base->date, now->label,
            now->date, now->build, now->cpus, now->cpu);
    fprintf(out, "verdicts: Mann-Whitney U on the per-call times, two-sided, alpha %.2f; a change counts above %g%%\n",
            BENCH_ALPHA, 100 * c->threshold);
    fprintf(out, "%-79s %11s %11s %-7s %8s %8s  %s\n", row_header, "base", "new", "unit", "new/base", "kernel",
            "verdict");
    match_rows(base, now, show_verdict, &v);
    size_t tally[VERDICT_COUNT] = {0}, undecided = 0;
    for (size_t i = 0; i < v.count; i++) {
        if (v.points[i].decided)
            tally[v.points[i].verdict.kind]++;
        else
            undecided++;
    }
    if (v.count)
        fprintf(out, "%zu points: %zu slower, %zu faster, %zu same, %zu without a verdict; geometric mean of "
                     "new/base: %.3fx\n", v.count, tally[VERDICT_SLOWER], tally[VERDICT_FASTER], tally[VERDICT_SAME],
                undecided, v.logged ? exp(v.log_sum / (double)v.logged) : NAN);
    else
        fputs("no rows in common\n", out);
    for (size_t i = 0; i < v.count; i++)
        if (v.points[i].decided && v.points[i].verdict.kind == VERDICT_SLOWER)
            fprintf(out, "SLOWER: %s %s by %.1f%% (p = %.2g)\n", v.points[i].suite, v.points[i].name,
                    -100 * v.points[i].verdict.change, v.points[i].verdict.p);
    print_unmatched(out, now, "new rows (only in the new run)");
    print_unmatched(out, base, "missing rows (only in the base run)");
    int rc = tally[VERDICT_SLOWER] ? GPUCC_EXIT_FAILED : 0;
    if (c->junit && c->junit->stream) {
        int written = bench_write_junit(c->junit, v.points, v.count);
        rc = written ? written : rc;
    }
    free(v.points);
    return rc;
}

int bench_compare(FILE *out, const bench_compare_request *c, const bench_report *current)
{
    cmp_set base = {0}, now = {0};
    int rc = load_rows(c->base, &base);
    if (rc == 0)
        rc = c->from ? load_rows(c->from, &now) : current_rows(current, &now);
    char why[600];
    if (rc == 0 && !c->across && refusal(&base, &now, why, sizeof why)) {
        fprintf(stderr, "gpucc bench: --compare: %s\n", why);
        rc = GPUCC_EXIT_DATAERR;
    }
    if (rc == 0)
        rc = c->across ? compare_across(out, &base, &now) : compare_verdicts(out, c, &base, &now);
    free(base.rows);
    free(now.rows);
    return rc;
}
