/* Where the ceilings of `gpucc bench` come from: measured at the start
 * (host memory and arithmetic, OpenBLAS, the OpenCL device; see
 * ceilings.c), skipped, or reused from a saved run of this machine, with
 * what that run lacks and this one needs measured now. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-cmd.h"
#include "bench-json-read.h"
#include "build-info.h"
#include "ceilings.h"
#include "cpuinfo.h"

/* OpenBLAS's SGEMM (ceilings.c) with 1 thread and with all, where gpucc
 * was built with OpenBLAS: peers of serial and pthreads dense, listed for
 * comparison (not ceilings: a generic build is far below the FMA peak). */
static void measure_openblas(bench_report *r)
{
#ifdef GPUCC_HAVE_OPENBLAS
    unsigned cpus = gpucc_cpu_count();
    for (int all = 0; all < 2; all++) {
        bench_ceiling *c = &r->ceilings[all ? CEIL_OPENBLAS_ALL : CEIL_OPENBLAS_1T];
        c->measured = cli_blas_sgemm_gflops(DENSE_DIM, all ? cpus : 1, 5, &c->value) == 0;
        snprintf(c->what, sizeof c->what,
                 "OpenBLAS cblas_sgemm %dx%dx%d, %u thread%s, wall time, median of 5 (a peer, not a ceiling)",
                 DENSE_DIM, DENSE_DIM, DENSE_DIM, all ? cpus : 1, all && cpus > 1 ? "s" : "");
    }
    if (!r->ceilings[CEIL_OPENBLAS_1T].measured)
        bench_note(r, "OpenBLAS SGEMM could not be measured (memory)");
#else
    (void)r;
#endif
}

/* Host FP32 FMA peak (gpucc_peak_fma) with 1 thread and with all, each
 * unless already known: the ceilings of dense on the CPU backends. */
static void measure_host_fma(bench_report *r)
{
    unsigned cpus = gpucc_cpu_count();
    for (int all = 0; all < 2; all++) {
        bench_ceiling_id id = all ? CEIL_HOST_FMA_ALL : CEIL_HOST_FMA_1T;
        bench_ceiling *c = &r->ceilings[id];
        unsigned threads = all ? cpus : 1;
        if (c->measured)
            continue;
        c->measured = gpucc_peak_fma(threads, 7, &c->value) == GPUCC_OK;
        snprintf(c->what, sizeof c->what,
                 "register-only FP32 FMA chains (%s), %u thread%s, 2 flops per lane, median of 7", gpucci_cpu_isa(),
                 threads, threads > 1 ? "s" : "");
        if (!c->measured)
            bench_note(r, "no %s ceiling: %s", bench_ceiling_name(id), gpucc_last_error());
    }
}

/* Host read (1 and all threads) and copy (1 and all threads) bandwidth over
 * buffers of CEILING_BYTES of random data each, shrunk to fit memory; those
 * already known are left as they are. */
static void measure_host(bench_report *r)
{
    static const bench_ceiling_id ids[4] = {CEIL_HOST_READ_1T, CEIL_HOST_READ_ALL, CEIL_HOST_COPY_1T,
                                            CEIL_HOST_COPY_ALL};
    int missing = 0;
    for (int i = 0; i < 4; i++)
        missing += !r->ceilings[ids[i]].measured;
    if (!missing)
        return;
    double bytes = (double)cli_ceiling_buffer_bytes((size_t)CEILING_BYTES);
    if (bytes < CEILING_BYTES)
        bench_note(r, "host ceilings over %.2f GB buffers instead of %.1f GB: only %.1f GB of memory available",
                   bytes * 1e-9, CEILING_BYTES * 1e-9, cli_available_bytes() * 1e-9);
    cli_host_buffers b;
    if (cli_host_buffers_alloc((size_t)bytes, &b) != GPUCC_OK) {
        bench_note(r, "no host ceilings: %s", gpucc_last_error());
        return;
    }
    unsigned cpus = gpucc_cpu_count();
    for (int i = 0; i < 4; i++) {
        int copy = i >= 2, all = i % 2;
        bench_ceiling *c = &r->ceilings[ids[i]];
        unsigned threads = all ? cpus : 1;
        if (c->measured)
            continue;
        gpucc_status status = copy ? gpucc_peak_copy_bandwidth(b.src, b.dst, b.n, threads, 7, &c->value)
                                   : gpucc_peak_read_bandwidth(b.src, b.n, threads, 7, &c->value);
        c->measured = status == GPUCC_OK;
        snprintf(c->what, sizeof c->what, "host memory %s, %u thread%s, %.2f GB %s, median of 7",
                 copy ? "copy (memcpy; read + write bytes)" : "read (vectorised sum)", threads,
                 threads > 1 ? "s" : "", bytes * 1e-9, copy ? "buffers" : "buffer");
        if (!c->measured)
            bench_note(r, "no %s ceiling: %s", bench_ceiling_name(ids[i]), gpucc_last_error());
    }
    cli_host_buffers_free(&b);
}

