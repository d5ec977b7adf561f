/* The dense layer Y = act(X W^T + b) in OpenCL C. The host prepends
 * include/gpucc-elementwise.h, kernels/gpucc-map.h (whose gpucci_activate()
 * applies GPUCC_ACTIVATION_TABLE, the one definition of the activations
 * shared with the C backends; act is a gpucc_activation) and
 * kernels/gpucc-elements.h (the element types).
 *
 * X is [batch x in], W is [out x in] (both row-major, so a row of X and a
 * row of W are both contiguous along k), b is [out], Y is [batch x out].
 *
 * dense_tile_RxC: each work-item computes one R x C tile of Y (R rows of X
 * times C rows of W) as R*C dot products along k held in R*C float16
 * registers: per step of 16 k it loads R + C float16 vectors and issues R*C
 * vector FMAs. At the end the 16 lanes are summed pairwise, the k remainder
 * (in % 16) is added with scalar FMAs, then the bias, then the activation.
 * That shape suits a CPU device: PoCL runs each work-group on one thread and
 * the explicit vectors map onto AVX-512 registers. A GPU runs it correctly
 * but slower than CLBlast, which is what the host's 'auto' is for.
 *
 * Tile sizes were chosen by measurement on PoCL 3.1 (LLVM 15, 2-core AMD
 * EPYC with AVX-512, 256x1024x1024, local size 4x1, GFLOP/s median): 4x6 400,
 * 3x7 400, 3x6 400, 2x8 375-415, 4x5 390, 4x4 365, 5x4 355, 3x8 340; a
 * tile needs its R*C accumulators plus the R + C loads of one step in the
 * 32 zmm registers. Without full unrolling of the tile loops (GPUCC_UNROLL)
 * LLVM keeps the accumulators in a stack array and every variant runs at
 * 70-100 GFLOP/s. 1x8 is the batch == 1 (matrix-vector) variant: there a
 * 4-row tile would compute its one row four times (1x8 is ~25% faster at
 * 1x2048x2048; from batch 2 on, 4x6 wins).
 *
 * Edge tiles (batch % R, out % C) read clamped rows (the last valid row of
 * X or of W) so that the inner loop has no branches, and store only their
 * valid part: nothing outside Y is ever written. Work-items past the last
 * tile (global sizes are rounded up to the work-group size) return at once.
 *
 * Accuracy: each output sums `in` products in 16 lanes, then pairwise, well
 * within the standard bound 2 * in * 2^-24 * (sum |x||w| + |b|) that
 * gpucc_dense_verify checks. The result does not depend on the tile size.
 * NaN or Inf in a row of X reaches every output of that row.
 *
 * Global work size: dimension 0 counts tiles along batch, dimension 1 tiles
 * along out, so that neighbouring work-items (and work-groups) share the
 * same C rows of W, which stay in L1 while X streams from L2.
 *
 * Data types: X, W, b and Y are float32 unless the host defines
 * GPUCC_ELEM_F16 or GPUCC_ELEM_BF16 (one program per type; the host prepends
 * gpucc-elements.h, whose ELEM_LOAD16 and ELEM_LOAD1 widen elements exactly
 * to float: f16 through vload_half, core OpenCL, no cl_khr_fp16; bf16 as
 * the top half of a float). The tile is computed in float as for f32, and
 * STORE (ELEM_STORE) rounds each output once to the type, to nearest even.
 * Widening inside the tile costs vector instructions on the units that run
 * the FMAs: R + C conversions per R * C FMAs, once per work-item that reads
 * an element (f16 ran at 0.45 and bf16 at 0.74 of f32 on PoCL). So, from a
 * batch on (opencl-dense.c), the host widens X and W once into float
 * buffers with dense_widen and runs dense_tile_RxC_floats, the f32 tile over
 * them that stores the type: every output is the same f32 chain over the
 * same widened inputs either way, so the bits do not depend on the path. */

#define STORE(p, i, v) ELEM_STORE(p, i, v)
#define LOAD16(p, k) ELEM_LOAD16((p) + (k), convert_float16)
#define LOAD1(p, k) ELEM_LOAD1(p, k, float)
/* Loads of inputs that are floats already (the widened X and W). */
#define FLOAT_LOAD16(p, k) vload16(0, (p) + (k))
#define FLOAT_LOAD1(p, k) ((p)[k])

#define GPUCC_DENSE_VEC 16

/* Fully unrolls the loops over the tile, so that the accumulators live in
 * registers (without it they stay in a private array on the stack). */
#define GPUCC_UNROLL _Pragma("unroll")

/* Sum of the 16 lanes, pairwise. */
static inline float gpucci_hsum16(float16 v)
{
    float8 a = v.lo + v.hi;
    float4 c = a.lo + a.hi;
    float2 d = c.lo + c.hi;
    return d.x + d.y;
}

/* The tile kernel NAME over X and W of type IN_T, read with IN16 (16
 * elements as a float16) and IN1 (one as a float); b and Y are elem_t. */
