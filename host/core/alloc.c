#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdlib.h>

#include "error.h"

/* 4096-byte alignment lets PoCL (and other shared-memory devices) use the
 * host allocation directly with CL_MEM_USE_HOST_PTR. */
enum { GPUCC_ALIGNMENT = 4096 };

float *gpucc_alloc_floats(size_t n)
{
    if (n > (SIZE_MAX - GPUCC_ALIGNMENT) / sizeof(float)) {
        gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu floats: size overflows", n);
        return NULL;
    }
    size_t bytes = (n * sizeof(float) + GPUCC_ALIGNMENT - 1) / GPUCC_ALIGNMENT * GPUCC_ALIGNMENT;
    void *p = NULL;
    if (posix_memalign(&p, GPUCC_ALIGNMENT, bytes ? bytes : GPUCC_ALIGNMENT) != 0) {
        gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu bytes for %zu floats", bytes, n);
        return NULL;
    }
    return p;
}

void gpucc_free_floats(float *p)
{
    free(p);
}
