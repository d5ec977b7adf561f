/* Internal: the canonical reduction order on the host (kernels/gpucc-ops.h
 * defines it). Serial and pthreads compute partials with
 * gpucci_reduce_blocks; every backend combines them with
 * gpucci_combine_partials. */
#ifndef GPUCC_REDUCE_ORDER_H
#define GPUCC_REDUCE_ORDER_H

#include "gpucc.h"
#include "gpucc-ops.h"

/* Number of blocks (partials) for n elements. */
static inline size_t gpucci_reduce_block_count(size_t n)
{
    return n / GPUCC_REDUCE_BLOCK + (n % GPUCC_REDUCE_BLOCK != 0);
}

/* The op's identity (0, +inf, -inf). */
double gpucci_reduce_identity(gpucc_reduce_op op);

/* Writes partials[b] for each block b in [first, end) of x[0..n), elements
 * of dtype. */
void gpucci_reduce_blocks(gpucc_reduce_op op, gpucc_dtype dtype, const void *x, size_t n, size_t first, size_t end,
                         double *partials);

/* Sets out->value (and out->integer for i32) from the block partials
 * partials[0..m) (overwritten): gpucci_combine_partials, except i32 sums,
 * which are totalled exactly; one outside int64 is GPUCC_E_OVERFLOW. */
gpucc_status gpucci_reduce_finish(gpucc_reduce_op op, gpucc_dtype dtype, double *partials, size_t m,
                                  gpucc_reduce_result *out);

/* Combines partials[0..m) pairwise, level by level (in place: the array is
 * overwritten). Returns the identity for m == 0. */
double gpucci_combine_partials(gpucc_reduce_op op, double *partials, size_t m);

/* A growable scratch array of partials, owned by a backend. */
typedef struct {
    double *data;
    size_t capacity;
} gpucci_partials;

/* Makes room for m partials; returns NULL (last error set) when out of memory. */
double *gpucci_partials_reserve(gpucci_partials *partials, size_t m);
void gpucci_partials_free(gpucci_partials *partials);

#endif
