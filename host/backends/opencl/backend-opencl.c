/* The OpenCL backend: a GPU where present, else the CPU through PoCL.
 *
 * Programs are built once, when the backend opens, never inside a timed
 * call. Where the device shares host memory (PoCL), input buffers wrap the
 * caller's array (CL_MEM_USE_HOST_PTR: zero-copy); elsewhere each call copies
 * the input through pinned staging (opencl-staging.c), so kernel-only and
 * end-to-end time differ. Inputs larger than one device allocation are
 * processed in chunks of whole blocks, which gives the same partials, hence
 * the same result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded-kernels.h"
#include "error.h"
#include "opencl-clblast.h"
#include "opencl-impl.h"
#include "pool.h"
#include "reduce-order.h"
#include "timer.h"

enum {
    CPU_ITEMS_PER_UNIT = 16,   /* work-items per compute unit (cpu shape) */
    GPU_DEFAULT_LOCAL = 256,   /* work-group size (gpu shape) */
};

static void opencl_close(gpucc_backend *backend)
{
    opencl_state *s = backend->impl;
    if (!s)
        return;
    if (s->partials_dev)
        clReleaseMemObject(s->partials_dev);
    for (int slot = 0; slot < 2; slot++)
        gpucci_staged_release(s, &s->inputs[slot]);
    gpucci_opencl_map_close(s); /* they unmap their staging on s->queue: before it goes */
    gpucci_opencl_dense_close(s);
    gpucci_pool_free(s->copy_pool);
    if (s->transfer_queue)
        clReleaseCommandQueue(s->transfer_queue);
    if (s->readback_queue)
        clReleaseCommandQueue(s->readback_queue);
    for (int dtype = 0; dtype < GPUCC_DTYPE_COUNT; dtype++) {
        for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++)
            if (s->reduce[dtype][op])
                clReleaseKernel(s->reduce[dtype][op]);
        if (s->typed_programs[dtype])
            clReleaseProgram(s->typed_programs[dtype]);
    }
    if (s->program)
        clReleaseProgram(s->program);
    if (s->queue)
        clReleaseCommandQueue(s->queue);
    if (s->context)
        clReleaseContext(s->context);
    gpucci_partials_free(&s->partials);
    free(s);
    backend->impl = NULL;
}

/* Chooses shape, local size and chunk size from the device and config. */
static gpucc_status configure(opencl_state *s, const gpucc_backend_config *config)
{
    const gpucc_cl_device_info *info = &s->dev.info;
    s->gpu_shape = config->shape == GPUCC_SHAPE_AUTO ? strcmp(info->type, "gpu") == 0
                                                      : config->shape == GPUCC_SHAPE_GPU;
    s->fp64 = info->fp64 && !config->force_no_fp64;
    s->zero_copy = info->unified_memory && !config->force_copy;
    s->overlap = !config->no_overlap;
    s->local_size = config->local_size ? config->local_size : s->gpu_shape ? GPU_DEFAULT_LOCAL : 1;
    size_t max_group = 0;
    clGetDeviceInfo(s->dev.device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_group, &max_group, NULL);
    if (max_group && s->local_size > max_group)
        return gpucci_fail(GPUCC_E_INVALID, "local size %zu exceeds the device's maximum work-group size %zu",
                          s->local_size, max_group);
    if (s->gpu_shape && s->local_size % GPUCC_REDUCE_LANES != 0)
        return gpucci_fail(GPUCC_E_INVALID, "local size %zu is not a multiple of %d (gpu-shaped kernels)",
                          s->local_size, GPUCC_REDUCE_LANES);
    uint64_t limit = info->max_alloc;
    if (config->max_alloc && config->max_alloc < limit)
        limit = config->max_alloc;
    s->chunk_elems = (size_t)(limit / sizeof(float)) / GPUCC_REDUCE_BLOCK * GPUCC_REDUCE_BLOCK;
    if (s->chunk_elems == 0)
        return gpucci_fail(GPUCC_E_INVALID, "allocation limit of %llu bytes is below one block (%zu bytes)",
                          (unsigned long long)limit, GPUCC_REDUCE_BLOCK * sizeof(float));
    return GPUCC_OK;
}

