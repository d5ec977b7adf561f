/* Tests of the OpenCL copy path (a discrete GPU's, forced on PoCL with
 * force_copy): data staged through pinned host buffers by all cores.
 *
 * Map: every data type and every function it has, at sizes that are no
 * multiple of a block, a step or a work-group, through one step and through
 * many (a small allocation limit: 4 to 49 steps of 16384 or 49152 bytes),
 * three stages overlapped and not (no_overlap), saxpy with both inputs.
 * Each output is
 *  - verified against the typed reference (gpucc_map_verify_typed);
 *  - bit for bit the zero-copy OpenCL output (the same kernels, so staging
 *    and pipelining must not change a bit), and the serial backend's where
 *    the function is one correctly rounded operation or none (square and
 *    relu of every type, every i32 function);
 *  - written exactly in place: guard bytes on both sides survive, and the
 *    output is poisoned before each call;
 * and the flags say copied, chunked and overlapped exactly when each holds.
 *
 * Dot: every data type, at sizes that are no multiple of a block, through
 * one step and through many (allocation limits of 2 and 3 blocks of floats:
 * up to 25 steps of one f64 block), overlapped and not; each result is the
 * zero-copy OpenCL and the serial backend's bits (the canonical order;
 * i32 the exact integer), verified against the typed reference, its copies
 * and kernels timed, and flagged copied, chunked and overlapped exactly
 * when each holds.
 *
 * Dense: f32 (gpucc's kernel and CLBlast), f16 and bf16 copied, verified and
 * bit for bit the zero-copy result of the same implementation, with the
 * copies timed.
 *
 * OpenCL backends are opened inside each test (Check forks one process per
 * test; OpenCL must not be initialised before the fork). */
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum {
    BLOCK_BYTES = 16384, /* the allocation limit's unit: one block of 4096 floats */
    GUARD_BYTES = 64,
    GUARD_BYTE = 0xa5,
    POISON_BYTE = 0x5a, /* an unwritten output element keeps it and differs from every expected one */
};

static const gpucc_dtype all_types[] = {GPUCC_F32, GPUCC_F64, GPUCC_F16, GPUCC_BF16, GPUCC_I32};
static const size_t map_sizes[] = {1, 4097, 12289, 100003};

/* The copy-path configurations; the zero-copy backend is the reference. */
typedef struct {
    const char *label;
    gpucc_backend_config config;
} spec;

static const spec copied_specs[] = {
    {"copied", {.force_copy = 1}},
    {"copied, no overlap", {.force_copy = 1, .no_overlap = 1}},
    {"copied, 1-block steps", {.force_copy = 1, .max_alloc = BLOCK_BYTES}},
    {"copied, 1-block steps, no overlap", {.force_copy = 1, .max_alloc = BLOCK_BYTES, .no_overlap = 1}},
    {"copied, 3-block steps", {.force_copy = 1, .max_alloc = 3 * BLOCK_BYTES + 100}},
};

/* The backends a test compares: serial, zero-copy OpenCL (the references)
 * and one copied OpenCL backend per spec. */
enum { MAX_COPIED = 8 };
typedef struct {
    gpucc_backend *serial, *zero_copy, *copied[MAX_COPIED];
    size_t count;
} backend_set;

static backend_set open_set(const spec *specs, size_t count)
{
    ck_assert_uint_le(count, MAX_COPIED);
    backend_set set = {support_open(GPUCC_BACKEND_SERIAL, NULL, "serial"),
                       support_open(GPUCC_BACKEND_OPENCL, NULL, "opencl"), {NULL}, count};
    for (size_t b = 0; b < count; b++)
        set.copied[b] = support_open(GPUCC_BACKEND_OPENCL, &specs[b].config, specs[b].label);
    return set;
}

static void close_set(backend_set *set)
{
    for (size_t b = 0; b < set->count; b++)
        gpucc_backend_close(set->copied[b]);
    gpucc_backend_close(set->zero_copy);
    gpucc_backend_close(set->serial);
}

/* ---- Guarded outputs ---- */

/* `bytes` bytes of output with GUARD_BYTES guard bytes on each side. */
typedef struct {
    unsigned char *raw;
    unsigned char *out; /* raw + GUARD_BYTES */
    size_t bytes;
} guarded;

