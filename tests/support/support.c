/* Helpers shared by the unit tests: see support.h. */
#include "support.h"
#include "build-info.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const uint32_t GUARD_BITS = 0x7fc0dead;     /* a quiet NaN no computation makes */
static const uint32_t UNWRITTEN_BITS = 0x7fa11ed0; /* out before a call writes it */

TCase *support_tcase(Suite *s, const char *name, double timeout_s, const TTest *const tests[], size_t count)
{
    TCase *tc = tcase_create(name);
    if (timeout_s > 0)
        tcase_set_timeout(tc, timeout_s);
    for (size_t i = 0; i < count; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    return tc;
}

uint64_t support_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += UINT64_C(0x9e3779b97f4a7c15));
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

/* n floats from gpucc_alloc_floats; fails the test when there is no memory. */
static float *alloc_floats(size_t n)
{
    float *x = gpucc_alloc_floats(n);
    ck_assert_msg(x != NULL, "gpucc_alloc_floats(%zu): %s", n, gpucc_last_error());
    return x;
}

float *support_random_floats(size_t n, uint64_t seed)
{
    float *x = alloc_floats(n);
    gpucc_status st = gpucc_generate(x, n, seed, 0);
    ck_assert_msg(st == GPUCC_OK, "gpucc_generate: %s", gpucc_last_error());
    return x;
}

void *support_random_typed(gpucc_dtype dtype, size_t n, uint64_t seed, int i32_bits)
{
    void *x = malloc((n ? n : 1) * gpucc_dtype_size(dtype));
    ck_assert_ptr_nonnull(x);
    float *f = support_random_floats(n ? n : 1, seed);
    uint64_t state = seed;
    for (size_t i = 0; i < n; i++) {
        uint64_t r = support_splitmix64(&state);
        switch (dtype) {
        case GPUCC_F64: ((double *)x)[i] = (double)f[i] * (1.0 + (double)(r >> 12) * 0x1p-52); break;
        case GPUCC_F16: ((uint16_t *)x)[i] = gpucc_float_to_f16(f[i]); break;
        case GPUCC_BF16: ((uint16_t *)x)[i] = gpucc_float_to_bf16(f[i]); break;
        case GPUCC_I32: ((int32_t *)x)[i] = (int32_t)(uint32_t)r >> (32 - i32_bits); break;
        default: ((float *)x)[i] = f[i]; break;
        }
    }
    free(f);
    return x;
}

double support_element(gpucc_dtype dtype, const void *x, size_t i)
{
    switch (dtype) {
    case GPUCC_F64: return ((const double *)x)[i];
    case GPUCC_F16: return gpucc_f16_to_float(((const uint16_t *)x)[i]);
    case GPUCC_BF16: return gpucc_bf16_to_float(((const uint16_t *)x)[i]);
    case GPUCC_I32: return ((const int32_t *)x)[i];
    default: return ((const float *)x)[i];
    }
}

float *support_uniform_floats(size_t n, uint64_t seed)
{
    float *x = alloc_floats(n);
    for (size_t i = 0; i < n; i++)
        x[i] = (float)((double)(support_splitmix64(&seed) >> 11) * 0x1p-52 - 1.0);
    return x;
}

float *support_filled(size_t n, float value)
{
    float *x = alloc_floats(n);
    for (size_t i = 0; i < n; i++)
        x[i] = value;
    return x;
}

uint32_t support_bits_of(float f)
{
    uint32_t bits;
    memcpy(&bits, &f, sizeof bits);
    return bits;
}

float support_float_of(uint32_t bits)
{
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}

/* Writes `bits` into n floats (memcpy: no float load may quiet a NaN). */
static void fill_bits(float *x, size_t n, uint32_t bits)
{
    for (size_t i = 0; i < n; i++)
        memcpy(&x[i], &bits, sizeof bits);
}

support_guarded support_guarded_alloc(size_t n, size_t offset)
{
    support_guarded g = {alloc_floats(SUPPORT_GUARD + offset + n + SUPPORT_GUARD), NULL, n, offset};
    g.out = g.raw + SUPPORT_GUARD + offset;
    fill_bits(g.raw, SUPPORT_GUARD + offset, GUARD_BITS);
    fill_bits(g.out + n, SUPPORT_GUARD, GUARD_BITS);
    support_guarded_poison(&g);
    return g;
}

