/* The public API's contract for bad input: every function of gpucc.h is
 * called here with NULL pointers, out-of-range enums, element counts whose
 * byte size overflows, and thread counts past GPUCC_MAX_THREADS. Each must
 * answer GPUCC_E_INVALID with a detail (gpucc_last_error() other than the
 * generic message), or the safe value its header comment documents, and
 * never crash. Debug builds (no NDEBUG) also check that using a backend
 * that is not open trips an assertion. */
#define _POSIX_C_SOURCE 200809L
#include "gpucc.h"
#include "support.h"
#include "backend-impl.h" /* struct gpucc_backend, for the debug-only checks */
#include "error.h"        /* gpucci_clear_error */

#include <check.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* An element count whose size in bytes overflows size_t. */
#define HUGE_N (SIZE_MAX / sizeof(float) + 1)

/* Calls `call` with the last error cleared; it must return `expected` and
 * record a detail of its own. */
#define EXPECT_STATUS(expected, call)                                                               \
    do {                                                                                            \
        gpucci_clear_error();                                                                        \
        gpucc_status got_ = (call);                                                                 \
        ck_assert_msg(got_ == (expected), "%s gave %s, expected %s", #call, gpucc_status_name(got_), \
                      gpucc_status_name(expected));                                                 \
        ck_assert_msg(strcmp(gpucc_last_error(), gpucc_strerror(got_)) != 0, "%s recorded no detail", #call); \
    } while (0)
#define EXPECT_INVALID(call) EXPECT_STATUS(GPUCC_E_INVALID, call)

START_TEST(test_status_text)
{
    static const gpucc_status bad[] = {GPUCC_STATUS_COUNT, (gpucc_status)-1, (gpucc_status)1000};
    for (size_t i = 0; i < COUNT(bad); i++) {
        ck_assert_str_eq(gpucc_strerror(bad[i]), "unknown status");
        ck_assert_str_eq(gpucc_status_name(bad[i]), "GPUCC_E_UNKNOWN");
    }
    for (int s = 0; s < GPUCC_STATUS_COUNT; s++) {
        ck_assert_ptr_nonnull(gpucc_strerror((gpucc_status)s));
        ck_assert_ptr_nonnull(gpucc_status_name((gpucc_status)s));
    }
    gpucci_clear_error();
    ck_assert_str_eq(gpucc_last_error(), "success");
}
END_TEST

START_TEST(test_enum_names)
{
    static const int bad[] = {-1, 100, INT_MAX};
    for (size_t i = 0; i < COUNT(bad); i++) {
        ck_assert_ptr_null(gpucc_backend_kind_name((gpucc_backend_kind)bad[i]));
        ck_assert_ptr_null(gpucc_reduce_op_name((gpucc_reduce_op)bad[i]));
        ck_assert_ptr_null(gpucc_map_fn_name((gpucc_map_fn)bad[i]));
        ck_assert_ptr_null(gpucc_activation_name((gpucc_activation)bad[i]));
        ck_assert(isnan(gpucc_map_ulp_bound((gpucc_map_fn)bad[i])));
    }
    ck_assert_ptr_null(gpucc_backend_kind_name(GPUCC_BACKEND_COUNT));
    ck_assert_ptr_null(gpucc_reduce_op_name(GPUCC_REDUCE_OP_COUNT));
    ck_assert_ptr_null(gpucc_map_fn_name(GPUCC_MAP_FN_COUNT));
    ck_assert_ptr_null(gpucc_activation_name(GPUCC_ACT_COUNT));
    ck_assert(isnan(gpucc_map_ulp_bound(GPUCC_MAP_FN_COUNT)));

    /* Each list is generated from one table: every value in range has its
     * name, in enum order, and the name parses back to the value. */
#define CHECK_NAMES(type, name_of, parse, count, expected)            \
    do {                                                              \
        char joined_[128] = "";                                       \
        for (int v_ = 0; v_ < (count); v_++) {                        \
            const char *name_ = name_of((type)v_);                    \
            ck_assert_ptr_nonnull(name_);                             \
            type parsed_;                                             \
            ck_assert_int_eq(parse(name_, &parsed_), GPUCC_OK);       \
            ck_assert_int_eq(parsed_, v_);                            \
            strcat(strcat(joined_, v_ ? "," : ""), name_);            \
        }                                                             \
        ck_assert_str_eq(joined_, expected);                          \
    } while (0)
    CHECK_NAMES(gpucc_backend_kind, gpucc_backend_kind_name, gpucc_backend_kind_parse, GPUCC_BACKEND_COUNT,
                "serial,pthreads,opencl");
    CHECK_NAMES(gpucc_reduce_op, gpucc_reduce_op_name, gpucc_reduce_op_parse, GPUCC_REDUCE_OP_COUNT, "sum,min,max");
    CHECK_NAMES(gpucc_map_fn, gpucc_map_fn_name, gpucc_map_fn_parse, GPUCC_MAP_FN_COUNT,
                "square,saxpy,relu,sigmoid,tanh,exp");
    CHECK_NAMES(gpucc_activation, gpucc_activation_name, gpucc_activation_parse, GPUCC_ACT_COUNT,
                "none,relu,sigmoid,tanh");
#undef CHECK_NAMES
}
END_TEST

START_TEST(test_parse_null)
{
    gpucc_backend_kind kind = GPUCC_BACKEND_PTHREADS;
    gpucc_reduce_op op = GPUCC_REDUCE_MAX;
    gpucc_map_fn fn = GPUCC_MAP_TANH;
    gpucc_activation act = GPUCC_ACT_TANH;
    /* A NULL name: refused, the output untouched. */
    EXPECT_INVALID(gpucc_backend_kind_parse(NULL, &kind));
    EXPECT_INVALID(gpucc_reduce_op_parse(NULL, &op));
    EXPECT_INVALID(gpucc_map_fn_parse(NULL, &fn));
    EXPECT_INVALID(gpucc_activation_parse(NULL, &act));
    ck_assert_int_eq(kind, GPUCC_BACKEND_PTHREADS);
    ck_assert_int_eq(op, GPUCC_REDUCE_MAX);
    ck_assert_int_eq(fn, GPUCC_MAP_TANH);
    ck_assert_int_eq(act, GPUCC_ACT_TANH);
    /* A NULL output, with a valid name and with an unknown one. */
    EXPECT_INVALID(gpucc_backend_kind_parse("serial", NULL));
    EXPECT_INVALID(gpucc_reduce_op_parse("sum", NULL));
    EXPECT_INVALID(gpucc_map_fn_parse("relu", NULL));
    EXPECT_INVALID(gpucc_activation_parse("none", NULL));
    EXPECT_INVALID(gpucc_backend_kind_parse("no-such", NULL));
    EXPECT_INVALID(gpucc_backend_kind_parse(NULL, NULL));
}
END_TEST

START_TEST(test_backend_open_invalid)
{
    gpucc_backend_config c;
    memset(&c, 0, sizeof c);
    EXPECT_INVALID(gpucc_backend_open(GPUCC_BACKEND_SERIAL, &c, NULL));
    EXPECT_INVALID(gpucc_backend_open(GPUCC_BACKEND_SERIAL, NULL, NULL));

    /* Every failure leaves *out NULL, whatever it held before. */
    gpucc_backend *sentinel = (gpucc_backend *)&c, *b = sentinel;
    EXPECT_INVALID(gpucc_backend_open(GPUCC_BACKEND_COUNT, &c, &b));
    ck_assert_ptr_null(b);
    b = sentinel;
    EXPECT_INVALID(gpucc_backend_open((gpucc_backend_kind)-1, &c, &b));
    ck_assert_ptr_null(b);

    /* Out-of-range config fields are refused for every kind, before any
     * device is looked for. */
    for (int kind = 0; kind < GPUCC_BACKEND_COUNT; kind++) {
        gpucc_backend_config bad = c;
        bad.shape = GPUCC_SHAPE_GPU + 1;
        b = sentinel;
        EXPECT_INVALID(gpucc_backend_open((gpucc_backend_kind)kind, &bad, &b));
        ck_assert_ptr_null(b);
        ck_assert_msg(strstr(gpucc_last_error(), "shape") != NULL, "%s", gpucc_last_error());

        bad = c;
        bad.dense_impl = (int)-1;
        b = sentinel;
        EXPECT_INVALID(gpucc_backend_open((gpucc_backend_kind)kind, &bad, &b));
        ck_assert_ptr_null(b);
        ck_assert_msg(strstr(gpucc_last_error(), "dense") != NULL, "%s", gpucc_last_error());

        static const unsigned too_many[] = {GPUCC_MAX_THREADS + 1, UINT_MAX};
        for (size_t i = 0; i < COUNT(too_many); i++) {
            bad = c;
            bad.threads = too_many[i];
            b = sentinel;
            EXPECT_INVALID(gpucc_backend_open((gpucc_backend_kind)kind, &bad, &b));
            ck_assert_ptr_null(b);
            ck_assert_msg(strstr(gpucc_last_error(), "threads") != NULL, "%s", gpucc_last_error());
        }
    }
}
END_TEST

START_TEST(test_backend_null_handle)
{
    gpucc_backend_close(NULL);
    ck_assert_int_eq(gpucc_backend_kind_of(NULL), GPUCC_BACKEND_COUNT);
    ck_assert_ptr_nonnull(gpucc_backend_device(NULL));
    ck_assert_str_eq(gpucc_backend_device(NULL), "");
    ck_assert_int_eq(gpucc_backend_pci(NULL).known, 0);

    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    ck_assert_int_eq(gpucc_backend_kind_of(b), GPUCC_BACKEND_SERIAL);
    ck_assert(strlen(gpucc_backend_device(b)) > 0);
    gpucc_pci_location pci = gpucc_backend_pci(b); /* a CPU backend has no PCI location */
    ck_assert_int_eq(pci.known, 0);
    ck_assert_uint_eq(pci.domain | pci.bus | pci.device | pci.function, 0);
    gpucc_backend_close(b);
}
END_TEST

START_TEST(test_reduce_invalid)
{
    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    float x[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    gpucc_reduce_result r;
    EXPECT_INVALID(gpucc_reduce(NULL, GPUCC_REDUCE_SUM, x, 8, &r));
    EXPECT_INVALID(gpucc_reduce(b, GPUCC_REDUCE_SUM, x, 8, NULL));
    EXPECT_INVALID(gpucc_reduce(b, GPUCC_REDUCE_SUM, NULL, 8, &r));
    EXPECT_INVALID(gpucc_reduce(b, GPUCC_REDUCE_OP_COUNT, x, 8, &r));
    EXPECT_INVALID(gpucc_reduce(b, (gpucc_reduce_op)-1, x, 8, &r));
    EXPECT_INVALID(gpucc_reduce(b, GPUCC_REDUCE_SUM, x, HUGE_N, &r));
    EXPECT_INVALID(gpucc_reduce(b, GPUCC_REDUCE_SUM, x, SIZE_MAX, &r));
    /* n == 0 needs no data. */
    ck_assert_int_eq(gpucc_reduce(b, GPUCC_REDUCE_SUM, NULL, 0, &r), GPUCC_OK);
    ck_assert(r.value == 0.0);
    ck_assert_int_eq(gpucc_reduce(b, GPUCC_REDUCE_SUM, x, 8, &r), GPUCC_OK);
    ck_assert(r.value == 36.0);
    gpucc_backend_close(b);
}
END_TEST

START_TEST(test_map_invalid)
{
    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    float x[16] = {0}, y[16] = {0}, out[16];
    gpucc_call_info info;
    EXPECT_INVALID(gpucc_map(NULL, GPUCC_MAP_SQUARE, 0, x, NULL, out, 16, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, out, 16, NULL));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SQUARE, 0, NULL, NULL, out, 16, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, NULL, 16, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SAXPY, 0, x, NULL, out, 16, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_FN_COUNT, 0, x, NULL, out, 16, &info));
    EXPECT_INVALID(gpucc_map(b, (gpucc_map_fn)-1, 0, x, NULL, out, 16, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, out, HUGE_N, &info));
    /* out must not overlap x, nor y for saxpy: in place, or shifted by one. */
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, x, 16, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_RELU, 0, x, NULL, x + 1, 8, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_RELU, 0, x + 1, NULL, x, 8, &info));
    EXPECT_INVALID(gpucc_map(b, GPUCC_MAP_SAXPY, 1, x, y, y, 16, &info));
    ck_assert_msg(strstr(gpucc_last_error(), "overlap") != NULL, "%s", gpucc_last_error());
    /* Adjacent, not overlapping: fine. y is ignored for other functions. */
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, x + 8, 8, &info), GPUCC_OK);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, out, out, 16, &info), GPUCC_OK);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SQUARE, 0, NULL, NULL, NULL, 0, &info), GPUCC_OK);

    gpucc_map_check check;
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, 16, 0, NULL));
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, NULL, NULL, out, 16, 0, &check));
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, NULL, 16, 0, &check));
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SAXPY, 0, x, NULL, out, 16, 0, &check));
    EXPECT_INVALID(gpucc_map_verify((gpucc_map_fn)-1, 0, x, NULL, out, 16, 0, &check));
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, HUGE_N, 0, &check));
    /* Too many threads is refused even where a small n would use one. */
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, 16, GPUCC_MAX_THREADS + 1, &check));
    EXPECT_INVALID(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, 16, UINT_MAX, &check));
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, 16, GPUCC_MAX_THREADS, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    gpucc_backend_close(b);
}
END_TEST

