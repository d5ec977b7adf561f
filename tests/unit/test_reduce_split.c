/* Unit tests of a reduction split over processes (host/internal/
 * reduce-split.h) and of its parts: the shares, the pieces of each share
 * combined into the one-process value bitwise (gpucc_reduce's and
 * gpucc_dot's), the generator's slices and the exact references (of a
 * reduction and of a dot product) added up from slices. */
#include "dot-reference.h"
#include "generate.h"
#include "gpucc.h"
#include "gpucc-ops.h"
#include "reduce-split.h"
#include "reference.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { B = GPUCC_REDUCE_BLOCK };

/* Sizes around block and power-of-two boundaries: odd block counts, a last
 * block cut short, fewer blocks than parts. */
static const size_t sizes[] = {1, 5, B - 1, B, B + 1, 2 * B + 3, 3 * B, 5 * B + 7, 7 * B, 9 * B - 1, 13 * B + 1,
                               33 * B + 100, 100003};
enum { MAX_PARTS = 6 };

static int same_bits(double a, double b)
{
    return memcmp(&a, &b, sizeof a) == 0;
}

START_TEST(test_shares_tile_whole_blocks)
{
    for (size_t s = 0; s < COUNT(sizes); s++) {
        size_t n = sizes[s];
        for (unsigned parts = 1; parts <= MAX_PARTS; parts++) {
            size_t expected_first = 0;
            for (unsigned part = 0; part < parts; part++) {
                size_t first, end;
                gpucci_reduce_share(n, part, parts, &first, &end);
                ck_assert_uint_eq(first, expected_first);
                ck_assert_uint_le(first, end);
                ck_assert_uint_eq(first % B, 0);
                ck_assert(end % B == 0 || end == n);
                expected_first = end;
            }
            ck_assert_uint_eq(expected_first, n);
        }
    }
}
END_TEST

/* Every part's pieces, computed on backend, combined: bitwise the value of
 * one gpucc_reduce over all of x, for every op and part count. */
static void check_split(gpucc_backend *backend, const float *x, size_t n)
{
    for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++) {
        gpucc_reduce_result whole;
        ck_assert_int_eq(gpucc_reduce(backend, (gpucc_reduce_op)op, x, n, &whole), GPUCC_OK);
        for (unsigned parts = 1; parts <= MAX_PARTS; parts++) {
            gpucci_reduce_piece pieces[MAX_PARTS * GPUCCI_MAX_PIECES];
            size_t total = 0;
            for (unsigned part = 0; part < parts; part++) {
                size_t first, end, count;
                gpucc_timing timing;
                unsigned flags;
                gpucci_reduce_share(n, part, parts, &first, &end);
                ck_assert_int_eq(gpucci_reduce_pieces(backend, (gpucc_reduce_op)op, x + first, n, first, end,
                                                      pieces + total, &count, &timing, &flags),
                                 GPUCC_OK);
                /* O(log n) values per part: at most two per level. */
                ck_assert_uint_le(count, 2 * 64);
                total += count;
            }
            double value;
            ck_assert_int_eq(gpucci_reduce_combine_pieces((gpucc_reduce_op)op, pieces, total, n, &value), GPUCC_OK);
            ck_assert_msg(same_bits(value, whole.value), "%s n=%zu parts=%u: %a, one process %a",
                          gpucc_reduce_op_name((gpucc_reduce_op)op), n, parts, value, whole.value);
        }
    }
}

typedef struct {
    const float *x, *y;
} dot_share;

/* A gpucci_block_reducer's reduce over a dot_share: gpucc_dot. */
static gpucc_status dot_blocks(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                               gpucc_reduce_result *out)
{
    const dot_share *d = data;
    return gpucc_dot(backend, d->x + begin, d->y + begin, length, out);
}

/* Every part's pieces of x . y, computed on backend with gpucc_dot,
 * combined: bitwise one gpucc_dot over all of x and y, for every part count. */
