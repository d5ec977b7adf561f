/* The OpenCL backend's element-wise map (kernels/map.cl).
 *
 * The program is built when the backend opens, one kernel per function of
 * GPUCC_MAP_FN_TABLE. A call processes x, y and out in chunks of
 * s->chunk_elems floats, so that inputs larger than one device allocation
 * work. Where the device shares host memory (s->zero_copy), each chunk's
 * arrays are wrapped in CL_MEM_USE_HOST_PTR buffers and the output is
 * mapped for reading before the call returns (a no-op on PoCL; on a device
 * that shadows host memory it is the copy back). Elsewhere each chunk is
 * written to device buffers, computed and read back; kernel and transfer
 * times come from the profiling queue's events. */
#include <stdlib.h>

#include "embedded-kernels.h"
#include "error.h"
#include "opencl-impl.h"

/* Work-group size of the map kernels (clamped to what each kernel allows).
 * On PoCL's CPU device each work-group is one vectorised loop over its
 * work-items: square at n = 1e8 on 2 cores ran at 35.2, 36.0 and 34.3 GB/s
 * (medians of 10) with 256, 1024 and 4096, the same within noise, so the
 * per-group cost does not matter there; 256 is the usual choice on GPUs. */
enum { MAP_LOCAL_SIZE = 256 };

struct opencl_map_state {
    cl_program program;
    cl_kernel kernels[GPUCC_MAP_FN_COUNT];
    size_t local_size[GPUCC_MAP_FN_COUNT];
    /* Copy mode: device buffers, grown on demand up to chunk_elems floats. */
    cl_mem x_dev, y_dev, out_dev;
    size_t x_cap, y_cap, out_cap;
};

/* Indexed by gpucc_map_fn, which the same table defines. */
#define GPUCC_MAP_KERNEL_NAME(enumerator, name, ulps, expr) [enumerator] = "map_" #name,
static const char *const kernel_names[GPUCC_MAP_FN_COUNT] = {GPUCC_MAP_FN_TABLE(GPUCC_MAP_KERNEL_NAME)};
#undef GPUCC_MAP_KERNEL_NAME

static void release_mem(cl_mem *mem, size_t *cap)
{
    if (*mem)
        clReleaseMemObject(*mem);
    *mem = NULL;
    *cap = 0;
}

void gpucci_opencl_map_close(opencl_state *s)
{
    if (!s || !s->map)
        return;
    opencl_map_state *m = s->map;
    release_mem(&m->x_dev, &m->x_cap);
    release_mem(&m->y_dev, &m->y_cap);
    release_mem(&m->out_dev, &m->out_cap);
    for (int fn = 0; fn < GPUCC_MAP_FN_COUNT; fn++)
        if (m->kernels[fn])
            clReleaseKernel(m->kernels[fn]);
    if (m->program)
        clReleaseProgram(m->program);
    free(m);
    s->map = NULL;
}

gpucc_status gpucci_opencl_map_open(opencl_state *s)
{
    opencl_map_state *m = calloc(1, sizeof *m);
    if (!m)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the OpenCL map state");
    s->map = m; /* on failure the backend's close frees it */
    gpucc_status status = GPUCC_OK;
    cl_device_fp_config fp = 0;
    GPUCC_CL_TRY(clGetDeviceInfo(s->dev.device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL), status, done);
    /* A correctly rounded divide where offered: sigmoid divides, and the
     * default single-precision divide may be off by 2.5 ulps. */
    const char *options = fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT ? "-cl-fp32-correctly-rounded-divide-sqrt" : "";
    const char *sources[] = {gpucci_src_gpucc_elementwise_h, gpucci_src_gpucc_map_h, gpucci_src_map_cl};
    status =
        gpucci_cl_build(s->context, s->dev.device, sources, sizeof sources / sizeof sources[0], options, &m->program);
    if (status != GPUCC_OK)
        goto done;
    for (int fn = 0; fn < GPUCC_MAP_FN_COUNT; fn++) {
        cl_int err;
        m->kernels[fn] = clCreateKernel(m->program, kernel_names[fn], &err);
        if (err != CL_SUCCESS) {
            status = gpucci_cl_fail(err, kernel_names[fn]);
            goto done;
        }
        size_t max_group = 0;
        GPUCC_CL_TRY(clGetKernelWorkGroupInfo(m->kernels[fn], s->dev.device, CL_KERNEL_WORK_GROUP_SIZE,
                                              sizeof max_group, &max_group, NULL),
                     status, done);
        m->local_size[fn] = max_group && max_group < MAP_LOCAL_SIZE ? max_group : MAP_LOCAL_SIZE;
    }
done:
    return status;
}

