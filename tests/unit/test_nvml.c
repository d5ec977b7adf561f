/* Tests of the NVML loader (host/core/nvml.c) against the tests' stub
 * library (tests/support/nvml-stub.c, GPUCC_NVML_STUB_PATH): an absent
 * library and a failing init say why; the stub's device is found by name,
 * its clocks, throttle reasons and energy read; several devices of one name
 * are no match by name, but told apart by PCI location; throttle reasons
 * decode to their names. And the matching itself (gpucci_nvml_match) on
 * made-up device lists: by PCI location first, by name as the fallback. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "nvml.h"
#include "support.h"

/* An OpenCL device whose platform does not tell its PCI location. */
static const gpucc_pci_location no_pci = {0};

/* Points gpucc at the stub (its devices named `name`). */
static void use_stub(const char *name)
{
    setenv("GPUCC_NVML_LIBRARY", GPUCC_NVML_STUB_PATH, 1);
    setenv("GPUCC_NVML_STUB_NAME", name, 1);
}

/* Opens the stub with its devices named `name` and, unless setting is NULL,
 * the stub's environment variable `setting` set to `value`; fails the test
 * (with why) if it does not open. */
static gpucci_nvml *open_stub(const char *name, const char *setting, const char *value,
                              char why[GPUCCI_NVML_WHY_SIZE])
{
    use_stub(name);
    if (setting)
        setenv(setting, value, 1);
    gpucci_nvml *nvml = gpucci_nvml_open(why, GPUCCI_NVML_WHY_SIZE);
    ck_assert_msg(nvml != NULL, "%s", why);
    return nvml;
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
    /* throttle 0x85: gpu_idle, sw_power_cap, hw_power_brake */
    gpucci_nvml *nvml = open_stub("NVIDIA Test Board", "GPUCC_NVML_STUB_THROTTLE", "0x85", why);
    ck_assert_uint_eq(gpucci_nvml_count(nvml), 1);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, "NVIDIA Test Board", &device, why, sizeof why), 0);
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
    const char *described = "NVIDIA Test Board (NVIDIA CUDA, gpu)", *other = "NVIDIA Test Board Ti (NVIDIA CUDA, gpu)";
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, described, &device, why, sizeof why), 0);
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, other, &device, why, sizeof why), -1);
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, "NVIDIA Test", &device, why, sizeof why), -1);
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, "pthread-cpu", &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "no NVML device is named 'pthread-cpu' (1 NVML devices)");
    gpucci_nvml_close(nvml);
}
END_TEST

/* A board without the energy counter (older than Volta) says so. */
START_TEST(test_no_energy)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    gpucci_nvml *nvml = open_stub("Old Board", "GPUCC_NVML_STUB_NO_ENERGY", "1", why);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, "Old Board", &device, why, sizeof why), 0);
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
    gpucci_nvml *nvml = open_stub("Twin Board", "GPUCC_NVML_STUB_DEVICES", "2", why);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_device_at(nvml, 1, &device, why, sizeof why), 0);
    ck_assert_uint_eq(device.index, 1);
    ck_assert_str_eq(device.name, "Twin Board");
    ck_assert_int_eq(gpucci_nvml_device_at(nvml, 2, &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "NVML device 2: Invalid Argument");
    ck_assert_int_eq(gpucci_nvml_find(nvml, &no_pci, "Twin Board", &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "2 NVML devices are named 'Twin Board': cannot tell which one ran (the OpenCL platform "
                          "does not tell the device's PCI location)");
    gpucci_nvml_close(nvml);
}
END_TEST

/* Identical boards whose OpenCL device tells its PCI location: each is
 * found by its bus (the stub's: bus index + 1 unless set). */
START_TEST(test_same_names_by_pci)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    gpucci_nvml *nvml = open_stub("Twin Board", "GPUCC_NVML_STUB_DEVICES", "2", why);
    gpucci_nvml_device device;
    ck_assert_int_eq(gpucci_nvml_device_at(nvml, 1, &device, why, sizeof why), 0);
    ck_assert_int_eq(device.pci.known, 1);
    ck_assert_uint_eq(device.pci.domain, 0);
    ck_assert_uint_eq(device.pci.bus, 2);
    ck_assert_uint_eq(device.pci.device, 0);
    const char *opencl = "Twin Board (NVIDIA CUDA, gpu)";
    for (unsigned bus = 1; bus <= 2; bus++) {
        gpucc_pci_location at = {1, 0, bus, 0, 0};
        ck_assert_int_eq(gpucci_nvml_find(nvml, &at, opencl, &device, why, sizeof why), 0);
        ck_assert_uint_eq(device.index, bus - 1);
        ck_assert_uint_eq(device.pci.bus, bus);
    }
    /* buses out of index order: the bus decides, not the order */
    setenv("GPUCC_NVML_STUB_BUSES", "0x65,0x17", 1);
    gpucc_pci_location at_17 = {1, 0, 0x17, 0, 0}, at_09 = {1, 0, 0x09, 0, 0};
    ck_assert_int_eq(gpucci_nvml_find(nvml, &at_17, opencl, &device, why, sizeof why), 0);
    ck_assert_uint_eq(device.index, 1);
    /* no board at the OpenCL device's location: the others, told elsewhere, are not it */
    ck_assert_int_eq(gpucci_nvml_find(nvml, &at_09, opencl, &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "no NVML device is at PCI 0000:09:00 or named '" "Twin Board (NVIDIA CUDA, gpu)"
                          "' (2 NVML devices)");
    gpucci_nvml_close(nvml);
}
END_TEST

/* An NVML that does not tell PCI locations: the name decides, one board
 * is found, identical ones are not, and the message says why. */
START_TEST(test_no_pci_from_nvml)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    gpucci_nvml *nvml = open_stub("Board", "GPUCC_NVML_STUB_NO_PCI", "1", why);
    gpucci_nvml_device device;
    gpucc_pci_location at = {1, 0, 0x41, 0, 0};
    ck_assert_int_eq(gpucci_nvml_find(nvml, &at, "Board (NVIDIA CUDA, gpu)", &device, why, sizeof why), 0);
    ck_assert_int_eq(device.pci.known, 0);
    setenv("GPUCC_NVML_STUB_DEVICES", "2", 1);
    ck_assert_int_eq(gpucci_nvml_find(nvml, &at, "Board", &device, why, sizeof why), -1);
    ck_assert_str_eq(why, "2 NVML devices are named 'Board': cannot tell which one ran (NVML does not tell "
                          "their PCI locations)");
    gpucci_nvml_close(nvml);
}
END_TEST

