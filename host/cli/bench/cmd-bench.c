/* gpucc bench: sweeps over size, thread count, work-group size, batch and
 * transfer overlap, every point verified and placed against a ceiling
 * measured at the start in the same process.
 *
 * Flow: parse options -> measure ceilings -> plan every point as a pending
 * row (so progress knows the total) -> run the points in order, opening each
 * backend configuration once and closing it after its last point -> print a
 * table per suite, write JSON and CSV, compare with an older run. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "blas-peak.h"
#include "commands.h"
#include "parse.h"
#include "timer.h"
#include "workloads.h"

#ifdef GPUCC_HAVE_OPENBLAS
#include <cblas.h> /* openblas_set_num_threads */
#endif

enum {
    BENCH_WARMUP = 1,         /* untimed calls before the timed ones */
    BENCH_MIN_REPEAT = 3,     /* timed calls at least */
    BENCH_MAX_REPEAT = 100000 /* timed calls at most (tiny inputs) */
};
#define SWEEP_N 100000000.0   /* threads, wgsize, overlap: elements (capped by --max-size) */
#define DENSE_DIM 1024        /* batch suite: in = out */
#define CEILING_BYTES 1.5e9   /* per host buffer: well above this machine's 480 MB L3 */

static const gpucc_reduce_op BENCH_OP = GPUCC_REDUCE_SUM;
static const gpucc_map_fn BENCH_FN = GPUCC_MAP_SQUARE;
static const gpucc_activation BENCH_ACT = GPUCC_ACT_RELU;

typedef struct {
    unsigned suites;      /* bit mask of bench_suite */
    unsigned backends;    /* bit mask of gpucc_backend_kind */
    int backends_given;
    const char *device;
    uint64_t max_size;
    double min_time_s;
    const char *json, *csv, *compare, *from;
    const char *ceilings; /* NULL: measure; "skip"; else a saved run's JSON to reuse */
    int quiet;
} bench_options;

/* ---- Progress on stderr ---- */

typedef struct {
    int quiet, tty;
    int line_open;        /* a \r-overwritable line is showing */
    char last_notice[300];
} progress;

static void progress_clear(progress *p)
{
    if (p->line_open)
        fputs("\r\033[K", stderr);
    p->line_open = 0;
}

/* One line per point: overwritten in place on a terminal, else appended. */
static void progress_line(progress *p, const char *format, ...)
{
    if (p->quiet)
        return;
    va_list args;
    va_start(args, format);
    progress_clear(p);
    fputs("gpucc bench: ", stderr);
    vfprintf(stderr, format, args);
    va_end(args);
    if (p->tty)
        p->line_open = 1;
    else
        fputc('\n', stderr);
    fflush(stderr);
}

/* Backend notices, each distinct one once, on a line of their own. */
static void progress_notice(void *ctx, const char *message)
{
    progress *p = ctx;
    if (p->quiet || strcmp(message, p->last_notice) == 0)
        return;
    snprintf(p->last_notice, sizeof p->last_notice, "%s", message);
    progress_clear(p);
    fprintf(stderr, "gpucc bench: %s\n", message);
}

/* ---- Options ---- */

static void print_help(void)
{
    printf("usage: gpucc bench [options]\n"
           "\n"
           "Sweeps every selected backend, verifies every point, and places each against\n"
           "a ceiling measured at the start in the same process (host read and copy\n"
           "bandwidth, OpenBLAS SGEMM where installed, the OpenCL device's read\n"
           "bandwidth, transfer bandwidth and CLBlast GEMM).\n"
           "\n"
           "suites:\n"
           "  size     reduce sum and map square, 1e3 .. --max-size elements (log steps, 3e8\n"
           "           included; above the device's largest allocation runs chunked)\n"
           "  threads  pthreads reduce sum at 1e8 with 1 .. 2x online CPUs threads\n"
           "  wgsize   OpenCL reduce sum at 1e8, local sizes 1..256 (cpu shape), 16..1024 (gpu)\n"
           "  batch    dense 1024 -> 1024 with relu, batch 1, 4, 16, 64, 256, 1024\n"
           "  overlap  OpenCL reduce sum at 1e8 with copied buffers, overlap on and off\n"
           "\n"
           "options:\n"
           "  --suite=LIST         comma list of the suites above (default: all)\n"
           "  --backend=LIST       comma list of serial,pthreads,opencl (default: all available)\n"
           "  --device=N|gpu|cpu|NAME  OpenCL device (see 'gpucc devices')\n"
           "  --max-size=N         largest element count of any sweep (default: 1e9)\n"
           "  --min-time=SECONDS   timed time per point at least (default: 0.2); always\n"
           "                       1 warm-up and at least 3, at most 100000 timed calls\n"
           "  --json=PATH          write the results as JSON (schema_version 1; one row per line)\n"
           "  --csv=PATH           write the results as CSV (header + one row per line)\n"
           "  --ceilings=measure|skip|RUN.json\n"
           "                       measure the ceilings (default, 15-45 s), skip them (rows get\n"
           "                       no %% of ceiling), or reuse those of an earlier run on this machine\n"
           "  --compare=OLD.json   print old vs new throughput of matching rows\n"
           "  --from=RUN.json      with --compare: take the new side from RUN.json, run nothing\n"
           "  --quiet              no progress on stderr\n"
           "\n"
           "Results go to stdout as a table per suite. Files are written atomically.\n"
           "Exit status: 0 ok, 1 a point failed or did not verify, 64 usage error,\n"
           "65 malformed --compare/--from file, 66 unreadable --compare/--from file,\n"
           "69 requested backend or device unavailable, 73 output file not writable.\n");
}

static int usage_error(const char *option, const char *value, const char *why)
{
    return cli_usage_error("bench", option, value, why);
}

static const char *backend_name(unsigned kind)
{
    return gpucc_backend_kind_name((gpucc_backend_kind)kind);
}

/* Parses a comma list of names into a bit mask; name_of(i) for i < count
 * gives the accepted names. Returns 0 or 64 (printed). */