#define GPUCC_DENSE_TILE_KERNEL(NAME, R, C, IN_T, IN16, IN1)                                                 \
    __kernel void NAME(__global const IN_T *restrict x, __global const IN_T *restrict w,                     \
                       __global const elem_t *restrict b, __global elem_t *restrict y, ulong batch, ulong in, \
                       ulong out, int act)                                                                   \
    {                                                                                                       \
        const ulong r0 = get_global_id(0) * R;                                                              \
        const ulong o0 = get_global_id(1) * C;                                                              \
        if (r0 >= batch || o0 >= out)                                                                       \
            return;                                                                                         \
        __global const IN_T *xr[R];                                                                         \
        __global const IN_T *wr[C];                                                                         \
        GPUCC_UNROLL for (int i = 0; i < R; i++)                                                            \
            xr[i] = x + min(r0 + i, batch - 1) * in;                                                        \
        GPUCC_UNROLL for (int j = 0; j < C; j++)                                                            \
            wr[j] = w + min(o0 + j, out - 1) * in;                                                          \
        float16 acc[R][C];                                                                                  \
        GPUCC_UNROLL for (int i = 0; i < R; i++)                                                            \
            GPUCC_UNROLL for (int j = 0; j < C; j++)                                                        \
                acc[i][j] = (float16)(0.0f);                                                                \
        const ulong kv = in - in % GPUCC_DENSE_VEC;                                                         \
        for (ulong k = 0; k < kv; k += GPUCC_DENSE_VEC) {                                                   \
            float16 xv[R], wv[C];                                                                           \
            GPUCC_UNROLL for (int i = 0; i < R; i++)                                                        \
                xv[i] = IN16(xr[i], k);                                                                     \
            GPUCC_UNROLL for (int j = 0; j < C; j++)                                                        \
                wv[j] = IN16(wr[j], k);                                                                     \
            GPUCC_UNROLL for (int i = 0; i < R; i++)                                                        \
                GPUCC_UNROLL for (int j = 0; j < C; j++)                                                    \
                    acc[i][j] = fma(xv[i], wv[j], acc[i][j]);                                               \
        }                                                                                                   \
        GPUCC_UNROLL for (int i = 0; i < R; i++) {                                                          \
            if (r0 + i >= batch)                                                                            \
                break;                                                                                      \
            GPUCC_UNROLL for (int j = 0; j < C; j++) {                                                      \
                if (o0 + j >= out)                                                                          \
                    break;                                                                                  \
                float s = gpucci_hsum16(acc[i][j]);                                                          \
                for (ulong k = kv; k < in; k++)                                                             \
                    s = fma(IN1(xr[i], k), IN1(wr[j], k), s);                                               \
                STORE(y, (r0 + i) * out + o0 + j, gpucci_activate(act, s + LOAD1(b, o0 + j)));              \
            }                                                                                               \
        }                                                                                                   \
    }

/* dense_tile_RxC: over X and W of the element type. */
#define GPUCC_DENSE_TILE(R, C) GPUCC_DENSE_TILE_KERNEL(dense_tile_##R##x##C, R, C, elem_t, LOAD16, LOAD1)

#ifdef GPUCC_DENSE_TUNING
GPUCC_DENSE_TUNING /* tiles to compare, defined by a tuning harness */
#else
GPUCC_DENSE_TILE(4, 6) /* the general kernel */
GPUCC_DENSE_TILE(1, 8) /* batch == 1 */
#endif

#if defined(GPUCC_ELEM_F16) || defined(GPUCC_ELEM_BF16)
/* The general kernel over X and W widened by dense_widen. */
GPUCC_DENSE_TILE_KERNEL(dense_tile_4x6_floats, 4, 6, float, FLOAT_LOAD16, FLOAT_LOAD1)

/* dst[e] = src[e] widened exactly to float for e < n. Work-item i handles
 * elements [i * per_item, (i + 1) * per_item), per_item a multiple of 16:
 * one contiguous chunk per work-item on a CPU device, 16 on a GPU. */
__kernel void dense_widen(__global const elem_t *restrict src, __global float *restrict dst, ulong n,
                          ulong per_item)
{
    const ulong start = get_global_id(0) * per_item;
    if (start >= n)
        return;
    const ulong end = min(start + per_item, n);
    ulong e = start;
    for (; e + GPUCC_DENSE_VEC <= end; e += GPUCC_DENSE_VEC)
        vstore16(LOAD16(src, e), 0, dst + e);
    for (; e < end; e++)
        dst[e] = LOAD1(src, e);
}
#endif

#if !defined(GPUCC_ELEM_F16) && !defined(GPUCC_ELEM_BF16) /* CLBlast runs f32 only */
/* Y = act(Y + b) in place, for the CLBlast path (CLBlast computes X W^T
 * with beta = 0, then this kernel makes one pass over Y). Work-item i
 * handles elements [i * per_item, (i + 1) * per_item) of the n = batch * out
 * elements of Y: one contiguous chunk per work-item on a CPU device,
 * per_item = 1 (coalesced) on a GPU. */
__kernel void dense_bias_act(__global float *restrict y, __global const float *restrict b, ulong out, ulong n,
                             ulong per_item, int act)
{
    const ulong start = get_global_id(0) * per_item;
    if (start >= n)
        return;
    const ulong end = min(start + per_item, n);
    ulong col = start % out;
    for (ulong e = start; e < end; e++) {
        y[e] = gpucci_activate(act, y[e] + b[col]);
        if (++col == out)
            col = 0;
    }
}
#endif
