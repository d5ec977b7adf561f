#define _POSIX_C_SOURCE 200809L
#include "context.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cpuinfo.h"
#include "gpu-row.h"
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

/* The NVIDIA boards NVML sees, their clocks and throttle reasons now; or
 * why NVML cannot be read. */
static void collect_nvml(cli_context *ctx)
{
    gpucci_nvml *nvml = gpucci_nvml_open(ctx->nvml_why, sizeof ctx->nvml_why);
    if (!nvml)
        return;
    unsigned count = gpucci_nvml_count(nvml);
    for (unsigned i = 0; i < count && ctx->gpu_count < CLI_CONTEXT_GPUS; i++) {
        gpucci_nvml_device device;
        cli_context_gpu *gpu = &ctx->gpus[ctx->gpu_count];
        if (gpucci_nvml_device_at(nvml, i, &device, ctx->nvml_why, sizeof ctx->nvml_why) != 0)
            continue;
        gpu->index = device.index;
        snprintf(gpu->name, sizeof gpu->name, "%s", device.name);
        gpucci_nvml_sample_read(&device, &gpu->sample);
        ctx->gpu_count++;
    }
    if (ctx->gpu_count > 0)
        ctx->nvml_why[0] = '\0';
    else if (!ctx->nvml_why[0])
        snprintf(ctx->nvml_why, sizeof ctx->nvml_why, "NVML sees no device");
    gpucci_nvml_close(nvml);
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
    const char *cu = getenv("POCL_CPU_MAX_CU_COUNT"), *affinity = getenv("POCL_AFFINITY");
    snprintf(ctx->pocl_cpu_max_cu_count, sizeof ctx->pocl_cpu_max_cu_count, "%s", cu ? cu : "");
    snprintf(ctx->pocl_affinity, sizeof ctx->pocl_affinity, "%s", affinity ? affinity : "");
    collect_nvml(ctx);
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
    cli_json_key_string(out, "POCL_AFFINITY", ctx->pocl_affinity);
    fputs(", \"opencl_devices\": [", out);
    for (int i = 0; i < ctx->opencl_count; i++) {
        fputs(i ? ", " : "", out);
        cli_json_string(out, ctx->opencl[i]);
    }
    fprintf(out, "], \"nvml\": {\"available\": %s", ctx->gpu_count ? "true" : "false");
    if (!ctx->gpu_count)
        cli_json_key_string(out, "why", ctx->nvml_why);
    else
        fputs(", \"gpus\": [", out);
    for (int i = 0; i < ctx->gpu_count; i++) {
        fprintf(out, "%s{\"index\": %u, \"name\": ", i ? ", " : "", ctx->gpus[i].index);
        cli_json_string(out, ctx->gpus[i].name);
        fputs(", \"clocks\": ", out);
        cli_gpu_sample_json(out, &ctx->gpus[i].sample);
        fputc('}', out);
    }
    fputs(ctx->gpu_count ? "]}}" : "}}", out);
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
    if (ctx->pocl_affinity[0])
        fprintf(out, "%sPOCL_AFFINITY=%s\n", prefix, ctx->pocl_affinity);
    for (int i = 0; i < ctx->opencl_count; i++)
        fprintf(out, "%sOpenCL %s\n", prefix, ctx->opencl[i]);
    if (!ctx->gpu_count)
        fprintf(out, "%sNVML: n/a: %s\n", prefix, ctx->nvml_why);
    for (int i = 0; i < ctx->gpu_count; i++) {
        const gpucci_nvml_sample *sample = &ctx->gpus[i].sample;
        char sm[24], memory[24], throttle[160];
        cli_gpu_clock_text(sample->sm_mhz, sm, sizeof sm);
        cli_gpu_clock_text(sample->memory_mhz, memory, sizeof memory);
        cli_gpu_throttle_text(sample, throttle, sizeof throttle);
        fprintf(out, "%sNVML %u: %s, SM %s, memory %s, throttle: %s\n", prefix, ctx->gpus[i].index, ctx->gpus[i].name,
                sm, memory, throttle);
    }
}
