/* Internal API: the exact reference of a reduction, gathered in parts
 * (workloads/reduce/reference.c). gpucc_reference_compute is
 * gpucci_reference_tally_compute then gpucci_reference_of_tally; a vector
 * held by several processes is tallied by each over its own slice, the
 * tallies are added (exact: integer sums, min and max), and the reference
 * of the sum is bitwise the reference of the whole vector. */
#ifndef GPUCC_REFERENCE_H
#define GPUCC_REFERENCE_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"

/* One bin per float sign and biased exponent (the float's bits >> 23). */
#define GPUCCI_REFERENCE_BINS 512

typedef struct {
    uint64_t bins[GPUCCI_REFERENCE_BINS]; /* the sum of the 24-bit integer mantissas of each bin's elements */
    uint64_t n, nans, pos_infs, neg_infs; /* elements; NaNs and infinities among them */
    float min, max;                       /* over the elements that are not NaN; +inf, -inf when none */
} gpucci_reference_tally;

/* Tallies x[0..n) with `threads` threads (0 = online CPUs). Errors as
 * gpucc_reference_compute's. */
gpucc_status gpucci_reference_tally_compute(const float *x, size_t n, unsigned threads, gpucci_reference_tally *out);
/* The same for f32, f16 or bf16 elements (whose values are floats);
 * GPUCC_E_INVALID for another dtype. */
gpucc_status gpucci_reference_tally_compute_typed(gpucc_dtype dtype, const void *x, size_t n, unsigned threads,
                                                 gpucci_reference_tally *out);

/* into += t: the tally of both slices. */
void gpucci_reference_tally_add(gpucci_reference_tally *into, const gpucci_reference_tally *t);

/* The reference of a tally (GPUCC_E_UNSUPPORTED beyond 2^40 elements). */
gpucc_status gpucci_reference_of_tally(const gpucci_reference_tally *tally, gpucc_reference *out);

#endif
