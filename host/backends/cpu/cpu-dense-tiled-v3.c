/* The tiled dense kernel for x86-64-v3 (AVX2 and FMA: 8 floats x 6 rows),
 * in a portable x86-64 build only (GPUCCI_DISPATCH); cpu-dense.c runs it on
 * a CPU whose best level is x86-64-v3. */
#include "dispatch.h"

#if GPUCCI_DISPATCH
#pragma GCC target("arch=x86-64-v3")
#define GPUCCI_DENSE_TILED gpucci_dense_tiled_v3
#include "cpu-dense-tiled.h"
#endif
