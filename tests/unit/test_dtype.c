/* Tests of the data types' table (names, sizes, parsing) and of the
 * float32 <-> float16 / bfloat16 conversions: every 16-bit pattern round
 * trips, and float32 values round to nearest, ties to even, checked against
 * the compiler's own conversions where it has them. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "gpucc.h"
#include "support.h"

static uint32_t bits_of(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static float float_of(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

START_TEST(test_names_sizes_parse)
{
    static const struct {
        gpucc_dtype dtype;
        const char *name, *long_name;
        size_t size;
    } cases[] = {{GPUCC_F32, "f32", "float32", 4}, {GPUCC_F64, "f64", "float64", 8}, {GPUCC_F16, "f16", "float16", 2},
                 {GPUCC_BF16, "bf16", "bfloat16", 2}, {GPUCC_I32, "i32", "int32", 4}};
    ck_assert_int_eq(COUNT(cases), GPUCC_DTYPE_COUNT);
    for (size_t i = 0; i < COUNT(cases); i++) {
        ck_assert_str_eq(gpucc_dtype_name(cases[i].dtype), cases[i].name);
        ck_assert_str_eq(gpucc_dtype_long_name(cases[i].dtype), cases[i].long_name);
        ck_assert_uint_eq(gpucc_dtype_size(cases[i].dtype), cases[i].size);
        gpucc_dtype parsed = GPUCC_DTYPE_COUNT;
        ck_assert_int_eq(gpucc_dtype_parse(cases[i].name, &parsed), GPUCC_OK);
        ck_assert_int_eq(parsed, cases[i].dtype);
    }
    gpucc_dtype untouched = GPUCC_F64;
    ck_assert_int_eq(gpucc_dtype_parse("f8", &untouched), GPUCC_E_INVALID);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "f32, f64, f16, bf16 or i32"));
    ck_assert_int_eq(untouched, GPUCC_F64);
    ck_assert_int_eq(gpucc_dtype_parse("BF16", &untouched), GPUCC_OK);
    ck_assert_int_eq(untouched, GPUCC_BF16);
    ck_assert_ptr_null(gpucc_dtype_name(GPUCC_DTYPE_COUNT));
    ck_assert_uint_eq(gpucc_dtype_size((gpucc_dtype)-1), 0);
}
END_TEST

/* Every f16 and bf16 pattern widens to the float it stands for and narrows
 * back to itself (NaNs: to a quiet NaN of the same sign). */
START_TEST(test_round_trip_every_pattern)
{
    for (uint32_t p = 0; p <= 0xffff; p++) {
        uint16_t bits = (uint16_t)p;
        float h = gpucc_f16_to_float(bits);
        float b = gpucc_bf16_to_float(bits);
        ck_assert_uint_eq(bits_of(b), p << 16);
        int h_nan = (p & 0x7c00u) == 0x7c00u && (p & 0x3ffu);
        if (h_nan) {
            ck_assert(isnan(h));
            ck_assert_uint_eq(gpucc_float_to_f16(h), p | 0x0200u);
        } else {
            ck_assert_uint_eq(gpucc_float_to_f16(h), p);
            if ((p & 0x7c00u) != 0x7c00u) { /* finite: value = m * 2^(e - 25) */
                unsigned e = (p >> 10) & 0x1fu, m = p & 0x3ffu;
                double expected = e ? ldexp(1024 + m, (int)e - 25) : ldexp(m, -24);
                ck_assert(h == (p & 0x8000u ? -expected : expected));
            }
        }
        if (isnan(b))
            ck_assert_uint_eq(gpucc_float_to_bf16(b), p | 0x0040u);
        else
            ck_assert_uint_eq(gpucc_float_to_bf16(b), p);
    }
}
END_TEST

/* Rounding: halfway cases go to even, overflow to infinity, tiny values to
 * (signed) zero or the nearest subnormal. */
START_TEST(test_rounding_edges)
{
    ck_assert_uint_eq(gpucc_float_to_f16(65504.0f), 0x7bffu);
    ck_assert_uint_eq(gpucc_float_to_f16(65519.99f), 0x7bffu);
    ck_assert_uint_eq(gpucc_float_to_f16(65520.0f), 0x7c00u);
    ck_assert_uint_eq(gpucc_float_to_f16(-1e10f), 0xfc00u);
    ck_assert_uint_eq(gpucc_float_to_f16(1.0f + 0x1p-11f), 0x3c00u);            /* tie: to even (down) */
    ck_assert_uint_eq(gpucc_float_to_f16(1.0f + 3 * 0x1p-11f), 0x3c02u);        /* tie: to even (up) */
    ck_assert_uint_eq(gpucc_float_to_f16(0x1p-25f), 0x0000u);                   /* tie between 0 and 2^-24 */
    ck_assert_uint_eq(gpucc_float_to_f16(0x1.8p-25f), 0x0001u);
    ck_assert_uint_eq(gpucc_float_to_f16(-0x1p-30f), 0x8000u);
    ck_assert_uint_eq(gpucc_float_to_f16(0x1.ffcp-15f), 0x0400u);               /* rounds up to the smallest normal */
    ck_assert_uint_eq(gpucc_float_to_bf16(1.0f + 0x1p-8f), 0x3f80u);           /* tie: to even */
    ck_assert_uint_eq(gpucc_float_to_bf16(1.0f + 3 * 0x1p-8f), 0x3f82u);
    ck_assert_uint_eq(gpucc_float_to_bf16(float_of(0x7f7fffffu)), 0x7f80u);    /* FLT_MAX rounds to infinity */
}
END_TEST

/* Many float32 values against the compiler's correctly rounded _Float16
 * and a bfloat16 rounding computed in double. */
START_TEST(test_rounding_matches_reference)
{
    uint32_t state = 12345;
    for (int i = 0; i < 2000000; i++) {
        state = state * 1664525u + 1013904223u;
        uint32_t u = state;
        float f = float_of(u);
        if (isnan(f))
            continue;
#ifdef __FLT16_MAX__
        _Float16 h = (_Float16)f;
        uint16_t hb;
        memcpy(&hb, &h, sizeof hb);
        ck_assert_msg(gpucc_float_to_f16(f) == hb, "f16 of %a: %04x, expected %04x", (double)f,
                      gpucc_float_to_f16(f), hb);
#endif
        /* bf16: the nearest of the two neighbours (truncated, next), ties to even. */
        if (isinf(f))
            continue;
        /* The next bfloat16 away from zero; past the largest, 2^128 (infinity). */
        uint32_t low = u & 0xffff0000u, high = low + 0x10000u;
        double high_value = (high & 0x7f800000u) == 0x7f800000u ? copysign(0x1p128, (double)f) : (double)float_of(high);
        double dl = fabs((double)f - (double)float_of(low)), dh = fabs(high_value - (double)f);
        uint16_t expected = (uint16_t)((dl < dh || (dl == dh && !((low >> 16) & 1u))) ? low >> 16 : high >> 16);
        ck_assert_msg(gpucc_float_to_bf16(f) == expected, "bf16 of %a: %04x, expected %04x", (double)f,
                      gpucc_float_to_bf16(f), expected);
    }
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const table[] = {test_names_sizes_parse};
    const TTest *const conversions[] = {test_round_trip_every_pattern, test_rounding_edges,
                                        test_rounding_matches_reference};
    Suite *s = suite_create("dtype");
    support_tcase(s, "table", 0, table, COUNT(table));
    support_tcase(s, "conversions", 0, conversions, COUNT(conversions));
    return s;
}
