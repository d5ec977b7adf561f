/* Integration tests of gpucc_map and gpucc_map_verify: every function on
 * every backend (serial; pthreads at 1, 2 and 3 threads; OpenCL zero-copy,
 * copied, and chunked both ways through a tiny allocation limit, with the
 * cpu-shaped kernels PoCL gets and the gpu-shaped ones), plain and on the
 * streaming paths (outputs on a cache line and off one), checked
 *  - against the double-precision reference (gpucc_map_verify, bad == 0);
 *  - bitwise against the serial backend: every function on the CPU
 *    backends (they run the same routine), square and relu on OpenCL (one
 *    correctly rounded operation, or none);
 *  - for special values (NaN, infinities, signed zeros, large |x|,
 *    subnormals) against the exact results the header of
 *    kernels/gpucc-map.h promises;
 *  - for writes outside out[0..n): 64 guard floats on each side of every
 *    output hold a bit pattern that must survive every call, and out is
 *    filled with a NaN pattern before each call, so that an unwritten
 *    element fails verification.
 * Also the verifier itself (it must catch a 2-ulp error and report the
 * first bad index, accept an FMA's saxpy under cancellation, flushed
 * subnormals) and the copy-bandwidth yardstick.
 *
 * OpenCL backends are opened inside each test (Check forks one process per
 * test; OpenCL must not be initialised before the fork). A build without
 * OpenCL runs every test on the CPU backends only (support_tcase_mixed). */
#include "cpu/cpu-kernels.h" /* gpucci_cpu_map_range: both store paths */
#include "cpuinfo.h"         /* gpucci_assume_last_level_cache: the streaming paths at small sizes */
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    CHUNK_BYTES = 16384,       /* smallest allocation limit: one 4096-float block */
    CHUNK_FLOATS = CHUNK_BYTES / 4,
};

static const size_t awkward_sizes[] = {1, 2, 15, 16, 17, 255, 257, 4097, 65537, 1000003};

static const gpucc_map_fn all_fns[] = {GPUCC_MAP_SQUARE,  GPUCC_MAP_SAXPY, GPUCC_MAP_RELU,
                                       GPUCC_MAP_SIGMOID, GPUCC_MAP_TANH,  GPUCC_MAP_EXP};

/* Equal bits, or both NaN. */
static int same_value(float a, float b)
{
    return isnan(a) ? isnan(b) : support_bits_of(a) == support_bits_of(b);
}

/* ---- Backends ---- */

typedef struct {
    gpucc_backend_kind kind;
    unsigned threads;
    uint64_t max_alloc;
    int force_copy;
    int gpu_shape; /* OpenCL: the GPU's kernels (one work-item per element) on PoCL too */
} spec;

static const spec all_specs[] = {
    {GPUCC_BACKEND_SERIAL, 0, 0, 0, 0},
    {GPUCC_BACKEND_PTHREADS, 1, 0, 0, 0},
    {GPUCC_BACKEND_PTHREADS, 2, 0, 0, 0},
    {GPUCC_BACKEND_PTHREADS, 3, 0, 0, 0},
    {GPUCC_BACKEND_OPENCL, 0, 0, 0, 0},                  /* zero-copy on PoCL, cpu-shaped kernels */
    {GPUCC_BACKEND_OPENCL, 0, 0, 1, 0},                  /* device buffers */
    {GPUCC_BACKEND_OPENCL, 0, CHUNK_BYTES, 0, 0},        /* chunked, zero-copy */
    {GPUCC_BACKEND_OPENCL, 0, CHUNK_BYTES, 1, 0},        /* chunked, device buffers */
    {GPUCC_BACKEND_OPENCL, 0, 0, 0, 1},                  /* gpu-shaped kernels, zero-copy */
    {GPUCC_BACKEND_OPENCL, 0, CHUNK_BYTES, 1, 1},        /* gpu-shaped kernels, chunked, device buffers */
};
enum { SPEC_COUNT = COUNT(all_specs) };

typedef struct {
    spec spec;
    gpucc_backend *backend;
    char label[128];
} opened;

/* Opens a backend of every spec into o (serial first) and returns how many
 * opened: all of them, except in a build without OpenCL, which leaves the
 * OpenCL specs out (support_open_built). */
