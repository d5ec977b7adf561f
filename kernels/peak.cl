/*
 * Kernels of `gpucc peak`, after clpeak. Two streaming reads of global
 * memory, because no one access pattern suits every device: in peak_read_strided
 * neighbouring work-items read neighbouring float4s (coalesced on a GPU); in
 * peak_read_chunked each work-item reads one contiguous run (what a CPU device
 * streams best). The host reports the faster. peak_empty measures launches.
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

__kernel void peak_empty(__global float *out)
{
    (void)out;
}
