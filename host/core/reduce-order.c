#include "reduce-order.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "error.h"
#include "widen.h"

double gpucci_reduce_identity(gpucc_reduce_op op)
{
    switch (op) {
    case GPUCC_REDUCE_MIN: return GPUCC_IDENTITY_MIN;
    case GPUCC_REDUCE_MAX: return GPUCC_IDENTITY_MAX;
    default: return GPUCC_IDENTITY_SUM;
    }
}

/*
 * Folding the full groups of 16 elements of one block, or of two blocks side
 * by side, into lane[k][0..16) (block k of the two). Each block keeps its own
 * lanes, each lane folds its elements in index order: exactly the canonical
 * order, in every instruction set GPUCCI_HOT compiles the folds for. Two
 * blocks at once give the core twice as many independent add chains, and
 * each fold prefetches ahead of its loads (PREFETCH_LINES).
 *
 * The folds use GNU C vectors (GCC and Clang) of 4 lanes, four of them per
 * block: GCC keeps an array of NaN-aware min/max selects as scalars (5x
 * slower), and its vectoriser leaves the two-block sum scalar too. Wider
 * vectors would be split through memory where the level lacks them (AVX2).
 */
#if !defined(__GNUC__)
#error "gpucc needs GCC or Clang (GNU C vector extensions)"
#endif
/* The vectors never cross a non-static function, so the ABI note GCC gives
 * for 32-byte vectors in builds without AVX does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"
enum { QUARTER = GPUCC_REDUCE_LANES / 4, MAX_SIDE_BY_SIDE = 2 };
typedef double quarter_d __attribute__((vector_size(QUARTER * sizeof(double))));
typedef long long quarter_mask __attribute__((vector_size(QUARTER * sizeof(double))));
typedef double lanes_t[GPUCC_REDUCE_LANES];

/* X(dtype, element type, widen, group load): the types the folds are
 * compiled for, with their element reads and their loads of a group. */
#define ELEMENT_TYPES(X)                                              \
    X(GPUCC_F32, float, gpucci_widen_f32, load_group_f32)             \
    X(GPUCC_F64, double, gpucci_widen_f64, load_group_f64)            \
    X(GPUCC_F16, gpucci_f16, gpucci_widen_f16, load_group_f16)        \
    X(GPUCC_BF16, gpucci_bf16, gpucci_widen_bf16, load_group_bf16)    \
    X(GPUCC_I32, int32_t, gpucci_widen_i32, load_group_i32)

/* Written element by element, GCC compiles this to one widening load
 * (cvtps2pd from memory for floats); __builtin_convertvector of a loaded
 * float vector becomes two half-width conversions and a shuffle. */
#define QUARTER_LOAD(WIDEN, x) ((quarter_d){WIDEN(x, 0), WIDEN(x, 1), WIDEN(x, 2), WIDEN(x, 3)})

/* A group of 16 elements widened exactly: its quarters (lanes 0-3, 4-7,
 * 8-11, 12-15). */
typedef struct {
    quarter_d q[4];
} group_d;

/* name(x): the group at x, a quarter at a time. */
#define DEFINE_QUARTER_GROUP_LOAD(name, T, WIDEN)                                                            \
    static inline group_d name(const T *x)                                                                   \
    {                                                                                                        \
        return (group_d){{QUARTER_LOAD(WIDEN, x), QUARTER_LOAD(WIDEN, x + QUARTER),                          \
                          QUARTER_LOAD(WIDEN, x + 2 * QUARTER), QUARTER_LOAD(WIDEN, x + 3 * QUARTER)}};      \
    }
DEFINE_QUARTER_GROUP_LOAD(load_group_f32, float, gpucci_widen_f32)
DEFINE_QUARTER_GROUP_LOAD(load_group_f64, double, gpucci_widen_f64)
DEFINE_QUARTER_GROUP_LOAD(load_group_i32, int32_t, gpucci_widen_i32)

