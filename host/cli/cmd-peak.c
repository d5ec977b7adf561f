/* gpucc peak: the machine's ceilings, measured in one process, that every
 * throughput gpucc reports can be placed against. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-info.h"
#include "ceilings.h"
#include "cli.h"
#include "commands.h"
#include "context.h"
#include "gpucc.h"
#include "json-csv.h"
#include "parse.h"

enum { HOST_REPEAT = 5, DEVICE_BYTES = 256 << 20 };

typedef struct {
    size_t bytes;
    gpucc_stats read_1, read_all, copy_all, fma_1, fma_all;
    int have_blas;
    gpucc_stats blas;
} host_peak;

static void print_help(void)
{
    printf("usage: gpucc peak [--size-mb=N] [--device=all|N|gpu|cpu|NAME] [--format=table|json]\n"
           "\n"
           "Measures the ceilings of this machine: host memory read bandwidth with one\n"
           "thread and with all, copy bandwidth (bytes read + written), the FP32 FMA peak\n"
           "with one thread and with all (register-only loop, widest vectors), and for each\n"
           "OpenCL device its global-memory read and copy bandwidth, FP32 FMA peak,\n"
           "host<->device transfer bandwidth from pageable and from pinned memory (and\n"
           "from pinned memory both directions at once), map/unmap cost and kernel\n"
           "launch latency. OpenBLAS SGEMM (where gpucc was built with it) and CLBlast\n"
           "SGEMM (1024^3) are listed as peers, not ceilings.\n"
           "Host buffers: --size-mb each (default 1536, well above the last-level cache),\n"
           "random data.\n");
}

/* Host ceilings over buffers of `bytes` (shrunk to a quarter of available
 * memory, see cli_ceiling_buffer_bytes). */
static int measure_host(size_t bytes, host_peak *out)
{
    size_t fitting = cli_ceiling_buffer_bytes(bytes);
    if (fitting < bytes) {
        bytes = fitting;
        fprintf(stderr, "gpucc peak: buffers shrunk to %zu MB (a quarter of memory)\n", bytes >> 20);
    }
    cli_host_buffers buffers;
    int rc = cli_host_buffers_alloc(bytes, &buffers) == GPUCC_OK ? 0 : GPUCC_EXIT_FAILED;
    if (rc == 0) {
        out->bytes = buffers.n * sizeof(float);
        if (gpucc_peak_read_bandwidth(buffers.src, buffers.n, 1, HOST_REPEAT, &out->read_1) != GPUCC_OK ||
            gpucc_peak_read_bandwidth(buffers.src, buffers.n, 0, HOST_REPEAT, &out->read_all) != GPUCC_OK ||
            gpucc_peak_copy_bandwidth(buffers.src, buffers.dst, buffers.n, 0, HOST_REPEAT, &out->copy_all) !=
                GPUCC_OK ||
            gpucc_peak_fma(1, HOST_REPEAT, &out->fma_1) != GPUCC_OK ||
            gpucc_peak_fma(0, HOST_REPEAT, &out->fma_all) != GPUCC_OK)
            rc = GPUCC_EXIT_FAILED;
    }
    if (rc != 0)
        fprintf(stderr, "gpucc peak: %s\n", gpucc_last_error());
    cli_host_buffers_free(&buffers);
    out->have_blas = rc == 0 && cli_blas_sgemm_gflops(1024, 0, 5, &out->blas) == 0;
    return rc;
}

/* Opens the OpenCL device that selector selects and measures it into
 * peaks[*count], counting it. Returns 0, or after printing why: 69 when the
 * device is absent (also when there is no OpenCL platform at all), else 1. */
static int measure_device(const char *option, const char *selector, gpucc_device_peak *peaks, size_t *count)
{
    /* The GEMM peer is CLBlast's; a build without CLBlast measures gpucc's kernel. */
    gpucc_backend_config config = {.device = selector,
                                   .dense_impl = gpucci_build()->clblast ? GPUCC_DENSE_CLBLAST : GPUCC_DENSE_KERNEL};
    int opened;
    gpucc_status status = cli_device_peaks(&config, DEVICE_BYTES, &peaks[*count], &opened);
    if (status == GPUCC_OK) {
        (*count)++;
        return 0;
    }
    fprintf(stderr, "gpucc peak: %s%s: %s\n", option, selector, gpucc_last_error());
    return status == GPUCC_E_UNAVAILABLE ? GPUCC_EXIT_UNAVAILABLE : GPUCC_EXIT_FAILED;
}

