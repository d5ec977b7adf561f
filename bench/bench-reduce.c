/*
 * bench-reduce: each backend's reduction throughput against the machine's
 * measured read bandwidth, measured in the same process and interleaved
 * round by round, so that drift on a shared machine hits all alike.
 *
 *   bench-reduce [--size=N] [--rounds=N] [--op=sum|min|max] [--dtype=f32|f64|f16|bf16|i32]
 *
 * Prints the machine and settings, then per row the median GB/s with the
 * min-max over the rounds, and the ratio of medians to the yardstick:
 * serial against one thread's read loop, pthreads and OpenCL against the
 * all-threads read loop, both reading the same bytes. Every call's result
 * is verified; a wrong result makes the program exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-util.h"
#include "gpucc.h"
#include "pocl-workers.h"
#include "typed-array.h"

enum { ROW_READ_1, ROW_READ_ALL, ROW_SERIAL, ROW_PTHREADS, ROW_OPENCL, ROW_COUNT };

static int parse_flag(const char *arg, const char *name, uint64_t min, uint64_t max, uint64_t *out)
{
    return bench_parse_count_flag("bench-reduce", arg, name, min, max, out);
}

static void print_context(size_t n, gpucc_dtype dtype, unsigned rounds, gpucc_reduce_op op,
                          gpucc_backend *const *backends)
{
    char date[64];
    bench_date(date, sizeof date);
    printf("bench-reduce: op=%s dtype=%s n=%zu (%.0f MB) rounds=%u, %s\n", gpucc_reduce_op_name(op),
           gpucc_dtype_name(dtype), n, n * (double)gpucc_dtype_size(dtype) / 1e6, rounds, date);
    bench_print_machine(backends);
}

int main(int argc, char **argv)
{
    gpucci_pin_pocl_workers();
    uint64_t size = 100000000, rounds = 15;
    gpucc_reduce_op op = GPUCC_REDUCE_SUM;
    gpucc_dtype dtype = GPUCC_F32;
    for (int i = 1; i < argc; i++) {
        if (parse_flag(argv[i], "--size", 4, UINT64_C(1) << 36, &size) ||
            parse_flag(argv[i], "--rounds", 1, 100000, &rounds))
            continue;
        if (strncmp(argv[i], "--op=", 5) == 0 && gpucc_reduce_op_parse(argv[i] + 5, &op) == GPUCC_OK)
            continue;
        if (strncmp(argv[i], "--dtype=", 8) == 0 && gpucc_dtype_parse(argv[i] + 8, &dtype) == GPUCC_OK)
            continue;
        fprintf(stderr, "bench-reduce: unknown argument '%s'\nusage: bench-reduce [--size=N] [--rounds=N] "
                        "[--op=sum|min|max] [--dtype=f32|f64|f16|bf16|i32]\n", argv[i]);
        return 64;
    }
    size_t n = (size_t)size, bytes = n * gpucc_dtype_size(dtype);
    gpucci_typed_array data;
    gpucc_reference ref;
    if (gpucci_typed_array_alloc(dtype, n, 1, &data) != GPUCC_OK ||
        gpucci_generate_typed_range(dtype, data.data, 0, n, 1, 0) != GPUCC_OK ||
        gpucc_reference_compute_typed(dtype, data.data, n, 0, &ref) != GPUCC_OK) {
        fprintf(stderr, "bench-reduce: %s\n", gpucc_last_error());
        return 1;
    }
    const void *x = data.data;
    const float *x_words = data.data; /* the read loops read the same bytes as floats */
    gpucc_backend *backends[GPUCC_BACKEND_COUNT] = {NULL};
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        if (gpucc_backend_open((gpucc_backend_kind)k, NULL, &backends[k]) != GPUCC_OK)
            fprintf(stderr, "bench-reduce: %s unavailable: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k),
                    gpucc_last_error());
    print_context(n, dtype, (unsigned)rounds, op, backends);

    bench_row rows[ROW_COUNT] = {
        [ROW_READ_1] = {"read loop, 1 thread", -1, 0, 1, NULL},
        [ROW_READ_ALL] = {"read loop, all threads", -1, 0, 1, NULL},
        [ROW_SERIAL] = {"serial", ROW_READ_1, 0.85, backends[GPUCC_BACKEND_SERIAL] != NULL, NULL},
        [ROW_PTHREADS] = {"pthreads", ROW_READ_ALL, 0.92, backends[GPUCC_BACKEND_PTHREADS] != NULL, NULL},
        [ROW_OPENCL] = {"opencl", ROW_READ_ALL, 0.92, backends[GPUCC_BACKEND_OPENCL] != NULL, NULL},
    };
    if (bench_rows_alloc(rows, ROW_COUNT, (unsigned)rounds) != 0)
        return 1;
    int failed = 0;
    for (unsigned round = 0; round <= rounds; round++) { /* round 0 warms up */
        gpucc_stats read;
        for (int t = 0; t < 2; t++) {
            gpucc_peak_read_bandwidth(x_words, bytes / sizeof(float), t == 0 ? 1 : 0, 1, &read);
            if (round > 0)
                rows[ROW_READ_1 + t].samples[round - 1] = read.median;
        }
        for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
            gpucc_reduce_result result;
            double error;
            if (!backends[k])
                continue;
            gpucc_status status = gpucc_reduce_typed(backends[k], op, dtype, x, n, &result);
            if (status != GPUCC_OK || !gpucc_reduce_verify_typed(op, dtype, &result, &ref, &error)) {
                fprintf(stderr, "bench-reduce: %s %s: %s\n", gpucc_backend_kind_name((gpucc_backend_kind)k),
                        status != GPUCC_OK ? "failed" : "did not verify",
                        status != GPUCC_OK ? gpucc_last_error() : "result outside the error bound");
                failed = 1;
            }
            if (status == GPUCC_OK && round > 0)
                rows[ROW_SERIAL + k].samples[round - 1] = (double)bytes / (result.timing.total_ms * 1e6);
        }
    }
    bench_print_table(rows, ROW_COUNT, (unsigned)rounds, "GB/s");
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
        gpucc_backend_close(backends[k]);
    bench_rows_free(rows, ROW_COUNT);
    gpucci_typed_array_free(&data);
    return failed;
}
