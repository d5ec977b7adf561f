/*
 * bench-dense: the dense layer Y = act(X W^T + b) on each backend against
 * the FP32 FMA peak of the processor it runs on (the host's,
 * gpucc_peak_fma, or an OpenCL device's, gpucc_device_peak_measure: the
 * ceilings `gpucc peak` measures), with OpenBLAS's SGEMM as a peer,
 * measured in the same process and interleaved round by round, so that
 * drift on a shared machine hits all alike.
 *
 *   bench-dense [--batch=N] [--in=N] [--out=N] [--act=none|relu|sigmoid|tanh]
 *               [--dtype=f32|f16|bf16] [--rounds=N] [--threads=N]
 *
 * Defaults: 256 x 1024 x 1024, relu, f32, 15 rounds, threads = online CPUs.
 * Rows: the host's FMA peak on 1 thread and on --threads threads and, where
 * the OpenCL device is not a CPU, the device's (the yardsticks),
 * serial, pthreads with 1 thread and with --threads threads, OpenCL with
 * gpucc's kernel (end to end, and its kernel time alone) and with CLBlast
 * (f32 only), where the backend opens and supports dense, and, for f32 when
 * built with OpenBLAS (GPUCC_HAVE_OPENBLAS), cblas_sgemm(RowMajor, NoTrans,
 * Trans) with 1 and with --threads threads, as peers. OpenBLAS computes
 * X W^T only; its bias and activation are applied afterwards, untimed, so
 * that its result is verified like the others. Single-threaded rows are
 * compared with the host's peak on 1 thread, the OpenCL rows on a device
 * other than a CPU with that device's peak, the rest (OpenCL on a CPU
 * device included) with the host's peak on --threads threads; issue 10's
 * goals (f32): pthreads on all threads >= 70% of it, OpenCL's kernel >= 50%.
 *
 * --dtype=f16|bf16 stores X, W, b and Y in the type (gpucc_dense_typed; the
 * generator's f32 values rounded to the type), to compare with an f32 run:
 * the arithmetic is f32's either way.
 *
 * GFLOP/s counts 2 * batch * in * out per call; times are gpucc_dense's
 * total_ms (wall clock of the call, packing included), kernel_ms for the
 * kernel-only row. Prints the median GFLOP/s with the min-max over the
 * rounds. Every call's output is checked with gpucc_dense_verify_typed; a
 * wrong result makes the program exit 1.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "generate.h"
#include "gpucc-map.h"
#include "gpucc.h"
#include "pocl-workers.h"
#include "timer.h"

#ifdef GPUCC_HAVE_OPENBLAS
#include <cblas.h>
#endif

typedef enum {
    ROW_PEAK_1,
    ROW_PEAK_ALL,
    ROW_PEAK_DEVICE,
    ROW_BLAS_1,
    ROW_BLAS_ALL,
    ROW_SERIAL,
    ROW_PTHREADS_1,
    ROW_PTHREADS_ALL,
    ROW_OPENCL_KERNEL,
    ROW_OPENCL_KERNEL_ONLY,
    ROW_OPENCL_CLBLAST,
    ROW_COUNT
} row_id;

/* What bench-dense keeps per row besides bench-util's bench_row. */
typedef struct {
    char name[48];
    gpucc_backend *backend; /* NULL for the peak, OpenBLAS and kernel-only rows */
    double worst_ratio;     /* worst gpucc_dense_check.max_ratio over all calls */
    const char *impl;       /* info.impl of the last call */
} row_info;

/* A row as the run functions see it. */
typedef struct {
    bench_row *row;
    row_info *info;
} dense_row;

static int parse_flag(const char *arg, const char *name, uint64_t min, uint64_t max, uint64_t *out)
{
    return bench_parse_count_flag("bench-dense", arg, name, min, max, out);
}

