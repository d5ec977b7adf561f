/* gpucc run reduce or dot split over the MPI ranks (mpi-value.h). The
 * split and why its value is bitwise that of one process:
 * host/internal/reduce-split.h. */
#include "mpi-value.h"

#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json-csv.h"
#include "reduce-split.h"
#include "report.h"
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

/* One row's detail for the JSON: the communication and each rank's time
 * (rank 0 only). */
typedef struct {
    gpucc_stats comm_ms;
    gpucc_stats *rank_ms;  /* [size] */
    char (*devices)[512];  /* [size] */
    char (*selectors)[128]; /* [size]: the --device entry each rank opened ("" = the default) */
} row_detail;

typedef struct {
    const cli_mpi_world *world;
    size_t (*shares)[2];   /* rank 0: each rank's elements [first, end) */
    row_detail rows[CLI_MAX_ROWS];
} run_detail;

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

/* Memory for a few hundred bytes per rank: without it the ranks cannot go
 * on together, so every rank stops. */
static void *must_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        fprintf(stderr, "gpucc: out of memory for the MPI exchange\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return p;
}

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

/* How the MPI_Op below adds two tallies: MPI's user functions take no
 * context, and one run adds the tallies of one workload. */
static void (*tally_add)(void *into, const void *tally);
static size_t tally_size;

/* MPI_Op: adds reference tallies (exact, in any order). */
static void add_tallies(void *in, void *inout, int *len, MPI_Datatype *type)
{
    (void)type;
    for (int i = 0; i < *len; i++)
        tally_add((char *)inout + (size_t)i * tally_size, (const char *)in + (size_t)i * tally_size);
}

/* The tally of every rank's share, on every rank. */
static void sum_tallies(const gpucci_process_split *split, const void *mine, void *total)
{
    MPI_Datatype type;
    MPI_Op op;
    tally_add = split->tally_add;
    tally_size = split->tally_size;
    MPI_Type_contiguous((int)split->tally_size, MPI_BYTE, &type);
    MPI_Type_commit(&type);
    MPI_Op_create(add_tallies, 1, &op);
    MPI_Allreduce(mine, total, 1, type, op, MPI_COMM_WORLD);
    MPI_Op_free(&op);
    MPI_Type_free(&type);
}

/* Ends a captured step whose outcome is status: says why it failed, then
 * agrees with every rank (cli_mpi_agree). */
static int agree_on_status(const cli_mpi_world *world, cli_mpi_capture *capture, gpucc_status status)
{
    if (status != GPUCC_OK)
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
    return cli_mpi_agree(world, capture, cli_exit_of(status));
}

/* Prepares this rank's share and the reference of the whole; gathers the
 * shares on rank 0. Returns 0 or the agreed exit code. */
static int prepare(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job, run_detail *detail)
{
    const gpucci_process_split *split = o->workload->processes;
    cli_mpi_capture capture;
    void *tally = must_alloc(2, split->tally_size), *total = (char *)tally + split->tally_size;
    cli_mpi_capture_start(&capture);
    int rc = agree_on_status(world, &capture,
                             split->prepare(&o->params, (unsigned)world->rank, (unsigned)world->size, job, tally));
    if (rc == 0) {
        sum_tallies(split, tally, total);
        cli_mpi_capture_start(&capture);
        rc = agree_on_status(world, &capture, split->finish(job, total));
    }
    free(tally);
    if (rc != 0)
        return rc;
    size_t length = strlen(job->title);
    snprintf(job->title + length, sizeof job->title - length, ", split over %d MPI ranks", world->size);
    size_t share[2];
    split->share(job, &share[0], &share[1]);
    if (world->rank == 0)
        detail->shares = must_alloc((size_t)world->size, sizeof *detail->shares);
    MPI_Gather(share, sizeof share, MPI_BYTE, detail->shares, sizeof share, MPI_BYTE, 0, MPI_COMM_WORLD);
    return 0;
}

/* A row is measured only where every rank opened its backend; else every
 * rank marks it as the worst rank did, and rank 0 says which rank. */
static void agree_on_row(const cli_mpi_world *world, cli_row *row)
{
    struct {
        int status, rank;
    } mine = {(int)row->status, world->rank}, worst;
    MPI_Allreduce(&mine, &worst, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD);
    if (worst.status == GPUCC_ROW_OK)
        return;
    char message[sizeof row->message];
    if (world->rank == worst.rank)
        memcpy(message, row->message, sizeof message);
    MPI_Bcast(message, sizeof message, MPI_CHAR, worst.rank, MPI_COMM_WORLD);
    row->status = (cli_row_status)worst.status;
    snprintf(row->message, sizeof row->message, "rank %d: %.480s", worst.rank, message);
}

/* Opens the backends on every rank and agrees on each row. Returns 0 or
 * the agreed exit code. */
