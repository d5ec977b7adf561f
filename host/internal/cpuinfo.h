/* Internal: facts about the host CPU. */
#ifndef GPUCC_CPUINFO_H
#define GPUCC_CPUINFO_H

#include <stdbool.h>
#include <stddef.h>

#include "gpucc.h"

/* Writes the CPU model name ("AMD EPYC") into buf; "unknown CPU" if unknown. */
void gpucci_cpu_model(char *buf, size_t size);

/* The instruction set the hot CPU loops run with (host/core/dispatch.h):
 * "native" in a build for this machine (-march=native); in a portable build
 * the level picked at load time, "x86-64-v4" (AVX-512), "x86-64-v3" (AVX2
 * and FMA) or "default" (the compiler's baseline; also any build that does
 * not dispatch, such as one by Clang or for another architecture). */
const char *gpucci_cpu_isa(void);

/* Whether a map call of fn over n elements of dtype on this host's CPU (the
 * CPU backends, or an OpenCL CPU device) should write with streaming
 * stores: when the bytes it reads and writes exceed the last-level cache
 * (level 3, else level 2, as sysconf reports it; never when unknown), so
 * that its output would not stay there for the next call anyway. One
 * decision for the whole call, whatever part of it each thread runs. */
bool gpucci_map_streams(gpucc_map_fn fn, gpucc_dtype dtype, size_t n);

/* For tests: take `bytes` as the last-level cache from now on, so that
 * small calls take the streaming path too. */
void gpucci_assume_last_level_cache(size_t bytes);

#endif