static int parse_name_list(const char *option, const char *list, const char *(*name_of)(unsigned), unsigned count,
                           unsigned *mask)
{
    char buf[128], names[128] = "";
    for (unsigned i = 0; i < count; i++)
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "", name_of(i));
    char why[160];
    snprintf(why, sizeof why, "is not a list of %s", names);
    if (!*list || strlen(list) >= sizeof buf)
        return usage_error(option, list, why);
    strcpy(buf, list);
    *mask = 0;
    char *save = NULL;
    for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        unsigned i = 0;
        while (i < count && strcmp(name, name_of(i)) != 0)
            i++;
        if (i == count) {
            snprintf(why, sizeof why, "is not one of %s", names);
            return usage_error(option, name, why);
        }
        *mask |= 1u << i;
    }
    return *mask ? 0 : usage_error(option, list, why);
}

static const char *suite_name(unsigned suite)
{
    return bench_suite_name((bench_suite)suite);
}

static int parse_seconds(const char *value, double *out)
{
    char why[96];
    double s;
    if (cli_parse_real(value, 0, &s, why, sizeof why) != 0)
        return usage_error("--min-time", value, why);
    if (s <= 0 || s > 3600)
        return usage_error("--min-time", value, "must be above 0 and at most 3600");
    *out = s;
    return 0;
}

static int take_path(const char *option, const char *value, const char **out)
{
    if (!*value)
        return usage_error(option, value, "is empty");
    *out = value;
    return 0;
}

enum { OPT_SUITE = 256, OPT_BACKEND, OPT_DEVICE, OPT_MAX_SIZE, OPT_MIN_TIME, OPT_JSON, OPT_CSV, OPT_COMPARE,
       OPT_FROM, OPT_CEILINGS, OPT_QUIET };

static int apply_option(int opt, const char *arg, bench_options *o)
{
    char why[96];
    switch (opt) {
    case OPT_SUITE: return parse_name_list("--suite", arg, suite_name, BENCH_SUITE_COUNT, &o->suites);
    case OPT_BACKEND:
        o->backends_given = 1;
        return parse_name_list("--backend", arg, backend_name, GPUCC_BACKEND_COUNT, &o->backends);
    case OPT_DEVICE: return take_path("--device", arg, &o->device);
    case OPT_MAX_SIZE:
        if (cli_parse_count(arg, 1, UINT64_C(1) << 40, &o->max_size, why, sizeof why) != 0)
            return usage_error("--max-size", arg, why);
        return 0;
    case OPT_MIN_TIME: return parse_seconds(arg, &o->min_time_s);
    case OPT_JSON: return take_path("--json", arg, &o->json);
    case OPT_CSV: return take_path("--csv", arg, &o->csv);
    case OPT_COMPARE: return take_path("--compare", arg, &o->compare);
    case OPT_FROM: return take_path("--from", arg, &o->from);
    case OPT_CEILINGS:
        o->ceilings = strcmp(arg, "measure") == 0 ? NULL : arg;
        return *arg ? 0 : usage_error("--ceilings", arg, "is empty");
    case OPT_QUIET: o->quiet = 1; return 0;
    }
    return GPUCC_EXIT_USAGE;
}

/* Returns 0, -1 after --help, or 64 (printed). */
static int parse_options(int argc, char **argv, bench_options *o)
{
    static const struct option options[] = {
        {"suite", required_argument, NULL, OPT_SUITE},     {"backend", required_argument, NULL, OPT_BACKEND},
        {"device", required_argument, NULL, OPT_DEVICE},   {"max-size", required_argument, NULL, OPT_MAX_SIZE},
        {"min-time", required_argument, NULL, OPT_MIN_TIME}, {"json", required_argument, NULL, OPT_JSON},
        {"csv", required_argument, NULL, OPT_CSV},         {"compare", required_argument, NULL, OPT_COMPARE},
        {"from", required_argument, NULL, OPT_FROM},       {"quiet", no_argument, NULL, OPT_QUIET},
        {"ceilings", required_argument, NULL, OPT_CEILINGS},
        {"help", no_argument, NULL, 'h'},                  {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->suites = (1u << BENCH_SUITE_COUNT) - 1;
    o->backends = (1u << GPUCC_BACKEND_COUNT) - 1;
    o->max_size = 1000000000;
    o->min_time_s = 0.2;
    optind = 0; /* GNU getopt: start afresh */
    for (int opt; (opt = cli_next_option("bench", argc, argv, options)) != -1;) {
        if (opt == '?')
            return GPUCC_EXIT_USAGE;
        if (opt == 'h') {
            print_help();
            return -1;
        }
        int rc = apply_option(opt, optarg, o);
        if (rc)
            return rc;
    }
    if (o->from && (!o->compare || o->json || o->csv)) {
        fprintf(stderr, "gpucc bench: --from needs --compare and runs nothing (no --json, --csv)\n");
        return GPUCC_EXIT_USAGE;
    }
    return 0;
}

/* ---- Machine facts ---- */

/* Bytes of memory available to a new allocation (MemAvailable), or 0. */
static double available_bytes(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    char line[128];
    double kib = 0;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "MemAvailable: %lf kB", &kib) == 1)
            break;
    if (f)
        fclose(f);
    if (kib > 0)
        return kib * 1024;
    long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? (double)pages * (double)page : 0;
}

/* ---- Ceilings ---- */

/* OpenBLAS's SGEMM (blas-peak.c) with 1 thread and with all, where gpucc
 * was built with OpenBLAS: the ceilings of serial and pthreads dense. */
static void measure_openblas(bench_report *r)
{
#ifdef GPUCC_HAVE_OPENBLAS
    unsigned cpus = gpucc_cpu_count();
    for (int all = 0; all < 2; all++) {
        bench_ceiling *c = &r->ceilings[all ? CEIL_OPENBLAS_ALL : CEIL_OPENBLAS_1T];
        openblas_set_num_threads(all ? (int)cpus : 1);
        c->measured = cli_blas_sgemm_gflops(DENSE_DIM, 5, &c->value) == 0;
        snprintf(c->what, sizeof c->what, "OpenBLAS cblas_sgemm %dx%dx%d, %u thread%s, wall time, median of 5",
                 DENSE_DIM, DENSE_DIM, DENSE_DIM, all ? cpus : 1, all && cpus > 1 ? "s" : "");
    }
    if (!r->ceilings[CEIL_OPENBLAS_1T].measured)
        bench_note(r, "OpenBLAS SGEMM could not be measured (memory): CPU dense rows have no ceiling");
#else
    bench_note(r, "gpucc built without OpenBLAS: CPU dense rows have no GEMM ceiling");
#endif
}

