/* Internal: facts about the host CPU. */
#ifndef GPUCC_CPUINFO_H
#define GPUCC_CPUINFO_H

#include <stddef.h>

/* Writes the CPU model name ("AMD EPYC") into buf; "unknown CPU" if unknown. */
void gpucci_cpu_model(char *buf, size_t size);

/* The instruction set the hot CPU loops run with (host/core/dispatch.h):
 * "native" in a build for this machine (-march=native); in a portable build
 * the level picked at load time, "x86-64-v4" (AVX-512), "x86-64-v3" (AVX2
 * and FMA) or "default" (the compiler's baseline; also any build that does
 * not dispatch, such as one by Clang or for another architecture). */
const char *gpucci_cpu_isa(void);

/* Bytes of the last-level cache per online CPU (level 3, else level 2, as
 * sysconf reports it), found once; 0 if unknown. */
size_t gpucci_cpu_cache_share(void);

#endif
