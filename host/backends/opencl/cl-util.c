#define _POSIX_C_SOURCE 200809L
#include "cl-util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"

const char *gpucci_cl_error_name(cl_int err)
{
    switch (err) {
#define NAME(code) case code: return #code;
        NAME(CL_DEVICE_NOT_FOUND) NAME(CL_DEVICE_NOT_AVAILABLE) NAME(CL_COMPILER_NOT_AVAILABLE)
        NAME(CL_MEM_OBJECT_ALLOCATION_FAILURE) NAME(CL_OUT_OF_RESOURCES) NAME(CL_OUT_OF_HOST_MEMORY)
        NAME(CL_PROFILING_INFO_NOT_AVAILABLE) NAME(CL_BUILD_PROGRAM_FAILURE) NAME(CL_MAP_FAILURE)
        NAME(CL_MISALIGNED_SUB_BUFFER_OFFSET) NAME(CL_INVALID_VALUE) NAME(CL_INVALID_DEVICE_TYPE)
        NAME(CL_INVALID_PLATFORM) NAME(CL_INVALID_DEVICE) NAME(CL_INVALID_CONTEXT)
        NAME(CL_INVALID_QUEUE_PROPERTIES) NAME(CL_INVALID_COMMAND_QUEUE) NAME(CL_INVALID_HOST_PTR)
        NAME(CL_INVALID_MEM_OBJECT) NAME(CL_INVALID_BUFFER_SIZE) NAME(CL_INVALID_BINARY)
        NAME(CL_INVALID_BUILD_OPTIONS) NAME(CL_INVALID_PROGRAM) NAME(CL_INVALID_PROGRAM_EXECUTABLE)
        NAME(CL_INVALID_KERNEL_NAME) NAME(CL_INVALID_KERNEL_DEFINITION) NAME(CL_INVALID_KERNEL)
        NAME(CL_INVALID_ARG_INDEX) NAME(CL_INVALID_ARG_VALUE) NAME(CL_INVALID_ARG_SIZE)
        NAME(CL_INVALID_KERNEL_ARGS) NAME(CL_INVALID_WORK_DIMENSION) NAME(CL_INVALID_WORK_GROUP_SIZE)
        NAME(CL_INVALID_WORK_ITEM_SIZE) NAME(CL_INVALID_GLOBAL_OFFSET) NAME(CL_INVALID_EVENT_WAIT_LIST)
        NAME(CL_INVALID_EVENT) NAME(CL_INVALID_OPERATION)
        NAME(CL_INVALID_GLOBAL_WORK_SIZE)
    case -1001: return "CL_PLATFORM_NOT_FOUND_KHR";
#undef NAME
    default: return "CL_UNKNOWN_ERROR";
    }
}

gpucc_status gpucci_cl_fail(cl_int err, const char *what)
{
    return gpucci_fail(GPUCC_E_OPENCL, "%s: %s (%d)", what, gpucci_cl_error_name(err), (int)err);
}

/* A string property, whole (malloc'd; free()), or NULL where it cannot
 * be read. */
static char *device_info_string(cl_device_id device, cl_device_info param)
{
    size_t length = 0;
    char *full = NULL;
    if (clGetDeviceInfo(device, param, 0, NULL, &length) == CL_SUCCESS && (full = malloc(length + 1)) &&
        clGetDeviceInfo(device, param, length, full, NULL) == CL_SUCCESS) {
        full[length] = '\0';
        return full;
    }
    free(full);
    return NULL;
}

/* Copies a string property into buf, cut to fit ("?" where unreadable). */
static void device_string(cl_device_id device, cl_device_info param, char *buf, size_t size)
{
    char *full = device_info_string(device, param);
    snprintf(buf, size, "%s", full ? full : "?");
    free(full);
}

static const char *device_type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU)
        return "gpu";
    if (type & CL_DEVICE_TYPE_CPU)
        return "cpu";
    if (type & CL_DEVICE_TYPE_ACCELERATOR)
        return "accelerator";
    return "other";
}

/* The PCI queries of cl_khr_pci_bus_info and cl_nv_device_attribute_query,
 * defined here where the OpenCL headers lack them (values and layout from
 * the extensions' specifications). */
#ifndef CL_DEVICE_PCI_BUS_INFO_KHR
#define CL_DEVICE_PCI_BUS_INFO_KHR 0x410F
typedef struct {
    cl_uint pci_domain;
    cl_uint pci_bus;
    cl_uint pci_device;
    cl_uint pci_function;
} cl_device_pci_bus_info_khr;
#endif
#ifndef CL_DEVICE_PCI_BUS_ID_NV
#define CL_DEVICE_PCI_BUS_ID_NV 0x4008
#endif
#ifndef CL_DEVICE_PCI_SLOT_ID_NV
#define CL_DEVICE_PCI_SLOT_ID_NV 0x4009
#endif
#ifndef CL_DEVICE_PCI_DOMAIN_ID_NV
#define CL_DEVICE_PCI_DOMAIN_ID_NV 0x400A
#endif

