/*
 * bench-map: each backend's element-wise map throughput against the
 * machine's measured copy bandwidth (memcpy), measured in the same process
 * and interleaved round by round, so that drift on a shared machine hits
 * all alike.
 *
 *   bench-map [--size=N] [--rounds=N] [--fn=square|saxpy|relu|sigmoid|tanh|exp]
 *             [--dtype=f32|f64|f16|bf16|i32]
 *
 * Defaults: 1e8 elements, 15 rounds, square, f32. GB/s counts the bytes read
 * and written per call: 2n elements for the one-input functions, 3n for
 * saxpy (memcpy copies the n elements of x: 2n moved). Inputs are made as
 * `gpucc run map` makes them (i32 narrowed so that square fits). Per row
 * the median GB/s with the min-max over the rounds, and the ratio of
 * medians to the yardstick: serial against one thread's memcpy, pthreads
 * and OpenCL against memcpy on all threads; the goals (issue 10) are 85%
 * for serial, 90% for pthreads and OpenCL. Rows time gpucc_map_typed's
 * total_ms (end to end), except "opencl, kernel only" (profiled kernel
 * time; the same on PoCL's zero-copy path, less where data is copied to a
 * discrete GPU). Every call's output is checked with
 * gpucc_map_verify_typed (untimed); a wrong result makes the program exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "gpucc.h"
#include "pocl-workers.h"
#include "typed-array.h"

enum { ROW_COPY_1, ROW_COPY_ALL, ROW_SERIAL, ROW_PTHREADS, ROW_OPENCL, ROW_OPENCL_KERNEL, ROW_COUNT };

static int parse_flag(const char *arg, const char *name, uint64_t min, uint64_t max, uint64_t *out)
{
    return bench_parse_count_flag("bench-map", arg, name, min, max, out);
}

int main(int argc, char **argv)
{
    gpucci_pin_pocl_workers();
    uint64_t size = 100000000, rounds = 15;
    gpucc_map_fn fn = GPUCC_MAP_SQUARE;
    gpucc_dtype dtype = GPUCC_F32;
    for (int i = 1; i < argc; i++) {
        if (parse_flag(argv[i], "--size", 1, UINT64_C(1) << 36, &size) ||
            parse_flag(argv[i], "--rounds", 1, 100000, &rounds))
            continue;
        if (strncmp(argv[i], "--fn=", 5) == 0 && gpucc_map_fn_parse(argv[i] + 5, &fn) == GPUCC_OK)
            continue;
        if (strncmp(argv[i], "--dtype=", 8) == 0 && gpucc_dtype_parse(argv[i] + 8, &dtype) == GPUCC_OK)
            continue;
        fprintf(stderr, "bench-map: unknown argument '%s'\nusage: bench-map [--size=N] [--rounds=N] "
                        "[--fn=square|saxpy|relu|sigmoid|tanh|exp] [--dtype=f32|f64|f16|bf16|i32]\n", argv[i]);
        return 64;
    }
    if (!gpucc_map_fn_has_dtype(fn, dtype)) {
        fprintf(stderr, "bench-map: --fn=%s is not defined on --dtype=%s\n", gpucc_map_fn_name(fn),
                gpucc_dtype_name(dtype));
        return 64;
    }
    size_t n = (size_t)size, size_bytes = gpucc_dtype_size(dtype);
    size_t copy_floats = n * size_bytes / sizeof(float); /* the yardstick copies x's bytes as floats */
    if (copy_floats == 0) {
        fprintf(stderr, "bench-map: --size=%zu is too small: the copy yardstick needs at least 4 bytes of %s\n", n,
                gpucc_dtype_name(dtype));
        return 64;
    }
    const double alpha = dtype == GPUCC_I32 ? 3 : 1.5;
    int saxpy = fn == GPUCC_MAP_SAXPY;
    gpucci_typed_array xs = {0}, ys = {0}, outs = {0};
    if (gpucci_typed_array_alloc(dtype, n, 1, &xs) != GPUCC_OK ||
        gpucci_typed_array_alloc(dtype, n, 1, &outs) != GPUCC_OK ||
        (saxpy && gpucci_typed_array_alloc(dtype, n, 1, &ys) != GPUCC_OK) ||
        gpucci_generate_typed_range(dtype, xs.data, 0, n, 1, 0) != GPUCC_OK ||
        (saxpy && gpucci_generate_typed_range(dtype, ys.data, 0, n, 2, 0) != GPUCC_OK)) {
        fprintf(stderr, "bench-map: %s\n", gpucc_last_error());
        return 1;
    }
    gpucci_narrow_generated_i32(xs.dtype, xs.data, xs.count);
    gpucci_narrow_generated_i32(ys.dtype, ys.data, ys.count);
    const void *x = xs.data, *y = saxpy ? ys.data : NULL;
    void *out = outs.data;
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        if (gpucc_backend_open((gpucc_backend_kind)k, NULL, &backends[k]) != GPUCC_OK)
            fprintf(stderr, "bench-map: %s unavailable: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k),
                    gpucc_last_error());
    double bytes = (saxpy ? 3.0 : 2.0) * (double)(n * size_bytes);
    char date[64];
    bench_date(date, sizeof date);
    printf("bench-map: fn=%s dtype=%s n=%zu (%.0f MB moved per call) rounds=%u, %s\n", gpucc_map_fn_name(fn),
           gpucc_dtype_name(dtype), n, bytes / 1e6, (unsigned)rounds, date);
    bench_print_machine(backends);

    int opencl = backends[GPUCC_BACKEND_OPENCL] != NULL;
    bench_row rows[ROW_COUNT] = {
        [ROW_COPY_1] = {"copy (memcpy), 1 thread", -1, 0, 1, NULL},
        [ROW_COPY_ALL] = {"copy (memcpy), all threads", -1, 0, 1, NULL},
        [ROW_SERIAL] = {"serial", ROW_COPY_1, 0.85, backends[GPUCC_BACKEND_SERIAL] != NULL, NULL},
        [ROW_PTHREADS] = {"pthreads", ROW_COPY_ALL, 0.90, backends[GPUCC_BACKEND_PTHREADS] != NULL, NULL},
        [ROW_OPENCL] = {"opencl", ROW_COPY_ALL, 0.90, opencl, NULL},
        [ROW_OPENCL_KERNEL] = {"opencl, kernel only", ROW_COPY_ALL, 0, opencl, NULL},
    };
    if (bench_rows_alloc(rows, ROW_COUNT, (unsigned)rounds) != 0) {
        fprintf(stderr, "bench-map: out of memory\n");
        return 1;
    }
    int failed = 0;
    double worst_ulp = 0;
    for (unsigned round = 0; round <= rounds; round++) { /* round 0 warms up */
        for (int t = 0; t < 2; t++) {
            gpucc_stats copy;
            if (gpucc_peak_copy_bandwidth(x, out, copy_floats, t == 0 ? 1 : 0, 1, &copy) != GPUCC_OK) {
                fprintf(stderr, "bench-map: copy yardstick failed: %s\n", gpucc_last_error());
                return 1;
            }
            if (round > 0)
                rows[ROW_COPY_1 + t].samples[round - 1] = copy.median;
        }
        for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
            if (!backends[k])
                continue;
            const char *name = gpucc_backend_kind_name((gpucc_backend_kind)k);
            gpucc_call_info info;
            gpucc_map_check check;
            if (gpucc_map_typed(backends[k], fn, dtype, alpha, x, y, out, n, &info) != GPUCC_OK ||
                gpucc_map_verify_typed(fn, dtype, alpha, x, y, out, n, 0, &check) != GPUCC_OK) {
                fprintf(stderr, "bench-map: %s failed: %s\n", name, gpucc_last_error());
                return 1;
            }
            if (check.bad > 0) {
                fprintf(stderr, "bench-map: %s: %zu outputs beyond %g ulp (max %g), first at %zu\n", name, check.bad,
                        gpucc_map_ulp_bound_typed(fn, dtype), check.max_ulp, check.first_bad);
                failed = 1;
            }
            if (check.max_ulp > worst_ulp)
                worst_ulp = check.max_ulp;
            if (round == 0)
                continue;
            rows[ROW_SERIAL + k].samples[round - 1] = bytes / (info.timing.total_ms * 1e6);
            if (k == GPUCC_BACKEND_OPENCL)
                rows[ROW_OPENCL_KERNEL].samples[round - 1] = bytes / (info.timing.kernel_ms * 1e6);
        }
    }
    bench_print_table(rows, ROW_COUNT, (unsigned)rounds, "GB/s");
    printf("\nevery call verified: %s (worst error %.3g ulp, bound %g)\n", failed ? "NO" : "yes", worst_ulp,
           gpucc_map_ulp_bound_typed(fn, dtype));
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_backend_close(backends[k]);
    bench_rows_free(rows, ROW_COUNT);
    gpucci_typed_array_free(&xs);
    gpucci_typed_array_free(&ys);
    gpucci_typed_array_free(&outs);
    return failed;
}
