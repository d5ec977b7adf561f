/*
 * Element-wise map kernels, one per function of GPUCC_MAP_FN_TABLE
 * (include/gpucc-elementwise.h; the host prepends it and gpucc-map.h):
 * map_square, map_saxpy, ...
 *
 * One work-item per element, with a bounds check so that the global size
 * can be rounded up to a whole number of work-groups. The check is written
 * in two steps: first whether the whole work-group is in range, a
 * condition the same for all its work-items, then the per-item check for
 * the one group that straddles n. PoCL's CPU device runs a work-group as a
 * loop over its work-items, vectorised; with the per-item check alone that
 * loop uses masked loads and stores throughout (measured: 25-28 GB/s for
 * square at n = 1e8 against 34-36 GB/s for this form on 2 cores), while
 * the group-wide condition is hoisted out of the loop and leaves plain
 * vector loads and stores. On a GPU the extra branch is uniform per group,
 * hence free; neighbouring work-items touch neighbouring elements
 * (coalesced). The host passes x as y for the functions that ignore y (the
 * load is dead code).
 */
#define GPUCC_DEFINE_MAP_KERNEL(enumerator, name, ulps, expr)                                    \
    __kernel void map_##name(__global const float *restrict x, __global const float *restrict y, \
                             float alpha, __global float *restrict out, ulong n)                 \
    {                                                                                            \
        size_t i = get_global_id(0);                                                             \
        size_t group_end = i - get_local_id(0) + get_local_size(0);                              \
        if (group_end <= n)                                                                      \
            out[i] = gpucci_fn_##name(x[i], y[i], alpha);                                        \
        else if (i < n)                                                                          \
            out[i] = gpucci_fn_##name(x[i], y[i], alpha);                                        \
    }
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_MAP_KERNEL)
#undef GPUCC_DEFINE_MAP_KERNEL
