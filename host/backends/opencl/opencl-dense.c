/* The OpenCL dense layer Y = act(X W^T + b): gpucc's own kernel
 * (kernels/dense.cl, bias and activation fused), CLBlast's SGEMM followed by
 * a small bias + activation kernel, or, with GPUCC_DENSE_AUTO, whichever of
 * the two is faster for the shape (measured once per shape, then cached).
 * In a build without CLBlast, auto is gpucc's kernel and asking for CLBlast
 * is GPUCC_E_UNAVAILABLE when the backend opens.
 *
 * Where the device shares host memory (PoCL) each call wraps the caller's
 * arrays in buffers (CL_MEM_USE_HOST_PTR) and maps Y once at the end so
 * that the result is visible to the host. Elsewhere (the copy path) X, W and
 * b are copied by all cores into pinned staging buffers and written from
 * there to device buffers, and Y is read back through its own pinned
 * buffer (opencl-staging.c; all kept between calls and grown as needed);
 * the device copies are transfer_ms. The copies run in sequence, unlike the
 * reduction's and the map's pipelines: the kernel needs all of W before its
 * first output, so a pipeline could hide only X's and Y's copies (a third
 * of the bytes at batch 1024, in = out = 4096), and large layers are bound
 * by compute: 2 * batch * in * out flops on batch * in + out * in +
 * batch * out elements, 340 flops per byte copied at that shape (small
 * layers are bound by the copies and the launch). Each array must fit in
 * one device allocation: dense arrays beyond CL_DEVICE_MAX_MEM_ALLOC_SIZE
 * (or config.max_alloc) are out of scope, and such calls return
 * GPUCC_E_UNSUPPORTED rather than being split.
 *
 * f16 and bf16 (gpucc_dense_typed) always run gpucc's kernel, from a program
 * of their own (dense.cl with GPUCC_ELEM_F16 or _BF16) built on the type's
 * first call: CLBlast has no bf16, and its half-precision GEMM needs
 * cl_khr_fp16, which a device (PoCL's CPU device) may lack. From batch
 * WIDEN_MIN_BATCH on, X and W are first widened into float device buffers
 * (dense_widen; kept between calls, grown as needed) and the tile kernel
 * reads those (dense_tile_4x6_floats), so that each element is converted
 * once rather than once per tile that reads it; where a widened array would
 * exceed one allocation, and for smaller batches (where W's widening pass
 * would cost more than it saves), the tiles widen as they read. The
 * results are the same bits either way.
 *
 * No result is trusted here, CLBlast's included: a CLBlast success status
 * only means that it ran. The caller verifies Y (gpucc_dense_verify), as
 * the tests and the benchmarks do for every call. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded-kernels.h"
#include "error.h"
#include "opencl-clblast.h"
#include "opencl-impl.h"
#include "timer.h"

/* Tile of the general kernel and of the batch == 1 kernel (dense.cl). */
enum { TILE_ROWS = 4, TILE_COLS = 6, ROW_TILE_COLS = 8 };
/* Work-group sizes. CPU: 4 work-items along batch per group, measured on
 * PoCL (1x1 and 2x1 lose 10-30% to scheduling, 4x1 and 8x1 are equal). */
enum { CPU_GROUP_ROWS = 4, GPU_GROUP_ROWS = 4, GPU_GROUP_COLS = 16, GPU_ROW_GROUP = 64 };
/* Bias + activation kernel: chunks per compute unit (CPU), group size (GPU). */
enum { CPU_BIAS_ITEMS_PER_UNIT = 16, GPU_BIAS_GROUP = 256 };
/* f16 and bf16: the smallest batch whose X and W are widened first; the
 * widening kernel's elements per work-item on a GPU (one float16), and its
 * work-items per compute unit on a CPU (contiguous runs of whole float16s,
 * enough of them for PoCL to balance its threads; the bias kernel's count,
 * not measured apart). */