static size_t open_all(opened *o)
{
    size_t n = 0;
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        const spec *s = &all_specs[i];
        o[n].spec = *s;
        if (s->kind == GPUCC_BACKEND_OPENCL)
            snprintf(o[n].label, sizeof o[n].label, "opencl(max_alloc=%llu%s%s)", (unsigned long long)s->max_alloc,
                     s->force_copy ? ", copy" : "", s->gpu_shape ? ", gpu shape" : "");
        else if (s->kind == GPUCC_BACKEND_PTHREADS)
            snprintf(o[n].label, sizeof o[n].label, "pthreads(%u)", s->threads);
        else
            snprintf(o[n].label, sizeof o[n].label, "serial");
        gpucc_backend_config c;
        memset(&c, 0, sizeof c);
        c.threads = s->threads;
        c.max_alloc = s->max_alloc;
        c.force_copy = s->force_copy;
        c.shape = s->gpu_shape ? GPUCC_SHAPE_GPU : GPUCC_SHAPE_AUTO;
        o[n].backend = support_open_built(s->kind, &c, o[n].label);
        if (o[n].backend)
            n++;
    }
    return n;
}

static void close_all(opened *o, size_t count)
{
    for (size_t i = 0; i < count; i++)
        gpucc_backend_close(o[i].backend);
}

/* ---- Guarded outputs ---- */

/* Fails the test if a guard around g's output was overwritten. */
static void guards_intact(const support_guarded *g, const char *label, const char *what)
{
    char where[256];
    snprintf(where, sizeof where, "%s %s", label, what);
    support_guarded_check(g, where);
}

/* ---- Data ---- */

/* n values spanning [-100, 100] (both ends included), evenly spaced, with
 * the middle of the range hit too when n is odd. */
static float *spanning_floats(size_t n)
{
    float *x = gpucc_alloc_floats(n);
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n; i++)
        x[i] = n == 1 ? 100.0f : (float)(-100.0 + 200.0 * (double)i / (double)(n - 1));
    return x;
}

/* ---- Calls and checks ---- */

static gpucc_call_info run_map(const opened *b, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                               support_guarded *g)
{
    gpucc_call_info info;
    memset(&info, 0x5a, sizeof info);
    support_guarded_poison(g);
    gpucc_status st = gpucc_map(b->backend, fn, alpha, x, y, g->out, g->n, &info);
    ck_assert_msg(st == GPUCC_OK, "%s %s n=%zu: %s (%s)", b->label, gpucc_map_fn_name(fn), g->n,
                  gpucc_status_name(st), gpucc_last_error());
    guards_intact(g, b->label, gpucc_map_fn_name(fn));
    return info;
}

static void assert_verified(const opened *b, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                            const support_guarded *g)
{
    gpucc_map_check check;
    ck_assert_int_eq(gpucc_map_verify(fn, alpha, x, y, g->out, g->n, 0, &check), GPUCC_OK);
    size_t i = check.first_bad;
    ck_assert_msg(check.bad == 0, "%s %s n=%zu: %zu bad (max %.3g ulp), first at %zu: f(%a, %a) gave %a", b->label,
                  gpucc_map_fn_name(fn), g->n, check.bad, check.max_ulp, i, (double)x[i],
                  y ? (double)y[i] : 0.0, (double)g->out[i]);
    ck_assert_msg(check.max_ulp <= gpucc_map_ulp_bound(fn), "%s %s: max_ulp %g", b->label, gpucc_map_fn_name(fn),
                  check.max_ulp);
}

static void assert_same_outputs(const opened *b, gpucc_map_fn fn, const float *x, const float *expected,
                                const float *got, size_t n)
{
    size_t i = 0;
    while (i < n && same_value(expected[i], got[i]))
        i++;
    if (i < n)
        ck_abort_msg("%s %s n=%zu: out[%zu] = %a, serial gave %a (x = %a)", b->label, gpucc_map_fn_name(fn), n, i,
                     (double)got[i], (double)expected[i], (double)x[i]);
}

/* Must the backend give serial's bits for fn? */
static int bitwise_with_serial(const opened *b, gpucc_map_fn fn)
{
    return b->spec.kind != GPUCC_BACKEND_OPENCL || fn == GPUCC_MAP_SQUARE || fn == GPUCC_MAP_RELU;
}

static void assert_flags(const opened *b, const gpucc_call_info *info, size_t n)
{
    if (b->spec.kind != GPUCC_BACKEND_OPENCL) {
        ck_assert_uint_eq(info->flags, 0);
        return;
    }
    unsigned copied = b->spec.force_copy ? GPUCC_RESULT_COPIED : 0u;
    unsigned chunked = b->spec.max_alloc && n > CHUNK_FLOATS ? GPUCC_RESULT_CHUNKED : 0u;
    /* A device without unified memory copies even when not forced to; a
     * copied call of several steps overlaps them. */
    unsigned overlapped = chunked && (info->flags & GPUCC_RESULT_COPIED) ? GPUCC_RESULT_OVERLAPPED : 0u;
    ck_assert_msg((info->flags & ~GPUCC_RESULT_COPIED) == (chunked | overlapped), "%s n=%zu: flags %#x", b->label, n,
                  info->flags);
    ck_assert_msg(!copied || (info->flags & GPUCC_RESULT_COPIED), "%s: not flagged as copied", b->label);
    ck_assert(info->timing.kernel_ms >= 0 && info->timing.transfer_ms >= 0);
    ck_assert(info->timing.total_ms >= 0);
    ck_assert_ptr_nonnull(info->impl);
}

