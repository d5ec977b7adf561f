/*
 * Kernels of `gpucc peak`, after clpeak: a streaming read of global memory
 * (each work-item strides through the array by the global size, so that
 * neighbouring work-items read neighbouring float4s), and an empty kernel
 * for launch latency.
 */
__kernel void peak_read(__global const float4 *in, ulong count, __global float *out)
{
    float4 acc = (float4)(0.0f);
    for (ulong i = get_global_id(0); i < count; i += get_global_size(0))
        acc += in[i];
    out[get_global_id(0)] = acc.x + acc.y + acc.z + acc.w;
}

__kernel void peak_empty(__global float *out)
{
    (void)out;
}
