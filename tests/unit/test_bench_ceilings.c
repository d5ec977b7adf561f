/* Tests of the ceilings a bench row is placed against
 * (bench_choose_ceilings in host/cli/bench/bench-report.c): per workload
 * bound, backend and how the row's data moved, and CEIL_NONE where the
 * ceiling was not measured. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "bench/bench.h"
#include "support.h"

static bench_report report;

/* Every ceiling measured, as in a full run. */
static void measure_all(void)
{
    memset(&report, 0, sizeof report);
    for (int id = 0; id < CEIL_COUNT; id++) {
        report.ceilings[id].measured = 1;
        report.ceilings[id].value = (gpucc_stats){1, 1, 1};
    }
}

/* A measured row of workload on backend with GPUCC_RESULT_* flags, its
 * ceilings chosen. */
static bench_row chosen(const char *workload, gpucc_backend_kind backend, unsigned flags)
{
    bench_row row;
    memset(&row, 0, sizeof row);
    row.workload = gpucci_workload_named(workload);
    ck_assert_ptr_nonnull(row.workload);
    row.backend = backend;
    row.status = ROW_OK;
    row.m.flags = flags;
    bench_choose_ceilings(&report, &row);
    return row;
}

enum { COPIED = GPUCC_RESULT_COPIED, OVERLAPPED = GPUCC_RESULT_COPIED | GPUCC_RESULT_OVERLAPPED };

static const struct {
    const char *workload;
    gpucc_backend_kind backend;
    unsigned flags;
    bench_ceiling_id total, kernel;
} cases[] = {
    {"reduce", GPUCC_BACKEND_SERIAL, 0, CEIL_HOST_READ_1T, CEIL_HOST_READ_1T},
    {"reduce", GPUCC_BACKEND_PTHREADS, 0, CEIL_HOST_READ_ALL, CEIL_HOST_READ_ALL},
    {"reduce", GPUCC_BACKEND_OPENCL, 0, CEIL_HOST_READ_ALL, CEIL_CL_READ},
    /* copied through pinned staging: the pinned link, overlapped or not */
    {"reduce", GPUCC_BACKEND_OPENCL, COPIED, CEIL_CL_PINNED_H2D, CEIL_CL_READ},
    {"reduce", GPUCC_BACKEND_OPENCL, OVERLAPPED, CEIL_CL_PINNED_H2D, CEIL_CL_READ},
    {"dot", GPUCC_BACKEND_OPENCL, OVERLAPPED, CEIL_CL_PINNED_H2D, CEIL_CL_READ},
    {"map", GPUCC_BACKEND_SERIAL, 0, CEIL_HOST_COPY_1T, CEIL_HOST_COPY_1T},
    {"map", GPUCC_BACKEND_PTHREADS, 0, CEIL_HOST_COPY_ALL, CEIL_HOST_COPY_ALL},
    {"map", GPUCC_BACKEND_OPENCL, 0, CEIL_HOST_COPY_ALL, CEIL_CL_COPY},
    /* copies in and out one after the other, or at once */
    {"map", GPUCC_BACKEND_OPENCL, COPIED, CEIL_CL_PINNED_ROUNDTRIP, CEIL_CL_COPY},
    {"map", GPUCC_BACKEND_OPENCL, OVERLAPPED, CEIL_CL_PINNED_BIDIR, CEIL_CL_COPY},
    {"dense", GPUCC_BACKEND_SERIAL, 0, CEIL_HOST_FMA_1T, CEIL_HOST_FMA_1T},
    {"dense", GPUCC_BACKEND_PTHREADS, 0, CEIL_HOST_FMA_ALL, CEIL_HOST_FMA_ALL},
    {"dense", GPUCC_BACKEND_OPENCL, 0, CEIL_HOST_FMA_ALL, CEIL_CL_FMA},
    {"dense", GPUCC_BACKEND_OPENCL, COPIED, CEIL_CL_FMA, CEIL_CL_FMA},
};

START_TEST(test_choice)
{
    measure_all();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bench_row row = chosen(cases[i].workload, cases[i].backend, cases[i].flags);
        ck_assert_msg(row.ceiling == cases[i].total && row.kernel_ceiling == cases[i].kernel,
                      "%s on %s, flags %u: %s / %s, want %s / %s", cases[i].workload,
                      gpucc_backend_kind_name(cases[i].backend), cases[i].flags, bench_ceiling_name(row.ceiling),
                      bench_ceiling_name(row.kernel_ceiling), bench_ceiling_name(cases[i].total),
                      bench_ceiling_name(cases[i].kernel));
    }
}
END_TEST

/* A ceiling that was not measured (a device that did not open, or
 * --ceilings=skip) leaves the row without one; the other stays. */
START_TEST(test_not_measured)
{
    measure_all();
    report.ceilings[CEIL_CL_PINNED_BIDIR].measured = 0;
    bench_row row = chosen("map", GPUCC_BACKEND_OPENCL, OVERLAPPED);
    ck_assert_int_eq(row.ceiling, CEIL_NONE);
    ck_assert_int_eq(row.kernel_ceiling, CEIL_CL_COPY);
    ck_assert_msg(isnan(bench_fraction(&report, &row, 0)), "a row without a ceiling has no fraction");
    memset(report.ceilings, 0, sizeof report.ceilings);
    row = chosen("reduce", GPUCC_BACKEND_SERIAL, 0);
    ck_assert_int_eq(row.ceiling, CEIL_NONE);
    ck_assert_int_eq(row.kernel_ceiling, CEIL_NONE);
}
END_TEST

/* The ceilings the copy paths use have names of their own, in the JSON and
 * the table. */
START_TEST(test_names)
{
    ck_assert_str_eq(bench_ceiling_name(CEIL_CL_PINNED_ROUNDTRIP), "opencl_pinned_roundtrip");
    ck_assert_str_eq(bench_ceiling_name(CEIL_CL_PINNED_BIDIR), "opencl_pinned_bidir");
    ck_assert_str_eq(bench_ceiling_unit(CEIL_CL_PINNED_BIDIR), "GB/s");
    ck_assert_str_eq(bench_ceiling_name(CEIL_NONE), "none");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("bench_ceilings");
    TCase *tc = tcase_create("ceilings");
    tcase_add_test(tc, test_choice);
    tcase_add_test(tc, test_not_measured);
    tcase_add_test(tc, test_names);
    suite_add_tcase(s, tc);
    return s;
}
