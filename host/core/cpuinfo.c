#define _POSIX_C_SOURCE 200809L
#include "cpuinfo.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "dispatch.h"
#include "gpucc.h"

unsigned gpucc_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1u;
}

void gpucci_cpu_model(char *buf, size_t size)
{
    snprintf(buf, size, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon) {
            colon += 1 + strspn(colon + 1, " \t");
            colon[strcspn(colon, "\n")] = '\0';
            snprintf(buf, size, "%s", colon);
            break;
        }
    }
    fclose(f);
}

const char *gpucci_cpu_isa(void)
{
#if defined(GPUCCI_NATIVE)
    return "native";
#elif GPUCCI_DISPATCH
    /* The order of GPUCCI_HOT's clones: the resolver takes the first the
     * CPU supports. */
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4"))
        return "x86-64-v4";
    if (__builtin_cpu_supports("x86-64-v3"))
        return "x86-64-v3";
    return "default";
#else
    return "default";
#endif
}

static size_t last_level_cache;
static pthread_once_t last_level_cache_once = PTHREAD_ONCE_INIT;

static void find_last_level_cache(void)
{
    long bytes = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (bytes <= 0)
        bytes = sysconf(_SC_LEVEL2_CACHE_SIZE);
    last_level_cache = bytes > 0 ? (size_t)bytes : 0;
}

void gpucci_assume_last_level_cache(size_t bytes)
{
    pthread_once(&last_level_cache_once, find_last_level_cache);
    last_level_cache = bytes;
}

bool gpucci_map_streams(gpucc_map_fn fn, gpucc_dtype dtype, size_t n)
{
    pthread_once(&last_level_cache_once, find_last_level_cache);
    size_t arrays = fn == GPUCC_MAP_SAXPY ? 3 : 2; /* x (and y) read, out written */
    return last_level_cache > 0 && n > last_level_cache / arrays / gpucc_dtype_size(dtype);
}
