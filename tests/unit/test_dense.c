/* Tests of the dense layer Y = act(X W^T + b): gpucc_dense on the serial,
 * pthreads and OpenCL backends, gpucc_dense_verify and
 * gpucc_dense_shape_check. Every output is checked two ways:
 *  - with gpucc_dense_verify (the library's double-precision reference);
 *  - against an oracle written here (a plain double loop and the documented
 *    bound, see oracle_check), independent of the library's code.
 * Outputs are written between canaries (guard floats with a NaN bit
 * pattern, asserted untouched) into a buffer prefilled with another NaN
 * pattern, so that an unwritten output is caught too. The pthreads backend
 * must give bitwise the same Y for every thread count.
 *
 * The OpenCL backend is covered by test_opencl_dense only, through the
 * public API (test case "opencl", which a build without CLBlast skips). While its dense implementation is a stub that returns
 * GPUCC_E_UNSUPPORTED, that test prints a note and passes; set
 * GPUCC_TEST_REQUIRE_OPENCL_DENSE=1 to make GPUCC_E_UNSUPPORTED a failure. */
#include "gpucc.h"
#include "support.h"
#include "cpu/cpu-dense-parts.h" /* the compiled copies of the tiled kernel */

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gpucc_activation all_acts[] = {GPUCC_ACT_NONE, GPUCC_ACT_RELU, GPUCC_ACT_SIGMOID, GPUCC_ACT_TANH};

/* Shapes (batch x in x out) that are no multiple of any tile: the tiled
 * kernel's row block (256), micro-tile rows (8), columns (32), k blocks
 * (256 for tiles of fewer than 64 rows, 1024 from 64 rows on) and transpose
 * block (16), and the serial kernel's 16 lanes and 4 outputs at a time;
 * batches of 1 and 2 (the tiled kernel's dot-product path) and 3 (its
 * smallest panel batch). */
static const gpucc_dense_shape small_shapes[] = {
    {1, 1, 1, 0},     {1, 64, 10, 0},   {7, 33, 65, 0},  {13, 100, 37, 0}, {64, 128, 96, 0},
    {9, 257, 33, 0},  {300, 513, 47, 0}, {5, 1, 100, 0}, {1, 1000, 1, 0},  {3, 17, 1, 0},
    {33, 15, 31, 0},  {2, 16, 32, 0},   {17, 300, 129, 0}, {2, 37, 70, 0},  {3, 300, 33, 0},
    {70, 1100, 40, 0},
};

/* ---- Data ---- */

/* X, W and b of one shape, with different seeds. */
typedef struct {
    gpucc_dense_shape shape;
    float *x, *w, *b;
} dense_data;

static dense_data make_data(gpucc_dense_shape shape, uint64_t seed)
{
    dense_data d = {shape, support_random_floats(shape.batch * shape.in, seed),
                    support_random_floats(shape.out * shape.in, seed + 1000),
                    support_random_floats(shape.out, seed + 2000)};
    return d;
}

static void free_data(dense_data *d)
{
    gpucc_free_floats(d->x);
    gpucc_free_floats(d->w);
    gpucc_free_floats(d->b);
}

/* ---- Oracle ---- */

static double act_double(gpucc_activation act, double z)
{
    switch (act) {
    case GPUCC_ACT_RELU: return z < 0 ? 0 : z;
    case GPUCC_ACT_SIGMOID: return 1 / (1 + exp(-z));
    case GPUCC_ACT_TANH: return tanh(z);
    default: return z;
    }
}

/* Checks y against a plain double loop with the documented bound:
 * |y - act(z)| <= 2 in 2^-24 (sum |x w| + |b|) + FLT_MIN, plus 4 float ulps
 * of act(z) for sigmoid and tanh; NaN where z is NaN. Returns the number of
 * outputs beyond it; *first gets the first one's index. */
static size_t oracle_check(const dense_data *d, const float *y, size_t *first)
{
    const gpucc_dense_shape *s = &d->shape;
    size_t bad = 0;
    for (size_t r = 0; r < s->batch; r++)
        for (size_t o = 0; o < s->out; o++) {
            double z = d->b[o], a = fabs((double)d->b[o]);
            for (size_t k = 0; k < s->in; k++) {
                double p = (double)d->x[r * s->in + k] * d->w[o * s->in + k];
                z += p;
                a += fabs(p);
            }
            double e = act_double(s->act, z), got = y[r * s->out + o];
            double bound = 2.0 * (double)s->in * ldexp(1, -24) * a + FLT_MIN;
            if (s->act == GPUCC_ACT_SIGMOID || s->act == GPUCC_ACT_TANH) {
                float ef = fabsf((float)e);
                bound += 4.0 * ((double)nextafterf(ef, INFINITY) - ef);
            }
            int ok = isnan(e) ? isnan(got) : !isnan(got) && fabs(got - e) <= bound;
            if (!ok && bad++ == 0)
                *first = r * s->out + o;
        }
    return bad;
}

