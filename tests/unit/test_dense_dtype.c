/* Tests of the dense layer over f16 and bf16 storage (gpucc_dense_typed,
 * gpucc_dense_verify_typed) on the serial, pthreads and OpenCL backends.
 * Every output is checked three ways:
 *  - with gpucc_dense_verify_typed (the library's reference and bound);
 *  - against an oracle written here: a plain double loop over the widened
 *    inputs and the documented bound, the f32 bound plus half an ulp of the
 *    type (2^-11 relative for f16, 2^-8 for bf16) plus its smallest
 *    subnormal;
 *  - bit for bit against the f32 dense layer of the same backend over the
 *    widened inputs, rounded once to the type (the contract: products and
 *    sums in float, one rounding of Y), where that backend computes f32 the
 *    same way (the pthreads backend's batches of 1 and 2 take its
 *    dot-product path in f32 only).
 * Shapes are no multiple of any tile (3x17x5, 33x70x65, more k than one
 * packed panel, more rows than one tile), with every activation. */
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const gpucc_activation all_acts[] = {GPUCC_ACT_NONE, GPUCC_ACT_RELU, GPUCC_ACT_SIGMOID, GPUCC_ACT_TANH};
static const gpucc_dtype half_types[] = {GPUCC_F16, GPUCC_BF16};

/* Odd shapes; 70 x 1100 takes the pthreads tiles through two k blocks of
 * the large panel (a full one and a partial one) and OpenCL through its
 * widened path (batch >= 16). */
static const gpucc_dense_shape shapes[] = {
    {3, 17, 5, 0},  {33, 70, 65, 0}, {1, 1, 1, 0},       {1, 300, 9, 0}, {2, 37, 70, 0},
    {7, 300, 33, 0}, {260, 40, 35, 0}, {70, 1100, 40, 0},
};

/* ---- Backends ---- */

typedef struct {
    const char *label;
    gpucc_backend_kind kind;
    gpucc_backend_config config;
    int same_as_f32_from_batch; /* the f32 layer computes each output as the typed one from this batch on */
} spec;

static const spec specs[] = {
    {"serial", GPUCC_BACKEND_SERIAL, {0}, 1},
    {"pthreads(1)", GPUCC_BACKEND_PTHREADS, {.threads = 1}, 3},
    {"pthreads(3)", GPUCC_BACKEND_PTHREADS, {.threads = 3}, 3},
    {"opencl(kernel)", GPUCC_BACKEND_OPENCL, {.dense_impl = GPUCC_DENSE_KERNEL}, 1},
    {"opencl(kernel, gpu shape, copied)", GPUCC_BACKEND_OPENCL,
     {.dense_impl = GPUCC_DENSE_KERNEL, .shape = GPUCC_SHAPE_GPU, .force_copy = 1}, 1},
};

/* ---- Data ---- */

/* n elements of dtype (free()): bf16 of random sign and magnitude in
 * [2^-10, 2^10) (float's range: no output overflows); f16 uniform in
 * [-1, 1), so that sums of a few hundred products stay well inside f16's
 * range (65504). */
static void *typed_data(gpucc_dtype dtype, size_t n, uint64_t seed)
{
    if (dtype == GPUCC_BF16)
        return support_random_typed(dtype, n, seed, 32);
    uint16_t *x = malloc((n ? n : 1) * sizeof *x);
    float *f = support_uniform_floats(n ? n : 1, seed);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n; i++)
        x[i] = gpucc_float_to_f16(f[i]);
    gpucc_free_floats(f);
    return x;
}

/* The elements of a 16-bit array widened to float (gpucc_alloc_floats). */
static float *widened(gpucc_dtype dtype, const void *x, size_t n)
{
    float *f = gpucc_alloc_floats(n);
    ck_assert_ptr_nonnull(f);
    for (size_t i = 0; i < n; i++)
        f[i] = (float)support_element(dtype, x, i);
    return f;
}

