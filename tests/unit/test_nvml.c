/* Tests of the NVML loader (host/core/nvml.c) against the tests' stub
 * library (tests/support/nvml-stub.c, GPUCC_NVML_STUB_PATH): an absent
 * library and a failing init say why; the stub's device is found by name,
 * its clocks, throttle reasons and energy read; several devices of one name
 * are no match; throttle reasons decode to their names. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nvml.h"
#include "support.h"

/* Points gpucc at the stub (its devices named `name`). */
static void use_stub(const char *name)
{
    setenv("GPUCC_NVML_LIBRARY", GPUCC_NVML_STUB_PATH, 1);
    setenv("GPUCC_NVML_STUB_NAME", name, 1);
}

START_TEST(test_absent_library)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    setenv("GPUCC_NVML_LIBRARY", "/nonexistent/libnvidia-ml.so.1", 1);
    ck_assert_ptr_null(gpucci_nvml_open(why, sizeof why));
    ck_assert_msg(strstr(why, "no NVML") && strstr(why, "/nonexistent/libnvidia-ml.so.1"), "%s", why);
}
END_TEST

START_TEST(test_init_fails)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    use_stub("any");
    setenv("GPUCC_NVML_STUB_INIT_FAIL", "1", 1);
    ck_assert_ptr_null(gpucci_nvml_open(why, sizeof why));
    ck_assert_str_eq(why, "NVML init failed: Driver Not Loaded");
}
END_TEST

/* A library that is not NVML: the first function it lacks is named. */
START_TEST(test_not_nvml)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    setenv("GPUCC_NVML_LIBRARY", "libm.so.6", 1);
    ck_assert_ptr_null(gpucci_nvml_open(why, sizeof why));
    ck_assert_msg(strstr(why, "libm.so.6 lacks nvmlInit_v2"), "%s", why);
}
END_TEST

START_TEST(test_stub_device)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    use_stub("NVIDIA Test Board");
    setenv("GPUCC_NVML_STUB_THROTTLE", "0x85", 1); /* gpu_idle, sw_power_cap, hw_power_brake */
    gpucci_nvml *nvml = gpucci_nvml_open(why, sizeof why);
    ck_assert_msg(nvml != NULL, "%s", why);
    ck_assert_uint_eq(gpucci_nvml_count(nvml), 1);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_find(nvml, "NVIDIA Test Board", &device, why, sizeof why), 0);
    ck_assert_str_eq(device.name, "NVIDIA Test Board");
    ck_assert_uint_eq(device.index, 0);
    gpucci_nvml_sample sample;
    gpucci_nvml_sample_read(&device, &sample);
    ck_assert_uint_eq(sample.sm_mhz, 1410);
    ck_assert_uint_eq(sample.memory_mhz, 1593);
    ck_assert_int_eq(sample.throttle_known, 1);
    ck_assert_uint_eq(sample.throttle, 0x85);
    /* the stub's counter: 1000 J, then 0.25 J more at each read */
    double first, second;
    ck_assert_int_eq(gpucci_nvml_energy(&device, &first), 0);
    ck_assert_int_eq(gpucci_nvml_energy(&device, &second), 0);
    ck_assert_double_eq(first, 1000.0);
    ck_assert_double_eq(second - first, 0.25);
    gpucci_nvml_energy_why(&device, why, sizeof why);
    ck_assert_str_eq(why, "");
    /* as the OpenCL backend describes its device; another board's name is no match */
    ck_assert_int_eq(gpucci_nvml_find(nvml, "NVIDIA Test Board (NVIDIA CUDA, gpu)", &device, why, sizeof why), 0);
    ck_assert_int_eq(gpucci_nvml_find(nvml, "NVIDIA Test Board Ti (NVIDIA CUDA, gpu)", &device, why, sizeof why), -1);
    ck_assert_int_eq(gpucci_nvml_find(nvml, "NVIDIA Test", &device, why, sizeof why), -1);
    ck_assert_int_eq(gpucci_nvml_find(nvml, "pthread-cpu", &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "no NVML device is named 'pthread-cpu' (1 NVML devices)");
    gpucci_nvml_close(nvml);
}
END_TEST

/* A board without the energy counter (older than Volta) says so. */
START_TEST(test_no_energy)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    use_stub("Old Board");
    setenv("GPUCC_NVML_STUB_NO_ENERGY", "1", 1);
    gpucci_nvml *nvml = gpucci_nvml_open(why, sizeof why);
    ck_assert_msg(nvml != NULL, "%s", why);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_find(nvml, "Old Board", &device, why, sizeof why), 0);
    double joules = -1;
    ck_assert_int_eq(gpucci_nvml_energy(&device, &joules), -1);
    ck_assert_double_eq(joules, -1);
    gpucci_nvml_energy_why(&device, why, sizeof why);
    ck_assert_str_eq(why, "board energy not readable: Not Supported");
    gpucci_nvml_close(nvml);
}
END_TEST

/* Identical boards: the name cannot tell which one an OpenCL device is. */
START_TEST(test_same_names)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    use_stub("Twin Board");
    setenv("GPUCC_NVML_STUB_DEVICES", "2", 1);
    gpucci_nvml *nvml = gpucci_nvml_open(why, sizeof why);
    ck_assert_msg(nvml != NULL, "%s", why);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_device_at(nvml, 1, &device, why, sizeof why), 0);
    ck_assert_uint_eq(device.index, 1);
    ck_assert_str_eq(device.name, "Twin Board");
    ck_assert_int_eq(gpucci_nvml_device_at(nvml, 2, &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "NVML device 2: Invalid Argument");
    ck_assert_int_eq(gpucci_nvml_find(nvml, "Twin Board", &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "2 NVML devices are named 'Twin Board': cannot tell which one ran");
    gpucci_nvml_close(nvml);
}
END_TEST

START_TEST(test_throttle_names)
{
    const char *names[16];
    ck_assert_uint_eq(gpucci_nvml_throttle_names(0, names, 16), 0);
    ck_assert_uint_eq(gpucci_nvml_throttle_names(0x1ff, names, 16), 9);
    static const char *const all[] = {"gpu_idle",   "applications_clocks", "sw_power_cap",
                                      "hw_slowdown", "sync_boost",         "sw_thermal",
                                      "hw_thermal", "hw_power_brake",      "display_clocks"};
    for (size_t i = 0; i < 9; i++)
        ck_assert_str_eq(names[i], all[i]);
    ck_assert_uint_eq(gpucci_nvml_throttle_names(0x48 | (1ull << 40), names, 16), 3);
    ck_assert_str_eq(names[0], "hw_slowdown");
    ck_assert_str_eq(names[1], "hw_thermal");
    ck_assert_str_eq(names[2], "unknown");
    ck_assert_uint_eq(gpucci_nvml_throttle_names(0x1ff, names, 2), 2); /* never past capacity */
    char text[128];
    gpucci_nvml_throttle_text(0, text, sizeof text);
    ck_assert_str_eq(text, "none");
    gpucci_nvml_throttle_text(0x24, text, sizeof text);
    ck_assert_str_eq(text, "sw_power_cap, sw_thermal");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("nvml");
    TCase *tc = tcase_create("loader");
    tcase_add_test(tc, test_absent_library);
    tcase_add_test(tc, test_init_fails);
    tcase_add_test(tc, test_not_nvml);
    tcase_add_test(tc, test_stub_device);
    tcase_add_test(tc, test_no_energy);
    tcase_add_test(tc, test_same_names);
    tcase_add_test(tc, test_throttle_names);
    suite_add_tcase(s, tc);
    return s;
}
