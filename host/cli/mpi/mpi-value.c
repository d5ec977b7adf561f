/* One row of a one-value workload (reduce, dot) measured on every MPI rank
 * at once (mpi-split.h): each call's pieces gathered on rank 0, combined in
 * the canonical order and the value sent back. Why that value is bitwise
 * that of one process: host/internal/reduce-split.h. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpi-split.h"
#include "reduce-split.h"
#include "runner.h"
#include "timer.h"

/* What each rank sends rank 0 after each call's local work. The ranks run
 * the same build on machines of one architecture, so structs go as bytes. */
typedef struct {
    double local_ms;  /* its local work, wall clock from the barrier */
    double kernel_ms, transfer_ms;
    int32_t status;
    uint32_t count;   /* pieces */
    char message[256]; /* why, when status is not GPUCC_OK */
    gpucci_reduce_piece pieces[GPUCCI_MAX_PIECES];
} rank_report;

/* What rank 0 sends every rank back. */
typedef struct {
    double value;
    double local_ms, kernel_ms, transfer_ms; /* the slowest rank's */
    int32_t status;
} call_outcome;

/* The exchange of one row's measurement (gpucci_reduce_exchange). */
typedef struct {
    const cli_mpi_world *world;
    size_t n;
    double start_ms;
    rank_report *reports;     /* rank 0: one per rank */
    gpucci_reduce_piece *all; /* rank 0: room for every rank's pieces */
    unsigned calls, capacity;
    double *local_ms;         /* rank 0: [capacity][size], per call and rank */
    double *comm_ms;          /* rank 0: [capacity], the exchange's time */
    char failure[512];        /* rank 0: why a call failed */
} exchange_state;

static void start_call(void *ctx)
{
    exchange_state *s = ctx;
    MPI_Barrier(MPI_COMM_WORLD);
    s->start_ms = gpucci_now_ms();
}

/* Rank 0: the ranks' pieces combined in the canonical order, or the first
 * failing rank's status (s->failure says why). */
static call_outcome combine_ranks(exchange_state *s, gpucc_reduce_op op)
{
    call_outcome outcome = {.status = GPUCC_OK};
    size_t total = 0;
    for (int r = 0; r < s->world->size; r++) {
        const rank_report *p = &s->reports[r];
        if (p->status != GPUCC_OK || p->count > GPUCCI_MAX_PIECES) {
            outcome.status = p->status != GPUCC_OK ? p->status : GPUCC_E_INVALID;
            snprintf(s->failure, sizeof s->failure, "rank %d: %s", r, p->message);
            return outcome;
        }
        memcpy(s->all + total, p->pieces, p->count * sizeof *p->pieces);
        total += p->count;
        outcome.local_ms = fmax(outcome.local_ms, p->local_ms);
        outcome.kernel_ms = fmax(outcome.kernel_ms, p->kernel_ms);
        outcome.transfer_ms = fmax(outcome.transfer_ms, p->transfer_ms);
    }
    outcome.status = gpucci_reduce_combine_pieces(op, s->all, total, s->n, &outcome.value);
    if (outcome.status != GPUCC_OK)
        snprintf(s->failure, sizeof s->failure, "%s", gpucc_last_error());
    return outcome;
}

/* Rank 0: keeps each rank's local time and the exchange's time of a call. */
static void record_call(exchange_state *s, double comm_ms)
{
    if (s->calls == s->capacity)
        return;
    for (int r = 0; r < s->world->size; r++)
        s->local_ms[(size_t)s->calls * s->world->size + r] = s->reports[r].local_ms;
    s->comm_ms[s->calls++] = comm_ms;
}

/* A call's time: its slowest rank's local work (each timed from the
 * barrier that starts the call), then the exchange, which starts when every
 * rank is done (a second barrier): gathering the pieces on rank 0,
 * combining them and sending the value back. */
static gpucc_status finish_call(void *ctx, gpucc_reduce_op op, gpucc_status local, const gpucci_reduce_piece *pieces,
                                size_t count, double *value, gpucc_timing *timing)
{
    exchange_state *s = ctx;
    static rank_report mine; /* large: keep it off the stack */
    memset(&mine, 0, sizeof mine);
    mine.local_ms = gpucci_now_ms() - s->start_ms;
    mine.kernel_ms = timing->kernel_ms;
    mine.transfer_ms = timing->transfer_ms;
    mine.status = local;
    mine.count = (uint32_t)count;
    if (local != GPUCC_OK)
        snprintf(mine.message, sizeof mine.message, "%s", gpucc_last_error());
    memcpy(mine.pieces, pieces, count * sizeof *pieces);
    MPI_Barrier(MPI_COMM_WORLD);
    double exchange_start = gpucci_now_ms();
    MPI_Gather(&mine, sizeof mine, MPI_BYTE, s->reports, sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD);
    call_outcome outcome = {0};
    if (s->world->rank == 0)
        outcome = combine_ranks(s, op);
    MPI_Bcast(&outcome, sizeof outcome, MPI_BYTE, 0, MPI_COMM_WORLD);
    double comm_ms = gpucci_now_ms() - exchange_start;
    *value = outcome.value;
    timing->total_ms = outcome.local_ms + comm_ms;
    timing->kernel_ms = outcome.kernel_ms;
    timing->transfer_ms = outcome.transfer_ms;
    if (s->world->rank == 0)
        record_call(s, comm_ms);
    return (gpucc_status)outcome.status;
}

/* Rank 0: the statistics of the timed calls (those after the warm-up). */
static void summarize(const exchange_state *s, unsigned warmup, cli_mpi_row_detail *row)
{
    unsigned timed = s->calls - warmup;
    row->comm_ms = gpucc_stats_of(s->comm_ms + warmup, timed);
    cli_mpi_rank_stats(s->world, s->local_ms + (size_t)warmup * s->world->size, timed, row);
}

void cli_mpi_measure_value(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job,
                           gpucc_backend *backend, cli_row *row, cli_mpi_row_detail *detail)
{
    exchange_state s = {.world = world, .n = job->n, .capacity = o->plan.warmup + o->plan.repeat};
    if (world->rank == 0) {
        s.reports = cli_mpi_alloc((size_t)world->size, sizeof *s.reports);
        s.all = cli_mpi_alloc((size_t)world->size * GPUCCI_MAX_PIECES, sizeof *s.all);
        s.local_ms = cli_mpi_alloc((size_t)s.capacity * world->size, sizeof *s.local_ms);
        s.comm_ms = cli_mpi_alloc(s.capacity, sizeof *s.comm_ms);
    }
    gpucci_reduce_exchange exchange = {start_call, finish_call, &s};
    gpucc_status status = o->workload->processes->measure(job, backend, &o->plan, &exchange, &row->m);
    cli_record_error(row, status);
    if (status != GPUCC_OK && s.failure[0])
        snprintf(row->message, sizeof row->message, "%s", s.failure);
    if (status == GPUCC_OK && world->rank == 0 && s.calls == s.capacity)
        summarize(&s, o->plan.warmup, detail);
    free(s.reports);
    free(s.all);
    free(s.local_ms);
    free(s.comm_ms);
}