void support_guarded_poison(support_guarded *g)
{
    fill_bits(g->out, g->n, UNWRITTEN_BITS);
}

/* (Finds the first overwritten guard and asserts once: each passing
 * ck_assert costs a write to Check's log.) */
void support_guarded_check(const support_guarded *g, const char *what)
{
    size_t before = SUPPORT_GUARD + g->offset;
    for (size_t i = 0; i < before + SUPPORT_GUARD; i++) {
        const float *p = i < before ? g->raw + i : g->out + g->n + (i - before);
        uint32_t bits;
        memcpy(&bits, p, sizeof bits);
        if (bits != GUARD_BITS)
            ck_abort_msg("%s n=%zu: guard %+td floats from out overwritten (0x%08x)", what, g->n,
                         p < g->out ? p - g->out : p - (g->out + g->n), bits);
    }
}

void support_guarded_free(support_guarded *g)
{
    gpucc_free_floats(g->raw);
}

gpucc_backend *support_open(gpucc_backend_kind kind, const gpucc_backend_config *config, const char *label)
{
    gpucc_backend *b = NULL;
    gpucc_status st = gpucc_backend_open(kind, config, &b);
    ck_assert_msg(st == GPUCC_OK, "open %s: %s (%s)", label, gpucc_status_name(st), gpucc_last_error());
    ck_assert_ptr_nonnull(b);
    return b;
}

int support_built_with(support_part part)
{
    const gpucci_build_info *build = gpucci_build();
    return part == SUPPORT_OPENCL ? build->opencl : build->clblast;
}

void support_note_skipped(const char *what, support_part part)
{
    /* CLBlast needs OpenCL: a build without OpenCL lacks both. */
    int no_opencl = !support_built_with(SUPPORT_OPENCL);
    printf("%s skipped: gpucc built without %s\n", what, part == SUPPORT_OPENCL || no_opencl ? "OpenCL" : "CLBlast");
    fflush(stdout); /* before Check forks: printed once */
}

gpucc_backend *support_open_built(gpucc_backend_kind kind, const gpucc_backend_config *config, const char *label)
{
    if (kind != GPUCC_BACKEND_OPENCL || support_built_with(SUPPORT_OPENCL))
        return support_open(kind, config, label);
    gpucc_backend *b = NULL;
    gpucc_status st = gpucc_backend_open(kind, config, &b);
    ck_assert_msg(st == GPUCC_E_UNAVAILABLE, "open %s in a build without OpenCL: %s, expected GPUCC_E_UNAVAILABLE",
                  label, gpucc_status_name(st));
    ck_assert_ptr_null(b);
    return NULL;
}

TCase *support_tcase_mixed(Suite *s, const char *name, double timeout_s, const TTest *const tests[], size_t count)
{
    if (!support_built_with(SUPPORT_OPENCL)) {
        char what[128];
        snprintf(what, sizeof what, "the OpenCL backends of test case '%s'", name);
        support_note_skipped(what, SUPPORT_OPENCL);
    }
    return support_tcase(s, name, timeout_s, tests, count);
}

START_TEST(test_opencl_unavailable)
{
    ck_assert_ptr_null(support_open_built(GPUCC_BACKEND_OPENCL, NULL, "opencl"));
    ck_assert_msg(strstr(gpucc_last_error(), "without OpenCL") != NULL, "%s", gpucc_last_error());
}
END_TEST

TCase *support_tcase_needing(Suite *s, support_part part, const char *name, double timeout_s,
                             const TTest *const tests[], size_t count)
{
    if (support_built_with(part))
        return support_tcase(s, name, timeout_s, tests, count);
    char what[128];
    snprintf(what, sizeof what, "test case '%s'", name);
    support_note_skipped(what, part);
    if (!support_built_with(SUPPORT_OPENCL)) {
        const TTest *const unavailable[] = {test_opencl_unavailable};
        support_tcase(s, name, 0, unavailable, COUNT(unavailable));
    }
    return NULL;
}
