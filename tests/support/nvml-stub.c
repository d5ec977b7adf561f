/* A stand-in for NVIDIA's libnvidia-ml.so.1, built only for the tests
 * (GPUCC_NVML_LIBRARY points gpucc at it). It implements the NVML functions
 * gpucc looks up, with their documented signatures, and reports what the
 * environment asks for:
 *   GPUCC_NVML_STUB_NAME       every device's name (default "gpucc stub GPU")
 *   GPUCC_NVML_STUB_DEVICES    how many devices (default 1)
 *   GPUCC_NVML_STUB_INIT_FAIL  set: nvmlInit_v2 fails (driver not loaded)
 *   GPUCC_NVML_STUB_NO_ENERGY  set: the energy counter is not supported
 *   GPUCC_NVML_STUB_THROTTLE   the throttle reasons' bits (default 0x24:
 *                              sw_power_cap and sw_thermal)
 *   GPUCC_NVML_STUB_BUSES      the devices' PCI buses, comma-separated (device
 *                              i of those not listed: bus i + 1), each in
 *                              domain 0, device 0
 *   GPUCC_NVML_STUB_NO_PCI     set: nvmlDeviceGetPciInfo_v3 is not supported
 * Clocks: SM 1410 MHz, memory 1593 MHz. The energy counter starts at
 * 1000 J and advances by NVML_STUB_MJ_PER_READ millijoules at every read,
 * so that two reads around a call measure exactly that much. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NVML_STUB_MJ_PER_READ 250ULL

enum { SUCCESS = 0, ERROR_INVALID_ARGUMENT = 2, ERROR_NOT_SUPPORTED = 3, ERROR_DRIVER_NOT_LOADED = 9 };

/* The devices' handles point into this array. */
static char devices[16];
static unsigned long long energy_mj = 1000000;

/* How many devices the environment asks for (at most 16). */
static unsigned device_count(void)
{
    const char *text = getenv("GPUCC_NVML_STUB_DEVICES");
    unsigned count = text ? (unsigned)strtoul(text, NULL, 10) : 1;
    return count < 16 ? count : 16;
}

/* Is handle one of the devices? */
static int valid(void *handle)
{
    return (char *)handle >= devices && (char *)handle < devices + device_count();
}

int nvmlInit_v2(void)
{
    return getenv("GPUCC_NVML_STUB_INIT_FAIL") ? ERROR_DRIVER_NOT_LOADED : SUCCESS;
}

int nvmlShutdown(void)
{
    return SUCCESS;
}

const char *nvmlErrorString(int result)
{
    switch (result) {
    case SUCCESS: return "Success";
    case ERROR_NOT_SUPPORTED: return "Not Supported";
    case ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    default: return "Invalid Argument";
    }
}

int nvmlDeviceGetCount_v2(unsigned *count)
{
    *count = device_count();
    return SUCCESS;
}

int nvmlDeviceGetHandleByIndex_v2(unsigned index, void **device)
{
    if (index >= device_count())
        return ERROR_INVALID_ARGUMENT;
    *device = devices + index;
    return SUCCESS;
}

int nvmlDeviceGetName(void *device, char *name, unsigned length)
{
    const char *text = getenv("GPUCC_NVML_STUB_NAME");
    if (!valid(device) || length == 0)
        return ERROR_INVALID_ARGUMENT;
    strncpy(name, text ? text : "gpucc stub GPU", length - 1);
    name[length - 1] = '\0';
    return SUCCESS;
}

int nvmlDeviceGetTotalEnergyConsumption(void *device, unsigned long long *millijoules)
{
    if (!valid(device))
        return ERROR_INVALID_ARGUMENT;
    if (getenv("GPUCC_NVML_STUB_NO_ENERGY"))
        return ERROR_NOT_SUPPORTED;
    *millijoules = energy_mj;
    energy_mj += NVML_STUB_MJ_PER_READ;
    return SUCCESS;
}

int nvmlDeviceGetClockInfo(void *device, int type, unsigned *mhz)
{
    if (!valid(device) || (type != 1 && type != 2)) /* NVML_CLOCK_SM, NVML_CLOCK_MEM */
        return ERROR_NOT_SUPPORTED;
    *mhz = type == 1 ? 1410 : 1593;
    return SUCCESS;
}

int nvmlDeviceGetCurrentClocksThrottleReasons(void *device, unsigned long long *reasons)
{
    const char *text = getenv("GPUCC_NVML_STUB_THROTTLE");
    if (!valid(device))
        return ERROR_INVALID_ARGUMENT;
    *reasons = text ? strtoull(text, NULL, 0) : 0x24;
    return SUCCESS;
}

/* nvmlPciInfo_t (nvmlDeviceGetPciInfo_v3's), as NVML documents it. */
typedef struct {
    char busIdLegacy[16];
    unsigned domain, bus, device, pciDeviceId, pciSubSystemId;
    char busId[32];
} stub_pci_info;

/* Device `index`'s bus: its entry of GPUCC_NVML_STUB_BUSES, else index + 1. */
static unsigned device_bus(unsigned index)
{
    const char *text = getenv("GPUCC_NVML_STUB_BUSES");
    for (unsigned i = 0; text && *text; i++) {
        char *end;
        unsigned long bus = strtoul(text, &end, 0);
        if (i == index)
            return (unsigned)bus;
        text = *end == ',' ? end + 1 : end;
    }
    return index + 1;
}

int nvmlDeviceGetPciInfo_v3(void *device, stub_pci_info *pci)
{
    if (!valid(device))
        return ERROR_INVALID_ARGUMENT;
    if (getenv("GPUCC_NVML_STUB_NO_PCI"))
        return ERROR_NOT_SUPPORTED;
    memset(pci, 0, sizeof *pci);
    pci->bus = device_bus((unsigned)((char *)device - devices));
    pci->pciDeviceId = 0x233510de; /* an NVIDIA device id */
    snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "0000:%02x:00.0", pci->bus & 0xffu);
    snprintf(pci->busId, sizeof pci->busId, "00000000:%02x:00.0", pci->bus & 0xffu);
    return SUCCESS;
}
