/* Internal: OpenCL helpers shared by the OpenCL backend and device listing. */
#ifndef GPUCC_CL_UTIL_H
#define GPUCC_CL_UTIL_H

#include <CL/cl.h>

#include "gpucc.h"

/* "CL_OUT_OF_RESOURCES" for -5, "CL_UNKNOWN_ERROR" otherwise. */
const char *gpucci_cl_error_name(cl_int err);

/* Records "<what>: CL_NAME (code)" and returns GPUCC_E_OPENCL. */
gpucc_status gpucci_cl_fail(cl_int err, const char *what);

/* Evaluates an OpenCL call; on error records it and jumps to `label`
 * with `status` set. For use inside functions with a cleanup label. */
#define GPUCC_CL_TRY(call, status, label)                                     \
    do {                                                                      \
        cl_int err_ = (call);                                                 \
        if (err_ != CL_SUCCESS) {                                             \
            (status) = gpucci_cl_fail(err_, #call);                            \
            goto label;                                                       \
        }                                                                     \
    } while (0)

typedef struct {
    cl_platform_id platform;
    cl_device_id device;
    gpucc_cl_device_info info;
} gpucci_cl_device;

/* Every device of every platform, in flat-index order (malloc'd array). */
gpucc_status gpucci_cl_enumerate(gpucci_cl_device **out, size_t *count);

/* Selects a device: NULL/"" = first GPU, else first CPU, else the first
 * device; a decimal index; "gpu"/"cpu"/"accelerator"; else a
 * case-insensitive substring of the device name. GPUCC_E_UNAVAILABLE with a
 * detail when nothing matches. */
gpucc_status gpucci_cl_select(const char *selector, gpucci_cl_device *out);

/* Builds sources (concatenated, in order) for one device. On a build
 * failure the detail holds the options and the build log. */
gpucc_status gpucci_cl_build(cl_context context, cl_device_id device, const char *const *sources,
                            size_t count, const char *options, cl_program *out);

/* Milliseconds between an event's start and end (profiling queue). */
double gpucci_cl_event_ms(cl_event event);

#endif
