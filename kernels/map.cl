/*
 * Element-wise map kernels, one per function of GPUCC_MAP_FN_TABLE
 * (include/gpucc-elementwise.h; the host prepends it and gpucc-map.h):
 * map_square, map_saxpy, ...
 *
 * The elements are those of gpucc-elements.h (prepended before
 * gpucc-map.h: one program per data type; i32's has the table's integer
 * functions only). LOAD widens an element to the type the function is
 * computed in (value_t) and STORE narrows the result back: f16 through
 * vload_half and an integer rounding (gpucci_f16_round; core OpenCL, no
 * cl_khr_fp16), bf16 as the top half of a float rounded to nearest even,
 * i32 in 64-bit integers stored saturated (the host verifies and reports an
 * overflow), f64 in double (the host builds it only where the device has
 * fp64). The host passes x as y for the functions that ignore y (the load
 * is dead code).
 *
 * Two shapes, as the reduction has, chosen by the host per device:
 *
 * GPU shape (the default): one work-item per element, with a bounds check
 * so that the global size can be rounded up to a whole number of
 * work-groups. The check is written in two steps: first whether the whole
 * work-group is in range, a condition the same for all its work-items,
 * then the per-item check for the one group that straddles n. The extra
 * branch is uniform per group, hence free; neighbouring work-items touch
 * neighbouring elements (coalesced).
 *
 * CPU shape (GPUCC_MAP_LINE, 16): each work-item maps one line of 16 elements
 * as one vector and writes it with one aligned non-temporal store
 * (ELEM_STORE16), so the output is written without first being read, as
 * the CPU backends' streaming stores and memcpy do. PoCL runs a work-group
 * as a loop over its work-items; with one element each, its vectorised
 * stores were plain (not known to be aligned, so Clang's non-temporal hint
 * was dropped), and a square map on 2 cores moved 21 GB/s against memcpy's
 * 37; one aligned float16 line per work-item moved 33, and 36 with its
 * inputs prefetched GPUCCI_PREFETCH_AHEAD ahead (memcpy 38). The lines start at
 * the first address of out aligned to a line ("lead" elements in); the
 * work-item past the last line maps the lead and the tail, each as a
 * partial line (so an element's bits never depend on where out begins).
 * Each function has two such kernels: map_<name> with plain aligned
 * stores, which leave the output in the cache, and map_<name>_streamed,
 * which the host runs where the call's arrays exceed the last-level cache
 * (as the CPU backends decide).
 */
#if defined(GPUCC_ELEM_F64)
typedef double value_t;
typedef double16 value16_t;
#define CONVERT16 convert_double16
#define FN(name) gpucci_fn_##name##_f64
#define IF_DEFINED(integer, ...) __VA_ARGS__
#elif defined(GPUCC_ELEM_I32)
typedef long value_t;
typedef long16 value16_t;
#define CONVERT16 convert_long16
#define FN(name) gpucci_fn_##name##_i64
#define IF_DEFINED(integer, ...) GPUCCI_IF_##integer(__VA_ARGS__)
#else /* f32, f16, bf16 */
typedef float value_t;
typedef float16 value16_t;
#define CONVERT16 convert_float16
#define FN(name) gpucci_fn_##name
#define IF_DEFINED(integer, ...) __VA_ARGS__
#endif
#define LOAD(p, i) ELEM_LOAD1(p, i, value_t)
#define STORE(p, i, v) ELEM_STORE(p, i, v)

#ifndef GPUCC_MAP_LINE
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
#else
#if GPUCC_MAP_LINE != 16
#error "the cpu shape's lines are 16 elements (vload16, ELEM_STORE16)"
#endif
#define LINE GPUCC_MAP_LINE

/* The elements of out (n of them, out aligned to its element size, which
 * gpucc_map_typed checks) before its first address aligned to a line (at
 * most n). */
