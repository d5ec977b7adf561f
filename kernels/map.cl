/*
 * Element-wise map kernels, one per function of GPUCC_MAP_FN_TABLE
 * (include/gpucc-elementwise.h; the host prepends it and gpucc-map.h):
 * map_square, map_saxpy, ...
 *
 * The elements are those of gpucc-elements.h (prepended before
 * gpucc-map.h: one program per data type; i32's has the table's integer
 * functions only). LOAD widens an element to the type the function is
 * computed in (value_t) and STORE narrows the result back: f16 through
 * vload_half and vstore_half_rte (core OpenCL, no cl_khr_fp16), bf16 as the
 * top half of a float rounded to nearest even, i32 in 64-bit integers
 * stored saturated (the host verifies and reports an overflow), f64 in
 * double (the host builds it only where the device has fp64).
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
#if defined(GPUCC_ELEM_F64)
typedef double value_t;
#define FN(name) gpucci_fn_##name##_f64
#define IF_DEFINED(integer, ...) __VA_ARGS__
#elif defined(GPUCC_ELEM_I32)
typedef long value_t;
#define FN(name) gpucci_fn_##name##_i64
#define IF_DEFINED(integer, ...) GPUCCI_IF_##integer(__VA_ARGS__)
#else /* f32, f16, bf16 */
typedef float value_t;
#define FN(name) gpucci_fn_##name
#define IF_DEFINED(integer, ...) __VA_ARGS__
#endif
#define LOAD(p, i) ELEM_LOAD1(p, i, value_t)
#define STORE(p, i, v) ELEM_STORE(p, i, v)

#define GPUCC_DEFINE_MAP_KERNEL(enumerator, name, ulps, expr, integer)                             \
    IF_DEFINED(integer,                                                                            \
    __kernel void map_##name(__global const elem_t *restrict x, __global const elem_t *restrict y, \
                             value_t alpha, __global elem_t *restrict out, ulong n)                \
    {                                                                                              \
        size_t i = get_global_id(0);                                                               \
        size_t group_end = i - get_local_id(0) + get_local_size(0);                                \
        if (group_end <= n)                                                                        \
            STORE(out, i, FN(name)(LOAD(x, i), LOAD(y, i), alpha));                                \
        else if (i < n)                                                                            \
            STORE(out, i, FN(name)(LOAD(x, i), LOAD(y, i), alpha));                                \
    })
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_MAP_KERNEL)
#undef GPUCC_DEFINE_MAP_KERNEL
