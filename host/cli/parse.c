#include "parse.h"

#include <ctype.h>
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Counts above 10^20 do not fit in uint64_t; longer digit strings are
 * refused as too large without being evaluated. */
enum { MAX_DIGITS = 20 };

int cli_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t why_size)
{
    char digits[MAX_DIGITS + 1]; /* significant digits, no leading zeros */
    size_t count = 0;            /* significant digits seen (may exceed MAX_DIGITS) */
    long exponent = 0;           /* value = digits * 10^exponent */
    int any_digit = 0;
    int dropped_nonzero = 0;     /* a nonzero digit beyond the kept ones */
    const char *p = text;

    if (!text || !*text) {
        snprintf(why, why_size, "is empty");
        return -1;
    }
    if (*p == '-') {
        snprintf(why, why_size, "must not be negative");
        return -1;
    }
    if (*p == '+')
        p++;
    for (int fraction = 0;; p++) {
        if (*p == '.' && !fraction) {
            fraction = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        any_digit = 1;
        if (count == 0 && *p == '0') { /* a leading zero */
            exponent -= fraction;
            continue;
        }
        if (count < MAX_DIGITS)
            digits[count] = *p;
        else
            exponent++; /* a digit beyond the kept ones: tracked as a power of ten */
        dropped_nonzero |= count >= MAX_DIGITS && *p != '0';
        count++;
        exponent -= fraction;
    }
    if (!any_digit) {
        snprintf(why, why_size, "is not a number");
        return -1;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        int negative = *p == '-';
        if (*p == '+' || *p == '-')
            p++;
        if (!isdigit((unsigned char)*p)) {
            snprintf(why, why_size, "has a malformed exponent");
            return -1;
        }
        long value = 0;
        for (; isdigit((unsigned char)*p); p++)
            if (value < 1000000)
                value = value * 10 + (*p - '0');
        exponent += negative ? -value : value;
    }
    if (*p != '\0') {
        snprintf(why, why_size, "is not a number");
        return -1;
    }
    size_t kept = count < MAX_DIGITS ? count : MAX_DIGITS;
    if (dropped_nonzero) { /* more than 20 significant digits */
        if ((long)kept + exponent > MAX_DIGITS)
            snprintf(why, why_size, "is too large (at most %llu)", (unsigned long long)max);
        else
            snprintf(why, why_size, "is not an integer");
        return -1;
    }
    while (kept > 0 && digits[kept - 1] == '0') { /* trailing zeros into the exponent */
        kept--;
        exponent++;
    }
    uint64_t value = 0;
    if (kept > 0) {
        if (exponent < 0) {
            snprintf(why, why_size, "is not an integer");
            return -1;
        }
        if ((long)kept + exponent > MAX_DIGITS) {
            snprintf(why, why_size, "is too large (at most %llu)", (unsigned long long)max);
            return -1;
        }
        for (long i = 0; i < (long)kept + exponent; i++) {
            unsigned digit = i < (long)kept ? (unsigned)(digits[i] - '0') : 0;
            if (value > (UINT64_MAX - digit) / 10) {
                snprintf(why, why_size, "is too large (at most %llu)", (unsigned long long)max);
                return -1;
            }
            value = value * 10 + digit;
        }
    }
    if (value > max) {
        snprintf(why, why_size, "is too large (at most %llu)", (unsigned long long)max);
        return -1;
    }
    if (value < min) {
        snprintf(why, why_size, "must be at least %llu", (unsigned long long)min);
        return -1;
    }
    *out = value;
    return 0;
}

int cli_parse_real(const char *text, int single, double *out, char *why, size_t why_size)
{
    const char *type = single ? "float32" : "double";
    double largest = single ? FLT_MAX : DBL_MAX, smallest = single ? FLT_MIN : DBL_MIN;
    if (!text || !*text) {
        snprintf(why, why_size, "is empty");
        return -1;
    }
    char *end;
    errno = 0;
    double value = single ? strtof(text, &end) : strtod(text, &end);
    int out_of_range = errno == ERANGE;
    if (isspace((unsigned char)*text) || end == text || *end != '\0') {
        snprintf(why, why_size, "is not a number");
        return -1;
    }
    if (isinf(value) && out_of_range) {
        snprintf(why, why_size, "is too large for %s (magnitude at most %.*g)", type, single ? 9 : 17, largest);
        return -1;
    }
    if (!isfinite(value)) {
        snprintf(why, why_size, "must be finite");
        return -1;
    }
    if (value == 0 ? out_of_range : fabs(value) < smallest) {
        snprintf(why, why_size, "is too small for %s (nonzero magnitude at least %.*g)", type, single ? 9 : 17,
                 smallest);
        return -1;
    }
    *out = value;
    return 0;
}