enum { WIDEN_MIN_BATCH = 16, GPU_WIDEN_PER_ITEM = 16, CPU_WIDEN_ITEMS_PER_UNIT = 16 };
/* Shapes whose auto choice is remembered (round-robin replacement). */
enum { AUTO_CACHE_SIZE = 16 };

typedef enum { IMPL_KERNEL, IMPL_CLBLAST } dense_impl;

static const char *const impl_names[] = {"kernel", "clblast"};

typedef struct {
    size_t batch, in, out; /* 0 batch: empty slot */
    dense_impl choice;
} auto_entry;

struct opencl_dense_state {
    cl_program programs[GPUCC_DTYPE_COUNT]; /* f32's built at open; f16's and bf16's on first use */
    cl_kernel tile[GPUCC_DTYPE_COUNT];      /* dense_tile_4x6 of each program */
    cl_kernel row[GPUCC_DTYPE_COUNT];       /* dense_tile_1x8, batch == 1 */
    cl_kernel widen[GPUCC_DTYPE_COUNT];     /* f16, bf16: dense_widen */
    cl_kernel tile_floats[GPUCC_DTYPE_COUNT]; /* f16, bf16: dense_tile_4x6_floats */
    /* f16, bf16: X and W widened to floats on the device (kept between
     * calls, grown as needed, freed at close) and their sizes in bytes. */
    cl_mem widened[2];
    size_t widened_bytes[2];
    cl_kernel bias_act; /* after CLBlast (f32) */
    int mode;           /* config->dense_impl: GPUCC_DENSE_AUTO, _CLBLAST or _KERNEL */
    uint64_t max_alloc; /* bytes per buffer */
    void (*notice)(void *ctx, const char *message);
    void *notice_ctx;
    int clblast_used;   /* retained CLBlast (gpucci_clblast_retain) */
    auto_entry cache[AUTO_CACHE_SIZE];
    size_t cache_next;
    /* Copy mode: device buffers for X, W, b and Y with their pinned
     * staging, kept between calls and grown when a call needs more (freed
     * at close). */
    gpucci_staged_buffer staged[4];
};

enum { BUF_X, BUF_W, BUF_B, BUF_Y };

/* Creates a kernel of program into *kernel (NULL on failure). */
static gpucc_status create_kernel(cl_program program, const char *name, cl_kernel *kernel)
{
    cl_int err;
    *kernel = clCreateKernel(program, name, &err);
    if (err == CL_SUCCESS)
        return GPUCC_OK;
    *kernel = NULL;
    return gpucci_cl_fail(err, name);
}

/* Releases the program of dtype and its kernels (those that exist). */
static void release_program(opencl_dense_state *d, gpucc_dtype dtype)
{
    cl_kernel *kernels[] = {&d->tile[dtype], &d->row[dtype], &d->widen[dtype], &d->tile_floats[dtype]};
    for (size_t i = 0; i < sizeof kernels / sizeof kernels[0]; i++) {
        if (*kernels[i])
            clReleaseKernel(*kernels[i]);
        *kernels[i] = NULL;
    }
    if (d->programs[dtype])
        clReleaseProgram(d->programs[dtype]);
    d->programs[dtype] = NULL;
}

/* Builds the dense program of dtype and creates its tile kernels; all or
 * nothing (what was made is released on failure, so that a later call
 * tries again). */
