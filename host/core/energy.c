/* The host's energy counters through Linux powercap (energy.h). */
#define _POSIX_C_SOURCE 200809L
#include "energy.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first line of path into buf, without its newline ("" when unreadable). */
static void read_line(const char *path, char *buf, size_t size)
{
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    if (fgets(buf, (int)size, f))
        buf[strcspn(buf, "\n")] = '\0';
    fclose(f);
}

/* Reads one unsigned decimal number (a counter in microjoules, alone on its
 * line) from path into *out; -1 for anything else. */
static int read_number(const char *path, double *out)
{
    char line[64];
    read_line(path, line, sizeof line);
    char *end;
    errno = 0;
    unsigned long long value = strtoull(line, &end, 10);
    if (line[0] < '0' || line[0] > '9' || *end != '\0' || errno)
        return -1;
    *out = (double)value;
    return 0;
}

/* Is this entry a package domain ("intel-rapl:N", not a subzone "intel-rapl:N:M")? */
static int is_package(const char *name)
{
    const char *colon = strchr(name, ':');
    return strncmp(name, "intel-rapl:", 11) == 0 && colon && !strchr(colon + 1, ':');
}

void gpucci_energy_open(gpucci_energy *energy)
{
    memset(energy, 0, sizeof *energy);
    const char *root = getenv("GPUCC_POWERCAP_ROOT");
    if (!root || !*root)
        root = "/sys/class/powercap";
    DIR *dir = opendir(root);
    if (!dir) {
        snprintf(energy->why, sizeof energy->why, "no RAPL energy counters (%s: %s)", root, strerror(errno));
        return;
    }
    struct dirent *entry;
    int unreadable = 0, too_many = 0;
    while ((entry = readdir(dir))) {
        if (!is_package(entry->d_name))
            continue;
        if (energy->count == GPUCCI_ENERGY_DOMAINS) {
            too_many = 1;
            break;
        }
        size_t d = energy->count;
        char path[600], name[64];
        snprintf(energy->path[d], sizeof energy->path[d], "%s/%s/energy_uj", root, entry->d_name);
        snprintf(path, sizeof path, "%s/%s/max_energy_range_uj", root, entry->d_name);
        double now, range;
        if (read_number(energy->path[d], &now) != 0 || read_number(path, &range) != 0 || !(range > 0) ||
            now > range) {
            unreadable = 1;
            continue;
        }
        energy->range_j[d] = range * 1e-6;
        energy->last_j[d] = now * 1e-6;
        snprintf(path, sizeof path, "%s/%s/name", root, entry->d_name);
        read_line(path, name, sizeof name);
        size_t len = strlen(energy->domains);
        snprintf(energy->domains + len, sizeof energy->domains - len, "%s%s", len ? ", " : "",
                 name[0] ? name : entry->d_name);
        energy->count++;
    }
    closedir(dir);
    energy->available = energy->count > 0 && !too_many;
    if (too_many)
        snprintf(energy->why, sizeof energy->why, "more than %d RAPL package domains: not summed",
                 GPUCCI_ENERGY_DOMAINS);
    else if (!energy->available)
        snprintf(energy->why, sizeof energy->why, "%s",
                 unreadable ? "RAPL energy counters present but not readable (root only on this kernel?)"
                            : "no RAPL package domain under the powercap folder");
}

int gpucci_energy_read(const gpucci_energy *energy, double *joules)
{
    for (size_t d = 0; d < energy->count; d++) {
        if (read_number(energy->path[d], &joules[d]) != 0)
            return -1;
        joules[d] *= 1e-6;
    }
    return 0;
}

double gpucci_energy_used(const gpucci_energy *energy, const double *before, const double *after)
{
    double used = 0;
    for (size_t d = 0; d < energy->count; d++)
        used += after[d] >= before[d] ? after[d] - before[d] : after[d] + energy->range_j[d] - before[d];
    return used;
}

int gpucci_energy_meter_read(void *energy, double *joules)
{
    gpucci_energy *e = energy;
    double now[GPUCCI_ENERGY_DOMAINS];
    if (gpucci_energy_read(e, now) != 0)
        return -1;
    e->used_j += gpucci_energy_used(e, e->last_j, now);
    memcpy(e->last_j, now, sizeof now);
    *joules = e->used_j;
    return 0;
}
