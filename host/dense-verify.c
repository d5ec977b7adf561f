/* STUB: replaced by the dense implementation. */
#include "error.h"

gpucc_status gpucc_dense_shape_check(const gpucc_dense_shape *shape)
{
    (void)shape;
    return GPUCC_OK;
}

gpucc_status gpucc_dense_verify(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                                const float *y, unsigned threads, gpucc_dense_check *check)
{
    (void)shape, (void)x, (void)w, (void)b, (void)y, (void)threads, (void)check;
    return gpucc_fail(GPUCC_E_UNSUPPORTED, "dense verification is not implemented yet");
}