static void usage_exit(const char *arg)
{
    fprintf(stderr, "bench-dense: unknown argument '%s'\nusage: bench-dense [--batch=N] [--in=N] [--out=N] "
                    "[--act=none|relu|sigmoid|tanh] [--dtype=f32|f16|bf16] [--rounds=N] [--threads=N]\n",
            arg);
    exit(64);
}

static void print_context(const gpucc_dense_shape *shape, gpucc_dtype dtype, unsigned rounds, unsigned threads,
                          const row_info *info)
{
    char date[64];
    bench_date(date, sizeof date);
    printf("bench-dense: batch=%zu in=%zu out=%zu act=%s dtype=%s (%.3f GFLOP per call) rounds=%u threads=%u, %s\n",
           shape->batch, shape->in, shape->out, gpucc_activation_name(shape->act), gpucc_dtype_name(dtype),
           2.0 * shape->batch * shape->in * shape->out * 1e-9, rounds, threads, date);
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    bench_print_machine(backends); /* the machine line; the rows' devices follow */
#ifdef GPUCC_HAVE_OPENBLAS
    printf("openblas: %s (core %s)\n", openblas_get_config(), openblas_get_corename());
#else
    printf("openblas: not built in (no OpenBLAS found by CMake): no reference rows\n");
#endif
    for (int r = 0; r < ROW_COUNT; r++)
        if (info[r].backend)
            printf("%-20s: %s\n", info[r].name, gpucc_backend_device(info[r].backend));
}

/* Opens one backend for a row; on failure the row stays inactive. */
static void open_row(dense_row r, gpucc_backend_kind kind, const gpucc_backend_config *config)
{
    if (gpucc_backend_open(kind, config, &r.info->backend) != GPUCC_OK) {
        fprintf(stderr, "bench-dense: %s unavailable: %s\n", r.info->name, gpucc_last_error());
        r.info->backend = NULL;
        return;
    }
    r.row->active = 1;
}

/* Whether the OpenCL backend's device is a CPU: the type of the device
 * gpucc_cl_list_devices lists under the description the backend gives it
 * ("name (platform, type..."). A device not found counts as a CPU (the
 * host's peak, the yardstick before devices were told apart). */
static int opencl_device_is_cpu(const gpucc_backend *backend)
{
    gpucc_cl_device_info *devices = NULL;
    size_t count = 0;
    int cpu = 1;
    if (gpucc_cl_list_devices(&devices, &count) != GPUCC_OK)
        return cpu;
    const char *described = gpucc_backend_device(backend);
    for (size_t i = 0; i < count; i++) {
        char prefix[300];
        snprintf(prefix, sizeof prefix, "%s (%s, %s", devices[i].name, devices[i].platform, devices[i].type);
        if (strncmp(described, prefix, strlen(prefix)) == 0) {
            cpu = strcmp(devices[i].type, "cpu") == 0;
            break;
        }
    }
    free(devices);
    return cpu;
}

/* Bytes of the buffers gpucc_device_peak_measure uses for the device's FMA
 * peak row (its FMA kernel works in registers; the size only sets how long
 * the transfer ceilings it also measures take). */
enum { DEVICE_PEAK_BYTES = 4 << 20 };

/* Calls per row and round: an untimed warm-up, then the timed call. */
enum { CALLS = 2 };
_Static_assert(CALLS == 2, "main allocates one output per call");

typedef struct {
    gpucc_dense_shape shape;
    gpucc_dtype dtype;
    const void *x, *w, *b;
    void *y[CALLS]; /* one output per call, all verified */
    double flops;
} bench_data;

/* Verifies y; returns 0 when correct, else prints why and returns 1. */
static int verify(row_info *info, const bench_data *d, const void *y)
{
    gpucc_dense_check check;
    gpucc_status st = gpucc_dense_verify_typed(&d->shape, d->dtype, d->x, d->w, d->b, y, 0, &check);
    if (st != GPUCC_OK) {
        fprintf(stderr, "bench-dense: %s: gpucc_dense_verify: %s\n", info->name, gpucc_last_error());
        return 1;
    }
    if (check.max_ratio > info->worst_ratio)
        info->worst_ratio = check.max_ratio;
    if (check.bad > 0) {
        fprintf(stderr, "bench-dense: %s: WRONG RESULT: %zu outputs beyond the bound, first at %zu, max ratio %g\n",
                info->name, check.bad, check.first_bad, check.max_ratio);
        return 1;
    }
    return 0;
}