/* The 16-bit types convert 8 elements at a time where the build's
 * instruction set allows (AVX; F16C too for f16), then each half to double.
 * In the L2 cache on an Intel Xeon with AVX512-FP16, one thread's f16 fold
 * ran at 7.1-7.5 Gelem/s with quarter-at-a-time loads (vcvtph2pd of 4) and
 * its bf16 fold at 8.4-8.9 (zero extension and shift of 4): barely above
 * that host's one-thread read bandwidth in 16-bit elements (6.45 Gelem/s),
 * too little headroom to keep the misses in flight, so in memory they read
 * at about 0.8 of it. 8 at a time (vcvtph2ps; bf16 interleaved with zeros):
 * 10.1 and 10.3 Gelem/s. A portable build's clones are compiled without
 * AVX (the test is at compile time) and keep the quarter loads. */
#if defined(__AVX__)
#include <immintrin.h>
#endif

#if defined(__AVX__) && defined(__F16C__)
#define LOW_HALF_TO_DOUBLE(v) (quarter_d) _mm256_cvtps_pd(_mm256_castps256_ps128(v))
#define HIGH_HALF_TO_DOUBLE(v) (quarter_d) _mm256_cvtps_pd(_mm256_extractf128_ps(v, 1))
static inline group_d load_group_f16(const gpucci_f16 *x)
{
    __m256 low = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)x));
    __m256 high = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(const void *)(x + 8)));
    return (group_d){{LOW_HALF_TO_DOUBLE(low), HIGH_HALF_TO_DOUBLE(low), LOW_HALF_TO_DOUBLE(high),
                      HIGH_HALF_TO_DOUBLE(high)}};
}
#else
DEFINE_QUARTER_GROUP_LOAD(load_group_f16, gpucci_f16, gpucci_widen_f16)
#endif

#if defined(__AVX__)
/* bf16 pattern b is the float with bits b << 16: interleaving zeros below
 * each pattern gives 4 such floats per unpack. */
#define BF16_LOW_TO_DOUBLE(zero, v) (quarter_d) _mm256_cvtps_pd(_mm_castsi128_ps(_mm_unpacklo_epi16(zero, v)))
#define BF16_HIGH_TO_DOUBLE(zero, v) (quarter_d) _mm256_cvtps_pd(_mm_castsi128_ps(_mm_unpackhi_epi16(zero, v)))
static inline group_d load_group_bf16(const gpucci_bf16 *x)
{
    __m128i zero = _mm_setzero_si128();
    __m128i low = _mm_loadu_si128((const __m128i *)(const void *)x);
    __m128i high = _mm_loadu_si128((const __m128i *)(const void *)(x + 8));
    return (group_d){{BF16_LOW_TO_DOUBLE(zero, low), BF16_HIGH_TO_DOUBLE(zero, low), BF16_LOW_TO_DOUBLE(zero, high),
                      BF16_HIGH_TO_DOUBLE(zero, high)}};
}
#else
DEFINE_QUARTER_GROUP_LOAD(load_group_bf16, gpucci_bf16, gpucci_widen_bf16)
#endif

/* Per lane: x where take_x is set (all ones), else acc. */
static inline quarter_d quarter_pick(quarter_mask take_x, quarter_d x, quarter_d acc)
{
    return (quarter_d)((take_x & (quarter_mask)x) | (~take_x & (quarter_mask)acc));
}

/* The steps of gpucc-ops.h on vectors (GNU C has no per-lane ?: in C). */
#define QUARTER_SUM(acc, x) ((acc) + (x))
#define QUARTER_MIN(acc, x) quarter_pick(((x) < (acc)) | ((x) != (x)), (x), (acc))
#define QUARTER_MAX(acc, x) quarter_pick(((x) > (acc)) | ((x) != (x)), (x), (acc))

/* One prefetch per cache line of the group of 16 elements of type T at
 * index i: every group of f32 (64 bytes), every other group of f16 and bf16,
 * two per group of f64. The conditions are constants after inlining.
 *
 * How far ahead: the two blocks of a pair are read side by side, so a
 * prefetch that lands in the other block of the pair fetches what the other
 * stream reads anyway. For 16-bit types (a pair is 16 KiB) the prefetch
 * goes to the same place in the next pair, which is always new: on the
 * Intel Xeon of bench/README.md one thread's f16 and bf16 folds went from
 * 0.83-0.88 to 0.92-1.0 of the read loop (GPUCCI_PREFETCH_AHEAD, 4 KiB,
 * fetched the next pair's first block only). Wider types keep 4 KiB: a
 * pair of 32 or 64 KiB ahead, plus the pair being read, overflows the L1
 * cache, and their folds ran 3-5% slower that way. */