static gpucc_status build_program(opencl_state *s, gpucc_dtype dtype)
{
    static const char *const element_macros[GPUCC_DTYPE_COUNT] = {
        [GPUCC_F32] = "", [GPUCC_F16] = "-DGPUCC_ELEM_F16", [GPUCC_BF16] = "-DGPUCC_ELEM_BF16"};
    opencl_dense_state *d = s->dense;
    const char *sources[] = {gpucci_src_gpucc_elementwise_h, gpucci_src_gpucc_map_h, gpucci_src_gpucc_elements_h,
                             gpucci_src_dense_cl};
    gpucc_status status = gpucci_cl_build(s->context, s->dev.device, sources, sizeof sources / sizeof sources[0],
                                          element_macros[dtype], &d->programs[dtype]);
    if (status == GPUCC_OK)
        status = create_kernel(d->programs[dtype], "dense_tile_4x6", &d->tile[dtype]);
    if (status == GPUCC_OK)
        status = create_kernel(d->programs[dtype], "dense_tile_1x8", &d->row[dtype]);
    if (status == GPUCC_OK && dtype != GPUCC_F32)
        status = create_kernel(d->programs[dtype], "dense_widen", &d->widen[dtype]);
    if (status == GPUCC_OK && dtype != GPUCC_F32)
        status = create_kernel(d->programs[dtype], "dense_tile_4x6_floats", &d->tile_floats[dtype]);
    if (status != GPUCC_OK)
        release_program(d, dtype);
    return status;
}

/* The tile kernels of f16 or bf16, built on the type's first call (a
 * warm-up), saying so through the notice callback when that was slow. */
static gpucc_status ensure_program(opencl_state *s, gpucc_dtype dtype)
{
    opencl_dense_state *d = s->dense;
    if (d->programs[dtype])
        return GPUCC_OK;
    double start = gpucci_now_ms();
    gpucc_status status = build_program(s, dtype);
    if (status != GPUCC_OK)
        return status;
    char what[300];
    snprintf(what, sizeof what, "building OpenCL %s dense kernels for %s", gpucc_dtype_name(dtype),
             s->dev.info.name);
    gpucci_opencl_notice_slow(d->notice, d->notice_ctx, start, what);
    return GPUCC_OK;
}

gpucc_status gpucci_opencl_dense_open(opencl_state *s, const gpucc_backend_config *config)
{
    opencl_dense_state *d = calloc(1, sizeof *d);
    if (!d)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the dense state");
    s->dense = d;
    d->mode = config->dense_impl; /* in range: checked by gpucc_backend_open */
    d->max_alloc = s->dev.info.max_alloc;
    if (config->max_alloc && config->max_alloc < d->max_alloc)
        d->max_alloc = config->max_alloc;
    d->notice = config->notice;
    d->notice_ctx = config->notice_ctx;
    gpucc_status status = build_program(s, GPUCC_F32);
    if (status == GPUCC_OK)
        status = create_kernel(d->programs[GPUCC_F32], "dense_bias_act", &d->bias_act);
    return status;
}

void gpucci_opencl_dense_close(opencl_state *s)
{
    opencl_dense_state *d = s ? s->dense : NULL;
    if (!d)
        return;
    for (int i = 0; i < 4; i++)
        gpucci_staged_release(s, &d->staged[i]);
    for (int i = 0; i < 2; i++)
        if (d->widened[i])
            clReleaseMemObject(d->widened[i]);
    if (d->bias_act)
        clReleaseKernel(d->bias_act);
    for (int dtype = 0; dtype < GPUCC_DTYPE_COUNT; dtype++)
        release_program(d, (gpucc_dtype)dtype);
    if (d->clblast_used)
        gpucci_clblast_release();
    free(d);
    s->dense = NULL;
}

/* The buffers of one call, its copies to the device, and what it has
 * measured so far. */
typedef struct {
    cl_mem x, w, b, y;
    cl_event writes[3];
    double kernel_ms, transfer_ms;
} dense_call;

/* Sets the byte size of an array of rows x cols elements of `size` bytes;
 * 0 on overflow. */
static int array_bytes(size_t rows, size_t cols, size_t size, size_t *bytes)
{
    if (rows && cols > SIZE_MAX / size / rows)
        return 0;
    *bytes = rows * cols * size;
    return 1;
}

static const char *const buffer_names[] = {"X", "W", "b", "Y"};

