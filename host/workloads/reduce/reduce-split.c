/* One reduction split over several processes, bitwise equal to one process
 * (host/internal/reduce-split.h: the pieces and why they combine exactly). */
#include "reduce-split.h"

#include <string.h>

#include "entry-point.h"
#include "error.h"
#include "reduce-order.h"

void gpucci_reduce_share(size_t n, unsigned part, unsigned parts, size_t *first, size_t *end)
{
    size_t blocks = gpucci_reduce_block_count(n);
    size_t begin = (size_t)((unsigned __int128)blocks * part / parts);
    size_t stop = (size_t)((unsigned __int128)blocks * (part + 1) / parts);
    *first = begin * GPUCC_REDUCE_BLOCK < n ? begin * GPUCC_REDUCE_BLOCK : n;
    *end = stop * GPUCC_REDUCE_BLOCK < n ? stop * GPUCC_REDUCE_BLOCK : n;
}

/* Blocks [first, first + 2^level) cut at `blocks`: the end of that node. */
static uint64_t node_end(uint64_t first, uint32_t level, uint64_t blocks)
{
    uint64_t size = (uint64_t)1 << level;
    return blocks - first < size ? blocks : first + size;
}

/* The levels of the tree over `blocks` blocks: its root is at level top,
 * the smallest with 2^top >= blocks. */
static uint32_t top_level(uint64_t blocks)
{
    uint32_t top = 0;
    while (top < 63 && ((uint64_t)1 << top) < blocks)
        top++;
    return top;
}

gpucc_status gpucci_split_pieces(const gpucci_block_reducer *reducer, gpucc_backend *backend, size_t n, size_t first,
                                 size_t end, gpucci_reduce_piece *pieces, size_t *count, gpucc_timing *timing,
                                 unsigned *flags)
{
    if (!reducer || !pieces || !count || !timing || !flags || first > end || end > n || first % GPUCC_REDUCE_BLOCK ||
        (end % GPUCC_REDUCE_BLOCK && end != n))
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_split_pieces: invalid arguments");
    uint64_t blocks = gpucci_reduce_block_count(n), block = first / GPUCC_REDUCE_BLOCK;
    uint64_t last = gpucci_reduce_block_count(end);
    uint32_t top = top_level(blocks);
    memset(timing, 0, sizeof *timing);
    *count = 0;
    *flags = 0;
    /* Each piece: the largest node that starts at `block` and ends inside
     * this range. */
    while (block < last) {
        uint32_t level = 0;
        while (level < top && block % ((uint64_t)2 << level) == 0 && node_end(block, level + 1, blocks) <= last)
            level++;
        uint64_t stop = node_end(block, level, blocks);
        size_t begin = block * GPUCC_REDUCE_BLOCK - first;
        size_t length = (stop * GPUCC_REDUCE_BLOCK < end ? stop * GPUCC_REDUCE_BLOCK : end) - first - begin;
        gpucc_reduce_result result;
        gpucc_status status = reducer->reduce(reducer->data, backend, begin, length, &result);
        if (status != GPUCC_OK)
            return status;
        pieces[*count] = (gpucci_reduce_piece){block, level, result.value};
        (*count)++;
        timing->total_ms += result.timing.total_ms;
        timing->kernel_ms += result.timing.kernel_ms;
        timing->transfer_ms += result.timing.transfer_ms;
        *flags |= result.flags;
        block = stop;
    }
    return GPUCC_OK;
}

typedef struct {
    gpucc_reduce_op op;
    const float *x;
} floats_reducer;

/* A gpucci_block_reducer's reduce over floats_reducer: gpucc_reduce. */
static gpucc_status reduce_floats(const void *data, gpucc_backend *backend, size_t begin, size_t length,
                                  gpucc_reduce_result *out)
{
    const floats_reducer *r = data;
    return gpucc_reduce(backend, r->op, r->x + begin, length, out);
}

