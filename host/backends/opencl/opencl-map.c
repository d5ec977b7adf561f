/* The OpenCL backend's element-wise map (kernels/map.cl).
 *
 * One program per data type, one kernel per function of GPUCC_MAP_FN_TABLE
 * the type has: f32's is built when the backend opens, the others' on
 * their first use (a warm-up call), f64's only where the device has fp64.
 * A call processes x, y and out in steps (gpucci_opencl_step_elems), so
 * that inputs larger than one device allocation work. Where the device
 * shares host memory (s->zero_copy), each step is one device allocation's
 * bytes: its arrays are wrapped in CL_MEM_USE_HOST_PTR buffers and the
 * output is mapped for reading before the step ends (a no-op on PoCL; on a
 * device that shadows host memory it is the copy back). Elsewhere (the copy
 * path) the steps are at most a pipeline step's bytes and go through pinned
 * staging, three stages overlapped (map_staged). Kernel and transfer times
 * come from the profiling queues' events. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuinfo.h"
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

/* Elements per work-item of the cpu shape's kernels: map.cl's
 * GPUCC_MAP_LINE, which the build options set from this one value. */
#define MAP_LINE_TEXT "16"
enum { MAP_LINE = 16 };
_Static_assert(MAP_LINE == 16, "MAP_LINE_TEXT must spell MAP_LINE");

/* The stores of a kernel: plain, or (cpu shape only) non-temporal. */
typedef enum { PLAIN_STORES, STREAMED_STORES, STORE_KINDS } store_kind;

/* The kernels of one data type; kernels[kind][fn] is NULL where the type
 * lacks fn, and for streamed stores in the gpu shape. */
typedef struct {
    cl_program program; /* NULL: not built yet */
    cl_kernel kernels[STORE_KINDS][GPUCC_MAP_FN_COUNT];
    size_t local_size[STORE_KINDS][GPUCC_MAP_FN_COUNT];
} map_program;

struct opencl_map_state {
    map_program programs[GPUCC_DTYPE_COUNT];
    store_kind stores; /* the current call's choice (cpu shape only) */
    /* Copy mode: one step of each array, double-buffered (step i uses slot
     * i % 2), grown on demand up to a pipeline step; y only for saxpy. */
    gpucci_staged_buffer x[2], y[2], out[2];
};

/* Indexed by store_kind and gpucc_map_fn, which the same table defines. */
#define GPUCC_MAP_KERNEL_NAME(enumerator, name, ...) [enumerator] = "map_" #name,
#define GPUCC_MAP_STREAMED_NAME(enumerator, name, ...) [enumerator] = "map_" #name "_streamed",
static const char *const kernel_names[STORE_KINDS][GPUCC_MAP_FN_COUNT] = {
    [PLAIN_STORES] = {GPUCC_MAP_FN_TABLE(GPUCC_MAP_KERNEL_NAME)},
    [STREAMED_STORES] = {GPUCC_MAP_FN_TABLE(GPUCC_MAP_STREAMED_NAME)}};
#undef GPUCC_MAP_KERNEL_NAME
#undef GPUCC_MAP_STREAMED_NAME

/* The build option that selects each type's elements in map.cl (f32: none). */
static const char *const element_macros[GPUCC_DTYPE_COUNT] = {
    [GPUCC_F32] = "", [GPUCC_F64] = "-DGPUCC_ELEM_F64", [GPUCC_F16] = "-DGPUCC_ELEM_F16",
    [GPUCC_BF16] = "-DGPUCC_ELEM_BF16", [GPUCC_I32] = "-DGPUCC_ELEM_I32"};

/* Frees a program's kernels and itself, leaving it empty. */
static void release_program(map_program *p)
{
    for (int kind = 0; kind < STORE_KINDS; kind++)
        for (int fn = 0; fn < GPUCC_MAP_FN_COUNT; fn++)
            if (p->kernels[kind][fn])
                clReleaseKernel(p->kernels[kind][fn]);
    if (p->program)
        clReleaseProgram(p->program);
    *p = (map_program){0};
}

