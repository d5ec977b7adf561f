/* The ceilings of one OpenCL device, measured the way clpeak does: global
 * memory read and copy bandwidth, FP32 multiply-add peak, host<->device
 * transfer bandwidth from pageable and from pinned memory (each direction
 * alone, and from pinned memory both at once), map/unmap cost, kernel launch
 * latency, and SGEMM through CLBlast (a peer, not a ceiling). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded-kernels.h"
#include "error.h"
#include "opencl-impl.h"
#include "timer.h"

enum { PEAK_REPEAT = 9, LAUNCH_REPEAT = 200, GEMM_SIZE = 1024 };
/* The FMA kernels run with as many iterations as make one launch last this
 * long at least (doubling from FMA_FIRST_ITERATIONS). */
#define FMA_MIN_MS 20.0
enum { FMA_FIRST_ITERATIONS = 64, FMA_MAX_ITERATIONS = 1 << 24 };

/* The kernels of peak.cl, in this order. */
enum { READ_STRIDED, READ_CHUNKED, COPY_STRIDED, COPY_CHUNKED, FMA_NARROW, FMA_WIDE, EMPTY, KERNEL_COUNT };
static const char *const kernel_names[KERNEL_COUNT] = {
    "peak_read_strided", "peak_read_chunked", "peak_copy_strided", "peak_copy_chunked",
    "peak_fma_narrow",   "peak_fma_wide",     "peak_empty"};

typedef struct {
    opencl_state *s;
    cl_program program;
    cl_kernel kernels[KERNEL_COUNT];
    cl_mem buffer, copy, out, pinned; /* copy: the copy kernels' destination; pinned: CL_MEM_ALLOC_HOST_PTR */
    cl_command_queue readback;        /* device-to-host copies while s->queue copies host to device */
    size_t bytes;
    float *host, *pinned_host; /* pageable; the pinned buffer's mapped address */
} peak_ctx;

static void peak_release(peak_ctx *c)
{
    for (int k = 0; k < KERNEL_COUNT; k++)
        if (c->kernels[k])
            clReleaseKernel(c->kernels[k]);
    if (c->program)
        clReleaseProgram(c->program);
    if (c->pinned_host) {
        clEnqueueUnmapMemObject(c->s->queue, c->pinned, c->pinned_host, 0, NULL, NULL);
        clFinish(c->s->queue);
    }
    if (c->readback)
        clReleaseCommandQueue(c->readback);
    cl_mem buffers[] = {c->buffer, c->copy, c->out, c->pinned};
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0]; i++)
        if (buffers[i])
            clReleaseMemObject(buffers[i]);
    gpucc_free_floats(c->host);
}

/* Milliseconds of one enqueued command, waiting for it. */
static gpucc_status event_ms(cl_event event, double *ms)
{
    cl_int err = clWaitForEvents(1, &event);
    *ms = err == CL_SUCCESS ? gpucci_cl_event_ms(event) : 0;
    clReleaseEvent(event);
    return err == CL_SUCCESS ? GPUCC_OK : gpucci_cl_fail(err, "clWaitForEvents");
}

static size_t compute_units(const peak_ctx *c)
{
    return c->s->dev.info.compute_units ? c->s->dev.info.compute_units : 1;
}

/* The work-group size for kernel: `wanted`, or less where the device
 * cannot run that many of its work-items together. */
static gpucc_status local_size(const peak_ctx *c, cl_kernel kernel, size_t wanted, size_t *local)
{
    size_t most;
    cl_int err = clGetKernelWorkGroupInfo(kernel, c->s->dev.device, CL_KERNEL_WORK_GROUP_SIZE, sizeof most, &most,
                                          NULL);
    if (err != CL_SUCCESS)
        return gpucci_cl_fail(err, "clGetKernelWorkGroupInfo(peak)");
    *local = most < wanted ? most : wanted;
    return GPUCC_OK;
}

/* Runs kernel over `global` work-items in groups of `local`, once to warm
 * up and then PEAK_REPEAT times, and gives the median, min and max of
 * units / kernel time in units per ns (GB/s, GFLOP/s). */
