/* One row of an array workload (map, dense) measured on every MPI rank at
 * once, and --output gathered from the ranks (mpi-split.h). Each rank
 * measures and verifies its own part of the result with the descriptor's
 * measure; no data travels per call, only the verdicts and times once per
 * row, and the result once, for --output. */
#include <math.h>
#include <mpi.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mpi-split.h"
#include "runner.h"
#include "timer.h"

/* What each rank sends rank 0 after its row. The ranks run the same build
 * on machines of one architecture, so structs go as bytes. */
typedef struct {
    int32_t status;        /* of its measurement */
    char message[256];     /* why, when status is not GPUCC_OK */
    char impl[32];         /* the implementation that ran ("" for none) */
    gpucc_measurement m;   /* its own (m.impl means nothing off its rank) */
} rank_verdict;

/* The most floats one message carries (MPI counts are int). */
enum { CHUNK_FLOATS = 1 << 28 };

/* Rank 0: the row from every rank's verdict and timed calls
 * (by_call[call][rank]): the first failing rank's error, or every rank
 * verified, the worst error, and per call the slowest rank's time. */
static void combine_verdicts(const cli_mpi_world *world, const rank_verdict *v, const double *by_call,
                             unsigned timed, cli_row *row, cli_mpi_row_detail *detail)
{
    for (int r = 0; r < world->size; r++)
        if (v[r].status != GPUCC_OK) {
            cli_record_error(row, (gpucc_status)v[r].status);
            snprintf(row->message, sizeof row->message, "rank %d: %s", r, v[r].message);
            return;
        }
    int slowest = 0;
    for (int r = 1; r < world->size; r++)
        if (v[r].m.total_ms.median > v[slowest].m.total_ms.median)
            slowest = r;
    gpucc_measurement m = v[slowest].m;
    m.verified = 1;
    m.error = 0;
    m.reason[0] = '\0';
    m.impl = NULL;
    for (int r = 0; r < world->size; r++) {
        m.error = fmax(m.error, v[r].m.error);
        m.flags |= v[r].m.flags;
        if (!v[r].m.verified && m.verified) {
            m.verified = 0;
            snprintf(m.reason, sizeof m.reason, "rank %d: %.180s", r, v[r].m.reason);
        }
        if (!m.impl && v[r].impl[0]) {
            memcpy(detail->impl, v[r].impl, sizeof detail->impl);
            m.impl = detail->impl;
        }
    }
    double *column = cli_mpi_alloc(timed, sizeof *column);
    for (unsigned c = 0; c < timed; c++)
        for (int r = 0; r < world->size; r++)
            column[c] = fmax(column[c], by_call[(size_t)c * world->size + r]);
    m.total_ms = gpucc_stats_of(column, timed);
    free(column);
    row->m = m;
    cli_mpi_rank_stats(world, by_call, timed, detail);
}

void cli_mpi_measure_array(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job,
                           gpucc_backend *backend, float *output, size_t count, cli_row *row,
                           cli_mpi_row_detail *detail)
{
    unsigned timed = o->plan.repeat;
    static rank_verdict mine; /* large: keep it off the stack */
    memset(&mine, 0, sizeof mine);
    double *samples = cli_mpi_alloc(timed, sizeof *samples);
    gpucc_samples kept = {samples, NULL, timed};
    gpucc_plan plan = o->plan;
    plan.samples = &kept;
    MPI_Barrier(MPI_COMM_WORLD); /* the ranks start the row together */
    gpucc_status status = GPUCC_OK;
    if (count && !output) {
        status = GPUCC_E_NOMEM;
        snprintf(mine.message, sizeof mine.message, "out of memory for its %zu elements of the result", count);
    } else if (count && (status = o->workload->measure(job, backend, &plan, output, &mine.m)) != GPUCC_OK) {
        snprintf(mine.message, sizeof mine.message, "%s", gpucc_last_error());
    } else if (!count) {
        mine.m.verified = 1; /* no part: nothing to compute or verify */
    }
    mine.status = status;
    if (mine.m.impl)
        snprintf(mine.impl, sizeof mine.impl, "%s", mine.m.impl);
    MPI_Barrier(MPI_COMM_WORLD); /* the exchange starts when every rank is done */
    double start = gpucci_now_ms();
    rank_verdict *verdicts = NULL;
    double *by_rank = NULL, *by_call = NULL;
    if (world->rank == 0) {
        verdicts = cli_mpi_alloc((size_t)world->size, sizeof *verdicts);
        by_rank = cli_mpi_alloc((size_t)world->size * timed, sizeof *by_rank);
    }
    MPI_Gather(&mine, sizeof mine, MPI_BYTE, verdicts, sizeof mine, MPI_BYTE, 0, MPI_COMM_WORLD);
    MPI_Gather(samples, (int)timed, MPI_DOUBLE, by_rank, (int)timed, MPI_DOUBLE, 0, MPI_COMM_WORLD);
    if (world->rank == 0) {
        double comm_ms = gpucci_now_ms() - start;
        detail->comm_ms = gpucc_stats_of(&comm_ms, 1);
        by_call = cli_mpi_alloc((size_t)world->size * timed, sizeof *by_call);
        for (int r = 0; r < world->size; r++)
            for (unsigned c = 0; c < timed; c++)
                by_call[(size_t)c * world->size + r] = by_rank[(size_t)r * timed + c];
        combine_verdicts(world, verdicts, by_call, timed, row, detail);
    }
    free(verdicts);
    free(by_rank);
    free(by_call);
    free(samples);
}

/* The floats of message `done / CHUNK_FLOATS` of count floats. */
static int chunk(size_t count, size_t done)
{
    return (int)(count - done < CHUNK_FLOATS ? count - done : CHUNK_FLOATS);
}

/* Sends count floats to rank 0, in messages of at most CHUNK_FLOATS. */
static void send_floats(const float *data, size_t count)
{
    for (size_t done = 0; done < count; done += CHUNK_FLOATS)
        MPI_Send(data + done, chunk(count, done), MPI_FLOAT, 0, 0, MPI_COMM_WORLD);
}

/* Rank 0: receives what send_floats sent from rank `from`. */
static void receive_floats(float *data, size_t count, int from)
{
    for (size_t done = 0; done < count; done += CHUNK_FLOATS)
        MPI_Recv(data + done, chunk(count, done), MPI_FLOAT, from, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
}

int cli_mpi_write_output(const cli_mpi_world *world, const cli_run_options *o, gpucci_atomic_file *output,
                         const gpucci_job *job, const float *mine, const size_t (*shares)[2])
{
    int have = mine != NULL, all = 0, rc = 0;
    MPI_Allreduce(&have, &all, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
    float *whole = NULL;
    if (world->rank == 0 && all && !(whole = gpucc_alloc_floats(gpucci_job_output_count(job)))) {
        fprintf(stderr, "gpucc: --output: %s\n", gpucc_last_error());
        rc = cli_exit_of(GPUCC_E_NOMEM);
    }
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    if (rc == 0 && all) {
        size_t first, end;
        o->workload->processes->share(job, &first, &end);
        if (world->rank != 0)
            send_floats(mine, end - first);
        else {
            memcpy(whole + first, mine, (end - first) * sizeof *whole);
            for (int r = 1; r < world->size; r++)
                receive_floats(whole + shares[r][0], shares[r][1] - shares[r][0], r);
        }
    }
    if (rc == 0 && world->rank == 0)
        rc = cli_write_output(o, output, all ? whole : NULL, job->output_rank, job->output_shape);
    MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    gpucc_free_floats(whole);
    return rc;
}
