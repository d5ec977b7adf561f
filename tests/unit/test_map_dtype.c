/* Tests of gpucc_map_typed and gpucc_map_verify_typed over f64, f16, bf16
 * and i32 (f32 is test_map's): every function each type has, on serial,
 * pthreads (1 to 3 threads) and OpenCL (PoCL: zero-copy, copied, chunked
 * both ways; the cpu-shaped kernels and the gpu-shaped ones), at 1, 17,
 * 4099 and 100003 elements, plain and on the streaming paths, checked
 *  - against the typed reference (bad == 0): long double for f64, double
 *    rounded to the type for f16 and bf16, exact for i32;
 *  - for f16 and bf16 bit for bit against the same backend's f32 map of the
 *    widened elements, rounded once to the type here: the contract "compute
 *    in float, round once" on every backend;
 *  - for i32 bit for bit against the exact result computed here;
 *  - bitwise equal across the CPU backends (they run the same loops);
 *  - for writes past out[n): guard bytes that must survive every call.
 * Also special values (NaN, infinities, signed zeros, the largest and
 * subnormal values), i32 overflow reported (saturated, counted, never
 * wrapped), the refused combinations, the verifier catching wrong
 * elements, both CPU store paths, arrays off their element alignment
 * refused, and f64 UNSUPPORTED without fp64. */
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

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const gpucc_dtype typed[] = {GPUCC_F64, GPUCC_F16, GPUCC_BF16, GPUCC_I32};
static const size_t sizes[] = {1, 17, 4099, 100003};
static const double alpha = 1.5; /* every type holds it but i32, which gets 3 */

typedef struct {
    const char *label;
    gpucc_backend_kind kind;
    gpucc_backend_config config;
} spec;

static const spec specs[] = {
    {"serial", GPUCC_BACKEND_SERIAL, {0}},
    {"pthreads(1)", GPUCC_BACKEND_PTHREADS, {.threads = 1}},
    {"pthreads(2)", GPUCC_BACKEND_PTHREADS, {.threads = 2}},
    {"pthreads(3)", GPUCC_BACKEND_PTHREADS, {.threads = 3}},
    {"opencl", GPUCC_BACKEND_OPENCL, {0}},
    {"opencl(copied)", GPUCC_BACKEND_OPENCL, {.force_copy = 1}},
    {"opencl(chunked)", GPUCC_BACKEND_OPENCL, {.max_alloc = 4096 * 4}},
    {"opencl(chunked, copied)", GPUCC_BACKEND_OPENCL, {.max_alloc = 4096 * 4, .force_copy = 1}},
    {"opencl(gpu shape)", GPUCC_BACKEND_OPENCL, {.shape = GPUCC_SHAPE_GPU}},
    {"opencl(gpu shape, chunked, copied)", GPUCC_BACKEND_OPENCL,
     {.shape = GPUCC_SHAPE_GPU, .max_alloc = 4096 * 4, .force_copy = 1}},
};
enum { CPU_SPECS = 4, GUARD_BYTES = 64, GUARD_BYTE = 0xa5 };

static double alpha_of(gpucc_dtype dtype)
{
    return dtype == GPUCC_I32 ? 3.0 : alpha;
}

/* n random elements of dtype: floats of random sign and magnitude (f64
 * with all 52 mantissa bits random, f16 and bf16 rounded from floats with
 * |x| < 11, where exp stays finite in f16), i32 in [-2^15, 2^15) (square
 * and saxpy with alpha 3 fit in int32). */
static void *random_data(gpucc_dtype dtype, size_t n, uint64_t seed)
{
    void *x = malloc(n * gpucc_dtype_size(dtype));
    ck_assert_ptr_nonnull(x);
    float *f = support_random_floats(n, seed);
    uint64_t state = seed;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = support_splitmix64(&state);
        switch (dtype) {
        case GPUCC_F64: ((double *)x)[i] = (double)f[i] * (1.0 + (double)(r >> 12) * 0x1p-52); break;
        case GPUCC_F16: ((uint16_t *)x)[i] = gpucc_float_to_f16(fmodf(f[i], 11.0f)); break;
        case GPUCC_BF16: ((uint16_t *)x)[i] = gpucc_float_to_bf16(f[i]); break;
        default: ((int32_t *)x)[i] = (int32_t)(r >> 48) - 32768; break;
        }
    }
    free(f);
    return x;
}

