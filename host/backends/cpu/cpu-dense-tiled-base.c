/* The tiled dense kernel for the build's own target: -march=native in a
 * native build, the x86-64 baseline in a portable one (and the compiler's
 * default where nothing dispatches). */
#define GPUCCI_DENSE_TILED gpucci_dense_tiled_base
#include "cpu-dense-tiled.h"
