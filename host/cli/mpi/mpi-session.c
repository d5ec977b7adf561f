/* gpucc run under mpirun: the session (start, agreement, end) around the
 * run itself (mpi-split.c). */
#define _POSIX_C_SOURCE 200809L
#include "mpi-session.h"

#include <mpi.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mpi-run.h"
#include "mpi-split.h"
#include "runner.h"

/* The variables MPI launchers give their ranks: Open MPI's mpirun, MPICH's
 * and Intel MPI's mpiexec (PMI), Slurm's srun and PMIx launchers. */
static const char *const launcher_variables[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK"};

int cli_mpi_launched(void)
{
    for (size_t i = 0; i < sizeof launcher_variables / sizeof launcher_variables[0]; i++)
        if (getenv(launcher_variables[i]))
            return 1;
    return 0;
}

void cli_mpi_capture_start(cli_mpi_capture *capture)
{
    fflush(stderr);
    capture->saved = -1;
    capture->file = tmpfile();
    if (capture->file && (capture->saved = dup(STDERR_FILENO)) >= 0 &&
        dup2(fileno(capture->file), STDERR_FILENO) >= 0)
        return;
    if (capture->saved >= 0)
        close(capture->saved);
    if (capture->file)
        fclose(capture->file);
    capture->file = NULL;
}

/* Puts stderr back; prints what was captured when `print`, each "gpucc...: "
 * line naming the rank when it is not 0. */
static void capture_end(const cli_mpi_world *world, cli_mpi_capture *capture, int print)
{
    if (!capture->file)
        return;
    fflush(stderr);
    dup2(capture->saved, STDERR_FILENO);
    close(capture->saved);
    rewind(capture->file);
    char line[4096];
    while (print && fgets(line, sizeof line, capture->file)) {
        char *colon = strstr(line, ": ");
        if (world->rank != 0 && strncmp(line, "gpucc", 5) == 0 && colon)
            fprintf(stderr, "%.*srank %d: %s", (int)(colon + 2 - line), line, world->rank, colon + 2);
        else
            fputs(line, stderr);
    }
    fclose(capture->file);
    capture->file = NULL;
}

int cli_mpi_agree(const cli_mpi_world *world, cli_mpi_capture *capture, int code)
{
    struct {
        int code, rank;
    } mine = {code, world->rank}, worst;
    MPI_Allreduce(&mine, &worst, 1, MPI_2INT, MPI_MAXLOC, MPI_COMM_WORLD);
    capture_end(world, capture, world->rank == worst.rank);
    return worst.code;
}

/* What parse's -1 (help printed) is while the ranks agree: a stop, and
 * above every exit code so that it is never taken for "go on". */
enum { HELP_PRINTED = 1000 };

/* Parses on every rank and agrees: 0 to run, else the exit code. */
static int parse_on_every_rank(const cli_mpi_world *world, int argc, char **argv, cli_run_parser parse,
                               cli_run_options *options)
{
    cli_mpi_capture capture;
    cli_mpi_capture_start(&capture);
    int rc = parse(argc, argv, options);
    rc = cli_mpi_agree(world, &capture, rc == -1 ? HELP_PRINTED : rc);
    return rc == HELP_PRINTED ? GPUCC_EXIT_OK : rc == 0 ? -1 : rc;
}

/* Ranks on one node use different OpenCL devices: without --device, the
 * rank with node-local rank L opens the L-th (modulo their count) device of
 * the default kind: GPUs where the node has any, else CPU devices. `name`
 * holds the chosen index. Collective. */
static void pick_device_by_local_rank(cli_run_options *o, char *name, size_t size)
{
    MPI_Comm node;
    int local = 0;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &local);
    MPI_Comm_free(&node);
    gpucc_cl_device_info *infos = NULL;
    size_t found = 0, gpus = 0, matching = 0;
    if (o->devices || gpucc_cl_list_devices(&infos, &found) != GPUCC_OK || found == 0) {
        free(infos);
        return;
    }
    for (size_t i = 0; i < found; i++)
        gpus += strcmp(infos[i].type, "gpu") == 0;
    const char *kind = gpus ? "gpu" : "cpu";
    for (size_t i = 0; i < found; i++)
        matching += strcmp(infos[i].type, kind) == 0;
    for (size_t i = 0, seen = 0; matching && i < found; i++)
        if (strcmp(infos[i].type, kind) == 0 && seen++ == (size_t)local % matching) {
            snprintf(name, size, "%u", infos[i].index);
            o->devices = name;
        }
    free(infos);
}

int cli_mpi_run_command(int argc, char **argv, cli_run_parser parse)
{
    cli_mpi_world world;
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &world.rank);
    MPI_Comm_size(MPI_COMM_WORLD, &world.size);
    /* Rank 0 prints the report (and help); the others print nothing there. */
    if (world.rank != 0 && !freopen("/dev/null", "w", stdout))
        fclose(stdout);
    cli_run_options options;
    char device[16];
    int rc = parse_on_every_rank(&world, argc, argv, parse, &options);
    if (rc == -1 && options.split) { /* every rank parsed the same options: all stop here */
        if (world.rank == 0)
            fprintf(stderr, "gpucc run: --split does not combine with mpirun (the ranks already split the run)\n");
        rc = GPUCC_EXIT_USAGE;
    }
    /* The ranks exchange f32 arrays, tallies and partials: other data types
     * run in one process (README, "Data types"). */
    if (rc == -1 && options.params.dtype != GPUCC_F32) {
        if (world.rank == 0)
            fprintf(stderr, "gpucc run %s: --dtype=%s: under mpirun, runs take f32 data only\n",
                    options.workload->name, gpucc_dtype_name(options.params.dtype));
        rc = GPUCC_EXIT_USAGE;
    }
    if (rc == -1 && !options.workload->processes && world.size > 1) {
        if (world.rank == 0)
            fprintf(stderr, "gpucc run %s: this workload does not run across MPI ranks (this run has %d)\n",
                    options.workload->name, world.size);
        rc = GPUCC_EXIT_USAGE;
    }
    if (rc == -1) {
        pick_device_by_local_rank(&options, device, sizeof device);
        rc = options.workload->processes ? cli_mpi_run_split(&world, &options) : cli_run(&options);
    }
    MPI_Finalize();
    return rc;
}
