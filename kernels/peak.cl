/*
 * Kernels of `gpucc peak`, after clpeak. Two streaming reads and two copies
 * of global memory, because no one access pattern suits every device: in
 * the strided ones neighbouring work-items touch neighbouring float4s
 * (coalesced on a GPU); in the chunked ones each work-item covers one
 * contiguous run (what a CPU device streams best). Two multiply-add kernels,
 * because no one vector width suits every device: peak_fma_narrow (8 chains
 * of float4: few registers per work-item, for a GPU) and peak_fma_wide (12
 * chains of float16: a CPU device's widest registers). The host reports the
 * faster of each pair. peak_empty measures launches.
 */
__kernel void peak_read_strided(__global const float4 *in, ulong count, __global float *out)
{
    float4 acc = (float4)(0.0f);
    for (ulong i = get_global_id(0); i < count; i += get_global_size(0))
        acc += in[i];
    out[get_global_id(0)] = acc.x + acc.y + acc.z + acc.w;
}

__kernel void peak_read_chunked(__global const float4 *in, ulong count, __global float *out)
{
    ulong per_item = (count + get_global_size(0) - 1) / get_global_size(0);
    ulong begin = get_global_id(0) * per_item, end = min(begin + per_item, count);
    float4 acc0 = (float4)(0.0f), acc1 = (float4)(0.0f), acc2 = (float4)(0.0f), acc3 = (float4)(0.0f);
    ulong i = begin;
    for (; i + 4 <= end; i += 4) {
        acc0 += in[i];
        acc1 += in[i + 1];
        acc2 += in[i + 2];
        acc3 += in[i + 3];
    }
    for (; i < end; i++)
        acc0 += in[i];
    float4 acc = (acc0 + acc1) + (acc2 + acc3);
    out[get_global_id(0)] = acc.x + acc.y + acc.z + acc.w;
}

__kernel void peak_copy_strided(__global const float4 *in, ulong count, __global float4 *out)
{
    for (ulong i = get_global_id(0); i < count; i += get_global_size(0))
        out[i] = in[i];
}

__kernel void peak_copy_chunked(__global const float4 *in, ulong count, __global float4 *out)
{
    ulong per_item = (count + get_global_size(0) - 1) / get_global_size(0);
    ulong begin = get_global_id(0) * per_item, end = min(begin + per_item, count);
    for (ulong i = begin; i < end; i++)
        out[i] = in[i];
}

/* Independent chains acc = fma(acc, m, a), `iterations` times: 2
 * flops per lane and step. m and a are arguments, so nothing folds; the
 * sum of the chains is written only when it equals `never` (the host passes
 * a value it cannot reach), so the compiler must compute it but the kernel
 * writes nothing. With m = a = 0.5 every chain converges to 1. */
#define FMA_STEP(acc) acc = fma(acc, vm, va)
#define FMA_KERNEL(name, vec, reduce, more_steps)                                                      \
    __kernel void name(float m, float a, uint iterations, float never, __global float *out)            \
    {                                                                                                  \
        vec vm = (vec)(m), va = (vec)(a), c0 = (vec)(get_global_id(0) & 7), c1 = c0 + 1.0f,            \
            c2 = c0 + 2.0f, c3 = c0 + 3.0f, c4 = c0 + 4.0f, c5 = c0 + 5.0f, c6 = c0 + 6.0f,            \
            c7 = c0 + 7.0f, c8 = c0 + 8.0f, c9 = c0 + 9.0f, c10 = c0 + 10.0f, c11 = c0 + 11.0f;        \
        for (uint i = 0; i < iterations; i++) {                                                        \
            FMA_STEP(c0); FMA_STEP(c1); FMA_STEP(c2); FMA_STEP(c3);                                    \
            FMA_STEP(c4); FMA_STEP(c5); FMA_STEP(c6); FMA_STEP(c7);                                    \
            more_steps                                                                                 \
        }                                                                                              \
        vec sum = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));       \
        float total = reduce(sum);                                                                     \
        if (total == never)                                                                            \
            out[get_global_id(0)] = total;                                                             \
    }
#define SUM4(v) dot(v, (float4)(1.0f))
#define SUM16(v) (SUM4(v.lo.lo) + SUM4(v.lo.hi) + SUM4(v.hi.lo) + SUM4(v.hi.hi))

/* 8 chains of float4; 12 of float16 (c8 .. c11 stay constant in the narrow one). */
FMA_KERNEL(peak_fma_narrow, float4, SUM4, )
FMA_KERNEL(peak_fma_wide, float16, SUM16, FMA_STEP(c8); FMA_STEP(c9); FMA_STEP(c10); FMA_STEP(c11);)

__kernel void peak_empty(__global float *out)
{
    (void)out;
}