/* Does the space-separated extension list name `extension` (a whole word)? */
static int lists_extension(const char *extensions, const char *extension)
{
    size_t length = strlen(extension);
    for (const char *p = strstr(extensions, extension); p; p = strstr(p + 1, extension))
        if ((p == extensions || p[-1] == ' ') && (p[length] == ' ' || p[length] == '\0'))
            return 1;
    return 0;
}

/* The device's PCI location into *pci, where its platform tells it:
 * cl_khr_pci_bus_info, else NVIDIA's cl_nv_device_attribute_query (its
 * slot id is device << 3 | function). Older NVIDIA drivers lack that
 * extension's domain query: without the domain the location is not
 * known (a guessed domain 0 could name another board on a multi-domain
 * machine). known stays 0 otherwise. */
static void device_pci(cl_device_id device, gpucc_pci_location *pci)
{
    char *extensions = device_info_string(device, CL_DEVICE_EXTENSIONS);
    int khr = extensions && lists_extension(extensions, "cl_khr_pci_bus_info");
    int nv = extensions && lists_extension(extensions, "cl_nv_device_attribute_query");
    free(extensions);
    cl_device_pci_bus_info_khr info;
    if (khr && clGetDeviceInfo(device, CL_DEVICE_PCI_BUS_INFO_KHR, sizeof info, &info, NULL) == CL_SUCCESS) {
        *pci = (gpucc_pci_location){1, info.pci_domain, info.pci_bus, info.pci_device, info.pci_function};
    } else if (nv) {
        cl_uint bus, slot, domain;
        if (clGetDeviceInfo(device, CL_DEVICE_PCI_BUS_ID_NV, sizeof bus, &bus, NULL) == CL_SUCCESS &&
            clGetDeviceInfo(device, CL_DEVICE_PCI_SLOT_ID_NV, sizeof slot, &slot, NULL) == CL_SUCCESS &&
            clGetDeviceInfo(device, CL_DEVICE_PCI_DOMAIN_ID_NV, sizeof domain, &domain, NULL) == CL_SUCCESS)
            *pci = (gpucc_pci_location){1, domain, bus, (slot >> 3) & 0x1f, slot & 7};
    }
}

static void describe_device(cl_platform_id platform, cl_device_id device, unsigned index,
                            gpucc_cl_device_info *info)
{
    memset(info, 0, sizeof *info);
    info->index = index;
    if (clGetPlatformInfo(platform, CL_PLATFORM_NAME, sizeof info->platform, info->platform, NULL) !=
        CL_SUCCESS)
        snprintf(info->platform, sizeof info->platform, "?");
    info->platform[sizeof info->platform - 1] = '\0';
    device_string(device, CL_DEVICE_NAME, info->name, sizeof info->name);
    device_string(device, CL_DEVICE_VERSION, info->version, sizeof info->version);
    device_string(device, CL_DRIVER_VERSION, info->driver, sizeof info->driver);
    cl_device_type type = 0;
    cl_uint units = 0;
    cl_ulong global_mem = 0, max_alloc = 0;
    cl_device_fp_config fp64 = 0;
    cl_bool unified = CL_FALSE;
    clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units, NULL);
    clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof global_mem, &global_mem, NULL);
    clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof max_alloc, &max_alloc, NULL);
    clGetDeviceInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL);
    clGetDeviceInfo(device, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof unified, &unified, NULL);
    snprintf(info->type, sizeof info->type, "%s", device_type_name(type));
    info->compute_units = units;
    info->global_mem = global_mem;
    info->max_alloc = max_alloc;
    info->fp64 = fp64 != 0;
    /* A CPU device shares host memory even where the query is unsupported. */
    info->unified_memory = unified == CL_TRUE || (type & CL_DEVICE_TYPE_CPU);
    device_pci(device, &info->pci);
}

gpucc_status gpucci_cl_enumerate(gpucci_cl_device **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    cl_uint platform_count = 0;
    cl_int err = clGetPlatformIDs(0, NULL, &platform_count);
    if (err == -1001 /* CL_PLATFORM_NOT_FOUND_KHR: no ICD installed */ || platform_count == 0)
        return GPUCC_OK;
    if (err != CL_SUCCESS)
        return gpucci_cl_fail(err, "clGetPlatformIDs");
    cl_platform_id *platforms = calloc(platform_count, sizeof *platforms);
    if (!platforms)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot list OpenCL platforms");
    gpucc_status status = GPUCC_OK;
    GPUCC_CL_TRY(clGetPlatformIDs(platform_count, platforms, NULL), status, done);
    for (cl_uint p = 0; p < platform_count; p++) {
        cl_uint device_count = 0;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, 0, NULL, &device_count) != CL_SUCCESS ||
            device_count == 0)
            continue; /* a platform without devices is not an error */
        cl_device_id *ids = calloc(device_count, sizeof *ids);
        gpucci_cl_device *grown = realloc(*out, (*count + device_count) * sizeof *grown);
        if (!ids || !grown) {
            free(ids);
            if (grown)
                *out = grown;
            status = gpucci_fail(GPUCC_E_NOMEM, "cannot list OpenCL devices");
            goto done;
        }
        *out = grown;
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, device_count, ids, NULL) == CL_SUCCESS) {
            for (cl_uint d = 0; d < device_count; d++) {
                gpucci_cl_device *dev = &(*out)[*count];
                dev->platform = platforms[p];
                dev->device = ids[d];
                describe_device(platforms[p], ids[d], (unsigned)*count, &dev->info);
                (*count)++;
            }
        }
        free(ids);
    }