static guarded guarded_alloc(size_t bytes)
{
    guarded g = {malloc(bytes + 2 * GUARD_BYTES), NULL, bytes};
    ck_assert_ptr_nonnull(g.raw);
    g.out = g.raw + GUARD_BYTES;
    memset(g.raw, GUARD_BYTE, bytes + 2 * GUARD_BYTES);
    return g;
}

/* Fills the output with POISON_BYTE (before each call into it). */
static void guarded_poison(guarded *g)
{
    memset(g->out, POISON_BYTE, g->bytes);
}

/* Fails the test, naming `what`, if a guard byte changed. */
static void guarded_check(const guarded *g, const char *what)
{
    for (size_t i = 0; i < GUARD_BYTES; i++) {
        ck_assert_msg(g->raw[i] == GUARD_BYTE, "%s: wrote before the output (guard byte %zu)", what, i);
        ck_assert_msg(g->out[g->bytes + i] == GUARD_BYTE, "%s: wrote past the output (guard byte %zu)", what, i);
    }
}

/* ---- Map ---- */

/* Elements of dtype per step under spec: one allocation limit's whole
 * blocks, or all n without a limit (every size here fits one step). */
static size_t step_elems(const spec *sp, gpucc_dtype dtype, size_t n)
{
    if (!sp->config.max_alloc)
        return n;
    return sp->config.max_alloc / BLOCK_BYTES * BLOCK_BYTES / gpucc_dtype_size(dtype);
}

/* saxpy's alpha: one every type holds (an integer for i32). */
static double alpha_of(gpucc_dtype dtype)
{
    return dtype == GPUCC_I32 ? 3.0 : 1.5;
}

/* Must fn over dtype give the serial backend's bits on OpenCL? */
static int bitwise_with_serial(gpucc_map_fn fn, gpucc_dtype dtype)
{
    return dtype == GPUCC_I32 || fn == GPUCC_MAP_SQUARE || fn == GPUCC_MAP_RELU;
}

/* Maps x (and y) on backend into g; checks the status and the guards. */
static gpucc_call_info run_map(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, const void *x,
                               const void *y, size_t n, guarded *g, const char *what)
{
    gpucc_call_info info;
    memset(&info, 0x5a, sizeof info);
    guarded_poison(g);
    gpucc_status status = gpucc_map_typed(backend, fn, dtype, alpha_of(dtype), x, y, g->out, n, &info);
    ck_assert_msg(status == GPUCC_OK, "%s: %s (%s)", what, gpucc_status_name(status), gpucc_last_error());
    guarded_check(g, what);
    return info;
}

/* The flags and times of a copied call under spec. */
static void check_copied_info(const spec *sp, const gpucc_call_info *info, gpucc_dtype dtype, size_t n,
                              const char *what)
{
    size_t step = step_elems(sp, dtype, n);
    unsigned want = GPUCC_RESULT_COPIED | (n > step ? GPUCC_RESULT_CHUNKED : 0u) |
                    (n > step && !sp->config.no_overlap ? GPUCC_RESULT_OVERLAPPED : 0u);
    ck_assert_msg(info->flags == want, "%s: flags %#x, want %#x", what, info->flags, want);
    ck_assert_msg(info->timing.kernel_ms > 0 && info->timing.transfer_ms > 0, "%s: kernel %g ms, transfer %g ms",
                  what, info->timing.kernel_ms, info->timing.transfer_ms);
}

/* One function over one type and size on every copy-path backend, against
 * serial's and zero-copy's outputs. */
