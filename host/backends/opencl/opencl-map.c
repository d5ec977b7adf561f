/* The OpenCL backend's element-wise map (kernels/map.cl).
 *
 * One program per data type, one kernel per function of GPUCC_MAP_FN_TABLE
 * the type has: f32's is built when the backend opens, the others' on
 * their first use (a warm-up call), f64's only where the device has fp64.
 * A call processes x, y and out in chunks of one device allocation's bytes
 * (s->chunk_elems floats' worth), so that inputs larger than one device
 * allocation work. Where the device shares host memory (s->zero_copy), each chunk's
 * arrays are wrapped in CL_MEM_USE_HOST_PTR buffers and the output is
 * mapped for reading before the call returns (a no-op on PoCL; on a device
 * that shadows host memory it is the copy back). Elsewhere each chunk is
 * written to device buffers, computed and read back; kernel and transfer
 * times come from the profiling queue's events. */
#include <stdio.h>
#include <stdlib.h>

#include "embedded-kernels.h"
#include "error.h"
#include "gpucc-map.h"
#include "opencl-impl.h"
#include "timer.h"

/* Work-group size of the map kernels (clamped to what each kernel allows).
 * On PoCL's CPU device each work-group is one vectorised loop over its
 * work-items: square at n = 1e8 on 2 cores ran at 35.2, 36.0 and 34.3 GB/s
 * (medians of 10) with 256, 1024 and 4096, the same within noise, so the
 * per-group cost does not matter there; 256 is the usual choice on GPUs. */
enum { MAP_LOCAL_SIZE = 256 };

/* The kernels of one data type; kernels[fn] is NULL where the type lacks fn. */
typedef struct {
    cl_program program; /* NULL: not built yet */
    cl_kernel kernels[GPUCC_MAP_FN_COUNT];
    size_t local_size[GPUCC_MAP_FN_COUNT];
} map_program;

struct opencl_map_state {
    map_program programs[GPUCC_DTYPE_COUNT];
    /* Copy mode: device buffers, grown on demand up to one chunk (bytes). */
    cl_mem x_dev, y_dev, out_dev;
    size_t x_cap, y_cap, out_cap;
};

/* Indexed by gpucc_map_fn, which the same table defines. */
#define GPUCC_MAP_KERNEL_NAME(enumerator, name, ...) [enumerator] = "map_" #name,
static const char *const kernel_names[GPUCC_MAP_FN_COUNT] = {GPUCC_MAP_FN_TABLE(GPUCC_MAP_KERNEL_NAME)};
#undef GPUCC_MAP_KERNEL_NAME

/* The build option that selects each type's elements in map.cl (f32: none). */
static const char *const element_macros[GPUCC_DTYPE_COUNT] = {
    [GPUCC_F32] = "", [GPUCC_F64] = "-DGPUCC_ELEM_F64", [GPUCC_F16] = "-DGPUCC_ELEM_F16",
    [GPUCC_BF16] = "-DGPUCC_ELEM_BF16", [GPUCC_I32] = "-DGPUCC_ELEM_I32"};

static void release_mem(cl_mem *mem, size_t *cap)
{
    if (*mem)
        clReleaseMemObject(*mem);
    *mem = NULL;
    *cap = 0;
}

/* Frees a program's kernels and itself, leaving it empty. */
static void release_program(map_program *p)
{
    for (int fn = 0; fn < GPUCC_MAP_FN_COUNT; fn++)
        if (p->kernels[fn])
            clReleaseKernel(p->kernels[fn]);
    if (p->program)
        clReleaseProgram(p->program);
    *p = (map_program){0};
}

void gpucci_opencl_map_close(opencl_state *s)
{
    if (!s || !s->map)
        return;
    opencl_map_state *m = s->map;
    release_mem(&m->x_dev, &m->x_cap);
    release_mem(&m->y_dev, &m->y_cap);
    release_mem(&m->out_dev, &m->out_cap);
    for (int dtype = 0; dtype < GPUCC_DTYPE_COUNT; dtype++)
        release_program(&m->programs[dtype]);
    free(m);
    s->map = NULL;
}

/* Builds the program of dtype's kernels into *p; on failure *p is left
 * empty (all or nothing, so that a built program has its kernels). */