/* Host read (1 and all threads) and copy (1 and all threads) bandwidth over
 * buffers of CEILING_BYTES of random data each, shrunk to fit memory. */
static void measure_host(bench_report *r)
{
    double bytes = CEILING_BYTES, avail = available_bytes();
    if (avail > 0 && 2 * bytes > 0.5 * avail) {
        bytes = floor(0.25 * avail / 4096) * 4096;
        bench_note(r, "host ceilings over %.2f GB buffers instead of %.1f GB: only %.1f GB of memory available",
                   bytes * 1e-9, CEILING_BYTES * 1e-9, avail * 1e-9);
    }
    size_t n = (size_t)(bytes / sizeof(float));
    float *src = gpucc_alloc_floats(n), *dst = gpucc_alloc_floats(n);
    if (!src || !dst || gpucc_generate(src, n, 11, 0) != GPUCC_OK || gpucc_generate(dst, n, 12, 0) != GPUCC_OK) {
        bench_note(r, "no host ceilings: %s", gpucc_last_error());
        gpucc_free_floats(src);
        gpucc_free_floats(dst);
        return;
    }
    unsigned cpus = gpucc_cpu_count();
    for (int i = 0; i < 4; i++) {
        int copy = i >= 2, all = i % 2;
        bench_ceiling_id id = copy ? (all ? CEIL_HOST_COPY_ALL : CEIL_HOST_COPY_1T)
                                   : (all ? CEIL_HOST_READ_ALL : CEIL_HOST_READ_1T);
        bench_ceiling *c = &r->ceilings[id];
        unsigned threads = all ? cpus : 1;
        gpucc_status status = copy ? gpucc_peak_copy_bandwidth(src, dst, n, threads, 7, &c->value)
                                   : gpucc_peak_read_bandwidth(src, n, threads, 7, &c->value);
        c->measured = status == GPUCC_OK;
        snprintf(c->what, sizeof c->what, "host memory %s, %u thread%s, %.2f GB %s, median of 7",
                 copy ? "copy (memcpy; read + write bytes)" : "read (vectorised sum)", threads,
                 threads > 1 ? "s" : "", bytes * 1e-9, copy ? "buffers" : "buffer");
        if (!c->measured)
            bench_note(r, "no %s ceiling: %s", bench_ceiling_name(id), gpucc_last_error());
    }
    gpucc_free_floats(src);
    gpucc_free_floats(dst);
}

static void set_device_ceiling(bench_report *r, bench_ceiling_id id, gpucc_stats value, const char *what,
                               const char *device)
{
    bench_ceiling *c = &r->ceilings[id];
    c->measured = value.median > 0;
    c->value = value;
    snprintf(c->what, sizeof c->what, "%.150s; %.120s", what, device);
}

/* The selected OpenCL device's ceilings (gpucc_device_peak_measure, with
 * CLBlast for GEMM); none when the device does not open (its rows say why). */
static void measure_device(bench_report *r, const bench_options *o, progress *p)
{
    /* The GEMM ceiling only serves the batch suite: without it, gpucc's own
     * kernel stands in (built already) and CLBlast's compilation is saved. */
    int gemm = (o->suites & (1u << BENCH_BATCH)) != 0;
    gpucc_backend_config config = {.device = o->device, .dense_impl = gemm ? GPUCC_DENSE_CLBLAST : GPUCC_DENSE_KERNEL,
                                   .notice = progress_notice, .notice_ctx = p};
    gpucc_backend *backend;
    if (gpucc_backend_open(GPUCC_BACKEND_OPENCL, &config, &backend) != GPUCC_OK)
        return;
    double bytes = CEILING_BYTES, avail = available_bytes();
    if (avail > 0 && 2 * bytes > 0.5 * avail)
        bytes = floor(0.25 * avail / 4096) * 4096;
    gpucc_device_peak peak;
    memset(&peak, 0, sizeof peak);
    if (gpucc_device_peak_measure(backend, (size_t)bytes, &peak) != GPUCC_OK)
        bench_note(r, "OpenCL device ceilings incomplete: %s", gpucc_last_error());
    char what[120];
    snprintf(what, sizeof what, "streaming read kernel over %.2f GB, event time", peak.bytes * 1e-9);
    set_device_ceiling(r, CEIL_CL_READ, peak.read_gbps, what, peak.device);
    set_device_ceiling(r, CEIL_CL_H2D, peak.host_to_device_gbps, "clEnqueueWriteBuffer from pageable memory",
                       peak.device);
    set_device_ceiling(r, CEIL_CL_D2H, peak.device_to_host_gbps, "clEnqueueReadBuffer into pageable memory",
                       peak.device);
    gpucc_stats h = peak.host_to_device_gbps, d = peak.device_to_host_gbps, trip = {0, 0, 0};
    if (h.median > 0 && d.median > 0)
        trip = (gpucc_stats){2 / (1 / h.median + 1 / d.median), 2 / (1 / h.min + 1 / d.min),
                             2 / (1 / h.max + 1 / d.max)};
    set_device_ceiling(r, CEIL_CL_ROUNDTRIP, trip, "copy in then out (map end to end): 2 / (1/h2d + 1/d2h)",
                       peak.device);
    if (gemm)
        set_device_ceiling(r, CEIL_CL_GEMM, peak.gemm_gflops, "CLBlast SGEMM 1024^3, event time", peak.device);
    set_device_ceiling(r, CEIL_CL_LAUNCH, peak.launch_us, "empty kernel, enqueue to completion (not a ceiling)",
                       peak.device);
    gpucc_backend_close(backend);
}

