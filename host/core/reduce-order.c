#include "reduce-order.h"

#include <stdlib.h>
#include <string.h>

#include "dispatch.h"
#include "error.h"

double gpucci_reduce_identity(gpucc_reduce_op op)
{
    switch (op) {
    case GPUCC_REDUCE_MIN: return GPUCC_IDENTITY_MIN;
    case GPUCC_REDUCE_MAX: return GPUCC_IDENTITY_MAX;
    default: return GPUCC_IDENTITY_SUM;
    }
}

/*
 * Folding the full groups of 16 elements of a block into lane[0..16).
 * The sum is a plain array loop, which GCC vectorises with its widest
 * vectors. GCC keeps an array of NaN-aware min/max selects as scalars (5x
 * slower), so min and max use GNU C vectors (GCC and Clang) of 4 lanes, four
 * of them side by side. Both compute exactly the canonical order, in every
 * instruction set GPUCCI_HOT compiles them for.
 */
#if !defined(__GNUC__)
#error "gpucc needs GCC or Clang (GNU C vector extensions)"
#endif
/* The vectors never cross a non-static function, so the ABI note GCC gives
 * for 32-byte vectors in builds without AVX does not apply. */
#pragma GCC diagnostic ignored "-Wpsabi"
enum { QUARTER = GPUCC_REDUCE_LANES / 4 };
typedef float quarter_f __attribute__((vector_size(QUARTER * sizeof(float))));
typedef double quarter_d __attribute__((vector_size(QUARTER * sizeof(double))));
typedef long long quarter_mask __attribute__((vector_size(QUARTER * sizeof(double))));

static inline quarter_d quarter_load(const float *x)
{
    quarter_f v;
    memcpy(&v, x, sizeof v);
    return __builtin_convertvector(v, quarter_d);
}

/* Per lane: x where take_x is set (all ones), else acc. */
static inline quarter_d quarter_pick(quarter_mask take_x, quarter_d x, quarter_d acc)
{
    return (quarter_d)((take_x & (quarter_mask)x) | (~take_x & (quarter_mask)acc));
}

/* GPUCC_STEP_MIN/MAX on vectors (GNU C has no per-lane ?: in C). */
#define QUARTER_MIN(acc, x) quarter_pick(((x) < (acc)) | ((x) != (x)), (x), (acc))
#define QUARTER_MAX(acc, x) quarter_pick(((x) > (acc)) | ((x) != (x)), (x), (acc))

#define DEFINE_VECTOR_FOLD(name, QUARTER_STEP)                                 \
    GPUCCI_HOT static void name(double *lane, const float *x, size_t full)    \
    {                                                                          \
        quarter_d acc[4];                                                      \
        memcpy(acc, lane, sizeof acc);                                         \
        for (size_t i = 0; i < full; i += GPUCC_REDUCE_LANES)                  \
            for (int q = 0; q < 4; q++)                                        \
                acc[q] = QUARTER_STEP(acc[q], quarter_load(x + i + q * QUARTER)); \
        memcpy(lane, acc, sizeof acc);                                         \
    }

DEFINE_VECTOR_FOLD(fold_min, QUARTER_MIN)
DEFINE_VECTOR_FOLD(fold_max, QUARTER_MAX)

GPUCCI_HOT static void fold_sum(double *lane, const float *x, size_t full)
{
    for (size_t i = 0; i < full; i += GPUCC_REDUCE_LANES)
        for (int j = 0; j < GPUCC_REDUCE_LANES; j++)
            lane[j] += (double)x[i + j];
}

/* One block in the canonical order: full groups folded lane-wise, the tail
 * into lanes 0..len%16-1, then the lanes combined. */
#define DEFINE_BLOCK_REDUCER(name, FOLD, STEP, IDENTITY)                     \
    static double name(const float *x, size_t len)                         \
    {                                                                       \
        double lane[GPUCC_REDUCE_LANES];                                    \
        for (int j = 0; j < GPUCC_REDUCE_LANES; j++)                        \
            lane[j] = IDENTITY;                                             \
        size_t full = len - len % GPUCC_REDUCE_LANES;                       \
        FOLD(lane, x, full);                                                \
        for (size_t j = 0; j < len - full; j++)                             \
            lane[j] = STEP(lane[j], (double)x[full + j]);                   \
        GPUCC_COMBINE_LANES(STEP, lane);                                    \
        return lane[0];                                                     \
    }

DEFINE_BLOCK_REDUCER(block_sum, fold_sum, GPUCC_STEP_SUM, GPUCC_IDENTITY_SUM)
DEFINE_BLOCK_REDUCER(block_min, fold_min, GPUCC_STEP_MIN, GPUCC_IDENTITY_MIN)
DEFINE_BLOCK_REDUCER(block_max, fold_max, GPUCC_STEP_MAX, GPUCC_IDENTITY_MAX)

void gpucci_reduce_blocks(gpucc_reduce_op op, const float *x, size_t n, size_t first, size_t end,
                         double *partials)
{
    double (*reduce_block)(const float *, size_t) =
        op == GPUCC_REDUCE_MIN ? block_min : op == GPUCC_REDUCE_MAX ? block_max : block_sum;
    for (size_t b = first; b < end; b++) {
        size_t start = b * GPUCC_REDUCE_BLOCK;
        size_t len = n - start < GPUCC_REDUCE_BLOCK ? n - start : GPUCC_REDUCE_BLOCK;
        partials[b] = reduce_block(x + start, len);
    }
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
