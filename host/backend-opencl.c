/* The OpenCL backend: a GPU where present, else the CPU through PoCL.
 *
 * Programs are built once, when the backend opens, never inside a timed
 * call. Where the device shares host memory (PoCL), input buffers wrap the
 * caller's array (CL_MEM_USE_HOST_PTR: zero-copy); elsewhere each call copies
 * the input, so kernel-only and end-to-end time differ. Inputs larger than
 * one device allocation are processed in chunks of whole blocks, which gives
 * the same partials, hence the same result. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded-kernels.h"
#include "error.h"
#include "opencl-impl.h"
#include "reduce-order.h"

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
    if (s->input)
        clReleaseMemObject(s->input);
    for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++)
        if (s->reduce[op])
            clReleaseKernel(s->reduce[op]);
    if (s->program)
        clReleaseProgram(s->program);
    if (s->queue)
        clReleaseCommandQueue(s->queue);
    if (s->context)
        clReleaseContext(s->context);
    gpucc_opencl_map_close(s);
    gpucc_opencl_dense_close(s);
    gpucc_partials_free(&s->partials);
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
    s->local_size = config->local_size ? config->local_size : s->gpu_shape ? GPU_DEFAULT_LOCAL : 1;
    size_t max_group = 0;
    clGetDeviceInfo(s->dev.device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof max_group, &max_group, NULL);
    if (max_group && s->local_size > max_group)
        return gpucc_fail(GPUCC_E_INVALID, "local size %zu exceeds the device's maximum work-group size %zu",
                          s->local_size, max_group);
    if (s->gpu_shape && s->local_size % GPUCC_REDUCE_LANES != 0)
        return gpucc_fail(GPUCC_E_INVALID, "local size %zu is not a multiple of %d (gpu-shaped kernels)",
                          s->local_size, GPUCC_REDUCE_LANES);
    uint64_t limit = info->max_alloc;
    if (config->max_alloc && config->max_alloc < limit)
        limit = config->max_alloc;
    s->chunk_elems = (size_t)(limit / sizeof(float)) / GPUCC_REDUCE_BLOCK * GPUCC_REDUCE_BLOCK;
    if (s->chunk_elems == 0)
        return gpucc_fail(GPUCC_E_INVALID, "allocation limit of %llu bytes is below one block (%zu bytes)",
                          (unsigned long long)limit, GPUCC_REDUCE_BLOCK * sizeof(float));
    return GPUCC_OK;
}

static gpucc_status build_kernels(opencl_state *s, const gpucc_backend_config *config)
{
    if (config->notice) {
        char note[300];
        snprintf(note, sizeof note,
                 "building OpenCL kernels for %s (with a cold kernel cache this can take several seconds)",
                 s->dev.info.name);
        config->notice(config->notice_ctx, note);
    }
    const char *sources[] = {gpucc_src_gpucc_ops_h, gpucc_src_reduce_cl};
    const char *options = s->fp64 ? "-DGPUCC_FP64=1" : "-DGPUCC_FP64=0";
    gpucc_status status = gpucc_cl_build(s->context, s->dev.device, sources, 2, options, &s->program);
    if (status != GPUCC_OK)
        return status;
    for (int op = 0; op < GPUCC_REDUCE_OP_COUNT; op++) {
        char name[64];
        snprintf(name, sizeof name, "reduce_%s_%s", gpucc_reduce_op_name((gpucc_reduce_op)op),
                 s->gpu_shape ? "gpu" : "cpu");
        cl_int err;
        s->reduce[op] = clCreateKernel(s->program, name, &err);
        if (err != CL_SUCCESS)
            return gpucc_cl_fail(err, name);
    }
    return GPUCC_OK;
}

static gpucc_status opencl_open(gpucc_backend *backend, const gpucc_backend_config *config)
{
    opencl_state *s = calloc(1, sizeof *s);
    if (!s)
        return gpucc_fail(GPUCC_E_NOMEM, "cannot allocate the OpenCL backend");
    backend->impl = s;
    gpucc_status status = gpucc_cl_select(config->device, &s->dev);
    if (status == GPUCC_OK)
        status = configure(s, config);
    if (status != GPUCC_OK)
        goto fail;
    cl_int err;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)s->dev.platform, 0};
    s->context = clCreateContext(props, 1, &s->dev.device, NULL, NULL, &err);
    if (err != CL_SUCCESS) {
        status = gpucc_cl_fail(err, "clCreateContext");
        goto fail;
    }
    s->queue = clCreateCommandQueue(s->context, s->dev.device, CL_QUEUE_PROFILING_ENABLE, &err);
    if (err != CL_SUCCESS) {
        status = gpucc_cl_fail(err, "clCreateCommandQueue");
        goto fail;
    }
    status = build_kernels(s, config);
    if (status == GPUCC_OK)
        status = gpucc_opencl_map_open(s);
    if (status == GPUCC_OK)
        status = gpucc_opencl_dense_open(s, config);
    if (status != GPUCC_OK)
        goto fail;
    snprintf(backend->device, sizeof backend->device, "%s (%s, %s%s)", s->dev.info.name, s->dev.info.platform,
             s->dev.info.type, s->fp64 ? "" : ", fp32 fallback");
    return GPUCC_OK;
fail:
    opencl_close(backend);
    return status;
}

/* Makes sure the copy-mode input buffer and the partials buffer exist. */
static gpucc_status ensure_buffers(opencl_state *s)
{
    cl_int err = CL_SUCCESS;
    if (!s->partials_dev) {
        size_t blocks = s->chunk_elems / GPUCC_REDUCE_BLOCK;
        s->partials_dev = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY, blocks * sizeof(double), NULL, &err);
        if (err != CL_SUCCESS)
            return gpucc_cl_fail(err, "clCreateBuffer(partials)");
    }
    if (!s->zero_copy && !s->input) {
        s->input = clCreateBuffer(s->context, CL_MEM_READ_ONLY, s->chunk_elems * sizeof(float), NULL, &err);
        if (err != CL_SUCCESS)
            return gpucc_cl_fail(err, "clCreateBuffer(input)");
    }
    return GPUCC_OK;
}