/* An output of n elements of dtype followed by GUARD_BYTES guard bytes. */
static void *guarded_output(gpucc_dtype dtype, size_t n)
{
    size_t bytes = n * gpucc_dtype_size(dtype);
    unsigned char *out = malloc(bytes + GUARD_BYTES);
    ck_assert_ptr_nonnull(out);
    memset(out, GUARD_BYTE, bytes + GUARD_BYTES);
    return out;
}

static void check_guard(gpucc_dtype dtype, const void *out, size_t n, const char *what)
{
    const unsigned char *guard = (const unsigned char *)out + n * gpucc_dtype_size(dtype);
    for (size_t i = 0; i < GUARD_BYTES; i++)
        ck_assert_msg(guard[i] == GUARD_BYTE, "%s: wrote past the output (guard byte %zu)", what, i);
}

/* Element i of 16-bit float data, as a float. */
static float half_element(gpucc_dtype dtype, const void *x, size_t i)
{
    uint16_t bits = ((const uint16_t *)x)[i];
    return dtype == GPUCC_F16 ? gpucc_f16_to_float(bits) : gpucc_bf16_to_float(bits);
}

/* The contract of f16 and bf16: out is the backend's f32 map of the widened
 * elements rounded once to the type, bit for bit. */
static void check_half_against_f32(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, const void *x,
                                   const void *y, const void *out, size_t n, const char *what)
{
    float *xf = malloc(n * sizeof *xf), *yf = malloc(n * sizeof *yf), *of = malloc(n * sizeof *of);
    ck_assert(xf && yf && of);
    for (size_t i = 0; i < n; i++) {
        xf[i] = half_element(dtype, x, i);
        yf[i] = half_element(dtype, y, i);
    }
    gpucc_call_info info;
    ck_assert_int_eq(gpucc_map(backend, fn, (float)alpha, xf, yf, of, n, &info), GPUCC_OK);
    for (size_t i = 0; i < n; i++) {
        uint16_t want = dtype == GPUCC_F16 ? gpucc_float_to_f16(of[i]) : gpucc_float_to_bf16(of[i]);
        uint16_t got = ((const uint16_t *)out)[i];
        ck_assert_msg(got == want || (isnan(half_element(dtype, out, i)) && isnan(of[i])),
                      "%s: element %zu is 0x%04x, the f32 result %a rounded is 0x%04x", what, i, got, of[i], want);
    }
    free(xf);
    free(yf);
    free(of);
}

/* The i32 contract: out is the exact result, saturated outside int32. */
static void check_i32_exact(gpucc_map_fn fn, const int32_t *x, const int32_t *y, const int32_t *out, size_t n,
                            const char *what)
{
    for (size_t i = 0; i < n; i++) {
        int64_t v = x[i], exact = fn == GPUCC_MAP_SQUARE  ? v * v
                                  : fn == GPUCC_MAP_SAXPY ? 3 * v + y[i]
                                                          : (v < 0 ? 0 : v);
        int64_t want = exact > INT32_MAX ? INT32_MAX : exact < INT32_MIN ? INT32_MIN : exact;
        ck_assert_msg(out[i] == want, "%s: element %zu is %d, not %lld", what, i, out[i], (long long)want);
    }
}

/* The backends of specs, opened (NULL: OpenCL in a build without it). */
typedef struct {
    gpucc_backend *backends[COUNT(specs)];
} backend_set;

static backend_set open_all(void)
{
    backend_set set;
    for (size_t b = 0; b < COUNT(specs); b++)
        set.backends[b] = support_open_built(specs[b].kind, &specs[b].config, specs[b].label);
    return set;
}

static void close_all(backend_set *set)
{
    for (size_t b = 0; b < COUNT(specs); b++)
        gpucc_backend_close(set->backends[b]);
}

/* Maps x (and y) with fn on every backend; every output verifies against
 * the typed reference, keeps its guard, meets the type's contract above,
 * and the CPU backends agree bit for bit. */