/* Sets a device ceiling unless it is already known. */
static void set_device_ceiling(bench_report *r, bench_ceiling_id id, gpucc_stats value, const char *what,
                               const char *device)
{
    bench_ceiling *c = &r->ceilings[id];
    if (c->measured)
        return;
    c->measured = value.median > 0;
    c->value = value;
    snprintf(c->what, sizeof c->what, "%.150s; %.120s", what, device);
}

/* The ceilings gpucc_device_peak_measure gives, but CLBlast's GEMM. */
static const bench_ceiling_id device_ceilings[] = {
    CEIL_CL_READ, CEIL_CL_COPY, CEIL_CL_FMA, CEIL_CL_H2D, CEIL_CL_D2H, CEIL_CL_PINNED_H2D,
    CEIL_CL_PINNED_D2H, CEIL_CL_PINNED_ROUNDTRIP, CEIL_CL_PINNED_BIDIR, CEIL_CL_LAUNCH};

/* The selected OpenCL device's ceilings (gpucc_device_peak_measure, with
 * CLBlast for GEMM), when any is not yet known; none when the device does
 * not open (its rows say why). */
static void measure_device(bench_report *r, const bench_options *o, progress *p)
{
    /* CLBlast's GEMM is only listed for the batch suite, and only when it is
     * measured fresh: without either, gpucc's own kernel stands in (built
     * already) and CLBlast's compilation is saved. */
    int gemm = (o->suites & (1u << BENCH_BATCH)) != 0 && gpucci_build()->clblast && !o->ceilings;
    int missing = 0;
    for (size_t i = 0; i < sizeof device_ceilings / sizeof device_ceilings[0]; i++)
        missing += !r->ceilings[device_ceilings[i]].measured;
    if (!missing)
        return;
    gpucc_backend_config config = {.device = o->device, .dense_impl = gemm ? GPUCC_DENSE_CLBLAST : GPUCC_DENSE_KERNEL,
                                   .notice = bench_progress_notice, .notice_ctx = p};
    gpucc_device_peak peak;
    int opened;
    gpucc_status status = cli_device_peaks(&config, cli_ceiling_buffer_bytes((size_t)CEILING_BYTES), &peak, &opened);
    if (!opened)
        return;
    if (status != GPUCC_OK)
        bench_note(r, "OpenCL device ceilings incomplete: %s", gpucc_last_error());
    char what[120];
    snprintf(what, sizeof what, "streaming read kernel over %.2f GB, event time", peak.bytes * 1e-9);
    set_device_ceiling(r, CEIL_CL_READ, peak.read_gbps, what, peak.device);
    snprintf(what, sizeof what, "copy kernel over %.2f GB (read + write bytes), event time", peak.bytes * 1e-9);
    set_device_ceiling(r, CEIL_CL_COPY, peak.copy_gbps, what, peak.device);
    set_device_ceiling(r, CEIL_CL_FMA, peak.fma_gflops, "FP32 fma chains kernel (float4 or float16), event time",
                       peak.device);
    set_device_ceiling(r, CEIL_CL_H2D, peak.host_to_device_gbps,
                       "clEnqueueWriteBuffer from pageable memory (for comparison: copy paths stage through pinned)",
                       peak.device);
    set_device_ceiling(r, CEIL_CL_D2H, peak.device_to_host_gbps,
                       "clEnqueueReadBuffer into pageable memory (for comparison: copy paths stage through pinned)",
                       peak.device);
    set_device_ceiling(r, CEIL_CL_PINNED_H2D, peak.pinned_host_to_device_gbps,
                       "clEnqueueWriteBuffer from pinned memory (CL_MEM_ALLOC_HOST_PTR)", peak.device);
    set_device_ceiling(r, CEIL_CL_PINNED_D2H, peak.pinned_device_to_host_gbps,
                       "clEnqueueReadBuffer into pinned memory (CL_MEM_ALLOC_HOST_PTR)", peak.device);
    gpucc_stats h = peak.pinned_host_to_device_gbps, d = peak.pinned_device_to_host_gbps, trip = {0, 0, 0};
    if (h.min > 0 && d.min > 0)
        trip = (gpucc_stats){2 / (1 / h.median + 1 / d.median), 2 / (1 / h.min + 1 / d.min),
                             2 / (1 / h.max + 1 / d.max)};
    set_device_ceiling(r, CEIL_CL_PINNED_ROUNDTRIP, trip,
                       "pinned copies in then out (map copied without overlap): 2 / (1/pinned h2d + 1/pinned d2h)",
                       peak.device);
    set_device_ceiling(r, CEIL_CL_PINNED_BIDIR, peak.pinned_bidirectional_gbps,
                       "pinned copies in and out at once on two queues, half the buffer each way, bytes moved both "
                       "ways / wall time (map copied with overlap)",
                       peak.device);
    if (gemm)
        set_device_ceiling(r, CEIL_CL_GEMM, peak.gemm_gflops, "CLBlast SGEMM 1024^3, event time (a peer, not a ceiling)",
                           peak.device);
    set_device_ceiling(r, CEIL_CL_LAUNCH, peak.launch_us, "empty kernel, enqueue to completion (not a ceiling)",
                       peak.device);
}