done:
    free(platforms);
    if (status != GPUCC_OK) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return status;
}

gpucc_status gpucc_cl_list_devices(gpucc_cl_device_info **out, size_t *count)
{
    if (!out || !count)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_cl_list_devices: out or count is NULL");
    *out = NULL;
    gpucci_cl_device *devices;
    gpucc_status status = gpucci_cl_enumerate(&devices, count);
    if (status != GPUCC_OK)
        return status;
    *out = calloc(*count ? *count : 1, sizeof **out);
    if (!*out) {
        free(devices);
        *count = 0;
        return gpucci_fail(GPUCC_E_NOMEM, "cannot list OpenCL devices");
    }
    for (size_t i = 0; i < *count; i++)
        (*out)[i] = devices[i].info;
    free(devices);
    return GPUCC_OK;
}

/* Case-insensitive substring test. */
static int contains_ignoring_case(const char *haystack, const char *needle)
{
    size_t len = strlen(needle);
    for (; *haystack; haystack++)
        if (strncasecmp(haystack, needle, len) == 0)
            return 1;
    return len == 0;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* Index of the first device matching selector, or -1. */
static long find_device(const gpucci_cl_device *devices, size_t count, const char *selector)
{
    if (!selector || !*selector) {
        long index = find_device(devices, count, "gpu");
        if (index < 0)
            index = find_device(devices, count, "cpu");
        return index < 0 && count > 0 ? 0 : index;
    }
    if (all_digits(selector)) {
        unsigned long index = strtoul(selector, NULL, 10);
        return index < count ? (long)index : -1;
    }
    int by_type = strcasecmp(selector, "gpu") == 0 || strcasecmp(selector, "cpu") == 0 ||
                  strcasecmp(selector, "accelerator") == 0;
    for (size_t i = 0; i < count; i++) {
        const gpucc_cl_device_info *info = &devices[i].info;
        if (by_type ? strcasecmp(info->type, selector) == 0 : contains_ignoring_case(info->name, selector))
            return (long)i;
    }
    return -1;
}

gpucc_status gpucci_cl_select(const char *selector, gpucci_cl_device *out)
{
    gpucci_cl_device *devices;
    size_t count;
    gpucc_status status = gpucci_cl_enumerate(&devices, &count);
    if (status != GPUCC_OK)
        return status;
    long index = find_device(devices, count, selector);
    if (index >= 0)
        *out = devices[index];
    free(devices);
    if (count == 0)
        return gpucci_fail(GPUCC_E_UNAVAILABLE, "no OpenCL device found (is an ICD such as PoCL installed?)");
    if (index < 0)
        return gpucci_fail(GPUCC_E_UNAVAILABLE, "no OpenCL device matches '%s' (see 'gpucc devices')",
                          selector);
    return GPUCC_OK;
}

gpucc_status gpucci_cl_build(cl_context context, cl_device_id device, const char *const *sources,
                            size_t count, const char *options, cl_program *out)
{
    cl_int err;
    cl_program program = clCreateProgramWithSource(context, (cl_uint)count, (const char **)sources, NULL, &err);
    if (err != CL_SUCCESS)
        return gpucci_cl_fail(err, "clCreateProgramWithSource");
    err = clBuildProgram(program, 1, &device, options, NULL, NULL);
    if (err != CL_SUCCESS) {
        size_t log_size = 0;
        clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, 0, NULL, &log_size);
        char *log = malloc(log_size + 1);
        if (log && (log_size == 0 || clGetProgramBuildInfo(program, device, CL_PROGRAM_BUILD_LOG, log_size, log,
                                                           NULL) != CL_SUCCESS)) {
            free(log); /* no log: never print an unset buffer */
            log = NULL;
        }
        if (log)
            log[log_size] = '\0';
        gpucc_status status = gpucci_fail(GPUCC_E_BUILD, "OpenCL build failed: %s (%d), options '%s'; build log:\n%s",
                                         gpucci_cl_error_name(err), (int)err, options, log ? log : "(unavailable)");
        free(log);
        clReleaseProgram(program);
        return status;
    }
    *out = program;
    return GPUCC_OK;
}

double gpucci_cl_event_ms(cl_event event)
{
    cl_ulong start = 0, end = 0;
    if (clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL) != CL_SUCCESS ||
        clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL) != CL_SUCCESS)
        return 0.0;
    return (double)(end - start) * 1e-6;
}
