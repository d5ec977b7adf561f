#include "parse.h"

#include <ctype.h>
#include <stdio.h>

/* Appends one decimal digit to *value; returns -1 on uint64 overflow. */
static int push_digit(uint64_t *value, unsigned digit)
{
    if (*value > (UINT64_MAX - digit) / 10)
        return -1;
    *value = *value * 10 + digit;
    return 0;
}

int gpucc_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t why_size)
{
    const char *p = text;
    uint64_t value = 0;
    long scale = 0;    /* power of ten still to apply to value */
    int digits = 0, overflow = 0;
    unsigned long dropped = 0; /* nonzero fraction digits beyond uint64 */

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
    for (; isdigit((unsigned char)*p); p++, digits++)
        overflow |= push_digit(&value, (unsigned)(*p - '0'));
    if (*p == '.') {
        for (p++; isdigit((unsigned char)*p); p++, digits++) {
            if (overflow || push_digit(&value, (unsigned)(*p - '0')) != 0)
                dropped |= (unsigned long)(*p != '0');
            else
                scale--;
        }
    }
    if (digits == 0) {
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
        long exponent = 0;
        for (; isdigit((unsigned char)*p); p++)
            if (exponent < 100000)
                exponent = exponent * 10 + (*p - '0');
        scale += negative ? -exponent : exponent;
    }
    if (*p != '\0') {
        snprintf(why, why_size, "is not a number");
        return -1;
    }
    for (; scale < 0 && !overflow; scale++) {
        if (value % 10 != 0) {
            dropped = 1;
            break;
        }
        value /= 10;
    }
    if (dropped && value != 0 && !overflow) {
        snprintf(why, why_size, "is not an integer");
        return -1;
    }
    for (; scale > 0 && value != 0 && !overflow; scale--)
        overflow |= push_digit(&value, 0);
    if (overflow || value > max) {
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