/* Measures the ceilings the selected suites and backends need, or, with
 * --ceilings, skips them or reuses a saved run's. Returns 0 or the exit
 * status of an unusable --ceilings file. */
static int measure_ceilings(bench_report *r, const bench_options *o, progress *p)
{
    if (o->ceilings && strcmp(o->ceilings, "skip") == 0) {
        r->ceilings_skipped = 1;
        return 0;
    }
    if (o->ceilings)
        return bench_load_ceilings(o->ceilings, r);
    int dense_cpu = (o->suites & (1u << BENCH_BATCH)) &&
                    (o->backends & ((1u << GPUCC_BACKEND_SERIAL) | (1u << GPUCC_BACKEND_PTHREADS)));
    if (dense_cpu) {
        progress_line(p, "ceilings: OpenBLAS SGEMM");
        measure_openblas(r);
    }
    progress_line(p, "ceilings: host read and copy bandwidth");
    measure_host(r);
    if (o->backends & (1u << GPUCC_BACKEND_OPENCL)) {
        progress_line(p, "ceilings: OpenCL device (read, transfers, launch, CLBlast GEMM)");
        measure_device(r, o, p);
    }
    return 0;
}

/* ---- Planning ---- */

/* A backend configuration that points share; opened at its first point and
 * closed after its last. */
typedef struct {
    gpucc_backend_kind kind;
    gpucc_backend_config config;
    gpucc_backend *backend;
    int tried;
    gpucc_status open_status;
    char open_error[256];
    size_t last_use;
} bench_slot;

typedef struct {
    bench_report *report;
    size_t row_cap;
    int *slot_of;          /* per row */
    bench_slot *slots;
    size_t slot_count, slot_cap;
    const bench_options *o;
    progress *p;
    /* data */
    float *x, *out;        /* x[0..x_count) random; out as long (map) */
    size_t x_count;
    float *dx, *dw, *db, *dy; /* dense */
    struct { size_t n; gpucc_reference ref; } refs[32];
    int ref_count;
} bench_run;

static int same_config(const bench_slot *s, gpucc_backend_kind kind, const gpucc_backend_config *c)
{
    return s->kind == kind && s->config.threads == c->threads && s->config.local_size == c->local_size &&
           s->config.shape == c->shape && s->config.force_copy == c->force_copy &&
           s->config.no_overlap == c->no_overlap;
}

/* Adds a pending row on a backend configuration; returns it, or NULL when
 * out of memory (then the run stops). */
static bench_row *plan_row(bench_run *run, bench_suite suite, cli_workload workload, gpucc_backend_kind kind,
                           const gpucc_backend_config *config)
{
    bench_report *r = run->report;
    if (r->row_count == run->row_cap) {
        size_t cap = run->row_cap ? 2 * run->row_cap : 64;
        bench_row *rows = realloc(r->rows, cap * sizeof *rows);
        int *slot_of = rows ? realloc(run->slot_of, cap * sizeof *slot_of) : NULL;
        if (rows)
            r->rows = rows;
        if (!rows || !slot_of)
            return NULL;
        run->slot_of = slot_of;
        run->row_cap = cap;
    }
    size_t s = 0;
    while (s < run->slot_count && !same_config(&run->slots[s], kind, config))
        s++;
    if (s == run->slot_count) {
        if (run->slot_count == run->slot_cap) {
            size_t cap = run->slot_cap ? 2 * run->slot_cap : 16;
            bench_slot *slots = realloc(run->slots, cap * sizeof *slots);
            if (!slots)
                return NULL;
            run->slots = slots;
            run->slot_cap = cap;
        }
        bench_slot *slot = &run->slots[run->slot_count++];
        memset(slot, 0, sizeof *slot);
        slot->kind = kind;
        slot->config = *config;
        slot->config.device = run->o->device;
        slot->config.notice = progress_notice;
        slot->config.notice_ctx = run->p;
    }
    run->slots[s].last_use = r->row_count;
    run->slot_of[r->row_count] = (int)s;
    bench_row *row = &r->rows[r->row_count++];
    memset(row, 0, sizeof *row);
    row->suite = suite;
    row->workload = workload;
    row->backend = kind;
    row->threads = kind == GPUCC_BACKEND_SERIAL ? 1 : kind == GPUCC_BACKEND_PTHREADS
                                                      ? (config->threads ? config->threads : gpucc_cpu_count())
                                                      : 0;
    row->local_size = config->local_size;
    row->speedup = NAN;
    row->ceiling = row->kernel_ceiling = CEIL_NONE;
    snprintf(row->what, sizeof row->what, "%s",
             workload == GPUCC_WORKLOAD_REDUCE ? gpucc_reduce_op_name(BENCH_OP)
             : workload == GPUCC_WORKLOAD_MAP  ? gpucc_map_fn_name(BENCH_FN)
                                               : gpucc_activation_name(BENCH_ACT));
    return row;
}

static bench_row *plan_vector_row(bench_run *run, bench_suite suite, cli_workload workload,
                                  gpucc_backend_kind kind, const gpucc_backend_config *config, size_t n)
{
    bench_row *row = plan_row(run, suite, workload, kind, config);
    if (row) {
        row->n = n;
        row->units = (double)n * sizeof(float) * (workload == GPUCC_WORKLOAD_MAP ? 2 : 1);
    }
    return row;
}

/* The size sweep's element counts: 1e3, 1e4, ... 1e8, 3e8, 1e9 up to
 * max_size, and max_size itself (so that a --max-size above the device's
 * largest allocation always gets a chunked point). Drops counts whose
 * arrays (input and map output) would not fit in 80% of available memory. */
static size_t size_counts(bench_report *r, uint64_t max_size, size_t *counts)
{
    static const double steps[] = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 3e8, 1e9, 3e9, 1e10};
    size_t k = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && steps[i] <= (double)max_size; i++)
        counts[k++] = (size_t)steps[i];
    if (k == 0 || counts[k - 1] < max_size)
        counts[k++] = (size_t)max_size;
    double avail = available_bytes();
    while (k > 1 && avail > 0 && 8.0 * (double)counts[k - 1] > 0.8 * avail) {
        k--;
        bench_note(r, "size: n = %zu skipped: its arrays need %.1f GB, %.1f GB of memory available", counts[k],
                   8e-9 * (double)counts[k], avail * 1e-9);
    }
    return k;
}

