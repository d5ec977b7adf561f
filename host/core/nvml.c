/* NVIDIA boards through NVML, loaded at run time (nvml.h). */
#define _POSIX_C_SOURCE 200809L
#include "nvml.h"

#include <dlfcn.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* NVML's ABI, as documented: functions return an nvmlReturn_t (an enum,
 * 0 = NVML_SUCCESS); devices are opaque pointers (nvmlDevice_t). */
typedef int nvml_return;
typedef void *nvml_device;
enum { NVML_SUCCESS = 0, NVML_CLOCK_SM = 1, NVML_CLOCK_MEM = 2 };

/* The functions gpucc uses, and the names they are looked up by. */
typedef struct {
    nvml_return (*init)(void);
    nvml_return (*shutdown)(void);
    const char *(*error_string)(nvml_return result);
    nvml_return (*count)(unsigned *count);
    nvml_return (*handle_by_index)(unsigned index, nvml_device *device);
    nvml_return (*name)(nvml_device device, char *name, unsigned length);
    nvml_return (*total_energy)(nvml_device device, unsigned long long *millijoules);
    nvml_return (*clock)(nvml_device device, int type, unsigned *mhz);
    nvml_return (*throttle_reasons)(nvml_device device, unsigned long long *reasons);
} nvml_functions;

/* Each function's NVML name and where its address goes. */
static const struct {
    const char *name;
    size_t offset;
} function_table[] = {
    {"nvmlInit_v2", offsetof(nvml_functions, init)},
    {"nvmlShutdown", offsetof(nvml_functions, shutdown)},
    {"nvmlErrorString", offsetof(nvml_functions, error_string)},
    {"nvmlDeviceGetCount_v2", offsetof(nvml_functions, count)},
    {"nvmlDeviceGetHandleByIndex_v2", offsetof(nvml_functions, handle_by_index)},
    {"nvmlDeviceGetName", offsetof(nvml_functions, name)},
    {"nvmlDeviceGetTotalEnergyConsumption", offsetof(nvml_functions, total_energy)},
    {"nvmlDeviceGetClockInfo", offsetof(nvml_functions, clock)},
    {"nvmlDeviceGetCurrentClocksThrottleReasons", offsetof(nvml_functions, throttle_reasons)},
};

struct gpucci_nvml {
    void *library;
    nvml_functions f;
};

/* The nvmlClocksThrottleReason bits, in bit order, and their names. */
static const struct {
    unsigned long long bit;
    const char *name;
} throttle_reasons[] = {
    {0x1, "gpu_idle"},       {0x2, "applications_clocks"}, {0x4, "sw_power_cap"},
    {0x8, "hw_slowdown"},    {0x10, "sync_boost"},         {0x20, "sw_thermal"},
    {0x40, "hw_thermal"},    {0x80, "hw_power_brake"},     {0x100, "display_clocks"},
};

gpucci_nvml *gpucci_nvml_open(char *why, size_t why_size)
{
    const char *path = getenv("GPUCC_NVML_LIBRARY");
    if (!path || !*path)
        path = "libnvidia-ml.so.1";
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(why, why_size, "no NVML (%s)", dlerror());
        return NULL;
    }
    gpucci_nvml *nvml = calloc(1, sizeof *nvml);
    if (!nvml) {
        snprintf(why, why_size, "no memory for NVML");
        dlclose(library);
        return NULL;
    }
    nvml->library = library;
    _Static_assert(sizeof nvml->f == sizeof function_table / sizeof function_table[0] * sizeof(void *),
                   "one table entry per NVML function");
    for (size_t i = 0; i < sizeof function_table / sizeof function_table[0]; i++) {
        void *symbol = dlsym(library, function_table[i].name);
        if (!symbol) {
            snprintf(why, why_size, "%s lacks %s (NVIDIA driver too old?)", path, function_table[i].name);
            dlclose(library);
            free(nvml);
            return NULL;
        }
        /* POSIX: a function's address travels through void * unchanged */
        memcpy((char *)&nvml->f + function_table[i].offset, &symbol, sizeof symbol);
    }
    nvml_return status = nvml->f.init();
    if (status != NVML_SUCCESS) {
        snprintf(why, why_size, "NVML init failed: %s", nvml->f.error_string(status));
        dlclose(library);
        free(nvml);
        return NULL;
    }
    return nvml;
}

void gpucci_nvml_close(gpucci_nvml *nvml)
{
    if (!nvml)
        return;
    nvml->f.shutdown();
    dlclose(nvml->library);
    free(nvml);
}