static void check_dot_split(gpucc_backend *backend, const float *x, const float *y, size_t n)
{
    gpucc_reduce_result whole;
    ck_assert_int_eq(gpucc_dot(backend, x, y, n, &whole), GPUCC_OK);
    for (unsigned parts = 1; parts <= MAX_PARTS; parts++) {
        gpucci_reduce_piece pieces[MAX_PARTS * GPUCCI_MAX_PIECES];
        size_t total = 0;
        for (unsigned part = 0; part < parts; part++) {
            size_t first, end, count;
            gpucc_timing timing;
            unsigned flags;
            gpucci_reduce_share(n, part, parts, &first, &end);
            dot_share share = {x + first, y + first};
            gpucci_block_reducer reducer = {GPUCC_REDUCE_SUM, dot_blocks, &share};
            ck_assert_int_eq(gpucci_split_pieces(&reducer, backend, n, first, end, pieces + total, &count, &timing,
                                                 &flags),
                             GPUCC_OK);
            ck_assert_uint_le(count, 2 * 64);
            total += count;
        }
        double value;
        ck_assert_int_eq(gpucci_reduce_combine_pieces(GPUCC_REDUCE_SUM, pieces, total, n, &value), GPUCC_OK);
        ck_assert_msg(same_bits(value, whole.value), "dot n=%zu parts=%u: %a, one process %a", n, parts, value,
                      whole.value);
    }
}

/* n random floats spread over 2^-30 .. 2^30 with random signs: their sums
 * round at every level, so a combine in any other order shows in the bits
 * (gpucc_generate's data alone spans too few bits for that at these sizes). */
static float *wide_floats(size_t n, uint64_t seed)
{
    float *x = support_random_floats(n, seed);
    for (size_t i = 0; i < n; i++)
        x[i] = ldexpf(x[i], (int)(i * 7 % 41) - 20);
    return x;
}

static void check_backend(gpucc_backend_kind kind)
{
    gpucc_backend *backend = support_open_built(kind, NULL, "split");
    if (!backend)
        return;
    for (size_t s = 0; s < COUNT(sizes); s++) {
        float *x = wide_floats(sizes[s], 7 + s), *y = wide_floats(sizes[s], 70 + s);
        check_split(backend, x, sizes[s]);
        check_dot_split(backend, x, y, sizes[s]);
        gpucc_free_floats(x);
        gpucc_free_floats(y);
    }
    gpucc_backend_close(backend);
}

START_TEST(test_split_bitwise_serial)
{
    check_backend(GPUCC_BACKEND_SERIAL);
}
END_TEST

START_TEST(test_split_bitwise_pthreads)
{
    check_backend(GPUCC_BACKEND_PTHREADS);
}
END_TEST

START_TEST(test_split_bitwise_opencl)
{
    check_backend(GPUCC_BACKEND_OPENCL);
}
END_TEST

/* ---- One process, several backends (--split) ---- */

/* Shares follow the weights in whole blocks, tile [0, n) in order, and all
 * zero weights put everything on the last backend. */
START_TEST(test_split_shares)
{
    gpucci_split split;
    gpucci_split_shares(10 * B + 7, (const double[]){1, 3}, 2, &split);
    ck_assert_uint_eq(split.count, 2);
    ck_assert_uint_eq(split.first[0], 0);
    ck_assert_uint_eq(split.end[0], 3 * B); /* 11 blocks x 1/4 = 2.75, rounded to 3 */
    ck_assert_uint_eq(split.first[1], 3 * B);
    ck_assert_uint_eq(split.end[1], 10 * B + 7);
    gpucci_split_shares(5 * B, (const double[]){0, 0, 0}, 3, &split);
    ck_assert_uint_eq(split.end[0], 0);
    ck_assert_uint_eq(split.end[1], 0);
    ck_assert_uint_eq(split.first[2], 0);
    ck_assert_uint_eq(split.end[2], 5 * B);
    /* fewer blocks than backends: some get none */
    gpucci_split_shares(B + 1, (const double[]){1, 1, 1}, 3, &split);
    ck_assert_uint_eq(split.end[2], B + 1);
    for (size_t d = 0; d + 1 < 3; d++)
        ck_assert_uint_eq(split.end[d], split.first[d + 1]);
}
END_TEST

/* The whole input of a split across backends: a reduction of x (y NULL)
 * or a dot product of x and y, of dtype. */
typedef struct {
    gpucc_reduce_op op;
    gpucc_dtype dtype;
    const void *x, *y;
} whole_input;