/* Runs every function on every backend over x (and y for saxpy) into an
 * output out_offset floats past a line-aligned address, verifying each output and
 * comparing it with serial's. */
static void check_all(opened *o, size_t count, const float *x, const float *y, size_t n, float alpha,
                      size_t out_offset)
{
    support_guarded ref = support_guarded_alloc(n, 0), got = support_guarded_alloc(n, out_offset);
    for (size_t f = 0; f < COUNT(all_fns); f++) {
        gpucc_map_fn fn = all_fns[f];
        const float *yy = fn == GPUCC_MAP_SAXPY ? y : NULL;
        run_map(&o[0], fn, alpha, x, yy, &ref);
        assert_verified(&o[0], fn, alpha, x, yy, &ref);
        for (size_t k = 1; k < count; k++) {
            gpucc_call_info info = run_map(&o[k], fn, alpha, x, yy, &got);
            assert_flags(&o[k], &info, n);
            assert_verified(&o[k], fn, alpha, x, yy, &got);
            if (bitwise_with_serial(&o[k], fn))
                assert_same_outputs(&o[k], fn, x, ref.out, got.out, n);
        }
    }
    support_guarded_free(&ref);
    support_guarded_free(&got);
}

/* ---- Tests ---- */

/* check_all at every awkward size, into outputs at each of the offsets. */
static void check_awkward_sizes(const size_t *out_offsets, size_t offset_count)
{
    opened o[SPEC_COUNT];
    size_t backends = open_all(o);
    for (size_t s = 0; s < COUNT(awkward_sizes); s++) {
        size_t n = awkward_sizes[s];
        float *x = support_random_floats(n, 100 + s), *y = support_random_floats(n, 200 + s);
        for (size_t k = 0; k < offset_count; k++)
            check_all(o, backends, x, y, n, -0.75f, out_offsets[k]);
        gpucc_free_floats(x);
        gpucc_free_floats(y);
    }
    close_all(o, backends);
}

START_TEST(test_random_awkward_sizes)
{
    static const size_t aligned[] = {0};
    check_awkward_sizes(aligned, COUNT(aligned));
}
END_TEST

/* The same with every backend's streaming path, which calls take where
 * their arrays exceed the last-level cache (assumed to be one byte here):
 * the CPU loops' streaming stores, and the OpenCL cpu-shaped kernels'
 * non-temporal line stores, also into an output that does not start on a
 * line (5 floats in: a lead of 11 elements, mapped as a partial line). */
START_TEST(test_streamed_awkward_sizes)
{
    static const size_t on_and_off_a_line[] = {0, 5};
    gpucci_assume_last_level_cache(1);
    check_awkward_sizes(on_and_off_a_line, COUNT(on_and_off_a_line));
}
END_TEST

/* [-100, 100] crosses exp's overflow (88.7) and sigmoid's underflow of
 * expf(-x) (x < -88.7, where the true result is subnormal). */
START_TEST(test_spanning_range)
{
    opened o[SPEC_COUNT];
    size_t backends = open_all(o);
    static const size_t sizes[] = {17, 4097, 1000003};
    for (size_t s = 0; s < COUNT(sizes); s++) {
        size_t n = sizes[s];
        float *x = spanning_floats(n), *y = support_random_floats(n, 300 + s);
        check_all(o, backends, x, y, n, 1.25f, 0);
        gpucc_free_floats(x);
        gpucc_free_floats(y);
    }
    close_all(o, backends);
}
END_TEST

/* One input and what each function must give for it: the exact result, or
 * NAN where any NaN will do, or VERIFY where only the ulp bound applies. */
#define VERIFY 12345.0f

typedef struct {
    float x;
    float want[GPUCC_MAP_FN_COUNT]; /* square, saxpy (alpha 2, y 1), relu, sigmoid, tanh, exp */
} special_case;