/* Inserts t into the sorted, duplicate-free counts[0..k); returns the new k. */
static size_t add_count(unsigned *counts, size_t k, size_t cap, unsigned t)
{
    size_t i = 0;
    while (i < k && counts[i] < t)
        i++;
    if (t == 0 || (i < k && counts[i] == t) || k == cap)
        return k;
    memmove(counts + i + 1, counts + i, (k - i) * sizeof *counts);
    counts[i] = t;
    return k + 1;
}

/* Thread counts 1 .. 2 x cpus: every count up to 16, then steps of about
 * 1.5x, always with cpus - 1, cpus, cpus + 1 and 2 x cpus. */
static size_t thread_counts(unsigned cpus, unsigned *counts, size_t cap)
{
    size_t k = 0;
    for (unsigned t = 1; t <= 2 * cpus; t = t < 16 ? t + 1 : t + t / 2)
        k = add_count(counts, k, cap, t);
    const unsigned around[] = {cpus - 1, cpus, cpus + 1, 2 * cpus};
    for (size_t i = 0; i < sizeof around / sizeof around[0]; i++)
        k = add_count(counts, k, cap, around[i]);
    return k;
}

/* Plans every point of the selected suites. Returns 0; 69 (or 64 for a bad
 * configuration) when an explicitly requested backend does not open; 1 when
 * out of memory. */
static int plan_points(bench_run *run)
{
    const bench_options *o = run->o;
    bench_report *r = run->report;
    unsigned have = 0; /* backends that open */
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
        if (!(o->backends & (1u << k)))
            continue;
        gpucc_backend_config config = {.device = o->device};
        gpucc_backend *b;
        gpucc_status status = gpucc_backend_open((gpucc_backend_kind)k, &config, &b);
        if (status == GPUCC_OK) {
            have |= 1u << k;
            gpucc_backend_close(b);
            continue;
        }
        if (o->backends_given || (k == GPUCC_BACKEND_OPENCL && o->device)) {
            fprintf(stderr, "gpucc bench: %s backend unavailable: %s\n", backend_name(k), gpucc_last_error());
            return status == GPUCC_E_INVALID ? GPUCC_EXIT_USAGE : GPUCC_EXIT_UNAVAILABLE;
        }
        bench_note(r, "%s backend unavailable, skipped: %s", backend_name(k), gpucc_last_error());
    }
    const gpucc_backend_config plain = {0};
    size_t sweep_n = (size_t)(o->max_size < SWEEP_N ? o->max_size : SWEEP_N);
    int ok = 1;
    if (o->suites & (1u << BENCH_SIZE)) {
        size_t counts[16], count = size_counts(r, o->max_size, counts);
        for (size_t i = 0; i < count; i++)
            for (int w = GPUCC_WORKLOAD_REDUCE; w <= GPUCC_WORKLOAD_MAP; w++)
                for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
                    if (have & (1u << k))
                        ok &= !!plan_vector_row(run, BENCH_SIZE, (cli_workload)w, (gpucc_backend_kind)k, &plain,
                                                counts[i]);
    }
    if (o->suites & (1u << BENCH_THREADS)) {
        unsigned counts[64];
        size_t count = thread_counts(gpucc_cpu_count(), counts, 64);
        if (!(have & (1u << GPUCC_BACKEND_PTHREADS)))
            bench_note(r, "threads: skipped (pthreads backend not selected or unavailable)");
        for (size_t i = 0; i < count && (have & (1u << GPUCC_BACKEND_PTHREADS)); i++) {
            gpucc_backend_config c = {.threads = counts[i]};
            ok &= !!plan_vector_row(run, BENCH_THREADS, GPUCC_WORKLOAD_REDUCE, GPUCC_BACKEND_PTHREADS, &c, sweep_n);
        }
    }
    int opencl = have & (1u << GPUCC_BACKEND_OPENCL);
    if ((o->suites & ((1u << BENCH_WGSIZE) | (1u << BENCH_OVERLAP))) && !opencl)
        bench_note(r, "wgsize, overlap: skipped (opencl backend not selected or unavailable)");
    if ((o->suites & (1u << BENCH_WGSIZE)) && opencl) {
        for (int gpu = 0; gpu < 2; gpu++)
            for (size_t local = gpu ? 16 : 1; local <= (gpu ? 1024u : 256u); local *= 2) {
                gpucc_backend_config c = {.local_size = local, .shape = gpu ? GPUCC_SHAPE_GPU : GPUCC_SHAPE_CPU};
                bench_row *row =
                    plan_vector_row(run, BENCH_WGSIZE, GPUCC_WORKLOAD_REDUCE, GPUCC_BACKEND_OPENCL, &c, sweep_n);
                if ((ok &= !!row))
                    snprintf(row->variant, sizeof row->variant, "%s", gpu ? "gpu" : "cpu");
            }
    }
    if (o->suites & (1u << BENCH_BATCH)) {
        static const size_t batches[] = {1, 4, 16, 64, 256, 1024};
        for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++)
            for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
                if (!(have & (1u << k)))
                    continue;
                bench_row *row = plan_row(run, BENCH_BATCH, GPUCC_WORKLOAD_DENSE, (gpucc_backend_kind)k, &plain);
                if (!(ok &= !!row))
                    break;
                row->shape = (gpucc_dense_shape){batches[i], DENSE_DIM, DENSE_DIM, BENCH_ACT};
                row->units = 2.0 * (double)batches[i] * DENSE_DIM * DENSE_DIM;
            }
    }
    if ((o->suites & (1u << BENCH_OVERLAP)) && opencl) {
        for (int off = 1; off >= 0; off--) {
            gpucc_backend_config c = {.force_copy = 1, .no_overlap = off};
            bench_row *row =
                plan_vector_row(run, BENCH_OVERLAP, GPUCC_WORKLOAD_REDUCE, GPUCC_BACKEND_OPENCL, &c, sweep_n);
            if ((ok &= !!row))
                snprintf(row->variant, sizeof row->variant, "%s", off ? "copy,no-overlap" : "copy,overlap");
        }
    }
    if (!ok) {
        fprintf(stderr, "gpucc bench: out of memory planning the points\n");
        return GPUCC_EXIT_FAILED;
    }
    return 0;
}

