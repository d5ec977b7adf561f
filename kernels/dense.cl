/* STUB: dense kernels. */
__kernel void dense_placeholder(void) {}
