/* Tests of the host's energy counters (host/core/energy.c) on a made-up
 * powercap folder (GPUCC_POWERCAP_ROOT): package domains found and summed,
 * subzones left out, a counter that wrapped, and what is said when there
 * are none; gpucc_measure's energy from them or from the plan's meter. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "energy.h"
#include "support.h"

static char root[64];

/* Writes text into root/dir/file, creating root/dir. */
static void put(const char *dir, const char *file, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, dir);
    mkdir(path, 0755);
    snprintf(path, sizeof path, "%s/%s/%s", root, dir, file);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void make_root(void)
{
    snprintf(root, sizeof root, "/tmp/gpucc-powercap.XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(root));
    setenv("GPUCC_POWERCAP_ROOT", root, 1);
}

static void remove_root(void)
{
    char command[128];
    snprintf(command, sizeof command, "rm -rf '%s'", root);
    ck_assert_int_eq(system(command), 0);
    unsetenv("GPUCC_POWERCAP_ROOT");
}

START_TEST(test_packages_summed)
{
    make_root();
    put("intel-rapl:0", "name", "package-0\n");
    put("intel-rapl:0", "energy_uj", "2000000\n");
    put("intel-rapl:0", "max_energy_range_uj", "262143328850\n");
    put("intel-rapl:0:0", "name", "core\n"); /* a subzone: already inside package-0 */
    put("intel-rapl:0:0", "energy_uj", "7\n");
    put("intel-rapl:0:0", "max_energy_range_uj", "262143328850\n");
    put("intel-rapl:1", "name", "package-1\n");
    put("intel-rapl:1", "energy_uj", "500000\n");
    put("intel-rapl:1", "max_energy_range_uj", "262143328850\n");
    gpucci_energy e;
    gpucci_energy_open(&e);
    ck_assert_int_eq(e.available, 1);
    ck_assert_uint_eq(e.count, 2);
    ck_assert_msg(strstr(e.domains, "package-0") && strstr(e.domains, "package-1") && !strstr(e.domains, "core"),
                  "%s", e.domains);
    double before[GPUCCI_ENERGY_DOMAINS], after[GPUCCI_ENERGY_DOMAINS];
    ck_assert_int_eq(gpucci_energy_read(&e, before), 0);
    ck_assert_double_eq_tol(before[0] + before[1], 2.5, 1e-12);
    put("intel-rapl:0", "energy_uj", "3500000\n");
    put("intel-rapl:1", "energy_uj", "750000\n");
    ck_assert_int_eq(gpucci_energy_read(&e, after), 0);
    ck_assert_double_eq_tol(gpucci_energy_used(&e, before, after), 1.75, 1e-12);
    remove_root();
}
END_TEST

/* A counter that passed max_energy_range_uj between two readings. */
START_TEST(test_wrap)
{
    make_root();
    put("intel-rapl:0", "energy_uj", "9000000\n");
    put("intel-rapl:0", "max_energy_range_uj", "10000000\n");
    gpucci_energy e;
    gpucci_energy_open(&e);
    ck_assert_int_eq(e.available, 1);
    double before[1], after[1];
    ck_assert_int_eq(gpucci_energy_read(&e, before), 0);
    put("intel-rapl:0", "energy_uj", "1000000\n");
    ck_assert_int_eq(gpucci_energy_read(&e, after), 0);
    ck_assert_double_eq_tol(gpucci_energy_used(&e, before, after), 2.0, 1e-12);
    remove_root();
}
END_TEST

/* Counters that are not plain numbers, or beyond their range, and more
 * packages than can be summed, make the energy unavailable. */
START_TEST(test_odd_counters)
{
    static const char *const bad[][2] = {{"-5\n", "1000\n"}, {"12abc\n", "1000\n"}, {"5000\n", "1000\n"},
                                         {"\n", "1000\n"}, {"5\n", "0\n"}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        make_root();
        put("intel-rapl:0", "energy_uj", bad[i][0]);
        put("intel-rapl:0", "max_energy_range_uj", bad[i][1]);
        gpucci_energy e;
        gpucci_energy_open(&e);
        ck_assert_msg(!e.available, "counter '%s' range '%s' accepted", bad[i][0], bad[i][1]);
        remove_root();
    }
    make_root();
    for (int p = 0; p <= GPUCCI_ENERGY_DOMAINS; p++) {
        char dir[32];
        snprintf(dir, sizeof dir, "intel-rapl:%d", p);
        put(dir, "energy_uj", "1\n");
        put(dir, "max_energy_range_uj", "1000\n");
    }
    gpucci_energy e;
    gpucci_energy_open(&e);
    ck_assert(!e.available);
    ck_assert_msg(strstr(e.why, "more than") != NULL, "%s", e.why);
    remove_root();
}
END_TEST

START_TEST(test_none)
{
    make_root();
    gpucci_energy e;
    gpucci_energy_open(&e); /* an empty folder */
    ck_assert_int_eq(e.available, 0);
    ck_assert_ptr_nonnull(strstr(e.why, "no RAPL package domain"));
    remove_root();
    setenv("GPUCC_POWERCAP_ROOT", "/nonexistent-powercap", 1);
    gpucci_energy_open(&e);
    ck_assert_int_eq(e.available, 0);
    ck_assert_msg(strstr(e.why, "/nonexistent-powercap") != NULL, "%s", e.why);
    unsetenv("GPUCC_POWERCAP_ROOT");
}
END_TEST

/* gpucc_measure: the energy of its timed calls per call, NaN without
 * counters or when the timed calls last under GPUCCI_ENERGY_MIN_WINDOW_MS. A
 * call that takes *ctx ms (0: returns at once). */
static gpucc_status timed_call(void *ctx, gpucc_call_info *info, double *value)
{
    const int *ms = ctx;
    memset(info, 0, sizeof *info);
    if (ms && *ms) {
        struct timespec pause = {0, *ms * 1000000L};
        nanosleep(&pause, NULL);
        info->timing.total_ms = info->timing.kernel_ms = *ms;
    }
    *value = 0;
    return GPUCC_OK;
}

static int ok_check(void *ctx, double value, double *error, char *reason, size_t size)
{
    (void)ctx, (void)value, (void)reason, (void)size;
    *error = 0;
    return 1;
}

START_TEST(test_measure)
{
    gpucc_plan plan = {.warmup = 1, .repeat = 3};
    gpucc_measurement m;
    int quick = 0, slow = 40; /* 3 timed calls: 0 ms, 120 ms in all */
    setenv("GPUCC_POWERCAP_ROOT", "/nonexistent-powercap", 1);
    ck_assert_int_eq(gpucc_measure(&plan, timed_call, ok_check, 1, &slow, &m), GPUCC_OK);
    ck_assert(isnan(m.energy_j));
    make_root();
    put("intel-rapl:0", "energy_uj", "1000\n");
    put("intel-rapl:0", "max_energy_range_uj", "10000000\n");
    ck_assert_int_eq(gpucc_measure(&plan, timed_call, ok_check, 1, &slow, &m), GPUCC_OK);
    ck_assert_double_eq(m.energy_j, 0.0); /* the made-up counter stands still */
    ck_assert_int_eq(gpucc_measure(&plan, timed_call, ok_check, 1, &quick, &m), GPUCC_OK);
    ck_assert(isnan(m.energy_j)); /* too short a window to meter */
    remove_root();
}
END_TEST

/* A meter that advances by 0.5 J at every read, or fails (ctx NULL). */
static int counting_meter(void *ctx, double *joules)
{
    double *counter = ctx;
    if (!counter)
        return -1;
    *joules = *counter;
    *counter += 0.5;
    return 0;
}

/* gpucc_measure with the plan's own meter: read around each timed call
 * only (never the host's counters), NaN when it fails. */
START_TEST(test_measure_meter)
{
    double counter = 10;
    gpucc_energy_meter meter = {counting_meter, &counter}, broken = {counting_meter, NULL};
    gpucc_plan plan = {.warmup = 2, .repeat = 3, .energy = &meter};
    gpucc_measurement m;
    int slow = 40;
    setenv("GPUCC_POWERCAP_ROOT", "/nonexistent-powercap", 1);
    ck_assert_int_eq(gpucc_measure(&plan, timed_call, ok_check, 1, &slow, &m), GPUCC_OK);
    ck_assert_double_eq(m.energy_j, 0.5);
    ck_assert_double_eq(counter, 13.0); /* two reads per timed call, none for the warm-up */
    plan.energy = &broken;
    ck_assert_int_eq(gpucc_measure(&plan, timed_call, ok_check, 1, &slow, &m), GPUCC_OK);
    ck_assert(isnan(m.energy_j));
    unsetenv("GPUCC_POWERCAP_ROOT");
}
END_TEST

/* The host's counters as a meter: joules since they were opened, across a wrap. */
START_TEST(test_host_meter)
{
    make_root();
    put("intel-rapl:0", "energy_uj", "9000000\n");
    put("intel-rapl:0", "max_energy_range_uj", "10000000\n");
    gpucci_energy e;
    gpucci_energy_open(&e);
    ck_assert_int_eq(e.available, 1);
    double joules;
    put("intel-rapl:0", "energy_uj", "9500000\n");
    ck_assert_int_eq(gpucci_energy_meter_read(&e, &joules), 0);
    ck_assert_double_eq_tol(joules, 0.5, 1e-12);
    put("intel-rapl:0", "energy_uj", "1000000\n");
    ck_assert_int_eq(gpucci_energy_meter_read(&e, &joules), 0);
    ck_assert_double_eq_tol(joules, 2.0, 1e-12);
    put("intel-rapl:0", "energy_uj", "oops\n");
    ck_assert_int_eq(gpucci_energy_meter_read(&e, &joules), -1);
    remove_root();
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("energy");
    TCase *tc = tcase_create("rapl");
    tcase_add_test(tc, test_packages_summed);
    tcase_add_test(tc, test_wrap);
    tcase_add_test(tc, test_none);
    tcase_add_test(tc, test_odd_counters);
    tcase_add_test(tc, test_measure);
    tcase_add_test(tc, test_measure_meter);
    tcase_add_test(tc, test_host_meter);
    suite_add_tcase(s, tc);
    return s;
}
