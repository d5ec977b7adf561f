/* The dot product on the OpenCL backend (kernels/dot.cl).
 *
 * The kernels come from the backend's program of the data type (f32: the one
 * built when it opens; others: on first use); the dot product keeps them,
 * and its buffers, in its workload slot. The inputs go in steps of whole
 * blocks of both vectors, each at most one device allocation (the backend's
 * chunk size, in bytes): wrapped host memory where the device shares it
 * (zero-copy), else written to two device buffers. Every step's kernel
 * writes the partials of its blocks (a double, or for i32 two exact longs),
 * which are read back and combined on the host, so chunking leaves the
 * result unchanged. Without fp64 (or with force_no_fp64) the dot product is
 * not offered. */
#include <stdint.h>
#include <stdlib.h>

#include "dot-impl.h"
#include "error.h"
#include "opencl-impl.h"
#include "reduce-order.h"

/* The largest partial (i32: two longs) and the smallest element (f16, bf16). */
enum { MAX_PARTIAL = 16, SMALLEST_ELEM = 2 };

typedef struct {
    cl_kernel kernels[GPUCC_DTYPE_COUNT];
    cl_mem partials_dev;    /* partials of one step of the smallest elements */
    cl_mem x_dev, y_dev;    /* copy mode: one step of each input */
    size_t copy_capacity;   /* bytes x_dev and y_dev hold (0: none) */
    gpucci_partials partials; /* two doubles per block: room for i32's (high, low) */
} dot_state;

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
    (void)backend;
    dot_state *d = state;
    release_mem(&d->partials_dev);
    release_mem(&d->x_dev);
    release_mem(&d->y_dev);
    for (int t = 0; t < GPUCC_DTYPE_COUNT; t++)
        if (d->kernels[t])
            clReleaseKernel(d->kernels[t]);
    gpucci_partials_free(&d->partials);
}

/* Elements of `elem_size` bytes per step: one device allocation's whole
 * blocks (0 when not one block fits). */
static size_t step_elems(const opencl_state *s, size_t elem_size)
{
    return s->chunk_elems * sizeof(float) / elem_size / GPUCC_REDUCE_BLOCK * GPUCC_REDUCE_BLOCK;
}

/* Makes the kernel of dtype in the backend's shape and the buffers for n
 * elements: the partials of one step, and in copy mode one step of each
 * input (n itself when smaller). */
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
    size_t elem_size = gpucc_dtype_size(dtype), step = step_elems(s, elem_size);
    size_t need = (n < step ? gpucci_round_up(n, GPUCC_REDUCE_BLOCK) : step) * elem_size;
    if (s->zero_copy || d->copy_capacity >= need)
        return GPUCC_OK;
    release_mem(&d->x_dev);
    release_mem(&d->y_dev);
    d->copy_capacity = 0;
    cl_mem *inputs[] = {&d->x_dev, &d->y_dev};
    for (int i = 0; i < 2; i++) {
        *inputs[i] = clCreateBuffer(s->context, CL_MEM_READ_ONLY, need, NULL, &err);
        if (err != CL_SUCCESS) {
            *inputs[i] = NULL;
            return gpucci_cl_fail(err, "clCreateBuffer(dot input)");
        }
    }
    d->copy_capacity = need;
    return GPUCC_OK;
}

/* One step's view of an input of `bytes` bytes: host memory wrapped
 * (zero-copy), or the device buffer `copy` after a write whose event goes
 * to *written. */
static gpucc_status step_input(const opencl_state *s, const void *host, size_t bytes, cl_mem copy, cl_mem *out,
                               cl_event *written)
{
    cl_int err;
    if (s->zero_copy) {
        *out = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, bytes, (void *)host, &err);
        return err == CL_SUCCESS ? GPUCC_OK : gpucci_cl_fail(err, "clCreateBuffer(dot host input)");
    }
    *out = copy;
    err = clEnqueueWriteBuffer(s->queue, copy, CL_FALSE, 0, bytes, host, 0, NULL, written);
    return err == CL_SUCCESS ? GPUCC_OK : gpucci_cl_fail(err, "clEnqueueWriteBuffer(dot input)");
}

/* The bytes of one block's partial: a double, or i32's two longs. */
static size_t partial_size(gpucc_dtype dtype)
{
    return dtype == GPUCC_I32 ? 2 * sizeof(int64_t) : sizeof(double);
}

