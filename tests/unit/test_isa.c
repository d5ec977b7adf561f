/* The instruction set of the hot CPU loops (host/core/dispatch.h):
 * gpucci_cpu_isa() names one the build can run, "native" exactly in a
 * -march=native build, the same name on every call, and the serial and
 * pthreads backends end their device strings with it, so every run and
 * bench row says which one ran. */
#include "cpuinfo.h"
#include "gpucc.h"
#include "support.h"

#include <check.h>
#include <string.h>

/* Whether name is one of the instruction sets gpucci_cpu_isa() may name. */
static int known_isa(const char *name)
{
    static const char *const known[] = {"native", "x86-64-v4", "x86-64-v3", "default"};
    for (size_t i = 0; i < COUNT(known); i++)
        if (strcmp(name, known[i]) == 0)
            return 1;
    return 0;
}

START_TEST(test_isa_is_known)
{
    const char *isa = gpucci_cpu_isa();
    ck_assert_ptr_nonnull(isa);
    ck_assert_msg(known_isa(isa), "unknown instruction set \"%s\"", isa);
    ck_assert_str_eq(gpucci_cpu_isa(), isa);
#if defined(GPUCCI_NATIVE)
    ck_assert_str_eq(isa, "native");
#else
    ck_assert_str_ne(isa, "native");
#endif
}
END_TEST

/* Fails unless the device string of a backend of `kind` ends in ", <isa>". */
static void check_device_names_isa(gpucc_backend_kind kind, const gpucc_backend_config *config)
{
    gpucc_backend *backend = support_open(kind, config, gpucc_backend_kind_name(kind));
    const char *device = gpucc_backend_device(backend), *isa = gpucci_cpu_isa();
    size_t len = strlen(device), isa_len = strlen(isa);
    ck_assert_msg(len > isa_len + 2 && strncmp(device + len - isa_len - 2, ", ", 2) == 0 &&
                      strcmp(device + len - isa_len, isa) == 0,
                  "%s device \"%s\" does not end with \", %s\"", gpucc_backend_kind_name(kind), device, isa);
    gpucc_backend_close(backend);
}

START_TEST(test_serial_device_names_isa)
{
    check_device_names_isa(GPUCC_BACKEND_SERIAL, NULL);
}
END_TEST

START_TEST(test_pthreads_device_names_isa)
{
    gpucc_backend_config config = {.threads = 2};
    check_device_names_isa(GPUCC_BACKEND_PTHREADS, &config);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const tests[] = {test_isa_is_known, test_serial_device_names_isa, test_pthreads_device_names_isa};
    Suite *s = suite_create("instruction set");
    support_tcase(s, "isa", 0, tests, COUNT(tests));
    return s;
}
