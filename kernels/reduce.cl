/*
 * Reductions in the canonical order of gpucc-ops.h (prepended by the host).
 * Each kernel writes one partial per block of GPUCC_REDUCE_BLOCK elements;
 * the host combines the partials. Two shapes compute identical partials:
 *
 *  - *_cpu: one work-item folds a contiguous run of whole blocks with
 *    16-wide vector loads (PoCL's CPU device runs GPU-style local-memory
 *    trees several times slower).
 *  - *_gpu: one work-item per (block, lane); neighbouring work-items read
 *    neighbouring elements (coalesced), and lane 0 of each block combines
 *    the 16 lanes through local memory. Any local size that is a multiple
 *    of GPUCC_REDUCE_LANES works.
 *
 * Built with -DGPUCC_FP64=1 where the device has fp64 (accumulator double)
 * or -DGPUCC_FP64=0 (accumulator float-float for sum, float for min/max;
 * partials are then written as (hi, lo) float pairs).
 *
 * The elements are those of gpucc-elements.h (one program per data type),
 * widened exactly to the accumulator.
 */
#if GPUCC_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double acc_t;
typedef double16 acc16_t;
#define convert_acc16 convert_double16
typedef double partial_t;
#define TO_PARTIAL(v) (v)
#else
typedef float acc_t;
typedef float16 acc16_t;
#define convert_acc16 convert_float16
typedef float2 partial_t;
#define TO_PARTIAL(v) ((float2)((v), 0.0f))
#endif

/* The elements of gpucc-elements.h, widened to the accumulator. */
#define LOAD16(p) ELEM_LOAD16(p, convert_acc16)
#define LOAD1(p, i) ELEM_LOAD1(p, i, acc_t)

#define LANES GPUCC_REDUCE_LANES
#define BLOCK GPUCC_REDUCE_BLOCK

/* Folds block `block` of x[0..n) into lane[] (initialised by the caller). */
#define FOLD_BLOCK(STEP, x, n, block, lane)                                   \
    do {                                                                      \
        ulong start_ = (block) * (ulong)BLOCK;                                \
        ulong len_ = min((ulong)BLOCK, (n) - start_);                         \
        ulong full_ = len_ - len_ % LANES;                                    \
        acc16_t acc_ = vload16(0, lane);                                      \
        for (ulong i_ = 0; i_ < full_; i_ += LANES)                           \
            acc_ = STEP(acc_, LOAD16((x) + start_ + i_));                     \
        vstore16(acc_, 0, lane);                                              \
        for (ulong j_ = 0; j_ < len_ - full_; j_++)                           \
            lane[j_] = STEP(lane[j_], LOAD1(x, start_ + full_ + j_));         \
    } while (0)

/* How far ahead the folds prefetch (GPUCCI_PREFETCH_AT), as the host's
 * folds do (PREFETCH_LINES in host/core/reduce-order.c): 16-bit elements the
 * same place in the next pair of blocks, wider ones GPUCCI_PREFETCH_AHEAD. */
#define PREFETCH_AHEAD (sizeof(elem_t) == 2 ? 2 * BLOCK * sizeof(elem_t) : GPUCCI_PREFETCH_AHEAD)
#define PREFETCH_AHEAD_OF(p) GPUCCI_PREFETCH_AT(p, PREFETCH_AHEAD)

/* Partials of two whole blocks, `block` and the next, folded side by side
 * (each in its own lanes, in the canonical order): twice the independent
 * add chains of one block. */
#define FOLD_TWO_WHOLE_BLOCKS(STEP, IDENTITY, x, block, partials)             \
    do {                                                                      \
        __global const elem_t *x0_ = (x) + (block) * (ulong)BLOCK;            \
        acc16_t acc0_ = (acc16_t)(IDENTITY), acc1_ = (acc16_t)(IDENTITY);     \
        for (ulong i_ = 0; i_ < BLOCK; i_ += LANES) {                         \
            PREFETCH_AHEAD_OF(x0_ + i_);                                      \
            PREFETCH_AHEAD_OF(x0_ + BLOCK + i_);                              \
            acc0_ = STEP(acc0_, LOAD16(x0_ + i_));                            \
            acc1_ = STEP(acc1_, LOAD16(x0_ + BLOCK + i_));                    \
        }                                                                     \
        acc_t lane_[LANES];                                                   \
        vstore16(acc0_, 0, lane_);                                            \
        GPUCC_COMBINE_LANES(STEP, lane_);                                     \
        (partials)[block] = TO_PARTIAL(lane_[0]);                             \
        vstore16(acc1_, 0, lane_);                                            \
        GPUCC_COMBINE_LANES(STEP, lane_);                                     \
        (partials)[(block) + 1] = TO_PARTIAL(lane_[0]);                       \
    } while (0)

/* Kernels for ops whose accumulator is acc_t (all ops with fp64; min and
 * max without it, where float is exact). The cpu shape folds its whole
 * blocks two at a time, the rest (and a short last block) one at a time. */
