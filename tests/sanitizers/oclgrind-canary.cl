/* Known-bad kernel for scripts/ci/oclgrind.sh: Oclgrind must report both
 * defects, which proves that the step's report check can fail. */
__kernel void canary(__global const int *never_written, __global int *out)
{
    __local int shared;
    shared = (int)get_local_id(0); /* every work-item writes: a data race */
    barrier(CLK_LOCAL_MEM_FENCE);
    out[get_global_id(0)] = shared + never_written[get_global_id(0)]; /* uninitialised */
}
