/* Repeated use of the library in one process: thousands of open, run,
 * verify, close cycles must leave no file descriptors, no threads and no
 * memory behind. Each test runs a warm-up (one-off initialisation: the
 * OpenCL platform, PoCL's worker threads and kernel cache, the C library's
 * arenas), takes the process's usage from /proc/self, runs the measured
 * cycles, and compares:
 *  - open file descriptors (entries of /proc/self/fd): equal;
 *  - threads (Threads: in /proc/self/status): equal;
 *  - resident memory (VmRSS): growth below RSS_BOUND_KIB. A leak of one
 *    input array per cycle would exceed it several times over, while
 *    allocator noise stays far below it.
 * Every cycle verifies what it computed (reduce against the exact
 * reference, map and dense with their verifiers), so a backend that kept
 * running but went wrong is caught too. OpenCL cycles alternate the
 * zero-copy and copy paths (the copy path has its own buffers and thread
 * pool) and the kernel and CLBlast dense layers; an OpenCL open builds
 * programs, so it runs fewer cycles than the CPU backends. */
#define _POSIX_C_SOURCE 200809L
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Elements per cycle: 256 KiB of input, so a leaked input-sized buffer
 * passes RSS_BOUND_KIB within a hundred cycles. */
enum { N = 1 << 16 };
enum { DENSE_BATCH = 5, DENSE_IN = 33, DENSE_OUT = 7 };

/* Sanitizers: AddressSanitizer keeps freed memory in quarantine (and checks
 * for leaks itself at exit) and ThreadSanitizer maps shadow memory, so
 * resident memory says nothing there; both slow every cycle down, so a
 * quarter of the cycles run. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif
#ifndef SANITIZED
#define SANITIZED 0
#endif

enum { SCALE = SANITIZED ? 4 : 1 };
enum { CPU_WARMUP = 50, CPU_CYCLES = 2000 / SCALE, OPENCL_WARMUP = 8, OPENCL_CYCLES = 100 / SCALE };
#define RSS_BOUND_KIB (16 * 1024L)

typedef struct {
    long fds;
    long threads;
    long rss_kib;
} usage;

/* The value of a "Name:   value" line of /proc/self/status (the test
 * fails where there is none). */
static long status_field(const char *name)
{
    FILE *f = fopen("/proc/self/status", "r");
    ck_assert_ptr_nonnull(f);
    char line[256];
    long value = -1;
    size_t len = strlen(name);
    while (fgets(line, sizeof line, f))
        if (strncmp(line, name, len) == 0 && line[len] == ':') {
            value = strtol(line + len + 1, NULL, 10);
            break;
        }
    fclose(f);
    ck_assert_msg(value >= 0, "no %s in /proc/self/status", name);
    return value;
}

static usage usage_now(void)
{
    usage u = {0, status_field("Threads"), status_field("VmRSS")};
    DIR *dir = opendir("/proc/self/fd");
    ck_assert_ptr_nonnull(dir);
    for (struct dirent *e; (e = readdir(dir));)
        u.fds += e->d_name[0] != '.';
    closedir(dir);
    return u;
}

/* The arrays one cycle reads and writes, allocated once per test. */
typedef struct {
    float *x, *y, *out;
    float *dx, *dw, *db, *dy;
} buffers;

static buffers buffers_alloc(void)
{
    buffers b = {gpucc_alloc_floats(N), gpucc_alloc_floats(N), gpucc_alloc_floats(N),
                 gpucc_alloc_floats(DENSE_BATCH * DENSE_IN), gpucc_alloc_floats(DENSE_OUT * DENSE_IN),
                 gpucc_alloc_floats(DENSE_OUT), gpucc_alloc_floats(DENSE_BATCH * DENSE_OUT)};
    ck_assert(b.x && b.y && b.out && b.dx && b.dw && b.db && b.dy);
    return b;
}

static void buffers_free(buffers *b)
{
    float *all[] = {b->x, b->y, b->out, b->dx, b->dw, b->db, b->dy};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        gpucc_free_floats(all[i]);
}

/* One cycle: open a backend, reduce, map and dense once each on data that
 * depends on `cycle`, verify all three, close. */
