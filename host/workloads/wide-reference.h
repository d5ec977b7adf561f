/* Internal to the workloads: the references of reductions (y NULL) and
 * dot products (sum of x[i] * y[i]) over f64 and i32 data
 * (wide-reference.c). i32: exact (integer_sum, integer_overflow; sum and
 * abs_sum rounded from the exact values); f64: double-double, within about
 * n * 2^-100 * sum|term| of the exact sum. min and max: exact for a
 * reduction, NaN for a dot product. IEEE special values as the float
 * references. Errors as gpucci_exact_scan's. */
#ifndef GPUCC_WIDE_REFERENCE_H
#define GPUCC_WIDE_REFERENCE_H

#include <stdint.h>

#include "gpucc.h"

gpucc_status gpucci_reference_f64(const double *x, const double *y, size_t n, unsigned threads,
                                  gpucc_reference *out);
gpucc_status gpucci_reference_i32(const int32_t *x, const int32_t *y, size_t n, unsigned threads,
                                  gpucc_reference *out);

#endif