/* ---- Running ---- */

/* The largest input any vector point reads. */
static size_t vector_elems(const bench_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].workload != GPUCC_WORKLOAD_DENSE && r->rows[i].n > n)
            n = r->rows[i].n;
    return n;
}

/* Allocates and fills the inputs of every planned point once: x (seed 1)
 * for all vector points (each uses a prefix), the map output, and the
 * dense X (largest batch), W and b (seeds 1, 2, 3). Returns 0 or 1. */
static int prepare_data(bench_run *run)
{
    const bench_report *r = run->report;
    int any_map = 0, any_dense = 0;
    for (size_t i = 0; i < r->row_count; i++) {
        any_map |= r->rows[i].workload == GPUCC_WORKLOAD_MAP;
        any_dense |= r->rows[i].workload == GPUCC_WORKLOAD_DENSE;
    }
    run->x_count = vector_elems(r);
    int ok = 1;
    if (run->x_count) {
        progress_line(run->p, "generating %zu random floats", run->x_count);
        ok = (run->x = gpucc_alloc_floats(run->x_count)) && gpucc_generate(run->x, run->x_count, 1, 0) == GPUCC_OK;
        if (ok && any_map)
            ok = !!(run->out = gpucc_alloc_floats(run->x_count));
    }
    if (ok && any_dense) {
        size_t xw = (size_t)DENSE_DIM * DENSE_DIM; /* batch <= DENSE_DIM */
        ok = (run->dx = gpucc_alloc_floats(xw)) && (run->dw = gpucc_alloc_floats(xw)) &&
             (run->db = gpucc_alloc_floats(DENSE_DIM)) && (run->dy = gpucc_alloc_floats(xw)) &&
             gpucc_generate(run->dx, xw, 1, 0) == GPUCC_OK && gpucc_generate(run->dw, xw, 2, 0) == GPUCC_OK &&
             gpucc_generate(run->db, DENSE_DIM, 3, 0) == GPUCC_OK;
    }
    if (!ok)
        fprintf(stderr, "gpucc bench: cannot prepare the input data: %s\n", gpucc_last_error());
    return ok ? 0 : GPUCC_EXIT_FAILED;
}

static void free_data(bench_run *run)
{
    gpucc_free_floats(run->x);
    gpucc_free_floats(run->out);
    gpucc_free_floats(run->dx);
    gpucc_free_floats(run->dw);
    gpucc_free_floats(run->db);
    gpucc_free_floats(run->dy);
}

/* The exact reference of x[0..n), computed once per n. */
static const gpucc_reference *reference_of(bench_run *run, size_t n)
{
    for (int i = 0; i < run->ref_count; i++)
        if (run->refs[i].n == n)
            return &run->refs[i].ref;
    int i = run->ref_count < 32 ? run->ref_count++ : 31;
    run->refs[i].n = n;
    if (gpucc_reference_compute(run->x, n, 0, &run->refs[i].ref) != GPUCC_OK) {
        run->refs[i].n = 0;
        return NULL;
    }
    return &run->refs[i].ref;
}

/* One gpucc_measure run of a row's workload with plan. Outputs are poisoned
 * (all bits set: NaN) first, so that a call that writes nothing fails. */
static gpucc_status measure_once(bench_run *run, const bench_row *row, gpucc_backend *backend,
                                 const gpucc_plan *plan, gpucc_measurement *m)
{
    switch (row->workload) {
    case GPUCC_WORKLOAD_REDUCE: {
        const gpucc_reference *ref = reference_of(run, row->n);
        return ref ? gpucc_reduce_measure(backend, BENCH_OP, run->x, row->n, ref, plan, m) : GPUCC_E_NOMEM;
    }
    case GPUCC_WORKLOAD_MAP: {
        memset(run->out, 0xff, row->n * sizeof(float));
        cli_map_job job = {backend, BENCH_FN, 0.0f, run->x, NULL, run->out, row->n};
        return cli_map_job_measure(&job, plan, m);
    }
    default: {
        memset(run->dy, 0xff, row->shape.batch * row->shape.out * sizeof(float));
        cli_dense_job job = {backend, &row->shape, run->dx, run->dw, run->db, run->dy};
        return cli_dense_job_measure(&job, plan, m);
    }
    }
}

/* Measures a row: 1 warm-up and 3 timed calls; when those 3 took less than
 * min_time (median x 3), again with as many timed calls as fill min_time
 * (the first run then served as warm-up and calibration; both runs'
 * verification counts, and a reduction must give bitwise the same value in
 * both). */
static gpucc_status measure_row(bench_run *run, bench_row *row, gpucc_backend *backend)
{
    gpucc_plan plan = {BENCH_WARMUP, BENCH_MIN_REPEAT};
    gpucc_measurement first;
    gpucc_status status = measure_once(run, row, backend, &plan, &first);
    row->m = first;
    row->repeats = plan.repeat;
    double min_ms = run->o->min_time_s * 1e3, per_call = first.total_ms.median;
    if (status != GPUCC_OK || per_call * BENCH_MIN_REPEAT >= min_ms)
        return status;
    double want = ceil(min_ms / (per_call > 1e-4 ? per_call : 1e-4));
    plan = (gpucc_plan){0, want > BENCH_MAX_REPEAT ? BENCH_MAX_REPEAT : (unsigned)want};
    status = measure_once(run, row, backend, &plan, &row->m);
    if (status != GPUCC_OK)
        return status;
    row->repeats = plan.repeat;
    if (!first.verified) {
        row->m.verified = 0;
        snprintf(row->m.reason, sizeof row->m.reason, "%s", first.reason);
    } else if (row->workload == GPUCC_WORKLOAD_REDUCE && row->m.verified &&
               memcmp(&first.value, &row->m.value, sizeof first.value) != 0) {
        row->m.verified = 0;
        snprintf(row->m.reason, sizeof row->m.reason, "gave %.17g, an earlier call %.17g (not deterministic)",
                 row->m.value, first.value);
    }
    if (!(first.error <= row->m.error))
        row->m.error = first.error;
    return GPUCC_OK;
}

