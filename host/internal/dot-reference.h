/* Internal API: the exact reference of a dot product,
 * gathered in parts (workloads/dot/dot-reference.c). gpucc_dot_reference is
 * gpucci_dot_tally_compute then gpucci_dot_reference_of_tally; vectors held
 * by several processes are tallied by each over its own slice, the tallies
 * are added (exact: integer sums), and the reference of the sum is bitwise
 * the reference of the whole vectors. */
#ifndef GPUCC_DOT_REFERENCE_H
#define GPUCC_DOT_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"

/* One bin per product sign and exponent: sign * 512 + ex' + ey' - 2
 * (dot-reference.c). */
#define GPUCCI_DOT_BINS 1024

typedef struct {
    unsigned __int128 bins[GPUCCI_DOT_BINS]; /* the sum of the 48-bit integer mantissa products of each bin */
    uint64_t n, nans, pos_infs, neg_infs;    /* products; NaN and infinite ones among them */
} gpucci_dot_tally;

/* Tallies x[0..n) . y[0..n) with `threads` threads (0 = online CPUs).
 * Errors as gpucc_dot_reference's. */
gpucc_status gpucci_dot_tally_compute(const float *x, const float *y, size_t n, unsigned threads,
                                      gpucci_dot_tally *out);

/* The same for f32, f16 or bf16 elements (whose values are floats);
 * GPUCC_E_INVALID for another dtype. */
gpucc_status gpucci_dot_tally_compute_typed(gpucc_dtype dtype, const void *x, const void *y, size_t n,
                                            unsigned threads, gpucci_dot_tally *out);

/* into += t: the tally of both slices. */
void gpucci_dot_tally_add(gpucci_dot_tally *into, const gpucci_dot_tally *t);

/* The reference of a tally (GPUCC_E_UNSUPPORTED beyond 2^40 products). */
gpucc_status gpucci_dot_reference_of_tally(const gpucci_dot_tally *tally, gpucc_reference *out);

#endif