/* Measures the OpenCL devices that selector names into peaks (at most 8):
 * for NULL or "all" every device there is (none without an OpenCL platform,
 * which is no error), else the one it selects, which must exist. */
static int measure_devices(const char *selector, gpucc_device_peak *peaks, size_t *count)
{
    *count = 0;
    if (selector && strcmp(selector, "all") != 0)
        return measure_device("--device=", selector, peaks, count);
    gpucc_cl_device_info *devices;
    size_t total;
    if (gpucc_cl_list_devices(&devices, &total) != GPUCC_OK) {
        fprintf(stderr, "gpucc peak: %s\n", gpucc_last_error());
        return GPUCC_EXIT_FAILED;
    }
    int rc = 0;
    for (size_t i = 0; i < total && *count < 8 && rc == 0; i++) {
        char index[16];
        snprintf(index, sizeof index, "%u", devices[i].index);
        rc = measure_device("device ", index, peaks, count);
    }
    free(devices);
    return rc;
}

/* One measured value of the table and the JSON: its row label, JSON key,
 * unit and place in host_peak or gpucc_device_peak. */
typedef struct {
    const char *label, *key, *unit;
    size_t offset;
} peak_field;

#define HOST_FIELD(label, key, unit, member) {label, key, unit, offsetof(host_peak, member)}
static const peak_field host_fields[] = {
    HOST_FIELD("read, 1 thread", "read_1_thread_gbps", "GB/s", read_1),
    HOST_FIELD("read, all threads", "read_all_threads_gbps", "GB/s", read_all),
    HOST_FIELD("copy (read + write), all threads", "copy_all_threads_gbps", "GB/s", copy_all),
    HOST_FIELD("FP32 FMA, 1 thread", "fma_1_thread_gflops", "GFLOP/s", fma_1),
    HOST_FIELD("FP32 FMA, all threads", "fma_all_threads_gflops", "GFLOP/s", fma_all),
};
#undef HOST_FIELD

/* The GEMM peer comes last: gpucc's own kernel in a build without CLBlast. */
#define DEVICE_FIELD(label, key, unit, member) {label, key, unit, offsetof(gpucc_device_peak, member)}
static const peak_field device_fields[] = {
    DEVICE_FIELD("global memory read (kernel)", "read_gbps", "GB/s", read_gbps),
    DEVICE_FIELD("global memory copy (kernel, r + w)", "copy_gbps", "GB/s", copy_gbps),
    DEVICE_FIELD("FP32 FMA (kernel)", "fma_gflops", "GFLOP/s", fma_gflops),
    DEVICE_FIELD("host to device (pageable)", "host_to_device_gbps", "GB/s", host_to_device_gbps),
    DEVICE_FIELD("device to host (pageable)", "device_to_host_gbps", "GB/s", device_to_host_gbps),
    DEVICE_FIELD("host to device (pinned)", "pinned_host_to_device_gbps", "GB/s", pinned_host_to_device_gbps),
    DEVICE_FIELD("device to host (pinned)", "pinned_device_to_host_gbps", "GB/s", pinned_device_to_host_gbps),
    DEVICE_FIELD("both directions at once (pinned)", "pinned_bidirectional_gbps", "GB/s", pinned_bidirectional_gbps),
    DEVICE_FIELD("map + unmap, whole buffer", "map_unmap_us", "us", map_us),
    DEVICE_FIELD("kernel launch latency", "launch_us", "us", launch_us),
    DEVICE_FIELD("CLBlast SGEMM 1024^3 (peer)", "clblast_sgemm_gflops", "GFLOP/s", gemm_gflops),
};
#undef DEVICE_FIELD

static gpucc_stats field_value(const void *record, const peak_field *field)
{
    gpucc_stats value;
    memcpy(&value, (const char *)record + field->offset, sizeof value);
    return value;
}

static void print_stats_row(const char *name, gpucc_stats s, const char *unit)
{
    printf("  %-34s %12.2f %-8s [%.2f - %.2f]\n", name, s.median, unit, s.min, s.max);
}

/* The rows of fields[0..count) of record; the last one labelled `last`
 * instead of its own label when that is not NULL. */