/* The backend of row i's configuration, opened on first use; NULL (with
 * the reason in the slot) when it does not open. */
static gpucc_backend *slot_backend(bench_run *run, size_t i)
{
    bench_slot *s = &run->slots[run->slot_of[i]];
    if (!s->tried) {
        s->tried = 1;
        s->open_status = gpucc_backend_open(s->kind, &s->config, &s->backend);
        if (s->open_status != GPUCC_OK)
            snprintf(s->open_error, sizeof s->open_error, "%s", gpucc_last_error());
    }
    return s->backend;
}

/* Picks the ceilings of a measured row (see bench/README.md): reductions
 * against read bandwidth, maps against copy bandwidth (or the transfers
 * where the device copies), dense against GEMM. */
static void choose_ceilings(const bench_report *r, bench_row *row)
{
    int copied = row->m.flags & GPUCC_RESULT_COPIED;
    bench_ceiling_id total, kernel;
    switch (row->workload) {
    case GPUCC_WORKLOAD_REDUCE:
        total = row->backend == GPUCC_BACKEND_SERIAL ? CEIL_HOST_READ_1T
                : row->backend == GPUCC_BACKEND_PTHREADS || !copied ? CEIL_HOST_READ_ALL
                                                                     : CEIL_CL_H2D;
        kernel = row->backend == GPUCC_BACKEND_OPENCL ? CEIL_CL_READ : total;
        break;
    case GPUCC_WORKLOAD_MAP:
        total = row->backend == GPUCC_BACKEND_SERIAL ? CEIL_HOST_COPY_1T
                : row->backend == GPUCC_BACKEND_PTHREADS || !copied ? CEIL_HOST_COPY_ALL
                                                                     : CEIL_CL_ROUNDTRIP;
        kernel = row->backend == GPUCC_BACKEND_OPENCL && copied ? CEIL_CL_READ : total;
        break;
    default:
        total = kernel = row->backend == GPUCC_BACKEND_SERIAL     ? CEIL_OPENBLAS_1T
                         : row->backend == GPUCC_BACKEND_PTHREADS ? CEIL_OPENBLAS_ALL
                                                                  : CEIL_CL_GEMM;
        break;
    }
    row->ceiling = r->ceilings[total].measured ? total : CEIL_NONE;
    row->kernel_ceiling = r->ceilings[kernel].measured ? kernel : CEIL_NONE;
}

/* "size: reduce sum on opencl, n = 100000000" */
static void describe(const bench_row *row, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s: %s %s on %s", bench_suite_name(row->suite),
                     row->workload == GPUCC_WORKLOAD_REDUCE ? "reduce"
                     : row->workload == GPUCC_WORKLOAD_MAP  ? "map"
                                                            : "dense",
                     row->what, gpucc_backend_kind_name(row->backend));
    if (n < 0 || (size_t)n >= size)
        return;
    if (row->workload == GPUCC_WORKLOAD_DENSE)
        n += snprintf(buf + n, size - n, ", batch %zu", row->shape.batch);
    else
        n += snprintf(buf + n, size - n, ", n = %zu", row->n);
    if (row->suite == BENCH_THREADS && (size_t)n < size)
        n += snprintf(buf + n, size - n, ", %u thread%s", row->threads, row->threads == 1 ? "" : "s");
    if (row->local_size && (size_t)n < size)
        n += snprintf(buf + n, size - n, ", local size %zu", row->local_size);
    if (row->variant[0] && (size_t)n < size)
        snprintf(buf + n, size - n, " (%s)", row->variant);
}

static void run_row(bench_run *run, size_t i)
{
    bench_report *r = run->report;
    bench_row *row = &r->rows[i];
    char what[160];
    describe(row, what, sizeof what);
    progress_line(run->p, "[%zu/%zu] %s", i + 1, r->row_count, what);
    gpucc_backend *backend = slot_backend(run, i);
    bench_slot *slot = &run->slots[run->slot_of[i]];
    if (!backend) {
        /* A configuration the device refuses (local size) is skipped, not failed. */
        row->status = slot->open_status == GPUCC_E_INVALID ? ROW_SKIPPED : ROW_ERROR;
        snprintf(row->message, sizeof row->message, "%s", slot->open_error);
        if (row->status == ROW_SKIPPED)
            bench_note(r, "%s: skipped: %s", what, slot->open_error);
    } else {
        snprintf(row->device, sizeof row->device, "%s", gpucc_backend_device(backend));
        gpucc_status status = measure_row(run, row, backend);
        row->status = status == GPUCC_OK ? ROW_OK : ROW_ERROR;
        if (status != GPUCC_OK)
            snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
        else if (!row->m.verified)
            snprintf(row->message, sizeof row->message, "%s", row->m.reason);
        if (status == GPUCC_OK)
            choose_ceilings(r, row);
        /* A kernel may allow smaller groups than the device (CL_KERNEL_WORK_GROUP_SIZE). */
        if (row->suite == BENCH_WGSIZE && status == GPUCC_E_OPENCL && strstr(row->message, "WORK_GROUP_SIZE")) {
            row->status = ROW_SKIPPED;
            bench_note(r, "%s: skipped: %s", what, row->message);
        }
    }
    if (slot->last_use == i) {
        gpucc_backend_close(slot->backend);
        slot->backend = NULL;
    }
}

/* The row of base's suite, workload and size that `matches` picks, or NULL. */
static const bench_row *find_base(const bench_report *r, const bench_row *row,
                                  int (*matches)(const bench_row *candidate))
{
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *c = &r->rows[i];
        if (c->suite == row->suite && c->workload == row->workload && c->n == row->n &&
            c->shape.batch == row->shape.batch && c->status == ROW_OK && matches(c))
            return c;
    }
    return NULL;
}

