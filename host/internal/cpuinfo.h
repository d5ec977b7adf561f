/* Internal: facts about the host CPU. */
#ifndef GPUCC_CPUINFO_H
#define GPUCC_CPUINFO_H

#include <stddef.h>

/* Writes the CPU model name ("AMD EPYC") into buf; "unknown CPU" if unknown. */
void gpucci_cpu_model(char *buf, size_t size);

#endif