/* Sets *out to the buffer for array `which` of a call. Zero-copy: a new
 * buffer wrapping the host array (released by the call). Copy mode: the
 * kept device buffer, grown if needed, and, for the inputs, the host array
 * copied into its pinned staging and a write from there, enqueued without
 * waiting (its event lands in call->writes and counts as transfer time). */
static gpucc_status attach_buffer(opencl_state *s, dense_call *call, int which, size_t bytes, const void *host,
                                  cl_mem *out)
{
    cl_mem_flags flags = which == BUF_Y ? CL_MEM_READ_WRITE : CL_MEM_READ_ONLY;
    char what[64];
    cl_int err;
    *out = NULL;
    if (s->zero_copy) {
        cl_mem wrapped = clCreateBuffer(s->context, flags | CL_MEM_USE_HOST_PTR, bytes, (void *)host, &err);
        if (err == CL_SUCCESS) {
            *out = wrapped;
            return GPUCC_OK;
        }
        snprintf(what, sizeof what, "clCreateBuffer(%s)", buffer_names[which]);
        return gpucci_cl_fail(err, what);
    }
    gpucci_staged_buffer *staged = &s->dense->staged[which];
    gpucc_status status = gpucci_staged_reserve(s, staged, bytes, flags, buffer_names[which]);
    if (status != GPUCC_OK)
        return status;
    *out = staged->device;
    if (which == BUF_Y)
        return GPUCC_OK;
    gpucci_opencl_host_copy(s, staged->host, host, bytes);
    err = clEnqueueWriteBuffer(s->queue, *out, CL_FALSE, 0, bytes, staged->host, 0, NULL, &call->writes[which]);
    if (err != CL_SUCCESS) {
        call->writes[which] = NULL;
        snprintf(what, sizeof what, "clEnqueueWriteBuffer(%s)", buffer_names[which]);
        return gpucci_cl_fail(err, what);
    }
    return GPUCC_OK;
}

/* Waits for an event, adds its duration to *ms and releases it. */
static gpucc_status finish_event(cl_event event, double *ms, const char *what)
{
    cl_int err = clWaitForEvents(1, &event);
    if (err == CL_SUCCESS)
        *ms += gpucci_cl_event_ms(event);
    clReleaseEvent(event);
    return err == CL_SUCCESS ? GPUCC_OK : gpucci_cl_fail(err, what);
}

/* Whether a call of dtype widens X and W into float buffers before its
 * tiles (see the top of the file). */
static int widens_first(const opencl_dense_state *d, const gpucc_dense_shape *shape, gpucc_dtype dtype)
{
    size_t x_bytes, w_bytes;
    return dtype != GPUCC_F32 && shape->batch >= WIDEN_MIN_BATCH &&
           array_bytes(shape->batch, shape->in, sizeof(float), &x_bytes) && x_bytes <= d->max_alloc &&
           array_bytes(shape->out, shape->in, sizeof(float), &w_bytes) && w_bytes <= d->max_alloc;
}

/* Enqueues dense_widen of the n elements of src (dtype) into
 * d->widened[which] (grown to n floats if smaller); *done is its event. */
static gpucc_status enqueue_widen(opencl_state *s, gpucc_dtype dtype, cl_mem src, int which, size_t n,
                                  cl_event *done)
{
    static const char *const names[] = {"X as floats", "W as floats"};
    opencl_dense_state *d = s->dense;
    *done = NULL;
    gpucc_status status = gpucci_device_reserve(s, &d->widened[which], &d->widened_bytes[which], n * sizeof(float),
                                                CL_MEM_READ_WRITE, names[which]);
    if (status != GPUCC_OK)
        return status;
    cl_ulong count = n, per_item = GPU_WIDEN_PER_ITEM;
    if (!s->gpu_shape) {
        size_t items = (size_t)s->dev.info.compute_units * CPU_WIDEN_ITEMS_PER_UNIT;
        per_item = gpucci_round_up((n + items - 1) / items, GPU_WIDEN_PER_ITEM);
    }
    size_t global = (n + per_item - 1) / per_item;
    cl_kernel kernel = d->widen[dtype];
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof src, &src), status, fail);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof d->widened[which], &d->widened[which]), status, fail);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof count, &count), status, fail);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof per_item, &per_item), status, fail);
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, kernel, 1, NULL, &global, NULL, 0, NULL, done), status, fail);
    return GPUCC_OK;