static int is_serial(const bench_row *c) { return c->backend == GPUCC_BACKEND_SERIAL; }
static int is_one_thread(const bench_row *c) { return c->threads == 1; }
static int is_no_overlap(const bench_row *c) { return strstr(c->variant, "no-overlap") != NULL; }

/* Speedups: size and batch against serial, threads against 1 thread,
 * overlap against no overlap (end-to-end median times). */
static void compute_speedups(bench_report *r)
{
    for (size_t i = 0; i < r->row_count; i++) {
        bench_row *row = &r->rows[i];
        int (*matches)(const bench_row *) = NULL;
        const char *name = "";
        switch (row->suite) {
        case BENCH_SIZE: case BENCH_BATCH: matches = is_serial; name = "serial"; break;
        case BENCH_THREADS: matches = is_one_thread; name = "1 thread"; break;
        case BENCH_OVERLAP: matches = is_no_overlap; name = "no-overlap"; break;
        default: break;
        }
        const bench_row *base = matches && row->status == ROW_OK ? find_base(r, row, matches) : NULL;
        if (base && base->m.total_ms.median > 0 && row->m.total_ms.median > 0) {
            row->speedup = base->m.total_ms.median / row->m.total_ms.median;
            snprintf(row->speedup_base, sizeof row->speedup_base, "%s", name);
        }
    }
}

static void close_slots(bench_run *run)
{
    for (size_t s = 0; s < run->slot_count; s++)
        gpucc_backend_close(run->slots[s].backend);
}

/* Runs every planned row, printing each suite's table when its last row is
 * done. */
static void run_rows(bench_run *run)
{
    bench_report *r = run->report;
    for (size_t i = 0; i < r->row_count; i++) {
        run_row(run, i);
        if (i + 1 == r->row_count || r->rows[i + 1].suite != r->rows[i].suite) {
            compute_speedups(r);
            progress_clear(run->p);
            bench_print_suite(stdout, r, r->rows[i].suite);
            fflush(stdout);
        }
    }
}

static void describe_settings(bench_report *r, const bench_options *o)
{
    char *suites = r->settings.suites, *backends = r->settings.backends;
    for (unsigned i = 0; i < BENCH_SUITE_COUNT; i++)
        if (o->suites & (1u << i))
            snprintf(suites + strlen(suites), sizeof r->settings.suites - strlen(suites), "%s%s",
                     suites[0] ? "," : "", suite_name(i));
    for (unsigned k = 0; k < GPUCC_BACKEND_COUNT; k++)
        if (o->backends & (1u << k))
            snprintf(backends + strlen(backends), sizeof r->settings.backends - strlen(backends), "%s%s",
                     backends[0] ? "," : "", backend_name(k));
    snprintf(r->settings.device, sizeof r->settings.device, "%s", o->device ? o->device : "");
    r->settings.max_size = o->max_size;
    r->settings.min_time_s = o->min_time_s;
    r->settings.warmup = BENCH_WARMUP;
    r->settings.min_repeat = BENCH_MIN_REPEAT;
    r->settings.max_repeat = BENCH_MAX_REPEAT;
}

/* Writes the open --json and --csv files; returns 0 or 73. */
static int write_outputs(gpucci_atomic_file *json, gpucci_atomic_file *csv, const bench_report *r)
{
    int rc = bench_write_file(json, bench_write_json, r);
    if (!rc)
        rc = bench_write_file(csv, bench_write_csv, r);
    return rc;
}

/* 1 when a row failed or did not verify (each named on stderr), else 0. */
static int judge(const bench_report *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *row = &r->rows[i];
        if (row->status == ROW_ERROR || (row->status == ROW_OK && !row->m.verified)) {
            char what[160];
            describe(row, what, sizeof what);
            fprintf(stderr, "gpucc bench: %s: %s: %s\n", what, row->status == ROW_ERROR ? "failed" : "NOT VERIFIED",
                    row->message);
            rc = GPUCC_EXIT_FAILED;
        }
    }
    return rc;
}

int cli_cmd_bench(int argc, char **argv)
{
    bench_options o;
    int rc = parse_options(argc, argv, &o);
    if (rc)
        return rc == -1 ? GPUCC_EXIT_OK : rc;
    if (o.from)
        return bench_compare(stdout, o.compare, o.from, NULL);
    if (o.compare && (rc = bench_compare_check(o.compare)) != 0)
        return rc; /* before minutes of measuring */
    gpucci_atomic_file json, csv; /* created now: an unwritable path stops the run before it starts */
    rc = bench_open_file(&json, "--json", o.json);
    if (rc == 0 && (rc = bench_open_file(&csv, "--csv", o.csv)) != 0)
        gpucci_atomic_file_abort(&json);
    if (rc)
        return rc;
    static bench_report report; /* large: keep it off the stack */
    memset(&report, 0, sizeof report);
    progress p = {.quiet = o.quiet, .tty = isatty(STDERR_FILENO)};
    bench_run run = {.report = &report, .o = &o, .p = &p};
    double start = gpucci_now_ms();
    cli_context_collect(&report.context);
    describe_settings(&report, &o);
    rc = plan_points(&run);
    if (rc == 0 && (rc = measure_ceilings(&report, &o, &p)) == 0) {
        progress_clear(&p);
        cli_context_print(stdout, &report.context, "");
        bench_print_ceilings(stdout, &report);
        fflush(stdout);
        rc = prepare_data(&run);
    }
    if (rc == 0) {
        run_rows(&run);
        progress_clear(&p);
        bench_print_notes(stdout, &report);
        printf("\n%zu points in %.1f s\n", report.row_count, (gpucci_now_ms() - start) * 1e-3);
        rc = write_outputs(&json, &csv, &report);
        int judged = judge(&report);
        if (rc == 0 && o.compare) {
            fflush(stdout);
            rc = bench_compare(stdout, o.compare, NULL, &report);
        }
        if (rc == 0)
            rc = judged;
    }
    gpucci_atomic_file_abort(&json); /* not written (a failed run or write): remove it */
    gpucci_atomic_file_abort(&csv);
    close_slots(&run);
    free_data(&run);
    free(run.slots);
    free(run.slot_of);
    free(report.rows);
    return rc;
}