static void check_every_backend(const backend_set *set, gpucc_map_fn fn, gpucc_dtype dtype, const void *x,
                                const void *y, size_t n, const char *data)
{
    size_t bytes = n * gpucc_dtype_size(dtype);
    void *first = NULL;
    for (size_t b = 0; b < COUNT(specs); b++) {
        gpucc_backend *backend = set->backends[b];
        if (!backend)
            continue;
        char what[160];
        snprintf(what, sizeof what, "%s %s %s n=%zu on %s", gpucc_dtype_name(dtype), gpucc_map_fn_name(fn), data, n,
                 specs[b].label);
        void *out = guarded_output(dtype, n);
        gpucc_call_info info;
        gpucc_status status = gpucc_map_typed(backend, fn, dtype, alpha_of(dtype), x, y, out, n, &info);
        ck_assert_msg(status == GPUCC_OK, "%s: %s", what, gpucc_last_error());
        check_guard(dtype, out, n, what);
        gpucc_map_check check;
        ck_assert_int_eq(gpucc_map_verify_typed(fn, dtype, alpha_of(dtype), x, y, out, n, 0, &check), GPUCC_OK);
        ck_assert_msg(check.bad == 0, "%s: %zu bad (max %g ulp), first at %zu", what, check.bad, check.max_ulp,
                      check.first_bad);
        if (dtype == GPUCC_F16 || dtype == GPUCC_BF16)
            check_half_against_f32(backend, fn, dtype, x, y, out, n, what);
        if (dtype == GPUCC_I32)
            check_i32_exact(fn, x, y, out, n, what);
        if (b < CPU_SPECS && first)
            ck_assert_msg(memcmp(out, first, bytes) == 0, "%s: differs from serial", what);
        if (b == 0)
            first = out;
        else
            free(out);
    }
    free(first);
}

/* Every type, function, size and backend, checked as the file's comment
 * says. */
static void check_every_type(void)
{
    backend_set set = open_all();
    for (size_t t = 0; t < COUNT(typed); t++)
        for (int f = 0; f < GPUCC_MAP_FN_COUNT; f++) {
            if (!gpucc_map_fn_has_dtype((gpucc_map_fn)f, typed[t]))
                continue;
            for (size_t s = 0; s < COUNT(sizes); s++) {
                void *x = random_data(typed[t], sizes[s], 100 + s), *y = random_data(typed[t], sizes[s], 200 + s);
                check_every_backend(&set, (gpucc_map_fn)f, typed[t], x, y, sizes[s], "random");
                free(x);
                free(y);
            }
        }
    close_all(&set);
}

START_TEST(test_every_type_function_and_backend)
{
    check_every_type();
}
END_TEST

/* The same on every backend's streaming path, which calls take where their
 * arrays exceed the last-level cache (assumed to be one byte here): the CPU
 * loops' streaming stores and the OpenCL cpu-shaped kernels' non-temporal
 * line stores, into outputs that mostly start off a line. */
START_TEST(test_every_type_streamed)
{
    gpucci_assume_last_level_cache(1);
    check_every_type();
}
END_TEST

/* NaN, infinities, signed zeros, the largest finite and the smallest
 * subnormal value, and values whose square or exp overflows the type, of
 * each float type (y holds the same values reversed). */
START_TEST(test_special_values)
{
    static const double f64_values[] = {NAN, INFINITY, -INFINITY, 0.0, -0.0, DBL_MAX, -DBL_MAX, 0x1p-1074,
                                        -0x1p-1074, 1e200, 710.0, -746.0, 1.0, -20.0};
    static const uint16_t f16_values[] = {0x7e00, 0x7c00, 0xfc00, 0x0000, 0x8000, 0x7bff, 0xfbff, 0x0001,
                                          0x8001, 0x5a00, 0x4b00, 0xcc00, 0x3c00, 0xc900};
    static const uint16_t bf16_values[] = {0x7fc0, 0x7f80, 0xff80, 0x0000, 0x8000, 0x7f7f, 0xff7f, 0x0001,
                                           0x8001, 0x5f80, 0x42b2, 0xc2d0, 0x3f80, 0xc1a0};
    enum { N = COUNT(f64_values) };
    _Static_assert(COUNT(f16_values) == N && COUNT(bf16_values) == N, "one list per type");
    const void *values[] = {f64_values, f16_values, bf16_values};
    backend_set set = open_all();
    for (size_t t = 0; t < 3; t++) {
        size_t size = gpucc_dtype_size(typed[t]);
        char *reversed = malloc(N * size);
        ck_assert_ptr_nonnull(reversed);
        for (size_t i = 0; i < N; i++)
            memcpy(reversed + i * size, (const char *)values[t] + (N - 1 - i) * size, size);
        for (int f = 0; f < GPUCC_MAP_FN_COUNT; f++)
            check_every_backend(&set, (gpucc_map_fn)f, typed[t], values[t], reversed, N, "special");
        free(reversed);
    }
    close_all(&set);
}
END_TEST

