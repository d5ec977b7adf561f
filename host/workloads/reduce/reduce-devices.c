/* One reduction (or dot product) split across several backends of one
 * process (devices), bitwise equal to one backend: each backend reduces a
 * contiguous range of whole blocks, sized in proportion to its weight, to
 * the aligned subtrees of the canonical tree it holds (reduce-split.h), all
 * at once on a thread each; the pieces are combined in the tree's own order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "entry-point.h"
#include "error.h"
#include "pool.h"
#include "reduce-order.h"
#include "reduce-split.h"
#include "split-parts.h"
#include "workload.h"

/* A device's view of the whole input: the reducer of the whole, offset to
 * the device's first element. */
typedef struct {
    const gpucci_block_reducer *whole;
    size_t first;
} device_view;

static gpucc_status view_reduce(const void *view_, gpucc_backend *backend, size_t begin, size_t length,
                                gpucc_reduce_result *out)
{
    const device_view *view = view_;
    return view->whole->reduce(view->whole->data, backend, view->first + begin, length, out);
}

typedef struct {
    gpucc_backend *const *backends;
    const gpucci_block_reducer *reducer;
    size_t n;
    gpucci_split *split;
    gpucci_pool *pool;
    unsigned call;          /* timed calls so far (samples of each part) */
    double *part_samples;   /* [device][call], plan->warmup + plan->repeat per device */
    unsigned samples_per_device;
    /* per call, per device */
    gpucci_reduce_piece pieces[GPUCCI_MAX_SPLIT][GPUCCI_MAX_PIECES];
    size_t piece_count[GPUCCI_MAX_SPLIT];
    gpucc_timing timing[GPUCCI_MAX_SPLIT];
    unsigned flags[GPUCCI_MAX_SPLIT];
    gpucc_status status[GPUCCI_MAX_SPLIT];
    char why[GPUCCI_MAX_SPLIT][256]; /* a part's failure, recorded on its own thread */
} devices_ctx;

/* Pool task: device `d` reduces its range to its pieces. */
static void reduce_part(void *ctx_, unsigned d, unsigned count)
{
    devices_ctx *ctx = ctx_;
    const gpucci_split *split = ctx->split;
    (void)count;
    size_t first = split->first[d], end = split->end[d];
    ctx->piece_count[d] = 0;
    memset(&ctx->timing[d], 0, sizeof ctx->timing[d]);
    ctx->flags[d] = 0;
    device_view view = {ctx->reducer, first};
    gpucci_block_reducer own = {ctx->reducer->op, view_reduce, &view};
    ctx->status[d] = first == end ? GPUCC_OK
                                   : gpucci_split_pieces(&own, ctx->backends[d], ctx->n, first, end, ctx->pieces[d],
                                                         &ctx->piece_count[d], &ctx->timing[d], &ctx->flags[d]);
    if (ctx->status[d] != GPUCC_OK) /* the detail is per thread: keep it for the caller's */
        snprintf(ctx->why[d], sizeof ctx->why[d], "%s", gpucc_last_error());
}

static gpucc_status devices_call(void *ctx_, gpucc_reduce_result *out)
{
    devices_ctx *ctx = ctx_;
    size_t count = ctx->split->count;
    double start = gpucci_now_ms();
    gpucci_pool_run(ctx->pool, reduce_part, ctx);
    gpucci_reduce_piece all[GPUCCI_MAX_SPLIT * GPUCCI_MAX_PIECES];
    size_t total = 0;
    memset(out, 0, sizeof *out);
    out->timing.kernel_ms = 0;
    for (size_t d = 0; d < count; d++) {
        if (ctx->status[d] != GPUCC_OK)
            return gpucci_fail(ctx->status[d], "part %zu of the split: %s", d, ctx->why[d]);
        memcpy(all + total, ctx->pieces[d], ctx->piece_count[d] * sizeof *all);
        total += ctx->piece_count[d];
        out->flags |= ctx->flags[d];
        /* the parts run at once: the call's kernel (transfer) time is the slowest part's */
        if (ctx->timing[d].kernel_ms > out->timing.kernel_ms)
            out->timing.kernel_ms = ctx->timing[d].kernel_ms;
        if (ctx->timing[d].transfer_ms > out->timing.transfer_ms)
            out->timing.transfer_ms = ctx->timing[d].transfer_ms;
        if (ctx->call < ctx->samples_per_device)
            ctx->part_samples[d * ctx->samples_per_device + ctx->call] = ctx->timing[d].total_ms;
    }
    ctx->call++;
    gpucc_status status = gpucci_reduce_combine_pieces(ctx->reducer->op, all, total, ctx->n, &out->value);
    out->timing.total_ms = gpucci_now_ms() - start;
    return status;
}

void gpucci_split_shares(size_t n, const double *weights, size_t count, gpucci_split *split)
{
    gpucci_split_units(gpucci_reduce_block_count(n), GPUCC_REDUCE_BLOCK, n, weights, count, split);
}

gpucc_status gpucci_reduce_measure_devices(gpucc_backend *const *backends, size_t count,
                                           const gpucci_block_reducer *reducer, gpucc_dtype dtype, size_t n,
                                           const gpucc_reference *ref, const gpucc_plan *plan, gpucci_split *split,
                                           gpucc_measurement *out)
{
    if (!backends || count < 1 || count > GPUCCI_MAX_SPLIT || !reducer || !split || split->count != count || !plan)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_reduce_measure_devices: invalid arguments");
    if (dtype == GPUCC_I32)
        return gpucci_fail(GPUCC_E_UNSUPPORTED, "a split run combines its parts in double: i32 results, exact "
                                                "integers, run on one device");
    devices_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a split reduction");
    ctx->backends = backends;
    ctx->reducer = reducer;
    ctx->n = n;
    ctx->split = split;
    ctx->samples_per_device = plan->warmup + plan->repeat;
    ctx->part_samples = calloc((size_t)count * ctx->samples_per_device, sizeof *ctx->part_samples);
    gpucc_status status = ctx->part_samples ? gpucci_pool_create((unsigned)count, &ctx->pool)
                                            : gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a split reduction");
    if (status == GPUCC_OK)
        status = gpucci_measure_scalar("gpucci_reduce_measure_devices", devices_call, ctx, reducer->op, dtype, ref, plan,
                                       out);
    for (size_t d = 0; status == GPUCC_OK && d < count; d++) {
        /* the median of each part's timed calls (after the warm-up calls) */
        double *own = ctx->part_samples + d * ctx->samples_per_device + plan->warmup;
        split->part_ms[d] = gpucc_stats_of(own, plan->repeat).median;
    }
    gpucci_pool_free(ctx->pool);
    free(ctx->part_samples);
    free(ctx);
    return status;
}
