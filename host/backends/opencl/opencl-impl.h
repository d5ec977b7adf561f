/* Internal: the OpenCL backend's state, shared by its files: backend-opencl.c
 * (open/close, device choice, reduction), opencl-staging.c (the copy path's
 * pinned staging, step sizes and host copies), opencl-map.c and opencl-dense.c;
 * and lent to the workloads outside the ops table (backend-impl.h), which
 * create their kernels from `program` and use its context, queue and
 * configuration. */
#ifndef GPUCC_OPENCL_IMPL_H
#define GPUCC_OPENCL_IMPL_H

#include "backend-impl.h"
#include "cl-util.h"
#include "pool.h"
#include "reduce-order.h"

typedef struct opencl_map_state opencl_map_state;     /* opencl-map.c */

/* Copy path: a device buffer and the pinned host buffer (CL_MEM_ALLOC_HOST_PTR,
 * page-locked on a discrete GPU, mapped while it exists) that its copies go
 * through, of the same size; both or neither exist. */
typedef struct {
    cl_mem device;
    cl_mem pinned;
    void *host;      /* pinned's mapped address */
    size_t capacity; /* bytes each holds (0: none) */
} gpucci_staged_buffer;
typedef struct opencl_dense_state opencl_dense_state; /* opencl-dense.c */

typedef struct {
    gpucci_cl_device dev;
    cl_context context;
    cl_command_queue queue;  /* in order, with profiling: kernels and reads */
    cl_command_queue transfer_queue; /* copy mode with overlap: host-to-device copies */
    cl_command_queue readback_queue; /* copy mode with overlap: device-to-host copies (the map's outputs) */
    cl_program program;      /* reductions and the workloads' kernels (GPUCC_PROGRAM_SOURCES), f32 */
    cl_program typed_programs[GPUCC_DTYPE_COUNT]; /* the same for the other dtypes, built on first use */
    cl_kernel reduce[GPUCC_DTYPE_COUNT][GPUCC_REDUCE_OP_COUNT]; /* f32's from program, the others' from theirs */
    void (*notice)(void *ctx, const char *message); /* the config's, for builds after open */
    void *notice_ctx;
    int gpu_shape;           /* 1: GPU-shaped kernels; 0: CPU-shaped */
    int fp64;                /* 0: float-float fallback for sums */
    int zero_copy;           /* wrap host arrays (CL_MEM_USE_HOST_PTR) instead of copying */
    size_t local_size;       /* reduction work-group size */
    size_t chunk_elems;      /* floats per device buffer; a multiple of GPUCC_REDUCE_BLOCK */
    int overlap;             /* copy mode: copy step i+1 while step i computes */
    gpucci_staged_buffer inputs[2]; /* reduction, copy mode: double-buffered steps */
    gpucci_pool *copy_pool;  /* copy mode: threads that copy to and from the staging buffers */
    cl_mem partials_dev;     /* reduction: partials of one step (of the smallest dtype) */
    gpucci_partials partials;
    opencl_map_state *map;
    opencl_dense_state *dense;
} opencl_state;

/* The state of an OpenCL backend; NULL for a backend of another kind. */
opencl_state *gpucci_opencl_state(const gpucc_backend *backend);

size_t gpucci_round_up(size_t value, size_t multiple);

/* The program of the reductions and the workloads' kernels for elements of
 * dtype (gpucc-elements.h): s->program for f32, else built on first use (a
 * warm-up call) and kept. GPUCC_E_UNSUPPORTED, with the reason, for f64
 * and i32 where the backend has no fp64. */
gpucc_status gpucci_opencl_program(opencl_state *s, gpucc_dtype dtype, cl_program *out);

/* ---- The copy path (opencl-staging.c) ---- */

/* Bytes per step of a pipelined call: one device allocation's worth where
 * the device reads host memory (zero-copy), else at most a pipeline step. */
size_t gpucci_opencl_step_bytes(const opencl_state *s);