/* i32 results outside int32 are stored saturated and reported by the
 * verifier as overflows, on every backend: never wrapped. */
START_TEST(test_i32_overflow_reported)
{
    const int32_t x[] = {46340, 46341, -46341, INT32_MAX, INT32_MIN, 5};
    const int32_t y[] = {0, 0, 0, 0, -1, INT32_MAX};
    enum { N = COUNT(x) };
    /* square overflows from |x| = 46341 on (first at [1]); saxpy (alpha 3)
     * at the extremes and at 3 * 5 + INT32_MAX (first at [3]) */
    backend_set set = open_all();
    for (size_t b = 0; b < COUNT(specs); b++) {
        gpucc_backend *backend = set.backends[b];
        if (!backend)
            continue;
        const gpucc_map_fn fns[] = {GPUCC_MAP_SQUARE, GPUCC_MAP_SAXPY};
        const size_t overflows[] = {4, 3}, first_overflow[] = {1, 3};
        for (size_t f = 0; f < 2; f++) {
            int32_t out[N];
            gpucc_call_info info;
            ck_assert_int_eq(gpucc_map_typed(backend, fns[f], GPUCC_I32, 3.0, x, y, out, N, &info), GPUCC_OK);
            check_i32_exact(fns[f], x, y, out, N, specs[b].label);
            gpucc_map_check check;
            ck_assert_int_eq(gpucc_map_verify_typed(fns[f], GPUCC_I32, 3.0, x, y, out, N, 0, &check), GPUCC_OK);
            ck_assert_uint_eq(check.overflow, overflows[f]);
            ck_assert_uint_eq(check.bad, overflows[f]);
            ck_assert_uint_eq(check.first_bad, first_overflow[f]);
            ck_assert(isinf(check.max_ulp));
        }
    }
    close_all(&set);
}
END_TEST

/* sigmoid, tanh and exp are not defined on i32; saxpy's alpha must be an
 * integer of int32's range for i32 and a float for f16 and bf16. Each is
 * GPUCC_E_INVALID with a reason, and nothing is written. */
START_TEST(test_refused_combinations)
{
    gpucc_backend *backend = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
    int32_t x[3] = {1, 2, 3}, out[3] = {7, 7, 7};
    gpucc_call_info info;
    const gpucc_map_fn refused[] = {GPUCC_MAP_SIGMOID, GPUCC_MAP_TANH, GPUCC_MAP_EXP};
    for (size_t f = 0; f < COUNT(refused); f++) {
        ck_assert_int_eq(gpucc_map_fn_has_dtype(refused[f], GPUCC_I32), 0);
        ck_assert(isnan(gpucc_map_ulp_bound_typed(refused[f], GPUCC_I32)));
        ck_assert_int_eq(gpucc_map_typed(backend, refused[f], GPUCC_I32, 2.0, x, x, out, 3, &info), GPUCC_E_INVALID);
        ck_assert_msg(strstr(gpucc_last_error(), "not defined on i32"), "%s", gpucc_last_error());
        gpucc_map_check check;
        ck_assert_int_eq(gpucc_map_verify_typed(refused[f], GPUCC_I32, 2.0, x, x, out, 3, 0, &check),
                         GPUCC_E_INVALID);
    }
    const double bad_integer_alphas[] = {0.5, 2147483648.0, -2147483649.0, NAN};
    for (size_t a = 0; a < COUNT(bad_integer_alphas); a++) {
        ck_assert_int_eq(
            gpucc_map_typed(backend, GPUCC_MAP_SAXPY, GPUCC_I32, bad_integer_alphas[a], x, x, out, 3, &info),
            GPUCC_E_INVALID);
        ck_assert_msg(strstr(gpucc_last_error(), "alpha"), "%s", gpucc_last_error());
        gpucc_map_check check;
        ck_assert_int_eq(gpucc_map_verify_typed(GPUCC_MAP_SAXPY, GPUCC_I32, bad_integer_alphas[a], x, x, out, 3, 0,
                                                &check),
                         GPUCC_E_INVALID);
    }
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(out[i], 7);
    uint16_t h[3] = {0x3c00, 0x3c00, 0x3c00}, hout[3];
    ck_assert_int_eq(gpucc_map_typed(backend, GPUCC_MAP_SAXPY, GPUCC_F16, 0.1, h, h, hout, 3, &info), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_map_typed(backend, GPUCC_MAP_SAXPY, GPUCC_F16, 0.25, h, h, hout, 3, &info), GPUCC_OK);
    ck_assert_int_eq(gpucc_map_typed(backend, GPUCC_MAP_SQUARE, GPUCC_DTYPE_COUNT, 1.0, h, h, hout, 3, &info),
                     GPUCC_E_INVALID);
    for (int t = 0; t < GPUCC_DTYPE_COUNT; t++)
        for (int f = 0; f < GPUCC_MAP_FN_COUNT; f++)
            ck_assert_int_eq(gpucc_map_fn_has_dtype((gpucc_map_fn)f, (gpucc_dtype)t),
                             t != GPUCC_I32 || f == GPUCC_MAP_SQUARE || f == GPUCC_MAP_SAXPY || f == GPUCC_MAP_RELU);
    ck_assert_double_eq(gpucc_map_ulp_bound_typed(GPUCC_MAP_EXP, GPUCC_F64), 4.0);
    ck_assert_double_eq(gpucc_map_ulp_bound_typed(GPUCC_MAP_EXP, GPUCC_F16), 1.0);
    ck_assert_double_eq(gpucc_map_ulp_bound_typed(GPUCC_MAP_SQUARE, GPUCC_I32), 0.0);
    gpucc_backend_close(backend);
}
END_TEST