/* gpucc_dense_verify and the oracle both accept y. */
static void assert_correct(const dense_data *d, const float *y, const char *what)
{
    gpucc_dense_check check;
    memset(&check, 0x5a, sizeof check);
    gpucc_status st = gpucc_dense_verify(&d->shape, d->x, d->w, d->b, y, 0, &check);
    ck_assert_msg(st == GPUCC_OK, "%s: gpucc_dense_verify: %s", what, gpucc_last_error());
    ck_assert_msg(check.bad == 0, "%s: %zu outputs beyond the bound, first at %zu (y=%.9g), max ratio %g", what,
                  check.bad, check.first_bad, check.bad ? y[check.first_bad] : 0.0, check.max_ratio);
    ck_assert_msg(check.max_ratio <= 1.0, "%s: max ratio %g", what, check.max_ratio);
    size_t first = 0, bad = oracle_check(d, y, &first);
    ck_assert_msg(bad == 0, "%s: the test's oracle finds %zu bad outputs, first at %zu (y=%.9g)", what, bad, first,
                  bad ? y[first] : 0.0);
}

static void describe(const gpucc_dense_shape *s, const char *backend, char *buf, size_t size)
{
    snprintf(buf, size, "%s %zux%zux%zu %s", backend, s->batch, s->in, s->out, gpucc_activation_name(s->act));
}

/* ---- Backends ---- */

typedef struct {
    gpucc_backend_kind kind;
    unsigned threads;
    const char *label;
} cpu_spec;

static const cpu_spec cpu_specs[] = {
    {GPUCC_BACKEND_SERIAL, 0, "serial"},
    {GPUCC_BACKEND_PTHREADS, 1, "pthreads(1)"},
    {GPUCC_BACKEND_PTHREADS, 2, "pthreads(2)"},
    {GPUCC_BACKEND_PTHREADS, 3, "pthreads(3)"},
};
enum { CPU_SPECS = sizeof cpu_specs / sizeof cpu_specs[0], FIRST_PTHREADS = 1 };

/* One backend per cpu_specs entry, opened before each test and closed after
 * it (a checked fixture: in the test's own process). */
static gpucc_backend *backends[CPU_SPECS];

static void open_cpu_backends(void)
{
    for (size_t i = 0; i < CPU_SPECS; i++) {
        gpucc_backend_config c;
        memset(&c, 0, sizeof c);
        c.threads = cpu_specs[i].threads;
        backends[i] = support_open(cpu_specs[i].kind, &c, cpu_specs[i].label);
    }
}

static void close_cpu_backends(void)
{
    for (size_t i = 0; i < CPU_SPECS; i++)
        gpucc_backend_close(backends[i]);
}

/* Runs gpucc_dense into g, asserting success and untouched canaries. */
static gpucc_call_info run_dense(gpucc_backend *backend, const dense_data *d, support_guarded *g, const char *what)
{
    gpucc_call_info info;
    memset(&info, 0x5a, sizeof info);
    gpucc_status st = gpucc_dense(backend, &d->shape, d->x, d->w, d->b, g->out, &info);
    ck_assert_msg(st == GPUCC_OK, "%s: %s (%s)", what, gpucc_status_name(st), gpucc_last_error());
    ck_assert_msg(info.impl != NULL, "%s: info.impl not set", what);
    ck_assert_msg(info.timing.total_ms >= 0 && isfinite(info.timing.total_ms), "%s: total_ms %g", what,
                  info.timing.total_ms);
    support_guarded_check(g, what);
    return info;
}

/* Every CPU backend on d, with every activation: correct outputs, canaries
 * intact, pthreads bitwise identical for 1, 2 and 3 threads. */
