#define _POSIX_C_SOURCE 200809L
#include "bench-util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "parse.h"

int bench_parse_count_flag(const char *program, const char *arg, const char *name, uint64_t min, uint64_t max,
                           uint64_t *out)
{
    size_t len = strlen(name);
    if (strncmp(arg, name, len) != 0 || arg[len] != '=')
        return 0;
    char why[96];
    if (cli_parse_count(arg + len + 1, min, max, out, why, sizeof why) != 0) {
        fprintf(stderr, "%s: %s: '%s' %s\n", program, name, arg + len + 1, why);
        exit(64);
    }
    return 1;
}

void bench_date(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm utc;
    if (!gmtime_r(&now, &utc) || strftime(buf, size, "%Y-%m-%d %H:%M UTC", &utc) == 0)
        snprintf(buf, size, "(unknown date)");
}

void bench_print_machine(gpucc_backend *const backends[GPUCC_BACKEND_COUNT])
{
    struct utsname u;
    if (uname(&u) != 0)
        memset(&u, 0, sizeof u);
    const char *pocl_cu = getenv("POCL_CPU_MAX_CU_COUNT"), *pocl_affinity = getenv("POCL_AFFINITY");
    printf("machine: %s %s %s, %u online CPUs; compiler: %s; POCL_CPU_MAX_CU_COUNT=%s POCL_AFFINITY=%s\n",
           u.sysname, u.release, u.machine, gpucc_cpu_count(), __VERSION__, pocl_cu ? pocl_cu : "(unset)",
           pocl_affinity ? pocl_affinity : "(unset)");
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        if (backends[k])
            printf("%-8s: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k), gpucc_backend_device(backends[k]));
}

int bench_rows_alloc(bench_row *rows, size_t count, unsigned rounds)
{
    for (size_t r = 0; r < count; r++)
        if (!(rows[r].samples = calloc(rounds, sizeof(double))))
            return -1;
    return 0;
}

void bench_rows_free(bench_row *rows, size_t count)
{
    for (size_t r = 0; r < count; r++) {
        free(rows[r].samples);
        rows[r].samples = NULL;
    }
}

void bench_print_table(const bench_row *rows, size_t count, unsigned rounds, const char *unit)
{
    printf("\n%-28s %10s %21s %12s %8s  %s\n", "row", unit, "[min - max]", "of yardstick", "goal", "verdict");
    double *medians = calloc(count, sizeof *medians);
    double *sorted = malloc(rounds * sizeof *sorted);
    if (!medians || !sorted) {
        free(medians);
        free(sorted);
        fprintf(stderr, "bench: out of memory\n");
        return;
    }
    for (size_t r = 0; r < count; r++) {
        if (!rows[r].active)
            continue;
        memcpy(sorted, rows[r].samples, rounds * sizeof *sorted); /* gpucc_stats_of sorts */
        gpucc_stats s = gpucc_stats_of(sorted, rounds);
        medians[r] = s.median;
        char range[32];
        snprintf(range, sizeof range, "[%.2f - %.2f]", s.min, s.max);
        int y = rows[r].yardstick;
        if (y < 0 || !rows[y].active) {
            printf("%-28s %10.2f %21s\n", rows[r].name, s.median, range);
            continue;
        }
        double ratio = s.median / medians[y];
        if (rows[r].goal > 0)
            printf("%-28s %10.2f %21s %11.0f%% %7.0f%%  %s\n", rows[r].name, s.median, range, 100 * ratio,
                   100 * rows[r].goal, ratio >= rows[r].goal ? "met" : "missed");
        else
            printf("%-28s %10.2f %21s %11.0f%% %8s\n", rows[r].name, s.median, range, 100 * ratio, "-");
    }
    free(medians);
    free(sorted);
}