START_TEST(test_dense_invalid)
{
    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    float x[6] = {1, 2, 3, 4, 5, 6}, w[6] = {1, 0, 0, 0, 1, 0}, bias[2] = {0, 0}, y[4];
    gpucc_dense_shape shape = {2, 3, 2, GPUCC_ACT_NONE};
    gpucc_call_info info;
    gpucc_dense_check check;

    EXPECT_INVALID(gpucc_dense_shape_check(NULL));
    static const gpucc_dense_shape bad_shapes[] = {
        {0, 3, 2, GPUCC_ACT_NONE},       {2, 0, 2, GPUCC_ACT_NONE},         {2, 3, 0, GPUCC_ACT_NONE},
        {2, 3, 2, GPUCC_ACT_COUNT},      {2, 3, 2, (gpucc_activation)-1},   {SIZE_MAX, 2, 1, GPUCC_ACT_NONE},
        {2, SIZE_MAX / 4, 1, GPUCC_ACT_NONE},
    };
    for (size_t i = 0; i < COUNT(bad_shapes); i++) {
        EXPECT_INVALID(gpucc_dense_shape_check(&bad_shapes[i]));
        EXPECT_INVALID(gpucc_dense(b, &bad_shapes[i], x, w, bias, y, &info));
        EXPECT_INVALID(gpucc_dense_verify(&bad_shapes[i], x, w, bias, y, 1, &check));
    }
    EXPECT_INVALID(gpucc_dense(NULL, &shape, x, w, bias, y, &info));
    EXPECT_INVALID(gpucc_dense(b, NULL, x, w, bias, y, &info));
    EXPECT_INVALID(gpucc_dense(b, &shape, NULL, w, bias, y, &info));
    EXPECT_INVALID(gpucc_dense(b, &shape, x, NULL, bias, y, &info));
    EXPECT_INVALID(gpucc_dense(b, &shape, x, w, NULL, y, &info));
    EXPECT_INVALID(gpucc_dense(b, &shape, x, w, bias, NULL, &info));
    EXPECT_INVALID(gpucc_dense(b, &shape, x, w, bias, y, NULL));

    ck_assert_int_eq(gpucc_dense(b, &shape, x, w, bias, y, &info), GPUCC_OK);
    EXPECT_INVALID(gpucc_dense_verify(NULL, x, w, bias, y, 1, &check));
    EXPECT_INVALID(gpucc_dense_verify(&shape, NULL, w, bias, y, 1, &check));
    EXPECT_INVALID(gpucc_dense_verify(&shape, x, NULL, bias, y, 1, &check));
    EXPECT_INVALID(gpucc_dense_verify(&shape, x, w, NULL, y, 1, &check));
    EXPECT_INVALID(gpucc_dense_verify(&shape, x, w, bias, NULL, 1, &check));
    EXPECT_INVALID(gpucc_dense_verify(&shape, x, w, bias, y, 1, NULL));
    EXPECT_INVALID(gpucc_dense_verify(&shape, x, w, bias, y, GPUCC_MAX_THREADS + 1, &check));
    ck_assert_int_eq(gpucc_dense_verify(&shape, x, w, bias, y, 0, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    gpucc_backend_close(b);
}
END_TEST

START_TEST(test_reference_and_generate_invalid)
{
    float x[4] = {1, -2, 3, -4};
    gpucc_reference ref;
    EXPECT_INVALID(gpucc_reference_compute(x, 4, 0, NULL));
    EXPECT_INVALID(gpucc_reference_compute(NULL, 4, 0, &ref));
    EXPECT_INVALID(gpucc_reference_compute(x, 4, GPUCC_MAX_THREADS + 1, &ref));
    EXPECT_STATUS(GPUCC_E_UNSUPPORTED, gpucc_reference_compute(x, ((size_t)1 << 40) + 1, 1, &ref));
    ck_assert_int_eq(gpucc_reference_compute(NULL, 0, 0, &ref), GPUCC_OK);
    ck_assert(ref.sum == 0.0);

    EXPECT_INVALID(gpucc_generate(NULL, 4, 1, 0));
    EXPECT_INVALID(gpucc_generate(x, HUGE_N, 1, 0));
    EXPECT_INVALID(gpucc_generate(x, 4, 1, GPUCC_MAX_THREADS + 1));
    EXPECT_INVALID(gpucc_generate(x, 4, 1, UINT_MAX));
    ck_assert_int_eq(gpucc_generate(NULL, 0, 1, 0), GPUCC_OK);
    ck_assert_int_eq(gpucc_generate(x, 4, 1, GPUCC_MAX_THREADS), GPUCC_OK);
    ck_assert(x[0] != 0.0f);
}
END_TEST

START_TEST(test_measure_invalid)
{
    /* gpucc_stats_of: NaN for nothing to summarise. */
    double values[3] = {3, 1, 2};
    gpucc_stats s = gpucc_stats_of(NULL, 3);
    ck_assert(isnan(s.median) && isnan(s.min) && isnan(s.max));
    s = gpucc_stats_of(values, 0);
    ck_assert(isnan(s.median) && isnan(s.min) && isnan(s.max));
    s = gpucc_stats_of(values, 3);
    ck_assert(s.median == 2 && s.min == 1 && s.max == 3);

    /* gpucc_reduce_verify: 0 (not verified) with a detail. */
    float x[4] = {1, 2, 3, 4};
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_reference_compute(x, 4, 1, &ref), GPUCC_OK);
    double error = -1;
    ck_assert_int_eq(gpucc_reduce_verify(GPUCC_REDUCE_SUM, 10.0, &ref, &error), 1);
    gpucci_clear_error();
    ck_assert_int_eq(gpucc_reduce_verify(GPUCC_REDUCE_SUM, 10.0, NULL, &error), 0);
    ck_assert_int_eq(gpucc_reduce_verify(GPUCC_REDUCE_SUM, 10.0, &ref, NULL), 0);
    ck_assert_int_eq(gpucc_reduce_verify(GPUCC_REDUCE_OP_COUNT, 10.0, &ref, &error), 0);
    ck_assert_int_eq(gpucc_reduce_verify((gpucc_reduce_op)-1, 10.0, &ref, &error), 0);
    ck_assert(strstr(gpucc_last_error(), "gpucc_reduce_verify") != NULL);

    /* gpucc_measure and gpucc_reduce_measure. */
    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    gpucc_measurement m;
    const gpucc_plan ok = {.repeat = 1}, no_repeat = {.warmup = 1}, wraps = {.warmup = UINT_MAX, .repeat = 1},
                     wraps2 = {.warmup = 2, .repeat = UINT_MAX};
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, NULL, &ok, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, NULL, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &ok, NULL));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &no_repeat, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &wraps, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &wraps2, &m));
    EXPECT_INVALID(gpucc_reduce_measure(NULL, GPUCC_REDUCE_SUM, x, 4, &ref, &ok, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_OP_COUNT, x, 4, &ref, &ok, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, NULL, 4, &ref, &ok, &m));
    EXPECT_INVALID(gpucc_measure(&ok, NULL, NULL, 1, NULL, &m));
    ck_assert_int_eq(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &ok, &m), GPUCC_OK);
    ck_assert(m.verified && m.value == 10.0);
    double kept[2];
    gpucc_samples no_times = {NULL, kept, 2}, no_room = {kept, kept, 0};
    const gpucc_plan without_times = {.repeat = 1, .samples = &no_times},
                     without_room = {.repeat = 1, .samples = &no_room};
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &without_times, &m));
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &without_room, &m));
    const gpucc_energy_meter no_read = {NULL, NULL};
    const gpucc_plan without_read = {.repeat = 1, .energy = &no_read};
    EXPECT_INVALID(gpucc_reduce_measure(b, GPUCC_REDUCE_SUM, x, 4, &ref, &without_read, &m));
    gpucc_backend_close(b);
}
END_TEST

