/* The OpenCL backend of a build without OpenCL (GPUCC_OPENCL=OFF): it stands
 * in for host/backends/opencl/, so that the library keeps its API and needs
 * no OpenCL headers or loader. Opening it is GPUCC_E_UNAVAILABLE, as on a
 * machine without an OpenCL platform, and there are no devices to list. */
#include <stdlib.h>

#include "backend-impl.h"
#include "error.h"

static const char without_opencl[] = "gpucc built without OpenCL";

static gpucc_status opencl_open(gpucc_backend *backend, const gpucc_backend_config *config)
{
    (void)backend;
    (void)config;
    return gpucci_fail(GPUCC_E_UNAVAILABLE, "%s", without_opencl);
}

/* Never opens, so never closes or runs anything. */
const gpucci_backend_ops gpucci_opencl_ops = {.kind = GPUCC_BACKEND_OPENCL, .open = opencl_open};

gpucc_status gpucc_cl_list_devices(gpucc_cl_device_info **out, size_t *count)
{
    if (!out || !count)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_cl_list_devices: out or count is NULL");
    *count = 0;
    *out = calloc(1, sizeof **out); /* as with devices: an array the caller frees */
    return *out ? GPUCC_OK : gpucci_fail(GPUCC_E_NOMEM, "cannot list OpenCL devices");
}

/* No backend of this build is an OpenCL one, so every call is refused as
 * the contract refuses a backend of another kind: GPUCC_E_INVALID. */
gpucc_status gpucc_device_peak_measure(gpucc_backend *backend, size_t bytes, gpucc_device_peak *out)
{
    (void)backend;
    (void)bytes;
    (void)out;
    return gpucci_fail(GPUCC_E_INVALID, "gpucc_device_peak_measure: needs an OpenCL backend (%s)", without_opencl);
}
