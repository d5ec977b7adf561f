/* STUB: map kernels. */
__kernel void map_placeholder(void) {}