static gpucc_status time_kernel(peak_ctx *c, cl_kernel kernel, size_t global, size_t local, double units,
                                gpucc_stats *rate)
{
    double samples[PEAK_REPEAT];
    gpucc_status status = GPUCC_OK;
    for (int r = -1; r < PEAK_REPEAT && status == GPUCC_OK; r++) { /* r = -1 warms up */
        cl_event event;
        double ms;
        cl_int err = clEnqueueNDRangeKernel(c->s->queue, kernel, 1, NULL, &global, &local, 0, NULL, &event);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, "clEnqueueNDRangeKernel(peak)");
        status = event_ms(event, &ms);
        if (r >= 0)
            samples[r] = units / (ms * 1e6);
    }
    if (status == GPUCC_OK)
        *rate = gpucc_stats_of(samples, PEAK_REPEAT);
    return status;
}

/* The faster of a strided kernel (kernels[strided], compute units x 2048
 * work-items in groups of up to 256) and the chunked one after it (16
 * work-items per compute unit, one per group) streaming c->buffer into
 * `out`; `passes` is 1 for a read, 2 for a copy (bytes read + written). */
static gpucc_status measure_stream(peak_ctx *c, int strided, cl_mem out, int passes, gpucc_stats *gbps)
{
    cl_ulong count = c->bytes / (4 * sizeof(float));
    size_t items[2] = {compute_units(c) * 2048, compute_units(c) * 16}, local[2] = {256, 1};
    gpucc_stats rate[2];
    gpucc_status status = GPUCC_OK;
    for (int k = 0; k < 2 && status == GPUCC_OK; k++) {
        cl_kernel kernel = c->kernels[strided + k];
        GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof c->buffer, &c->buffer), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof count, &count), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof out, &out), status, done);
        status = local_size(c, kernel, local[k], &local[k]);
        if (status == GPUCC_OK)
            status = time_kernel(c, kernel, gpucci_round_up(items[k], local[k]), local[k],
                                 (double)passes * (double)c->bytes, &rate[k]);
    }
    if (status == GPUCC_OK)
        *gbps = rate[0].median >= rate[1].median ? rate[0] : rate[1];
done:
    return status;
}

/* The faster of the two FMA kernels, each over compute units x 2048
 * work-items in groups of up to 256, with its iterations first doubled
 * until one launch lasts FMA_MIN_MS. */
static gpucc_status measure_fma(peak_ctx *c, gpucc_stats *gflops)
{
    static const struct {
        int kernel;
        double flops_per_step; /* per work-item: 2 x chains x lanes */
    } variants[2] = {{FMA_NARROW, 2.0 * 8 * 4}, {FMA_WIDE, 2.0 * 12 * 16}};
    float half = 0.5f, never = -1.0f; /* the chains stay in [0, 12]: their sum is never negative */
    gpucc_stats rate[2];
    gpucc_status status = GPUCC_OK;
    for (int v = 0; v < 2 && status == GPUCC_OK; v++) {
        cl_kernel kernel = c->kernels[variants[v].kernel];
        cl_uint iterations = FMA_FIRST_ITERATIONS;
        size_t local, global;
        status = local_size(c, kernel, 256, &local);
        if (status != GPUCC_OK)
            break;
        global = gpucci_round_up(compute_units(c) * 2048, local);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof half, &half), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof half, &half), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 3, sizeof never, &never), status, done);
        GPUCC_CL_TRY(clSetKernelArg(kernel, 4, sizeof c->out, &c->out), status, done);
        for (double ms = 0; status == GPUCC_OK && ms < FMA_MIN_MS && iterations < FMA_MAX_ITERATIONS;) {
            cl_event event;
            iterations *= 2;
            GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof iterations, &iterations), status, done);
            GPUCC_CL_TRY(clEnqueueNDRangeKernel(c->s->queue, kernel, 1, NULL, &global, &local, 0, NULL, &event),
                         status, done);
            status = event_ms(event, &ms);
        }
        if (status == GPUCC_OK)
            status = time_kernel(c, kernel, global, local,
                                 (double)global * iterations * variants[v].flops_per_step, &rate[v]);
    }
    if (status == GPUCC_OK)
        *gflops = rate[0].median >= rate[1].median ? rate[0] : rate[1];
