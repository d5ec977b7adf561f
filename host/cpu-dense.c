/* STUB: replaced by the dense implementation. */
#include "cpu-kernels.h"

void gpucc_cpu_dense_serial(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                            float *y)
{
    (void)shape, (void)x, (void)w, (void)b, (void)y;
}

size_t gpucc_cpu_dense_tile_count(const gpucc_dense_shape *shape)
{
    (void)shape;
    return 0;
}

void gpucc_cpu_dense_tiles(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                           float *y, size_t first, size_t end)
{
    (void)shape, (void)x, (void)w, (void)b, (void)y, (void)first, (void)end;
}