/* The CALLS calls of a backend row in one round, back to back (so that
 * every row's timed call finds its threads awake and its caches warm), then
 * the verification of every output. Returns 0 on success, 1 on failure;
 * *gflops is the timed call's rate end to end, *kernel_gflops by its kernel
 * time. A backend that does not support dense (GPUCC_E_UNSUPPORTED on its
 * first call) is dropped with a note, not counted as a failure. */
static int run_backend(dense_row r, const bench_data *d, int first_call, double *gflops, double *kernel_gflops)
{
    size_t bytes = d->shape.batch * d->shape.out * gpucc_dtype_size(d->dtype);
    for (int c = 0; c < CALLS; c++) {
        gpucc_call_info info;
        memset(d->y[c], 0xff, bytes); /* NaN in every type: unwritten outputs fail verification */
        gpucc_status st =
            gpucc_dense_typed(r.info->backend, &d->shape, d->dtype, d->x, d->w, d->b, d->y[c], &info);
        if (st == GPUCC_E_UNSUPPORTED && first_call) {
            fprintf(stderr, "bench-dense: %s: dense not supported (%s): row dropped\n", r.info->name,
                    gpucc_last_error());
            r.row->active = 0;
            return 0;
        }
        if (st != GPUCC_OK) {
            fprintf(stderr, "bench-dense: %s failed: %s (%s)\n", r.info->name, gpucc_status_name(st),
                    gpucc_last_error());
            return 1;
        }
        r.info->impl = info.impl;
        *gflops = d->flops / (info.timing.total_ms * 1e6);
        *kernel_gflops = d->flops / (info.timing.kernel_ms * 1e6);
    }
    int failed = 0;
    for (int c = 0; c < CALLS; c++)
        failed |= verify(r.info, d, d->y[c]);
    return failed;
}

#ifdef GPUCC_HAVE_OPENBLAS
/* CALLS cblas_sgemm calls (Y = X W^T) with `threads` threads, back to
 * back, each timed alone; then, untimed, Y += b and the activation, and the
 * verification of every output. */
static int run_openblas(row_info *info, const bench_data *d, int threads, double *gflops)
{
    const gpucc_dense_shape *s = &d->shape;
    openblas_set_num_threads(threads);
    for (int c = 0; c < CALLS; c++) {
        double start = gpucci_now_ms();
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)s->batch, (int)s->out, (int)s->in, 1.0f, d->x,
                    (int)s->in, d->w, (int)s->in, 0.0f, (float *)d->y[c], (int)s->out);
        double ms = gpucci_now_ms() - start;
        *gflops = d->flops / (ms * 1e6);
    }
    info->impl = "cblas_sgemm";
    int failed = 0;
    for (int c = 0; c < CALLS; c++) {
        float *y = d->y[c];
        const float *b = d->b;
        for (size_t r = 0; r < s->batch; r++)
            for (size_t o = 0; o < s->out; o++)
                y[r * s->out + o] = gpucci_activate((int)s->act, y[r * s->out + o] + b[o]);
        failed |= verify(info, d, y);
    }
    return failed;
}
#endif

/* Rounds the n floats at a, times 2^-scale, to dtype in place (f16 or
 * bf16: a then holds n 16-bit elements; f32: unchanged). In increasing
 * order, each element is read before any narrower one is written over it. */
static void narrow_in_place(gpucc_dtype dtype, float *a, size_t n, int scale)
{
    uint16_t *h = (uint16_t *)a;
    for (size_t i = 0; i < n && dtype != GPUCC_F32; i++)
        h[i] = dtype == GPUCC_F16 ? gpucc_float_to_f16(ldexpf(a[i], -scale)) : gpucc_float_to_bf16(a[i]);
}