static gpucc_status build_program(opencl_state *s, gpucc_dtype dtype, map_program *p)
{
    gpucc_status status = GPUCC_OK;
    cl_device_fp_config fp = 0;
    GPUCC_CL_TRY(clGetDeviceInfo(s->dev.device, CL_DEVICE_SINGLE_FP_CONFIG, sizeof fp, &fp, NULL), status, done);
    /* A correctly rounded divide where offered: sigmoid divides, and the
     * default single-precision divide may be off by 2.5 ulps. */
    char options[128];
    snprintf(options, sizeof options, "%s %s",
             fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT ? "-cl-fp32-correctly-rounded-divide-sqrt" : "",
             element_macros[dtype]);
    const char *sources[] = {gpucci_src_gpucc_elementwise_h, gpucci_src_gpucc_elements_h, gpucci_src_gpucc_map_h,
                             gpucci_src_map_cl};
    status =
        gpucci_cl_build(s->context, s->dev.device, sources, sizeof sources / sizeof sources[0], options, &p->program);
    if (status != GPUCC_OK)
        goto done;
    for (int fn = 0; fn < GPUCC_MAP_FN_COUNT; fn++) {
        if (!gpucci_map_fn_has_dtype((gpucc_map_fn)fn, dtype))
            continue;
        cl_int err;
        p->kernels[fn] = clCreateKernel(p->program, kernel_names[fn], &err);
        if (err != CL_SUCCESS) {
            p->kernels[fn] = NULL;
            status = gpucci_cl_fail(err, kernel_names[fn]);
            goto done;
        }
        size_t max_group = 0;
        GPUCC_CL_TRY(clGetKernelWorkGroupInfo(p->kernels[fn], s->dev.device, CL_KERNEL_WORK_GROUP_SIZE,
                                              sizeof max_group, &max_group, NULL),
                     status, done);
        p->local_size[fn] = max_group && max_group < MAP_LOCAL_SIZE ? max_group : MAP_LOCAL_SIZE;
    }
done:
    if (status != GPUCC_OK)
        release_program(p);
    return status;
}

gpucc_status gpucci_opencl_map_open(opencl_state *s)
{
    opencl_map_state *m = calloc(1, sizeof *m);
    if (!m)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the OpenCL map state");
    s->map = m; /* on failure the backend's close frees it */
    return build_program(s, GPUCC_F32, &m->programs[GPUCC_F32]);
}

/* The kernels of dtype, built on first use. GPUCC_E_UNSUPPORTED for f64
 * where the device (or the configuration) has no fp64. */
static gpucc_status ensure_program(opencl_state *s, gpucc_dtype dtype)
{
    map_program *p = &s->map->programs[dtype];
    if (p->program)
        return GPUCC_OK;
    if (dtype == GPUCC_F64 && !s->fp64)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "f64 maps need fp64, which %s",
                           s->dev.info.fp64 ? "--cl-fp32 turned off" : "this device lacks");
    double start = gpucci_now_ms();
    gpucc_status status = build_program(s, dtype, p);
    if (status == GPUCC_OK) {
        char what[300];
        snprintf(what, sizeof what, "building OpenCL %s maps for %s", gpucc_dtype_name(dtype), s->dev.info.name);
        gpucci_opencl_notice_slow(s->notice, s->notice_ctx, start, what);
    }
    return status;
}

/* Makes *mem a device buffer of at least `bytes` bytes. */
static gpucc_status ensure_buffer(opencl_state *s, cl_mem *mem, size_t *cap, size_t bytes, cl_mem_flags flags,
                                  const char *what)
{
    if (*cap >= bytes)
        return GPUCC_OK;
    release_mem(mem, cap);
    cl_int err;
    *mem = clCreateBuffer(s->context, flags, bytes, NULL, &err);
    if (err != CL_SUCCESS) {
        *mem = NULL;
        return gpucci_cl_fail(err, what);
    }
    *cap = bytes;
    return GPUCC_OK;
}

/* Sets a kernel's alpha argument (index 2) in the type dtype computes in:
 * map.cl's value_t. */
static gpucc_status set_alpha(cl_kernel k, gpucc_dtype dtype, double alpha)
{
    cl_int err;
    if (dtype == GPUCC_F64) {
        cl_double value = alpha;
        err = clSetKernelArg(k, 2, sizeof value, &value);
    } else if (dtype == GPUCC_I32) {
        cl_long value = (cl_long)alpha;
        err = clSetKernelArg(k, 2, sizeof value, &value);
    } else {
        cl_float value = (cl_float)alpha;
        err = clSetKernelArg(k, 2, sizeof value, &value);
    }
    return err == CL_SUCCESS ? GPUCC_OK : gpucci_cl_fail(err, "clSetKernelArg(alpha)");
}