void gpucci_opencl_notice_slow(void (*notice)(void *ctx, const char *message), void *ctx, double start_ms,
                              const char *what)
{
    double seconds = (gpucci_now_ms() - start_ms) * 1e-3;
    if (!notice || seconds < 1.0)
        return;
    char note[300];
    snprintf(note, sizeof note, "%.200s took %.1f s (the OpenCL kernel cache was cold or is off; a warm one is fast)",
             what, seconds);
    notice(ctx, note);
}

/* Creates the reduction kernels of `dtype` (in the backend's shape) from program. */
static gpucc_status create_reduce_kernels(opencl_state *s, gpucc_dtype dtype, cl_program program)
{
    for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++) {
        char name[64];
        snprintf(name, sizeof name, "reduce_%s_%s", gpucc_reduce_op_name((gpucc_reduce_op)op),
                 s->gpu_shape ? "gpu" : "cpu");
        cl_int err;
        s->reduce[dtype][op] = clCreateKernel(program, name, &err);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, name);
    }
    return GPUCC_OK;
}

static gpucc_status build_kernels(opencl_state *s, const gpucc_backend_config *config)
{
    const char *options = s->fp64 ? "-DGPUCC_FP64=1" : "-DGPUCC_FP64=0";
    double start = gpucci_now_ms();
    gpucc_status status = gpucci_cl_build(s->context, s->dev.device, gpucci_program_sources,
                                          gpucci_program_source_count, options, &s->program);
    if (status != GPUCC_OK)
        return status;
    char what[300];
    snprintf(what, sizeof what, "building OpenCL kernels for %s", s->dev.info.name);
    gpucci_opencl_notice_slow(config->notice, config->notice_ctx, start, what);
    return create_reduce_kernels(s, GPUCC_F32, s->program);
}

gpucc_status gpucci_opencl_program(opencl_state *s, gpucc_dtype dtype, cl_program *out)
{
    if (dtype == GPUCC_F32 || s->typed_programs[dtype]) {
        *out = dtype == GPUCC_F32 ? s->program : s->typed_programs[dtype];
        return GPUCC_OK;
    }
    if (!s->fp64 && (dtype == GPUCC_F64 || dtype == GPUCC_I32))
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "%s data needs fp64 (exact %s accumulation), which %s",
                           gpucc_dtype_name(dtype), dtype == GPUCC_I32 ? "integer" : "double",
                           s->dev.info.fp64 ? "--cl-fp32 turned off" : "this device lacks");
    static const char *const element_macros[GPUCC_DTYPE_COUNT] = {
        [GPUCC_F64] = "-DGPUCC_ELEM_F64", [GPUCC_F16] = "-DGPUCC_ELEM_F16", [GPUCC_BF16] = "-DGPUCC_ELEM_BF16",
        [GPUCC_I32] = "-DGPUCC_ELEM_I32"};
    char options[96];
    snprintf(options, sizeof options, "-DGPUCC_FP64=%d %s", s->fp64, element_macros[dtype]);
    double start = gpucci_now_ms();
    gpucc_status status = gpucci_cl_build(s->context, s->dev.device, gpucci_program_sources,
                                          gpucci_program_source_count, options, &s->typed_programs[dtype]);
    if (status != GPUCC_OK)
        return status;
    char what[300];
    snprintf(what, sizeof what, "building OpenCL %s kernels for %s", gpucc_dtype_name(dtype), s->dev.info.name);
    gpucci_opencl_notice_slow(s->notice, s->notice_ctx, start, what);
    *out = s->typed_programs[dtype];
    return GPUCC_OK;
}

/* The reduction kernels of dtype, made on their first use. */
static gpucc_status ensure_reduce_kernels(opencl_state *s, gpucc_dtype dtype)
{
    if (s->reduce[dtype][0])
        return GPUCC_OK;
    cl_program program;
    gpucc_status status = gpucci_opencl_program(s, dtype, &program);
    if (status == GPUCC_OK)
        status = create_reduce_kernels(s, dtype, program);
    if (status != GPUCC_OK)
        for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++) /* all or none, so that the check above holds */
            if (s->reduce[dtype][op]) {
                clReleaseKernel(s->reduce[dtype][op]);
                s->reduce[dtype][op] = NULL;
            }
    return status;
}

