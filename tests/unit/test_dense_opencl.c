/* Tests of the OpenCL dense layer Y = act(X W^T + b) (host/opencl-dense.c,
 * kernels/dense.cl): gpucc's kernel, CLBlast and auto, on PoCL here.
 *
 * Every result is checked against a plain double-precision reference
 * written here, with the standard bound per output
 *     |y - act(z)| <= 2 * in * 2^-24 * (sum_k |x_k||w_k| + |b|)  (+ 4 ulps
 * of act(z) for sigmoid and tanh), z = X W^T + b in double,
 * and, once gpucc_dense_verify is implemented (host/dense-verify.c), also by
 * it. Every Y lies between 64 guard floats on each side that must survive,
 * and starts as NaN so that an unwritten output shows.
 *
 * CLBlast compiles its kernels on first use (about 9 s on PoCL with a cold
 * cache) and Check forks one process per test, so each test opens one
 * backend per implementation it needs and runs many shapes through it. */
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    size_t batch, in, out;
} dims;

/* The small shapes: a single element, batch 1, primes, k below and above
 * one float16, edge tiles in both directions. */
static const dims small_shapes[] = {{1, 1, 1}, {1, 64, 10}, {7, 33, 65}, {13, 100, 37}, {64, 128, 96}};
static const dims big_shape = {256, 1024, 1024};

/* ---- Reference ---- */

static double act_ref(gpucc_activation act, double z)
{
    switch (act) {
    case GPUCC_ACT_RELU: return z < 0 ? 0 : z;
    case GPUCC_ACT_SIGMOID: return 1.0 / (1.0 + exp(-z));
    case GPUCC_ACT_TANH: return tanh(z);
    default: return z;
    }
}

static double ulp_of(double v)
{
    float f = fabsf((float)v);
    return (double)nextafterf(f, INFINITY) - (double)f;
}

/* Worst |y - ref| / bound over Y; fails the test at the first output beyond
 * its bound. Where the reference is NaN or infinite, y must be the same. */
static double check_against_reference(const dims *d, gpucc_activation act, const float *x, const float *w,
                                      const float *b, const float *y, const char *what)
{
    double worst = 0;
    for (size_t r = 0; r < d->batch; r++) {
        for (size_t o = 0; o < d->out; o++) {
            double z = b[o], mag = fabs((double)b[o]);
            for (size_t k = 0; k < d->in; k++) {
                double p = (double)x[r * d->in + k] * (double)w[o * d->in + k];
                z += p;
                mag += fabs(p);
            }
            double want = act_ref(act, z), got = y[r * d->out + o];
            if (isnan(want) || isnan(got) || isinf(want)) {
                ck_assert_msg(isnan(want) ? isnan(got) : got == want, "%s: Y[%zu][%zu] = %g, want %g", what, r, o,
                              got, want);
                continue;
            }
            double bound = 2.0 * (double)d->in * 0x1p-24 * mag;
            if (act == GPUCC_ACT_SIGMOID || act == GPUCC_ACT_TANH)
                bound += 4 * ulp_of(want);
            if (bound == 0)
                bound = 0x1p-149; /* exact zero wanted: any error shows */
            double ratio = fabs(got - want) / bound;
            ck_assert_msg(ratio <= 1.0, "%s: Y[%zu][%zu] = %.9g, want %.9g (error %.3g x the bound)", what, r, o,
                          got, want, ratio);
            if (ratio > worst)
                worst = ratio;
        }
    }
    return worst;
}

/* gpucc_dense_verify, where it is implemented (it is a stub returning
 * GPUCC_E_UNSUPPORTED until host/dense-verify.c lands). */
static void check_with_library(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                               const float *y, const char *what)
{
    gpucc_dense_check check;
    memset(&check, 0, sizeof check);
    gpucc_status st = gpucc_dense_verify(shape, x, w, b, y, 0, &check);
    if (st == GPUCC_E_UNSUPPORTED)
        return;
    ck_assert_msg(st == GPUCC_OK, "%s: gpucc_dense_verify: %s", what, gpucc_last_error());
    ck_assert_msg(check.bad == 0, "%s: gpucc_dense_verify: %zu bad outputs, first %zu, worst %.3g x the bound", what,
                  check.bad, check.first_bad, check.max_ratio);
}

