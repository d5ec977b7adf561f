/* Tests of bench's crossovers (host/cli/bench/bench-crossover.c) on
 * synthetic rows with known answers: where a backend starts to win, stays
 * ahead, never wins, or has nothing to compare with. */
#define _POSIX_C_SOURCE 200809L /* fmemopen */

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench-crossover.h"
#include "support.h"

enum { POINTS = 3 };
static const size_t sizes[POINTS] = {1000, 10000, 100000};

static bench_row rows[16];
static bench_report report;

/* Adds a verified size-suite row of reduce: median end-to-end and kernel ms. */
static void add_row(gpucc_backend_kind backend, size_t n, double total_ms, double kernel_ms)
{
    bench_row *row = &rows[report.row_count++];
    memset(row, 0, sizeof *row);
    row->suite = BENCH_SIZE;
    row->workload = gpucci_workload_named("reduce");
    row->backend = backend;
    row->n = n;
    row->status = ROW_OK;
    row->m.verified = 1;
    row->m.total_ms.median = total_ms;
    row->m.kernel_ms.median = kernel_ms;
}

/* Serial takes 1 ms per point; pthreads the given end-to-end times (kernel
 * time half of it). */
static void setup_pthreads(const double *pthreads_ms)
{
    memset(&report, 0, sizeof report);
    report.rows = rows;
    for (int i = 0; i < POINTS; i++) {
        add_row(GPUCC_BACKEND_SERIAL, sizes[i], 1.0, 1.0);
        add_row(GPUCC_BACKEND_PTHREADS, sizes[i], pthreads_ms[i], pthreads_ms[i] / 2);
    }
}

static bench_crossover pthreads_over_serial(int kernel)
{
    return bench_crossover_of(&report, BENCH_SIZE, gpucci_workload_named("reduce"), GPUCC_BACKEND_PTHREADS,
                              GPUCC_BACKEND_SERIAL, kernel);
}

/* pthreads' times at 1e3, 1e4, 1e5 (serial: 1 ms each; pthreads' kernel
 * time is half its total) and the crossover they give. */
static const struct {
    const char *what;
    double pthreads_ms[POINTS];
    int kernel;
    bench_crossover_kind kind;
    size_t at;
} cases[] = {
    {"wins from a size on", {2.0, 0.5, 0.4}, 0, CROSS_FROM, 10000},
    {"wins everywhere", {0.9, 0.5, 0.4}, 0, CROSS_ALWAYS, 1000},
    {"loses at the largest", {0.5, 0.5, 1.5}, 0, CROSS_NEVER, 0},
    {"a win that does not last does not count", {0.5, 1.5, 0.5}, 0, CROSS_FROM, 100000},
    {"a tie is no win", {0.5, 0.5, 1.0}, 0, CROSS_NEVER, 0},
    {"end to end never...", {1.5, 1.5, 1.5}, 0, CROSS_NEVER, 0},
    {"...kernel-only on its own: always", {1.5, 1.5, 1.5}, 1, CROSS_ALWAYS, 1000},
};

START_TEST(test_cases)
{
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        setup_pthreads(cases[i].pthreads_ms);
        bench_crossover c = pthreads_over_serial(cases[i].kernel);
        ck_assert_msg(c.kind == cases[i].kind && c.at == cases[i].at && c.largest == 100000,
                      "%s: kind %d at %zu largest %zu", cases[i].what, (int)c.kind, c.at, c.largest);
    }
}
END_TEST

/* Rows that failed or did not verify, and backends that did not run, give
 * no crossover. */
START_TEST(test_nothing_to_compare)
{
    setup_pthreads((const double[]){0.5, 0.5, 0.5});
    ck_assert_int_eq(bench_crossover_of(&report, BENCH_SIZE, gpucci_workload_named("reduce"), GPUCC_BACKEND_OPENCL,
                                        GPUCC_BACKEND_SERIAL, 0).kind,
                     CROSS_NONE);
    ck_assert_int_eq(bench_crossover_of(&report, BENCH_SIZE, gpucci_workload_named("map"), GPUCC_BACKEND_PTHREADS,
                                        GPUCC_BACKEND_SERIAL, 0).kind,
                     CROSS_NONE);
    rows[5].m.verified = 0; /* pthreads at 100000 */
    bench_crossover c = pthreads_over_serial(0);
    ck_assert_int_eq(c.kind, CROSS_ALWAYS);
    ck_assert_uint_eq(c.largest, 10000);
}
END_TEST

/* The JSON line holds one entry per pair and time that has points, and
 * "at": null for never. */
START_TEST(test_json)
{
    setup_pthreads((const double[]){0.5, 0.5, 1.5});
    char buf[4096] = "";
    FILE *out = fmemopen(buf, sizeof buf, "w");
    bench_write_crossovers_json(out, &report);
    fclose(out);
    ck_assert_msg(strncmp(buf, " \"crossovers\": [{", 17) == 0, "%s", buf);
    ck_assert_ptr_nonnull(strstr(buf, "\"backend\": \"pthreads\", \"than\": \"serial\", \"time\": \"end_to_end\", "
                                      "\"crossover\": \"never\", \"at\": null, \"largest\": 100000}"));
    ck_assert_ptr_nonnull(strstr(buf, "\"time\": \"kernel\", \"crossover\": \"always\", \"at\": 1000,"));
    ck_assert_ptr_null(strstr(buf, "\"opencl\""));
    ck_assert_msg(strcmp(buf + strlen(buf) - 3, "],\n") == 0, "%s", buf);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("bench_crossover");
    TCase *tc = tcase_create("crossover");
    tcase_add_test(tc, test_cases);
    tcase_add_test(tc, test_nothing_to_compare);
    tcase_add_test(tc, test_json);
    suite_add_tcase(s, tc);
    return s;
}