/* After reuse: appends to the source line the ceilings this run measured
 * because the reused file lacked them. */
static void name_measured_now(bench_report *r, const int *reused)
{
    size_t used = strlen(r->ceilings_source);
    const char *lead = "; measured now: ";
    for (int id = 0; id < CEIL_COUNT && used < sizeof r->ceilings_source; id++) {
        if (reused[id] || !r->ceilings[id].measured)
            continue;
        used += (size_t)snprintf(r->ceilings_source + used, sizeof r->ceilings_source - used, "%s%s", lead,
                                 bench_ceiling_name(id));
        lead = ", ";
    }
}

int bench_measure_ceilings(bench_report *r, const bench_options *o, progress *p)
{
    if (o->ceilings && strcmp(o->ceilings, "skip") == 0) {
        r->ceilings_skipped = 1;
        return 0;
    }
    int reused[CEIL_COUNT] = {0};
    if (o->ceilings) {
        int rc = bench_load_ceilings(o->ceilings, r);
        if (rc != 0)
            return rc;
        for (int id = 0; id < CEIL_COUNT; id++)
            reused[id] = r->ceilings[id].measured;
    }
    int dense = (o->suites & (1u << BENCH_BATCH)) != 0;
    int dense_cpu = dense && (o->backends & ((1u << GPUCC_BACKEND_SERIAL) | (1u << GPUCC_BACKEND_PTHREADS)));
    if (dense_cpu && !o->ceilings) {
        bench_progress_line(p, "peers: OpenBLAS SGEMM");
        measure_openblas(r);
    }
    if (dense) {
        bench_progress_line(p, "ceilings: host FP32 FMA peak");
        measure_host_fma(r);
    }
    bench_progress_line(p, "ceilings: host read and copy bandwidth");
    measure_host(r);
    if (o->backends & (1u << GPUCC_BACKEND_OPENCL)) {
        bench_progress_line(p, "ceilings: OpenCL device (read, copy, FMA, transfers, launch, CLBlast GEMM)");
        measure_device(r, o, p);
    }
    if (o->ceilings)
        name_measured_now(r, reused);
    return 0;
}