static gpucc_status opencl_open(gpucc_backend *backend, const gpucc_backend_config *config)
{
    if (config->dense_impl == GPUCC_DENSE_CLBLAST && !gpucci_clblast_available())
        return gpucci_fail(GPUCC_E_UNAVAILABLE, "gpucc built without CLBlast");
    opencl_state *s = calloc(1, sizeof *s);
    if (!s)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the OpenCL backend");
    backend->impl = s;
    s->notice = config->notice;
    s->notice_ctx = config->notice_ctx;
    gpucc_status status = gpucci_cl_select(config->device, &s->dev);
    if (status == GPUCC_OK)
        status = configure(s, config);
    if (status != GPUCC_OK)
        goto fail;
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)s->dev.platform, 0};
    s->context = clCreateContext(props, 1, &s->dev.device, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
        status = gpucci_cl_fail(err, "clCreateContext");
        goto fail;
    }
    s->queue = clCreateCommandQueue(s->context, s->dev.device, CL_QUEUE_PROFILING_ENABLE, &err);
    if (err != CL_SUCCESS) {
        status = gpucci_cl_fail(err, "clCreateCommandQueue");
        goto fail;
    }
    if (!s->zero_copy && s->overlap) {
        s->transfer_queue = clCreateCommandQueue(s->context, s->dev.device, CL_QUEUE_PROFILING_ENABLE, &err);
        if (err == CL_SUCCESS)
            s->readback_queue = clCreateCommandQueue(s->context, s->dev.device, CL_QUEUE_PROFILING_ENABLE, &err);
        if (err != CL_SUCCESS) {
            status = gpucci_cl_fail(err, "clCreateCommandQueue(transfers)");
            goto fail;
        }
    }
    status = s->zero_copy ? GPUCC_OK : gpucci_pool_create(gpucc_cpu_count(), &s->copy_pool);
    if (status == GPUCC_OK)
        status = build_kernels(s, config);
    if (status == GPUCC_OK)
        status = gpucci_opencl_map_open(s);
    if (status == GPUCC_OK)
        status = gpucci_opencl_dense_open(s, config);
    if (status != GPUCC_OK)
        goto fail;
    snprintf(backend->device, sizeof backend->device, "%s (%s, %s%s)", s->dev.info.name, s->dev.info.platform,
             s->dev.info.type, s->fp64 ? "" : ", fp32 fallback");
    backend->pci = s->dev.info.pci;
    return GPUCC_OK;
fail:
    opencl_close(backend);
    return status;
}

/* Elements of `elem_size` bytes reduced per step: whole blocks (0 when one
 * block does not fit a step). */
static size_t step_elems(const opencl_state *s, size_t elem_size)
{
    return gpucci_opencl_step_elems(s, elem_size, GPUCC_REDUCE_BLOCK);
}

/* The smallest element (f16, bf16): the most blocks one step can hold. */
enum { SMALLEST_ELEM = 2 };

/* Makes sure the partials buffer exists and, in copy mode, that the two
 * input buffers (double buffering) with their pinned staging hold one step
 * of an n-element input of elem_size-byte elements: a step, or n itself
 * when smaller, so a small run does not pin a large buffer. They grow when
 * n does. */
static gpucc_status ensure_buffers(opencl_state *s, size_t n, size_t elem_size)
{
    cl_int err;
    if (!s->partials_dev) {
        size_t blocks = step_elems(s, SMALLEST_ELEM) / GPUCC_REDUCE_BLOCK;
        s->partials_dev = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY, blocks * sizeof(double), NULL, &err);
        if (err != CL_SUCCESS) {
            s->partials_dev = NULL;
            return gpucci_cl_fail(err, "clCreateBuffer(partials)");
        }
    }
    if (s->zero_copy)
        return GPUCC_OK;
    size_t step = step_elems(s, elem_size);
    size_t need = (n < step ? gpucci_round_up(n, GPUCC_REDUCE_BLOCK) : step) * elem_size;
    gpucc_status status = GPUCC_OK;
    for (int slot = 0; slot < 2 && status == GPUCC_OK; slot++)
        status = gpucci_staged_reserve(s, &s->inputs[slot], need, CL_MEM_READ_ONLY, "input");
    return status;
}

