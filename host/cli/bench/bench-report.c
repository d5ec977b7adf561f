/* The records of `gpucc bench`: the names of suites, ceilings and row
 * states, notes, and what is derived from a row (throughput, unit, the
 * ceilings it is placed against and its fraction of them). */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "bench.h"

static const char *const suite_names[BENCH_SUITE_COUNT] = {"size", "threads", "wgsize", "batch", "overlap"};
static const char *const status_names[ROW_STATE_COUNT] = {"pending", "ok", "error", "skipped"};

static const struct {
    const char *name, *unit;
} ceiling_info[CEIL_COUNT] = {
    [CEIL_HOST_READ_1T] = {"host_read_1t", "GB/s"},     [CEIL_HOST_READ_ALL] = {"host_read_all", "GB/s"},
    [CEIL_HOST_COPY_1T] = {"host_copy_1t", "GB/s"},     [CEIL_HOST_COPY_ALL] = {"host_copy_all", "GB/s"},
    [CEIL_HOST_FMA_1T] = {"host_fma_1t", "GFLOP/s"},    [CEIL_HOST_FMA_ALL] = {"host_fma_all", "GFLOP/s"},
    [CEIL_OPENBLAS_1T] = {"openblas_sgemm_1t", "GFLOP/s"}, [CEIL_OPENBLAS_ALL] = {"openblas_sgemm_all", "GFLOP/s"},
    [CEIL_CL_READ] = {"opencl_read", "GB/s"},           [CEIL_CL_H2D] = {"opencl_h2d", "GB/s"},
    [CEIL_CL_COPY] = {"opencl_copy", "GB/s"},           [CEIL_CL_FMA] = {"opencl_fma", "GFLOP/s"},
    [CEIL_CL_PINNED_H2D] = {"opencl_pinned_h2d", "GB/s"}, [CEIL_CL_PINNED_D2H] = {"opencl_pinned_d2h", "GB/s"},
    [CEIL_CL_D2H] = {"opencl_d2h", "GB/s"},             [CEIL_CL_PINNED_BIDIR] = {"opencl_pinned_bidir", "GB/s"},
    [CEIL_CL_PINNED_ROUNDTRIP] = {"opencl_pinned_roundtrip", "GB/s"},
    [CEIL_CL_GEMM] = {"opencl_clblast_sgemm", "GFLOP/s"}, [CEIL_CL_LAUNCH] = {"opencl_launch", "us"},
};

const char *bench_suite_name(bench_suite suite)
{
    return suite < BENCH_SUITE_COUNT ? suite_names[suite] : "?";
}

const char *bench_ceiling_name(bench_ceiling_id id)
{
    return id >= 0 && id < CEIL_COUNT ? ceiling_info[id].name : "none";
}

void bench_axis_workloads(gpucci_axis axis, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < gpucci_workload_count && len < size; i++) {
        const gpucci_workload *w = gpucci_workloads[i];
        if (w->bench_axis != axis)
            continue;
        len += (size_t)snprintf(buf + len, size - len, "%s%s%s%s", len ? ", " : "", w->name,
                                w->variant_option ? " " : "", w->variant_option ? w->variant_name(w->bench_variant) : "");
    }
}

void bench_note(bench_report *report, const char *format, ...)
{
    if (report->note_count == (int)(sizeof report->notes / sizeof report->notes[0]))
        return;
    va_list args;
    va_start(args, format);
    vsnprintf(report->notes[report->note_count++], sizeof report->notes[0], format, args);
    va_end(args);
}

double bench_throughput(const bench_row *row, double ms)
{
    return ms > 0 ? row->units / (ms * 1e6) : 0.0;
}

const char *bench_unit(const bench_row *row)
{
    return row->workload->bound == GPUCCI_BOUND_FMA ? "GFLOP/s" : "GB/s";
}

double bench_fraction(const bench_report *report, const bench_row *row, int kernel)
{
    bench_ceiling_id id = kernel ? row->kernel_ceiling : row->ceiling;
    double ms = kernel ? row->m.kernel_ms.median : row->m.total_ms.median;
    if (id == CEIL_NONE || row->status != ROW_OK || !(report->ceilings[id].value.median > 0) || !(ms > 0))
        return NAN;
    return bench_throughput(row, ms) / report->ceilings[id].value.median;
}

/* Workloads bound by reading go against read bandwidth, by reading and
 * writing against copy bandwidth, by arithmetic against the FMA peak: one
 * thread's for serial, all threads' for pthreads and for OpenCL end to end
 * on a shared-memory device, the device's for OpenCL kernel time. Where the
 * OpenCL row copied its data (through pinned staging), end to end is bound
 * by the link instead: reading by the pinned host-to-device rate, reading
 * and writing by both directions at once when the copies overlapped, else
 * by the pinned round trip; arithmetic stays against the device's FMA peak. */
void bench_choose_ceilings(const bench_report *report, bench_row *row)
{
    int opencl = row->backend == GPUCC_BACKEND_OPENCL, serial = row->backend == GPUCC_BACKEND_SERIAL;
    int copied = opencl && (row->m.flags & GPUCC_RESULT_COPIED),
        overlapped = (row->m.flags & GPUCC_RESULT_OVERLAPPED) != 0;
    bench_ceiling_id total, kernel;
    switch (row->workload->bound) {
    case GPUCCI_BOUND_READ:
        total = serial ? CEIL_HOST_READ_1T : copied ? CEIL_CL_PINNED_H2D : CEIL_HOST_READ_ALL;
        kernel = opencl ? CEIL_CL_READ : total;
        break;
    case GPUCCI_BOUND_COPY:
        total = serial   ? CEIL_HOST_COPY_1T
                : copied ? (overlapped ? CEIL_CL_PINNED_BIDIR : CEIL_CL_PINNED_ROUNDTRIP)
                         : CEIL_HOST_COPY_ALL;
        kernel = opencl ? CEIL_CL_COPY : total;
        break;
    default:
        total = serial ? CEIL_HOST_FMA_1T : copied ? CEIL_CL_FMA : CEIL_HOST_FMA_ALL;
        kernel = opencl ? CEIL_CL_FMA : total;
        break;
    }
    row->ceiling = report->ceilings[total].measured ? total : CEIL_NONE;
    row->kernel_ceiling = report->ceilings[kernel].measured ? kernel : CEIL_NONE;
}

const char *bench_ceiling_unit(bench_ceiling_id id)
{
    return id >= 0 && id < CEIL_COUNT ? ceiling_info[id].unit : "";
}

const char *bench_status_name(bench_row_status status)
{
    return (unsigned)status < ROW_STATE_COUNT ? status_names[status] : "?";
}
