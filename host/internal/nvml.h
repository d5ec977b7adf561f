/* Internal API: NVIDIA boards' clocks, throttle reasons and energy through
 * NVML (host/core/nvml.c).
 *
 * NVML (libnvidia-ml.so.1) comes with NVIDIA's driver. gpucc never links
 * it: it is loaded at run time, and where it is absent or its init fails
 * nothing fails, `why` says what was missing. GPUCC_NVML_LIBRARY names
 * another file to load instead (the tests load a stub). Only the few
 * functions below are looked up; their types and constants are written
 * here from NVML's documented ABI (no NVIDIA header is needed).
 *
 * An OpenCL device is matched to an NVML device by PCI location first: the
 * one NVML device at the OpenCL device's PCI domain, bus and device, where
 * both tell theirs (the OpenCL platform through cl_khr_pci_bus_info or
 * cl_nv_device_attribute_query, NVML through nvmlDeviceGetPciInfo), so
 * identical boards are told apart. Where no NVML device is at that
 * location, or either side does not tell it, by name: the one NVML device
 * whose location could not be compared and whose name is the OpenCL
 * device's (which gpucc's OpenCL backend describes as "name (platform,
 * type)"). No such device, or several (identical boards whose locations
 * are not told), gives no match, and says so. */
#ifndef GPUCC_NVML_H
#define GPUCC_NVML_H

#include <stddef.h>

#include "gpucc.h"

enum { GPUCCI_NVML_NAME_SIZE = 96, GPUCCI_NVML_WHY_SIZE = 240 };

/* A loaded and initialised NVML (opaque). */
typedef struct gpucci_nvml gpucci_nvml;

/* One NVML device. */
typedef struct {
    gpucci_nvml *nvml;
    void *handle;                      /* nvmlDevice_t */
    unsigned index;                    /* NVML's index */
    char name[GPUCCI_NVML_NAME_SIZE];
    gpucc_pci_location pci;            /* domain, bus, device (function 0); known 0
                                          where NVML does not tell */
} gpucci_nvml_device;

/* A device's clocks and throttle reasons at one moment; a value that
 * cannot be read is 0 (clocks) or has its known flag 0 (throttle). */
typedef struct {
    unsigned sm_mhz;                   /* streaming multiprocessor clock */
    unsigned memory_mhz;               /* memory clock */
    unsigned long long throttle;       /* nvmlClocksThrottleReason bits */
    int throttle_known;
} gpucci_nvml_sample;

/* Loads NVML and initialises it. Returns it, or NULL with why[] saying
 * what failed (library absent, a function missing, init failed). */
gpucci_nvml *gpucci_nvml_open(char *why, size_t why_size);

/* Shuts NVML down and unloads it (NULL: nothing). */
void gpucci_nvml_close(gpucci_nvml *nvml);

/* How many devices NVML sees (0 when it cannot count them). */
unsigned gpucci_nvml_count(gpucci_nvml *nvml);

/* Device `index` (its handle, name and PCI location) into *device.
 * Returns 0, or -1 with why[] set. */
int gpucci_nvml_device_at(gpucci_nvml *nvml, unsigned index, gpucci_nvml_device *device, char *why,
                          size_t why_size);

/* Which of devices[0..count) is the OpenCL device at `pci` called `name`
 * (an OpenCL backend's description "name (platform, type)", or a bare
 * name), as the header comment says: the one at pci's domain, bus and
 * device where pci and the NVML device are both known, else the one whose
 * location is not compared and whose name is `name` or begins `name` and
 * " (". Pure: reads only its arguments. Returns its index, or -1 with
 * why[] set (none, or several). */
long gpucci_nvml_match(const gpucc_pci_location *pci, const char *name, const gpucci_nvml_device *devices,
                       size_t count, char *why, size_t why_size);

/* The NVML device that is the OpenCL device at `pci` called `name`
 * (gpucci_nvml_match over every NVML device) into *device. Returns 0, or
 * -1 with why[] set. */
int gpucci_nvml_find(gpucci_nvml *nvml, const gpucc_pci_location *pci, const char *name, gpucci_nvml_device *device,
                     char *why, size_t why_size);

/* Reads the board's energy counter (since the driver loaded; Volta and
 * later) in joules into *joules. `device` is a gpucci_nvml_device (the
 * signature of gpucc_energy_meter's read). Returns 0, or -1 where the
 * board does not tell. */
int gpucci_nvml_energy(void *device, double *joules);

/* Why the board's energy cannot be read ("" when it can): reads it once. */
void gpucci_nvml_energy_why(const gpucci_nvml_device *device, char *why, size_t why_size);

/* Samples the device's SM and memory clocks and its throttle reasons. */
void gpucci_nvml_sample_read(const gpucci_nvml_device *device, gpucci_nvml_sample *sample);

/* Decodes throttle reasons into names[0..return) (at most capacity), in
 * bit order: "gpu_idle", "applications_clocks", "sw_power_cap",
 * "hw_slowdown", "sync_boost", "sw_thermal", "hw_thermal", "hw_power_brake",
 * "display_clocks"; bits NVML may add later give one "unknown". */
size_t gpucci_nvml_throttle_names(unsigned long long reasons, const char **names, size_t capacity);

/* The names of gpucci_nvml_throttle_names joined by ", " into text, "none"
 * for no reason. */
void gpucci_nvml_throttle_text(unsigned long long reasons, char *text, size_t size);

#endif
