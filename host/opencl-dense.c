/* STUB: replaced by the dense implementation. */
#include "error.h"
#include "opencl-impl.h"

gpucc_status gpucc_opencl_dense_open(opencl_state *s, const gpucc_backend_config *config)
{
    (void)s, (void)config;
    return GPUCC_OK;
}

void gpucc_opencl_dense_close(opencl_state *s)
{
    (void)s;
}

gpucc_status gpucc_opencl_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, const float *x,
                                const float *w, const float *b, float *y, gpucc_call_info *info)
{
    (void)backend, (void)shape, (void)x, (void)w, (void)b, (void)y, (void)info;
    return gpucc_fail(GPUCC_E_UNSUPPORTED, "dense is not implemented yet");
}
