/* Internal: the interface every backend implements (one ops table each).
 *
 * A new backend is one folder defining a gpucci_backend_ops, one line in the
 * registry of backends/backend.c and its sources in host/CMakeLists.txt. A
 * workload is one entry in the table; a backend may leave it NULL (the call
 * is then GPUCC_E_UNSUPPORTED). The workloads' public entry points
 * (host/workloads/<name>/) check arguments and time the calls; ops never
 * print. */
#ifndef GPUCC_BACKEND_IMPL_H
#define GPUCC_BACKEND_IMPL_H

#include <assert.h>

#include "gpucc.h"

typedef struct gpucci_backend_ops {
    gpucc_backend_kind kind;
    /* Sets backend->impl and backend->device. On failure frees what it made. */
    gpucc_status (*open)(gpucc_backend *backend, const gpucc_backend_config *config);
    void (*close)(gpucc_backend *backend);
    /* Reduces x[0..n), n >= 1, in the canonical order. Sets out->value and
     * out->flags; may set out->timing.kernel_ms and transfer_ms (the wrapper
     * measures total_ms, and kernel_ms defaults to it). */
    gpucc_status (*reduce)(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                           gpucc_reduce_result *out);
    /* out[0..n) = fn(x) (n >= 1). Sets info->flags, may set kernel and
     * transfer times like reduce. */
    gpucc_status (*map)(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                        float *out, size_t n, gpucc_call_info *info);
    /* Y = act(X W^T + b) for a checked shape. Sets info->impl and flags. */
    gpucc_status (*dense)(gpucc_backend *backend, const gpucc_dense_shape *shape, const float *x, const float *w,
                          const float *b, float *y, gpucc_call_info *info);
} gpucci_backend_ops;

struct gpucc_backend {
    const gpucci_backend_ops *ops;
    void *impl;
    uint32_t magic; /* GPUCC_BACKEND_MAGIC while open, 0 once closed */
    char device[512];
};

#define GPUCC_BACKEND_MAGIC 0x67707563u /* "gpuc" */

/* Debug builds: asserts that a non-NULL backend is open (catches a closed
 * or never-opened one where the memory still says so). */
#define GPUCC_ASSERT_OPEN(backend) assert(!(backend) || (backend)->magic == GPUCC_BACKEND_MAGIC)

extern const gpucci_backend_ops gpucci_serial_ops;
extern const gpucci_backend_ops gpucci_pthreads_ops;
extern const gpucci_backend_ops gpucci_opencl_ops;

#endif