/* ---- Running ---- */

/* Whether the default OpenCL device (first GPU, else first CPU: see
 * gpucc_backend_config.device) shares host memory, so that calls without
 * force_copy are zero-copy. PoCL here: yes; a discrete GPU: no. */
static int default_device_copies(void)
{
    static int copies = -1;
    if (copies >= 0)
        return copies;
    gpucc_cl_device_info *devices = NULL;
    size_t count = 0;
    gpucc_status st = gpucc_cl_list_devices(&devices, &count);
    ck_assert_msg(st == GPUCC_OK && count > 0, "no OpenCL device: %s", gpucc_last_error());
    size_t pick = count;
    for (size_t i = 0; i < count && pick == count; i++)
        if (strcmp(devices[i].type, "gpu") == 0)
            pick = i;
    for (size_t i = 0; i < count && pick == count; i++)
        if (strcmp(devices[i].type, "cpu") == 0)
            pick = i;
    copies = !devices[pick == count ? 0 : pick].unified_memory;
    free(devices);
    return copies;
}

/* Counts the notices that mention CLBlast; each states how long CLBlast's
 * compilation took (never a guess made before it). */
static void count_notice(void *ctx, const char *message)
{
    if (strstr(message, "CLBlast")) {
        ck_assert_msg(strstr(message, " took ") != NULL, "a notice without a measured time: %s", message);
        (*(int *)ctx)++;
    }
}

static gpucc_backend *open_shaped(int impl, int shape, int force_copy, uint64_t max_alloc, int *notices)
{
    gpucc_backend_config c;
    memset(&c, 0, sizeof c);
    c.shape = shape;
    c.dense_impl = impl;
    c.force_copy = force_copy;
    c.max_alloc = max_alloc;
    if (notices) {
        c.notice = count_notice;
        c.notice_ctx = notices;
    }
    return support_open(GPUCC_BACKEND_OPENCL, &c, "opencl");
}

static gpucc_backend *open_dense(int impl, int force_copy, uint64_t max_alloc, int *notices)
{
    return open_shaped(impl, GPUCC_SHAPE_AUTO, force_copy, max_alloc, notices);
}

/* One problem: inputs, a guarded Y, and the shape. */
typedef struct {
    dims d;
    float *x, *w, *b;
    support_guarded y;
} problem;

static problem problem_make(dims d, uint64_t seed)
{
    problem p = {d, support_uniform_floats(d.batch * d.in, seed), support_uniform_floats(d.out * d.in, seed + 1),
                 support_uniform_floats(d.out, seed + 2), support_guarded_alloc(d.batch * d.out, 0)};
    return p;
}

static void problem_free(problem *p)
{
    gpucc_free_floats(p->x);
    gpucc_free_floats(p->w);
    gpucc_free_floats(p->b);
    support_guarded_free(&p->y);
}

/* Runs one call into p's guarded Y, checks the status, the guards, the
 * implementation it reports (want_impl, or NULL for either), the flags and
 * the timing, and returns its info. copied: force_copy is set (the default
 * device may copy anyway). */