/* Enqueues the kernel over len elements of dtype. */
static gpucc_status enqueue_map(opencl_state *s, gpucc_map_fn fn, gpucc_dtype dtype, cl_mem xb, cl_mem yb,
                                double alpha, cl_mem ob, size_t len, cl_event *event)
{
    const map_program *p = &s->map->programs[dtype];
    cl_kernel k = p->kernels[fn];
    size_t local = p->local_size[fn];
    size_t global = gpucci_round_up(len, local);
    cl_ulong n = len;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clSetKernelArg(k, 0, sizeof xb, &xb), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 1, sizeof yb, &yb), status, done);
    status = set_alpha(k, dtype, alpha);
    if (status != GPUCC_OK)
        goto done;
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
static gpucc_status chunk_zero_copy(opencl_state *s, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                                    const void *x, const void *y, void *out, size_t len, double *kernel_ms,
                                    double *transfer_ms)
{
    size_t bytes = len * gpucc_dtype_size(dtype);
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
    status = enqueue_map(s, fn, dtype, xb, yb ? yb : xb, alpha, ob, len, &kernel_done);
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
static gpucc_status chunk_copy(opencl_state *s, gpucc_map_fn fn, gpucc_dtype dtype, double alpha, const void *x,
                               const void *y, void *out, size_t len, double *kernel_ms, double *transfer_ms)
{
    opencl_map_state *m = s->map;
    size_t bytes = len * gpucc_dtype_size(dtype);
    cl_event write_x = NULL, write_y = NULL, kernel_done = NULL, read_done = NULL;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clEnqueueWriteBuffer(s->queue, m->x_dev, CL_FALSE, 0, bytes, x, 0, NULL, &write_x), status, done);
    if (y)
        GPUCC_CL_TRY(clEnqueueWriteBuffer(s->queue, m->y_dev, CL_FALSE, 0, bytes, y, 0, NULL, &write_y), status,
                     done);
    status = enqueue_map(s, fn, dtype, m->x_dev, y ? m->y_dev : m->x_dev, alpha, m->out_dev, len, &kernel_done);
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

gpucc_status gpucci_opencl_map(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                               const void *x, const void *y, void *out, size_t n, gpucc_call_info *info)
{
    opencl_state *s = backend->impl;
    opencl_map_state *m = s->map;
    size_t size = gpucc_dtype_size(dtype);
    size_t chunk = s->chunk_elems * sizeof(float) / size; /* elements of one device allocation */
    size_t buffer_bytes = (n < chunk ? n : chunk) * size;
    const char *y_used = fn == GPUCC_MAP_SAXPY ? y : NULL; /* NULL: the kernel gets x as y */
    gpucc_status status = ensure_program(s, dtype);
    if (status != GPUCC_OK)
        return status;
    if (!s->zero_copy) {
        status = ensure_buffer(s, &m->x_dev, &m->x_cap, buffer_bytes, CL_MEM_READ_ONLY, "clCreateBuffer(x)");
        if (status == GPUCC_OK && y_used)
            status = ensure_buffer(s, &m->y_dev, &m->y_cap, buffer_bytes, CL_MEM_READ_ONLY, "clCreateBuffer(y)");
        if (status == GPUCC_OK)
            status = ensure_buffer(s, &m->out_dev, &m->out_cap, buffer_bytes, CL_MEM_WRITE_ONLY,
                                   "clCreateBuffer(out)");
        if (status != GPUCC_OK)
            return status;
    }
    double kernel_ms = 0, transfer_ms = 0;
    for (size_t start = 0; start < n && status == GPUCC_OK; start += chunk) {
        size_t len = n - start < chunk ? n - start : chunk;
        const char *x_chunk = (const char *)x + start * size, *y_chunk = y_used ? y_used + start * size : NULL;
        char *out_chunk = (char *)out + start * size;
        status = s->zero_copy ? chunk_zero_copy(s, fn, dtype, alpha, x_chunk, y_chunk, out_chunk, len, &kernel_ms,
                                                &transfer_ms)
                              : chunk_copy(s, fn, dtype, alpha, x_chunk, y_chunk, out_chunk, len, &kernel_ms,
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