inline ulong line_lead(__global const elem_t *out, ulong n)
{
    ulong line_bytes = LINE * sizeof(elem_t), misaligned = (ulong)(size_t)out % line_bytes;
    ulong lead = misaligned ? (line_bytes - misaligned) / sizeof(elem_t) : 0;
    return lead < n ? lead : n;
}

/* Each function of the table also on 16 values at once (same expression),
 * named as FN_LINE names it (through a macro, as FN: a name such as tanh
 * may be a macro of the OpenCL implementation, expanded alike here and
 * there). */
#define FN_LINE(name) gpucci_fn_##name##_line
#define GPUCC_DEFINE_LINE_FN(enumerator, name, ulps, expr, integer) \
    IF_DEFINED(integer, GPUCCI_DEFINE_MAP_FN_IN(value16_t, _line, name, expr))
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_LINE_FN)
#undef GPUCC_DEFINE_LINE_FN

/* Elements [begin, end) of a kernel's arrays, fewer than a line (the lead
 * or the tail), through the function on 16 values, via private arrays
 * (OpenCL C has no vector element at a run-time index): every element gets
 * the bits it would get in a line (a vector exp or tanh may round
 * differently from the scalar one), wherever the lines of out begin. */
#define MAP_PART(name, begin, end)                                                        \
    do {                                                                                  \
        value_t xs_[LINE] = {0}, ys_[LINE] = {0}, vs_[LINE];                              \
        for (ulong j_ = 0; j_ < (end) - (begin); j_++) {                                  \
            xs_[j_] = LOAD(x, (begin) + j_);                                              \
            ys_[j_] = LOAD(y, (begin) + j_);                                              \
        }                                                                                 \
        vstore16(FN_LINE(name)(vload16(0, xs_), vload16(0, ys_), (value16_t)(alpha)), 0, vs_); \
        for (ulong j_ = 0; j_ < (end) - (begin); j_++)                                    \
            STORE(out, (begin) + j_, vs_[j_]);                                            \
    } while (0)

/* The cpu-shaped kernel `kernel_name` of function `name`, its lines stored
 * by PUT (the name is pasted by the caller: `name` may be a macro of the
 * OpenCL implementation, such as tanh, expanded here). The plain and the streamed stores are two kernels, not a run-time
 * flag: with both stores behind a branch, Clang merged them into one plain
 * store (no movntps in PoCL's kernel; a square map of 1e8 ran at 25 GB/s,
 * the streamed kernel alone at 34-36). */
#define MAP_LINE_KERNEL(kernel_name, name, PUT)                                                                \
    __kernel void kernel_name(__global const elem_t *restrict x, __global const elem_t *restrict y,            \
                              value_t alpha, __global elem_t *restrict out, ulong n)                           \
    {                                                                                                          \
        ulong lead = line_lead(out, n), lines = (n - lead) / LINE, k = get_global_id(0);                       \
        if (k < lines) {                                                                                       \
            ulong i = lead + k * LINE;                                                                         \
            GPUCCI_PREFETCH_AT(x + i, GPUCCI_PREFETCH_AHEAD);                                                  \
            GPUCCI_PREFETCH_AT(y + i, GPUCCI_PREFETCH_AHEAD);                                                  \
            value16_t v = FN_LINE(name)(ELEM_LOAD16(x + i, CONVERT16), ELEM_LOAD16(y + i, CONVERT16),          \
                                        (value16_t)(alpha));                                                   \
            ELEM_STORE16(out + i, v, PUT);                                                                     \
        } else if (k == lines) {                                                                               \
            MAP_PART(name, 0, lead);                                                                           \
            MAP_PART(name, lead + lines * LINE, n);                                                            \
        }                                                                                                      \
    }

#define GPUCC_DEFINE_MAP_KERNEL(enumerator, name, ulps, expr, integer) \
    IF_DEFINED(integer, MAP_LINE_KERNEL(map_##name, name, GPUCCI_PUT)                \
                        MAP_LINE_KERNEL(map_##name##_streamed, name, GPUCCI_STREAM))
#endif
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_MAP_KERNEL)
#undef GPUCC_DEFINE_MAP_KERNEL