static gpucc_call_info run_dense(gpucc_backend *backend, problem *p, gpucc_activation act, const char *want_impl,
                                 int copied, const char *what)
{
    gpucc_dense_shape shape = {p->d.batch, p->d.in, p->d.out, act};
    gpucc_call_info info;
    memset(&info, 0x5a, sizeof info);
    support_guarded_poison(&p->y);
    gpucc_status st = gpucc_dense(backend, &shape, p->x, p->w, p->b, p->y.out, &info);
    ck_assert_msg(st == GPUCC_OK, "%s: %s (%s)", what, gpucc_status_name(st), gpucc_last_error());
    support_guarded_check(&p->y, what);
    ck_assert_ptr_nonnull(info.impl);
    if (want_impl)
        ck_assert_msg(strcmp(info.impl, want_impl) == 0, "%s: impl '%s', want '%s'", what, info.impl, want_impl);
    else
        ck_assert_msg(strcmp(info.impl, "kernel") == 0 || strcmp(info.impl, "clblast") == 0, "%s: impl '%s'",
                      what, info.impl);
    copied = copied || default_device_copies();
    ck_assert_msg(((info.flags & GPUCC_RESULT_COPIED) != 0) == (copied != 0), "%s: flags %#x", what, info.flags);
    ck_assert_msg(info.timing.kernel_ms > 0 && info.timing.total_ms >= info.timing.kernel_ms * 0.5 &&
                      info.timing.transfer_ms >= 0 && (copied || info.timing.transfer_ms == 0),
                  "%s: timing total %g kernel %g transfer %g ms", what, info.timing.total_ms, info.timing.kernel_ms,
                  info.timing.transfer_ms);
    return info;
}

static void describe(char *buf, size_t size, const char *label, const dims *d, gpucc_activation act)
{
    snprintf(buf, size, "%s %zux%zux%zu %s", label, d->batch, d->in, d->out, gpucc_activation_name(act));
}

/* Every small shape with every activation, then the big shape once (with
 * relu), through one backend; returns nothing but fails on any error. */
static void run_all_shapes(gpucc_backend *backend, const char *label, const char *want_impl, int copied)
{
    char what[160];
    for (size_t i = 0; i < COUNT(small_shapes); i++) {
        problem p = problem_make(small_shapes[i], 1000 + 10 * i);
        for (int act = 0; act < GPUCC_ACT_COUNT; act++) {
            describe(what, sizeof what, label, &p.d, (gpucc_activation)act);
            run_dense(backend, &p, (gpucc_activation)act, want_impl, copied, what);
            check_against_reference(&p.d, (gpucc_activation)act, p.x, p.w, p.b, p.y.out, what);
            gpucc_dense_shape shape = {p.d.batch, p.d.in, p.d.out, (gpucc_activation)act};
            check_with_library(&shape, p.x, p.w, p.b, p.y.out, what);
        }
        problem_free(&p);
    }
    problem p = problem_make(big_shape, 77);
    describe(what, sizeof what, label, &p.d, GPUCC_ACT_RELU);
    run_dense(backend, &p, GPUCC_ACT_RELU, want_impl, copied, what);
    check_against_reference(&p.d, GPUCC_ACT_RELU, p.x, p.w, p.b, p.y.out, what);
    gpucc_dense_shape shape = {p.d.batch, p.d.in, p.d.out, GPUCC_ACT_RELU};
    check_with_library(&shape, p.x, p.w, p.b, p.y.out, what);
    problem_free(&p);
}

/* A NaN in row r of X makes all of row r of Y NaN (for every activation:
 * relu, sigmoid and tanh pass NaN through) and leaves the other rows
 * correct. One infinity in another row makes that row's sums +-inf (the
 * sign of its weight), which each activation maps as the reference does. */
static void check_nan_rows(gpucc_backend *backend, const char *label, const char *want_impl)
{
    const dims shapes[] = {{7, 33, 65}, {9, 100, 13}, {1, 40, 17}};
    char what[160];
    for (size_t i = 0; i < COUNT(shapes); i++) {
        problem p = problem_make(shapes[i], 500 + i);
        size_t nan_row = p.d.batch / 2, inf_row = p.d.batch - 1;
        p.x[nan_row * p.d.in + p.d.in - 1] = NAN; /* in the scalar remainder (in % 16 != 0) */
        if (p.d.in > 16)
            p.x[nan_row * p.d.in + 3] = NAN; /* and in the vector part */
        if (inf_row != nan_row)
            p.x[inf_row * p.d.in + p.d.in / 2] = INFINITY;
        for (int act = 0; act < GPUCC_ACT_COUNT; act++) {
            describe(what, sizeof what, label, &p.d, (gpucc_activation)act);
            strncat(what, " NaN row", sizeof what - strlen(what) - 1);
            run_dense(backend, &p, (gpucc_activation)act, want_impl, 0, what);
            for (size_t o = 0; o < p.d.out; o++)
                ck_assert_msg(isnan(p.y.out[nan_row * p.d.out + o]), "%s: Y[%zu][%zu] = %g, not NaN", what, nan_row,
                              o, p.y.out[nan_row * p.d.out + o]);
            /* The other rows, the infinite row included. */
            check_against_reference(&p.d, (gpucc_activation)act, p.x, p.w, p.b, p.y.out, what);
        }
        problem_free(&p);
    }
}