gpucc_status gpucci_reduce_pieces(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n, size_t first,
                                  size_t end, gpucci_reduce_piece *pieces, size_t *count, gpucc_timing *timing,
                                  unsigned *flags)
{
    if (!x && end > first)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_reduce_pieces: invalid arguments");
    floats_reducer data = {op, x};
    gpucci_block_reducer reducer = {op, reduce_floats, &data};
    return gpucci_split_pieces(&reducer, backend, n, first, end, pieces, count, timing, flags);
}

typedef struct {
    gpucc_reduce_op op;
    const gpucci_reduce_piece *pieces;
    size_t count;
    uint64_t blocks;
    int missing; /* a block no piece holds */
} combine_ctx;

/* The value of node (level, first): its piece when one is that node, else
 * its children combined as gpucci_combine_partials combines them. */
static double node_value(combine_ctx *c, uint32_t level, uint64_t first)
{
    for (size_t i = 0; i < c->count; i++)
        if (c->pieces[i].first_block == first && c->pieces[i].level == level)
            return c->pieces[i].value;
    if (level == 0) {
        c->missing = 1;
        return 0;
    }
    uint64_t right = first + ((uint64_t)1 << (level - 1));
    double pair[2] = {node_value(c, level - 1, first), 0};
    if (right >= c->blocks)
        return pair[0]; /* the odd last one, moved up */
    pair[1] = node_value(c, level - 1, right);
    return gpucci_combine_partials(c->op, pair, 2);
}

gpucc_status gpucci_reduce_combine_pieces(gpucc_reduce_op op, const gpucci_reduce_piece *pieces, size_t count,
                                          size_t n, double *value)
{
    combine_ctx c = {op, pieces, count, gpucci_reduce_block_count(n), 0};
    uint64_t held = 0;
    for (size_t i = 0; i < count; i++) {
        const gpucci_reduce_piece *p = &pieces[i];
        if (p->level > 63 || p->first_block >= c.blocks)
            return gpucci_fail(GPUCC_E_INVALID, "a piece lies outside the %llu blocks",
                               (unsigned long long)c.blocks);
        held += node_end(p->first_block, p->level, c.blocks) - p->first_block;
    }
    *value = n == 0 ? gpucci_reduce_identity(op) : node_value(&c, top_level(c.blocks), 0);
    if (c.missing || held != c.blocks)
        return gpucci_fail(GPUCC_E_INVALID, "the pieces do not hold each of the %llu blocks once",
                           (unsigned long long)c.blocks);
    return GPUCC_OK;
}

typedef struct {
    gpucc_backend *backend;
    const gpucci_block_reducer *reducer;
    size_t n, first, end;
    const gpucci_reduce_exchange *exchange;
} split_ctx;

static gpucc_status split_call(void *ctx_, gpucc_reduce_result *out)
{
    const split_ctx *ctx = ctx_;
    gpucci_reduce_piece pieces[GPUCCI_MAX_PIECES];
    size_t count = 0;
    memset(out, 0, sizeof *out);
    ctx->exchange->start(ctx->exchange->ctx);
    gpucc_status local = gpucci_split_pieces(ctx->reducer, ctx->backend, ctx->n, ctx->first, ctx->end, pieces, &count,
                                             &out->timing, &out->flags);
    return ctx->exchange->finish(ctx->exchange->ctx, ctx->reducer->op, local, pieces, count, &out->value,
                                 &out->timing);
}

gpucc_status gpucci_reduce_measure_split(gpucc_backend *backend, const gpucci_block_reducer *reducer, size_t n,
                                         size_t first, size_t end, const gpucc_reference *ref,
                                         const gpucc_plan *plan, const gpucci_reduce_exchange *exchange,
                                         gpucc_measurement *out)
{
    if (!exchange || !reducer)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_reduce_measure_split: no exchange or reducer");
    split_ctx ctx = {backend, reducer, n, first, end, exchange};
    return gpucci_measure_scalar("gpucci_reduce_measure_split", split_call, &ctx, reducer->op, GPUCC_F32, ref, plan, out);
}
