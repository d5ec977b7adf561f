/* Internal API: a slice of the generator's stream (core/generate.c). */
#ifndef GPUCC_GENERATE_H
#define GPUCC_GENERATE_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"

/* Fills x[0..n) with elements first .. first + n - 1 of gpucc_generate's
 * stream for seed: x[i] is what gpucc_generate would put at index
 * first + i, so a process that generates its slice of a vector holds the
 * same values as one that generates the whole. GPUCC_E_INVALID when x is
 * NULL with n > 0 or the range overflows. */
gpucc_status gpucci_generate_range(float *x, size_t first, size_t n, uint64_t seed, unsigned threads);

#endif