/* ---- Tests ---- */

START_TEST(test_kernel_shapes)
{
    gpucc_backend *backend = open_dense(GPUCC_DENSE_KERNEL, 0, 0, NULL);
    run_all_shapes(backend, "kernel", "kernel", 0);
    check_nan_rows(backend, "kernel", "kernel");
    gpucc_backend_close(backend);
}
END_TEST

/* CLBlast on every shape; the notice about its compilation comes at most
 * once, with the first call, and only if that compilation took a second or
 * more (likely with a cold kernel cache, not with a warm one); its results
 * agree with gpucc's kernel's within twice the bound (each is within the
 * bound of the exact result). */
START_TEST(test_clblast_shapes_and_agreement)
{
    int notices = 0;
    gpucc_backend *blas = open_dense(GPUCC_DENSE_CLBLAST, 0, 0, &notices);
    ck_assert_int_eq(notices, 0);
    run_all_shapes(blas, "clblast", "clblast", 0);
    int after_first_calls = notices;
    ck_assert_int_le(after_first_calls, 1);
    check_nan_rows(blas, "clblast", "clblast");
    ck_assert_int_eq(notices, after_first_calls);

    gpucc_backend *own = open_dense(GPUCC_DENSE_KERNEL, 0, 0, NULL);
    const dims shapes[] = {{7, 33, 65}, {64, 128, 96}, {256, 1024, 1024}};
    char what[160];
    for (size_t i = 0; i < COUNT(shapes); i++) {
        problem p = problem_make(shapes[i], 300 + i);
        float *first = malloc(p.d.batch * p.d.out * sizeof *first);
        ck_assert_ptr_nonnull(first);
        describe(what, sizeof what, "agreement", &p.d, GPUCC_ACT_TANH);
        run_dense(own, &p, GPUCC_ACT_TANH, "kernel", 0, what);
        memcpy(first, p.y.out, p.d.batch * p.d.out * sizeof *first);
        run_dense(blas, &p, GPUCC_ACT_TANH, "clblast", 0, what);
        for (size_t r = 0; r < p.d.batch; r++)
            for (size_t o = 0; o < p.d.out; o++) {
                double mag = fabs((double)p.b[o]);
                for (size_t k = 0; k < p.d.in; k++)
                    mag += fabs((double)p.x[r * p.d.in + k] * p.w[o * p.d.in + k]);
                double want = first[r * p.d.out + o], got = p.y.out[r * p.d.out + o];
                double bound = 2 * (2.0 * (double)p.d.in * 0x1p-24 * mag + 4 * ulp_of(want));
                ck_assert_msg(fabs(got - want) <= bound, "%s: Y[%zu][%zu] kernel %.9g, clblast %.9g", what, r, o,
                              want, got);
            }
        free(first);
        problem_free(&p);
    }
    gpucc_backend_close(own);
    gpucc_backend_close(blas);
}
END_TEST