/* Reads the "ceilings" block of a saved run into r->ceilings, after checking
 * that the run was measured on a machine with this CPU model and count. */
int bench_load_ceilings(const char *path, bench_report *r)
{
    FILE *f = bench_json_open("--ceilings file", path);
    if (!f)
        return GPUCC_EXIT_NOINPUT;
    static char line[1 << 16];
    static bench_json_member members[BENCH_JSON_MAX_MEMBERS];
    char why[320] = "", cpu[256] = "", date[64] = "";
    long number = 0, cpus = 0;
    int state = 0, loaded = 0; /* state: 0 header, 1 before ceilings, 2 in ceilings, 3 done */
    while (state != 3 && !why[0] && fgets(line, sizeof line, f)) {
        number++;
        const char *p = bench_json_skip_space(line);
        if (state == 0) {
            if (strncmp(line, "{\"schema_version\": 1,", 21) != 0)
                snprintf(why, sizeof why, "not a gpucc bench JSON file of schema_version 1");
            state = 1;
        } else if (state == 1) {
            if (strncmp(p, "\"context\": ", 11) == 0) {
                bench_json_machine(p, cpu, sizeof cpu, &cpus);
                bench_json_find_text(p, "date", date, sizeof date);
            } else if (strncmp(p, "\"ceilings\": {", 13) == 0) {
                state = *bench_json_skip_space(p + 13) == '}' ? 3 : 2;
            }
        } else if (*p == '}') {
            state = 3;
        } else {
            char name[32];
            const char *rest = bench_json_read_string(p, name, sizeof name);
            int id = 0;
            while (id < CEIL_COUNT && strcmp(bench_ceiling_name(id), name) != 0)
                id++;
            rest = rest ? bench_json_skip_space(rest) : NULL;
            int count = rest && *rest == ':' ? bench_json_object_line(rest + 1, members) : -1;
            const char *median = count > 0 ? bench_json_member_value(members, count, "median") : NULL,
                       *min = count > 0 ? bench_json_member_value(members, count, "min") : NULL,
                       *max = count > 0 ? bench_json_member_value(members, count, "max") : NULL,
                       *what = count > 0 ? bench_json_member_value(members, count, "what") : NULL;
            if (!median || !min || !max || !what) {
                snprintf(why, sizeof why, "line %ld is not a ceiling", number);
            } else if (id < CEIL_COUNT) { /* names this gpucc does not know are left out */
                bench_ceiling *c = &r->ceilings[id];
                c->value = (gpucc_stats){strtod(median, NULL), strtod(min, NULL), strtod(max, NULL)};
                c->measured = c->value.median > 0;
                snprintf(c->what, sizeof c->what, "%.300s", what);
                loaded += c->measured;
            }
        }
    }
    fclose(f);
    if (!why[0] && state != 3)
        snprintf(why, sizeof why, "no \"ceilings\" block");
    else if (!why[0] && (strcmp(cpu, r->context.cpu) != 0 || cpus != (long)r->context.cpus))
        snprintf(why, sizeof why, "measured on %ld x '%.60s', this machine has %u x '%.60s': another machine's ceilings "
                 "are no ceilings here", cpus, cpu, r->context.cpus, r->context.cpu);
    if (why[0]) {
        fprintf(stderr, "gpucc bench: --ceilings=%s: %s\n", path, why);
        return GPUCC_EXIT_DATAERR;
    }
    snprintf(r->ceilings_source, sizeof r->ceilings_source, "reused from %.200s (measured %.40s)", path, date);
    if (!loaded)
        bench_note(r, "%s holds no ceilings: those this run needs are measured now", path);
    return 0;
}
