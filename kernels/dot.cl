/*
 * The dot product in the canonical order of gpucc-ops.h (prepended by the
 * host): sum of x[i] * y[i], each product widened to double (exact), one
 * partial per block of GPUCC_REDUCE_BLOCK elements; the host combines the
 * partials. The two shapes of reduce.cl, computing identical partials:
 *
 *  - dot_cpu: one work-item folds a contiguous run of whole blocks with
 *    16-wide vector loads.
 *  - dot_gpu: one work-item per (block, lane), neighbouring work-items
 *    reading neighbouring elements; lane 0 of each block combines the 16
 *    lanes through local memory. Any local size that is a multiple of
 *    GPUCC_REDUCE_LANES works.
 *
 * Only built with fp64 (GPUCC_FP64=1); without it the host refuses the dot
 * product.
 */
#if GPUCC_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable

__kernel void dot_cpu(__global const float *x, __global const float *y, ulong n, ulong blocks,
                      ulong blocks_per_item, __global double *partials)
{
    ulong first = get_global_id(0) * blocks_per_item;
    ulong end = min(first + blocks_per_item, blocks);
    for (ulong b = first; b < end; b++) {
        ulong start = b * (ulong)GPUCC_REDUCE_BLOCK;
        ulong len = min((ulong)GPUCC_REDUCE_BLOCK, n - start);
        ulong full = len - len % GPUCC_REDUCE_LANES;
        double16 acc = (double16)(0.0);
        for (ulong i = start; i < start + full; i += GPUCC_REDUCE_LANES)
            acc += convert_double16(vload16(0, x + i)) * convert_double16(vload16(0, y + i));
        double lane[GPUCC_REDUCE_LANES];
        vstore16(acc, 0, lane);
        for (ulong j = 0; j < len - full; j++)
            lane[j] += (double)x[start + full + j] * (double)y[start + full + j];
        GPUCC_COMBINE_LANES(GPUCC_STEP_SUM, lane);
        partials[b] = lane[0];
    }
}

__kernel void dot_gpu(__global const float *x, __global const float *y, ulong n, ulong blocks,
                      __global double *partials, __local double *scratch)
{
    ulong block = get_global_id(0) / GPUCC_REDUCE_LANES;
    uint lane = get_global_id(0) % GPUCC_REDUCE_LANES;
    uint lid = get_local_id(0);
    double acc = 0.0;
    if (block < blocks) {
        ulong start = block * (ulong)GPUCC_REDUCE_BLOCK;
        ulong len = min((ulong)GPUCC_REDUCE_BLOCK, n - start);
        for (ulong i = lane; i < len; i += GPUCC_REDUCE_LANES)
            acc += (double)x[start + i] * (double)y[start + i];
    }
    scratch[lid] = acc;
    barrier(CLK_LOCAL_MEM_FENCE);
    if (lane == 0 && block < blocks) {
        double v[GPUCC_REDUCE_LANES];
        for (int j = 0; j < GPUCC_REDUCE_LANES; j++)
            v[j] = scratch[lid + j];
        GPUCC_COMBINE_LANES(GPUCC_STEP_SUM, v);
        partials[block] = v[0];
    }
}
#endif