static void check_map_case(gpucc_backend *serial, gpucc_backend *zero_copy, gpucc_backend *const *copied,
                           gpucc_map_fn fn, gpucc_dtype dtype, size_t n, uint64_t seed)
{
    size_t bytes = n * gpucc_dtype_size(dtype);
    void *x = support_random_typed(dtype, n, seed, 16), *y = support_random_typed(dtype, n, seed + 1, 16);
    guarded want_serial = guarded_alloc(bytes), want = guarded_alloc(bytes), got = guarded_alloc(bytes);
    char what[200];
    snprintf(what, sizeof what, "%s %s n=%zu", gpucc_dtype_name(dtype), gpucc_map_fn_name(fn), n);
    run_map(serial, fn, dtype, x, y, n, &want_serial, what);
    run_map(zero_copy, fn, dtype, x, y, n, &want, what);
    for (size_t b = 0; b < COUNT(copied_specs); b++) {
        snprintf(what, sizeof what, "%s %s n=%zu on opencl(%s)", gpucc_dtype_name(dtype), gpucc_map_fn_name(fn), n,
                 copied_specs[b].label);
        gpucc_call_info info = run_map(copied[b], fn, dtype, x, y, n, &got, what);
        check_copied_info(&copied_specs[b], &info, dtype, n, what);
        gpucc_map_check check;
        ck_assert_int_eq(gpucc_map_verify_typed(fn, dtype, alpha_of(dtype), x, y, got.out, n, 0, &check), GPUCC_OK);
        ck_assert_msg(check.bad == 0, "%s: %zu bad (max %g ulp), first at %zu", what, check.bad, check.max_ulp,
                      check.first_bad);
        ck_assert_msg(memcmp(got.out, want.out, bytes) == 0, "%s: differs from the zero-copy output", what);
        if (bitwise_with_serial(fn, dtype))
            ck_assert_msg(memcmp(got.out, want_serial.out, bytes) == 0, "%s: differs from serial", what);
    }
    free(want_serial.raw);
    free(want.raw);
    free(got.raw);
    free(x);
    free(y);
}

/* Every type, function and size; the buffers grow and shrink between calls
 * (the sizes rise within each type and fall back at the next). */
START_TEST(test_map_every_type)
{
    backend_set set = open_set(copied_specs, COUNT(copied_specs));
    for (size_t t = 0; t < COUNT(all_types); t++)
        for (int f = 0; f < GPUCC_MAP_FN_COUNT; f++) {
            if (!gpucc_map_fn_has_dtype((gpucc_map_fn)f, all_types[t]))
                continue;
            for (size_t s = 0; s < COUNT(map_sizes); s++)
                check_map_case(set.serial, set.zero_copy, set.copied, (gpucc_map_fn)f, all_types[t], map_sizes[s],
                               100 + s);
        }
    close_set(&set);
}
END_TEST

/* ---- Dot ---- */

/* The dot product's copy paths: its steps are whole blocks of both inputs,
 * so every limit holds a block of the widest type (f64: 2 blocks of floats). */
static const spec dot_specs[] = {
    {"copied", {.force_copy = 1}},
    {"copied, no overlap", {.force_copy = 1, .no_overlap = 1}},
    {"copied, 2-block steps", {.force_copy = 1, .max_alloc = 2 * BLOCK_BYTES}},
    {"copied, 2-block steps, no overlap", {.force_copy = 1, .max_alloc = 2 * BLOCK_BYTES, .no_overlap = 1}},
    {"copied, 3-block steps", {.force_copy = 1, .max_alloc = 3 * BLOCK_BYTES + 100}},
};
static const size_t dot_sizes[] = {1, 4097, 3 * 4096 + 5, 100003};

/* The flags a copied dot product of n elements of dtype has under spec:
 * chunked beyond one allocation, overlapped with more than one step (whole
 * blocks of 4096 elements of an allocation; every size here fits one step
 * without a limit). */
static unsigned dot_flags(const spec *sp, gpucc_dtype dtype, size_t n)
{
    if (!sp->config.max_alloc)
        return GPUCC_RESULT_COPIED;
    size_t allocation = sp->config.max_alloc / BLOCK_BYTES * BLOCK_BYTES / gpucc_dtype_size(dtype);
    size_t step = allocation / 4096 * 4096;
    return GPUCC_RESULT_COPIED | (n > allocation ? GPUCC_RESULT_CHUNKED : 0u) |
           (n > step && !sp->config.no_overlap ? GPUCC_RESULT_OVERLAPPED : 0u);
}

/* Bitwise equal results (i32: the same exact integer too). */
static int same_result(gpucc_dtype dtype, const gpucc_reduce_result *a, const gpucc_reduce_result *b)
{
    return memcmp(&a->value, &b->value, sizeof a->value) == 0 && (dtype != GPUCC_I32 || a->integer == b->integer);
}

/* x . y of one type and size on serial, zero-copy and every copy path:
 * the same bits, verified, flagged and timed. */
