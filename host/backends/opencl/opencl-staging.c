/* The OpenCL backend's copy path, shared by the reduction, the map and the
 * dense layer: where the device does not read host memory (a discrete GPU,
 * or force_copy), data goes through pinned host buffers, filled and emptied
 * by all cores, in pipeline steps of at most PIPELINE_BYTES. */
#include <stdio.h>

#include "error.h"
#include "opencl-impl.h"

/* Bytes per step of the copy path (256 MiB): the copy of step i+1 overlaps
 * the kernel of step i. Smaller steps overlap more but leave a large GPU
 * idle: at 32 MiB an H200 ran the reduction at 1.7 instead of 4 TB/s. */
#define PIPELINE_BYTES ((size_t)1 << 28)

size_t gpucci_opencl_step_bytes(const opencl_state *s)
{
    size_t chunk = s->chunk_elems * sizeof(float);
    return s->zero_copy || chunk < PIPELINE_BYTES ? chunk : PIPELINE_BYTES;
}

size_t gpucci_opencl_step_elems(const opencl_state *s, size_t elem_size, size_t multiple)
{
    return gpucci_opencl_step_bytes(s) / elem_size / multiple * multiple;
}

void gpucci_staged_release(opencl_state *s, gpucci_staged_buffer *b)
{
    if (b->host)
        clEnqueueUnmapMemObject(s->queue, b->pinned, b->host, 0, NULL, NULL);
    if (b->pinned)
        clReleaseMemObject(b->pinned);
    if (b->device)
        clReleaseMemObject(b->device);
    if (b->host)
        clFinish(s->queue);
    *b = (gpucci_staged_buffer){0};
}

gpucc_status gpucci_device_reserve(opencl_state *s, cl_mem *buffer, size_t *capacity, size_t bytes,
                                   cl_mem_flags flags, const char *what)
{
    if (*buffer && *capacity >= bytes)
        return GPUCC_OK;
    if (*buffer)
        clReleaseMemObject(*buffer);
    *capacity = 0;
    cl_int err;
    *buffer = clCreateBuffer(s->context, flags, bytes, NULL, &err);
    if (err != CL_SUCCESS) {
        *buffer = NULL;
        char call[96];
        snprintf(call, sizeof call, "clCreateBuffer(%s)", what);
        return gpucci_cl_fail(err, call);
    }
    *capacity = bytes;
    return GPUCC_OK;
}

gpucc_status gpucci_staged_reserve(opencl_state *s, gpucci_staged_buffer *b, size_t bytes, cl_mem_flags device_flags,
                                   const char *what)
{
    if (b->capacity >= bytes)
        return GPUCC_OK;
    gpucci_staged_release(s, b);
    size_t device_bytes = 0;
    gpucc_status status = gpucci_device_reserve(s, &b->device, &device_bytes, bytes, device_flags, what);
    if (status != GPUCC_OK)
        return status;
    char call[96];
    cl_int err;
    b->pinned = clCreateBuffer(s->context, CL_MEM_READ_WRITE | CL_MEM_ALLOC_HOST_PTR, bytes, NULL, &err);
    if (err != CL_SUCCESS) {
        b->pinned = NULL;
        gpucci_staged_release(s, b);
        snprintf(call, sizeof call, "clCreateBuffer(pinned staging of %s)", what);
        return gpucci_cl_fail(err, call);
    }
    b->host = clEnqueueMapBuffer(s->queue, b->pinned, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, bytes, 0, NULL, NULL,
                                 &err);
    if (err != CL_SUCCESS) {
        b->host = NULL;
        gpucci_staged_release(s, b);
        snprintf(call, sizeof call, "clEnqueueMapBuffer(pinned staging of %s)", what);
        return gpucci_cl_fail(err, call);
    }
    b->capacity = bytes;
    return GPUCC_OK;
}

void gpucci_opencl_host_copy(opencl_state *s, void *dst, const void *src, size_t bytes)
{
    gpucci_copy_job job = {dst, src, bytes};
    gpucci_pool_run(s->copy_pool, gpucci_copy_part, &job);
}
