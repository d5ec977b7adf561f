/* Tests of host/parse.c: cli_parse_count, the strict parser behind every
 * count option (--size=1e8, --repeat=10, ...), and cli_parse_real, behind
 * the real-valued ones (--alpha, bench's --min-time). */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <float.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

/* ---- Helpers ---- */

/* Asserts that text parses into [min, max] as expected (and that the output
 * is written only on success). */
static void expect_value(const char *text, uint64_t min, uint64_t max, uint64_t expected)
{
    uint64_t out = 0xdeadbeef;
    char why[128] = "";
    int rc = cli_parse_count(text, min, max, &out, why, sizeof why);
    ck_assert_msg(rc == 0, "'%s' was refused: %s", text, why);
    ck_assert_msg(out == expected, "'%s' parsed as %llu, expected %llu", text, (unsigned long long)out,
                  (unsigned long long)expected);
}

/* Asserts that text is refused with a reason containing `reason`, and that
 * *out is left untouched. */
static void expect_refused(const char *text, uint64_t min, uint64_t max, const char *reason)
{
    uint64_t out = 0xdeadbeef;
    char why[128] = "";
    int rc = cli_parse_count(text, min, max, &out, why, sizeof why);
    ck_assert_msg(rc == -1, "'%.60s' was accepted as %llu (expected: %s)", text, (unsigned long long)out, reason);
    ck_assert_msg(strstr(why, reason) != NULL, "'%.60s' refused with '%s', expected a reason with '%s'", text, why,
                  reason);
    ck_assert_msg(out == 0xdeadbeef, "'%.60s': *out was written on failure", text);
}

#define ANY_MAX UINT64_MAX

/* ---- Valid input ---- */

START_TEST(test_plain_digits)
{
    expect_value("1", 0, ANY_MAX, 1);
    expect_value("0", 0, ANY_MAX, 0);
    expect_value("100000000", 0, ANY_MAX, 100000000);
    expect_value("+7", 0, ANY_MAX, 7);
    expect_value("007", 0, ANY_MAX, 7);
}
END_TEST

START_TEST(test_exponent)
{
    expect_value("1e8", 0, ANY_MAX, 100000000);
    expect_value("1E8", 0, ANY_MAX, 100000000);
    expect_value("1e0", 0, ANY_MAX, 1);
    expect_value("1e+3", 0, ANY_MAX, 1000);
    expect_value("1e18", 0, ANY_MAX, UINT64_C(1000000000000000000));
    expect_value("1e19", 0, ANY_MAX, UINT64_C(10000000000000000000));
    expect_value("100e-2", 0, ANY_MAX, 1);
    expect_value("0e99999999999", 0, ANY_MAX, 0);
}
END_TEST

START_TEST(test_fraction)
{
    expect_value("2.5e6", 0, ANY_MAX, 2500000);
    expect_value("1.0", 0, ANY_MAX, 1);
    expect_value("10.50e1", 0, ANY_MAX, 105);
    expect_value("0.5e1", 0, ANY_MAX, 5);
    expect_value("1.000000000000000000000000000000", 0, ANY_MAX, 1);
    expect_value("0.0000000000000000000000001e25", 0, ANY_MAX, 1);
}
END_TEST

START_TEST(test_max_boundary)
{
    expect_value("1000", 1, 1000, 1000);
    expect_value("1e3", 1, 1000, 1000);
    expect_value("1", 1, 1000, 1);
    expect_refused("1001", 1, 1000, "too large");
    expect_refused("1.001e3", 1, 1000, "too large");
    expect_refused("1e4", 1, 1000, "too large");
}
END_TEST

START_TEST(test_uint64_limit)
{
    expect_value("18446744073709551615", 0, UINT64_MAX, UINT64_MAX);
    expect_value("1.8446744073709551615e19", 0, UINT64_MAX, UINT64_MAX);
    expect_refused("18446744073709551616", 0, UINT64_MAX, "too large");
    expect_refused("18446744073709551620", 0, UINT64_MAX, "too large");
    /* Refused; the reason is not asserted: it currently reads "is not an
     * integer" (the fraction digit past uint64 is taken as a dropped one). */
    expect_refused("1.8446744073709551616e19", 0, UINT64_MAX, "");
    expect_refused("2e19", 0, UINT64_MAX, "too large");
    expect_refused("99999999999999999999", 0, UINT64_MAX, "too large");
}
END_TEST