/* auto runs both on a new shape, then keeps to its choice for that shape. */
START_TEST(test_auto)
{
    int notices = 0;
    gpucc_backend *backend = open_dense(GPUCC_DENSE_AUTO, 0, 0, &notices);
    run_all_shapes(backend, "auto", NULL, 0);
    ck_assert_int_le(notices, 1);
    char what[160];
    for (size_t i = 0; i < COUNT(small_shapes); i++) {
        problem p = problem_make(small_shapes[i], 2000 + i);
        describe(what, sizeof what, "auto again", &p.d, GPUCC_ACT_SIGMOID);
        gpucc_call_info first = run_dense(backend, &p, GPUCC_ACT_SIGMOID, NULL, 0, what);
        check_against_reference(&p.d, GPUCC_ACT_SIGMOID, p.x, p.w, p.b, p.y.out, what);
        for (int again = 0; again < 3; again++) {
            run_dense(backend, &p, GPUCC_ACT_SIGMOID, first.impl, 0, what);
            check_against_reference(&p.d, GPUCC_ACT_SIGMOID, p.x, p.w, p.b, p.y.out, what);
        }
        problem_free(&p);
    }
    /* More shapes than the cache holds: choices are remade, never wrong. */
    for (size_t n = 1; n <= 20; n++) {
        dims d = {n, 5, 3};
        problem p = problem_make(d, 3000 + n);
        describe(what, sizeof what, "auto many shapes", &p.d, GPUCC_ACT_NONE);
        run_dense(backend, &p, GPUCC_ACT_NONE, NULL, 0, what);
        check_against_reference(&p.d, GPUCC_ACT_NONE, p.x, p.w, p.b, p.y.out, what);
        problem_free(&p);
    }
    check_nan_rows(backend, "auto", NULL);
    gpucc_backend_close(backend);
}
END_TEST

/* force_copy: device buffers, writes and reads (the discrete-GPU path), for
 * each implementation, with the transfers timed. */
START_TEST(test_force_copy)
{
    gpucc_backend *blas = open_dense(GPUCC_DENSE_CLBLAST, 1, 0, NULL);
    run_all_shapes(blas, "clblast copy", "clblast", 1);
    gpucc_backend *own = open_dense(GPUCC_DENSE_KERNEL, 1, 0, NULL);
    run_all_shapes(own, "kernel copy", "kernel", 1);
    problem p = problem_make(small_shapes[2], 4000);
    for (int i = 0; i < 2; i++) {
        const char *what = i ? "clblast copy" : "kernel copy";
        gpucc_call_info info = run_dense(i ? blas : own, &p, GPUCC_ACT_RELU, i ? "clblast" : "kernel", 1, what);
        ck_assert_msg(info.timing.transfer_ms > 0, "%s: transfer_ms %g", what, info.timing.transfer_ms);
        check_against_reference(&p.d, GPUCC_ACT_RELU, p.x, p.w, p.b, p.y.out, what);
    }
    problem_free(&p);
    gpucc_backend_close(own);
    gpucc_backend_close(blas);
}
END_TEST

/* The launch configuration for GPUs (work-groups of 4x16 and 1x64 items
 * for the kernel, 256 for the bias kernel after CLBlast), forced on
 * whatever device this is. */
START_TEST(test_gpu_launch_shape)
{
    gpucc_backend *own = open_shaped(GPUCC_DENSE_KERNEL, GPUCC_SHAPE_GPU, 0, 0, NULL);
    gpucc_backend *blas = open_shaped(GPUCC_DENSE_CLBLAST, GPUCC_SHAPE_GPU, 0, 0, NULL);
    char what[160];
    for (size_t i = 0; i < COUNT(small_shapes); i++) {
        problem p = problem_make(small_shapes[i], 6000 + 10 * i);
        for (int act = 0; act < GPUCC_ACT_COUNT; act++)
            for (int which = 0; which < 2; which++) {
                describe(what, sizeof what, which ? "gpu-shaped clblast" : "gpu-shaped kernel", &p.d,
                         (gpucc_activation)act);
                run_dense(which ? blas : own, &p, (gpucc_activation)act, which ? "clblast" : "kernel", 0, what);
                check_against_reference(&p.d, (gpucc_activation)act, p.x, p.w, p.b, p.y.out, what);
            }
        problem_free(&p);
    }
    check_nan_rows(own, "gpu-shaped kernel", "kernel");
    check_nan_rows(blas, "gpu-shaped clblast", "clblast");
    gpucc_backend_close(blas);
    gpucc_backend_close(own);
}
END_TEST