static void check_cpu_shape(dense_data *d)
{
    size_t n = d->shape.batch * d->shape.out;
    for (size_t a = 0; a < COUNT(all_acts); a++) {
        d->shape.act = all_acts[a];
        support_guarded out[CPU_SPECS];
        for (size_t i = 0; i < CPU_SPECS; i++) {
            char what[160];
            describe(&d->shape, cpu_specs[i].label, what, sizeof what);
            out[i] = support_guarded_alloc(n, 0);
            gpucc_call_info info = run_dense(backends[i], d, &out[i], what);
            ck_assert_str_eq(info.impl, cpu_specs[i].kind == GPUCC_BACKEND_SERIAL ? "loop nest" : "tiled");
            assert_correct(d, out[i].out, what);
        }
        for (size_t i = FIRST_PTHREADS + 1; i < CPU_SPECS; i++) {
            char what[160];
            describe(&d->shape, cpu_specs[i].label, what, sizeof what);
            ck_assert_msg(memcmp(out[i].out, out[FIRST_PTHREADS].out, n * sizeof(float)) == 0,
                          "%s differs bitwise from pthreads(1)", what);
        }
        for (size_t i = 0; i < CPU_SPECS; i++)
            support_guarded_free(&out[i]);
    }
}

/* ---- Tests ---- */

START_TEST(test_cpu_shapes)
{
    for (size_t s = 0; s < COUNT(small_shapes); s++) {
        dense_data d = make_data(small_shapes[s], 100 + 10 * s);
        check_cpu_shape(&d);
        free_data(&d);
    }
}
END_TEST

/* The shape, once, with relu (and the oracle's 2.7e8 products). */
START_TEST(test_cpu_large)
{
    gpucc_dense_shape shape = {256, 1024, 1024, GPUCC_ACT_RELU};
    dense_data d = make_data(shape, 7);
    size_t n = shape.batch * shape.out;
    support_guarded out[CPU_SPECS];
    for (size_t i = 0; i < CPU_SPECS; i++) {
        char what[160];
        describe(&shape, cpu_specs[i].label, what, sizeof what);
        out[i] = support_guarded_alloc(n, 0);
        run_dense(backends[i], &d, &out[i], what);
        gpucc_dense_check check;
        ck_assert_int_eq(gpucc_dense_verify(&shape, d.x, d.w, d.b, out[i].out, 0, &check), GPUCC_OK);
        ck_assert_msg(check.bad == 0, "%s: %zu bad, first %zu", what, check.bad, check.first_bad);
        if (i >= FIRST_PTHREADS + 1)
            ck_assert_msg(memcmp(out[i].out, out[FIRST_PTHREADS].out, n * sizeof(float)) == 0,
                          "%s differs bitwise from pthreads(1)", what);
    }
    size_t first = 0;
    static const size_t oracle_specs[] = {0, FIRST_PTHREADS}; /* the other pthreads are bitwise equal */
    for (size_t j = 0; j < COUNT(oracle_specs); j++)
        ck_assert_msg(oracle_check(&d, out[oracle_specs[j]].out, &first) == 0, "%s: oracle: first bad %zu",
                      cpu_specs[oracle_specs[j]].label, first);
    for (size_t i = 0; i < CPU_SPECS; i++)
        support_guarded_free(&out[i]);
    free_data(&d);
}
END_TEST

/* X, W, b and Y at addresses that are no multiple of the vector size. */
START_TEST(test_cpu_unaligned)
{
    gpucc_dense_shape shape = {21, 67, 70, GPUCC_ACT_RELU};
    dense_data src = make_data(shape, 31);
    float *x = gpucc_alloc_floats(shape.batch * shape.in + 1), *w = gpucc_alloc_floats(shape.out * shape.in + 3),
          *b = gpucc_alloc_floats(shape.out + 5);
    ck_assert(x && w && b);
    memcpy(x + 1, src.x, shape.batch * shape.in * sizeof(float));
    memcpy(w + 3, src.w, shape.out * shape.in * sizeof(float));
    memcpy(b + 5, src.b, shape.out * sizeof(float));
    dense_data d = {shape, x + 1, w + 3, b + 5};
    size_t n = shape.batch * shape.out;
    support_guarded ref = support_guarded_alloc(n, 0);
    run_dense(backends[FIRST_PTHREADS], &src, &ref, "pthreads(1) aligned");
    for (size_t i = 0; i < CPU_SPECS; i++) {
        support_guarded out = support_guarded_alloc(n, 7);
        run_dense(backends[i], &d, &out, cpu_specs[i].label);
        assert_correct(&d, out.out, cpu_specs[i].label);
        if (i >= FIRST_PTHREADS)
            ck_assert_msg(memcmp(out.out, ref.out, n * sizeof(float)) == 0, "%s: alignment changes the result",
                          cpu_specs[i].label);
        support_guarded_free(&out);
    }
    support_guarded_free(&ref);
    gpucc_free_floats(x);
    gpucc_free_floats(w);
    gpucc_free_floats(b);
    free_data(&src);
}
END_TEST

