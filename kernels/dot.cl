/*
 * The dot product in the canonical order of gpucc-ops.h (prepended by the
 * host): sum of x[i] * y[i] over the elements of gpucc-elements.h, each
 * product formed in double (exact for f32, f16 and bf16; rounded once for
 * f64, never fused into the addition), one partial per block of
 * GPUCC_REDUCE_BLOCK elements; the host combines the partials. The two
 * shapes of reduce.cl, computing identical partials:
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
/* A product followed by an addition must not become one fma: the host's
 * order rounds both. */
#pragma OPENCL FP_CONTRACT OFF

#define DOT_LOAD16(p) ELEM_LOAD16(p, convert_double16)
#define DOT_LOAD1(p, i) ELEM_LOAD1(p, i, double)

#if defined(GPUCC_ELEM_I32)
/*
 * i32: exact. A product of two int32 is an exact long below 2^62 in
 * magnitude; split into its high 32 bits (signed) and low 32 bits
 * (unsigned), a block's 4096 products sum to (high, low) below 2^42 and
 * 2^44 in magnitude, two exact longs. The host adds them up in 128 bits,
 * where the order does not matter. One work-item per block in both shapes.
 */
inline long2 block_products(__global const int *x, __global const int *y, ulong n, ulong block)
{
    ulong start = block * (ulong)GPUCC_REDUCE_BLOCK;
    ulong len = min((ulong)GPUCC_REDUCE_BLOCK, n - start);
    long high = 0, low = 0;
    for (ulong i = start; i < start + len; i++) {
        long p = (long)x[i] * (long)y[i];
        high += p >> 32;
        low += p & 0xffffffffL;
    }
    return (long2)(high, low);
}

__kernel void dot_cpu(__global const int *x, __global const int *y, ulong n, ulong blocks, ulong blocks_per_item,
                      __global long2 *partials)
{
    ulong first = get_global_id(0) * blocks_per_item;
    ulong end = min(first + blocks_per_item, blocks);
    for (ulong b = first; b < end; b++)
        partials[b] = block_products(x, y, n, b);
}

__kernel void dot_gpu(__global const int *x, __global const int *y, ulong n, ulong blocks,
                      __global long2 *partials, __local double *scratch)
{
    ulong block = get_global_id(0) / GPUCC_REDUCE_LANES;
    if (get_global_id(0) % GPUCC_REDUCE_LANES == 0 && block < blocks)
        partials[block] = block_products(x, y, n, block);
    (void)scratch;
}
#else

__kernel void dot_cpu(__global const elem_t *x, __global const elem_t *y, ulong n, ulong blocks,
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
            acc += DOT_LOAD16(x + i) * DOT_LOAD16(y + i);
        double lane[GPUCC_REDUCE_LANES];
        vstore16(acc, 0, lane);
        for (ulong j = 0; j < len - full; j++)
            lane[j] += DOT_LOAD1(x, start + full + j) * DOT_LOAD1(y, start + full + j);
        GPUCC_COMBINE_LANES(GPUCC_STEP_SUM, lane);
        partials[b] = lane[0];
    }
}

__kernel void dot_gpu(__global const elem_t *x, __global const elem_t *y, ulong n, ulong blocks,
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
            acc += DOT_LOAD1(x, start + i) * DOT_LOAD1(y, start + i);
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
#endif