static int open_rows(const cli_mpi_world *world, const cli_run_options *o, gpucc_backend **backends,
                     cli_report *report, run_detail *detail)
{
    cli_mpi_capture capture;
    cli_mpi_capture_start(&capture);
    int rc = cli_mpi_agree(world, &capture, cli_open_backends(o, backends, report));
    if (rc != 0)
        return rc;
    int counts[2] = {(int)report->row_count, -(int)report->row_count}, extremes[2];
    MPI_Allreduce(counts, extremes, 2, MPI_INT, MPI_MAX, MPI_COMM_WORLD);
    if (extremes[0] != -extremes[1]) {
        if (world->rank == 0)
            fprintf(stderr, "gpucc: the ranks found different numbers of OpenCL devices (%d to %d rows); "
                            "name the devices with --device\n", -extremes[1], extremes[0]);
        return GPUCC_EXIT_UNAVAILABLE;
    }
    for (size_t i = 0; i < report->row_count; i++) {
        agree_on_row(world, &report->rows[i]);
        if (world->rank == 0)
            detail->rows[i].devices = must_alloc((size_t)world->size, sizeof *detail->rows[i].devices);
        MPI_Gather(report->rows[i].device, sizeof report->rows[i].device, MPI_CHAR, detail->rows[i].devices,
                   sizeof report->rows[i].device, MPI_CHAR, 0, MPI_COMM_WORLD);
        if (world->rank == 0)
            detail->rows[i].selectors = must_alloc((size_t)world->size, sizeof *detail->rows[i].selectors);
        MPI_Gather(report->rows[i].selector, sizeof report->rows[i].selector, MPI_CHAR, detail->rows[i].selectors,
                   sizeof report->rows[i].selector, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
    return 0;
}

/* Rank 0: the statistics of the timed calls (those after the warm-up). */
static void summarize(const exchange_state *s, unsigned warmup, row_detail *row)
{
    unsigned timed = s->calls - warmup;
    int size = s->world->size;
    double *column = must_alloc(timed, sizeof *column);
    row->comm_ms = gpucc_stats_of(s->comm_ms + warmup, timed);
    row->rank_ms = must_alloc((size_t)size, sizeof *row->rank_ms);
    for (int r = 0; r < size; r++) {
        for (unsigned c = 0; c < timed; c++)
            column[c] = s->local_ms[(size_t)(warmup + c) * size + r];
        row->rank_ms[r] = gpucc_stats_of(column, timed);
    }
    free(column);
}

/* Measures one row on every rank at once. */
static void measure_row(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job,
                        gpucc_backend *backend, cli_row *row, row_detail *detail)
{
    exchange_state s = {.world = world, .n = job->n, .capacity = o->plan.warmup + o->plan.repeat};
    if (world->rank == 0) {
        s.reports = must_alloc((size_t)world->size, sizeof *s.reports);
        s.all = must_alloc((size_t)world->size * GPUCCI_MAX_PIECES, sizeof *s.all);
        s.local_ms = must_alloc((size_t)s.capacity * world->size, sizeof *s.local_ms);
        s.comm_ms = must_alloc(s.capacity, sizeof *s.comm_ms);
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

/* The JSON of row i: `"mpi": {"ranks", "comm_ms", "per_rank": [...]}`. */
static void row_json(FILE *out, const cli_report *report, size_t i)
{
    const run_detail *d = report->row_json_data;
    const row_detail *row = &d->rows[i];
    if (!row->rank_ms || !d->shares)
        return;
    fprintf(out, ", \"mpi\": {\"ranks\": %d", d->world->size);
    cli_json_stats(out, "comm_ms", row->comm_ms);
    fputs(", \"per_rank\": [", out);
    for (int r = 0; r < d->world->size; r++) {
        fprintf(out, "%s{\"rank\": %d, \"first\": %zu, \"n\": %zu, \"device\": ", r ? ", " : "", r,
                d->shares[r][0], d->shares[r][1] - d->shares[r][0]);
        cli_json_string(out, row->devices[r]);
        cli_json_key_string(out, "device_selector", row->selectors[r]);
        cli_json_stats(out, "time_ms", row->rank_ms[r]);
        fputs("}", out);
    }
    fputs("]}", out);
}

static void free_detail(run_detail *d)
{
    for (size_t i = 0; i < CLI_MAX_ROWS; i++) {
        free(d->rows[i].rank_ms);
        free(d->rows[i].devices);
        free(d->rows[i].selectors);
    }
    free(d->shares);
}

int cli_mpi_run_value(const cli_mpi_world *world, const cli_run_options *o)
{
    static cli_report report; /* large: keep them off the stack */
    static run_detail detail;
    gpucc_backend *backends[CLI_MAX_ROWS] = {NULL};
    gpucci_job job = {0};
    memset(&report, 0, sizeof report);
    memset(&detail, 0, sizeof detail);
    report.workload = o->workload;
    report.job = &job;
    report.plan = o->plan;
    snprintf(report.energy.why, sizeof report.energy.why,
             "not measured across MPI ranks (each rank would meter only its own packages)");
    report.row_json = row_json;
    report.row_json_data = &detail;
    detail.world = world;
    int rc = prepare(world, o, &job, &detail);
    if (rc == 0)
        rc = open_rows(world, o, backends, &report, &detail);
    if (rc == 0) {
        for (size_t i = 0; i < report.row_count; i++)
            if (report.rows[i].status == GPUCC_ROW_OK)
                measure_row(world, o, &job, backends[i], &report.rows[i], &detail.rows[i]);
        if (world->rank == 0)
            rc = cli_print_and_judge(o, &report);
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    gpucci_job_release(o->workload, &job);
    cli_close_backends(backends);
    free_detail(&detail);
    return rc;
}