done:
    return status;
}

/* Host-to-device (write) or device-to-host (read) copies of c->bytes
 * between c->buffer and host memory at `host` (pageable or pinned), timed
 * by events. */
static gpucc_status measure_transfer(peak_ctx *c, int to_device, float *host, gpucc_stats *gbps)
{
    double samples[PEAK_REPEAT];
    gpucc_status status = GPUCC_OK;
    for (int r = -1; r < PEAK_REPEAT && status == GPUCC_OK; r++) {
        cl_event event;
        double ms;
        cl_int err = to_device
                         ? clEnqueueWriteBuffer(c->s->queue, c->buffer, CL_FALSE, 0, c->bytes, host, 0, NULL, &event)
                         : clEnqueueReadBuffer(c->s->queue, c->buffer, CL_FALSE, 0, c->bytes, host, 0, NULL, &event);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, to_device ? "clEnqueueWriteBuffer" : "clEnqueueReadBuffer");
        status = event_ms(event, &ms);
        if (r >= 0)
            samples[r] = (double)c->bytes / (ms * 1e6);
    }
    if (status == GPUCC_OK)
        *gbps = gpucc_stats_of(samples, PEAK_REPEAT);
    return status;
}

/* Fails a both-directions round after waiting for both queues, so that no
 * copy still uses the buffers peak_release frees. */
static gpucc_status both_directions_fail(peak_ctx *c, cl_int err, const char *call)
{
    clFinish(c->s->queue);
    clFinish(c->readback);
    return gpucci_cl_fail(err, call);
}

/* Both directions at once from pinned memory, the ceiling of a copy path
 * that overlaps its copies in and out: the pinned buffer's first half
 * written into c->buffer on s->queue while c->copy is read into its second
 * half on c->readback (two copies of c->bytes / 2, to separate device
 * buffers), both enqueued before either is waited for; bytes moved both
 * ways over the wall time from the first enqueue to both completions. */
static gpucc_status measure_both_directions(peak_ctx *c, gpucc_stats *gbps)
{
    size_t half = c->bytes / 2;
    char *pinned = (char *)c->pinned_host;
    double samples[PEAK_REPEAT];
    for (int r = -1; r < PEAK_REPEAT; r++) {
        cl_event events[2];
        double start = gpucci_now_ms();
        cl_int err = clEnqueueWriteBuffer(c->s->queue, c->buffer, CL_FALSE, 0, half, pinned, 0, NULL, &events[0]);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, "clEnqueueWriteBuffer(both directions)");
        err = clEnqueueReadBuffer(c->readback, c->copy, CL_FALSE, 0, half, pinned + half, 0, NULL, &events[1]);
        if (err != CL_SUCCESS) {
            clReleaseEvent(events[0]);
            return both_directions_fail(c, err, "clEnqueueReadBuffer(both directions)");
        }
        clFlush(c->s->queue);
        clFlush(c->readback);
        err = clWaitForEvents(2, events);
        double ms = gpucci_now_ms() - start;
        clReleaseEvent(events[0]);
        clReleaseEvent(events[1]);
        if (err != CL_SUCCESS)
            return both_directions_fail(c, err, "clWaitForEvents(both directions)");
        if (r >= 0)
            samples[r] = 2.0 * (double)half / (ms * 1e6);
    }
    *gbps = gpucc_stats_of(samples, PEAK_REPEAT);
    return GPUCC_OK;
}

