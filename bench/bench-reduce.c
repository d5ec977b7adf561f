/*
 * bench-reduce: each backend's reduction throughput against the machine's
 * measured read bandwidth, measured in the same process and interleaved
 * round by round, so that drift on a shared machine hits all alike.
 *
 *   bench-reduce [--size=N] [--rounds=N] [--op=sum|min|max]
 *
 * Prints the machine and settings, then per row the median GB/s with the
 * min-max over the rounds, and the ratio of medians to the yardstick:
 * serial against one thread's read loop, pthreads and OpenCL against the
 * all-threads read loop. Every call's result is verified; a wrong result
 * makes the program exit 1.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "gpucc.h"
#include "parse.h"

enum { ROW_READ_1, ROW_READ_ALL, ROW_SERIAL, ROW_PTHREADS, ROW_OPENCL, ROW_COUNT };

typedef struct {
    const char *name;
    int yardstick;    /* row this one is compared with, or -1 */
    double goal;      /* the goal as a fraction of the yardstick */
    double *samples;  /* GB/s per round */
} bench_row;

static int parse_flag(const char *arg, const char *name, uint64_t min, uint64_t max, uint64_t *out)
{
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0 || arg[len] != '=')
        return 0;
    char why[96];
    if (gpucc_parse_count(arg + len + 1, min, max, out, why, sizeof why) != 0) {
        fprintf(stderr, "bench-reduce: %s: '%s' %s\n", name, arg + len + 1, why);
        exit(64);
    }
    return 1;
}

static void print_context(size_t n, unsigned rounds, gpucc_reduce_op op, gpucc_backend *const *backends)
{
    struct utsname u;
    uname(&u);
    time_t now = time(NULL);
    char date[64];
    strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", gmtime(&now));
    const char *pocl_cu = getenv("POCL_CPU_MAX_CU_COUNT");
    printf("bench-reduce: op=%s n=%zu (%.0f MB) rounds=%u, %s\n", gpucc_reduce_op_name(op), n, n * 4.0 / 1e6,
           rounds, date);
    printf("machine: %s %s %s, %u online CPUs; compiler: %s; POCL_CPU_MAX_CU_COUNT=%s\n", u.sysname, u.release,
           u.machine, gpucc_cpu_count(), __VERSION__, pocl_cu ? pocl_cu : "(unset)");
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        if (backends[k])
            printf("%-8s: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k), gpucc_backend_device(backends[k]));
}

int main(int argc, char **argv)
{
    uint64_t size = 100000000, rounds = 15;
    gpucc_reduce_op op = GPUCC_REDUCE_SUM;
    for (int i = 1; i < argc; i++) {
        if (parse_flag(argv[i], "--size", 2, UINT64_C(1) << 36, &size) ||
            parse_flag(argv[i], "--rounds", 1, 100000, &rounds))
            continue;
        if (strncmp(argv[i], "--op=", 5) == 0 && gpucc_reduce_op_parse(argv[i] + 5, &op) == GPUCC_OK)
            continue;
        fprintf(stderr, "bench-reduce: unknown argument '%s'\nusage: bench-reduce [--size=N] [--rounds=N] "
                        "[--op=sum|min|max]\n", argv[i]);
        return 64;
    }
    size_t n = (size_t)size;
    float *x = gpucc_alloc_floats(n);
    gpucc_reference ref;
    if (!x || gpucc_generate(x, n, 1, 0) != GPUCC_OK || gpucc_reference_compute(x, n, 0, &ref) != GPUCC_OK) {
        fprintf(stderr, "bench-reduce: %s\n", gpucc_last_error());
        return 1;
    }
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        if (gpucc_backend_open((gpucc_backend_kind)k, NULL, &backends[k]) != GPUCC_OK)
            fprintf(stderr, "bench-reduce: %s unavailable: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k),
                    gpucc_last_error());
    print_context(n, (unsigned)rounds, op, backends);

    bench_row rows[ROW_COUNT] = {
        [ROW_READ_1] = {"read loop, 1 thread", -1, 0, NULL},
        [ROW_READ_ALL] = {"read loop, all threads", -1, 0, NULL},
        [ROW_SERIAL] = {"serial", ROW_READ_1, 0.80, NULL},
        [ROW_PTHREADS] = {"pthreads", ROW_READ_ALL, 0.90, NULL},
        [ROW_OPENCL] = {"opencl", ROW_READ_ALL, 0.90, NULL},
    };
    for (int r = 0; r < ROW_COUNT; r++)
        if (!(rows[r].samples = calloc(rounds, sizeof(double))))
            return 1;
    int failed = 0;
    for (unsigned round = 0; round <= rounds; round++) { /* round 0 warms up */
        gpucc_stats read;
        for (int t = 0; t < 2; t++) {
            gpucc_peak_read_bandwidth(x, n, t == 0 ? 1 : 0, 1, &read);
            if (round > 0)
                rows[ROW_READ_1 + t].samples[round - 1] = read.median;
        }
        for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
            gpucc_reduce_result result;
            double error;
            if (!backends[k])
                continue;
            if (gpucc_reduce(backends[k], op, x, n, &result) != GPUCC_OK ||
                !gpucc_reduce_verify(op, result.value, &ref, &error)) {
                fprintf(stderr, "bench-reduce: %s failed: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k),
                        gpucc_last_error());
                failed = 1;
            }
            if (round > 0)
                rows[ROW_SERIAL + k].samples[round - 1] = n * 4.0 / (result.timing.total_ms * 1e6);
        }
    }
    printf("\n%-24s %10s %21s %12s %8s  %s\n", "row", "GB/s", "[min - max]", "of yardstick", "goal", "verdict");
    double medians[ROW_COUNT];
    for (int r = 0; r < ROW_COUNT; r++) {
        if (r >= ROW_SERIAL && !backends[r - ROW_SERIAL])
            continue;
        gpucc_stats s = gpucc_stats_of(rows[r].samples, rounds);
        medians[r] = s.median;
        char range[32];
        snprintf(range, sizeof range, "[%.2f - %.2f]", s.min, s.max);
        if (rows[r].yardstick < 0) {
            printf("%-24s %10.2f %21s\n", rows[r].name, s.median, range);
            continue;
        }
        double ratio = s.median / medians[rows[r].yardstick];
        printf("%-24s %10.2f %21s %11.0f%% %7.0f%%  %s\n", rows[r].name, s.median, range, 100 * ratio,
               100 * rows[r].goal, ratio >= rows[r].goal ? "met" : "missed");
    }
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_backend_close(backends[k]);
    for (int r = 0; r < ROW_COUNT; r++)
        free(rows[r].samples);
    gpucc_free_floats(x);
    return failed;
}