fail:
    *done = NULL;
    return status;
}

/* gpucc's kernel for dtype: one launch of dense_tile_4x6, or
 * dense_tile_1x8 for a single row; for f16 and bf16 from WIDEN_MIN_BATCH
 * on, dense_widen of X and of W, then dense_tile_4x6_floats over them. The
 * kernel time is that of every launch. */
static gpucc_status run_kernel(opencl_state *s, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                               dense_call *call)
{
    opencl_dense_state *d = s->dense;
    int single = shape->batch == 1;
    cl_kernel kernel = single ? d->row[dtype] : d->tile[dtype];
    cl_mem x = call->x, w = call->w;
    cl_event widened[2] = {NULL, NULL}, done = NULL;
    gpucc_status status = GPUCC_OK;
    if (widens_first(d, shape, dtype)) {
        status = enqueue_widen(s, dtype, call->x, 0, shape->batch * shape->in, &widened[0]);
        if (status == GPUCC_OK)
            status = enqueue_widen(s, dtype, call->w, 1, shape->out * shape->in, &widened[1]);
        if (status != GPUCC_OK)
            goto done;
        x = d->widened[0];
        w = d->widened[1];
        kernel = d->tile_floats[dtype];
    }
    size_t rows = single ? 1 : TILE_ROWS, cols = single ? ROW_TILE_COLS : TILE_COLS;
    size_t local[2];
    if (s->gpu_shape) {
        local[0] = single ? 1 : GPU_GROUP_ROWS;
        local[1] = single ? GPU_ROW_GROUP : GPU_GROUP_COLS;
    } else {
        local[0] = single ? 1 : CPU_GROUP_ROWS;
        local[1] = 1;
    }
    size_t global[2] = {gpucci_round_up((shape->batch + rows - 1) / rows, local[0]),
                        gpucci_round_up((shape->out + cols - 1) / cols, local[1])};
    cl_ulong batch = shape->batch, in = shape->in, out = shape->out;
    cl_int act = (cl_int)shape->act;
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof x, &x), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof w, &w), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof call->b, &call->b), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof call->y, &call->y), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 4, sizeof batch, &batch), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 5, sizeof in, &in), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 6, sizeof out, &out), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 7, sizeof act, &act), status, done);
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, kernel, 2, NULL, global, local, 0, NULL, &done), status, done);
    status = finish_event(done, &call->kernel_ms, "dense kernel"); /* the queue is in order: the widening is done */
done:
    for (int i = 0; i < 2; i++)
        if (widened[i]) {
            if (status == GPUCC_OK)
                call->kernel_ms += gpucci_cl_event_ms(widened[i]);
            clReleaseEvent(widened[i]);
        }
    return status;
}

/* Milliseconds from the end of `from` to the end of `to`; 0 where the
 * device does not time one of them. */
static double span_ms(cl_event from, cl_event to)
{
    cl_ulong start = 0, end = 0;
    if (clGetEventProfilingInfo(from, CL_PROFILING_COMMAND_END, sizeof start, &start, NULL) != CL_SUCCESS ||
        clGetEventProfilingInfo(to, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) != CL_SUCCESS ||
        end < start)
        return 0.0;
    return (double)(end - start) * 1e-6;
}

/* Before this backend's first CLBlast call: makes CLBlast compile its
 * kernels with a 1x1x1 SGEMM on the call's own buffers (it writes Y[0],
 * which the real call overwrites), so that the compilation stays outside
 * the timed span of run_clblast, and tells the user (through the notice
 * callback) if that took long. */
