/* Measured ceilings of the host: the yardsticks that throughput is placed
 * against. This file is compiled with -ffp-contract=fast (see
 * CMakeLists.txt), so that the FMA loop's a * b + c is one instruction
 * where the CPU has FMA. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpuinfo.h"
#include "dispatch.h"
#include "error.h"
#include "pool.h"
#include "timer.h"

typedef struct {
    const uint64_t *words;
    size_t count;
    uint64_t sums[GPUCC_MAX_THREADS]; /* one per thread, so the loads cannot be elided */
} read_job;

/* A plain read loop: integer adds are associative, so the compiler
 * vectorises it and memory, not arithmetic, sets the pace. */
GPUCCI_HOT static void read_part(void *ctx, unsigned index, unsigned count)
{
    read_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->count, index, count, &begin, &end);
    uint64_t sum = 0;
    for (size_t i = begin; i < end; i++)
        sum += job->words[i];
    job->sums[index] = sum;
}

/* Where the read loop's result goes, so that it cannot be optimised away. */
static volatile uint64_t read_sink;

static void read_done(void *ctx)
{
    const read_job *job = ctx;
    for (int i = 0; i < GPUCC_MAX_THREADS; i++)
        read_sink += job->sums[i];
}

/* The skeleton of every yardstick: runs task on a pool of `threads` (0 =
 * online CPUs) `warmup` times untimed, then `repeat` times timed, calls
 * done(job) after each run (if not NULL), and gives the median, min and max
 * of units (done by one run) per nanosecond: GB/s for bytes, GFLOP/s
 * for flops. */
static gpucc_status measure_rate(unsigned threads, unsigned warmup, unsigned repeat, gpucci_pool_task task,
                                 void (*done)(void *), void *job, double units, gpucc_stats *rate)
{
    double *samples = malloc(repeat * sizeof *samples);
    if (!samples)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %u samples", repeat);
    gpucci_pool *pool;
    gpucc_status status = gpucci_threads_resolve(threads, "peak bandwidth", &threads);
    if (status == GPUCC_OK)
        status = gpucci_pool_create(threads, &pool);
    if (status != GPUCC_OK) {
        free(samples);
        return status;
    }
    for (unsigned r = 0; r < warmup + repeat; r++) {
        double start = gpucci_now_ms();
        gpucci_pool_run(pool, task, job);
        double ms = gpucci_now_ms() - start;
        if (done)
            done(job);
        if (r >= warmup)
            samples[r - warmup] = units / (ms * 1e6);
    }
    *rate = gpucc_stats_of(samples, repeat);
    gpucci_pool_free(pool);
    free(samples);
    return GPUCC_OK;
}

gpucc_status gpucc_peak_read_bandwidth(const float *x, size_t n, unsigned threads, unsigned repeat,
                                       gpucc_stats *gbps)
{
    if (!x || n < 2 || n > SIZE_MAX / sizeof(float) || !gbps || repeat == 0)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_read_bandwidth: invalid arguments");
    read_job job;
    memset(&job, 0, sizeof job);
    job.words = (const uint64_t *)(const void *)x;
    job.count = n / 2;
    return measure_rate(threads, 0, repeat, read_part, read_done, &job, (double)job.count * sizeof(uint64_t), gbps);
}

gpucc_status gpucc_peak_copy_bandwidth(const float *src, float *dst, size_t n, unsigned threads, unsigned repeat,
                                       gpucc_stats *gbps)
{
    if (!src || !dst || n == 0 || !gbps || repeat == 0)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_copy_bandwidth: invalid arguments");
    if (n > SIZE_MAX / sizeof(float) || gpucci_floats_overlap(src, dst, n))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_copy_bandwidth: source and destination overlap");
    gpucci_copy_job job = {dst, src, n * sizeof(float)};
    return measure_rate(threads, 0, repeat, gpucci_copy_part, NULL, &job, 2.0 * (double)n * sizeof(float), gbps);
}

/* ---- FP32 FMA peak ----
 *
 * Each thread runs FMA_CHAINS independent chains acc = acc * m + a on
 * vectors as wide as the CPU's registers, all in registers: twelve chains
 * keep two FMA units with a latency of four or five cycles busy. m and a
 * are only known at run time and every chain ends in the result, so the
 * compiler can neither fold the loop nor drop it; with m = a = 0.5 every
 * chain converges to 1 (no overflow, no subnormals).
 *
 * GPUCCI_HOT compiles one source for every level, but this loop wants a
 * different vector width per level (GCC splits 64-byte vectors into
 * spills on AVX2, which has 16 registers to AVX-512's 32). So a portable
 * build instantiates it once per level of dispatch.h and runs the one that
 * gpucci_cpu_isa() names, the level the hot loops' resolver picks; a
 * native build has one, as wide as -march=native allows. A level without
 * FMA (the x86-64 baseline) runs a multiply and an add: still 2 flops. */
