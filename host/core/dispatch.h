/* Run-time choice of instruction set for the hot CPU loops.
 *
 * A native build (GPUCC_NATIVE=ON, the default) compiles everything with
 * -march=native and defines GPUCCI_NATIVE: GPUCCI_HOT is then empty. A
 * portable build (GPUCC_NATIVE=OFF, what an installed library is) marks each
 * hot loop GPUCCI_HOT: GCC compiles it once per x86-64 level below and picks
 * the best one the CPU supports when the library is loaded (an ifunc).
 * x86-64-v4 is AVX-512 (F, BW, CD, DQ, VL) on top of v3; x86-64-v3 is AVX2,
 * FMA, BMI1/2 and F16C. (GCC's plain "avx2" target leaves out FMA, which the
 * dense micro-kernel needs to reach its speed.) gpucci_cpu_isa() names the
 * level that runs.
 *
 * The clones compute the same results: the reduction's order is written out
 * lane by lane and the build keeps -ffp-contract=off, so only the width of
 * the instructions differs. Only the dense kernel, compiled with
 * -ffp-contract=fast, may fuse multiply-adds where the level has FMA, within
 * its documented error bound. */
#ifndef GPUCC_DISPATCH_H
#define GPUCC_DISPATCH_H

#include <stdint.h>

#if !defined(GPUCCI_NATIVE) && defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define GPUCCI_DISPATCH 1
#define GPUCCI_HOT __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define GPUCCI_DISPATCH 0
#define GPUCCI_HOT
#endif

/* Asks for the cache line GPUCCI_PREFETCH_AHEAD bytes past p, for streaming
 * loops whose loads wait on arithmetic (the reduction's add chains, the
 * map's stores): on an Intel Xeon (Emerald Rapids) one thread otherwise
 * keeps too few misses in flight and reads at 0.6-0.8 of a plain read loop
 * (bench/README.md, "Reduce and map speed"). The address is formed as an
 * integer because it may lie past the end of the data, which a prefetch
 * tolerates (it never faults). GPUCCI_PREFETCH_AT(p, ahead) asks for the
 * line `ahead` bytes past p, for loops whose streams call for another
 * distance. */
#define GPUCCI_PREFETCH_AHEAD 4096
#define GPUCCI_PREFETCH(p) GPUCCI_PREFETCH_AT(p, GPUCCI_PREFETCH_AHEAD)
#define GPUCCI_PREFETCH_AT(p, ahead) __builtin_prefetch((const void *)((uintptr_t)(p) + (ahead)), 0, 3)

#endif
