/* Internal to the dot workload: its implementation on each backend kind.
 * Each computes x[0..n) . y[0..n), n >= 1 elements of dtype, in the
 * canonical order, sets out->value (out->integer for i32) and out->flags,
 * and may set out->timing.kernel_ms and transfer_ms (dot.c measures
 * total_ms). */
#ifndef GPUCC_DOT_IMPL_H
#define GPUCC_DOT_IMPL_H

#include <stdint.h>

#include "gpucc.h"

typedef gpucc_status (*gpucci_dot_impl)(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y,
                                        size_t n, gpucc_reduce_result *out);

/* serial and pthreads (dot-cpu.c): the same block routine, on the pthreads
 * backend's pool where it has one. */
gpucc_status gpucci_dot_cpu(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y, size_t n,
                            gpucc_reduce_result *out);

/* OpenCL (dot-opencl.c, kernels/dot.cl); only in a build with OpenCL. */
gpucc_status gpucci_dot_opencl(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y, size_t n,
                               gpucc_reduce_result *out);

/* The i32 dot product from its block partials: pairs[2b] and pairs[2b+1]
 * are the sums of block b's products' high 32 bits (signed) and low 32 bits
 * (unsigned), exact. Totals them in 128 bits into out->integer (and value);
 * a total outside int64 is GPUCC_E_OVERFLOW. (dot.c) */
gpucc_status gpucci_dot_integer_total(const int64_t *pairs, size_t blocks, gpucc_reduce_result *out);

#endif
