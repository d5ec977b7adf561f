/* Where a backend starts to win (bench-crossover.h). */
#include "bench-crossover.h"

#include "json-csv.h"

/* The pairs compared: the first against the second. */
static const gpucc_backend_kind pairs[][2] = {
    {GPUCC_BACKEND_PTHREADS, GPUCC_BACKEND_SERIAL},
    {GPUCC_BACKEND_OPENCL, GPUCC_BACKEND_SERIAL},
    {GPUCC_BACKEND_OPENCL, GPUCC_BACKEND_PTHREADS},
};
enum { PAIR_COUNT = sizeof pairs / sizeof pairs[0] };

static size_t point_of(const bench_row *row)
{
    return row->suite == BENCH_BATCH ? row->shape.batch : row->n;
}

/* The ok row of suite, workload and backend at point, or NULL. */
static const bench_row *find_row(const bench_report *r, bench_suite suite, const gpucci_workload *workload,
                                 gpucc_backend_kind backend, size_t point)
{
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *row = &r->rows[i];
        if (row->suite == suite && row->workload == workload && row->backend == backend && point_of(row) == point &&
            row->status == ROW_OK && row->m.verified)
            return row;
    }
    return NULL;
}

enum { MAX_POINTS = 64 };

/* The points (n or batch) where both backends ran and verified, ascending;
 * returns how many. */
static size_t common_points(const bench_report *r, bench_suite suite, const gpucci_workload *workload,
                            gpucc_backend_kind a, gpucc_backend_kind b, size_t *points)
{
    size_t count = 0;
    for (size_t i = 0; i < r->row_count && count < MAX_POINTS; i++) {
        size_t p = point_of(&r->rows[i]), k = 0;
        if (!find_row(r, suite, workload, a, p) || r->rows[i].backend != a || !find_row(r, suite, workload, b, p))
            continue;
        while (k < count && points[k] < p)
            k++;
        if (k < count && points[k] == p)
            continue;
        for (size_t j = count++; j > k; j--)
            points[j] = points[j - 1];
        points[k] = p;
    }
    return count;
}

bench_crossover bench_crossover_of(const bench_report *r, bench_suite suite, const gpucci_workload *workload,
                                   gpucc_backend_kind faster, gpucc_backend_kind than, int kernel)
{
    bench_crossover c = {CROSS_NONE, 0, 0};
    size_t points[MAX_POINTS];
    size_t count = common_points(r, suite, workload, faster, than, points);
    if (count == 0)
        return c;
    c.largest = points[count - 1];
    size_t i = count; /* walk down while `faster` wins */
    for (; i > 0; i--) {
        const bench_row *a = find_row(r, suite, workload, faster, points[i - 1]);
        const bench_row *b = find_row(r, suite, workload, than, points[i - 1]);
        double ta = kernel ? a->m.kernel_ms.median : a->m.total_ms.median;
        double tb = kernel ? b->m.kernel_ms.median : b->m.total_ms.median;
        if (!(ta < tb))
            break;
    }
    c.kind = i == count ? CROSS_NEVER : i == 0 ? CROSS_ALWAYS : CROSS_FROM;
    c.at = i == count ? 0 : points[i];
    return c;
}

/* "from n = 100000", "at every n (from 1000)", "never (up to n = 1e8)". */
static void describe(char *buf, size_t size, bench_crossover c, const char *axis)
{
    switch (c.kind) {
    case CROSS_FROM: snprintf(buf, size, "from %s = %zu", axis, c.at); break;
    case CROSS_ALWAYS: snprintf(buf, size, "at every %s (from %zu)", axis, c.at); break;
    case CROSS_NEVER: snprintf(buf, size, "never (up to %s = %zu)", axis, c.largest); break;
    default: snprintf(buf, size, "-"); break;
    }
}

void bench_print_crossovers(FILE *out, const bench_report *r, bench_suite suite)
{
    if (suite != BENCH_SIZE && suite != BENCH_BATCH)
        return;
    const char *axis = suite == BENCH_BATCH ? "batch" : "n";
    int heading = 0;
    for (size_t w = 0; w < gpucci_workload_count; w++)
        for (int p = 0; p < PAIR_COUNT; p++) {
            bench_crossover e2e = bench_crossover_of(r, suite, gpucci_workloads[w], pairs[p][0], pairs[p][1], 0);
            bench_crossover kernel = bench_crossover_of(r, suite, gpucci_workloads[w], pairs[p][0], pairs[p][1], 1);
            if (e2e.kind == CROSS_NONE)
                continue;
            if (!heading)
                fprintf(out, "crossover: the smallest %s from which the first backend stays faster\n", axis);
            heading = 1;
            char a[64], b[64], pair[40];
            describe(a, sizeof a, e2e, axis);
            describe(b, sizeof b, kernel, axis);
            snprintf(pair, sizeof pair, "%s over %s", gpucc_backend_kind_name(pairs[p][0]),
                     gpucc_backend_kind_name(pairs[p][1]));
            fprintf(out, "  %-7s %-20s end to end %-30s kernel only %s\n", gpucci_workloads[w]->name, pair, a, b);
        }
}

static const char *const kind_names[] = {"never", "from", "always", "none"};

void bench_write_crossovers_json(FILE *out, const bench_report *r)
{
    fputs(" \"crossovers\": [", out);
    int first = 1;
    for (bench_suite suite = BENCH_SIZE; suite < BENCH_SUITE_COUNT; suite++) {
        if (suite != BENCH_SIZE && suite != BENCH_BATCH)
            continue;
        for (size_t w = 0; w < gpucci_workload_count; w++)
            for (int p = 0; p < PAIR_COUNT; p++)
                for (int kernel = 0; kernel < 2; kernel++) {
                    bench_crossover c = bench_crossover_of(r, suite, gpucci_workloads[w], pairs[p][0], pairs[p][1], kernel);
                    if (c.kind == CROSS_NONE)
                        continue;
                    fprintf(out, "%s{\"suite\": \"%s\"", first ? "" : ", ", bench_suite_name(suite));
                    cli_json_key_string(out, "workload", gpucci_workloads[w]->name);
                    cli_json_key_string(out, "backend", gpucc_backend_kind_name(pairs[p][0]));
                    cli_json_key_string(out, "than", gpucc_backend_kind_name(pairs[p][1]));
                    cli_json_key_string(out, "time", kernel ? "kernel" : "end_to_end");
                    cli_json_key_string(out, "crossover", kind_names[c.kind]);
                    if (c.kind == CROSS_NEVER)
                        fputs(", \"at\": null", out);
                    else
                        fprintf(out, ", \"at\": %zu", c.at);
                    fprintf(out, ", \"largest\": %zu}", c.largest);
                    first = 0;
                }
    }
    fputs("],\n", out);
}