size_t gpucci_round_up(size_t value, size_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

gpucc_status gpucci_opencl_enqueue_blocks(opencl_state *s, cl_kernel kernel, cl_uint arg, size_t blocks,
                                          cl_mem partials, cl_event wait, cl_event *event)
{
    size_t global;
    gpucc_status status = GPUCC_OK;
    if (s->gpu_shape) {
        global = gpucci_round_up(blocks * GPUCC_REDUCE_LANES, s->local_size);
        GPUCC_CL_TRY(clSetKernelArg(kernel, arg, sizeof partials, &partials), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, arg + 1, s->local_size * sizeof(double), NULL), status, done);
    } else {
        size_t items = (size_t)s->dev.info.compute_units * CPU_ITEMS_PER_UNIT;
        cl_ulong per_item = (blocks + items - 1) / items;
        global = gpucci_round_up((blocks + per_item - 1) / per_item, s->local_size);
        GPUCC_CL_TRY(clSetKernelArg(kernel, arg, sizeof per_item, &per_item), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, arg + 1, sizeof partials, &partials), status, done);
    }
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, kernel, 1, NULL, &global, &s->local_size, wait ? 1 : 0,
                                        wait ? &wait : NULL, event),
                 status, done);
done:
    return status;
}

/* Enqueues the reduction of one step (len elements, `blocks` blocks) after
 * `wait` (or at once if NULL). */
static gpucc_status enqueue_step(opencl_state *s, cl_kernel kernel, cl_mem input, size_t len, size_t blocks,
                                 cl_event wait, cl_event *event)
{
    cl_ulong n = len, block_count = blocks;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof input, &input), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof n, &n), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof block_count, &block_count), status, done);
    status = gpucci_opencl_enqueue_blocks(s, kernel, 3, blocks, s->partials_dev, wait, event);
done:
    return status;
}

gpucc_status gpucci_opencl_finish_steps(opencl_state *s, gpucc_status status, cl_event *events, size_t count,
                                        size_t per_step, gpucc_timing *timing)
{
    cl_int err = clFinish(s->queue);
    if (status == GPUCC_OK && err != CL_SUCCESS)
        status = gpucci_cl_fail(err, "clFinish");
    if (s->transfer_queue)
        clFinish(s->transfer_queue);
    if (s->readback_queue)
        clFinish(s->readback_queue);
    double kernel_ms = 0, transfer_ms = 0;
    for (size_t i = 0; i < count; i++) {
        if (!events[i])
            continue;
        if (status == GPUCC_OK)
            *(i % per_step == per_step - 1 ? &kernel_ms : &transfer_ms) += gpucci_cl_event_ms(events[i]);
        clReleaseEvent(events[i]);
    }
    free(events);
    if (status == GPUCC_OK) {
        timing->kernel_ms = kernel_ms;
        timing->transfer_ms = transfer_ms;
    }
    return status;
}

/* Converts partials read from the device into doubles, in place. Without
 * fp64 they are float pairs: (hi, lo) for sum, (value, 0) for min/max, which
 * is taken as is so that the sign of a zero survives. */
static void widen_partials(const opencl_state *s, gpucc_reduce_op op, double *partials, size_t count)
{
    if (s->fp64)
        return;
    for (size_t i = 0; i < count; i++) {
        float pair[2];
        memcpy(pair, &partials[i], sizeof pair);
        partials[i] = op == GPUCC_REDUCE_SUM ? (double)pair[0] + (double)pair[1] : (double)pair[0];
    }
}

/* Enqueues step i of a reduction of n elements of dtype: its input
 * (wrapped host memory, or a copy into one of the two device buffers once
 * the kernel that last read that buffer is done), its kernel, and the read
 * of its partials. events[2i] is the copy (or NULL), events[2i+1] the
 * kernel. */