unsigned gpucci_nvml_count(gpucci_nvml *nvml)
{
    unsigned count = 0;
    return nvml->f.count(&count) == NVML_SUCCESS ? count : 0;
}

int gpucci_nvml_device_at(gpucci_nvml *nvml, unsigned index, gpucci_nvml_device *device, char *why,
                          size_t why_size)
{
    memset(device, 0, sizeof *device);
    device->nvml = nvml;
    device->index = index;
    nvml_return status = nvml->f.handle_by_index(index, &device->handle);
    if (status == NVML_SUCCESS)
        status = nvml->f.name(device->handle, device->name, sizeof device->name);
    if (status != NVML_SUCCESS) {
        snprintf(why, why_size, "NVML device %u: %s", index, nvml->f.error_string(status));
        return -1;
    }
    device->name[sizeof device->name - 1] = '\0';
    return 0;
}

/* Is `name` (or an OpenCL description, "name (platform, type)") the name
 * of the NVML device called device_name? */
static int names_device(const char *name, const char *device_name)
{
    size_t length = strlen(device_name);
    return strncmp(name, device_name, length) == 0 && (name[length] == '\0' || strncmp(name + length, " (", 2) == 0);
}

int gpucci_nvml_find(gpucci_nvml *nvml, const char *name, gpucci_nvml_device *device, char *why, size_t why_size)
{
    unsigned count = gpucci_nvml_count(nvml), found = 0;
    for (unsigned i = 0; i < count; i++) {
        gpucci_nvml_device candidate;
        char ignored[GPUCCI_NVML_WHY_SIZE];
        if (gpucci_nvml_device_at(nvml, i, &candidate, ignored, sizeof ignored) == 0 &&
            names_device(name, candidate.name) && found++ == 0)
            *device = candidate;
    }
    if (found == 1)
        return 0;
    if (found == 0)
        snprintf(why, why_size, "no NVML device is named '%s' (%u NVML devices)", name, count);
    else
        snprintf(why, why_size, "%u NVML devices are named '%s': cannot tell which one ran", found, name);
    return -1;
}

int gpucci_nvml_energy(void *device, double *joules)
{
    const gpucci_nvml_device *d = device;
    unsigned long long millijoules;
    if (d->nvml->f.total_energy(d->handle, &millijoules) != NVML_SUCCESS)
        return -1;
    *joules = (double)millijoules * 1e-3;
    return 0;
}

void gpucci_nvml_energy_why(const gpucci_nvml_device *device, char *why, size_t why_size)
{
    unsigned long long millijoules;
    nvml_return status = device->nvml->f.total_energy(device->handle, &millijoules);
    if (status == NVML_SUCCESS)
        why[0] = '\0';
    else
        snprintf(why, why_size, "board energy not readable: %s", device->nvml->f.error_string(status));
}

void gpucci_nvml_sample_read(const gpucci_nvml_device *device, gpucci_nvml_sample *sample)
{
    const nvml_functions *f = &device->nvml->f;
    memset(sample, 0, sizeof *sample);
    if (f->clock(device->handle, NVML_CLOCK_SM, &sample->sm_mhz) != NVML_SUCCESS)
        sample->sm_mhz = 0;
    if (f->clock(device->handle, NVML_CLOCK_MEM, &sample->memory_mhz) != NVML_SUCCESS)
        sample->memory_mhz = 0;
    sample->throttle_known = f->throttle_reasons(device->handle, &sample->throttle) == NVML_SUCCESS;
    if (!sample->throttle_known)
        sample->throttle = 0;
}

size_t gpucci_nvml_throttle_names(unsigned long long reasons, const char **names, size_t capacity)
{
    size_t count = 0;
    unsigned long long known = 0;
    for (size_t i = 0; i < sizeof throttle_reasons / sizeof throttle_reasons[0]; i++) {
        known |= throttle_reasons[i].bit;
        if ((reasons & throttle_reasons[i].bit) && count < capacity)
            names[count++] = throttle_reasons[i].name;
    }
    if ((reasons & ~known) && count < capacity)
        names[count++] = "unknown";
    return count;
}

void gpucci_nvml_throttle_text(unsigned long long reasons, char *text, size_t size)
{
    const char *names[16];
    size_t count = gpucci_nvml_throttle_names(reasons, names, 16);
    snprintf(text, size, "%s", count ? "" : "none");
    for (size_t i = 0; i < count; i++) {
        size_t used = strlen(text);
        snprintf(text + used, size - used, "%s%s", i ? ", " : "", names[i]);
    }
}
