/* Internal to the dot workload: its implementation on each backend kind.
 * Each computes x[0..n) . y[0..n), n >= 1, in the canonical order, sets
 * out->value and out->flags, and may set out->timing.kernel_ms and
 * transfer_ms (dot.c measures total_ms). */
#ifndef GPUCC_DOT_IMPL_H
#define GPUCC_DOT_IMPL_H

#include "gpucc.h"

typedef gpucc_status (*gpucci_dot_impl)(gpucc_backend *backend, const float *x, const float *y, size_t n,
                                        gpucc_reduce_result *out);

/* serial and pthreads (dot-cpu.c): the same block routine, on the pthreads
 * backend's pool where it has one. */
gpucc_status gpucci_dot_cpu(gpucc_backend *backend, const float *x, const float *y, size_t n,
                            gpucc_reduce_result *out);

/* OpenCL (dot-opencl.c, kernels/dot.cl); only in a build with OpenCL. */
gpucc_status gpucci_dot_opencl(gpucc_backend *backend, const float *x, const float *y, size_t n,
                               gpucc_reduce_result *out);

#endif