/* Enqueues step i (elements [i * step, ...) of x and y, elements of dtype):
 * the inputs, the kernel and the read of its partials after those of the
 * steps before. events[3i], [3i+1] are the writes of x and y (copy mode),
 * [3i+2] the kernel. The in-order queue orders the steps. */
static gpucc_status enqueue_dot_step(opencl_state *s, dot_state *d, gpucc_dtype dtype, const void *x,
                                     const void *y, size_t n, size_t i, cl_event *events)
{
    size_t elem_size = gpucc_dtype_size(dtype), step = step_elems(s, elem_size), start = i * step;
    size_t len = n - start < step ? n - start : step;
    size_t blocks = gpucci_reduce_block_count(len);
    cl_kernel kernel = d->kernels[dtype];
    cl_mem x_in = NULL, y_in = NULL;
    gpucc_status status =
        step_input(s, (const char *)x + start * elem_size, len * elem_size, d->x_dev, &x_in, &events[3 * i]);
    if (status == GPUCC_OK)
        status = step_input(s, (const char *)y + start * elem_size, len * elem_size, d->y_dev, &y_in,
                            &events[3 * i + 1]);
    if (status != GPUCC_OK)
        goto done;
    cl_ulong n_arg = len, blocks_arg = blocks;
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof x_in, &x_in), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof y_in, &y_in), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof n_arg, &n_arg), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof blocks_arg, &blocks_arg), status, done);
    status = gpucci_opencl_enqueue_blocks(s, kernel, 4, blocks, d->partials_dev, NULL, &events[3 * i + 2]);
    if (status == GPUCC_OK)
        GPUCC_CL_TRY(clEnqueueReadBuffer(s->queue, d->partials_dev, CL_FALSE, 0, blocks * partial_size(dtype),
                                         (char *)d->partials.data + start / GPUCC_REDUCE_BLOCK * partial_size(dtype),
                                         0, NULL, NULL),
                     status, done);
done:
    if (s->zero_copy) { /* the enqueued kernel keeps them alive */
        release_mem(&x_in);
        release_mem(&y_in);
    }
    return status;
}

/* Enqueues all `steps` steps and waits for them; sets the kernel and
 * transfer times. */
static gpucc_status run_steps(opencl_state *s, dot_state *d, gpucc_dtype dtype, const void *x, const void *y,
                              size_t n, size_t steps, gpucc_timing *timing)
{
    cl_event *events = calloc(3 * steps, sizeof *events);
    if (!events)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu OpenCL events", 3 * steps);
    gpucc_status status = GPUCC_OK;
    for (size_t i = 0; i < steps && status == GPUCC_OK; i++)
        status = enqueue_dot_step(s, d, dtype, x, y, n, i, events);
    return gpucci_opencl_finish_steps(s, status, events, 3 * steps, 3, timing);
}

gpucc_status gpucci_dot_opencl(gpucc_backend *backend, gpucc_dtype dtype, const void *x, const void *y, size_t n,
                               gpucc_reduce_result *out)
{
    opencl_state *s = gpucci_opencl_state(backend);
    if (!s->fp64)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "dot needs fp64, which %s %s", s->dev.info.name,
                           s->dev.info.fp64 ? "was opened without (force_no_fp64)" : "does not have");
    size_t step = step_elems(s, gpucc_dtype_size(dtype));
    if (step == 0)
        return gpucci_fail(GPUCC_E_INVALID, "the allocation limit of %zu bytes is below one block of %s",
                           s->chunk_elems * sizeof(float), gpucc_dtype_name(dtype));
    dot_state *d = gpucci_workload_state(backend, &state_key, sizeof *d, release_state);
    if (!d)
        return GPUCC_E_NOMEM;
    size_t blocks = gpucci_reduce_block_count(n), steps = (n + step - 1) / step;
    gpucc_status status = prepare(s, d, dtype, n);
    if (status == GPUCC_OK && !gpucci_partials_reserve(&d->partials, 2 * blocks))
        status = GPUCC_E_NOMEM;
    if (status == GPUCC_OK)
        status = run_steps(s, d, dtype, x, y, n, steps, &out->timing);
    if (status == GPUCC_OK)
        status = dtype == GPUCC_I32 ? gpucci_dot_integer_total((const int64_t *)(void *)d->partials.data, blocks, out)
                                    : gpucci_reduce_finish(GPUCC_REDUCE_SUM, dtype, d->partials.data, blocks, out);
    out->flags = (steps > 1 ? GPUCC_RESULT_CHUNKED : 0u) | (s->zero_copy ? 0u : GPUCC_RESULT_COPIED);
    return status;
}