size_t gpucc_round_up(size_t value, size_t multiple)
{
    return (value + multiple - 1) / multiple * multiple;
}

/* Enqueues the reduction of one chunk (len elements, `blocks` blocks). */
static gpucc_status enqueue_chunk(opencl_state *s, cl_kernel kernel, cl_mem input, size_t len, size_t blocks,
                                  cl_event *event)
{
    cl_ulong n = len, block_count = blocks;
    size_t global;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof input, &input), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof n, &n), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof block_count, &block_count), status, done);
    if (s->gpu_shape) {
        global = gpucc_round_up(blocks * GPUCC_REDUCE_LANES, s->local_size);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof s->partials_dev, &s->partials_dev), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 4, s->local_size * sizeof(double), NULL), status, done);
    } else {
        size_t items = (size_t)s->dev.info.compute_units * CPU_ITEMS_PER_UNIT;
        cl_ulong per_item = (blocks + items - 1) / items;
        global = gpucc_round_up((blocks + per_item - 1) / per_item, s->local_size);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof per_item, &per_item), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 4, sizeof s->partials_dev, &s->partials_dev), status, done);
    }
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, kernel, 1, NULL, &global, &s->local_size, 0, NULL, event),
                 status, done);
done:
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

static gpucc_status opencl_reduce(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                                  gpucc_reduce_result *out)
{
    opencl_state *s = backend->impl;
    size_t total_blocks = gpucc_reduce_block_count(n);
    double *partials = gpucc_partials_reserve(&s->partials, total_blocks);
    if (!partials)
        return GPUCC_E_NOMEM;
    gpucc_status status = ensure_buffers(s);
    if (status != GPUCC_OK)
        return status;
    double kernel_ms = 0, transfer_ms = 0;
    for (size_t start = 0; start < n; start += s->chunk_elems) {
        size_t len = n - start < s->chunk_elems ? n - start : s->chunk_elems;
        size_t blocks = gpucc_reduce_block_count(len);
        cl_event write_done = NULL, kernel_done = NULL;
        cl_mem input = s->input;
        cl_int err = CL_SUCCESS;
        if (s->zero_copy) {
            input = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, len * sizeof(float),
                                   (void *)(x + start), &err);
            if (err != CL_SUCCESS)
                return gpucc_cl_fail(err, "clCreateBuffer(host input)");
        } else {
            GPUCC_CL_TRY(clEnqueueWriteBuffer(s->queue, input, CL_FALSE, 0, len * sizeof(float), x + start, 0,
                                              NULL, &write_done),
                         status, chunk_done);
        }
        status = enqueue_chunk(s, s->reduce[op], input, len, blocks, &kernel_done);
        if (status != GPUCC_OK)
            goto chunk_done;
        GPUCC_CL_TRY(clEnqueueReadBuffer(s->queue, s->partials_dev, CL_TRUE, 0, blocks * sizeof(double),
                                         partials + start / GPUCC_REDUCE_BLOCK, 0, NULL, NULL),
                     status, chunk_done);
        kernel_ms += gpucc_cl_event_ms(kernel_done);
        if (write_done)
            transfer_ms += gpucc_cl_event_ms(write_done);
    chunk_done:
        if (write_done)
            clReleaseEvent(write_done);
        if (kernel_done)
            clReleaseEvent(kernel_done);
        if (s->zero_copy)
            clReleaseMemObject(input);
        if (status != GPUCC_OK)
            return status;
    }
    widen_partials(s, op, partials, total_blocks);
    out->value = gpucc_combine_partials(op, partials, total_blocks);
    out->flags = (s->fp64 || op != GPUCC_REDUCE_SUM ? 0u : GPUCC_RESULT_FP32_FALLBACK) |
                 (n > s->chunk_elems ? GPUCC_RESULT_CHUNKED : 0u) | (s->zero_copy ? 0u : GPUCC_RESULT_COPIED);
    out->timing.kernel_ms = kernel_ms;
    out->timing.transfer_ms = transfer_ms;
    return GPUCC_OK;
}

const gpucc_backend_ops gpucc_opencl_ops = {
    .kind = GPUCC_BACKEND_OPENCL,
    .open = opencl_open,
    .close = opencl_close,
    .reduce = opencl_reduce,
    .map = gpucc_opencl_map,
    .dense = gpucc_opencl_dense,
};