/* Every copy of the tiled kernel that this CPU can run (a portable x86-64
 * build compiles one per level, each with its own tile shape), called
 * directly on the small shapes and the issue's, with the tiles split in two
 * at an odd place: verified outputs, canaries intact, and bitwise the same Y
 * from every copy with FMA (the chain of each output does not depend on the
 * tile shape). The backends run only the copy for the CPU. */
START_TEST(test_tiled_copies)
{
    const struct {
        const gpucci_dense_tiled *tiled;
        const char *name;
        int fma, runs;
    } copies[] = {
        {&gpucci_dense_tiled_base, "tiled(base)", 0, 1},
#if GPUCCI_DISPATCH
        {&gpucci_dense_tiled_v3, "tiled(x86-64-v3)", 1, __builtin_cpu_supports("x86-64-v3")},
        {&gpucci_dense_tiled_v4, "tiled(x86-64-v4)", 1, __builtin_cpu_supports("x86-64-v4")},
#endif
    };
    gpucc_dense_shape shapes[COUNT(small_shapes) + 1];
    memcpy(shapes, small_shapes, sizeof small_shapes);
    shapes[COUNT(small_shapes)] = (gpucc_dense_shape){256, 1024, 1024, 0};
    size_t ran = 0;
    for (size_t s = 0; s < COUNT(shapes); s++) {
        dense_data d = make_data(shapes[s], 500 + 10 * s);
        d.shape.act = all_acts[s % COUNT(all_acts)];
        size_t n = d.shape.batch * d.shape.out;
        support_guarded fma_y = support_guarded_alloc(n, 0);
        const char *fma_name = NULL;
        for (size_t c = 0; c < COUNT(copies); c++) {
            if (!copies[c].runs)
                continue;
            char what[160];
            describe(&d.shape, copies[c].name, what, sizeof what);
            support_guarded g = support_guarded_alloc(n, 0);
            float *scratch = gpucc_alloc_floats(copies[c].tiled->scratch_floats(GPUCC_F32));
            ck_assert_ptr_nonnull(scratch);
            size_t tiles = copies[c].tiled->tile_count(&d.shape), half = tiles / 2 + tiles % 3;
            half = half < tiles ? half : tiles;
            copies[c].tiled->tiles(&d.shape, GPUCC_F32, d.x, d.w, d.b, g.out, half, tiles, scratch);
            copies[c].tiled->tiles(&d.shape, GPUCC_F32, d.x, d.w, d.b, g.out, 0, half, scratch);
            gpucc_free_floats(scratch);
            support_guarded_check(&g, what);
            if (n <= (size_t)1 << 16)
                assert_correct(&d, g.out, what);
            else { /* the shape: verify only (the oracle is slow) */
                gpucc_dense_check check;
                ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, g.out, 0, &check), GPUCC_OK);
                ck_assert_msg(check.bad == 0, "%s: %zu bad, first %zu", what, check.bad, check.first_bad);
            }
            if (copies[c].fma && !fma_name) {
                memcpy(fma_y.out, g.out, n * sizeof(float));
                fma_name = copies[c].name;
            } else if (copies[c].fma) {
                ck_assert_msg(memcmp(g.out, fma_y.out, n * sizeof(float)) == 0, "%s differs bitwise from %s", what,
                              fma_name);
            }
            support_guarded_free(&g);
            ran++;
        }
        support_guarded_free(&fma_y);
        free_data(&d);
    }
    ck_assert_uint_ge(ran, COUNT(shapes)); /* the base copy at least */
}
END_TEST