int main(int argc, char **argv)
{
    gpucci_pin_pocl_workers();
    uint64_t batch = 256, in = 1024, out = 1024, rounds = 15, threads = gpucc_cpu_count();
    gpucc_activation act = GPUCC_ACT_RELU;
    gpucc_dtype dtype = GPUCC_F32;
    for (int i = 1; i < argc; i++) {
        if (parse_flag(argv[i], "--batch", 1, UINT64_C(1) << 31, &batch) ||
            parse_flag(argv[i], "--in", 1, UINT64_C(1) << 31, &in) ||
            parse_flag(argv[i], "--out", 1, UINT64_C(1) << 31, &out) ||
            parse_flag(argv[i], "--rounds", 1, 100000, &rounds) || parse_flag(argv[i], "--threads", 1, 1024, &threads))
            continue;
        if (strncmp(argv[i], "--act=", 6) == 0 && gpucc_activation_parse(argv[i] + 6, &act) == GPUCC_OK)
            continue;
        if (strncmp(argv[i], "--dtype=", 8) == 0 && gpucc_dtype_parse(argv[i] + 8, &dtype) == GPUCC_OK &&
            (dtype == GPUCC_F32 || dtype == GPUCC_F16 || dtype == GPUCC_BF16))
            continue;
        usage_exit(argv[i]);
    }
    gpucc_dense_shape shape = {(size_t)batch, (size_t)in, (size_t)out, act};
    if (gpucc_dense_shape_check(&shape) != GPUCC_OK) {
        fprintf(stderr, "bench-dense: %s\n", gpucc_last_error());
        return 64;
    }
    int f32 = dtype == GPUCC_F32; /* OpenBLAS and CLBlast rows: f32 only */
#ifdef GPUCC_HAVE_OPENBLAS
    /* cblas takes int dimensions. */
    if (f32 && (batch > INT32_MAX || in > INT32_MAX || out > INT32_MAX)) {
        fprintf(stderr, "bench-dense: shape too large for the OpenBLAS reference (int dimensions)\n");
        return 64;
    }
#endif
    float *x = gpucc_alloc_floats(shape.batch * shape.in), *w = gpucc_alloc_floats(shape.out * shape.in),
          *b = gpucc_alloc_floats(shape.out), *y0 = gpucc_alloc_floats(shape.batch * shape.out),
          *y1 = gpucc_alloc_floats(shape.batch * shape.out);
    if (!x || !w || !b || !y0 || !y1 || gpucc_generate(x, shape.batch * shape.in, 1, 0) != GPUCC_OK ||
        gpucc_generate(w, shape.out * shape.in, 2, 0) != GPUCC_OK || gpucc_generate(b, shape.out, 3, 0) != GPUCC_OK) {
        fprintf(stderr, "bench-dense: %s\n", gpucc_last_error());
        return 1;
    }
    /* f16 X and W scaled as `gpucc run dense` scales them, so that the sums
     * stay within f16's range. */
    int scale = dtype == GPUCC_F16 ? gpucci_dense_f16_scale_exponent(shape.in) : 0;
    narrow_in_place(dtype, x, shape.batch * shape.in, scale);
    narrow_in_place(dtype, w, shape.out * shape.in, scale);
    narrow_in_place(dtype, b, shape.out, 0);
    bench_data d = {shape, dtype, x, w, b, {y0, y1}, 2.0 * shape.batch * shape.in * shape.out};

    bench_row rows[ROW_COUNT];
    row_info info[ROW_COUNT];
    memset(rows, 0, sizeof rows);
    memset(info, 0, sizeof info);
    snprintf(info[ROW_PEAK_1].name, sizeof info[0].name, "FMA peak, 1 thread");
    snprintf(info[ROW_PEAK_ALL].name, sizeof info[0].name, "FMA peak, %u threads", (unsigned)threads);
    snprintf(info[ROW_PEAK_DEVICE].name, sizeof info[0].name, "FMA peak, OpenCL device");
    snprintf(info[ROW_BLAS_1].name, sizeof info[0].name, "openblas, 1 thread");
    snprintf(info[ROW_BLAS_ALL].name, sizeof info[0].name, "openblas, %u threads", (unsigned)threads);
    snprintf(info[ROW_SERIAL].name, sizeof info[0].name, "serial");
    snprintf(info[ROW_PTHREADS_1].name, sizeof info[0].name, "pthreads, 1 thread");
    snprintf(info[ROW_PTHREADS_ALL].name, sizeof info[0].name, "pthreads, %u threads", (unsigned)threads);
    snprintf(info[ROW_OPENCL_KERNEL].name, sizeof info[0].name, "opencl, kernel");
    snprintf(info[ROW_OPENCL_KERNEL_ONLY].name, sizeof info[0].name, "opencl, kernel, kernel time");
    snprintf(info[ROW_OPENCL_CLBLAST].name, sizeof info[0].name, "opencl, clblast");
    for (int r = 0; r < ROW_COUNT; r++) {
        rows[r].name = info[r].name;
        rows[r].yardstick = r == ROW_SERIAL || r == ROW_PTHREADS_1 || r == ROW_BLAS_1 ? ROW_PEAK_1 : ROW_PEAK_ALL;
    }
    rows[ROW_PEAK_1].yardstick = rows[ROW_PEAK_ALL].yardstick = rows[ROW_PEAK_DEVICE].yardstick = -1;
    rows[ROW_PEAK_1].active = rows[ROW_PEAK_ALL].active = 1;
    if (f32) {
        rows[ROW_PTHREADS_ALL].goal = 0.70;
        rows[ROW_OPENCL_KERNEL].goal = 0.50;
    }
#ifdef GPUCC_HAVE_OPENBLAS
    rows[ROW_BLAS_1].active = rows[ROW_BLAS_ALL].active = f32;
#endif
#define ROW(r) ((dense_row){&rows[r], &info[r]})
    gpucc_backend_config config;
    memset(&config, 0, sizeof config);
    open_row(ROW(ROW_SERIAL), GPUCC_BACKEND_SERIAL, &config);
    config.threads = 1;
    open_row(ROW(ROW_PTHREADS_1), GPUCC_BACKEND_PTHREADS, &config);
    config.threads = (unsigned)threads;
    open_row(ROW(ROW_PTHREADS_ALL), GPUCC_BACKEND_PTHREADS, &config);
    memset(&config, 0, sizeof config);
    config.dense_impl = GPUCC_DENSE_KERNEL;
    open_row(ROW(ROW_OPENCL_KERNEL), GPUCC_BACKEND_OPENCL, &config);
    config.dense_impl = GPUCC_DENSE_CLBLAST;
    if (f32)
        open_row(ROW(ROW_OPENCL_CLBLAST), GPUCC_BACKEND_OPENCL, &config);
    /* Both OpenCL rows open the default device; on one that is not a CPU,
     * they are placed against its own FMA peak. */
    gpucc_backend *opencl =
        info[ROW_OPENCL_KERNEL].backend ? info[ROW_OPENCL_KERNEL].backend : info[ROW_OPENCL_CLBLAST].backend;
    if (opencl && !opencl_device_is_cpu(opencl)) {
        rows[ROW_PEAK_DEVICE].active = 1;
        rows[ROW_OPENCL_KERNEL].yardstick = rows[ROW_OPENCL_KERNEL_ONLY].yardstick =
            rows[ROW_OPENCL_CLBLAST].yardstick = ROW_PEAK_DEVICE;
    }
    print_context(&shape, dtype, (unsigned)rounds, (unsigned)threads, info);

    if (bench_rows_alloc(rows, ROW_COUNT, (unsigned)rounds) != 0) {
        fprintf(stderr, "bench-dense: out of memory\n");
        return 1;
    }
    int failed = 0;
    /* The ceilings first in each round, then the CPU backends, OpenBLAS
     * last. The kernel-only row comes from the kernel row's calls. */
    static const row_id order[] = {ROW_PEAK_1,       ROW_PEAK_ALL,      ROW_PEAK_DEVICE,    ROW_SERIAL,
                                   ROW_PTHREADS_1,   ROW_PTHREADS_ALL,  ROW_OPENCL_KERNEL,  ROW_OPENCL_CLBLAST,
                                   ROW_BLAS_1,       ROW_BLAS_ALL};
    for (unsigned round = 0; round <= rounds; round++) { /* round 0 warms up */
        rows[ROW_OPENCL_KERNEL_ONLY].active = rows[ROW_OPENCL_KERNEL].active;
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            row_id r = order[i];
            if (!rows[r].active)
                continue;
            double gflops = 0, kernel_gflops = 0;
            if (r == ROW_PEAK_1 || r == ROW_PEAK_ALL) {
                gpucc_stats peak;
                if (gpucc_peak_fma(r == ROW_PEAK_1 ? 1 : (unsigned)threads, 1, &peak) != GPUCC_OK) {
                    fprintf(stderr, "bench-dense: FMA peak failed: %s\n", gpucc_last_error());
                    return 1;
                }
                gflops = peak.median;
            } else if (r == ROW_PEAK_DEVICE) {
                gpucc_device_peak peak;
                if (gpucc_device_peak_measure(opencl, DEVICE_PEAK_BYTES, &peak) != GPUCC_OK) {
                    fprintf(stderr, "bench-dense: OpenCL device FMA peak failed: %s\n", gpucc_last_error());
                    return 1;
                }
                gflops = peak.fma_gflops.median;
            } else if (info[r].backend) {
                failed |= run_backend(ROW(r), &d, round == 0, &gflops, &kernel_gflops);
            }
#ifdef GPUCC_HAVE_OPENBLAS
            else
                failed |= run_openblas(&info[r], &d, r == ROW_BLAS_1 ? 1 : (int)threads, &gflops);
#endif
            if (round > 0)
                rows[r].samples[round - 1] = gflops;
            if (round > 0 && r == ROW_OPENCL_KERNEL)
                rows[ROW_OPENCL_KERNEL_ONLY].samples[round - 1] = kernel_gflops;
        }
    }
