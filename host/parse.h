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
int gpucc_parse_count(const char *text, uint64_t min, uint64_t max, uint64_t *out, char *why, size_t why_size);

#endif
