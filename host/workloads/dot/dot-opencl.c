/* The dot product on the OpenCL backend (kernels/dot.cl).
 *
 * The kernels come from the backend's program of the data type (f32: the one
 * built when it opens; others: on first use); the dot product keeps them,
 * and its buffers, in its workload slot. The inputs go in steps of whole
 * blocks of both vectors (gpucci_opencl_step_elems): where the device shares
 * host memory (zero-copy), each step is one device allocation of each
 * vector, wrapped; elsewhere (the copy path) each step is at most a pipeline
 * step, and x and y go through pinned staging as the reduction's input
 * does: all cores fill the step's staging buffers, the transfer queue
 * copies them to the device, and the kernel of step i runs while step i + 1
 * is filled and copied (two slots of each; --cl-no-overlap: one step after
 * another). Every step's kernel writes the partials of its blocks (a double,
 * or for i32 two exact longs), which are read back and combined on the
 * host, so steps leave the result unchanged. Without fp64 (or with
 * force_no_fp64) the dot product is not offered. */
#include <stdint.h>
#include <stdlib.h>

#include "dot-impl.h"
#include "error.h"
#include "opencl-impl.h"
#include "reduce-order.h"

/* The largest partial (i32: two longs) and the smallest element (f16, bf16). */
enum { MAX_PARTIAL = 16, SMALLEST_ELEM = 2 };

/* The events of one step, in this order in the call's array (the kernel
 * last, as gpucci_opencl_finish_steps takes them); the copies are NULL on
 * the zero-copy path. */
enum { WRITE_X, WRITE_Y, KERNEL, STEP_EVENTS };

typedef struct {
    cl_kernel kernels[GPUCC_DTYPE_COUNT];
    cl_mem partials_dev;             /* partials of one step of the smallest elements */
    gpucci_staged_buffer x[2], y[2]; /* copy path: one step of each input; step i uses slot i % 2 */
    gpucci_partials partials;        /* two doubles per block: room for i32's (high, low) */
} dot_state;

/* One call: the inputs, n elements of `size` bytes of dtype, in steps of
 * `step` elements, with STEP_EVENTS events per step (NULL where none). */
typedef struct {
    gpucc_dtype dtype;
    const char *x, *y;
    size_t n, step, size;
    cl_event *events;
} dot_call;

/* The key of the dot product's state on an OpenCL backend. */
static const char state_key;

static void release_mem(cl_mem *mem)
{
    if (*mem)
        clReleaseMemObject(*mem);
    *mem = NULL;
}

static void release_state(gpucc_backend *backend, void *state)
{
    opencl_state *s = gpucci_opencl_state(backend);
    dot_state *d = state;
    release_mem(&d->partials_dev);
    for (int slot = 0; slot < 2; slot++) {
        gpucci_staged_release(s, &d->x[slot]);
        gpucci_staged_release(s, &d->y[slot]);
    }
    for (int t = 0; t < GPUCC_DTYPE_COUNT; t++)
        if (d->kernels[t])
            clReleaseKernel(d->kernels[t]);
    gpucci_partials_free(&d->partials);
}

/* Elements of `elem_size` bytes per step: whole blocks (0 when not one
 * block fits a step). */
static size_t step_elems(const opencl_state *s, size_t elem_size)
{
    return gpucci_opencl_step_elems(s, elem_size, GPUCC_REDUCE_BLOCK);
}

/* Makes the kernel of dtype in the backend's shape and the buffers for n
 * elements: the partials of one step, and on the copy path the two slots
 * of staged x and y, each holding one step (n itself when smaller, so that
 * a small call does not pin a large buffer; they grow when n does). */