START_TEST(test_special_values)
{
    const float inf = INFINITY, sub = FLT_MIN / 4, tiny = FLT_TRUE_MIN;
    /* Exact by IEEE and the header of gpucc-map.h: NaN propagates; relu
     * keeps -0 and maps negatives to +0; sigmoid(+-inf) = 1, 0; exp(-inf) =
     * 0, exp(+inf) = inf; results that round to inf, to 0 or to 1. */
    const special_case cases[] = {
        {NAN, {NAN, NAN, NAN, NAN, NAN, NAN}},
        {inf, {inf, inf, inf, 1.0f, 1.0f, inf}},
        {-inf, {inf, -inf, 0.0f, 0.0f, -1.0f, 0.0f}},
        {0.0f, {0.0f, 1.0f, 0.0f, 0.5f, 0.0f, 1.0f}},
        {-0.0f, {0.0f, 1.0f, -0.0f, 0.5f, -0.0f, 1.0f}},
        {100.0f, {10000.0f, 201.0f, 100.0f, 1.0f, 1.0f, inf}},
        {-100.0f, {10000.0f, -199.0f, 0.0f, VERIFY, -1.0f, VERIFY}},
        {1000.0f, {1e6f, 2001.0f, 1000.0f, 1.0f, 1.0f, inf}},
        {-1000.0f, {1e6f, -1999.0f, 0.0f, 0.0f, -1.0f, 0.0f}},
        {sub, {0.0f, 1.0f, sub, 0.5f, VERIFY, 1.0f}},
        {-sub, {0.0f, 1.0f, 0.0f, 0.5f, VERIFY, 1.0f}},
        {tiny, {0.0f, 1.0f, tiny, 0.5f, VERIFY, 1.0f}},
        {FLT_MAX, {inf, inf, FLT_MAX, 1.0f, 1.0f, inf}},
        {-FLT_MAX, {inf, -inf, 0.0f, 0.0f, -1.0f, 0.0f}},
        {1.0f, {1.0f, 3.0f, 1.0f, VERIFY, VERIFY, VERIFY}},
        {-1.0f, {1.0f, -1.0f, 0.0f, VERIFY, VERIFY, VERIFY}},
        {88.0f, {7744.0f, 177.0f, 88.0f, 1.0f, 1.0f, VERIFY}},
        {89.0f, {7921.0f, 179.0f, 89.0f, 1.0f, 1.0f, inf}},
        {-89.0f, {7921.0f, -177.0f, 0.0f, VERIFY, -1.0f, VERIFY}},
    };
    enum { N = COUNT(cases) };
    float x[N], y[N];
    for (size_t i = 0; i < N; i++) {
        x[i] = cases[i].x;
        y[i] = 1.0f;
    }
    opened o[SPEC_COUNT];
    size_t backends = open_all(o);
    support_guarded g = support_guarded_alloc(N, 0);
    for (size_t k = 0; k < backends; k++) {
        for (size_t f = 0; f < COUNT(all_fns); f++) {
            gpucc_map_fn fn = all_fns[f];
            const float *yy = fn == GPUCC_MAP_SAXPY ? y : NULL;
            run_map(&o[k], fn, 2.0f, x, yy, &g);
            assert_verified(&o[k], fn, 2.0f, x, yy, &g);
            for (size_t i = 0; i < N; i++) {
                float want = cases[i].want[fn], got = g.out[i];
                if (want == VERIFY)
                    continue;
                /* PoCL 3.1's tanh saturates at +-(1 - 2^-24), even for
                 * +-inf (0.5 ulp, within the bound; C and OpenCL specify
                 * tanh(+-inf) = +-1): on OpenCL, saturated tanh is held to
                 * the bound (verified above) and the sign only. */
                if (fn == GPUCC_MAP_TANH && fabsf(want) == 1.0f && o[k].spec.kind == GPUCC_BACKEND_OPENCL) {
                    ck_assert_msg(copysignf(1.0f, got) == want && fabsf(got) <= 1.0f && fabsf(got) >= 1.0f - 0x1p-23f,
                                  "%s tanh(%a) = %a", o[k].label, (double)x[i], (double)got);
                    continue;
                }
                ck_assert_msg(same_value(want, got), "%s %s(%a) = %a, want %a", o[k].label, gpucc_map_fn_name(fn),
                              (double)x[i], (double)got, (double)want);
            }
        }
        /* Where only the bound applies, the value must still be in range:
         * sigmoid(-100) and exp(-100) are subnormal or flushed to +0. */
        run_map(&o[k], GPUCC_MAP_SIGMOID, 0, x, NULL, &g);
        ck_assert(g.out[6] >= 0.0f && g.out[6] < FLT_MIN && !signbit(g.out[6]));
        run_map(&o[k], GPUCC_MAP_EXP, 0, x, NULL, &g);
        ck_assert(g.out[6] >= 0.0f && g.out[6] < FLT_MIN && !signbit(g.out[6]));
    }
    /* saxpy's own specials: inf - inf and 0 * inf are NaN, y's NaN
     * propagates, y's infinity dominates, -0 + -0 = -0. */
    const float sx[] = {inf, inf, 1.0f, 1.0f, -0.0f, 0.0f};
    const float sy[] = {-inf, 1.0f, NAN, -inf, -0.0f, -0.0f};
    const float alphas[] = {1.0f, 0.0f, 1.0f, 1.0f, 1.0f, 1.0f};
    const float want[] = {NAN, NAN, NAN, -inf, -0.0f, 0.0f};
    support_guarded one = support_guarded_alloc(1, 0);
    for (size_t k = 0; k < backends; k++)
        for (size_t i = 0; i < COUNT(sx); i++) {
            run_map(&o[k], GPUCC_MAP_SAXPY, alphas[i], &sx[i], &sy[i], &one);
            ck_assert_msg(same_value(want[i], one.out[0]), "%s saxpy(%g, %g, %g) = %a, want %a", o[k].label,
                          (double)alphas[i], (double)sx[i], (double)sy[i], (double)one.out[0], (double)want[i]);
            assert_verified(&o[k], GPUCC_MAP_SAXPY, alphas[i], &sx[i], &sy[i], &one);
        }
    support_guarded_free(&one);
    support_guarded_free(&g);
    close_all(o, backends);
}
END_TEST

