/* The tiled dense kernel for x86-64-v4 (AVX-512: 16 floats x 8 rows),
 * in a portable x86-64 build only (GPUCCI_DISPATCH); cpu-dense.c runs it on
 * a CPU whose best level is x86-64-v4. */
#include "dispatch.h"

#if GPUCCI_DISPATCH
#pragma GCC target("arch=x86-64-v4")
#define GPUCCI_DENSE_TILED gpucci_dense_tiled_v4
#include "cpu-dense-tiled.h"
#endif