/* Wall time of mapping the whole buffer for reading and unmapping it. */
static gpucc_status measure_map(peak_ctx *c, gpucc_stats *us)
{
    double samples[PEAK_REPEAT];
    for (int r = -1; r < PEAK_REPEAT; r++) {
        cl_int err;
        double start = gpucci_now_ms();
        void *p = clEnqueueMapBuffer(c->s->queue, c->buffer, CL_TRUE, CL_MAP_READ, 0, c->bytes, 0, NULL, NULL, &err);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, "clEnqueueMapBuffer");
        err = clEnqueueUnmapMemObject(c->s->queue, c->buffer, p, 0, NULL, NULL);
        if (err == CL_SUCCESS)
            err = clFinish(c->s->queue);
        if (err != CL_SUCCESS)
            return gpucci_cl_fail(err, "clEnqueueUnmapMemObject");
        if (r >= 0)
            samples[r] = (gpucci_now_ms() - start) * 1e3;
    }
    *us = gpucc_stats_of(samples, PEAK_REPEAT);
    return GPUCC_OK;
}

/* Wall time from enqueueing an empty kernel to its completion. */
static gpucc_status measure_launch(peak_ctx *c, gpucc_stats *us)
{
    double samples[LAUNCH_REPEAT];
    size_t one = 1;
    gpucc_status status = GPUCC_OK;
    cl_kernel empty = c->kernels[EMPTY];
    GPUCC_CL_TRY(clSetKernelArg(empty, 0, sizeof c->out, &c->out), status, done);
    for (int r = -10; r < LAUNCH_REPEAT; r++) {
        double start = gpucci_now_ms();
        GPUCC_CL_TRY(clEnqueueNDRangeKernel(c->s->queue, empty, 1, NULL, &one, &one, 0, NULL, NULL), status, done);
        GPUCC_CL_TRY(clFinish(c->s->queue), status, done);
        if (r >= 0)
            samples[r] = (gpucci_now_ms() - start) * 1e3;
    }
    *us = gpucc_stats_of(samples, LAUNCH_REPEAT);
done:
    return status;
}

/* SGEMM through CLBlast: gpucc_dense at GEMM_SIZE^3 with no activation (the
 * bias pass is a rounding error next to 2 GFLOP), kernel time. */
static gpucc_status measure_gemm(gpucc_backend *backend, gpucc_stats *gflops)
{
    gpucc_dense_shape shape = {GEMM_SIZE, GEMM_SIZE, GEMM_SIZE, GPUCC_ACT_NONE};
    size_t count = (size_t)GEMM_SIZE * GEMM_SIZE;
    float *x = gpucc_alloc_floats(count), *w = gpucc_alloc_floats(count), *b = gpucc_alloc_floats(GEMM_SIZE),
          *y = gpucc_alloc_floats(count);
    gpucc_status status = x && w && b && y ? GPUCC_OK : GPUCC_E_NOMEM;
    double samples[3];
    if (status == GPUCC_OK) {
        gpucc_generate(x, count, 1, 0);
        gpucc_generate(w, count, 2, 0);
        gpucc_generate(b, GEMM_SIZE, 3, 0);
    }
    for (int r = -1; r < 3 && status == GPUCC_OK; r++) {
        gpucc_call_info info;
        status = gpucc_dense(backend, &shape, x, w, b, y, &info);
        if (r >= 0)
            samples[r] = 2.0 * GEMM_SIZE * GEMM_SIZE * GEMM_SIZE / (info.timing.kernel_ms * 1e6);
    }
    if (status == GPUCC_OK)
        *gflops = gpucc_stats_of(samples, 3);
    gpucc_free_floats(x);
    gpucc_free_floats(w);
    gpucc_free_floats(b);
    gpucc_free_floats(y);
    return status;
}

/* Builds peak.cl, creates its kernels and the readback queue, and
 * allocates the host buffer (pageable, random data), the device buffer, the
 * copy kernels' destination, the kernels' output and the pinned host
 * buffer, mapped and filled. */
