/* gpucc's command line: a table of subcommands over the library. */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic-file.h"
#include "build-info.h"
#include "cli.h"
#include "commands.h"
#include "gpucc.h"
#include "pocl-workers.h"
#include "runner.h"
#ifdef GPUCC_MPI
#include "mpi-run.h"
#endif

static void print_help(FILE *out)
{
    fprintf(out, "usage: gpucc <command> [options]\n"
           "\n"
           "Runs the same data-parallel work on serial C, pthreads and OpenCL, verifies\n"
           "every result against a higher-precision reference, and compares the timings.\n"
           "\n"
           "commands:\n");
    for (size_t i = 0; i < gpucci_workload_count; i++) /* the workloads of the registry */
        fprintf(out, "  run %-6s [options]   %s\n", gpucci_workloads[i]->name, gpucci_workloads[i]->summary);
    fprintf(out, "                         (every workload on every backend; see 'gpucc run --help')\n"
           "  devices                list OpenCL platforms and devices, and the CPU thread count\n"
           "  peak [options]         measure the machine's ceilings (bandwidth, latency, GEMM)\n"
           "  bench [options]        sweeps against those ceilings, JSON/CSV, --compare; see 'gpucc bench --help'\n"
           "  --help                 this help\n"
           "  --version              print the version, the build's options and its compiler\n");
}

/* gpucc --version: the version, the source tree's git description, the
 * build options and the compiler, one item per line. */
static void print_version(void)
{
    const gpucci_build_info *b = gpucci_build();
#ifdef GPUCC_HAVE_OPENBLAS
    const char *openblas = "ON";
#else
    const char *openblas = "OFF";
#endif
#ifdef GPUCC_MPI
    const char *mpi = "ON";
#else
    const char *mpi = "OFF";
#endif
    printf("gpucc %s\n"
           "git: %s\n"
           "build type: %s\n"
           "options: GPUCC_OPENCL=%s CLBlast=%s GPUCC_NATIVE=%s OpenBLAS=%s GPUCC_MPI=%s sanitizer=%s\n"
           "compiler: %s\n",
           b->version, b->git, b->build_type, b->opencl ? "ON" : "OFF", b->clblast ? "ON" : "OFF",
           b->native ? "ON" : "OFF", openblas, mpi, b->sanitizer[0] ? b->sanitizer : "none", b->compiler);
}

/* Reads `gpucc run`'s arguments into options. Returns 0 to run, -1 when
 * help was printed, else the exit code of a usage error (printed). */
static int parse_run(int argc, char **argv, cli_run_options *options)
{
    if (argc < 2) {
        fprintf(stderr, "gpucc run: missing workload (see 'gpucc run --help')\n");
        return GPUCC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        cli_run_help();
        return -1;
    }
    return cli_parse_run(argc - 1, argv + 1, options);
}

static int cmd_run(int argc, char **argv)
{
#ifdef GPUCC_MPI
    if (cli_mpi_launched())
        return cli_mpi_run_command(argc, argv, parse_run);
#endif
    cli_run_options options;
    int rc = parse_run(argc, argv, &options);
    if (rc == -1)
        return GPUCC_EXIT_OK;
    if (rc != 0)
        return rc;
    return cli_run(&options);
}

static int cmd_devices(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: gpucc devices\n\nLists the OpenCL platforms and devices (index, name, type, compute units,\n"
               "global and max-allocation memory, fp64) and the CPU thread count.\n");
        return GPUCC_EXIT_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "gpucc devices: takes no arguments\n");
        return GPUCC_EXIT_USAGE;
    }
    gpucc_cl_device_info *devices;
    size_t count;
    if (gpucc_cl_list_devices(&devices, &count) != GPUCC_OK) {
        fprintf(stderr, "gpucc: %s\n", gpucc_last_error());
        return GPUCC_EXIT_FAILED;
    }
    printf("CPU: %u online threads\n", gpucc_cpu_count());
    if (!gpucci_build()->opencl)
        printf("OpenCL: unavailable (gpucc built without OpenCL)\n");
    else if (count == 0)
        printf("OpenCL: no platform or device found\n");
    for (size_t i = 0; i < count; i++) {
        const gpucc_cl_device_info *d = &devices[i];
        printf("[%u] %s\n    platform: %s; %s\n    type: %s, %u compute units, global memory %.2f GiB, "
               "max allocation %.2f GiB, fp64 %s, %s memory",
               d->index, d->name, d->platform, d->version, d->type, d->compute_units,
               (double)d->global_mem / (1u << 30), (double)d->max_alloc / (1u << 30), d->fp64 ? "yes" : "no",
               d->unified_memory ? "host-shared" : "dedicated");
        if (d->pci.known)
            printf(", PCI %04x:%02x:%02x.%x", d->pci.domain, d->pci.bus, d->pci.device, d->pci.function);
        putchar('\n');
    }
    free(devices);
    return GPUCC_EXIT_OK;
}

/* The signals that stop a run from outside (a terminal closed, Ctrl-C, kill). */
static const int stop_signals[] = {SIGHUP, SIGINT, SIGTERM};

/* Removes the temporary files of outputs being written, then dies of the
 * same signal (SA_RESETHAND restored the default action; the signal stays
 * blocked until the handler returns), so that the exit status is what it
 * would have been without the handler: 128 + signo in a shell. */
static void on_stop_signal(int signo)
{
    gpucci_atomic_file_remove_all();
    raise(signo);
}

/* Installs on_stop_signal for each stop signal that is not ignored (a
 * background job of a shell without job control ignores SIGINT, and keeps
 * ignoring it). */
static void remove_outputs_on_stop_signals(void)
{
    size_t count = sizeof stop_signals / sizeof stop_signals[0];
    struct sigaction action = {.sa_handler = on_stop_signal, .sa_flags = SA_RESETHAND};
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < count; i++)
        sigaddset(&action.sa_mask, stop_signals[i]);
    for (size_t i = 0; i < count; i++) {
        struct sigaction old;
        if (sigaction(stop_signals[i], NULL, &old) == 0 && old.sa_handler != SIG_IGN)
            sigaction(stop_signals[i], &action, NULL);
    }
}

int main(int argc, char **argv)
{
    gpucci_pin_pocl_workers();
    remove_outputs_on_stop_signals();
    static const struct {
        const char *name;
        int (*run)(int argc, char **argv);
    } commands[] = {{"run", cmd_run}, {"devices", cmd_devices}, {"peak", cli_cmd_peak},
                    {"bench", cli_cmd_bench}};

    if (argc < 2) {
        print_help(stderr);
        return GPUCC_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "help") == 0) {
        print_help(stdout);
        return GPUCC_EXIT_OK;
    }
    if (strcmp(argv[1], "--version") == 0) {
        print_version();
        return GPUCC_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "gpucc: unknown command '%s' (see 'gpucc --help')\n", argv[1]);
    return GPUCC_EXIT_USAGE;
}