void gpucci_opencl_map_close(opencl_state *s)
{
    if (!s || !s->map)
        return;
    opencl_map_state *m = s->map;
    for (int slot = 0; slot < 2; slot++) {
        gpucci_staged_release(s, &m->x[slot]);
        gpucci_staged_release(s, &m->y[slot]);
        gpucci_staged_release(s, &m->out[slot]);
    }
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
    char options[160];
    snprintf(options, sizeof options, "%s %s %s",
             fp & CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT ? "-cl-fp32-correctly-rounded-divide-sqrt" : "",
             element_macros[dtype], s->gpu_shape ? "" : "-DGPUCC_MAP_LINE=" MAP_LINE_TEXT);
    const char *sources[] = {gpucci_src_gpucc_elementwise_h, gpucci_src_gpucc_elements_h, gpucci_src_gpucc_map_h,
                             gpucci_src_map_cl};
    status =
        gpucci_cl_build(s->context, s->dev.device, sources, sizeof sources / sizeof sources[0], options, &p->program);
    if (status != GPUCC_OK)
        goto done;
    for (int kind = 0; kind < (s->gpu_shape ? 1 : STORE_KINDS); kind++)
        for (int fn = 0; fn < GPUCC_MAP_FN_COUNT; fn++) {
            if (!gpucci_map_fn_has_dtype((gpucc_map_fn)fn, dtype))
                continue;
            cl_int err;
            p->kernels[kind][fn] = clCreateKernel(p->program, kernel_names[kind][fn], &err);
            if (err != CL_SUCCESS) {
                p->kernels[kind][fn] = NULL;
                status = gpucci_cl_fail(err, kernel_names[kind][fn]);
                goto done;
            }
            size_t max_group = 0;
            GPUCC_CL_TRY(clGetKernelWorkGroupInfo(p->kernels[kind][fn], s->dev.device, CL_KERNEL_WORK_GROUP_SIZE,
                                                  sizeof max_group, &max_group, NULL),
                         status, done);
            p->local_size[kind][fn] = max_group && max_group < MAP_LOCAL_SIZE ? max_group : MAP_LOCAL_SIZE;
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


/* Enqueues the kernel over len elements of dtype on s->queue, after the
 * `waits` events of wait_list: a work-item per element in the gpu shape; in
 * the cpu shape one per line and one more for the unaligned lead and the
 * tail, with non-temporal stores where the call chose them
 * (s->map->stores). */
static gpucc_status enqueue_map(opencl_state *s, gpucc_map_fn fn, gpucc_dtype dtype, cl_mem xb, cl_mem yb,
                                double alpha, cl_mem ob, size_t len, cl_uint waits, const cl_event *wait_list,
                                cl_event *event)
{
    const map_program *p = &s->map->programs[dtype];
    cl_kernel k = p->kernels[s->map->stores][fn];
    size_t local = p->local_size[s->map->stores][fn];
    size_t global = gpucci_round_up(s->gpu_shape ? len : len / MAP_LINE + 1, local);
    cl_ulong n = len;
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clSetKernelArg(k, 0, sizeof xb, &xb), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 1, sizeof yb, &yb), status, done);
    status = set_alpha(k, dtype, alpha);
    if (status != GPUCC_OK)
        goto done;
    GPUCC_CL_TRY(clSetKernelArg(k, 3, sizeof ob, &ob), status, done);
    GPUCC_CL_TRY(clSetKernelArg(k, 4, sizeof n, &n), status, done);
    GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, k, 1, NULL, &global, &local, waits, waits ? wait_list : NULL, event),
                 status, done);
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
    status = enqueue_map(s, fn, dtype, xb, yb ? yb : xb, alpha, ob, len, 0, NULL, &kernel_done);
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

/* ---- The copy path ---- */

/* The events of one step of the copy path, in this order in the call's
 * array (the kernel last, as gpucci_opencl_finish_steps takes them). */
enum { WRITE_X, WRITE_Y, READ_OUT, KERNEL, STEP_EVENTS };

/* One call on the copy path. */
typedef struct {
    gpucc_map_fn fn;
    gpucc_dtype dtype;
    double alpha;
    const char *x, *y; /* y: NULL unless saxpy */
    char *out;
    size_t n, step, size; /* elements, elements per step, bytes per element */
    cl_event *events;     /* STEP_EVENTS per step; NULL where not (yet) enqueued */
} staged_call;

/* The non-NULL ones of events[0..count) into list; returns how many. */
static cl_uint present_events(const cl_event *events, size_t count, cl_event *list)
{
    cl_uint n = 0;
    for (size_t i = 0; i < count; i++)
        if (events[i])
            list[n++] = events[i];
    return n;
}

/* Bytes of step i. */
static size_t step_bytes(const staged_call *c, size_t i)
{
    size_t start = i * c->step;
    return (c->n - start < c->step ? c->n - start : c->step) * c->size;
}

/* The queues of the copies to the device and back: their own with overlap,
 * else s->queue (everything in sequence). */