static void check_dot_case(gpucc_backend *serial, gpucc_backend *zero_copy, gpucc_backend *const *copied,
                           gpucc_dtype dtype, size_t n, uint64_t seed)
{
    void *x = support_random_typed(dtype, n, seed, 16), *y = support_random_typed(dtype, n, seed + 1, 16);
    gpucc_reference ref;
    ck_assert_int_eq(gpucc_dot_reference_typed(dtype, x, y, n, 0, &ref), GPUCC_OK);
    gpucc_reduce_result want, want_serial, got;
    ck_assert_int_eq(gpucc_dot_typed(serial, dtype, x, y, n, &want_serial), GPUCC_OK);
    ck_assert_int_eq(gpucc_dot_typed(zero_copy, dtype, x, y, n, &want), GPUCC_OK);
    ck_assert_msg(same_result(dtype, &want, &want_serial), "%s dot n=%zu: zero-copy %.17g, serial %.17g",
                  gpucc_dtype_name(dtype), n, want.value, want_serial.value);
    for (size_t b = 0; b < COUNT(dot_specs); b++) {
        char what[200];
        snprintf(what, sizeof what, "%s dot n=%zu on opencl(%s)", gpucc_dtype_name(dtype), n, dot_specs[b].label);
        memset(&got, 0x5a, sizeof got);
        gpucc_status status = gpucc_dot_typed(copied[b], dtype, x, y, n, &got);
        ck_assert_msg(status == GPUCC_OK, "%s: %s (%s)", what, gpucc_status_name(status), gpucc_last_error());
        ck_assert_msg(same_result(dtype, &got, &want), "%s: %.17g (%lld), zero-copy %.17g (%lld)", what, got.value,
                      (long long)got.integer, want.value, (long long)want.integer);
        double error;
        ck_assert_msg(gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, dtype, &got, &ref, &error),
                      "%s: %.17g does not verify against %.17g", what, got.value, ref.sum);
        unsigned flags = dot_flags(&dot_specs[b], dtype, n);
        ck_assert_msg(got.flags == flags, "%s: flags %#x, want %#x", what, got.flags, flags);
        ck_assert_msg(got.timing.kernel_ms > 0 && got.timing.transfer_ms > 0, "%s: kernel %g ms, transfer %g ms",
                      what, got.timing.kernel_ms, got.timing.transfer_ms);
    }
    free(x);
    free(y);
}

/* Every type and size; the staging grows and shrinks between calls (the
 * sizes rise within each type and fall back at the next). */
START_TEST(test_dot_every_type)
{
    backend_set set = open_set(dot_specs, COUNT(dot_specs));
    for (size_t t = 0; t < COUNT(all_types); t++)
        for (size_t s = 0; s < COUNT(dot_sizes); s++)
            check_dot_case(set.serial, set.zero_copy, set.copied, all_types[t], dot_sizes[s], 200 + s);
    close_set(&set);
}
END_TEST

/* ---- Dense ---- */

/* n elements of dtype uniform in [-1, 1), rounded to the type (free()):
 * sums of a few hundred products stay well inside f16's range. */
static void *dense_data(gpucc_dtype dtype, size_t n, uint64_t seed)
{
    float *f = support_uniform_floats(n, seed);
    void *x = malloc(n * gpucc_dtype_size(dtype));
    ck_assert_ptr_nonnull(x);
    for (size_t i = 0; i < n; i++) {
        if (dtype == GPUCC_F32)
            ((float *)x)[i] = f[i];
        else
            ((uint16_t *)x)[i] = dtype == GPUCC_F16 ? gpucc_float_to_f16(f[i]) : gpucc_float_to_bf16(f[i]);
    }
    gpucc_free_floats(f);
    return x;
}

/* One layer on the zero-copy and the copied backend of one implementation:
 * verified, the same bits, the copied call flagged and its copies timed. */