/* A call that takes call-number ms end to end and half of it in the kernel. */
static gpucc_status counted_call(void *ctx, gpucc_call_info *info, double *value)
{
    unsigned *calls = ctx;
    memset(info, 0, sizeof *info);
    info->timing.total_ms = ++*calls;
    info->timing.kernel_ms = 0.5 * *calls;
    *value = 0;
    return GPUCC_OK;
}

static int always_right(void *ctx, double value, double *error, char *reason, size_t reason_size)
{
    (void)ctx, (void)value, (void)reason, (void)reason_size;
    *error = 0;
    return 1;
}

/* gpucc_plan.samples: the timed calls' times in call order, warm-up left
 * out; with more calls than room, each value the mean of its share. */
START_TEST(test_measure_samples)
{
    double total[4], kernel[4];
    gpucc_samples samples = {total, kernel, 4};
    gpucc_measurement m;
    unsigned calls = 0;
    gpucc_plan plan = {.warmup = 2, .repeat = 3, .samples = &samples}; /* calls 1, 2 warm up; 3, 4, 5 timed */
    ck_assert_int_eq(gpucc_measure(&plan, counted_call, always_right, 1, &calls, &m), GPUCC_OK);
    ck_assert(total[0] == 3 && total[1] == 4 && total[2] == 5 && kernel[0] == 1.5 && kernel[2] == 2.5);
    ck_assert(m.total_ms.median == 4); /* the statistics still see every call */
    calls = 0;
    plan = (gpucc_plan){.repeat = 10, .samples = &samples}; /* 10 calls into 4 values: calls 1-2, 3-5, 6-7, 8-10 */
    ck_assert_int_eq(gpucc_measure(&plan, counted_call, always_right, 1, &calls, &m), GPUCC_OK);
    ck_assert_msg(total[0] == 1.5 && total[1] == 4 && total[2] == 6.5 && total[3] == 9, "%g %g %g %g", total[0],
                  total[1], total[2], total[3]);
    ck_assert(kernel[3] == 4.5);
    samples.kernel_ms = NULL; /* kernel times not kept */
    calls = 0;
    ck_assert_int_eq(gpucc_measure(&plan, counted_call, always_right, 1, &calls, &m), GPUCC_OK);
    ck_assert(total[3] == 9 && kernel[3] == 4.5);
}
END_TEST