static cl_command_queue to_device(const opencl_state *s)
{
    return s->overlap ? s->transfer_queue : s->queue;
}

static cl_command_queue to_host(const opencl_state *s)
{
    return s->overlap ? s->readback_queue : s->queue;
}

/* Enqueues step i's inputs and kernel in slot i % 2, whose buffers step
 * i - 2 used last: all cores copy x (and y) into the pinned staging once
 * step i - 2's copies from it are done; the copies to the device wait for
 * step i - 2's kernel (which read those device buffers); the kernel waits
 * for them and for step i - 2's read-back (which read its output buffer). */
static gpucc_status enqueue_step_in(opencl_state *s, staged_call *c, size_t i)
{
    opencl_map_state *m = s->map;
    int slot = i % 2;
    size_t offset = i * c->step * c->size, bytes = step_bytes(c, i);
    cl_event *now = c->events + i * STEP_EVENTS, *last = i >= 2 ? now - 2 * STEP_EVENTS : NULL;
    cl_event wait[3];
    cl_uint waits;
    gpucc_status status = GPUCC_OK;
    if (last && (waits = present_events(last + WRITE_X, 2, wait)) > 0)
        GPUCC_CL_TRY(clWaitForEvents(waits, wait), status, done);
    gpucci_opencl_host_copy(s, m->x[slot].host, c->x + offset, bytes);
    if (c->y)
        gpucci_opencl_host_copy(s, m->y[slot].host, c->y + offset, bytes);
    waits = last ? present_events(last + KERNEL, 1, wait) : 0;
    GPUCC_CL_TRY(clEnqueueWriteBuffer(to_device(s), m->x[slot].device, CL_FALSE, 0, bytes, m->x[slot].host, waits,
                                      waits ? wait : NULL, &now[WRITE_X]),
                 status, done);
    if (c->y)
        GPUCC_CL_TRY(clEnqueueWriteBuffer(to_device(s), m->y[slot].device, CL_FALSE, 0, bytes, m->y[slot].host,
                                          waits, waits ? wait : NULL, &now[WRITE_Y]),
                     status, done);
    GPUCC_CL_TRY(clFlush(to_device(s)), status, done);
    waits = present_events(now + WRITE_X, 2, wait);
    waits += last ? present_events(last + READ_OUT, 1, wait + waits) : 0;
    cl_mem y_dev = c->y ? m->y[slot].device : m->x[slot].device; /* the kernel takes x as y but for saxpy */
    status = enqueue_map(s, c->fn, c->dtype, m->x[slot].device, y_dev, c->alpha, m->out[slot].device,
                         bytes / c->size, waits, wait, &now[KERNEL]);
    if (status == GPUCC_OK)
        GPUCC_CL_TRY(clFlush(s->queue), status, done);
done:
    return status;
}

/* Enqueues the read-back of step i's output into its pinned staging, after
 * its kernel. The caller has copied step i - 2's output out of that staging
 * buffer already. */
static gpucc_status enqueue_step_out(opencl_state *s, staged_call *c, size_t i)
{
    cl_event *now = c->events + i * STEP_EVENTS;
    const gpucci_staged_buffer *out = &s->map->out[i % 2];
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clEnqueueReadBuffer(to_host(s), out->device, CL_FALSE, 0, step_bytes(c, i), out->host, 1,
                                     &now[KERNEL], &now[READ_OUT]),
                 status, done);
    GPUCC_CL_TRY(clFlush(to_host(s)), status, done);
done:
    return status;
}

/* Waits for step i's read-back and copies its output, with all cores, from
 * the pinned staging to out. */
static gpucc_status finish_step(opencl_state *s, staged_call *c, size_t i)
{
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clWaitForEvents(1, &c->events[i * STEP_EVENTS + READ_OUT]), status, done);
    gpucci_opencl_host_copy(s, c->out + i * c->step * c->size, s->map->out[i % 2].host, step_bytes(c, i));
done:
    return status;
}

/* The steps one after another: each ends before the next begins. */
static gpucc_status run_in_sequence(opencl_state *s, staged_call *c, size_t steps)
{
    gpucc_status status = GPUCC_OK;
    for (size_t i = 0; i < steps && status == GPUCC_OK; i++) {
        status = enqueue_step_in(s, c, i);
        if (status == GPUCC_OK)
            status = enqueue_step_out(s, c, i);
        if (status == GPUCC_OK)
            status = finish_step(s, c, i);
    }
    return status;
}