/* A made-up NVML device for gpucci_nvml_match (handle and nvml unused). */
static gpucci_nvml_device made_up(unsigned index, const char *name, int known, unsigned domain, unsigned bus,
                                  unsigned device)
{
    gpucci_nvml_device d = {.index = index, .pci = {known, domain, bus, device, 0}};
    strcpy(d.name, name);
    return d;
}

/* The matching rule on made-up lists: PCI location (domain, bus, device;
 * not the function) first, the name among the devices whose location is
 * not told, never a board told elsewhere; none and several say why. */
START_TEST(test_match_rule)
{
    char why[GPUCCI_NVML_WHY_SIZE] = "";
    const gpucci_nvml_device twins[] = {made_up(0, "H200", 1, 0, 0x17, 0), made_up(1, "H200", 1, 0, 0x65, 0),
                                        made_up(2, "H200", 1, 1, 0x17, 0), made_up(3, "H200", 1, 0, 0x17, 1)};
    const char *opencl = "H200 (NVIDIA CUDA, gpu)";
    const gpucc_pci_location at[] = {{1, 0, 0x17, 0, 0}, {1, 0, 0x65, 0, 0}, {1, 1, 0x17, 0, 0}, {1, 0, 0x17, 1, 0}};
    for (long i = 0; i < 4; i++)
        ck_assert_int_eq(gpucci_nvml_match(&at[i], opencl, twins, 4, why, sizeof why), i);
    gpucc_pci_location function_1 = {1, 0, 0x65, 0, 1}; /* the board's other function: the same board */
    ck_assert_int_eq(gpucci_nvml_match(&function_1, opencl, twins, 4, why, sizeof why), 1);
    /* the location outranks the name: a differently named board at that place is it */
    ck_assert_int_eq(gpucci_nvml_match(&at[1], "Other (NVIDIA CUDA, gpu)", twins, 4, why, sizeof why), 1);

    /* no location from OpenCL: the name, which cannot tell twins apart */
    ck_assert_int_eq(gpucci_nvml_match(&no_pci, opencl, twins, 4, why, sizeof why), -1);
    ck_assert_str_eq(why, "4 NVML devices are named 'H200 (NVIDIA CUDA, gpu)': cannot tell which one ran (the "
                          "OpenCL platform does not tell the device's PCI location)");
    const gpucci_nvml_device mixed[] = {made_up(0, "A100", 1, 0, 0x17, 0), made_up(1, "H200", 1, 0, 0x65, 0)};
    ck_assert_int_eq(gpucci_nvml_match(&no_pci, opencl, mixed, 2, why, sizeof why), 1);
    ck_assert_int_eq(gpucci_nvml_match(&no_pci, "H200", mixed, 2, why, sizeof why), 1);
    ck_assert_int_eq(gpucci_nvml_match(&no_pci, "H20 (NVIDIA CUDA, gpu)", mixed, 2, why, sizeof why), -1);
    ck_assert_str_eq(why, "no NVML device is named 'H20 (NVIDIA CUDA, gpu)' (2 NVML devices)");

    /* a location NVML does not tell for one board: that one by name; a board
     * told at another place is never taken by name */
    const gpucci_nvml_device partly[] = {made_up(0, "H200", 1, 0, 0x17, 0), made_up(1, "H200", 0, 0, 0, 0)};
    gpucc_pci_location at_65 = {1, 0, 0x65, 0, 0};
    ck_assert_int_eq(gpucci_nvml_match(&at_65, opencl, partly, 2, why, sizeof why), 1);
    ck_assert_int_eq(gpucci_nvml_match(&at_65, opencl, partly, 1, why, sizeof why), -1);
    ck_assert_str_eq(why, "no NVML device is at PCI 0000:65:00 or named 'H200 (NVIDIA CUDA, gpu)' (1 NVML devices)");

    /* two NVML devices at one place (never on a real bus): several */
    const gpucci_nvml_device doubled[] = {made_up(0, "H200", 1, 0, 0x17, 0), made_up(1, "H200", 1, 0, 0x17, 0)};
    ck_assert_int_eq(gpucci_nvml_match(&at[0], opencl, doubled, 2, why, sizeof why), -1);
    ck_assert_str_eq(why, "2 NVML devices are at PCI 0000:17:00: cannot tell which one ran");

    /* no NVML device at all */
    ck_assert_int_eq(gpucci_nvml_match(&at[0], opencl, NULL, 0, why, sizeof why), -1);
    ck_assert_str_eq(why, "no NVML device is at PCI 0000:17:00 or named 'H200 (NVIDIA CUDA, gpu)' (0 NVML devices)");
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
    tcase_add_test(tc, test_same_names_by_pci);
    tcase_add_test(tc, test_no_pci_from_nvml);
    tcase_add_test(tc, test_match_rule);
    tcase_add_test(tc, test_throttle_names);
    suite_add_tcase(s, tc);
    return s;
}