static gpucc_status whole_reduce(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                                 gpucc_reduce_result *out)
{
    const whole_input *in = data;
    size_t offset = begin * gpucc_dtype_size(in->dtype);
    const char *x = (const char *)in->x + offset;
    return in->y ? gpucc_dot_typed(backend, in->dtype, x, (const char *)in->y + offset, length, out)
                 : gpucc_reduce_typed(backend, in->op, in->dtype, x, length, out);
}

/* A run split across serial and pthreads "devices", in any proportion, gives
 * bitwise the value of one backend, for every op, and fills each part's time. */
START_TEST(test_split_across_backends)
{
    gpucc_backend *parts[2] = {support_open_built(GPUCC_BACKEND_SERIAL, NULL, "split"),
                               support_open_built(GPUCC_BACKEND_PTHREADS, NULL, "split")};
    ck_assert_ptr_nonnull(parts[0]);
    ck_assert_ptr_nonnull(parts[1]);
    const size_t ns[] = {1, B + 1, 25 * B + 3};
    const double weights[][2] = {{1, 1}, {1, 3}, {0, 1}, {1, 0}};
    gpucc_plan plan = {.warmup = 1, .repeat = 2};
    for (size_t s = 0; s < COUNT(ns); s++) {
        float *x = wide_floats(ns[s], 31 + s);
        gpucc_reference ref;
        ck_assert_int_eq(gpucc_reference_compute(x, ns[s], 0, &ref), GPUCC_OK);
        for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++) {
            gpucc_reduce_result whole;
            ck_assert_int_eq(gpucc_reduce(parts[0], (gpucc_reduce_op)op, x, ns[s], &whole), GPUCC_OK);
            for (size_t w = 0; w < COUNT(weights); w++) {
                gpucci_split split;
                gpucc_measurement m;
                gpucci_split_shares(ns[s], weights[w], 2, &split);
                whole_input in = {(gpucc_reduce_op)op, GPUCC_F32, x, NULL};
                gpucci_block_reducer reducer = {(gpucc_reduce_op)op, whole_reduce, &in};
                ck_assert_int_eq(gpucci_reduce_measure_devices(parts, 2, &reducer, GPUCC_F32, ns[s], &ref, &plan,
                                                               &split, &m),
                                 GPUCC_OK);
                ck_assert_msg(m.verified, "%s", m.reason);
                ck_assert_msg(same_bits(m.value, whole.value), "%s n=%zu weights %g:%g: %a, one backend %a",
                              gpucc_reduce_op_name((gpucc_reduce_op)op), ns[s], weights[w][0], weights[w][1],
                              m.value, whole.value);
                for (size_t d = 0; d < 2; d++)
                    ck_assert(split.first[d] == split.end[d] || split.part_ms[d] >= 0);
            }
        }
        gpucc_free_floats(x);
    }
    gpucc_backend_close(parts[0]);
    gpucc_backend_close(parts[1]);
}
END_TEST

/* Sums and dot products of f64, f16 and bf16 split across two backends
 * are bitwise one backend's too; an i32 split is refused (its exact integer
 * total is no double combine). */
START_TEST(test_split_typed)
{
    gpucc_backend *parts[2] = {support_open_built(GPUCC_BACKEND_SERIAL, NULL, "split"),
                               support_open_built(GPUCC_BACKEND_PTHREADS, NULL, "split")};
    const gpucc_dtype dtypes[] = {GPUCC_F64, GPUCC_F16, GPUCC_BF16, GPUCC_I32};
    const double weights[2] = {1, 2};
    size_t n = 25 * B + 3;
    gpucc_plan plan = {.warmup = 1, .repeat = 2};
    for (size_t t = 0; t < COUNT(dtypes); t++) {
        void *x = support_random_typed(dtypes[t], n, 5, 16), *y = support_random_typed(dtypes[t], n, 6, 16);
        for (int dot = 0; dot < 2; dot++) {
            whole_input in = {GPUCC_REDUCE_SUM, dtypes[t], x, dot ? y : NULL};
            gpucci_block_reducer reducer = {GPUCC_REDUCE_SUM, whole_reduce, &in};
            gpucc_reference ref;
            gpucc_reduce_result whole;
            ck_assert_int_eq(dot ? gpucc_dot_reference_typed(dtypes[t], x, y, n, 0, &ref)
                                 : gpucc_reference_compute_typed(dtypes[t], x, n, 0, &ref),
                             GPUCC_OK);
            ck_assert_int_eq(whole_reduce(&in, parts[0], 0, n, &whole), GPUCC_OK);
            gpucci_split split;
            gpucc_measurement m;
            gpucci_split_shares(n, weights, 2, &split);
            gpucc_status status = gpucci_reduce_measure_devices(parts, 2, &reducer, dtypes[t], n, &ref, &plan, &split, &m);
            if (dtypes[t] == GPUCC_I32) {
                ck_assert_int_eq(status, GPUCC_E_UNSUPPORTED);
                continue;
            }
            ck_assert_int_eq(status, GPUCC_OK);
            ck_assert_msg(m.verified, "%s", m.reason);
            ck_assert_msg(same_bits(m.value, whole.value), "%s %s: %a, one backend %a", gpucc_dtype_name(dtypes[t]),
                          dot ? "dot" : "sum", m.value, whole.value);
        }
        free(x);
        free(y);
    }
    gpucc_backend_close(parts[0]);
    gpucc_backend_close(parts[1]);
}
END_TEST