/* ---- Invalid input, with the reason ---- */

START_TEST(test_not_a_number)
{
    expect_refused("abc", 0, ANY_MAX, "not a number");
    expect_refused("e5", 0, ANY_MAX, "not a number");
    expect_refused(".", 0, ANY_MAX, "not a number");
    expect_refused("+", 0, ANY_MAX, "not a number");
    expect_refused("1..2", 0, ANY_MAX, "not a number");
    expect_refused("1e8x", 0, ANY_MAX, "not a number");
    expect_refused(" 1", 0, ANY_MAX, "not a number");
    expect_refused("1 ", 0, ANY_MAX, "not a number");
    expect_refused("0x10", 0, ANY_MAX, "not a number");
    expect_refused("1,000", 0, ANY_MAX, "not a number");
    expect_refused("++1", 0, ANY_MAX, "not a number");
}
END_TEST

START_TEST(test_empty)
{
    expect_refused("", 0, ANY_MAX, "empty");
    expect_refused(NULL, 0, ANY_MAX, "empty");
}
END_TEST

START_TEST(test_negative)
{
    expect_refused("-1", 0, ANY_MAX, "negative");
    expect_refused("-0", 0, ANY_MAX, "negative");
    expect_refused("-1e8", 0, ANY_MAX, "negative");
}
END_TEST

START_TEST(test_malformed_exponent)
{
    expect_refused("1e", 0, ANY_MAX, "exponent");
    expect_refused("1e+", 0, ANY_MAX, "exponent");
    expect_refused("1e-", 0, ANY_MAX, "exponent");
    expect_refused("1ee5", 0, ANY_MAX, "exponent");
    expect_refused("1e 5", 0, ANY_MAX, "exponent");
}
END_TEST

START_TEST(test_not_an_integer)
{
    expect_refused("1.5", 0, ANY_MAX, "not an integer");
    expect_refused("1e-1", 0, ANY_MAX, "not an integer");
    expect_refused("0.5", 0, ANY_MAX, "not an integer");
    expect_refused("2.55e1", 0, ANY_MAX, "not an integer");
    expect_refused("0.0000000000000000000000000000001", 0, ANY_MAX, "not an integer");
}
END_TEST

START_TEST(test_too_large)
{
    expect_refused("1e30", 0, ANY_MAX, "too large");
    expect_refused("1e20", 0, ANY_MAX, "too large");
    /* A huge exponent must be refused promptly, not looped over. */
    expect_refused("1e99999999999", 0, ANY_MAX, "too large");
    expect_refused("1e999999999999999999999999999999", 0, ANY_MAX, "too large");
    /* The reason names the limit. */
    expect_refused("1e30", 1, UINT64_C(1) << 40, "at most 1099511627776");
}
END_TEST

START_TEST(test_huge_digit_string)
{
    enum { DIGITS = 5000 };
    char *text = malloc(DIGITS + 1);
    ck_assert_ptr_nonnull(text);
    text[0] = '1';
    memset(text + 1, '0', DIGITS - 1);
    text[DIGITS] = '\0';
    expect_refused(text, 0, ANY_MAX, "too large");
    memset(text, '9', DIGITS);
    expect_refused(text, 0, ANY_MAX, "too large");
    free(text);
}
END_TEST

START_TEST(test_below_min)
{
    expect_refused("0", 1, ANY_MAX, "at least 1");
    expect_refused("0e5", 1, ANY_MAX, "at least 1");
    expect_refused("9", 10, 20, "at least 10");
    expect_value("10", 10, 20, 10);
}
END_TEST

START_TEST(test_reason_fits_small_buffer)
{
    /* The reason is truncated to the buffer, never overrun. */
    char why[8];
    memset(why, 'X', sizeof why);
    uint64_t out;
    ck_assert_int_eq(cli_parse_count("1e30", 0, ANY_MAX, &out, why, 6), -1);
    ck_assert_int_eq(why[5], '\0');
    ck_assert_int_eq(why[6], 'X');
    ck_assert_int_eq(why[7], 'X');
}
END_TEST

/* ---- cli_parse_real ---- */

/* Parses text as a float32 (single) or double. With reason NULL, asserts
 * that it is accepted as expected; otherwise that it is refused with a
 * reason containing `reason` and *out left untouched. */