START_TEST(test_peak_invalid)
{
    enum { N = 1024 };
    float *a = gpucc_alloc_floats(N), *c = gpucc_alloc_floats(N);
    ck_assert(a && c);
    memset(a, 0, N * sizeof *a);
    gpucc_stats gbps;
    EXPECT_INVALID(gpucc_peak_read_bandwidth(NULL, N, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_read_bandwidth(a, 1, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_read_bandwidth(a, N, 1, 0, &gbps));
    EXPECT_INVALID(gpucc_peak_read_bandwidth(a, N, 1, 1, NULL));
    EXPECT_INVALID(gpucc_peak_read_bandwidth(a, HUGE_N, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_read_bandwidth(a, N, GPUCC_MAX_THREADS + 1, 1, &gbps));
    ck_assert_int_eq(gpucc_peak_read_bandwidth(a, N, 1, 1, &gbps), GPUCC_OK);

    EXPECT_INVALID(gpucc_peak_copy_bandwidth(NULL, c, N, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, NULL, N, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, c, 0, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, c, N, 1, 0, &gbps));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, c, N, 1, 1, NULL));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, a + 1, N / 2, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, c, HUGE_N, 1, 1, &gbps));
    EXPECT_INVALID(gpucc_peak_copy_bandwidth(a, c, N, GPUCC_MAX_THREADS + 1, 1, &gbps));
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(a, c, N, 1, 1, &gbps), GPUCC_OK);

    EXPECT_INVALID(gpucc_peak_fma(1, 0, &gbps));
    EXPECT_INVALID(gpucc_peak_fma(1, 1, NULL));
    EXPECT_INVALID(gpucc_peak_fma(GPUCC_MAX_THREADS + 1, 1, &gbps));
    /* One thread and all: a finite, positive rate ordered as stats are. */
    for (unsigned threads = 0; threads < 2; threads++) {
        gpucc_stats gflops;
        ck_assert_int_eq(gpucc_peak_fma(threads, 2, &gflops), GPUCC_OK);
        ck_assert(isfinite(gflops.max) && gflops.min > 0);
        ck_assert(gflops.min <= gflops.median && gflops.median <= gflops.max);
    }

    /* The device ceilings need an OpenCL backend: a serial one is refused
     * without touching OpenCL. */
    gpucc_backend *b = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    gpucc_device_peak peak;
    EXPECT_INVALID(gpucc_device_peak_measure(NULL, 1 << 20, &peak));
    EXPECT_INVALID(gpucc_device_peak_measure(b, 1 << 20, &peak));
    EXPECT_INVALID(gpucc_device_peak_measure(b, 1 << 20, NULL));
    EXPECT_INVALID(gpucc_device_peak_measure(b, 100, &peak));
    gpucc_backend_close(b);
    gpucc_free_floats(a);
    gpucc_free_floats(c);
}
END_TEST