static gpucc_status enqueue_reduce_step(opencl_state *s, gpucc_reduce_op op, gpucc_dtype dtype, const void *data,
                                        size_t n, size_t i, double *partials, cl_event *events)
{
    size_t elem_size = gpucc_dtype_size(dtype), step = step_elems(s, elem_size), start = i * step;
    size_t len = n - start < step ? n - start : step, blocks = gpucci_reduce_block_count(len);
    const char *x = (const char *)data + start * elem_size;
    cl_mem input;
    cl_int err = CL_SUCCESS;
    gpucc_status status = GPUCC_OK;
    if (s->zero_copy) {
        input = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, len * elem_size, (void *)x,
                               &err);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, "clCreateBuffer(host input)");
    } else {
        /* Staging slot i % 2 was last read by step i - 2's copy, and its
         * device buffer by step i - 2's kernel: wait for the one, make the
         * other a dependency. The host fills step i's staging while the
         * device still copies or computes step i - 1. */
        const gpucci_staged_buffer *staged = &s->inputs[i % 2];
        input = staged->device;
        if (i >= 2)
            GPUCC_CL_TRY(clWaitForEvents(1, &events[2 * (i - 2)]), status, done);
        gpucci_opencl_host_copy(s, staged->host, x, len * elem_size);
        cl_command_queue queue = s->overlap ? s->transfer_queue : s->queue;
        cl_event reuse = i >= 2 ? events[2 * (i - 2) + 1] : NULL;
        GPUCC_CL_TRY(clEnqueueWriteBuffer(queue, input, CL_FALSE, 0, len * elem_size, staged->host,
                                          reuse ? 1 : 0, reuse ? &reuse : NULL, &events[2 * i]),
                     status, done);
        GPUCC_CL_TRY(clFlush(queue), status, done);
    }
    status = enqueue_step(s, s->reduce[dtype][op], input, len, blocks, events[2 * i], &events[2 * i + 1]);
    if (status == GPUCC_OK)
        GPUCC_CL_TRY(clEnqueueReadBuffer(s->queue, s->partials_dev, CL_FALSE, 0, blocks * sizeof(double),
                                         partials + start / GPUCC_REDUCE_BLOCK, 0, NULL, NULL),
                     status, done);
    /* Without overlap every step ends before the next begins. */
    if (status == GPUCC_OK && !s->zero_copy && !s->overlap)
        GPUCC_CL_TRY(clFinish(s->queue), status, done);
    else if (status == GPUCC_OK)
        GPUCC_CL_TRY(clFlush(s->queue), status, done);
done:
    if (s->zero_copy)
        clReleaseMemObject(input); /* the enqueued kernel keeps it alive */
    return status;
}

static gpucc_status opencl_reduce(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype, const void *x,
                                  size_t n, gpucc_reduce_result *out)
{
    opencl_state *s = backend->impl;
    size_t step = step_elems(s, gpucc_dtype_size(dtype));
    if (step == 0)
        return gpucci_fail(GPUCC_E_INVALID, "the allocation limit of %zu bytes is below one block of %s (%zu bytes)",
                           gpucci_opencl_step_bytes(s), gpucc_dtype_name(dtype),
                           GPUCC_REDUCE_BLOCK * gpucc_dtype_size(dtype));
    gpucc_status status = ensure_reduce_kernels(s, dtype);
    if (status != GPUCC_OK)
        return status;
    size_t total_blocks = gpucci_reduce_block_count(n);
    size_t steps = (n + step - 1) / step;
    double *partials = gpucci_partials_reserve(&s->partials, total_blocks);
    if (!partials)
        return GPUCC_E_NOMEM;
    status = ensure_buffers(s, n, gpucc_dtype_size(dtype));
    if (status != GPUCC_OK)
        return status;
    cl_event *events = calloc(2 * steps, sizeof *events);
    if (!events)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu OpenCL events", 2 * steps);
    for (size_t i = 0; i < steps && status == GPUCC_OK; i++)
        status = enqueue_reduce_step(s, op, dtype, x, n, i, partials, events);
    status = gpucci_opencl_finish_steps(s, status, events, 2 * steps, 2, &out->timing);
    if (status != GPUCC_OK)
        return status;
    widen_partials(s, op, partials, total_blocks);
    status = gpucci_reduce_finish(op, dtype, partials, total_blocks, out);
    size_t chunk = s->chunk_elems * sizeof(float) / gpucc_dtype_size(dtype);
    out->flags = (s->fp64 || op != GPUCC_REDUCE_SUM ? 0u : GPUCC_RESULT_FP32_FALLBACK) |
                 (n > chunk ? GPUCC_RESULT_CHUNKED : 0u) | (s->zero_copy ? 0u : GPUCC_RESULT_COPIED) |
                 (!s->zero_copy && s->overlap && steps > 1 ? GPUCC_RESULT_OVERLAPPED : 0u);
    return status;
}

opencl_state *gpucci_opencl_state(const gpucc_backend *backend)
{
    return backend->ops == &gpucci_opencl_ops ? backend->impl : NULL;
}

const gpucci_backend_ops gpucci_opencl_ops = {
    .kind = GPUCC_BACKEND_OPENCL,
    .open = opencl_open,
    .close = opencl_close,
    .reduce = opencl_reduce,
    .map = gpucci_opencl_map,
    .dense = gpucci_opencl_dense,
};
