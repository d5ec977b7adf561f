/* Optional ops: a backend whose ops table leaves a workload out gives
 * GPUCC_E_UNSUPPORTED with a reason naming the backend and the operation,
 * and is never called. The test swaps an open serial backend's ops table for
 * a copy without one entry, then restores it. */
#include <check.h>
#include <string.h>

#include "backend-impl.h"
#include "gpucc.h"
#include "support.h"

/* Opens a serial backend whose ops table is `ops` (a copy of serial's). */
static gpucc_backend *open_with(gpucci_backend_ops *ops, const gpucci_backend_ops **saved)
{
    gpucc_backend *backend;
    ck_assert_int_eq(gpucc_backend_open(GPUCC_BACKEND_SERIAL, NULL, &backend), GPUCC_OK);
    *saved = backend->ops;
    *ops = *backend->ops;
    backend->ops = ops;
    return backend;
}

static void close_restored(gpucc_backend *backend, const gpucci_backend_ops *saved)
{
    backend->ops = saved;
    gpucc_backend_close(backend);
}

START_TEST(test_left_out_ops_are_unsupported)
{
    gpucci_backend_ops ops;
    const gpucci_backend_ops *saved;
    gpucc_backend *backend = open_with(&ops, &saved);
    float x[4] = {1, 2, 3, 4}, y[4] = {0}, out[4];
    ops.reduce = NULL;
    ops.map = NULL;
    ops.dense = NULL;

    gpucc_reduce_result r;
    ck_assert_int_eq(gpucc_reduce(backend, GPUCC_REDUCE_SUM, x, 4, &r), GPUCC_E_UNSUPPORTED);
    ck_assert_str_eq(gpucc_last_error(), "the serial backend does not implement reduce");

    gpucc_call_info info;
    ck_assert_int_eq(gpucc_map(backend, GPUCC_MAP_SQUARE, 1, x, y, out, 4, &info), GPUCC_E_UNSUPPORTED);
    ck_assert_str_eq(gpucc_last_error(), "the serial backend does not implement map");

    gpucc_dense_shape shape = {.batch = 1, .in = 2, .out = 2, .act = GPUCC_ACT_NONE};
    ck_assert_int_eq(gpucc_dense(backend, &shape, x, x, y, out, &info), GPUCC_E_UNSUPPORTED);
    ck_assert_str_eq(gpucc_last_error(), "the serial backend does not implement dense");

    /* Invalid arguments are still refused first, as for any backend. */
    ck_assert_int_eq(gpucc_reduce(backend, GPUCC_REDUCE_SUM, NULL, 4, &r), GPUCC_E_INVALID);
    close_restored(backend, saved);
}
END_TEST

START_TEST(test_present_ops_still_run)
{
    gpucci_backend_ops ops;
    const gpucci_backend_ops *saved;
    gpucc_backend *backend = open_with(&ops, &saved);
    ops.map = NULL; /* only map is left out: reduce runs as before */
    float x[4] = {1, 2, 3, 4};
    gpucc_reduce_result r;
    ck_assert_int_eq(gpucc_reduce(backend, GPUCC_REDUCE_SUM, x, 4, &r), GPUCC_OK);
    ck_assert(r.value == 10.0);
    close_restored(backend, saved);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const tests[] = {test_left_out_ops_are_unsupported, test_present_ops_still_run};
    Suite *s = suite_create("optional ops");
    support_tcase(s, "optional ops", 0, tests, COUNT(tests));
    return s;
}