/* A case small enough to work out by hand. */
START_TEST(test_known_values)
{
    float x[] = {1, 2, -1, 0.5f};                          /* 2 x 2 */
    float w[] = {1, 1, -3, 0.5f, 0.25f, -0.25f};           /* 3 x 2 */
    float b[] = {0.5f, 0, -1};
    const float z[] = {3.5f, -2, -1.25f, 0, 3.25f, -1.375f}; /* exact */
    for (size_t a = 0; a < COUNT(all_acts); a++) {
        gpucc_dense_shape shape = {2, 2, 3, all_acts[a]};
        for (size_t i = 0; i < CPU_SPECS; i++) {
            float y[6];
            gpucc_call_info info;
            ck_assert_int_eq(gpucc_dense(backends[i], &shape, x, w, b, y, &info), GPUCC_OK);
            for (size_t j = 0; j < 6; j++) {
                double e = act_double(shape.act, z[j]);
                if (shape.act == GPUCC_ACT_NONE || shape.act == GPUCC_ACT_RELU)
                    ck_assert_msg(y[j] == (float)e, "%s %s y[%zu] = %.9g, expected %.9g", cpu_specs[i].label,
                                  gpucc_activation_name(shape.act), j, y[j], e);
                else
                    ck_assert_msg(fabs(y[j] - e) <= 4 * FLT_EPSILON * fabs(e), "%s %s y[%zu] = %.9g, expected %.9g",
                                  cpu_specs[i].label, gpucc_activation_name(shape.act), j, y[j], e);
            }
        }
    }
}
END_TEST

/* A NaN in row r of X makes row r of Y NaN (every activation passes NaN
 * through) and leaves the other rows correct; verify accepts it. */
START_TEST(test_nan_propagates)
{
    dense_data d = make_data((gpucc_dense_shape){11, 45, 70, GPUCC_ACT_NONE}, 55);
    const size_t nan_row = 6, nan_k = 44;
    d.x[nan_row * d.shape.in + nan_k] = NAN;
    size_t n = d.shape.batch * d.shape.out;
    for (size_t a = 0; a < COUNT(all_acts); a++) {
        d.shape.act = all_acts[a];
        for (size_t i = 0; i < CPU_SPECS; i++) {
            char what[160];
            describe(&d.shape, cpu_specs[i].label, what, sizeof what);
            support_guarded g = support_guarded_alloc(n, 0);
            run_dense(backends[i], &d, &g, what);
            for (size_t r = 0; r < d.shape.batch; r++)
                for (size_t o = 0; o < d.shape.out; o++)
                    ck_assert_msg(isnan(g.out[r * d.shape.out + o]) == (r == nan_row), "%s: y[%zu][%zu] = %g", what,
                                  r, o, g.out[r * d.shape.out + o]);
            assert_correct(&d, g.out, what);
            /* A finite value where NaN is expected is an error. */
            g.out[nan_row * d.shape.out + 3] = 1.0f;
            gpucc_dense_check check;
            ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, g.out, 2, &check), GPUCC_OK);
            ck_assert_uint_eq(check.bad, 1);
            ck_assert_uint_eq(check.first_bad, nan_row * d.shape.out + 3);
            support_guarded_free(&g);
        }
    }
    free_data(&d);
}
END_TEST

/* gpucc_dense_verify finds a wrong output: one element off by 1e-3 of its
 * value (far beyond the bound for the element chosen), and an unwritten
 * (NaN) one; first_bad is the first in index order whatever the threads. */