static void one_cycle(gpucc_backend_kind kind, const gpucc_backend_config *config, unsigned cycle, buffers *b)
{
    size_t n = N - (cycle % 16) * 37; /* sizes that are no multiple of a block */
    ck_assert_int_eq(gpucc_generate(b->x, n, cycle, 1), GPUCC_OK);
    ck_assert_int_eq(gpucc_generate(b->y, n, cycle + 1000000u, 1), GPUCC_OK);
    ck_assert_int_eq(gpucc_generate(b->dx, DENSE_BATCH * DENSE_IN, cycle, 1), GPUCC_OK);
    ck_assert_int_eq(gpucc_generate(b->dw, DENSE_OUT * DENSE_IN, cycle + 1, 1), GPUCC_OK);
    ck_assert_int_eq(gpucc_generate(b->db, DENSE_OUT, cycle + 2, 1), GPUCC_OK);

    gpucc_backend *backend = NULL;
    gpucc_status status = gpucc_backend_open(kind, config, &backend);
    ck_assert_msg(status == GPUCC_OK, "cycle %u: open %s: %s", cycle, gpucc_backend_kind_name(kind),
                  gpucc_last_error());

    gpucc_reduce_op op = (gpucc_reduce_op)(cycle % GPUCC_REDUCE_OP_COUNT);
    gpucc_reduce_result r;
    gpucc_reference ref;
    double error;
    ck_assert_int_eq(gpucc_reduce(backend, op, b->x, n, &r), GPUCC_OK);
    ck_assert_int_eq(gpucc_reference_compute(b->x, n, 1, &ref), GPUCC_OK);
    ck_assert_msg(gpucc_reduce_verify(op, r.value, &ref, &error), "cycle %u: %s gave %.17g (error %g)", cycle,
                  gpucc_reduce_op_name(op), r.value, error);

    gpucc_map_fn fn = cycle % 2 ? GPUCC_MAP_SAXPY : GPUCC_MAP_SIGMOID;
    gpucc_call_info info;
    gpucc_map_check map_check;
    ck_assert_int_eq(gpucc_map(backend, fn, 0.5f, b->x, b->y, b->out, n, &info), GPUCC_OK);
    ck_assert_int_eq(gpucc_map_verify(fn, 0.5f, b->x, b->y, b->out, n, 1, &map_check), GPUCC_OK);
    ck_assert_msg(map_check.bad == 0, "cycle %u: map %s: %zu bad elements", cycle, gpucc_map_fn_name(fn),
                  map_check.bad);

    gpucc_dense_shape shape = {DENSE_BATCH, DENSE_IN, DENSE_OUT, (gpucc_activation)(cycle % GPUCC_ACT_COUNT)};
    gpucc_dense_check dense_check;
    status = gpucc_dense(backend, &shape, b->dx, b->dw, b->db, b->dy, &info);
    ck_assert_msg(status == GPUCC_OK, "cycle %u: dense: %s", cycle, gpucc_last_error());
    ck_assert_int_eq(gpucc_dense_verify(&shape, b->dx, b->dw, b->db, b->dy, 1, &dense_check), GPUCC_OK);
    ck_assert_msg(dense_check.bad == 0, "cycle %u: dense (%s): %zu bad outputs", cycle, info.impl,
                  dense_check.bad);

    gpucc_backend_close(backend);
}

/* The config of cycle `cycle` of a backend kind: OpenCL alternates the
 * zero-copy and copy paths and the two dense implementations. */
static gpucc_backend_config config_of(gpucc_backend_kind kind, unsigned cycle)
{
    gpucc_backend_config c;
    memset(&c, 0, sizeof c);
    if (kind == GPUCC_BACKEND_PTHREADS)
        c.threads = 2 + cycle % 2;
    if (kind == GPUCC_BACKEND_OPENCL) {
        c.force_copy = cycle % 2;
        c.dense_impl = cycle / 2 % 2 ? GPUCC_DENSE_CLBLAST : GPUCC_DENSE_KERNEL;
    }
    return c;
}

/* Runs `warmup` cycles, then `cycles` measured ones, and compares usage. */
static void repeat_cycles(gpucc_backend_kind kind, unsigned warmup, unsigned cycles)
{
    buffers b = buffers_alloc();
    for (unsigned i = 0; i < warmup; i++) {
        gpucc_backend_config c = config_of(kind, i);
        one_cycle(kind, &c, i, &b);
    }
    usage before = usage_now();
    for (unsigned i = warmup; i < warmup + cycles; i++) {
        gpucc_backend_config c = config_of(kind, i);
        one_cycle(kind, &c, i, &b);
    }
    usage after = usage_now();
    /* pthread_join returns once a thread has finished, a moment before the
     * kernel stops counting it (seen on a busy machine): a count above the
     * one before is read again for up to a second. A leaked thread stays. */
    for (int tries = 0; after.threads > before.threads && tries < 100; tries++) {
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
        after = usage_now();
    }
    buffers_free(&b);

    const char *name = gpucc_backend_kind_name(kind);
    printf("%s: %u cycles: fds %ld -> %ld, threads %ld -> %ld, VmRSS %ld -> %ld KiB\n", name, cycles, before.fds,
           after.fds, before.threads, after.threads, before.rss_kib, after.rss_kib);
    ck_assert_msg(after.fds == before.fds, "%s: %ld file descriptors before %u cycles, %ld after", name, before.fds,
                  cycles, after.fds);
    ck_assert_msg(after.threads == before.threads, "%s: %ld threads before %u cycles, %ld after", name,
                  before.threads, cycles, after.threads);
    if (!SANITIZED)
        ck_assert_msg(after.rss_kib - before.rss_kib < RSS_BOUND_KIB,
                      "%s: resident memory grew by %ld KiB over %u cycles (bound %ld KiB)", name,
                      after.rss_kib - before.rss_kib, cycles, RSS_BOUND_KIB);
}

START_TEST(test_serial_cycles)
{
    repeat_cycles(GPUCC_BACKEND_SERIAL, CPU_WARMUP, CPU_CYCLES);
}
END_TEST

START_TEST(test_pthreads_cycles)
{
    repeat_cycles(GPUCC_BACKEND_PTHREADS, CPU_WARMUP, CPU_CYCLES);
}
END_TEST

START_TEST(test_opencl_cycles)
{
    repeat_cycles(GPUCC_BACKEND_OPENCL, OPENCL_WARMUP, OPENCL_CYCLES);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const cycles[] = {test_serial_cycles, test_pthreads_cycles};
    const TTest *const opencl[] = {test_opencl_cycles}; /* its dense cycles use CLBlast too */
    Suite *s = suite_create("repeated use");
    support_tcase(s, "cycles", 600, cycles, COUNT(cycles));
    support_tcase_needing(s, SUPPORT_CLBLAST, "opencl", 600, opencl, COUNT(opencl)); /* a cold PoCL kernel cache on a busy machine */
    return s;
}
