/*
 * gpucc's dot product: sum of x[i] * y[i] over float32 vectors, on any
 * backend. gpucc.h includes this header.
 *
 * Each product is widened to double, (double)x[i] * (double)y[i], which is
 * exact, and the products are summed in the canonical order of the
 * reduction (README, "Summation order"): blocks of 4096, 16 lanes, halving,
 * block partials combined pairwise. So the result is bitwise identical on
 * serial, pthreads (any thread count) and OpenCL (either kernel shape, any
 * work-group size, chunked or not); it is within 2^-24 * sum|x[i] * y[i]| of
 * the exact value.
 */
#ifndef GPUCC_DOT_H
#define GPUCC_DOT_H

#include "gpucc.h"

#ifdef __cplusplus
extern "C" {
#endif

/* out->value = sum of x[i] * y[i] for i in [0, n); n == 0 gives 0. NaN and
 * infinities follow IEEE arithmetic: a NaN, an infinity times zero, or
 * products of both infinite signs make it NaN. out->flags and out->timing
 * as for gpucc_reduce. GPUCC_E_INVALID for a NULL backend or out, a NULL x
 * or y with n > 0, or n * sizeof(float) overflowing; on OpenCL,
 * GPUCC_E_UNSUPPORTED (with a reason) where the device has no fp64 or the
 * backend was opened with force_no_fp64. */
GPUCC_API gpucc_status gpucc_dot(gpucc_backend *backend, const float *x, const float *y, size_t n,
                                 gpucc_reduce_result *out);

/* The exact reference of a dot product, with `threads` threads (0 = online
 * CPUs): out->sum is the exact sum of x[i] * y[i] and out->abs_sum that of
 * |x[i] * y[i]|, each correctly rounded to double; min and max are NaN (a
 * dot product has none). NaN and infinities follow IEEE as in gpucc_dot.
 * Check a result with gpucc_reduce_verify(GPUCC_REDUCE_SUM, value, ref,
 * &error): correct when |value - sum| <= 2^-24 * abs_sum. GPUCC_E_INVALID
 * for NULL arguments as in gpucc_dot; GPUCC_E_UNSUPPORTED for n above 2^40. */
GPUCC_API gpucc_status gpucc_dot_reference(const float *x, const float *y, size_t n, unsigned threads,
                                           gpucc_reference *out);

/* gpucc_measure for a dot product: every call is verified against ref
 * (from gpucc_dot_reference), and all calls must give bitwise the same
 * value. */
GPUCC_API gpucc_status gpucc_dot_measure(gpucc_backend *backend, const float *x, const float *y, size_t n,
                                         const gpucc_reference *ref, const gpucc_plan *plan,
                                         gpucc_measurement *out);

/* The same three over data of any dtype (x and y hold n elements each;
 * the functions above are these with GPUCC_F32):
 *  - f16, bf16: the products of the widened floats, exact in double, in the
 *    canonical order: bitwise the f32 dot product of the widened values;
 *  - f64: each product rounded once to double (never fused with the
 *    addition), summed in the canonical order: bitwise identical across
 *    backends, within GPUCC_SUM_RELATIVE_BOUND_F64 * sum|x[i] * y[i]|;
 *    the reference is double-double (products split exactly with fma);
 *  - i32: exact; out->integer holds the result, a result outside int64 is
 *    GPUCC_E_OVERFLOW (the reference's integer_overflow says so too).
 * Check a result with gpucc_reduce_verify_typed(GPUCC_REDUCE_SUM, dtype,
 * ...). On OpenCL, every dtype needs fp64 (GPUCC_E_UNSUPPORTED without). */
GPUCC_API gpucc_status gpucc_dot_typed(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y,
                                       size_t n, gpucc_reduce_result *out);
GPUCC_API gpucc_status gpucc_dot_reference_typed(gpucc_dtype dtype, const void *x, const void *y, size_t n,
                                                 unsigned threads, gpucc_reference *out);
GPUCC_API gpucc_status gpucc_dot_measure_typed(gpucc_backend *backend, gpucc_dtype dtype, const void *x,
                                               const void *y, size_t n, const gpucc_reference *ref,
                                               const gpucc_plan *plan, gpucc_measurement *out);

#ifdef __cplusplus
}
#endif

#endif