/* Inputs and outputs at odd addresses (not 4096-aligned): PoCL may shadow
 * such CL_MEM_USE_HOST_PTR arrays with a copy, which the map must bring
 * back. */
START_TEST(test_unaligned_arrays)
{
    opened o[SPEC_COUNT];
    size_t backends = open_all(o);
    size_t n = 65537;
    float *xs = support_random_floats(n + 3, 7), *ys = support_random_floats(n + 5, 8);
    support_guarded ref = support_guarded_alloc(n, 0), got = support_guarded_alloc(n, 1);
    for (size_t f = 0; f < COUNT(all_fns); f++) {
        gpucc_map_fn fn = all_fns[f];
        const float *x = xs + 3, *y = fn == GPUCC_MAP_SAXPY ? ys + 1 : NULL;
        run_map(&o[0], fn, 0.5f, x, y, &ref);
        for (size_t k = 1; k < backends; k++) {
            run_map(&o[k], fn, 0.5f, x, y, &got);
            assert_verified(&o[k], fn, 0.5f, x, y, &got);
            if (bitwise_with_serial(&o[k], fn))
                assert_same_outputs(&o[k], fn, x, ref.out, got.out, n);
        }
    }
    support_guarded_free(&ref);
    support_guarded_free(&got);
    gpucc_free_floats(xs);
    gpucc_free_floats(ys);
    close_all(o, backends);
}
END_TEST

/* The CPU loops' two store paths (streaming stores, which the backends take
 * for calls whose arrays exceed the last-level cache, and plain ones) give
 * the same bits, verified, for outputs at every float offset of a cache
 * line, lengths around a line, and ranges that start inside the output;
 * nothing outside the range is written. */
START_TEST(test_streaming_stores)
{
    static const size_t lengths[] = {1, 15, 16, 17, 40, 4099};
    static const size_t begins[] = {0, 1, 17};
    enum { MAX_N = 4099 + 17 };
    float *x = support_random_floats(MAX_N, 11), *y = support_random_floats(MAX_N, 12);
    for (size_t f = 0; f < COUNT(all_fns); f++)
        for (size_t offset = 0; offset < 16; offset += 3)
            for (size_t l = 0; l < COUNT(lengths); l++)
                for (size_t b = 0; b < COUNT(begins); b++) {
                    gpucc_map_fn fn = all_fns[f];
                    size_t begin = begins[b], n = begin + lengths[l];
                    support_guarded plain = support_guarded_alloc(n, offset), streamed = support_guarded_alloc(n, offset);
                    gpucci_cpu_map_range(fn, GPUCC_F32, 0.5f, x, y, plain.out, begin, n, false);
                    gpucci_cpu_map_range(fn, GPUCC_F32, 0.5f, x, y, streamed.out, begin, n, true);
                    char what[96];
                    snprintf(what, sizeof what, "%s offset %zu range [%zu, %zu)", gpucc_map_fn_name(fn), offset, begin, n);
                    support_guarded_check(&streamed, what);
                    gpucc_map_check check;
                    ck_assert_int_eq(gpucc_map_verify(fn, 0.5f, x + begin, y + begin, streamed.out + begin, n - begin,
                                                      0, &check), GPUCC_OK);
                    ck_assert_msg(check.bad == 0, "%s: %zu bad", what, check.bad);
                    for (size_t i = 0; i < n; i++)
                        ck_assert_msg(i < begin ? support_bits_of(streamed.out[i]) == support_bits_of(plain.out[i])
                                                : same_value(streamed.out[i], plain.out[i]),
                                      "%s: element %zu differs", what, i);
                    support_guarded_free(&plain);
                    support_guarded_free(&streamed);
                }
    gpucc_free_floats(x);
    gpucc_free_floats(y);
}
END_TEST