static void check_dense_case(gpucc_backend *zero_copy, gpucc_backend *copied, const gpucc_dense_shape *shape,
                             gpucc_dtype dtype, const char *label)
{
    size_t size = gpucc_dtype_size(dtype), y_bytes = shape->batch * shape->out * size;
    void *x = dense_data(dtype, shape->batch * shape->in, 1), *w = dense_data(dtype, shape->out * shape->in, 2),
         *b = dense_data(dtype, shape->out, 3);
    guarded want = guarded_alloc(y_bytes), got = guarded_alloc(y_bytes);
    char what[200];
    snprintf(what, sizeof what, "%s %s %zux%zux%zu %s", label, gpucc_dtype_name(dtype), shape->batch, shape->in,
             shape->out, gpucc_activation_name(shape->act));
    gpucc_backend *backends[] = {zero_copy, copied};
    guarded *outputs[] = {&want, &got};
    gpucc_call_info info;
    for (int i = 0; i < 2; i++) {
        guarded_poison(outputs[i]);
        gpucc_status status = gpucc_dense_typed(backends[i], shape, dtype, x, w, b, outputs[i]->out, &info);
        ck_assert_msg(status == GPUCC_OK, "%s: %s (%s)", what, gpucc_status_name(status), gpucc_last_error());
        guarded_check(outputs[i], what);
        gpucc_dense_check check;
        ck_assert_int_eq(gpucc_dense_verify_typed(shape, dtype, x, w, b, outputs[i]->out, 0, &check), GPUCC_OK);
        ck_assert_msg(check.bad == 0, "%s: %zu bad (worst %g of the bound), first at %zu", what, check.bad,
                      check.max_ratio, check.first_bad);
    }
    ck_assert_msg(info.flags == GPUCC_RESULT_COPIED, "%s: flags %#x", what, info.flags);
    ck_assert_msg(info.timing.transfer_ms > 0 && info.timing.kernel_ms > 0, "%s: transfer %g ms, kernel %g ms",
                  what, info.timing.transfer_ms, info.timing.kernel_ms);
    ck_assert_msg(memcmp(got.out, want.out, y_bytes) == 0, "%s: differs from the zero-copy output", what);
    free(want.raw);
    free(got.raw);
    free(x);
    free(w);
    free(b);
}

/* Shapes no multiple of a tile, a single row, and growing then shrinking
 * arrays; every type through gpucc's kernel, f32 through CLBlast too. */
START_TEST(test_dense_copied)
{
    static const gpucc_dense_shape shapes[] = {{3, 5, 7, GPUCC_ACT_RELU},
                                               {37, 65, 70, GPUCC_ACT_SIGMOID},
                                               {1, 300, 13, GPUCC_ACT_TANH},
                                               {5, 37, 13, GPUCC_ACT_NONE}};
    static const gpucc_dtype types[] = {GPUCC_F32, GPUCC_F16, GPUCC_BF16};
    gpucc_backend_config kernel = {.dense_impl = GPUCC_DENSE_KERNEL}, kernel_copied = kernel;
    kernel_copied.force_copy = 1;
    gpucc_backend *zero_copy = support_open(GPUCC_BACKEND_OPENCL, &kernel, "opencl(kernel)");
    gpucc_backend *copied = support_open(GPUCC_BACKEND_OPENCL, &kernel_copied, "opencl(kernel, copied)");
    for (size_t t = 0; t < COUNT(types); t++)
        for (size_t s = 0; s < COUNT(shapes); s++)
            check_dense_case(zero_copy, copied, &shapes[s], types[t], "kernel");
    gpucc_backend_close(copied);
    gpucc_backend_close(zero_copy);
    if (!support_built_with(SUPPORT_CLBLAST)) {
        support_note_skipped("dense through CLBlast, copied", SUPPORT_CLBLAST);
        return;
    }
    gpucc_backend_config blas = {.dense_impl = GPUCC_DENSE_CLBLAST}, blas_copied = blas;
    blas_copied.force_copy = 1;
    zero_copy = support_open(GPUCC_BACKEND_OPENCL, &blas, "opencl(clblast)");
    copied = support_open(GPUCC_BACKEND_OPENCL, &blas_copied, "opencl(clblast, copied)");
    for (size_t s = 0; s < COUNT(shapes); s++)
        check_dense_case(zero_copy, copied, &shapes[s], GPUCC_F32, "clblast");
    gpucc_backend_close(copied);
    gpucc_backend_close(zero_copy);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const tests[] = {test_map_every_type, test_dot_every_type, test_dense_copied};
    Suite *s = suite_create("opencl_staged");
    support_tcase(s, "staged", 0, tests, COUNT(tests));
    return s;
}
