/* Internal API: one reduction split over several processes (gpucc run
 * under MPI), bitwise equal to the same reduction in one process
 * (workloads/reduce/reduce-split.c).
 *
 * The canonical order (kernels/gpucc-ops.h) reduces each block of
 * GPUCC_REDUCE_BLOCK elements to a partial, then combines the partials
 * pairwise, level by level, an odd last one moving up a level. Node j of
 * level L of that tree therefore holds blocks [j 2^L, (j + 1) 2^L), cut at
 * the last block, and its value is what gpucc_reduce gives for those
 * blocks' elements alone (gpucc_dot's the same: a sum in the same tree).
 * Any contiguous range of blocks is the union of at
 * most GPUCCI_MAX_PIECES such whole aligned subtrees ("pieces"). Each
 * process reduces its range to its pieces; the pieces of every process,
 * combined in the tree's own order, give bitwise the value of one process,
 * and only O(log n) values per process are exchanged. */
#ifndef GPUCC_REDUCE_SPLIT_H
#define GPUCC_REDUCE_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc.h"
#include "workload.h"

/* Two per level of a 64-bit block count. */
enum { GPUCCI_MAX_PIECES = 128 };

/* One whole aligned subtree: blocks [first_block, first_block + 2^level)
 * (cut at the last block), reduced to value. */
typedef struct {
    uint64_t first_block;
    uint32_t level;
    double value;
} gpucci_reduce_piece;

/* The elements [*first, *end) of n that part `part` of `parts` owns: a
 * contiguous range of whole blocks, the blocks shared out as evenly as
 * possible (a part may own none when there are fewer blocks than parts). */
void gpucci_reduce_share(size_t n, unsigned part, unsigned parts, size_t *first, size_t *end);

/* How a process reduces part of its share in the canonical order: reduce
 * gives the value of the `length` elements that start at offset `begin` of
 * the share (gpucc_reduce of x + begin; gpucc_dot of x + begin and
 * y + begin) with its flags and timing, and op combines such values. */
typedef struct {
    gpucc_reduce_op op;
    gpucc_status (*reduce)(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                           gpucc_reduce_result *out);
    const void *data; /* the share, as reduce reads it */
} gpucci_block_reducer;

/* Reduces this process's share, the elements [first, end) of an n-element
 * input (first and end as gpucci_reduce_share gives them), to its pieces
 * (at most GPUCCI_MAX_PIECES) with reducer on backend. *count receives the
 * number of pieces, *timing the sum of the calls' timings, *flags the union
 * of their GPUCC_RESULT_* flags. */
gpucc_status gpucci_split_pieces(const gpucci_block_reducer *reducer, gpucc_backend *backend, size_t n, size_t first,
                                 size_t end, gpucci_reduce_piece *pieces, size_t *count, gpucc_timing *timing,
                                 unsigned *flags);

/* gpucci_split_pieces of x[0 .. end - first), the elements [first, end),
 * reduced with gpucc_reduce and op. */
gpucc_status gpucci_reduce_pieces(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n, size_t first,
                                  size_t end, gpucci_reduce_piece *pieces, size_t *count, gpucc_timing *timing,
                                  unsigned *flags);

/* Combines pieces[0..count) that together hold every block of n elements
 * exactly once (in any order) in the canonical order: the value of one
 * gpucc_reduce over all n. GPUCC_E_INVALID when they do not tile the
 * blocks. */
gpucc_status gpucci_reduce_combine_pieces(gpucc_reduce_op op, const gpucci_reduce_piece *pieces, size_t count,
                                          size_t n, double *value);

/* How the processes meet on each call of gpucci_reduce_measure_split. */
typedef struct gpucci_reduce_exchange {
    /* Before each call's local work: every process starts together. */
    void (*start)(void *ctx);
    /* After it: every process passes its local status and pieces, and in
     * *timing the timing of its local work; returns the status all
     * processes agree on and, when GPUCC_OK, the value of every process's
     * pieces combined with op (the same on every process) and in *timing
     * the timing of the whole call. */
    gpucc_status (*finish)(void *ctx, gpucc_reduce_op op, gpucc_status local, const gpucci_reduce_piece *pieces,
                           size_t count, double *value, gpucc_timing *timing);
    void *ctx;
} gpucci_reduce_exchange;

/* The measurement (as gpucc_reduce_measure) of an n-element reduction of
 * which this process holds the elements [first, end), read by reducer: each
 * call reduces the local pieces on backend and passes them through
 * exchange, and every call's combined value is verified against ref (the
 * reference of all n elements) and must be bitwise equal to the first.
 * Every process must call it with the same plan, reducer op, n and ref. */
gpucc_status gpucci_reduce_measure_split(gpucc_backend *backend, const gpucci_block_reducer *reducer, size_t n,
                                         size_t first, size_t end, const gpucc_reference *ref,
                                         const gpucc_plan *plan, const gpucci_reduce_exchange *exchange,
                                         gpucc_measurement *out);

/* ---- One process, several backends (workloads/reduce/reduce-devices.c) ---- */

/* Shares the blocks of n elements among count backends in proportion to
 * weights (not negative, any scale; all 0 puts everything on the last):
 * contiguous ranges of whole blocks, in backend order, into split. */
void gpucci_split_shares(size_t n, const double *weights, size_t count, gpucci_split *split);

/* The measurement of a reduction (or dot product) of n elements of dtype
 * split as *split says across backends[0..count), each reducing its range
 * with reducer (whose data is the whole input: `begin` counts from element
 * 0) to its pieces on a thread of its own at the same time; the pieces
 * combined give bitwise the value of one backend. Every call is verified
 * against ref (gpucc_reduce_verify_typed) and must equal the first
 * bitwise. Sets split->part_ms. The pieces are combined in double, so an
 * i32 sum, exact in integers, is GPUCC_E_UNSUPPORTED here. */
gpucc_status gpucci_reduce_measure_devices(gpucc_backend *const *backends, size_t count,
                                           const gpucci_block_reducer *reducer, gpucc_dtype dtype, size_t n,
                                           const gpucc_reference *ref, const gpucc_plan *plan, gpucci_split *split,
                                           gpucc_measurement *out);

#endif