static gpucc_status clblast_prime(opencl_state *s, dense_call *call)
{
    opencl_dense_state *d = s->dense;
    double start = gpucci_now_ms();
    d->clblast_used = 1;
    gpucci_clblast_retain();
    cl_event done;
    gpucc_status status = gpucci_clblast_gemm(&s->queue, 1, 1, 1, call->x, call->w, call->y, &done,
                                              "CLBlastSgemm (first use)");
    if (status != GPUCC_OK)
        return status;
    double ignored = 0;
    status = finish_event(done, &ignored, "CLBlastSgemm (first use)");
    if (status == GPUCC_OK)
        gpucci_opencl_notice_slow(d->notice, d->notice_ctx, start, "compiling CLBlast's kernels (first use)");
    return status;
}

/* CLBlast: Y = X W^T (beta = 0: CLBlast does not read Y then, so Y needs no
 * initialisation), then Y = act(Y + b) in place. Of the alternative (Y
 * prefilled with b, beta = 1, then the activation) this makes one pass over
 * Y fewer.
 *
 * Kernel time: CLBlast's event covers only its last kernel; for large or
 * unaligned shapes it first pads or transposes X and W with other kernels.
 * So the time counted runs from the end of a marker enqueued just before
 * CLBlastSgemm to the end of CLBlast's event (which also counts the time
 * CLBlast takes to enqueue its kernels, part of its cost per call), plus
 * the bias kernel's event. */
static gpucc_status run_clblast(opencl_state *s, const gpucc_dense_shape *shape, dense_call *call)
{
    opencl_dense_state *d = s->dense;
    gpucc_status status = GPUCC_OK;
    if (!d->clblast_used) {
        status = clblast_prime(s, call);
        if (status != GPUCC_OK)
            return status;
    }
    cl_event marker = NULL, gemm_done = NULL, bias_done = NULL;
    GPUCC_CL_TRY(clEnqueueMarkerWithWaitList(s->queue, 0, NULL, &marker), status, done);
    status = gpucci_clblast_gemm(&s->queue, shape->batch, shape->out, shape->in, call->x, call->w, call->y,
                                 &gemm_done, "CLBlastSgemm");
    if (status != GPUCC_OK)
        goto done;
    size_t n = shape->batch * shape->out, local, global;
    cl_ulong per_item;
    if (s->gpu_shape) {
        per_item = 1;
        local = GPU_BIAS_GROUP;
        global = gpucci_round_up(n, local);
    } else {
        size_t items = (size_t)s->dev.info.compute_units * CPU_BIAS_ITEMS_PER_UNIT;
        per_item = (n + items - 1) / items;
        local = 1;
        global = (n + per_item - 1) / per_item;
    }
    cl_ulong out = shape->out, count = n;
    cl_int act = (cl_int)shape->act;
    GPUCC_CL_TRY(clSetKernelArg(d->bias_act, 0, sizeof call->y, &call->y), status, done);
    GPUCC_CL_TRY(clSetKernelArg(d->bias_act, 1, sizeof call->b, &call->b), status, done);
    GPUCC_CL_TRY(clSetKernelArg(d->bias_act, 2, sizeof out, &out), status, done);
    GPUCC_CL_TRY(clSetKernelArg(d->bias_act, 3, sizeof count, &count), status, done);
    GPUCC_CL_TRY(clSetKernelArg(d->bias_act, 4, sizeof per_item, &per_item), status, done);
    GPUCC_CL_TRY(clSetKernelArg(d->bias_act, 5, sizeof act, &act), status, done);
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, d->bias_act, 1, NULL, &global, &local, 0, NULL, &bias_done),
                 status, done);
    GPUCC_CL_TRY(clWaitForEvents(1, &bias_done), status, done);
    double gemm_ms = span_ms(marker, gemm_done);
    if (gemm_ms == 0.0)
        gemm_ms = gpucci_cl_event_ms(gemm_done);
    call->kernel_ms += gemm_ms + gpucci_cl_event_ms(bias_done);
