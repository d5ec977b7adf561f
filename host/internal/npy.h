/* Internal: writing a float32 array into an open stream, in the format that
 * gpucc_array_load reads back from the same file name. */
#ifndef GPUCC_NPY_H
#define GPUCC_NPY_H

#include <stdio.h>

#include "gpucc.h"

/* Writes data (rank 1 or 2, C order, shape[1] ignored for rank 1) to stream
 * as path's extension says: a .npy (format 1.0) for ".npy" in any case, raw
 * little-endian float32 for any other name. path only chooses the format
 * and names the file in messages. GPUCC_E_INVALID for a bad rank, shape or
 * NULL argument; GPUCC_E_IO ("cannot write PATH: WHY") when writing fails. */
gpucc_status gpucci_array_write(FILE *stream, const char *path, const float *data, size_t rank,
                               const size_t *shape);

#endif
