/* STUB: replaced by the map implementation. */
#include "error.h"

double gpucc_map_ulp_bound(gpucc_map_fn fn)
{
    return fn == GPUCC_MAP_SIGMOID || fn == GPUCC_MAP_TANH || fn == GPUCC_MAP_EXP ? 4.0 : 1.0;
}

gpucc_status gpucc_map_verify(gpucc_map_fn fn, float alpha, const float *x, const float *y, const float *out,
                              size_t n, unsigned threads, gpucc_map_check *check)
{
    (void)fn, (void)alpha, (void)x, (void)y, (void)out, (void)n, (void)threads, (void)check;
    return gpucc_fail(GPUCC_E_UNSUPPORTED, "map verification is not implemented yet");
}