/* Elements of elem_size bytes per step: a multiple of `multiple` (0 when
 * not one multiple fits a step). */
size_t gpucci_opencl_step_elems(const opencl_state *s, size_t elem_size, size_t multiple);

/* Makes *buffer a device buffer with `flags` of at least `bytes` bytes;
 * *capacity is its size (0: none). Kept when large enough, else replaced
 * (its contents lost; nothing must still use it). On failure *buffer is
 * NULL and *capacity 0. `what` names the array in errors. */
gpucc_status gpucci_device_reserve(opencl_state *s, cl_mem *buffer, size_t *capacity, size_t bytes,
                                   cl_mem_flags flags, const char *what);

/* Makes *b hold at least `bytes` bytes: a device buffer with device_flags
 * and its pinned, mapped host buffer. Grows by replacing both; all or
 * nothing (on failure *b holds nothing). `what` names the array in errors. */
gpucc_status gpucci_staged_reserve(opencl_state *s, gpucci_staged_buffer *b, size_t bytes, cl_mem_flags device_flags,
                                   const char *what);

/* Unmaps and releases *b's buffers (nothing must still use them), leaving
 * it empty; NULL-safe on an empty one. */
void gpucci_staged_release(opencl_state *s, gpucci_staged_buffer *b);

/* Copies `bytes` bytes from src to dst with all of the copy pool's threads
 * (into a staging buffer before a copy to the device, out of one after a
 * copy back). Copy mode only. */
void gpucci_opencl_host_copy(opencl_state *s, void *dst, const void *src, size_t bytes);

/* Enqueues a kernel of the canonical order over `blocks` blocks on s->queue
 * after `wait` (or at once if NULL), in the backend's shape, writing one
 * partial per block into `partials`. The kernel's arguments from `arg` on
 * are the shape's (set here): the cpu shape's (ulong blocks_per_item,
 * partials), the gpu shape's (partials, __local double scratch[local size]);
 * the caller sets those before `arg`. */
gpucc_status gpucci_opencl_enqueue_blocks(opencl_state *s, cl_kernel kernel, cl_uint arg, size_t blocks,
                                          cl_mem partials, cl_event wait, cl_event *event);

/* Ends a call that enqueued events[0..count) in steps of `per_step` (the
 * last event of each step its kernel, the others its transfers; NULL
 * entries are skipped): waits for all the queues; when status is GPUCC_OK, sets
 * timing->kernel_ms and transfer_ms to the sums of the events' times;
 * releases the events and frees the array. Returns status, or clFinish's
 * failure. */
gpucc_status gpucci_opencl_finish_steps(opencl_state *s, gpucc_status status, cl_event *events, size_t count,
                                        size_t per_step, gpucc_timing *timing);

/* After a compilation that began at start_ms (gpucci_now_ms), tells the user
 * through the notice callback (if any) how long it took, when that was a
 * second or more. A notice before the build could only guess whether the
 * kernel cache is cold, and would claim so on every run; a warm cache loads
 * in well under a second, so a slow build is the one worth explaining. */
void gpucci_opencl_notice_slow(void (*notice)(void *ctx, const char *message), void *ctx, double start_ms,
                              const char *what);

/* Each sub-module builds its programs when the backend opens (never inside a
 * timed call) and frees everything in close (NULL-safe, idempotent). */
gpucc_status gpucci_opencl_map_open(opencl_state *s);
void gpucci_opencl_map_close(opencl_state *s);
gpucc_status gpucci_opencl_map(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                               const void *x, const void *y, void *out, size_t n, gpucc_call_info *info);

gpucc_status gpucci_opencl_dense_open(opencl_state *s, const gpucc_backend_config *config);
void gpucci_opencl_dense_close(opencl_state *s);
gpucc_status gpucci_opencl_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                                 const void *x, const void *w, const void *b, void *y, gpucc_call_info *info);

#endif