/* The verifier catches an element off by more than the bound in each type
 * and names the first. */
START_TEST(test_verifier_catches_errors)
{
    enum { N = 1000 };
    for (size_t t = 0; t < COUNT(typed); t++) {
        gpucc_dtype dtype = typed[t];
        void *x = random_data(dtype, N, 7);
        void *out = malloc(N * gpucc_dtype_size(dtype));
        gpucc_backend *backend = support_open(GPUCC_BACKEND_SERIAL, NULL, "serial");
        gpucc_call_info info;
        ck_assert_int_eq(gpucc_map_typed(backend, GPUCC_MAP_SQUARE, dtype, 1.0, x, x, out, N, &info), GPUCC_OK);
        gpucc_backend_close(backend);
        /* element 123 two ulps (i32: one unit) too large: the next pattern up, twice */
        switch (dtype) {
        case GPUCC_F64: ((double *)out)[123] = nextafter(nextafter(((double *)out)[123], INFINITY), INFINITY); break;
        case GPUCC_I32: ((int32_t *)out)[123] += 1; break;
        default: ((uint16_t *)out)[123] += 2; break;
        }
        gpucc_map_check check;
        ck_assert_int_eq(gpucc_map_verify_typed(GPUCC_MAP_SQUARE, dtype, 1.0, x, x, out, N, 0, &check), GPUCC_OK);
        ck_assert_msg(check.bad == 1 && check.first_bad == 123, "%s: %zu bad, first %zu", gpucc_dtype_name(dtype),
                      check.bad, check.first_bad);
        ck_assert_uint_eq(check.overflow, 0);
        free(x);
        free(out);
    }
}
END_TEST

/* The CPU loops' streaming and plain store paths give the same bits for
 * every type, at every element offset of a cache line. */
START_TEST(test_streaming_stores_every_type)
{
    enum { N = 4099 };
    for (size_t t = 0; t < COUNT(typed); t++) {
        gpucc_dtype dtype = typed[t];
        size_t size = gpucc_dtype_size(dtype);
        void *x = random_data(dtype, N, 3), *y = random_data(dtype, N, 4);
        for (int f = 0; f < GPUCC_MAP_FN_COUNT; f++) {
            if (!gpucc_map_fn_has_dtype((gpucc_map_fn)f, dtype))
                continue;
            for (size_t begin = 0; begin < 64 / size; begin += 3) {
                char *plain = guarded_output(dtype, N), *streamed = guarded_output(dtype, N);
                gpucci_cpu_map_range((gpucc_map_fn)f, dtype, alpha_of(dtype), x, y, plain, begin, N, false);
                gpucci_cpu_map_range((gpucc_map_fn)f, dtype, alpha_of(dtype), x, y, streamed, begin, N, true);
                ck_assert_msg(memcmp(plain, streamed, N * size + GUARD_BYTES) == 0, "%s %s from %zu: paths differ",
                              gpucc_dtype_name(dtype), gpucc_map_fn_name((gpucc_map_fn)f), begin);
                gpucc_map_check check;
                const char *xs = (const char *)x + begin * size, *ys = (const char *)y + begin * size;
                ck_assert_int_eq(gpucc_map_verify_typed((gpucc_map_fn)f, dtype, alpha_of(dtype), xs, ys,
                                                        streamed + begin * size, N - begin, 0, &check),
                                 GPUCC_OK);
                ck_assert_uint_eq(check.bad, 0);
                free(plain);
                free(streamed);
            }
        }
        free(x);
        free(y);
    }
}
END_TEST