START_TEST(test_verify_catches_errors)
{
    gpucc_backend *serial = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    dense_data d = make_data((gpucc_dense_shape){64, 128, 96, GPUCC_ACT_NONE}, 77);
    size_t n = d.shape.batch * d.shape.out;
    /* Scaled by 2^-10 (exactly) so that sigmoid and tanh do not saturate. */
    for (size_t i = 0; i < d.shape.batch * d.shape.in; i++)
        d.x[i] = ldexpf(d.x[i], -10);
    for (size_t i = 0; i < d.shape.out * d.shape.in; i++)
        d.w[i] = ldexpf(d.w[i], -10);
    for (size_t i = 0; i < d.shape.out; i++)
        d.b[i] = ldexpf(d.b[i], -10);
    for (size_t a = 0; a < COUNT(all_acts); a++) {
        d.shape.act = all_acts[a];
        float *y = gpucc_alloc_floats(n);
        ck_assert_ptr_nonnull(y);
        gpucc_call_info info;
        ck_assert_int_eq(gpucc_dense(serial, &d.shape, d.x, d.w, d.b, y, &info), GPUCC_OK);
        gpucc_dense_check check;
        ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, y, 0, &check), GPUCC_OK);
        ck_assert_uint_eq(check.bad, 0);

        /* An element whose 1e-3 relative change is at least twice its bound
         * (bound from the oracle's formula), past the middle of Y so that
         * it lands in a later worker's rows. */
        size_t victim = n;
        for (size_t i = n / 2 + 5; i < n && victim == n; i++) {
            size_t r = i / d.shape.out, o = i % d.shape.out;
            double A = fabs((double)d.b[o]);
            for (size_t k = 0; k < d.shape.in; k++)
                A += fabs((double)d.x[r * d.shape.in + k] * d.w[o * d.shape.in + k]);
            double bound = 2.0 * d.shape.in * ldexp(1, -24) * A + 4 * FLT_EPSILON * fabsf(y[i]) + FLT_MIN;
            if (1e-3 * fabsf(y[i]) >= 2 * bound)
                victim = i;
        }
        ck_assert_msg(victim < n, "%s: no element with a large enough value", gpucc_activation_name(d.shape.act));
        float saved = y[victim];
        y[victim] = saved * (1 + 1e-3f);
        for (unsigned threads = 1; threads <= 3; threads++) {
            ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, y, threads, &check), GPUCC_OK);
            ck_assert_msg(check.bad == 1 && check.first_bad == victim && check.max_ratio > 1,
                          "%s threads=%u: bad=%zu first_bad=%zu (victim %zu) max_ratio=%g",
                          gpucc_activation_name(d.shape.act), threads, check.bad, check.first_bad, victim,
                          check.max_ratio);
        }
        /* A second, earlier error becomes first_bad; NaN counts as bad. */
        y[17] = NAN;
        for (unsigned threads = 1; threads <= 3; threads++) {
            ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, y, threads, &check), GPUCC_OK);
            ck_assert_uint_eq(check.bad, 2);
            ck_assert_uint_eq(check.first_bad, 17);
            ck_assert(check.max_ratio == INFINITY);
        }
        /* An infinity where a finite value is expected. */
        y[17] = INFINITY;
        y[victim] = saved;
        ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, y, 0, &check), GPUCC_OK);
        ck_assert_uint_eq(check.bad, 1);
        ck_assert_uint_eq(check.first_bad, 17);
        gpucc_free_floats(y);
    }
    free_data(&d);
    gpucc_backend_close(serial);
}
END_TEST

/* Expects GPUCC_E_INVALID from gpucc_dense_shape_check, gpucc_dense and
 * gpucc_dense_verify for shape, with a detail containing `detail`. */
static void expect_bad_shape(gpucc_backend *backend, gpucc_dense_shape shape, const char *detail)
{
    ck_assert_int_eq(gpucc_dense_shape_check(&shape), GPUCC_E_INVALID);
    ck_assert_msg(strstr(gpucc_last_error(), detail) != NULL, "detail '%s' does not contain '%s'",
                  gpucc_last_error(), detail);
    float one = 1.0f, y = 42.0f;
    gpucc_call_info info;
    ck_assert_int_eq(gpucc_dense(backend, &shape, &one, &one, &one, &y, &info), GPUCC_E_INVALID);
    ck_assert_msg(strstr(gpucc_last_error(), detail) != NULL, "gpucc_dense: '%s'", gpucc_last_error());
    ck_assert(y == 42.0f);
    gpucc_dense_check check;
    ck_assert_int_eq(gpucc_dense_verify(&shape, &one, &one, &one, &y, 1, &check), GPUCC_E_INVALID);
}