static gpucc_status prepare(opencl_state *s, dot_state *d, gpucc_dtype dtype, size_t n)
{
    cl_int err;
    if (!d->kernels[dtype]) {
        cl_program program;
        gpucc_status status = gpucci_opencl_program(s, dtype, &program);
        if (status != GPUCC_OK)
            return status;
        const char *name = s->gpu_shape ? "dot_gpu" : "dot_cpu";
        d->kernels[dtype] = clCreateKernel(program, name, &err);
        if (err != CL_SUCCESS) {
            d->kernels[dtype] = NULL;
            return gpucci_cl_fail(err, name);
        }
    }
    if (!d->partials_dev) { /* on its own: a failed try leaves nothing half made */
        d->partials_dev = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY,
                                         step_elems(s, SMALLEST_ELEM) / GPUCC_REDUCE_BLOCK * MAX_PARTIAL, NULL, &err);
        if (err != CL_SUCCESS) {
            d->partials_dev = NULL;
            return gpucci_cl_fail(err, "clCreateBuffer(dot partials)");
        }
    }
    if (s->zero_copy)
        return GPUCC_OK;
    size_t elem_size = gpucc_dtype_size(dtype), step = step_elems(s, elem_size);
    size_t need = (n < step ? gpucci_round_up(n, GPUCC_REDUCE_BLOCK) : step) * elem_size;
    gpucc_status status = GPUCC_OK;
    for (int slot = 0; slot < 2 && status == GPUCC_OK; slot++) {
        status = gpucci_staged_reserve(s, &d->x[slot], need, CL_MEM_READ_ONLY, "dot x");
        if (status == GPUCC_OK)
            status = gpucci_staged_reserve(s, &d->y[slot], need, CL_MEM_READ_ONLY, "dot y");
    }
    return status;
}

/* Wraps `bytes` bytes of host memory at `host` (zero-copy) into *out. */
static gpucc_status wrap_host(const opencl_state *s, const void *host, size_t bytes, cl_mem *out)
{
    cl_int err;
    *out = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, bytes, (void *)host, &err);
    if (err == CL_SUCCESS)
        return GPUCC_OK;
    *out = NULL;
    return gpucci_cl_fail(err, "clCreateBuffer(dot host input)");
}

/* Stages step i's `bytes` bytes of x and y into slot i % 2, whose buffers
 * step i - 2 used last: all cores copy them into the pinned staging once
 * step i - 2's copies from it are done (the host fills step i while the
 * device still copies or computes step i - 1); their copies to the device
 * wait for step i - 2's kernel, which read those device buffers. They go
 * on the transfer queue with overlap, else on s->queue. */
static gpucc_status stage_inputs(opencl_state *s, dot_state *d, const dot_call *c, size_t i, size_t bytes)
{
    int slot = i % 2;
    size_t offset = i * c->step * c->size;
    cl_event *now = c->events + i * STEP_EVENTS, *last = i >= 2 ? now - 2 * STEP_EVENTS : NULL;
    cl_command_queue queue = s->overlap ? s->transfer_queue : s->queue;
    gpucc_status status = GPUCC_OK;
    if (last)
        GPUCC_CL_TRY(clWaitForEvents(2, &last[WRITE_X]), status, done);
    gpucci_opencl_host_copy(s, d->x[slot].host, c->x + offset, bytes);
    gpucci_opencl_host_copy(s, d->y[slot].host, c->y + offset, bytes);
    cl_uint waits = last ? 1 : 0;
    const cl_event *reuse = last ? &last[KERNEL] : NULL;
    GPUCC_CL_TRY(clEnqueueWriteBuffer(queue, d->x[slot].device, CL_FALSE, 0, bytes, d->x[slot].host, waits, reuse,
                                      &now[WRITE_X]),
                 status, done);
    GPUCC_CL_TRY(clEnqueueWriteBuffer(queue, d->y[slot].device, CL_FALSE, 0, bytes, d->y[slot].host, waits, reuse,
                                      &now[WRITE_Y]),
                 status, done);
    GPUCC_CL_TRY(clFlush(queue), status, done);
done:
    return status;
}

/* The bytes of one block's partial: a double, or i32's two longs. */
static size_t partial_size(gpucc_dtype dtype)
{
    return dtype == GPUCC_I32 ? 2 * sizeof(int64_t) : sizeof(double);
}

/* Enqueues step i: its inputs (wrapped host memory, or staged copies), its
 * kernel after them, and the read of its partials after those of the steps
 * before (s->queue is in order). Without overlap the step ends before this
 * returns. */