/* Calls of growing and shrinking size on one backend (copy mode reuses and
 * regrows its device buffers), and saxpy after functions without y. */
START_TEST(test_reuse_across_sizes)
{
    opened o[SPEC_COUNT];
    size_t backends = open_all(o);
    static const size_t sizes[] = {65537, 17, 1000003, 4097, 1};
    for (size_t s = 0; s < COUNT(sizes); s++) {
        size_t n = sizes[s];
        float *x = support_random_floats(n, 40 + s), *y = support_random_floats(n, 50 + s);
        support_guarded g = support_guarded_alloc(n, 0);
        for (size_t k = 0; k < backends; k++)
            for (size_t f = 0; f < COUNT(all_fns); f++) {
                gpucc_map_fn fn = all_fns[COUNT(all_fns) - 1 - f];
                const float *yy = fn == GPUCC_MAP_SAXPY ? y : NULL;
                run_map(&o[k], fn, 3.0f, x, yy, &g);
                assert_verified(&o[k], fn, 3.0f, x, yy, &g);
            }
        support_guarded_free(&g);
        gpucc_free_floats(x);
        gpucc_free_floats(y);
    }
    close_all(o, backends);
}
END_TEST

START_TEST(test_empty)
{
    opened o[SPEC_COUNT];
    size_t backends = open_all(o);
    support_guarded g = support_guarded_alloc(0, 0);
    for (size_t k = 0; k < backends; k++)
        for (size_t f = 0; f < COUNT(all_fns); f++) {
            gpucc_call_info info;
            ck_assert_int_eq(gpucc_map(o[k].backend, all_fns[f], 1.0f, NULL, NULL, NULL, 0, &info), GPUCC_OK);
            ck_assert_int_eq(gpucc_map(o[k].backend, all_fns[f], 1.0f, g.out, g.out, g.out, 0, &info), GPUCC_OK);
            ck_assert_uint_eq(info.flags, 0);
            guards_intact(&g, o[k].label, "n=0");
        }
    gpucc_map_check check;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SAXPY, 1.0f, NULL, NULL, NULL, 0, 0, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    ck_assert(check.max_ulp == 0.0);
    support_guarded_free(&g);
    close_all(o, backends);
}
END_TEST

START_TEST(test_invalid_arguments)
{
    gpucc_backend *b;
    ck_assert_int_eq(gpucc_backend_open(GPUCC_BACKEND_SERIAL, NULL, &b), GPUCC_OK);
    float x[4] = {1, 2, 3, 4}, y[4] = {1, 1, 1, 1}, out[4];
    gpucc_call_info info;
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SQUARE, 0, NULL, NULL, out, 4, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, NULL, 4, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SAXPY, 2, x, NULL, out, 4, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_FN_COUNT, 0, x, NULL, out, 4, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map(b, (gpucc_map_fn)-1, 0, x, NULL, out, 4, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SQUARE, 0, x, NULL, out, 4, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map(NULL, GPUCC_MAP_SQUARE, 0, x, NULL, out, 4, &info), GPUCC_E_INVALID);
    ck_assert(strstr(gpucc_last_error(), "gpucc_map") != NULL);
    /* y is ignored, and may be NULL, for every function but saxpy. */
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_RELU, 0, x, NULL, out, 4, &info), GPUCC_OK);
    ck_assert_int_eq(gpucc_map(b, GPUCC_MAP_SAXPY, 2, x, y, out, 4, &info), GPUCC_OK);
    ck_assert(out[3] == 9.0f);

    gpucc_map_check check;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, NULL, NULL, out, 4, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, NULL, 4, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SAXPY, 0, x, NULL, out, 4, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_FN_COUNT, 0, x, NULL, out, 4, 0, &check), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, 4, 0, NULL), GPUCC_E_INVALID);
    gpucc_backend_close(b);
}
END_TEST