START_TEST(test_shape_check)
{
    gpucc_backend *serial = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    const size_t big = SIZE_MAX / 2;
    char detail[200];

    expect_bad_shape(serial, (gpucc_dense_shape){0, 1024, 1024, GPUCC_ACT_RELU},
                     "dense shape 0x1024x1024: batch must be at least 1");
    expect_bad_shape(serial, (gpucc_dense_shape){4, 0, 8, GPUCC_ACT_RELU}, "dense shape 4x0x8: in must be at least 1");
    expect_bad_shape(serial, (gpucc_dense_shape){4, 8, 0, GPUCC_ACT_RELU}, "dense shape 4x8x0: out must be at least 1");
    expect_bad_shape(serial, (gpucc_dense_shape){0, 0, 0, GPUCC_ACT_RELU}, "batch must be at least 1");

    snprintf(detail, sizeof detail, "dense shape %zux3x1: X of batch*in = %zu*3 floats overflows size_t", big, big);
    expect_bad_shape(serial, (gpucc_dense_shape){big, 3, 1, GPUCC_ACT_NONE}, detail);
    snprintf(detail, sizeof detail, "W of out*in = %zu*3 floats overflows size_t", big);
    expect_bad_shape(serial, (gpucc_dense_shape){1, 3, big, GPUCC_ACT_NONE}, detail);
    /* X = W = 2^32 floats fit, Y = 2^64 does not. */
    const size_t two32 = (size_t)1 << 32;
    snprintf(detail, sizeof detail, "Y of batch*out = %zu*%zu floats overflows size_t", two32, two32);
    expect_bad_shape(serial, (gpucc_dense_shape){two32, 1, two32, GPUCC_ACT_NONE}, detail);
    /* 2^62 floats fit in size_t, their 2^64 bytes do not. */
    const size_t two62 = (size_t)1 << 62;
    snprintf(detail, sizeof detail, "X of batch*in = %zu floats: its size in bytes overflows size_t", two62);
    expect_bad_shape(serial, (gpucc_dense_shape){two62, 1, 1, GPUCC_ACT_NONE}, detail);
    snprintf(detail, sizeof detail, "W of out*in = %zu floats: its size in bytes overflows size_t", two62);
    expect_bad_shape(serial, (gpucc_dense_shape){1, 1, two62, GPUCC_ACT_NONE}, detail);

    expect_bad_shape(serial, (gpucc_dense_shape){2, 2, 2, GPUCC_ACT_COUNT}, "dense shape 2x2x2: activation 4 is out of range");
    expect_bad_shape(serial, (gpucc_dense_shape){2, 2, 2, (gpucc_activation)-1}, "activation -1 is out of range");

    /* The largest shapes that fit are accepted (nothing is allocated). */
    gpucc_dense_shape ok = {SIZE_MAX / 4, 1, 1, GPUCC_ACT_TANH};
    ck_assert_int_eq(gpucc_dense_shape_check(&ok), GPUCC_OK);
    ok = (gpucc_dense_shape){1, 1, 1, GPUCC_ACT_NONE};
    ck_assert_int_eq(gpucc_dense_shape_check(&ok), GPUCC_OK);
    ck_assert_int_eq(gpucc_dense_shape_check(NULL), GPUCC_E_INVALID);
    gpucc_backend_close(serial);
}
END_TEST

