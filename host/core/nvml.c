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

/* nvmlPciInfo_t of nvmlDeviceGetPciInfo_v2 and _v3. The first version's
 * is smaller (busId[16] first, then the same five numbers and 16 bytes
 * reserved), so this buffer holds it too, its numbers where these are. */
typedef struct {
    char bus_id_legacy[16];
    unsigned domain, bus, device, pci_device_id, pci_subsystem_id;
    char bus_id[32];
} nvml_pci_info;

/* The names nvmlDeviceGetPciInfo is exported by, newest first (NVML's
 * header maps the plain name to the newest its driver has). */
static const char *const pci_info_names[] = {"nvmlDeviceGetPciInfo_v3", "nvmlDeviceGetPciInfo_v2",
                                             "nvmlDeviceGetPciInfo"};

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
    nvml_return (*pci_info)(nvml_device device, nvml_pci_info *pci); /* optional: NULL where absent */
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
    _Static_assert(sizeof nvml->f == (sizeof function_table / sizeof function_table[0] + 1) * sizeof(void *),
                   "one table entry per NVML function but the optional pci_info");
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
    for (size_t i = 0; i < sizeof pci_info_names / sizeof pci_info_names[0] && !nvml->f.pci_info; i++) {
        void *symbol = dlsym(library, pci_info_names[i]);
        memcpy(&nvml->f.pci_info, &symbol, sizeof symbol);
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
    nvml_pci_info pci;
    if (nvml->f.pci_info && nvml->f.pci_info(device->handle, &pci) == NVML_SUCCESS)
        device->pci = (gpucc_pci_location){1, pci.domain, pci.bus, pci.device, 0};
    return 0;
}

/* Is `name` (or an OpenCL description, "name (platform, type)") the name
 * of the NVML device called device_name? */
static int names_device(const char *name, const char *device_name)
{
    size_t length = strlen(device_name);
    return strncmp(name, device_name, length) == 0 && (name[length] == '\0' || strncmp(name + length, " (", 2) == 0);
}

/* Are a and b, both known, the same PCI domain, bus and device? */
static int same_pci(const gpucc_pci_location *a, const gpucc_pci_location *b)
{
    return a->known && b->known && a->domain == b->domain && a->bus == b->bus && a->device == b->device;
}

long gpucci_nvml_match(const gpucc_pci_location *pci, const char *name, const gpucci_nvml_device *devices,
                       size_t count, char *why, size_t why_size)
{
    char at[48] = "";
    if (pci->known)
        snprintf(at, sizeof at, "at PCI %04x:%02x:%02x", pci->domain, pci->bus, pci->device);
    size_t found = 0;
    long match = -1;
    for (size_t i = 0; i < count; i++)
        if (same_pci(pci, &devices[i].pci) && found++ == 0)
            match = (long)i;
    if (found == 0) /* by name, among the devices whose location could not be compared */
        for (size_t i = 0; i < count; i++)
            if (!(pci->known && devices[i].pci.known) && names_device(name, devices[i].name) && found++ == 0)
                match = (long)i;
    if (found == 1)
        return match;
    if (found == 0 && pci->known)
        snprintf(why, why_size, "no NVML device is %s or named '%s' (%zu NVML devices)", at, name, count);
    else if (found == 0)
        snprintf(why, why_size, "no NVML device is named '%s' (%zu NVML devices)", name, count);
    else if (match >= 0 && same_pci(pci, &devices[match].pci))
        snprintf(why, why_size, "%zu NVML devices are %s: cannot tell which one ran", found, at);
    else
        snprintf(why, why_size, "%zu NVML devices are named '%s': cannot tell which one ran (%s)", found, name,
                 pci->known ? "NVML does not tell their PCI locations"
                            : "the OpenCL platform does not tell the device's PCI location");
    return -1;
}

int gpucci_nvml_find(gpucci_nvml *nvml, const gpucc_pci_location *pci, const char *name, gpucci_nvml_device *device,
                     char *why, size_t why_size)
{
    unsigned count = gpucci_nvml_count(nvml), listed = 0;
    gpucci_nvml_device *devices = calloc(count ? count : 1, sizeof *devices);
    if (!devices) {
        snprintf(why, why_size, "no memory for %u NVML devices", count);
        return -1;
    }
    for (unsigned i = 0; i < count; i++) {
        char ignored[GPUCCI_NVML_WHY_SIZE];
        if (gpucci_nvml_device_at(nvml, i, &devices[listed], ignored, sizeof ignored) == 0)
            listed++;
    }
    long match = gpucci_nvml_match(pci, name, devices, listed, why, why_size);
    if (match >= 0)
        *device = devices[match];
    free(devices);
    return match >= 0 ? 0 : -1;
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