static void check_real(const char *text, int single, const char *reason, double expected)
{
    double out = -12345;
    char why[128] = "";
    int rc = cli_parse_real(text, single, &out, why, sizeof why);
    if (!reason) {
        ck_assert_msg(rc == 0, "'%s' was refused: %s", text, why);
        ck_assert_msg(out == expected, "'%s' parsed as %.17g, expected %.17g", text, out, expected);
        return;
    }
    ck_assert_msg(rc == -1, "'%s' was accepted as %.17g (expected: %s)", text, out, reason);
    ck_assert_msg(strstr(why, reason) != NULL, "'%s' refused with '%s', expected a reason with '%s'", text, why,
                  reason);
    ck_assert_msg(out == -12345, "'%s': *out was written on failure", text);
}

#define expect_real(text, single, expected) check_real(text, single, NULL, expected)
#define expect_real_refused(text, single, reason) check_real(text, single, reason, 0)

START_TEST(test_real_valid)
{
    expect_real("2", 1, 2.0);
    expect_real("-2.5", 1, -2.5);
    expect_real("0", 1, 0.0);
    expect_real("-0", 1, 0.0);
    expect_real("0e-999", 1, 0.0); /* an exact zero is no underflow */
    expect_real("1e-3", 1, (double)1e-3f);
    expect_real("0x1p-3", 1, 0.125);
    expect_real("1e-300", 0, 1e-300); /* normal as a double */
    expect_real("3.4028234e38", 1, (double)FLT_MAX);
    expect_real("1.17549435e-38", 1, (double)FLT_MIN); /* the smallest normal float32 */
}
END_TEST

START_TEST(test_real_underflow)
{
    /* 1e-50 is not representable as a nonzero float32: before the fix it
     * silently became 0. */
    expect_real_refused("1e-50", 1, "too small for float32");
    expect_real_refused("-1e-50", 1, "too small for float32");
    /* Subnormal float32 values: precision lost, and devices may flush them. */
    expect_real_refused("1e-40", 1, "too small for float32");
    expect_real_refused("0x1p-149", 1, "too small for float32");
    expect_real_refused("1e-400", 0, "too small for double");
    expect_real_refused("1e-310", 0, "too small for double");
}
END_TEST

START_TEST(test_real_overflow)
{
    expect_real_refused("1e39", 1, "too large for float32");
    expect_real_refused("-1e39", 1, "too large for float32");
    expect_real_refused("1e309", 0, "too large for double");
    expect_real("1e39", 0, 1e39);
}
END_TEST

START_TEST(test_real_malformed)
{
    expect_real_refused("", 1, "is empty");
    expect_real_refused("abc", 1, "not a number");
    expect_real_refused("2x", 1, "not a number");
    expect_real_refused(" 2", 1, "not a number");
    expect_real_refused("2 ", 1, "not a number");
    expect_real_refused("inf", 1, "must be finite");
    expect_real_refused("-infinity", 0, "must be finite");
    expect_real_refused("nan", 1, "must be finite");
}
END_TEST

static Suite *parse_suite(void)
{
    Suite *s = suite_create("parse");
    TCase *tc = tcase_create("count");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_plain_digits);
    tcase_add_test(tc, test_exponent);
    tcase_add_test(tc, test_fraction);
    tcase_add_test(tc, test_max_boundary);
    tcase_add_test(tc, test_uint64_limit);
    tcase_add_test(tc, test_not_a_number);
    tcase_add_test(tc, test_empty);
    tcase_add_test(tc, test_negative);
    tcase_add_test(tc, test_malformed_exponent);
    tcase_add_test(tc, test_not_an_integer);
    tcase_add_test(tc, test_too_large);
    tcase_add_test(tc, test_huge_digit_string);
    tcase_add_test(tc, test_below_min);
    tcase_add_test(tc, test_reason_fits_small_buffer);
    suite_add_tcase(s, tc);
    TCase *real = tcase_create("real");
    tcase_add_test(real, test_real_valid);
    tcase_add_test(real, test_real_underflow);
    tcase_add_test(real, test_real_overflow);
    tcase_add_test(real, test_real_malformed);
    suite_add_tcase(s, real);
    return s;
}

int main(void)
{
    SRunner *runner = srunner_create(parse_suite());
    srunner_run_all(runner, CK_NORMAL);
    int failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
