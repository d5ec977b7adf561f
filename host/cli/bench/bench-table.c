/* The table of `gpucc bench` on stdout: the ceilings, one table per suite
 * with the lines that sum it up, and the notes. */
#include <math.h>
#include <string.h>

#include "bench-crossover.h"
#include "bench.h"

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
            fprintf(out, "  %-23s %9.2f %-7s [%.2f - %.2f]  %s\n", bench_ceiling_name(i), c->value.median,
                    bench_ceiling_unit(i), c->value.min, c->value.max, c->what);
    }
}

static const char *suite_heading(bench_suite suite)
{
    static char size_heading[200];
    switch (suite) {
    case BENCH_SIZE: {
        char workloads[160];
        bench_axis_workloads(GPUCCI_AXIS_SIZE, workloads, sizeof workloads);
        snprintf(size_heading, sizeof size_heading, "%s over n float32 elements, every backend", workloads);
        return size_heading;
    }
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
    snprintf(what, sizeof what, "%s %s", row->workload->name, row->what);
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
        const bench_row *on = best_row(r, suite, "copy+overlap"), *off = best_row(r, suite, "copy+no-overlap");
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
    fprintf(out, "\n== %s: %s\n", bench_suite_name(suite), suite_heading(suite));
    fprintf(out, "%-12s %-9s %-16s %11s %23s %11s %9s %9s %-7s %6s %6s %8s %-5s %-9s %s\n", "workload", "backend",
            parameter[suite], "median ms", "[min - max] ms", "kernel ms", "e2e", "kernel", "unit", "%ceil", "%kern",
            "speedup", "check", "impl", "ceiling (e2e / kernel)");
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].suite == suite)
            print_row(out, r, &r->rows[i]);
    print_summary(out, r, suite);
    bench_print_crossovers(out, r, suite);
}

void bench_print_notes(FILE *out, const bench_report *r)
{
    if (r->note_count)
        fprintf(out, "\nnotes:\n");
    for (int i = 0; i < r->note_count; i++)
        fprintf(out, "  %s\n", r->notes[i]);
}