/* Arrays off their element alignment (gpucc_map_typed takes void
 * pointers) are GPUCC_E_INVALID with the reason, on every backend, and
 * nothing is written. */
START_TEST(test_arrays_off_element_alignment)
{
    enum { N = 64 };
    backend_set set = open_all();
    float *x = support_random_floats(N + 1, 5), *y = support_random_floats(N + 1, 6);
    char *out = guarded_output(GPUCC_F32, N + 1);
    const char *xs = (const char *)x, *ys = (const char *)y;
    for (size_t b = 0; b < COUNT(specs); b++) {
        if (!set.backends[b])
            continue;
        gpucc_call_info info;
        ck_assert_int_eq(gpucc_map_typed(set.backends[b], GPUCC_MAP_SAXPY, GPUCC_F32, alpha, x, y, out + 1, N, &info),
                         GPUCC_E_INVALID);
        ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "not aligned"));
        ck_assert_int_eq(gpucc_map_typed(set.backends[b], GPUCC_MAP_SAXPY, GPUCC_F32, alpha, xs + 2, y, out, N, &info),
                         GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_map_typed(set.backends[b], GPUCC_MAP_SAXPY, GPUCC_F32, alpha, x, ys + 2, out, N, &info),
                         GPUCC_E_INVALID);
        ck_assert_int_eq(gpucc_map_typed(set.backends[b], GPUCC_MAP_SAXPY, GPUCC_F16, alpha, xs + 2, ys + 2, out + 2,
                                         N, &info),
                         GPUCC_OK); /* 2-byte elements at 2-byte addresses */
    }
    for (size_t i = 0; i < 2; i++)
        ck_assert_int_eq((unsigned char)out[i], GUARD_BYTE);
    free(out);
    gpucc_free_floats(x);
    gpucc_free_floats(y);
    close_all(&set);
}
END_TEST

/* Without fp64 (forced here) f64 maps are GPUCC_E_UNSUPPORTED with the
 * reason; the other types still run. */
START_TEST(test_opencl_without_fp64)
{
    gpucc_backend_config config = {.force_no_fp64 = 1};
    gpucc_backend *backend = support_open(GPUCC_BACKEND_OPENCL, &config, "opencl(no fp64)");
    double x[4] = {1, 2, 3, 4}, out[4];
    gpucc_call_info info;
    ck_assert_int_eq(gpucc_map_typed(backend, GPUCC_MAP_SQUARE, GPUCC_F64, 1.0, x, x, out, 4, &info),
                     GPUCC_E_UNSUPPORTED);
    ck_assert_msg(strstr(gpucc_last_error(), "fp64"), "%s", gpucc_last_error());
    uint16_t h[4] = {0x3c00, 0x4000, 0x4200, 0x4400}, hout[4];
    ck_assert_int_eq(gpucc_map_typed(backend, GPUCC_MAP_SQUARE, GPUCC_F16, 1.0, h, h, hout, 4, &info), GPUCC_OK);
    ck_assert_uint_eq(hout[1], 0x4400); /* 2 * 2 = 4 */
    gpucc_backend_close(backend);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const every_backend[] = {test_every_type_function_and_backend, test_every_type_streamed, test_arrays_off_element_alignment,
                                          test_special_values,
                                          test_i32_overflow_reported};
    const TTest *const cpu[] = {test_refused_combinations, test_verifier_catches_errors,
                                test_streaming_stores_every_type};
    const TTest *const opencl[] = {test_opencl_without_fp64};
    Suite *s = suite_create("map_dtype");
    support_tcase_mixed(s, "every_backend", 0, every_backend, COUNT(every_backend));
    support_tcase(s, "cpu", 0, cpu, COUNT(cpu));
    support_tcase_needing(s, SUPPORT_OPENCL, "opencl", 0, opencl, COUNT(opencl));
    return s;
}