static void print_fields(const void *record, const peak_field *fields, size_t count, const char *last)
{
    for (size_t i = 0; i < count; i++)
        print_stats_row(last && i + 1 == count ? last : fields[i].label, field_value(record, &fields[i]),
                        fields[i].unit);
}

static void json_fields(const void *record, const peak_field *fields, size_t count)
{
    for (size_t i = 0; i < count; i++)
        cli_json_stats(stdout, fields[i].key, field_value(record, &fields[i]));
}

static void print_table(const cli_context *ctx, const host_peak *host, const gpucc_device_peak *peaks,
                        size_t count)
{
    cli_context_print(stdout, ctx, "");
    printf("\nhost (%zu MB buffers, median [min - max] of %d)\n", host->bytes >> 20, HOST_REPEAT);
    print_fields(host, host_fields, sizeof host_fields / sizeof host_fields[0], NULL);
    if (host->have_blas)
        print_stats_row("OpenBLAS SGEMM 1024^3 (peer)", host->blas, "GFLOP/s");
    else
        printf("  %-34s (gpucc built without OpenBLAS)\n", "OpenBLAS SGEMM (peer)");
    if (count == 0)
        printf("\nOpenCL: unavailable (%s)\n",
               gpucci_build()->opencl ? "no platform or device found" : "gpucc built without OpenCL");
    for (size_t i = 0; i < count; i++) {
        const gpucc_device_peak *p = &peaks[i];
        printf("\nOpenCL %s (%zu MB buffer)\n", p->device, p->bytes >> 20);
        print_fields(p, device_fields, sizeof device_fields / sizeof device_fields[0],
                     gpucci_build()->clblast ? NULL : "gpucc dense kernel 1024^3 (peer)");
    }
}

static void print_json(const cli_context *ctx, const host_peak *host, const gpucc_device_peak *peaks, size_t count)
{
    printf("{\"schema_version\": 1, ");
    cli_context_json(stdout, ctx);
    printf(",\n \"host\": {\"bytes\": %zu", host->bytes);
    json_fields(host, host_fields, sizeof host_fields / sizeof host_fields[0]);
    if (host->have_blas)
        cli_json_stats(stdout, "openblas_sgemm_gflops", host->blas);
    printf("},\n \"opencl\": [");
    for (size_t i = 0; i < count; i++) {
        const gpucc_device_peak *p = &peaks[i];
        printf("%s\n  {\"device\": ", i ? "," : "");
        cli_json_string(stdout, p->device);
        printf(", \"bytes\": %zu", p->bytes);
        json_fields(p, device_fields, sizeof device_fields / sizeof device_fields[0]);
        printf("}");
    }
    printf("\n ]\n}\n");
}

typedef struct {
    uint64_t size_mb;
    const char *device;
    int json;
} peak_options;

static int apply_option(int opt, const char *arg, void *ctx)
{
    static const char *const format_names[] = {"table", "json"};
    peak_options *o = ctx;
    char why[96];
    switch (opt) {
    case 's':
        if (cli_parse_count(arg, 16, UINT64_C(1) << 20, &o->size_mb, why, sizeof why) != 0)
            return cli_usage_error("peak", "--size-mb", arg, why);
        return 0;
    case 'd': return cli_take_path("peak", "--device", arg, &o->device);
    case 'f': return cli_parse_choice("peak", "--format", arg, format_names, 2, &o->json);
    }
    return GPUCC_EXIT_USAGE;
}

int cli_cmd_peak(int argc, char **argv)
{
    static const struct option options[] = {
        {"size-mb", required_argument, NULL, 's'}, {"device", required_argument, NULL, 'd'},
        {"format", required_argument, NULL, 'f'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    peak_options o = {.size_mb = 1536};
    int rc = cli_read_options("peak", argc, argv, options, print_help, apply_option, &o);
    if (rc)
        return rc == -1 ? GPUCC_EXIT_OK : rc;
    cli_context ctx;
    host_peak host = {0};
    gpucc_device_peak peaks[8];
    size_t count = 0;
    cli_context_collect(&ctx);
    rc = measure_devices(o.device, peaks, &count);
    if (rc == 0)
        rc = measure_host((size_t)o.size_mb << 20, &host);
    if (rc != 0)
        return rc;
    if (o.json)
        print_json(&ctx, &host, peaks, count);
    else
        print_table(&ctx, &host, peaks, count);
    return GPUCC_EXIT_OK;
}