START_TEST(test_invalid_arguments)
{
    gpucc_dense_shape shape = {2, 3, 4, GPUCC_ACT_RELU};
    float x[6] = {1, 2, 3, 4, 5, 6}, w[12] = {0}, b[4] = {1, 2, 3, 4}, y[8];
    gpucc_call_info info;
    gpucc_dense_check check;
    for (size_t i = 0; i < CPU_SPECS; i++) {
        gpucc_backend *be = backends[i];
        ck_assert_int_eq(gpucc_dense(be, NULL, x, w, b, y, &info), GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_dense(be, &shape, NULL, w, b, y, &info), GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_dense(be, &shape, x, NULL, b, y, &info), GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_dense(be, &shape, x, w, NULL, y, &info), GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_dense(be, &shape, x, w, b, NULL, &info), GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_dense(be, &shape, x, w, b, y, NULL), GPUCC_E_INVALID);
        /* Still usable after the rejected calls. */
        ck_assert_int_eq(gpucc_dense(be, &shape, x, w, b, y, &info), GPUCC_OK);
        for (size_t j = 0; j < 8; j++)
            ck_assert(y[j] == b[j % 4]);
    }
    ck_assert_int_eq(gpucc_dense(NULL, &shape, x, w, b, y, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(NULL, x, w, b, y, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(&shape, NULL, w, b, y, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(&shape, x, NULL, b, y, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(&shape, x, w, NULL, y, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(&shape, x, w, b, NULL, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(&shape, x, w, b, y, 0, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify(&shape, x, w, b, y, 0, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
}
END_TEST

/* ---- OpenCL ---- */

/* The OpenCL backend's dense layer with config.dense_impl = kernel, clblast
 * and auto: the same checks as the CPU backends (every activation, small
 * and awkward shapes, canaries, verify and oracle, NaN rows) plus info.impl.
 * Covers OpenCL only through the public API. While the implementation
 * returns GPUCC_E_UNSUPPORTED this prints a note and returns (unless
 * GPUCC_TEST_REQUIRE_OPENCL_DENSE=1); every other failure fails. */
START_TEST(test_opencl_dense)
{
    static const struct {
        int impl;
        const char *label, *expect_impl; /* NULL: either */
    } impls[] = {
        {GPUCC_DENSE_KERNEL, "opencl(kernel)", "kernel"},
        {GPUCC_DENSE_CLBLAST, "opencl(clblast)", "clblast"},
        {GPUCC_DENSE_AUTO, "opencl(auto)", NULL},
    };
    const char *require = getenv("GPUCC_TEST_REQUIRE_OPENCL_DENSE");
    int required = require && strcmp(require, "1") == 0;
    static const gpucc_dense_shape shapes[] = {
        {1, 1, 1, 0}, {1, 64, 10, 0}, {7, 33, 65, 0}, {13, 100, 37, 0}, {64, 128, 96, 0}, {300, 513, 47, 0},
        {256, 1024, 1024, 0},
    };
    for (size_t m = 0; m < COUNT(impls); m++) {
        gpucc_backend_config c;
        memset(&c, 0, sizeof c);
        c.dense_impl = impls[m].impl;
        gpucc_backend *cl = support_open(GPUCC_BACKEND_OPENCL, &c, impls[m].label);
        for (size_t s = 0; s < COUNT(shapes); s++) {
            dense_data d = make_data(shapes[s], 300 + 10 * s);
            size_t n = d.shape.batch * d.shape.out;
            for (size_t a = 0; a < COUNT(all_acts); a++) {
                d.shape.act = all_acts[a];
                char what[160];
                describe(&d.shape, impls[m].label, what, sizeof what);
                support_guarded g = support_guarded_alloc(n, 0);
                gpucc_call_info info;
                gpucc_status st = gpucc_dense(cl, &d.shape, d.x, d.w, d.b, g.out, &info);
                if (st == GPUCC_E_UNSUPPORTED && !required) {
                    fprintf(stderr,
                            "test_opencl_dense: NOTE: %s returns GPUCC_E_UNSUPPORTED (%s); OpenCL dense not "
                            "tested (set GPUCC_TEST_REQUIRE_OPENCL_DENSE=1 to fail instead)\n",
                            what, gpucc_last_error());
                    support_guarded_free(&g);
                    free_data(&d);
                    gpucc_backend_close(cl);
                    return;
                }
                ck_assert_msg(st == GPUCC_OK, "%s: gpucc_dense failed: %s (%s)", what, gpucc_status_name(st),
                              gpucc_last_error());
                support_guarded_check(&g, what);
                ck_assert_msg(info.impl != NULL, "%s: info.impl not set", what);
                if (impls[m].expect_impl)
                    ck_assert_msg(strcmp(info.impl, impls[m].expect_impl) == 0, "%s: info.impl '%s', expected '%s'",
                                  what, info.impl, impls[m].expect_impl);
                if (d.shape.batch * d.shape.in * d.shape.out <= (size_t)1 << 24)
                    assert_correct(&d, g.out, what);
                else { /* the large shape: verify only (the oracle is slow) */
                    gpucc_dense_check check;
                    ck_assert_int_eq(gpucc_dense_verify(&d.shape, d.x, d.w, d.b, g.out, 0, &check), GPUCC_OK);
                    ck_assert_msg(check.bad == 0, "%s: %zu bad, first %zu, max ratio %g", what, check.bad,
                                  check.first_bad, check.max_ratio);
                }
                support_guarded_free(&g);
            }
            free_data(&d);
        }
        /* A NaN in one row of X gives a NaN row of Y. */
        dense_data d = make_data((gpucc_dense_shape){11, 45, 70, GPUCC_ACT_RELU}, 99);
        d.x[6 * d.shape.in + 2] = NAN;
        support_guarded g = support_guarded_alloc(d.shape.batch * d.shape.out, 0);
        run_dense(cl, &d, &g, impls[m].label);
        for (size_t i = 0; i < d.shape.batch * d.shape.out; i++)
            ck_assert_msg(isnan(g.out[i]) == (i / d.shape.out == 6), "%s NaN row: y[%zu] = %g", impls[m].label, i,
                          g.out[i]);
        assert_correct(&d, g.out, impls[m].label);
        support_guarded_free(&g);
        free_data(&d);
        gpucc_backend_close(cl);
    }
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const core[] = {
        test_cpu_shapes,   test_cpu_large,     test_cpu_unaligned,         test_tiled_copies, test_known_values,
        test_nan_propagates, test_verify_catches_errors, test_shape_check, test_invalid_arguments};
    const TTest *const opencl[] = {test_opencl_dense};
    Suite *s = suite_create("dense");
    tcase_add_checked_fixture(support_tcase(s, "core", 300, core, COUNT(core)), open_cpu_backends,
                              close_cpu_backends);
    /* a cold PoCL kernel cache takes a while */
    support_tcase_needing(s, SUPPORT_CLBLAST, "opencl", 300, opencl, COUNT(opencl));
    return s;
}