START_TEST(test_ulp_bounds)
{
    ck_assert(gpucc_map_ulp_bound(GPUCC_MAP_SQUARE) == 1.0);
    ck_assert(gpucc_map_ulp_bound(GPUCC_MAP_SAXPY) == 1.0);
    ck_assert(gpucc_map_ulp_bound(GPUCC_MAP_RELU) == 1.0);
    ck_assert(gpucc_map_ulp_bound(GPUCC_MAP_SIGMOID) == 4.0);
    ck_assert(gpucc_map_ulp_bound(GPUCC_MAP_TANH) == 4.0);
    ck_assert(gpucc_map_ulp_bound(GPUCC_MAP_EXP) == 4.0);
}
END_TEST

/* The verifier is the oracle of every other test: it must see errors. */
START_TEST(test_verify_catches_errors)
{
    size_t n = 300007; /* above the size where verification goes parallel */
    float *x = support_random_floats(n, 9), *out = gpucc_alloc_floats(n);
    ck_assert_ptr_nonnull(out);
    for (size_t i = 0; i < n; i++)
        out[i] = x[i] * x[i];
    gpucc_map_check check;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, n, 3, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    ck_assert(check.max_ulp > 0.0 && check.max_ulp <= 0.5);

    /* One element 2 ulps off (away from zero), in the last thread's part. */
    size_t k = n - 1000;
    float good = out[k];
    out[k] = support_float_of(support_bits_of(good) + 2);
    for (unsigned threads = 1; threads <= 4; threads++) {
        ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, n, threads, &check), GPUCC_OK);
        ck_assert_uint_eq(check.bad, 1);
        ck_assert_uint_eq(check.first_bad, k);
        ck_assert_msg(check.max_ulp > 1.5 && check.max_ulp <= 2.5, "max_ulp %g", check.max_ulp);
    }
    /* Two more bad elements, one in each earlier part: first_bad is the
     * smallest index whatever the threads. */
    out[n / 2] = -out[n / 2];
    out[7] = 0.0f;
    for (unsigned threads = 1; threads <= 4; threads++) {
        ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, x, NULL, out, n, threads, &check), GPUCC_OK);
        ck_assert_uint_eq(check.bad, 3);
        ck_assert_uint_eq(check.first_bad, 7);
    }
    out[k] = good;
    out[n / 2] = -out[n / 2];
    out[7] = x[7] * x[7];

    /* Wrong special values: a number where NaN is due, NaN where a number
     * is due, a finite value where inf is due, -inf for +inf. */
    const float sx[] = {NAN, 2.0f, 1e30f, INFINITY};
    const float bad_out[] = {1.0f, NAN, FLT_MAX, -INFINITY};
    for (size_t i = 0; i < COUNT(sx); i++) {
        ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SQUARE, 0, &sx[i], NULL, &bad_out[i], 1, 1, &check), GPUCC_OK);
        ck_assert_msg(check.bad == 1 && check.first_bad == 0, "square(%g) = %g accepted", (double)sx[i],
                      (double)bad_out[i]);
        ck_assert(isinf(check.max_ulp));
    }
    /* NaN for NaN is right and counts 0 ulps. */
    float nan_out = NAN;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_EXP, 0, &sx[0], NULL, &nan_out, 1, 1, &check), GPUCC_OK);
    ck_assert(check.bad == 0 && check.max_ulp == 0.0);
    /* A wrong function is far outside the bound. */
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_TANH, 0, x, NULL, out, 1000, 1, &check), GPUCC_OK);
    ck_assert_uint_gt(check.bad, 900);
    gpucc_free_floats(out);
    gpucc_free_floats(x);
}
END_TEST

/* saxpy under cancellation: a separate multiply and add and an FMA differ
 * by many ulps of the tiny result, and both are correct. */
START_TEST(test_verify_saxpy_scale)
{
    enum { N = 4096 };
    float x[N], y[N], separate[N], fused[N];
    const float alpha = 3.0f;
    uint32_t state = 12345;
    size_t differ = 0;
    for (size_t i = 0; i < N; i++) {
        state = state * 1664525u + 1013904223u;
        x[i] = 1.0f + (float)(state >> 8) * 0x1p-24f;
        volatile float product = alpha * x[i]; /* rounded to float */
        y[i] = -nextafterf(product, (i & 1) ? INFINITY : -INFINITY);
        separate[i] = product + y[i];
        fused[i] = fmaf(alpha, x[i], y[i]);
        differ += separate[i] != fused[i];
    }
    ck_assert_uint_gt(differ, N / 4); /* the data does tell them apart */
    gpucc_map_check check;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SAXPY, alpha, x, y, separate, N, 1, &check), GPUCC_OK);
    ck_assert_msg(check.bad == 0, "separate: %zu bad, max %g", check.bad, check.max_ulp);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SAXPY, alpha, x, y, fused, N, 1, &check), GPUCC_OK);
    ck_assert_msg(check.bad == 0, "fused: %zu bad, max %g", check.bad, check.max_ulp);
    /* But an error of 4 ulps of the scale is caught: |3x| + |y| is in
     * [6, 12), whose ulp is at most 2^-20. */
    float off = fused[5] + 0x1p-18f;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SAXPY, alpha, &x[5], &y[5], &off, 1, 1, &check), GPUCC_OK);
    ck_assert_msg(check.bad == 1, "off by 4 ulps of the scale: max %g", check.max_ulp);
}
END_TEST

