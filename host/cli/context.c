#define _POSIX_C_SOURCE 200809L
#include "context.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cpuinfo.h"
#include "gpucc.h"
#include "json-csv.h"

/* The first line of a small file (a sysfs attribute) without its newline;
 * 0, or -1 where it cannot be read. */
static int read_line(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    int ok = fgets(buf, (int)size, f) != NULL;
    fclose(f);
    if (!ok)
        return -1;
    buf[strcspn(buf, "\n")] = '\0';
    return 0;
}

/* The governor and current frequency of cpu0, where cpufreq exposes them. */
static void collect_cpufreq(cli_context *ctx)
{
    static const char dir[] = "/sys/devices/system/cpu/cpu0/cpufreq/";
    char path[96], khz[32];
    snprintf(path, sizeof path, "%sscaling_governor", dir);
    if (read_line(path, ctx->governor, sizeof ctx->governor) != 0)
        ctx->governor[0] = '\0';
    snprintf(path, sizeof path, "%sscaling_cur_freq", dir);
    if (read_line(path, khz, sizeof khz) == 0)
        ctx->cpu_mhz = strtod(khz, NULL) / 1e3;
}

void cli_context_collect(cli_context *ctx)
{
    memset(ctx, 0, sizeof *ctx);
    time_t now = time(NULL);
    strftime(ctx->date, sizeof ctx->date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    gpucci_cpu_model(ctx->cpu, sizeof ctx->cpu);
    ctx->cpus = gpucc_cpu_count();
    collect_cpufreq(ctx);
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    ctx->memory_gib = pages > 0 && page > 0 ? (double)pages * (double)page / (1u << 30) : 0;
    struct utsname u;
    if (uname(&u) == 0)
        snprintf(ctx->os, sizeof ctx->os, "%s %s %s", u.sysname, u.release, u.machine);
#if defined(__clang__)
    snprintf(ctx->compiler, sizeof ctx->compiler, "clang %s", __clang_version__);
#elif defined(__GNUC__)
    snprintf(ctx->compiler, sizeof ctx->compiler, "gcc %s", __VERSION__);
#endif
    const char *cu = getenv("POCL_CPU_MAX_CU_COUNT");
    snprintf(ctx->pocl_cpu_max_cu_count, sizeof ctx->pocl_cpu_max_cu_count, "%s", cu ? cu : "");
    gpucc_cl_device_info *devices;
    size_t count;
    if (gpucc_cl_list_devices(&devices, &count) != GPUCC_OK)
        return;
    for (size_t i = 0; i < count && i < 8; i++, ctx->opencl_count++)
        snprintf(ctx->opencl[i], sizeof ctx->opencl[i], "%u: %s | %s | %s | driver %s", devices[i].index,
                 devices[i].name, devices[i].platform, devices[i].version, devices[i].driver);
    free(devices);
}

void cli_context_json(FILE *out, const cli_context *ctx)
{
    fputs("\"context\": {\"date\": ", out);
    cli_json_string(out, ctx->date);
    fputs(", \"cpu\": ", out);
    cli_json_string(out, ctx->cpu);
    fprintf(out, ", \"cpus\": %u", ctx->cpus);
    cli_json_key_string(out, "governor", ctx->governor);
    cli_json_number(out, "cpu_mhz", ctx->cpu_mhz > 0 ? ctx->cpu_mhz : NAN);
    fprintf(out, ", \"memory_gib\": %.1f, \"os\": ", ctx->memory_gib);
    cli_json_string(out, ctx->os);
    fputs(", \"compiler\": ", out);
    cli_json_string(out, ctx->compiler);
    fputs(", \"gpucc_version\": \"" GPUCC_VERSION "\", \"POCL_CPU_MAX_CU_COUNT\": ", out);
    cli_json_string(out, ctx->pocl_cpu_max_cu_count);
    fputs(", \"opencl_devices\": [", out);
    for (int i = 0; i < ctx->opencl_count; i++) {
        fputs(i ? ", " : "", out);
        cli_json_string(out, ctx->opencl[i]);
    }
    fputs("]}", out);
}

void cli_context_print(FILE *out, const cli_context *ctx, const char *prefix)
{
    fprintf(out, "%smachine: %s, %u CPUs, %.1f GiB, %s; %s; %s\n", prefix, ctx->cpu, ctx->cpus, ctx->memory_gib,
            ctx->os, ctx->compiler, ctx->date);
    if (ctx->governor[0])
        fprintf(out, "%scpufreq governor: %s\n", prefix, ctx->governor);
    if (ctx->cpu_mhz > 0)
        fprintf(out, "%scpu0 frequency: %.0f MHz\n", prefix, ctx->cpu_mhz);
    if (ctx->pocl_cpu_max_cu_count[0])
        fprintf(out, "%sPOCL_CPU_MAX_CU_COUNT=%s\n", prefix, ctx->pocl_cpu_max_cu_count);
    for (int i = 0; i < ctx->opencl_count; i++)
        fprintf(out, "%sOpenCL %s\n", prefix, ctx->opencl[i]);
}