/* Makes *mem a device buffer of at least `floats` floats. */
static gpucc_status ensure_buffer(opencl_state *s, cl_mem *mem, size_t *cap, size_t floats, cl_mem_flags flags,
                                  const char *what)
{
    if (*cap >= floats)
        return GPUCC_OK;
    release_mem(mem, cap);
    cl_int err;
    *mem = clCreateBuffer(s->context, flags, floats * sizeof(float), NULL, &err);
    if (err != CL_SUCCESS) {
        *mem = NULL;
        return gpucci_cl_fail(err, what);
    }
    *cap = floats;
    return GPUCC_OK;
}

/* Enqueues the kernel over len elements. */
static gpucc_status enqueue_map(opencl_state *s, gpucc_map_fn fn, cl_mem xb, cl_mem yb, float alpha, cl_mem ob,
                                size_t len, cl_event *event)
{
    cl_kernel k = s->map->kernels[fn];
    size_t local = s->map->local_size[fn];
    size_t global = gpucci_round_up(len, local);
    cl_ulong n = len;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clSetKernelArg(k, 0, sizeof xb, &xb), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 1, sizeof yb, &yb), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 2, sizeof alpha, &alpha), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 3, sizeof ob, &ob), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 4, sizeof n, &n), status, done);
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, k, 1, NULL, &global, &local, 0, NULL, event), status, done);
done:
    return status;
}

static void release_event(cl_event *event)
{
    if (*event)
        clReleaseEvent(*event);
    *event = NULL;
}

/* One chunk on wrapped host memory: out[0..len) = fn(x, y) in place. */
static gpucc_status chunk_zero_copy(opencl_state *s, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                                    float *out, size_t len, double *kernel_ms, double *transfer_ms)
{
    size_t bytes = len * sizeof(float);
    cl_mem xb = NULL, yb = NULL, ob = NULL;
    cl_event kernel_done = NULL, map_done = NULL, unmap_done = NULL;
    gpucc_status status = GPUCC_OK;
    cl_int err;
    xb = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, bytes, (void *)x, &err);
    if (err != CL_SUCCESS) {
        xb = NULL;
        status = gpucci_cl_fail(err, "clCreateBuffer(host x)");
        goto done;
    }
    if (y) {
        yb = clCreateBuffer(s->context, CL_MEM_READ_ONLY | CL_MEM_USE_HOST_PTR, bytes, (void *)y, &err);
        if (err != CL_SUCCESS) {
            yb = NULL;
            status = gpucci_cl_fail(err, "clCreateBuffer(host y)");
            goto done;
        }
    }
    ob = clCreateBuffer(s->context, CL_MEM_WRITE_ONLY | CL_MEM_USE_HOST_PTR, bytes, out, &err);
    if (err != CL_SUCCESS) {
        ob = NULL;
        status = gpucci_cl_fail(err, "clCreateBuffer(host out)");
        goto done;
    }
    status = enqueue_map(s, fn, xb, yb ? yb : xb, alpha, ob, len, &kernel_done);
    if (status != GPUCC_OK)
        goto done;
    /* Mapping a CL_MEM_USE_HOST_PTR buffer makes its contents current in
     * the host array (the map returns out itself). */
    void *mapped = clEnqueueMapBuffer(s->queue, ob, CL_TRUE, CL_MAP_READ, 0, bytes, 0, NULL, &map_done, &err);
    if (err != CL_SUCCESS) {
        status = gpucci_cl_fail(err, "clEnqueueMapBuffer(out)");
        goto done;
    }
    GPUCC_CL_TRY(clEnqueueUnmapMemObject(s->queue, ob, mapped, 0, NULL, &unmap_done), status, done);
    GPUCC_CL_TRY(clWaitForEvents(1, &unmap_done), status, done);
    *kernel_ms += gpucci_cl_event_ms(kernel_done);
    *transfer_ms += gpucci_cl_event_ms(map_done) + gpucci_cl_event_ms(unmap_done);
