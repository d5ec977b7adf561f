/* gpucc run split over the MPI ranks (mpi-split.h): each rank's share,
 * the rows opened on every rank, rank 0's one report and --output. Why a
 * value is bitwise that of one process: host/internal/reduce-split.h; how
 * a workload is split: host/internal/workload.h (gpucci_process_split). */
#include <mpi.h>
#include <stdlib.h>
#include <string.h>

#include "json-csv.h"
#include "mpi-split.h"
#include "runner.h"

/* What the report's JSON adds to each row (rank 0 only). */
typedef struct {
    const cli_mpi_world *world;
    size_t (*shares)[2]; /* each rank's elements [first, end) */
    cli_mpi_row_detail rows[CLI_MAX_ROWS];
} split_detail;

void *cli_mpi_alloc(size_t count, size_t size)
{
    void *p = calloc(count ? count : 1, size);
    if (!p) {
        fprintf(stderr, "gpucc: out of memory for the MPI exchange\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    return p;
}

void cli_mpi_rank_stats(const cli_mpi_world *world, const double *local_ms, unsigned timed, cli_mpi_row_detail *row)
{
    double *column = cli_mpi_alloc(timed, sizeof *column);
    row->rank_ms = cli_mpi_alloc((size_t)world->size, sizeof *row->rank_ms);
    for (int r = 0; r < world->size; r++) {
        for (unsigned c = 0; c < timed; c++)
            column[c] = local_ms[(size_t)c * world->size + r];
        row->rank_ms[r] = gpucc_stats_of(column, timed);
    }
    free(column);
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

/* Prepares this rank's share and (for one value) the reference of the
 * whole; gathers the shares on rank 0. Returns 0 or the agreed exit code. */
static int prepare(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job, split_detail *detail)
{
    const gpucci_process_split *split = o->workload->processes;
    cli_mpi_capture capture;
    void *tally = split->tally_size ? cli_mpi_alloc(2, split->tally_size) : NULL;
    void *total = split->tally_size ? (char *)tally + split->tally_size : NULL;
    cli_mpi_capture_start(&capture);
    int rc = agree_on_status(world, &capture,
                             split->prepare(&o->params, (unsigned)world->rank, (unsigned)world->size, job, tally));
    if (rc == 0 && split->tally_size) {
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
        detail->shares = cli_mpi_alloc((size_t)world->size, sizeof *detail->shares);
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
                     cli_report *report, split_detail *detail)
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
            detail->rows[i].devices = cli_mpi_alloc((size_t)world->size, sizeof *detail->rows[i].devices);
        MPI_Gather(report->rows[i].device, sizeof report->rows[i].device, MPI_CHAR, detail->rows[i].devices,
                   sizeof report->rows[i].device, MPI_CHAR, 0, MPI_COMM_WORLD);
        if (world->rank == 0)
            detail->rows[i].selectors = cli_mpi_alloc((size_t)world->size, sizeof *detail->rows[i].selectors);
        MPI_Gather(report->rows[i].selector, sizeof report->rows[i].selector, MPI_CHAR, detail->rows[i].selectors,
                   sizeof report->rows[i].selector, MPI_CHAR, 0, MPI_COMM_WORLD);
    }
    return 0;
}

/* The JSON of row i: `"mpi": {"ranks", "comm_ms", "per_rank": [...]}`. */
static void row_json(FILE *out, const cli_report *report, size_t i)
{
    const split_detail *d = report->row_json_data;
    const cli_mpi_row_detail *row = &d->rows[i];
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

static void free_detail(split_detail *d)
{
    for (size_t i = 0; i < CLI_MAX_ROWS; i++) {
        free(d->rows[i].rank_ms);
        free(d->rows[i].devices);
        free(d->rows[i].selectors);
    }
    free(d->shares);
}

/* Measures every open row on every rank at once; an array's rows each
 * into their own part of the result (outputs[i], count elements). */
static void measure_rows(const cli_mpi_world *world, const cli_run_options *o, gpucci_job *job,
                         gpucc_backend **backends, cli_report *report, split_detail *detail, float **outputs)
{
    size_t first, end;
    o->workload->processes->share(job, &first, &end);
    for (size_t i = 0; i < report->row_count; i++) {
        cli_row *row = &report->rows[i];
        if (row->status != GPUCC_ROW_OK)
            continue;
        if (o->workload->single_value) {
            cli_mpi_measure_value(world, o, job, backends[i], row, &detail->rows[i]);
            continue;
        }
        outputs[i] = gpucc_alloc_floats(end - first); /* NULL: the row fails on this rank */
        cli_mpi_measure_array(world, o, job, backends[i], outputs[i], end - first, row, &detail->rows[i]);
    }
}

int cli_mpi_run_split(const cli_mpi_world *world, const cli_run_options *o)
{
    static cli_report report; /* large: keep them off the stack */
    static split_detail detail;
    gpucc_backend *backends[CLI_MAX_ROWS] = {NULL};
    float *outputs[CLI_MAX_ROWS] = {NULL};
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
    /* --output: created by rank 0 alone, first, as in one process. */
    gpucci_atomic_file output = {.slot = -1};
    cli_mpi_capture capture;
    cli_mpi_capture_start(&capture);
    int rc = cli_mpi_agree(world, &capture, world->rank == 0 ? cli_open_output(o, &output) : 0);
    if (rc == 0)
        rc = prepare(world, o, &job, &detail);
    if (rc == 0)
        rc = open_rows(world, o, backends, &report, &detail);
    if (rc == 0) {
        measure_rows(world, o, &job, backends, &report, &detail, outputs);
        if (world->rank == 0)
            rc = cli_print_and_judge(o, &report);
        MPI_Bcast(&rc, 1, MPI_INT, 0, MPI_COMM_WORLD);
    }
    if (rc == 0 && o->output)
        rc = cli_mpi_write_output(world, o, &output, &job, cli_output_of(o, &report, outputs),
                                  (const size_t (*)[2])detail.shares);
    gpucci_atomic_file_abort(&output);
    for (size_t i = 0; i < CLI_MAX_ROWS; i++)
        gpucc_free_floats(outputs[i]);
    gpucci_job_release(o->workload, &job);
    cli_close_backends(backends);
    free_detail(&detail);
    return rc;
}
