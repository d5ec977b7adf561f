/* Internal: the interface every backend implements (one ops table each).
 *
 * A new backend is one folder defining a gpucci_backend_ops, one line in the
 * registry of backends/backend.c and its sources in host/CMakeLists.txt. A
 * workload is one entry in the table; a backend may leave it NULL (the call
 * is then GPUCC_E_UNSUPPORTED). The workloads' public entry points
 * (host/workloads/<name>/) check arguments and time the calls; ops never
 * print.
 *
 * A workload may also live outside the table, in its own folder: it then
 * implements each backend itself, on what the backend lends it (the pthreads
 * pool below, the OpenCL backend's state and program in opencl-impl.h), and
 * keeps its own state on the backend in a workload slot, which the backend
 * frees when it closes. */
#ifndef GPUCC_BACKEND_IMPL_H
#define GPUCC_BACKEND_IMPL_H

#include <assert.h>

#include "gpucc.h"

typedef struct gpucci_backend_ops {
    gpucc_backend_kind kind;
    /* Sets backend->impl and backend->device. On failure frees what it made. */
    gpucc_status (*open)(gpucc_backend *backend, const gpucc_backend_config *config);
    void (*close)(gpucc_backend *backend);
    /* Reduces x[0..n), n >= 1 elements of dtype, in the canonical order.
     * Sets out->value (out->integer for i32) and out->flags; may set
     * out->timing.kernel_ms and transfer_ms (the wrapper measures total_ms,
     * and kernel_ms defaults to it). GPUCC_E_UNSUPPORTED for a dtype it
     * cannot run, with the reason. */
    gpucc_status (*reduce)(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype, const void *x, size_t n,
                           gpucc_reduce_result *out);
    /* out[0..n) = fn(x) (n >= 1) over elements of dtype, computed as
     * gpucc_map_typed says; fn is defined on dtype and alpha is exact in
     * the type it computes in (checked by the entry point). Sets
     * info->flags, may set kernel and transfer times like reduce.
     * GPUCC_E_UNSUPPORTED for a dtype it cannot run, with the reason. */
    gpucc_status (*map)(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha, const void *x,
                        const void *y, void *out, size_t n, gpucc_call_info *info);
    /* Y = act(X W^T + b) for a checked shape over arrays of dtype (f32,
     * f16 or bf16, checked), computed as gpucc_dense_typed says. Sets
     * info->impl and flags. */
    gpucc_status (*dense)(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype, const void *x,
                          const void *w, const void *b, void *y, gpucc_call_info *info);
} gpucci_backend_ops;

/* Frees what a workload's state on a backend holds (called before the
 * backend's own close, so its context and queues still exist); the state's
 * memory itself is freed by the backend. */
typedef void (*gpucci_workload_release)(gpucc_backend *backend, void *state);

/* Workloads outside the ops table that may keep state on one backend. */
enum { GPUCCI_WORKLOAD_SLOTS = 4 };

typedef struct {
    const void *key; /* the workload's: the address of one of its static objects; NULL: free slot */
    void *state;
    gpucci_workload_release release;
} gpucci_workload_slot;

struct gpucc_backend {
    const gpucci_backend_ops *ops;
    void *impl;
    uint32_t magic; /* GPUCC_BACKEND_MAGIC while open, 0 once closed */
    char device[512];
    gpucc_pci_location pci; /* the device's, where known (gpucc_backend_pci) */
    gpucci_workload_slot workloads[GPUCCI_WORKLOAD_SLOTS];
};

/* The state the workload `key` keeps on backend: found, or made on first
 * use (`size` bytes, zeroed) and kept until the backend closes, which then
 * calls release(backend, state) (unless NULL) and frees it. NULL, with the
 * last error set, when out of memory or every slot is taken. */
void *gpucci_workload_state(gpucc_backend *backend, const void *key, size_t size, gpucci_workload_release release);

/* The thread pool of a pthreads backend, for workloads that run their CPU
 * work on it; NULL for a backend of another kind. */
struct gpucci_pool *gpucci_pthreads_pool(const gpucc_backend *backend);

#define GPUCC_BACKEND_MAGIC 0x67707563u /* "gpuc" */

/* Debug builds: asserts that a non-NULL backend is open (catches a closed
 * or never-opened one where the memory still says so). */
#define GPUCC_ASSERT_OPEN(backend) assert(!(backend) || (backend)->magic == GPUCC_BACKEND_MAGIC)

extern const gpucci_backend_ops gpucci_serial_ops;
extern const gpucci_backend_ops gpucci_pthreads_ops;
extern const gpucci_backend_ops gpucci_opencl_ops;

#endif