#undef ROW

    /* The shared table (GFLOP/s against the FMA peaks), then per row what
     * ran, the median time and the worst error relative to the bound. */
    bench_print_table(rows, ROW_COUNT, (unsigned)rounds, "GFLOP/s");
    printf("(yardsticks: the host's FMA peak on 1 thread for serial, pthreads and OpenBLAS on 1 thread; %s; on %u "
           "threads for the others)\n\n%-28s %-12s %10s %16s\n",
           rows[ROW_PEAK_DEVICE].active ? "the OpenCL device's own FMA peak for the OpenCL rows (not a CPU device)"
                                        : "the OpenCL device is a CPU: its rows against the host's peak",
           (unsigned)threads, "row", "impl", "median ms", "worst err/bound");
    for (int r = ROW_BLAS_1; r < ROW_COUNT; r++) {
        if (!rows[r].active || r == ROW_OPENCL_KERNEL_ONLY)
            continue;
        gpucc_stats s = gpucc_stats_of(rows[r].samples, (unsigned)rounds); /* sorts the samples */
        printf("%-28s %-12s %10.3f %16.3g\n", info[r].name, info[r].impl ? info[r].impl : "",
               d.flops / (s.median * 1e6), info[r].worst_ratio);
    }
    if (failed)
        fprintf(stderr, "bench-dense: some results were wrong or calls failed (see above)\n");
    for (int r = 0; r < ROW_COUNT; r++)
        gpucc_backend_close(info[r].backend);
    bench_rows_free(rows, ROW_COUNT);
    gpucc_free_floats(x);
    gpucc_free_floats(w);
    gpucc_free_floats(b);
    gpucc_free_floats(y0);
    gpucc_free_floats(y1);
    return failed;
}