START_TEST(test_arrays_invalid)
{
    gpucc_array array;
    EXPECT_INVALID(gpucc_array_load(NULL, 1, &array));
    ck_assert_ptr_null(array.data);
    EXPECT_INVALID(gpucc_array_load("x.npy", 1, NULL));
    EXPECT_INVALID(gpucc_array_load("x.npy", 0, &array));
    EXPECT_INVALID(gpucc_array_load("x.npy", 3, &array));
    /* Freeing is NULL-safe, and a freed array may be freed again. */
    gpucc_array_free(NULL);
    gpucc_array_free(&array);
    gpucc_array_free(&array);

    float data[2] = {1, 2};
    size_t shape[2] = {2, 1}, huge[2] = {SIZE_MAX / 2, 4};
    EXPECT_INVALID(gpucc_npy_save(NULL, data, 1, shape));
    EXPECT_INVALID(gpucc_npy_save("never-written.npy", data, 1, NULL));
    EXPECT_INVALID(gpucc_npy_save("never-written.npy", NULL, 1, shape));
    EXPECT_INVALID(gpucc_npy_save("never-written.npy", data, 0, shape));
    EXPECT_INVALID(gpucc_npy_save("never-written.npy", data, 3, shape));
    EXPECT_INVALID(gpucc_npy_save("never-written.npy", data, 2, huge));
    EXPECT_INVALID(gpucc_npy_save("never-written.npy", data, 1, huge));
    ck_assert_int_ne(access("never-written.npy", F_OK), 0);

    gpucci_clear_error();
    ck_assert_ptr_null(gpucc_alloc_floats(SIZE_MAX));
    ck_assert_ptr_null(gpucc_alloc_floats(HUGE_N));
    ck_assert(strcmp(gpucc_last_error(), gpucc_strerror(GPUCC_OK)) != 0);
    gpucc_free_floats(NULL);
    float *p = gpucc_alloc_floats(0);
    ck_assert_ptr_nonnull(p);
    gpucc_free_floats(p);
}
END_TEST