#define CACHE_LINE 64
#define PREFETCH_DISTANCE(T) \
    (sizeof(T) == 2 ? MAX_SIDE_BY_SIDE * GPUCC_REDUCE_BLOCK * sizeof(T) : GPUCCI_PREFETCH_AHEAD)
#define PREFETCH_LINES(group, T, i)                                                                 \
    do {                                                                                            \
        if ((i) * sizeof(T) % CACHE_LINE == 0)                                                      \
            for (size_t line_ = 0; line_ < GPUCC_REDUCE_LANES * sizeof(T); line_ += CACHE_LINE)    \
                GPUCCI_PREFETCH_AT((const char *)(group) + line_, PREFETCH_DISTANCE(T));            \
    } while (0)

/* Folds `side_by_side` (a constant after inlining) blocks, GPUCC_REDUCE_BLOCK
 * elements of type T apart, each over its first `full` elements. */
#define DEFINE_VECTOR_FOLD(name, QUARTER_STEP, T, LOAD_GROUP)                               \
    static inline __attribute__((always_inline)) void name(lanes_t *lane, const T *x,       \
                                                           size_t full, int side_by_side)    \
    {                                                                                       \
        quarter_d acc[MAX_SIDE_BY_SIDE][4];                                                 \
        memcpy(acc, lane, side_by_side * sizeof acc[0]);                                    \
        for (size_t i = 0; i < full; i += GPUCC_REDUCE_LANES)                               \
            for (int k = 0; k < side_by_side; k++) {                                        \
                const T *group = x + k * GPUCC_REDUCE_BLOCK + i;                            \
                PREFETCH_LINES(group, T, i);                                                \
                group_d loaded = LOAD_GROUP(group);                                         \
                for (int q = 0; q < 4; q++)                                                 \
                    acc[k][q] = QUARTER_STEP(acc[k][q], loaded.q[q]);                       \
            }                                                                               \
        memcpy(lane, acc, side_by_side * sizeof acc[0]);                                    \
    }

/* Partials of blocks [first, end) of x[0..n) in the canonical order: whole
 * blocks two at a time, the rest (and a short last block) one at a time,
 * whose tail goes into lanes 0..len%16-1; then each block's lanes combined. */
#define DEFINE_BLOCKS_REDUCER(name, FOLD, STEP, IDENTITY, T, WIDEN)                           \
    GPUCCI_HOT static void name(const void *input, size_t n, size_t first, size_t end,        \
                                double *partials)                                             \
    {                                                                                         \
        const T *x = input;                                                                   \
        for (size_t b = first; b < end;) {                                                    \
            size_t start = b * GPUCC_REDUCE_BLOCK;                                            \
            size_t len = n - start < GPUCC_REDUCE_BLOCK ? n - start : GPUCC_REDUCE_BLOCK;     \
            int side_by_side = b + 1 < end && n - start >= 2 * GPUCC_REDUCE_BLOCK ? 2 : 1;    \
            lanes_t lane[MAX_SIDE_BY_SIDE];                                                   \
            for (int k = 0; k < MAX_SIDE_BY_SIDE; k++)                                        \
                for (int j = 0; j < GPUCC_REDUCE_LANES; j++)                                  \
                    lane[k][j] = IDENTITY;                                                    \
            size_t full = len - len % GPUCC_REDUCE_LANES;                                     \
            if (side_by_side == 2)                                                            \
                FOLD(lane, x + start, full, 2);                                               \
            else                                                                              \
                FOLD(lane, x + start, full, 1);                                               \
            for (size_t j = 0; j < len - full; j++)                                           \
                lane[0][j] = STEP(lane[0][j], WIDEN(x, start + full + j));                    \
            for (int k = 0; k < side_by_side; k++) {                                          \
                GPUCC_COMBINE_LANES(STEP, lane[k]);                                           \
                partials[b++] = lane[k][0];                                                   \
            }                                                                                 \
        }                                                                                     \
    }

