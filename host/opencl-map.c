/* STUB: replaced by the map implementation. */
#include "error.h"
#include "opencl-impl.h"

gpucc_status gpucc_opencl_map_open(opencl_state *s)
{
    (void)s;
    return GPUCC_OK;
}

void gpucc_opencl_map_close(opencl_state *s)
{
    (void)s;
}

gpucc_status gpucc_opencl_map(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                              float *out, size_t n, gpucc_call_info *info)
{
    (void)backend, (void)fn, (void)alpha, (void)x, (void)y, (void)out, (void)n, (void)info;
    return gpucc_fail(GPUCC_E_UNSUPPORTED, "map is not implemented yet");
}