/* The steps overlapped: round r copies step r - 3's output out of its
 * staging, enqueues step r - 1's read-back into that buffer, then fills
 * step r's inputs and enqueues their copies and kernel. So the host copies
 * for one step while the device copies step r - 1 in and step r - 2 back,
 * each direction of the link busy all the time where the host keeps up. */
static gpucc_status run_overlapped(opencl_state *s, staged_call *c, size_t steps)
{
    gpucc_status status = GPUCC_OK;
    for (size_t r = 0; r < steps + 3 && status == GPUCC_OK; r++) {
        if (r >= 3)
            status = finish_step(s, c, r - 3);
        if (status == GPUCC_OK && r >= 1 && r - 1 < steps)
            status = enqueue_step_out(s, c, r - 1);
        if (status == GPUCC_OK && r < steps)
            status = enqueue_step_in(s, c, r);
    }
    return status;
}

/* The copy path over n elements in steps of c->step, through the double-
 * buffered staging (grown here if needed), overlapped or in sequence. On
 * failure gpucci_opencl_finish_steps waits for every queue before
 * returning; the device only ever uses the staging buffers, never the
 * caller's arrays. */
static gpucc_status map_staged(opencl_state *s, staged_call *c, gpucc_timing *timing)
{
    opencl_map_state *m = s->map;
    size_t steps = (c->n + c->step - 1) / c->step;
    size_t bytes = (c->n < c->step ? c->n : c->step) * c->size;
    gpucc_status status = GPUCC_OK;
    for (int slot = 0; slot < 2 && status == GPUCC_OK; slot++) {
        status = gpucci_staged_reserve(s, &m->x[slot], bytes, CL_MEM_READ_ONLY, "x");
        if (status == GPUCC_OK && c->y)
            status = gpucci_staged_reserve(s, &m->y[slot], bytes, CL_MEM_READ_ONLY, "y");
        if (status == GPUCC_OK)
            status = gpucci_staged_reserve(s, &m->out[slot], bytes, CL_MEM_WRITE_ONLY, "out");
    }
    if (status != GPUCC_OK)
        return status;
    c->events = calloc(STEP_EVENTS * steps, sizeof *c->events);
    if (!c->events)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu OpenCL events", STEP_EVENTS * steps);
    status = s->overlap ? run_overlapped(s, c, steps) : run_in_sequence(s, c, steps);
    return gpucci_opencl_finish_steps(s, status, c->events, STEP_EVENTS * steps, STEP_EVENTS, timing);
}

gpucc_status gpucci_opencl_map(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                               const void *x, const void *y, void *out, size_t n, gpucc_call_info *info)
{
    opencl_state *s = backend->impl;
    size_t size = gpucc_dtype_size(dtype);
    size_t chunk = s->chunk_elems * sizeof(float) / size; /* elements of one device allocation */
    size_t step = gpucci_opencl_step_elems(s, size, 1);
    const char *y_used = fn == GPUCC_MAP_SAXPY ? y : NULL; /* NULL: the kernel gets x as y */
    gpucc_status status = ensure_program(s, dtype);
    if (status != GPUCC_OK)
        return status;
    /* Streaming stores pay where the device is the host's CPU and the whole
     * call's arrays exceed its last-level cache. */
    s->map->stores = !s->gpu_shape && strcmp(s->dev.info.type, "cpu") == 0 && gpucci_map_streams(fn, dtype, n)
                         ? STREAMED_STORES
                         : PLAIN_STORES;
    gpucc_timing timing = {0};
    if (s->zero_copy) {
        for (size_t start = 0; start < n && status == GPUCC_OK; start += step) {
            size_t len = n - start < step ? n - start : step;
            const char *y_step = y_used ? y_used + start * size : NULL;
            status = chunk_zero_copy(s, fn, dtype, alpha, (const char *)x + start * size, y_step,
                                     (char *)out + start * size, len, &timing.kernel_ms, &timing.transfer_ms);
        }
    } else if (n > 0) {
        staged_call call = {fn, dtype, alpha, x, y_used, out, n, step, size, NULL};
        status = map_staged(s, &call, &timing);
    }
    if (status != GPUCC_OK)
        return status;
    info->flags = (n > chunk ? GPUCC_RESULT_CHUNKED : 0u) | (s->zero_copy ? 0u : GPUCC_RESULT_COPIED) |
                  (!s->zero_copy && s->overlap && n > step ? GPUCC_RESULT_OVERLAPPED : 0u);
    info->timing.kernel_ms = timing.kernel_ms;
    info->timing.transfer_ms = timing.transfer_ms;
    info->impl = "kernel";
    return GPUCC_OK;
}
