/* Arrays of any gpucc_dtype in memory (typed-array.h): allocated as
 * gpucc_alloc_floats allocates, so aligned for zero-copy OpenCL buffers.
 * io/npy.c reads and writes them. */
#include <stdint.h>
#include <string.h>

#include "error.h"
#include "typed-array.h"

gpucc_status gpucci_typed_array_alloc(gpucc_dtype dtype, size_t rows, size_t cols, gpucci_typed_array *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_alloc: out is NULL");
    memset(out, 0, sizeof *out);
    size_t size = gpucc_dtype_size(dtype);
    if (!size)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_alloc: invalid dtype %d", (int)dtype);
    int overflows = (cols != 0 && rows > SIZE_MAX / cols) || (rows * cols > SIZE_MAX / size);
    /* gpucc_alloc_floats counts floats: the bytes rounded up to whole floats. */
    void *data = overflows ? NULL : gpucc_alloc_floats((rows * cols * size + sizeof(float) - 1) / sizeof(float));
    if (!data)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate %zu x %zu %s elements", rows, cols,
                           gpucc_dtype_long_name(dtype));
    *out = (gpucci_typed_array){data, dtype, cols == 1 ? 1 : 2, {rows, cols}, rows * cols};
    return GPUCC_OK;
}

void gpucci_typed_array_free(gpucci_typed_array *array)
{
    if (!array)
        return;
    gpucc_free_floats(array->data);
    memset(array, 0, sizeof *array);
}
