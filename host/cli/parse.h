/* Internal: strict parsing of command-line numbers. */
#ifndef GPUCC_PARSE_H
#define GPUCC_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parses a non-negative integral count written as digits, optionally with a
 * fraction and a decimal exponent ("100000000", "1e8", "2.5e6"), into
 * [min, max]. The value must be integral ("1.5" is refused) and is computed
 * exactly (no floating point). Returns 0 on success; on failure returns -1
 * and writes a short reason ("is not an integer") into why. */
int cli_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t why_size);

/* Parses a real number as strtod reads it (decimal or hexadecimal, no
 * leading white space) into float32 when single is nonzero, else into
 * double, and stores it in *out. Refused, with a reason in why: text that is
 * not a number, NaN and infinity, a magnitude beyond the type's largest
 * finite value, and a nonzero value below its smallest normal magnitude
 * (FLT_MIN, DBL_MIN): such a value would silently become 0 or a subnormal
 * that has lost precision and that OpenCL devices may flush to 0. Returns 0
 * on success, else -1 with *out untouched. */
int cli_parse_real(const char *text, int single, double *out, char *why, size_t why_size);

#endif
