/* Internal API: the host's energy counters (host/core/energy.c).
 *
 * Linux exposes the CPU packages' energy through powercap (RAPL, on Intel
 * and on AMD since Linux 5.8): /sys/class/powercap/intel-rapl:N/energy_uj,
 * a counter in microjoules that wraps at max_energy_range_uj. Summed over
 * the package domains it gives the joules the CPU packages used. Virtual
 * machines and other systems usually expose none: then `why` says so and
 * nothing fails. GPUCC_POWERCAP_ROOT names another folder than
 * /sys/class/powercap (the tests use a made-up one). Reading the counters
 * may need root on kernels that restrict them (CVE-2020-8694). */
#ifndef GPUCC_ENERGY_H
#define GPUCC_ENERGY_H

#include <stddef.h>

enum { GPUCCI_ENERGY_DOMAINS = 8 };

/* The shortest timed window (the sum of the timed calls) whose energy is
 * reported: the counters move about once a millisecond. */
#define GPUCCI_ENERGY_MIN_WINDOW_MS 100.0

typedef struct {
    int available;
    char why[240];      /* when not available: what was missing */
    char domains[200];  /* the domains summed: "package-0, package-1" */
    size_t count;
    char path[GPUCCI_ENERGY_DOMAINS][300]; /* their energy_uj files */
    double range_j[GPUCCI_ENERGY_DOMAINS]; /* where each counter wraps, joules */
    double last_j[GPUCCI_ENERGY_DOMAINS];  /* the last reading (gpucci_energy_meter_read) */
    double used_j;                         /* joules used since gpucci_energy_open */
} gpucci_energy;

/* Finds the package domains and checks that their counters can be read. */
void gpucci_energy_open(gpucci_energy *energy);

/* Reads every domain's counter, in joules, into joules[0..count). Returns 0,
 * or -1 when a counter cannot be read. */
int gpucci_energy_read(const gpucci_energy *energy, double *joules);

/* The joules used between two readings, summed over the domains; a counter
 * that wrapped (once) between them is counted right. */
double gpucci_energy_used(const gpucci_energy *energy, const double *before, const double *after);

/* The counters as a gpucc_energy_meter's read (energy: an opened, available
 * gpucci_energy): the joules used since gpucci_energy_open, summed over the
 * domains (wraps counted between consecutive reads). Returns 0, or -1 when a
 * counter cannot be read. */
int gpucci_energy_meter_read(void *energy, double *joules);

#endif