enum { FMA_CHAINS = 12 };
#define FMA_FLOPS_PER_THREAD 4e9 /* per timed run: tens of ms at a core's peak */

typedef float (*fma_loop_fn)(size_t iterations, float m, float a);

#define DEFINE_FMA_LOOP(name, attribute, lanes)                                                               \
    attribute static float name(size_t iterations, float m, float a)                                          \
    {                                                                                                       \
        typedef float vec __attribute__((vector_size((lanes) * sizeof(float))));                             \
        vec acc[FMA_CHAINS], vm = (vec){0} + m, va = (vec){0} + a;                                          \
        _Pragma("GCC unroll 16") for (int c = 0; c < FMA_CHAINS; c++) acc[c] = (vec){0} + (float)c;         \
        for (size_t i = 0; i < iterations; i++) {                                                           \
            _Pragma("GCC unroll 16") for (int c = 0; c < FMA_CHAINS; c++) acc[c] = acc[c] * vm + va;        \
        }                                                                                                   \
        vec sum = (vec){0};                                                                                 \
        _Pragma("GCC unroll 16") for (int c = 0; c < FMA_CHAINS; c++) sum += acc[c];                        \
        float total = 0;                                                                                    \
        for (int l = 0; l < (lanes); l++)                                                                   \
            total += sum[l];                                                                                \
        return total;                                                                                       \
    }

#if GPUCCI_DISPATCH
DEFINE_FMA_LOOP(fma_loop_v4, __attribute__((target("arch=x86-64-v4"))), 16)
DEFINE_FMA_LOOP(fma_loop_v3, __attribute__((target("arch=x86-64-v3"))), 8)
DEFINE_FMA_LOOP(fma_loop_default, , 4)

/* The loop of the level that runs, and its lanes per vector. */
static fma_loop_fn fma_loop_pick(unsigned *lanes)
{
    const char *isa = gpucci_cpu_isa();
    *lanes = strcmp(isa, "x86-64-v4") == 0 ? 16 : strcmp(isa, "x86-64-v3") == 0 ? 8 : 4;
    return *lanes == 16 ? fma_loop_v4 : *lanes == 8 ? fma_loop_v3 : fma_loop_default;
}
#else
#if defined(__AVX512F__)
#define FMA_LANES 16
#elif defined(__AVX__)
#define FMA_LANES 8
#else
#define FMA_LANES 4
#endif
DEFINE_FMA_LOOP(fma_loop_native, , FMA_LANES)

static fma_loop_fn fma_loop_pick(unsigned *lanes)
{
    *lanes = FMA_LANES;
    return fma_loop_native;
}
#endif
#undef DEFINE_FMA_LOOP

typedef struct {
    fma_loop_fn loop;
    size_t iterations;
    volatile float m, a; /* read at run time: never constants */
    float sums[GPUCC_MAX_THREADS]; /* one per thread, so the chains cannot be elided */
} fma_job;

static void fma_part(void *ctx, unsigned index, unsigned count)
{
    fma_job *job = ctx;
    (void)count;
    job->sums[index] = job->loop(job->iterations, job->m, job->a);
}

/* Where the FMA loop's results go, so that it cannot be optimised away. */
static volatile float fma_sink;

static void fma_done(void *ctx)
{
    const fma_job *job = ctx;
    for (int i = 0; i < GPUCC_MAX_THREADS; i++)
        fma_sink += job->sums[i];
}

gpucc_status gpucc_peak_fma(unsigned threads, unsigned repeat, gpucc_stats *gflops)
{
    if (!gflops || repeat == 0)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_peak_fma: invalid arguments");
    gpucc_status status = gpucci_threads_resolve(threads, "gpucc_peak_fma", &threads);
    if (status != GPUCC_OK)
        return status;
    unsigned lanes;
    fma_job job;
    memset(&job, 0, sizeof job);
    job.loop = fma_loop_pick(&lanes);
    double flops_per_iteration = 2.0 * FMA_CHAINS * lanes;
    job.iterations = (size_t)(FMA_FLOPS_PER_THREAD / flops_per_iteration);
    job.m = job.a = 0.5f;
    return measure_rate(threads, 1, repeat, fma_part, fma_done, &job,
                        (double)threads * (double)job.iterations * flops_per_iteration, gflops);
}