#define DEFINE_REDUCE_KERNELS(op, STEP, IDENTITY)                             \
    __kernel void reduce_##op##_cpu(__global const elem_t *x, ulong n,       \
                                    ulong blocks, ulong blocks_per_item,      \
                                    __global partial_t *partials)             \
    {                                                                         \
        ulong first = get_global_id(0) * blocks_per_item;                     \
        ulong end = min(first + blocks_per_item, blocks);                     \
        ulong b = first;                                                      \
        for (; b + 1 < end && (b + 2) * (ulong)BLOCK <= n; b += 2)            \
            FOLD_TWO_WHOLE_BLOCKS(STEP, IDENTITY, x, b, partials);            \
        for (; b < end; b++) {                                                \
            acc_t lane[LANES];                                                \
            for (int j = 0; j < LANES; j++)                                   \
                lane[j] = (acc_t)(IDENTITY);                                  \
            FOLD_BLOCK(STEP, x, n, b, lane);                                  \
            GPUCC_COMBINE_LANES(STEP, lane);                                  \
            partials[b] = TO_PARTIAL(lane[0]);                                \
        }                                                                     \
    }                                                                         \
                                                                              \
    __kernel void reduce_##op##_gpu(__global const elem_t *x, ulong n,       \
                                    ulong blocks,                             \
                                    __global partial_t *partials,             \
                                    __local acc_t *scratch)                   \
    {                                                                         \
        ulong block = get_global_id(0) / LANES;                               \
        uint lane = get_global_id(0) % LANES;                                 \
        uint lid = get_local_id(0);                                           \
        acc_t acc = (acc_t)(IDENTITY);                                        \
        if (block < blocks) {                                                 \
            ulong start = block * (ulong)BLOCK;                               \
            ulong len = min((ulong)BLOCK, n - start);                         \
            for (ulong i = lane; i < len; i += LANES)                         \
                acc = STEP(acc, LOAD1(x, start + i));                         \
        }                                                                     \
        scratch[lid] = acc;                                                   \
        barrier(CLK_LOCAL_MEM_FENCE);                                         \
        if (lane == 0 && block < blocks) {                                    \
            acc_t v[LANES];                                                   \
            for (int j = 0; j < LANES; j++)                                   \
                v[j] = scratch[lid + j];                                      \
            GPUCC_COMBINE_LANES(STEP, v);                                     \
            partials[block] = TO_PARTIAL(v[0]);                               \
        }                                                                     \
    }

#if GPUCC_FP64
DEFINE_REDUCE_KERNELS(sum, GPUCC_STEP_SUM, GPUCC_IDENTITY_SUM)
#endif
DEFINE_REDUCE_KERNELS(min, GPUCC_STEP_MIN, GPUCC_IDENTITY_MIN)
DEFINE_REDUCE_KERNELS(max, GPUCC_STEP_MAX, GPUCC_IDENTITY_MAX)

#if !GPUCC_FP64
/*
 * Float-float sum for devices without fp64: each lane keeps an unevaluated
 * pair (hi, lo) updated with Knuth's TwoSum, about 44 significant bits, far
 * inside the 2^-24 * sum|x| contract. Same blocks and lanes as above, but
 * not bitwise equal to the fp64 order (results are flagged as fallback).
 */
inline float2 ff_add(float2 a, float b)
{
    float s = a.x + b;
    if (isinf(s) || isnan(s)) /* TwoSum's error term would be inf - inf */
        return (float2)(s, 0.0f);
    float bb = s - a.x;
    float err = (a.x - (s - bb)) + (b - bb);
    float lo = a.y + err;
    float hi = s + lo;
    return (float2)(hi, lo - (hi - s));
}

inline float2 ff_add2(float2 a, float2 b)
{
    return ff_add(ff_add(a, b.x), b.y);
}

inline float2 ff_block(__global const elem_t *x, ulong n, ulong block)
{
    ulong start = block * (ulong)BLOCK;
    ulong len = min((ulong)BLOCK, n - start);
    float2 lane[LANES];
    for (int j = 0; j < LANES; j++)
        lane[j] = (float2)(0.0f, 0.0f);
    for (ulong i = 0; i < len; i++)
        lane[i % LANES] = ff_add(lane[i % LANES], LOAD1(x, start + i));
    GPUCC_COMBINE_LANES(ff_add2, lane);
    return lane[0];
}

__kernel void reduce_sum_cpu(__global const elem_t *x, ulong n, ulong blocks,
                             ulong blocks_per_item, __global float2 *partials)
{
    ulong first = get_global_id(0) * blocks_per_item;
    ulong end = min(first + blocks_per_item, blocks);
    for (ulong b = first; b < end; b++)
        partials[b] = ff_block(x, n, b);
}

__kernel void reduce_sum_gpu(__global const elem_t *x, ulong n, ulong blocks,
                             __global float2 *partials, __local float *scratch)
{
    /* One work-item per block (lanes serial): the fallback favours
     * simplicity; scratch is unused but keeps the signature uniform. */
    ulong block = get_global_id(0) / LANES;
    if (get_global_id(0) % LANES == 0 && block < blocks)
        partials[block] = ff_block(x, n, block);
    (void)scratch;
}
#endif
