/* The ceilings of one OpenCL device, measured the way clpeak does: global
 * memory read bandwidth, host<->device transfer bandwidth, map/unmap cost,
 * kernel launch latency, and an SGEMM ceiling through CLBlast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "embedded-kernels.h"
#include "error.h"
#include "opencl-impl.h"
#include "timer.h"

enum { PEAK_REPEAT = 9, LAUNCH_REPEAT = 200, GEMM_SIZE = 1024 };

typedef struct {
    opencl_state *s;
    cl_program program;
    cl_kernel read[2], empty; /* strided, chunked */
    cl_mem buffer, out;
    size_t bytes;
    float *host;
} peak_ctx;

static void peak_release(peak_ctx *c)
{
    for (int k = 0; k < 2; k++)
        if (c->read[k])
            clReleaseKernel(c->read[k]);
    if (c->empty)
        clReleaseKernel(c->empty);
    if (c->program)
        clReleaseProgram(c->program);
    if (c->buffer)
        clReleaseMemObject(c->buffer);
    if (c->out)
        clReleaseMemObject(c->out);
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

/* One read kernel's bandwidth: `items` work-items in groups of `local`. */
static gpucc_status measure_read_kernel(peak_ctx *c, cl_kernel kernel, size_t items, size_t local, gpucc_stats *gbps)
{
    opencl_state *s = c->s;
    cl_ulong count = c->bytes / (4 * sizeof(float));
    size_t global = gpucci_round_up(items, local);
    double samples[PEAK_REPEAT];
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clSetKernelArg(kernel, 0, sizeof c->buffer, &c->buffer), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 1, sizeof count, &count), status, done);
    GPUCC_CL_TRY(clSetKernelArg(kernel, 2, sizeof c->out, &c->out), status, done);
    for (int r = -1; r < PEAK_REPEAT && status == GPUCC_OK; r++) { /* r = -1 warms up */
        cl_event event;
        double ms;
        GPUCC_CL_TRY(clEnqueueNDRangeKernel(s->queue, kernel, 1, NULL, &global, &local, 0, NULL, &event), status,
                     done);
        status = event_ms(event, &ms);
        if (r >= 0)
            samples[r] = (double)count * 16 / (ms * 1e6);
    }
    if (status == GPUCC_OK)
        *gbps = gpucc_stats_of(samples, PEAK_REPEAT);
done:
    return status;
}

/* The faster of the strided and the chunked read. */
static gpucc_status measure_read(peak_ctx *c, gpucc_stats *gbps)
{
    size_t units = c->s->dev.info.compute_units ? c->s->dev.info.compute_units : 1;
    size_t strided_items = units * 2048, chunked_items = units * 16;
    cl_int err;
    c->out = clCreateBuffer(c->s->context, CL_MEM_WRITE_ONLY, gpucci_round_up(strided_items, 256) * sizeof(float),
                            NULL, &err);
    if (err != CL_SUCCESS)
        return gpucci_cl_fail(err, "clCreateBuffer(peak output)");
    gpucc_stats strided, chunked;
    gpucc_status status = measure_read_kernel(c, c->read[0], strided_items, 256, &strided);
    if (status == GPUCC_OK)
        status = measure_read_kernel(c, c->read[1], chunked_items, 1, &chunked);
    if (status == GPUCC_OK)
        *gbps = strided.median >= chunked.median ? strided : chunked;
    return status;
}

/* Host-to-device (write) or device-to-host (read) copies of c->bytes from
 * pageable host memory, timed by events. */
static gpucc_status measure_transfer(peak_ctx *c, int to_device, gpucc_stats *gbps)
{
    double samples[PEAK_REPEAT];
    gpucc_status status = GPUCC_OK;
    for (int r = -1; r < PEAK_REPEAT && status == GPUCC_OK; r++) {
        cl_event event;
        double ms;
        cl_int err = to_device
                         ? clEnqueueWriteBuffer(c->s->queue, c->buffer, CL_FALSE, 0, c->bytes, c->host, 0, NULL, &event)
                         : clEnqueueReadBuffer(c->s->queue, c->buffer, CL_FALSE, 0, c->bytes, c->host, 0, NULL, &event);
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
    GPUCC_CL_TRY(clSetKernelArg(c->empty, 0, sizeof c->out, &c->out), status, done);
    for (int r = -10; r < LAUNCH_REPEAT; r++) {
        double start = gpucci_now_ms();
        GPUCC_CL_TRY(clEnqueueNDRangeKernel(c->s->queue, c->empty, 1, NULL, &one, &one, 0, NULL, NULL), status, done);
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

gpucc_status gpucc_device_peak_measure(gpucc_backend *backend, size_t bytes, gpucc_device_peak *out)
{
    if (!backend || gpucc_backend_kind_of(backend) != GPUCC_BACKEND_OPENCL || !out || bytes < 4096)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_device_peak_measure: needs an OpenCL backend and >= 4 KiB");
    memset(out, 0, sizeof *out);
    peak_ctx c = {.s = backend->impl};
    opencl_state *s = c.s;
    if (bytes > s->dev.info.max_alloc)
        bytes = s->dev.info.max_alloc / 4096 * 4096;
    c.bytes = bytes;
    snprintf(out->device, sizeof out->device, "%s", backend->device);
    out->bytes = bytes;
    const char *sources[] = {gpucci_src_peak_cl};
    gpucc_status status = gpucci_cl_build(s->context, s->dev.device, sources, 1, "", &c.program);
    cl_int err = CL_SUCCESS;
    if (status == GPUCC_OK && (!(c.read[0] = clCreateKernel(c.program, "peak_read_strided", &err)) ||
                               !(c.read[1] = clCreateKernel(c.program, "peak_read_chunked", &err)) ||
                               !(c.empty = clCreateKernel(c.program, "peak_empty", &err))))
        status = gpucci_cl_fail(err, "clCreateKernel(peak)");
    if (status == GPUCC_OK && !(c.host = gpucc_alloc_floats(bytes / sizeof(float))))
        status = GPUCC_E_NOMEM;
    if (status == GPUCC_OK) {
        gpucc_generate(c.host, bytes / sizeof(float), 7, 0);
        c.buffer = clCreateBuffer(s->context, CL_MEM_READ_WRITE, bytes, NULL, &err);
        if (err != CL_SUCCESS)
            status = gpucci_cl_fail(err, "clCreateBuffer(peak)");
    }
    if (status == GPUCC_OK)
        status = measure_transfer(&c, 1, &out->host_to_device_gbps);
    if (status == GPUCC_OK)
        status = measure_transfer(&c, 0, &out->device_to_host_gbps);
    if (status == GPUCC_OK)
        status = measure_read(&c, &out->read_gbps);
    if (status == GPUCC_OK)
        status = measure_map(&c, &out->map_us);
    if (status == GPUCC_OK)
        status = measure_launch(&c, &out->launch_us);
    peak_release(&c);
    if (status == GPUCC_OK)
        status = measure_gemm(backend, &out->gemm_gflops);
    return status;
}