/* A flushed subnormal result (0 where the reference is below FLT_MIN)
 * counts as exact; other values there do not. An infinite output where
 * the reference is finite counts as 2^128, a finite error. */
START_TEST(test_verify_flushed_subnormals)
{
    const float x[] = {-95.0f, -100.0f, FLT_MIN / 8};
    const float zero[] = {0.0f, 0.0f, 0.0f};
    gpucc_map_check check;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SIGMOID, 0, x, NULL, zero, 2, 1, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_EXP, 0, x, NULL, zero, 2, 1, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_RELU, 0, &x[2], NULL, &zero[2], 1, 1, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 0);
    /* FLT_MIN where the true value is 2^-137 is far off. */
    const float wrong = FLT_MIN;
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_SIGMOID, 0, x, NULL, &wrong, 1, 1, &check), GPUCC_OK);
    ck_assert_uint_eq(check.bad, 1);
    /* The largest float whose exp is finite: exp is about 125 ulps below
     * FLT_MAX there, so inf is wrong by (2^128 - exp(x)) / 2^104 ulps. */
    const float edge = 88.7228317f, inf = INFINITY;
    ck_assert(isinf(expf(nextafterf(edge, INFINITY))) && !isinf(expf(edge)));
    ck_assert_int_eq(gpucc_map_verify(GPUCC_MAP_EXP, 0, &edge, NULL, &inf, 1, 1, &check), GPUCC_OK);
    ck_assert_msg(check.bad == 1 && check.max_ulp > 100 && check.max_ulp < 200, "exp(%a) = inf: %g ulp",
                  (double)edge, check.max_ulp);
}
END_TEST

START_TEST(test_peak_copy_bandwidth)
{
    size_t n = (size_t)1 << 22; /* 16 MB each way */
    float *src = support_random_floats(n, 11), *dst = gpucc_alloc_floats(n);
    ck_assert_ptr_nonnull(dst);
    gpucc_stats gbps;
    for (unsigned threads = 0; threads <= 3; threads++) {
        memset(&gbps, 0, sizeof gbps);
        ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, dst, n, threads, 3, &gbps), GPUCC_OK);
        ck_assert_msg(gbps.min > 0 && gbps.min <= gbps.median && gbps.median <= gbps.max && isfinite(gbps.max),
                      "threads %u: %g %g %g", threads, gbps.min, gbps.median, gbps.max);
        ck_assert_int_eq(memcmp(src, dst, n * sizeof(float)), 0);
    }
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, dst, 1, 2, 1, &gbps), GPUCC_OK); /* fewer elements than threads */
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(NULL, dst, n, 0, 1, &gbps), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, NULL, n, 0, 1, &gbps), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, dst, 0, 0, 1, &gbps), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, dst, n, 0, 0, &gbps), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, dst, n, 0, 1, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, src + 1, n - 1, 0, 1, &gbps), GPUCC_E_INVALID); /* overlap */
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src + 1, src, n - 1, 0, 1, &gbps), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_peak_copy_bandwidth(src, src + n / 2, n / 2, 0, 1, &gbps), GPUCC_OK); /* adjacent */
    gpucc_free_floats(src);
    gpucc_free_floats(dst);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const core[] = {
        test_random_awkward_sizes, test_spanning_range, test_special_values, test_unaligned_arrays,
        test_reuse_across_sizes, test_empty, test_invalid_arguments, test_ulp_bounds, test_verify_catches_errors,
        test_verify_saxpy_scale, test_verify_flushed_subnormals, test_peak_copy_bandwidth, test_streaming_stores,
        test_streamed_awkward_sizes};
    Suite *s = suite_create("map");
    support_tcase_mixed(s, "core", 300, core, COUNT(core)); /* a cold PoCL kernel cache takes a while */
    return s;
}