done:
    if (bias_done)
        clReleaseEvent(bias_done);
    if (gemm_done)
        clReleaseEvent(gemm_done);
    if (marker)
        clReleaseEvent(marker);
    return status;
}

/* One f32 run of impl. */
static gpucc_status run_impl(opencl_state *s, dense_impl impl, const gpucc_dense_shape *shape, dense_call *call)
{
    return impl == IMPL_CLBLAST ? run_clblast(s, shape, call) : run_kernel(s, shape, GPUCC_F32, call);
}

static auto_entry *auto_lookup(opencl_dense_state *d, const gpucc_dense_shape *shape)
{
    for (size_t i = 0; i < AUTO_CACHE_SIZE; i++) {
        auto_entry *e = &d->cache[i];
        if (e->batch == shape->batch && e->in == shape->in && e->out == shape->out)
            return e;
    }
    return NULL;
}

/* auto on a shape seen for the first time: runs each implementation twice
 * (the first run of each compiles: CLBlast builds its program on first use
 * and PoCL specialises a kernel for each launch configuration), compares
 * the kernel times of the second runs, and remembers the faster one for
 * (batch, in, out); the activation does not take part (it costs the same
 * O(batch * out) in both). The runs are ordered so that Y ends with the
 * faster implementation's result (one more run of it if needed). The
 * call's kernel_ms counts all of those runs: it is a warm-up. */
static gpucc_status auto_choose(opencl_state *s, const gpucc_dense_shape *shape, dense_call *call,
                                dense_impl *chosen)
{
    opencl_dense_state *d = s->dense;
    double timed[2];
    gpucc_status status = GPUCC_OK;
    for (int impl = IMPL_KERNEL; impl <= IMPL_CLBLAST && status == GPUCC_OK; impl++)
        status = run_impl(s, (dense_impl)impl, shape, call);
    for (int impl = IMPL_KERNEL; impl <= IMPL_CLBLAST && status == GPUCC_OK; impl++) {
        double before = call->kernel_ms;
        status = run_impl(s, (dense_impl)impl, shape, call);
        timed[impl] = call->kernel_ms - before;
    }
    if (status != GPUCC_OK)
        return status;
    *chosen = timed[IMPL_KERNEL] <= timed[IMPL_CLBLAST] ? IMPL_KERNEL : IMPL_CLBLAST;
    if (*chosen != IMPL_CLBLAST) /* the last run was CLBlast's */
        status = run_impl(s, *chosen, shape, call);
    auto_entry *slot = &d->cache[d->cache_next];
    d->cache_next = (d->cache_next + 1) % AUTO_CACHE_SIZE;
    *slot = (auto_entry){shape->batch, shape->in, shape->out, *chosen};
    return status;
}