/* Arrays beyond one device allocation are out of scope: GPUCC_E_UNSUPPORTED
 * with a detail, nothing written; a shape that fits still runs. */
START_TEST(test_too_large_for_one_buffer)
{
    /* 16 KiB: the smallest limit the reduction accepts (one block). */
    gpucc_backend *backend = open_dense(GPUCC_DENSE_KERNEL, 0, 16384, NULL);
    problem p = problem_make((dims){4, 1100, 2}, 5000); /* X is 17600 bytes */
    gpucc_dense_shape shape = {4, 1100, 2, GPUCC_ACT_NONE};
    gpucc_call_info info;
    support_guarded_poison(&p.y);
    gpucc_status st = gpucc_dense(backend, &shape, p.x, p.w, p.b, p.y.out, &info);
    ck_assert_int_eq(st, GPUCC_E_UNSUPPORTED);
    ck_assert_msg(strstr(gpucc_last_error(), "allocation") != NULL, "detail: %s", gpucc_last_error());
    support_guarded_check(&p.y, "too large");
    ck_assert(isnan(p.y.out[0]));
    problem_free(&p);
    p = problem_make((dims){4, 1000, 2}, 5001); /* 16000 bytes: fits */
    run_dense(backend, &p, GPUCC_ACT_NONE, "kernel", 0, "fits");
    check_against_reference(&p.d, GPUCC_ACT_NONE, p.x, p.w, p.b, p.y.out, "fits");
    problem_free(&p);
    gpucc_backend_close(backend);
}
END_TEST

/* Inputs not aligned to a page (zero-copy wraps them anyway) and exact
 * results on integer data, where every order of summation is exact. */
START_TEST(test_unaligned_and_exact)
{
    gpucc_backend *backend = open_dense(GPUCC_DENSE_KERNEL, 0, 0, NULL);
    dims d = {5, 37, 11};
    float *x = gpucc_alloc_floats(d.batch * d.in + 1), *w = gpucc_alloc_floats(d.out * d.in + 3);
    float *b = gpucc_alloc_floats(d.out + 1);
    ck_assert(x && w && b);
    float *xu = x + 1, *wu = w + 3, *bu = b + 1;
    for (size_t i = 0; i < d.batch * d.in; i++)
        xu[i] = (float)((int)(i % 7) - 3);
    for (size_t i = 0; i < d.out * d.in; i++)
        wu[i] = (float)((int)(i % 5) - 2);
    for (size_t i = 0; i < d.out; i++)
        bu[i] = (float)i;
    support_guarded y = support_guarded_alloc(d.batch * d.out, 0);
    gpucc_dense_shape shape = {d.batch, d.in, d.out, GPUCC_ACT_NONE};
    gpucc_call_info info;
    gpucc_status st = gpucc_dense(backend, &shape, xu, wu, bu, y.out, &info);
    ck_assert_msg(st == GPUCC_OK, "%s", gpucc_last_error());
    support_guarded_check(&y, "unaligned");
    for (size_t r = 0; r < d.batch; r++)
        for (size_t o = 0; o < d.out; o++) {
            double z = bu[o];
            for (size_t k = 0; k < d.in; k++)
                z += (double)xu[r * d.in + k] * wu[o * d.in + k];
            ck_assert_msg(y.out[r * d.out + o] == (float)z, "Y[%zu][%zu] = %g, want %g", r, o, y.out[r * d.out + o],
                          z);
        }
    gpucc_free_floats(x);
    gpucc_free_floats(w);
    gpucc_free_floats(b);
    support_guarded_free(&y);
    gpucc_backend_close(backend);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const core[] = {
        test_kernel_shapes, test_clblast_shapes_and_agreement, test_auto, test_force_copy, test_gpu_launch_shape,
        test_too_large_for_one_buffer, test_unaligned_and_exact};
    Suite *s = suite_create("dense_opencl");
    support_tcase(s, "core", 300, core, COUNT(core)); /* CLBlast's first compilation, a cold PoCL cache */
    return s;
}