static gpucc_status enqueue_dot_step(opencl_state *s, dot_state *d, const dot_call *c, size_t i)
{
    size_t start = i * c->step, len = c->n - start < c->step ? c->n - start : c->step;
    size_t blocks = gpucci_reduce_block_count(len);
    cl_event *now = c->events + i * STEP_EVENTS;
    cl_kernel kernel = d->kernels[c->dtype];
    cl_mem x_in = NULL, y_in = NULL;
    gpucc_status status;
    if (s->zero_copy) {
        status = wrap_host(s, c->x + start * c->size, len * c->size, &x_in);
        if (status == GPUCC_OK)
            status = wrap_host(s, c->y + start * c->size, len * c->size, &y_in);
    } else {
        status = stage_inputs(s, d, c, i, len * c->size);
        x_in = d->x[i % 2].device;
        y_in = d->y[i % 2].device;
    }
    if (status != GPUCC_OK)
        goto done;
    cl_ulong n_arg = len, blocks_arg = blocks;
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof x_in, &x_in), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof y_in, &y_in), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof n_arg, &n_arg), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof blocks_arg, &blocks_arg), status, done);
    /* y's copy follows x's on the same in-order queue: when it is done, both are. */
    status = gpucci_opencl_enqueue_blocks(s, kernel, 4, blocks, d->partials_dev, now[WRITE_Y], &now[KERNEL]);
    if (status != GPUCC_OK)
        goto done;
    GPUCC_CL_TRY(clEnqueueReadBuffer(s->queue, d->partials_dev, CL_FALSE, 0, blocks * partial_size(c->dtype),
                                     (char *)d->partials.data + start / GPUCC_REDUCE_BLOCK * partial_size(c->dtype),
                                     0, NULL, NULL),
                 status, done);
    if (!s->zero_copy && !s->overlap)
        GPUCC_CL_TRY(clFinish(s->queue), status, done);
    else
        GPUCC_CL_TRY(clFlush(s->queue), status, done);
done:
    if (s->zero_copy) { /* the enqueued kernel keeps them alive */
        release_mem(&x_in);
        release_mem(&y_in);
    }
    return status;
}

/* Enqueues all `steps` steps of the call and waits for them; sets the
 * kernel and transfer times. */
static gpucc_status run_steps(opencl_state *s, dot_state *d, dot_call *c, size_t steps, gpucc_timing *timing)
{
    c->events = calloc(STEP_EVENTS * steps, sizeof *c->events);
    if (!c->events)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu OpenCL events", STEP_EVENTS * steps);
    gpucc_status status = GPUCC_OK;
    for (size_t i = 0; i < steps && status == GPUCC_OK; i++)
        status = enqueue_dot_step(s, d, c, i);
    return gpucci_opencl_finish_steps(s, status, c->events, STEP_EVENTS * steps, STEP_EVENTS, timing);
}

gpucc_status gpucci_dot_opencl(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y, size_t n,
                               gpucc_reduce_result *out)
{
    opencl_state *s = gpucci_opencl_state(backend);
    if (!s->fp64)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "dot needs fp64, which %s %s", s->dev.info.name,
                           s->dev.info.fp64 ? "was opened without (force_no_fp64)" : "does not have");
    size_t size = gpucc_dtype_size(dtype), step = step_elems(s, size);
    if (step == 0)
        return gpucci_fail(GPUCC_E_INVALID, "the allocation limit of %zu bytes is below one block of %s (%zu bytes)",
                           gpucci_opencl_step_bytes(s), gpucc_dtype_name(dtype), GPUCC_REDUCE_BLOCK * size);
    dot_state *d = gpucci_workload_state(backend, &state_key, sizeof *d, release_state);
    if (!d)
        return GPUCC_E_NOMEM;
    size_t blocks = gpucci_reduce_block_count(n), steps = (n + step - 1) / step;
    gpucc_status status = prepare(s, d, dtype, n);
    if (status == GPUCC_OK && !gpucci_partials_reserve(&d->partials, 2 * blocks))
        status = GPUCC_E_NOMEM;
    dot_call call = {dtype, x, y, n, step, size, NULL};
    if (status == GPUCC_OK)
        status = run_steps(s, d, &call, steps, &out->timing);
    if (status == GPUCC_OK)
        status = dtype == GPUCC_I32 ? gpucci_dot_integer_total((const int64_t *)(void *)d->partials.data, blocks, out)
                                    : gpucci_reduce_finish(GPUCC_REDUCE_SUM, dtype, d->partials.data, blocks, out);
    size_t chunk = s->chunk_elems * sizeof(float) / size; /* elements of one device allocation */
    out->flags = (n > chunk ? GPUCC_RESULT_CHUNKED : 0u) | (s->zero_copy ? 0u : GPUCC_RESULT_COPIED) |
                 (!s->zero_copy && s->overlap && steps > 1 ? GPUCC_RESULT_OVERLAPPED : 0u);
    return status;
}