done:
    if (status != GPUCC_OK)
        clFinish(s->queue); /* nothing may still use the host arrays */
    release_event(&kernel_done);
    release_event(&map_done);
    release_event(&unmap_done);
    if (ob)
        clReleaseMemObject(ob);
    if (yb)
        clReleaseMemObject(yb);
    if (xb)
        clReleaseMemObject(xb);
    return status;
}

/* One chunk through device buffers: write x (and y), compute, read out. */
static gpucc_status chunk_copy(opencl_state *s, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                               float *out, size_t len, double *kernel_ms, double *transfer_ms)
{
    opencl_map_state *m = s->map;
    size_t bytes = len * sizeof(float);
    cl_event write_x = NULL, write_y = NULL, kernel_done = NULL, read_done = NULL;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clEnqueueWriteBuffer(s->queue, m->x_dev, CL_FALSE, 0, bytes, x, 0, NULL, &write_x), status, done);
    if (y)
        GPUCC_CL_TRY(clEnqueueWriteBuffer(s->queue, m->y_dev, CL_FALSE, 0, bytes, y, 0, NULL, &write_y), status,
                     done);
    status = enqueue_map(s, fn, m->x_dev, y ? m->y_dev : m->x_dev, alpha, m->out_dev, len, &kernel_done);
    if (status != GPUCC_OK)
        goto done;
    GPUCC_CL_TRY(clEnqueueReadBuffer(s->queue, m->out_dev, CL_TRUE, 0, bytes, out, 0, NULL, &read_done), status,
                 done);
    *kernel_ms += gpucci_cl_event_ms(kernel_done);
    *transfer_ms += gpucci_cl_event_ms(write_x) + (write_y ? gpucci_cl_event_ms(write_y) : 0.0) +
                    gpucci_cl_event_ms(read_done);
done:
    if (status != GPUCC_OK)
        clFinish(s->queue); /* the non-blocking writes may still read x and y */
    release_event(&write_x);
    release_event(&write_y);
    release_event(&kernel_done);
    release_event(&read_done);
    return status;
}

gpucc_status gpucci_opencl_map(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                              float *out, size_t n, gpucc_call_info *info)
{
    opencl_state *s = backend->impl;
    opencl_map_state *m = s->map;
    size_t chunk = s->chunk_elems;
    size_t buffer_floats = n < chunk ? n : chunk;
    const float *y_used = fn == GPUCC_MAP_SAXPY ? y : NULL; /* NULL: the kernel gets x as y */
    gpucc_status status = GPUCC_OK;
    if (!s->zero_copy) {
        status = ensure_buffer(s, &m->x_dev, &m->x_cap, buffer_floats, CL_MEM_READ_ONLY, "clCreateBuffer(x)");
        if (status == GPUCC_OK && y_used)
            status = ensure_buffer(s, &m->y_dev, &m->y_cap, buffer_floats, CL_MEM_READ_ONLY, "clCreateBuffer(y)");
        if (status == GPUCC_OK)
            status = ensure_buffer(s, &m->out_dev, &m->out_cap, buffer_floats, CL_MEM_WRITE_ONLY,
                                   "clCreateBuffer(out)");
        if (status != GPUCC_OK)
            return status;
    }
    double kernel_ms = 0, transfer_ms = 0;
    for (size_t start = 0; start < n && status == GPUCC_OK; start += chunk) {
        size_t len = n - start < chunk ? n - start : chunk;
        const float *y_chunk = y_used ? y_used + start : NULL;
        status = s->zero_copy ? chunk_zero_copy(s, fn, alpha, x + start, y_chunk, out + start, len, &kernel_ms,
                                                &transfer_ms)
                              : chunk_copy(s, fn, alpha, x + start, y_chunk, out + start, len, &kernel_ms,
                                           &transfer_ms);
    }
    if (status != GPUCC_OK)
        return status;
    info->flags = (n > chunk ? GPUCC_RESULT_CHUNKED : 0u) | (s->zero_copy ? 0u : GPUCC_RESULT_COPIED);
    info->timing.kernel_ms = kernel_ms;
    info->timing.transfer_ms = transfer_ms;
    info->impl = "kernel";
    return GPUCC_OK;
}