/* The combine refuses pieces that leave a block out or hold one twice. */
START_TEST(test_combine_refuses_bad_tilings)
{
    size_t n = 5 * B;
    gpucci_reduce_piece gap[] = {{0, 2, 1.0}};                  /* blocks 0-3, not 4 */
    gpucci_reduce_piece twice[] = {{0, 2, 1.0}, {4, 0, 1.0}, {4, 0, 1.0}};
    gpucci_reduce_piece outside[] = {{0, 2, 1.0}, {4, 0, 1.0}, {5, 0, 1.0}};
    gpucci_reduce_piece good[] = {{4, 0, 2.0}, {0, 2, 1.0}};     /* any order */
    double value;
    ck_assert_int_eq(gpucci_reduce_combine_pieces(GPUCC_REDUCE_SUM, gap, COUNT(gap), n, &value), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_reduce_combine_pieces(GPUCC_REDUCE_SUM, twice, COUNT(twice), n, &value),
                     GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_reduce_combine_pieces(GPUCC_REDUCE_SUM, outside, COUNT(outside), n, &value),
                     GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_reduce_combine_pieces(GPUCC_REDUCE_SUM, good, COUNT(good), n, &value), GPUCC_OK);
    ck_assert(value == 3.0);
    ck_assert_int_eq(gpucci_reduce_combine_pieces(GPUCC_REDUCE_MAX, NULL, 0, 0, &value), GPUCC_OK);
    ck_assert(value == -INFINITY);
}
END_TEST

/* A slice of the generator's stream is the same slice of the whole. */
START_TEST(test_generate_range_is_a_slice)
{
    size_t n = 3 * B + 11;
    float *whole = support_random_floats(n, 5);
    float *part = gpucc_alloc_floats(n);
    ck_assert_ptr_nonnull(part);
    const size_t firsts[] = {0, 1, B, 2 * B + 5};
    for (size_t i = 0; i < COUNT(firsts); i++) {
        ck_assert_int_eq(gpucci_generate_range(part, firsts[i], n - firsts[i], 5, 0), GPUCC_OK);
        ck_assert_mem_eq(part, whole + firsts[i], (n - firsts[i]) * sizeof(float));
    }
    ck_assert_int_eq(gpucci_generate_range(NULL, 0, 1, 5, 0), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_generate_range(part, SIZE_MAX, 2, 5, 0), GPUCC_E_INVALID);
    gpucc_free_floats(part);
    gpucc_free_floats(whole);
}
END_TEST

/* The reference of tallies added from slices is bitwise the reference of
 * the whole, with infinities and NaNs in some slices. */