gpucc_status gpucci_opencl_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                                 const void *x, const void *w, const void *b, void *y, gpucc_call_info *info)
{
    opencl_state *s = backend->impl;
    opencl_dense_state *d = s->dense;
    if (shape->batch == 0 || shape->in == 0 || shape->out == 0 || (unsigned)shape->act >= GPUCC_ACT_COUNT)
        return gpucci_fail(GPUCC_E_INVALID, "dense: every dimension must be at least 1 and the activation valid");
    size_t size = gpucc_dtype_size(dtype), x_bytes, w_bytes, y_bytes;
    if (!array_bytes(shape->batch, shape->in, size, &x_bytes) || !array_bytes(shape->out, shape->in, size, &w_bytes) ||
        !array_bytes(shape->batch, shape->out, size, &y_bytes))
        return gpucci_fail(GPUCC_E_INVALID, "dense: an array's size in bytes overflows size_t");
    size_t largest = x_bytes > w_bytes ? x_bytes : w_bytes;
    largest = largest > y_bytes ? largest : y_bytes;
    if (largest > d->max_alloc)
        return gpucci_fail(GPUCC_E_UNSUPPORTED,
                          "dense: an array of %zu bytes exceeds the device's largest allocation (%llu bytes); "
                          "dense arrays larger than one device buffer are not supported",
                          largest, (unsigned long long)d->max_alloc);

    dense_call call = {0};
    gpucc_status status = dtype == GPUCC_F32 ? GPUCC_OK : ensure_program(s, dtype);
    if (status == GPUCC_OK)
        status = attach_buffer(s, &call, BUF_X, x_bytes, x, &call.x);
    if (status == GPUCC_OK)
        status = attach_buffer(s, &call, BUF_W, w_bytes, w, &call.w);
    if (status == GPUCC_OK)
        status = attach_buffer(s, &call, BUF_B, shape->out * size, b, &call.b);
    if (status == GPUCC_OK)
        status = attach_buffer(s, &call, BUF_Y, y_bytes, y, &call.y);
    if (status != GPUCC_OK)
        goto done;

    /* auto without CLBlast has nothing to choose from: the kernel; f16 and
     * bf16 have only the kernel. */
    dense_impl impl = d->mode == GPUCC_DENSE_CLBLAST && dtype == GPUCC_F32 ? IMPL_CLBLAST : IMPL_KERNEL;
    if (dtype != GPUCC_F32) {
        status = run_kernel(s, shape, dtype, &call);
    } else if (d->mode == GPUCC_DENSE_AUTO && gpucci_clblast_available()) {
        auto_entry *known = auto_lookup(d, shape);
        if (known) {
            impl = known->choice;
            status = run_impl(s, impl, shape, &call);
        } else {
            status = auto_choose(s, shape, &call, &impl);
        }
    } else {
        status = run_impl(s, impl, shape, &call);
    }
    if (status != GPUCC_OK)
        goto done;

    if (s->zero_copy) {
        /* Makes the device's writes visible in the host's array. */
        cl_int err;
        void *mapped = clEnqueueMapBuffer(s->queue, call.y, CL_TRUE, CL_MAP_READ, 0, y_bytes, 0, NULL, NULL, &err);
        if (err != CL_SUCCESS) {
            status = gpucci_cl_fail(err, "clEnqueueMapBuffer(Y)");
            goto done;
        }
        GPUCC_CL_TRY(clEnqueueUnmapMemObject(s->queue, call.y, mapped, 0, NULL, NULL), status, done);
        GPUCC_CL_TRY(clFinish(s->queue), status, done);
    } else {
        cl_event read;
        void *pinned = d->staged[BUF_Y].host;
        GPUCC_CL_TRY(clEnqueueReadBuffer(s->queue, call.y, CL_TRUE, 0, y_bytes, pinned, 0, NULL, &read), status,
                     done);
        status = finish_event(read, &call.transfer_ms, "clEnqueueReadBuffer(Y)");
        if (status != GPUCC_OK)
            goto done;
        gpucci_opencl_host_copy(s, y, pinned, y_bytes);
        for (int i = 0; i < 3; i++) /* complete: the queue is in order */
            call.transfer_ms += gpucci_cl_event_ms(call.writes[i]);
    }
    info->impl = impl_names[impl];
    info->flags = s->zero_copy ? 0u : GPUCC_RESULT_COPIED;
    info->timing.kernel_ms = call.kernel_ms;
    info->timing.transfer_ms = call.transfer_ms;
done:
    if (status != GPUCC_OK)
        (void)clFinish(s->queue); /* no command may still use the caller's arrays (best effort: failing anyway) */
    for (int i = 0; i < 3; i++)
        if (call.writes[i])
            clReleaseEvent(call.writes[i]);
    if (s->zero_copy) {
        cl_mem wrapped[] = {call.x, call.w, call.b, call.y};
        for (int i = 0; i < 4; i++)
            if (wrapped[i])
                clReleaseMemObject(wrapped[i]);
    }
    return status;
}