static gpucc_status peak_open(peak_ctx *c)
{
    opencl_state *s = c->s;
    const char *sources[] = {gpucci_src_peak_cl};
    gpucc_status status = gpucci_cl_build(s->context, s->dev.device, sources, 1, "", &c->program);
    cl_int err = CL_SUCCESS;
    for (int k = 0; k < KERNEL_COUNT && status == GPUCC_OK; k++)
        if (!(c->kernels[k] = clCreateKernel(c->program, kernel_names[k], &err)))
            status = gpucci_cl_fail(err, "clCreateKernel(peak)");
    if (status == GPUCC_OK && !(c->readback = clCreateCommandQueue(s->context, s->dev.device, 0, &err)))
        status = gpucci_cl_fail(err, "clCreateCommandQueue(peak readback)");
    if (status == GPUCC_OK && !(c->host = gpucc_alloc_floats(c->bytes / sizeof(float))))
        status = gpucci_fail(GPUCC_E_NOMEM, "cannot allocate the %zu-byte peak buffer", c->bytes);
    if (status == GPUCC_OK)
        status = gpucc_generate(c->host, c->bytes / sizeof(float), 7, 0);
    struct {
        cl_mem *mem;
        cl_mem_flags flags;
        size_t bytes;
    } buffers[] = {{&c->buffer, CL_MEM_READ_WRITE, c->bytes},
                   {&c->copy, CL_MEM_READ_WRITE, c->bytes},
                   {&c->out, CL_MEM_WRITE_ONLY, gpucci_round_up(compute_units(c) * 2048, 256) * sizeof(float)},
                   {&c->pinned, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, c->bytes}};
    for (size_t i = 0; i < sizeof buffers / sizeof buffers[0] && status == GPUCC_OK; i++) {
        *buffers[i].mem = clCreateBuffer(s->context, buffers[i].flags, buffers[i].bytes, NULL, &err);
        if (err != CL_SUCCESS) {
            *buffers[i].mem = NULL;
            status = gpucci_cl_fail(err, "clCreateBuffer(peak)");
        }
    }
    if (status == GPUCC_OK) {
        c->pinned_host = clEnqueueMapBuffer(s->queue, c->pinned, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, c->bytes, 0,
                                            NULL, NULL, &err);
        if (err != CL_SUCCESS) {
            c->pinned_host = NULL;
            status = gpucci_cl_fail(err, "clEnqueueMapBuffer(pinned peak buffer)");
        }
    }
    if (status == GPUCC_OK)
        memcpy(c->pinned_host, c->host, c->bytes);
    return status;
}

gpucc_status gpucc_device_peak_measure(gpucc_backend *backend, size_t bytes, gpucc_device_peak *out)
{
    if (!backend || gpucc_backend_kind_of(backend) != GPUCC_BACKEND_OPENCL || !out || bytes < 4096)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_device_peak_measure: needs an OpenCL backend and >= 4 KiB");
    memset(out, 0, sizeof *out);
    peak_ctx c = {.s = backend->impl};
    if (bytes > c.s->dev.info.max_alloc)
        bytes = c.s->dev.info.max_alloc / 4096 * 4096;
    c.bytes = bytes;
    snprintf(out->device, sizeof out->device, "%s", backend->device);
    out->bytes = bytes;
    gpucc_status status = peak_open(&c);
    if (status == GPUCC_OK)
        status = measure_transfer(&c, 1, c.host, &out->host_to_device_gbps);
    if (status == GPUCC_OK)
        status = measure_transfer(&c, 0, c.host, &out->device_to_host_gbps);
    if (status == GPUCC_OK)
        status = measure_transfer(&c, 1, c.pinned_host, &out->pinned_host_to_device_gbps);
    if (status == GPUCC_OK)
        status = measure_transfer(&c, 0, c.pinned_host, &out->pinned_device_to_host_gbps);
    if (status == GPUCC_OK)
        status = measure_both_directions(&c, &out->pinned_bidirectional_gbps);
    if (status == GPUCC_OK)
        status = measure_stream(&c, READ_STRIDED, c.out, 1, &out->read_gbps);
    if (status == GPUCC_OK)
        status = measure_stream(&c, COPY_STRIDED, c.copy, 2, &out->copy_gbps);
    if (status == GPUCC_OK)
        status = measure_fma(&c, &out->fma_gflops);
    if (status == GPUCC_OK)
        status = measure_map(&c, &out->map_us);
    if (status == GPUCC_OK)
        status = measure_launch(&c, &out->launch_us);
    peak_release(&c);
    if (status == GPUCC_OK)
        status = measure_gemm(backend, &out->gemm_gflops);
    return status;
}