START_TEST(test_tallies_add_exactly)
{
    size_t n = 100003;
    float *x = support_random_floats(n, 9);
    gpucc_reference whole;
    ck_assert_int_eq(gpucc_reference_compute(x, n, 0, &whole), GPUCC_OK);
    for (unsigned parts = 1; parts <= MAX_PARTS; parts++) {
        gpucci_reference_tally total, t;
        ck_assert_int_eq(gpucci_reference_tally_compute(x, 0, 1, &total), GPUCC_OK);
        for (unsigned part = 0; part < parts; part++) {
            size_t first, end;
            gpucci_reduce_share(n, part, parts, &first, &end);
            ck_assert_int_eq(gpucci_reference_tally_compute(x + first, end - first, 1, &t), GPUCC_OK);
            gpucci_reference_tally_add(&total, &t);
        }
        gpucc_reference sum;
        ck_assert_int_eq(gpucci_reference_of_tally(&total, &sum), GPUCC_OK);
        ck_assert(same_bits(sum.sum, whole.sum) && same_bits(sum.abs_sum, whole.abs_sum));
        ck_assert(same_bits(sum.min, whole.min) && same_bits(sum.max, whole.max));
    }
    /* An infinity in one slice and a NaN in another: as for the whole. */
    x[10] = INFINITY;
    x[n - 1] = NAN;
    ck_assert_int_eq(gpucc_reference_compute(x, n, 0, &whole), GPUCC_OK);
    gpucci_reference_tally left, right;
    ck_assert_int_eq(gpucci_reference_tally_compute(x, n / 2, 1, &left), GPUCC_OK);
    ck_assert_int_eq(gpucci_reference_tally_compute(x + n / 2, n - n / 2, 1, &right), GPUCC_OK);
    gpucci_reference_tally_add(&left, &right);
    gpucc_reference sum;
    ck_assert_int_eq(gpucci_reference_of_tally(&left, &sum), GPUCC_OK);
    ck_assert(isnan(sum.sum) && isnan(whole.sum) && isnan(sum.min) && isnan(sum.max));
    ck_assert(same_bits(sum.abs_sum, whole.abs_sum));
    gpucc_free_floats(x);
}
END_TEST

/* The dot reference of tallies added from slices is bitwise the reference
 * of the whole vectors, with an infinite product in one slice and a NaN in
 * another. */
START_TEST(test_dot_tallies_add_exactly)
{
    size_t n = 100003;
    float *x = wide_floats(n, 11), *y = wide_floats(n, 12);
    gpucc_reference whole;
    ck_assert_int_eq(gpucc_dot_reference(x, y, n, 0, &whole), GPUCC_OK);
    static gpucci_dot_tally total, t; /* 16 KiB each: off the stack */
    for (unsigned parts = 1; parts <= MAX_PARTS; parts++) {
        ck_assert_int_eq(gpucci_dot_tally_compute(x, y, 0, 1, &total), GPUCC_OK);
        for (unsigned part = 0; part < parts; part++) {
            size_t first, end;
            gpucci_reduce_share(n, part, parts, &first, &end);
            ck_assert_int_eq(gpucci_dot_tally_compute(x + first, y + first, end - first, 1, &t), GPUCC_OK);
            gpucci_dot_tally_add(&total, &t);
        }
        gpucc_reference sum;
        ck_assert_int_eq(gpucci_dot_reference_of_tally(&total, &sum), GPUCC_OK);
        ck_assert(same_bits(sum.sum, whole.sum) && same_bits(sum.abs_sum, whole.abs_sum));
    }
    x[10] = INFINITY;
    y[n - 1] = NAN;
    ck_assert_int_eq(gpucc_dot_reference(x, y, n, 0, &whole), GPUCC_OK);
    ck_assert_int_eq(gpucci_dot_tally_compute(x, y, n / 2, 1, &total), GPUCC_OK);
    ck_assert_int_eq(gpucci_dot_tally_compute(x + n / 2, y + n / 2, n - n / 2, 1, &t), GPUCC_OK);
    gpucci_dot_tally_add(&total, &t);
    gpucc_reference sum;
    ck_assert_int_eq(gpucci_dot_reference_of_tally(&total, &sum), GPUCC_OK);
    ck_assert(isnan(sum.sum) && isnan(whole.sum));
    ck_assert(same_bits(sum.abs_sum, whole.abs_sum));
    gpucc_free_floats(x);
    gpucc_free_floats(y);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const core[] = {test_shares_tile_whole_blocks, test_combine_refuses_bad_tilings,
                                 test_generate_range_is_a_slice, test_tallies_add_exactly, test_dot_tallies_add_exactly,
                                 test_split_bitwise_serial, test_split_bitwise_pthreads, test_split_shares,
                                 test_split_across_backends, test_split_typed};
    const TTest *const opencl[] = {test_split_bitwise_opencl};
    Suite *s = suite_create("reduce_split");
    support_tcase(s, "core", 300, core, COUNT(core));
    support_tcase_mixed(s, "opencl", 600, opencl, COUNT(opencl));
    return s;
}
