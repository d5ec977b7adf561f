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

static size_t cache_share;
static pthread_once_t cache_share_once = PTHREAD_ONCE_INIT;

static void find_cache_share(void)
{
    long bytes = sysconf(_SC_LEVEL3_CACHE_SIZE);
    if (bytes <= 0)
        bytes = sysconf(_SC_LEVEL2_CACHE_SIZE);
    cache_share = bytes > 0 ? (size_t)bytes / gpucc_cpu_count() : 0;
}

size_t gpucci_cpu_cache_share(void)
{
    pthread_once(&cache_share_once, find_cache_share);
    return cache_share;
}