START_TEST(test_devices_invalid)
{
    gpucc_cl_device_info *devices = (gpucc_cl_device_info *)&devices;
    size_t count = 12345;
    EXPECT_INVALID(gpucc_cl_list_devices(NULL, &count));
    EXPECT_INVALID(gpucc_cl_list_devices(&devices, NULL));
    EXPECT_INVALID(gpucc_cl_list_devices(NULL, NULL));
    ck_assert_uint_ge(gpucc_cpu_count(), 1);
}
END_TEST

#ifndef NDEBUG
/* Debug builds: a handle that is not an open backend (here a zeroed one,
 * as a closed backend's memory reads) trips an assertion instead of being
 * used. Each runs in its own forked process and must die of SIGABRT. */
static struct gpucc_backend not_open;

START_TEST(test_debug_close_not_open)
{
    gpucc_backend_close(&not_open);
}
END_TEST

START_TEST(test_debug_reduce_not_open)
{
    float x[1] = {1};
    gpucc_reduce_result r;
    gpucc_reduce(&not_open, GPUCC_REDUCE_SUM, x, 1, &r);
}
END_TEST

START_TEST(test_debug_device_not_open)
{
    gpucc_backend_device(&not_open);
}
END_TEST
#endif

Suite *test_suite(void)
{
    const TTest *const invalid_input[] = {
        test_status_text, test_enum_names, test_parse_null, test_backend_open_invalid, test_backend_null_handle,
        test_reduce_invalid, test_map_invalid, test_dense_invalid, test_reference_and_generate_invalid,
        test_measure_invalid, test_measure_samples, test_peak_invalid, test_arrays_invalid, test_devices_invalid};
    Suite *s = suite_create("api");
#ifdef NDEBUG
    support_tcase(s, "invalid input", 0, invalid_input, COUNT(invalid_input));
#else
    TCase *tc = support_tcase(s, "invalid input", 0, invalid_input, COUNT(invalid_input));
    tcase_add_test_raise_signal(tc, test_debug_close_not_open, SIGABRT);
    tcase_add_test_raise_signal(tc, test_debug_reduce_not_open, SIGABRT);
    tcase_add_test_raise_signal(tc, test_debug_device_not_open, SIGABRT);
#endif
    return s;
}