static uint16_t rounded(gpucc_dtype dtype, float v)
{
    return dtype == GPUCC_F16 ? gpucc_float_to_f16(v) : gpucc_float_to_bf16(v);
}

/* X, W and b of one shape and type. */
typedef struct {
    gpucc_dense_shape shape;
    gpucc_dtype dtype;
    uint16_t *x, *w, *b;
} typed_layer;

static typed_layer make_layer(gpucc_dense_shape shape, gpucc_dtype dtype, uint64_t seed)
{
    typed_layer l = {shape, dtype, typed_data(dtype, shape.batch * shape.in, seed),
                     typed_data(dtype, shape.out * shape.in, seed + 1000), typed_data(dtype, shape.out, seed + 2000)};
    return l;
}

static void free_layer(typed_layer *l)
{
    free(l->x);
    free(l->w);
    free(l->b);
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

/* The documented bound's terms of storing in dtype: half an ulp relative,
 * the smallest subnormal, the overflow threshold. */
static void type_terms(gpucc_dtype dtype, double *rel, double *subnormal, double *overflow)
{
    *rel = dtype == GPUCC_F16 ? ldexp(1, -11) : ldexp(1, -8);
    *subnormal = dtype == GPUCC_F16 ? ldexp(1, -24) : ldexp(1, -133);
    *overflow = dtype == GPUCC_F16 ? 65520.0 : ldexp(1, 128) - ldexp(1, 119);
}

/* Outputs of y beyond the documented bound (a plain double loop over the
 * widened inputs); *first gets the first one's index. */
static size_t oracle_check(const typed_layer *l, const uint16_t *y, size_t *first)
{
    const gpucc_dense_shape *s = &l->shape;
    double rel, subnormal, overflow;
    type_terms(l->dtype, &rel, &subnormal, &overflow);
    size_t bad = 0;
    for (size_t r = 0; r < s->batch; r++)
        for (size_t o = 0; o < s->out; o++) {
            double bo = support_element(l->dtype, l->b, o), z = bo, a = fabs(bo);
            for (size_t k = 0; k < s->in; k++) {
                double p = support_element(l->dtype, l->x, r * s->in + k) *
                           support_element(l->dtype, l->w, o * s->in + k);
                z += p;
                a += fabs(p);
            }
            double e = act_double(s->act, z), got = support_element(l->dtype, y, r * s->out + o);
            double bound = 2.0 * (double)s->in * ldexp(1, -24) * a + FLT_MIN;
            if (s->act == GPUCC_ACT_SIGMOID || s->act == GPUCC_ACT_TANH) {
                float ef = fabsf((float)e);
                bound += 4.0 * ((double)nextafterf(ef, INFINITY) - ef);
            }
            bound = bound * (1 + rel) + rel * fabs(e) + subnormal;
            int ok;
            if (isnan(e) || isnan(got))
                ok = isnan(e) && isnan(got);
            else if (isinf(got))
                ok = got == e || (signbit(got) == signbit(e) && fabs(e) + bound >= overflow);
            else
                ok = fabs(got - e) <= bound;
            if (!ok && bad++ == 0)
                *first = r * s->out + o;
        }
    return bad;
}

static void describe(const typed_layer *l, const char *backend, char *buf, size_t size)
{
    snprintf(buf, size, "%s dense %zux%zux%zu act %s on %s", gpucc_dtype_name(l->dtype), l->shape.batch,
             l->shape.in, l->shape.out, gpucc_activation_name(l->shape.act), backend);
}

/* gpucc_dense_verify_typed and the oracle both accept y. */
static void assert_correct(const typed_layer *l, const uint16_t *y, const char *what)
{
    gpucc_dense_check check;
    memset(&check, 0x5a, sizeof check);
    gpucc_status st = gpucc_dense_verify_typed(&l->shape, l->dtype, l->x, l->w, l->b, y, 0, &check);
    ck_assert_msg(st == GPUCC_OK, "%s: gpucc_dense_verify_typed: %s", what, gpucc_last_error());
    ck_assert_msg(check.bad == 0 && check.max_ratio <= 1.0, "%s: %zu outputs beyond the bound, first at %zu, max ratio %g",
                  what, check.bad, check.first_bad, check.max_ratio);
    size_t first = 0, bad = oracle_check(l, y, &first);
    ck_assert_msg(bad == 0, "%s: the test's oracle finds %zu bad outputs, first at %zu (y=%.9g)", what, bad, first,
                  bad ? support_element(l->dtype, y, first) : 0.0);
}

/* y is bit for bit the f32 layer of `backend` over the widened inputs,
 * each output rounded once to the type (NaN: any NaN). */
static void assert_rounded_f32(gpucc_backend *backend, const typed_layer *l, const uint16_t *y, const char *what)
{
    const gpucc_dense_shape *s = &l->shape;
    size_t nx = s->batch * s->in, nw = s->out * s->in, ny = s->batch * s->out;
    float *x = widened(l->dtype, l->x, nx), *w = widened(l->dtype, l->w, nw), *b = widened(l->dtype, l->b, s->out);
    float *yf = gpucc_alloc_floats(ny);
    ck_assert_ptr_nonnull(yf);
    gpucc_call_info info;
    ck_assert_msg(gpucc_dense(backend, s, x, w, b, yf, &info) == GPUCC_OK, "%s (f32): %s", what, gpucc_last_error());
    for (size_t i = 0; i < ny; i++) {
        uint16_t want = rounded(l->dtype, yf[i]);
        int same = isnan(yf[i]) ? isnan(support_element(l->dtype, y, i)) : y[i] == want;
        ck_assert_msg(same, "%s: Y[%zu] = 0x%04x, the f32 layer's %.9g rounded is 0x%04x", what, i, y[i], yf[i], want);
    }
    gpucc_free_floats(x);
    gpucc_free_floats(w);
    gpucc_free_floats(b);
    gpucc_free_floats(yf);
}

/* Runs l on backend into a fresh output, between canaries. */
static uint16_t *run_layer(gpucc_backend *backend, const typed_layer *l, const char *what)
{
    size_t ny = l->shape.batch * l->shape.out;
    /* canaries: 8 elements each side, a pattern no output has (a NaN) */
    uint16_t *raw = malloc((ny + 16) * sizeof *raw);
    ck_assert_ptr_nonnull(raw);
    for (size_t i = 0; i < ny + 16; i++)
        raw[i] = 0x7fa5;
    gpucc_call_info info;
    gpucc_status st = gpucc_dense_typed(backend, &l->shape, l->dtype, l->x, l->w, l->b, raw + 8, &info);
    ck_assert_msg(st == GPUCC_OK, "%s: %s", what, gpucc_last_error());
    for (size_t i = 0; i < 8; i++)
        ck_assert_msg(raw[i] == 0x7fa5 && raw[ny + 8 + i] == 0x7fa5, "%s: a canary around Y was written", what);
    if (gpucc_backend_kind_of(backend) == GPUCC_BACKEND_OPENCL)
        ck_assert_msg(info.impl && strcmp(info.impl, "kernel") == 0, "%s: impl %s, not gpucc's kernel", what,
                      info.impl ? info.impl : "(null)");
    uint16_t *y = malloc((ny ? ny : 1) * sizeof *y);
    ck_assert_ptr_nonnull(y);
    memcpy(y, raw + 8, ny * sizeof *y);
    free(raw);
    return y;
}

/* ---- Tests ---- */

/* Every shape, activation and 16-bit type on every backend: verified, and
 * the rounded f32 layer bit for bit. */
START_TEST(test_every_backend)
{
    for (size_t b = 0; b < COUNT(specs); b++) {
        gpucc_backend *backend = support_open_built(specs[b].kind, &specs[b].config, specs[b].label);
        if (!backend)
            continue;
        for (size_t t = 0; t < COUNT(half_types); t++)
            for (size_t s = 0; s < COUNT(shapes); s++)
                for (size_t a = 0; a < COUNT(all_acts); a++) {
                    gpucc_dense_shape shape = shapes[s];
                    shape.act = all_acts[a];
                    typed_layer l = make_layer(shape, half_types[t], 100 + 10 * s + a);
                    char what[160];
                    describe(&l, specs[b].label, what, sizeof what);
                    uint16_t *y = run_layer(backend, &l, what);
                    assert_correct(&l, y, what);
                    if (shape.batch >= (size_t)specs[b].same_as_f32_from_batch)
                        assert_rounded_f32(backend, &l, y, what);
                    free(y);
                    free_layer(&l);
                }
        gpucc_backend_close(backend);
    }
}
END_TEST

/* The pthreads backend gives the same bits for every thread count (any
 * split of the tiles), batches of 1 and 2 included. */
START_TEST(test_threads_bitwise)
{
    for (size_t t = 0; t < COUNT(half_types); t++)
        for (size_t s = 0; s < COUNT(shapes); s++) {
            typed_layer l = make_layer(shapes[s], half_types[t], 700 + s);
            uint16_t *first = NULL;
            for (unsigned threads = 1; threads <= 4; threads++) {
                gpucc_backend_config config = {.threads = threads};
                gpucc_backend *backend = support_open(GPUCC_BACKEND_PTHREADS, &config, "pthreads");
                char what[160];
                describe(&l, "pthreads", what, sizeof what);
                uint16_t *y = run_layer(backend, &l, what);
                gpucc_backend_close(backend);
                if (!first) {
                    first = y;
                    continue;
                }
                ck_assert_msg(memcmp(y, first, l.shape.batch * l.shape.out * sizeof *y) == 0,
                              "%s: %u threads differ from 1", what, threads);
                free(y);
            }
            free(first);
            free_layer(&l);
        }
}
END_TEST

/* One gpucc_dense_typed call, made on a thread of its own. */
typedef struct {
    gpucc_backend *backend;
    const typed_layer *l;
    uint16_t *y;
    gpucc_status status;
} thread_call;

static void *dense_on_thread(void *arg)
{
    thread_call *c = arg;
    gpucc_call_info info;
    c->status = gpucc_dense_typed(c->backend, &c->l->shape, c->l->dtype, c->l->x, c->l->w, c->l->b, c->y, &info);
    return NULL;
}

/* Enough for the call on a thread with a small stack, musl's default of
 * 128 KiB: a pthreads backend of one thread runs every tile on the calling
 * thread, and the tiles keep their panels and float buffers (288 KiB with
 * AVX-512) in the backend's scratch, not on the stack. A shape with 64 rows
 * or more per tile and more than 1024 inputs, so that the large panels run. */
START_TEST(test_small_stack)
{
    enum { SMALL_STACK = 128 * 1024 };
    gpucc_backend_config config = {.threads = 1};
    gpucc_backend *backend = support_open(GPUCC_BACKEND_PTHREADS, &config, "pthreads(1)");
    for (size_t t = 0; t < COUNT(half_types); t++) {
        gpucc_dense_shape shape = {70, 1100, 40, GPUCC_ACT_TANH};
        typed_layer l = make_layer(shape, half_types[t], 1500 + t);
        thread_call c = {backend, &l, malloc(shape.batch * shape.out * sizeof(uint16_t)), GPUCC_E_INVALID};
        ck_assert_ptr_nonnull(c.y);
        pthread_attr_t attr;
        pthread_t thread;
        ck_assert_int_eq(pthread_attr_init(&attr), 0);
        ck_assert_int_eq(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
        ck_assert_int_eq(pthread_create(&thread, &attr, dense_on_thread, &c), 0);
        ck_assert_int_eq(pthread_join(thread, NULL), 0);
        pthread_attr_destroy(&attr);
        char what[160];
        describe(&l, "pthreads(1) on a 128 KiB stack", what, sizeof what);
        ck_assert_msg(c.status == GPUCC_OK, "%s: %s", what, gpucc_status_name(c.status));
        assert_correct(&l, c.y, what);
        free(c.y);
        free_layer(&l);
    }
    gpucc_backend_close(backend);
}
END_TEST

/* A deliberately wrong output is caught: 4 ulps of the type off, or NaN. */
START_TEST(test_wrong_output_caught)
{
    gpucc_backend *backend = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    for (size_t t = 0; t < COUNT(half_types); t++) {
        gpucc_dense_shape shape = {33, 70, 65, GPUCC_ACT_NONE};
        typed_layer l = make_layer(shape, half_types[t], 900);
        uint16_t *y = run_layer(backend, &l, "wrong output");
        size_t victim = 5 * 65 + 17;
        const uint16_t wrong[] = {(uint16_t)(y[victim] + 4), (uint16_t)(y[victim] - 4),
                                  (uint16_t)(half_types[t] == GPUCC_F16 ? 0x7e00 : 0x7fc0)};
        uint16_t right = y[victim];
        for (size_t v = 0; v < COUNT(wrong); v++) {
            y[victim] = wrong[v];
            gpucc_dense_check check;
            ck_assert_int_eq(gpucc_dense_verify_typed(&l.shape, l.dtype, l.x, l.w, l.b, y, 0, &check), GPUCC_OK);
            ck_assert_msg(check.bad == 1 && check.first_bad == victim && check.max_ratio > 1.0,
                          "%s: Y[%zu] = 0x%04x instead of 0x%04x: %zu bad, first %zu, max ratio %g",
                          gpucc_dtype_name(l.dtype), victim, wrong[v], right, check.bad, check.first_bad,
                          check.max_ratio);
        }
        free(y);
        free_layer(&l);
    }
    gpucc_backend_close(backend);
}
END_TEST

/* NaN in a row of X makes that row NaN; an infinity in W makes a column
 * infinite or NaN; f16 outputs beyond 65504 become infinity. All verify. */
START_TEST(test_special_values)
{
    for (size_t b = 0; b < COUNT(specs); b++) {
        gpucc_backend *backend = support_open_built(specs[b].kind, &specs[b].config, specs[b].label);
        if (!backend)
            continue;
        for (size_t t = 0; t < COUNT(half_types); t++) {
            gpucc_dtype dtype = half_types[t];
            int f16 = dtype == GPUCC_F16;
            gpucc_dense_shape shape = {9, 40, 11, GPUCC_ACT_NONE};
            typed_layer l = make_layer(shape, dtype, 1200);
            l.x[2 * 40 + 7] = f16 ? 0x7e00 : 0x7fc0;   /* NaN */
            l.w[4 * 40 + 3] = f16 ? 0x7c00 : 0x7f80;   /* +inf */
            char what[160];
            describe(&l, specs[b].label, what, sizeof what);
            uint16_t *y = run_layer(backend, &l, what);
            assert_correct(&l, y, what);
            for (size_t o = 0; o < shape.out; o++)
                ck_assert_msg(isnan(support_element(dtype, y, 2 * shape.out + o)), "%s: Y[2][%zu] is not NaN", what, o);
            ck_assert_msg(isinf(support_element(dtype, y, 0 * shape.out + 4)) ||
                              isnan(support_element(dtype, y, 0 * shape.out + 4)),
                          "%s: Y[0][4] is finite", what);
            free(y);
            free_layer(&l);
        }
        /* f16 overflow: every product 2^8 * 2^8, 40 of them: 2^22 > 65504 */
        gpucc_dense_shape shape = {3, 40, 5, GPUCC_ACT_NONE};
        typed_layer l = make_layer(shape, GPUCC_F16, 1300);
        for (size_t i = 0; i < 3 * 40; i++)
            l.x[i] = 0x5c00; /* 256 */
        for (size_t i = 0; i < 5 * 40; i++)
            l.w[i] = i % 40 == 0 ? 0xdc00 : 0x5c00; /* -256 once per row */
        char what[160];
        describe(&l, specs[b].label, what, sizeof what);
        uint16_t *y = run_layer(backend, &l, what);
        assert_correct(&l, y, what);
        for (size_t i = 0; i < 15; i++)
            ck_assert_msg(y[i] == 0x7c00, "%s: Y[%zu] = 0x%04x, not +inf", what, i, y[i]);
        free(y);
        free_layer(&l);
        gpucc_backend_close(backend);
    }
}
END_TEST

/* f64 and i32 are refused with a reason; a dtype out of range and NULL
 * arrays are invalid. */
START_TEST(test_other_types_refused)
{
    gpucc_backend *backend = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    gpucc_dense_shape shape = {2, 3, 4, GPUCC_ACT_NONE};
    double buf[64] = {0};
    gpucc_call_info info;
    gpucc_dense_check check;
    const gpucc_dtype refused[] = {GPUCC_F64, GPUCC_I32};
    for (size_t i = 0; i < COUNT(refused); i++) {
        ck_assert_int_eq(gpucc_dense_typed(backend, &shape, refused[i], buf, buf, buf, buf + 32, &info),
                         GPUCC_E_UNSUPPORTED);
        ck_assert_msg(strstr(gpucc_last_error(), gpucc_dtype_name(refused[i])), "reason: %s", gpucc_last_error());
        ck_assert_int_eq(gpucc_dense_verify_typed(&shape, refused[i], buf, buf, buf, buf, 0, &check),
                         GPUCC_E_UNSUPPORTED);
    }
    ck_assert_int_eq(gpucc_dense_typed(backend, &shape, GPUCC_DTYPE_COUNT, buf, buf, buf, buf + 32, &info),
                     GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify_typed(&shape, (gpucc_dtype)-1, buf, buf, buf, buf, 0, &check),
                     GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_typed(backend, &shape, GPUCC_F16, NULL, buf, buf, buf + 32, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_typed(backend, &shape, GPUCC_F16, buf, buf, buf, NULL, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify_typed(&shape, GPUCC_BF16, buf, NULL, buf, buf, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_dense_verify_typed(NULL, GPUCC_BF16, buf, buf, buf, buf, 0, &check), GPUCC_E_INVALID);
    gpucc_backend_close(backend);
}
END_TEST

/* On OpenCL, asking for CLBlast still runs gpucc's kernel for f16 and bf16
 * (CLBlast has no bf16; its half GEMM needs cl_khr_fp16). */
START_TEST(test_opencl_clblast_asked)
{
    gpucc_backend_config config = {.dense_impl = GPUCC_DENSE_CLBLAST};
    gpucc_backend *backend = support_open(GPUCC_BACKEND_OPENCL, &config, "opencl(clblast)");
    for (size_t t = 0; t < COUNT(half_types); t++) {
        gpucc_dense_shape shape = {33, 70, 65, GPUCC_ACT_RELU};
        typed_layer l = make_layer(shape, half_types[t], 1400);
        uint16_t *y = run_layer(backend, &l, "opencl(clblast)"); /* asserts impl "kernel" */
        assert_correct(&l, y, "opencl(clblast)");
        free(y);
        free_layer(&l);
    }
    gpucc_backend_close(backend);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const every_backend[] = {test_every_backend, test_special_values};
    const TTest *const cpu[] = {test_threads_bitwise, test_small_stack, test_wrong_output_caught,
                                test_other_types_refused};
    const TTest *const clblast[] = {test_opencl_clblast_asked};
    Suite *s = suite_create("dense_dtype");
    support_tcase_mixed(s, "every_backend", 120, every_backend, COUNT(every_backend));
    support_tcase(s, "cpu", 0, cpu, COUNT(cpu));
    support_tcase_needing(s, SUPPORT_CLBLAST, "clblast", 0, clblast, COUNT(clblast));
    return s;
}