/* The three reductions of one element type. */
#define DEFINE_TYPE_REDUCERS(dtype, T, WIDEN, LOAD_GROUP)                                      \
    DEFINE_VECTOR_FOLD(fold_sum_##T, QUARTER_SUM, T, LOAD_GROUP)                              \
    DEFINE_VECTOR_FOLD(fold_min_##T, QUARTER_MIN, T, LOAD_GROUP)                              \
    DEFINE_VECTOR_FOLD(fold_max_##T, QUARTER_MAX, T, LOAD_GROUP)                              \
    DEFINE_BLOCKS_REDUCER(sum_blocks_##T, fold_sum_##T, GPUCC_STEP_SUM, GPUCC_IDENTITY_SUM, T, WIDEN) \
    DEFINE_BLOCKS_REDUCER(min_blocks_##T, fold_min_##T, GPUCC_STEP_MIN, GPUCC_IDENTITY_MIN, T, WIDEN) \
    DEFINE_BLOCKS_REDUCER(max_blocks_##T, fold_max_##T, GPUCC_STEP_MAX, GPUCC_IDENTITY_MAX, T, WIDEN)
ELEMENT_TYPES(DEFINE_TYPE_REDUCERS)

typedef void (*blocks_reducer)(const void *x, size_t n, size_t first, size_t end, double *partials);
#define REDUCER_ROW(dtype, T, WIDEN, LOAD_GROUP) [dtype] = {sum_blocks_##T, min_blocks_##T, max_blocks_##T},
static const blocks_reducer reducers[GPUCC_DTYPE_COUNT][GPUCC_REDUCE_OP_COUNT] = {ELEMENT_TYPES(REDUCER_ROW)};
#undef REDUCER_ROW

void gpucci_reduce_blocks(gpucc_reduce_op op, gpucc_dtype dtype, const void *x, size_t n, size_t first, size_t end,
                         double *partials)
{
    reducers[dtype][op](x, n, first, end, partials);
}

static double combine_two(gpucc_reduce_op op, double a, double b)
{
    switch (op) {
    case GPUCC_REDUCE_MIN: return GPUCC_STEP_MIN(a, b);
    case GPUCC_REDUCE_MAX: return GPUCC_STEP_MAX(a, b);
    default: return GPUCC_STEP_SUM(a, b);
    }
}

double gpucci_combine_partials(gpucc_reduce_op op, double *p, size_t m)
{
    if (m == 0)
        return gpucci_reduce_identity(op);
    while (m > 1) {
        size_t pairs = m / 2;
        for (size_t i = 0; i < pairs; i++)
            p[i] = combine_two(op, p[2 * i], p[2 * i + 1]);
        if (m % 2)
            p[pairs] = p[m - 1];
        m = pairs + m % 2;
    }
    return p[0];
}

/* i32 sums: the block partials are exact integers below 2^43 in double, and
 * their total is taken exactly in 128 bits, so it never wraps. */
__extension__ typedef __int128 wide_int;

gpucc_status gpucci_reduce_finish(gpucc_reduce_op op, gpucc_dtype dtype, double *partials, size_t m,
                                  gpucc_reduce_result *out)
{
    if (dtype == GPUCC_I32 && op == GPUCC_REDUCE_SUM) {
        wide_int total = 0;
        for (size_t i = 0; i < m; i++)
            total += (int64_t)partials[i];
        if (total > INT64_MAX || total < INT64_MIN)
            return gpucci_fail(GPUCC_E_OVERFLOW, "the i32 sum lies outside the 64-bit integer range");
        out->integer = (int64_t)total;
        out->value = (double)out->integer;
        return GPUCC_OK;
    }
    out->value = gpucci_combine_partials(op, partials, m);
    if (dtype == GPUCC_I32 && isfinite(out->value))
        out->integer = (int64_t)out->value;
    return GPUCC_OK;
}

double *gpucci_partials_reserve(gpucci_partials *partials, size_t m)
{
    if (m > partials->capacity) {
        double *grown = realloc(partials->data, m * sizeof *grown);
        if (!grown) {
            gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu partial results", m);
            return NULL;
        }
        partials->data = grown;
        partials->capacity = m;
    }
    return partials->data;
}

void gpucci_partials_free(gpucci_partials *partials)
{
    free(partials->data);
    partials->data = NULL;
    partials->capacity = 0;
}
