/* Internal: writing a float32 array into an open stream, in the format that
 * gpucc_array_load reads back from the same file name; reading part of one. */
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

/* Reading part of a 1-D array (a rank of an MPI run reads only its slice).
 * Both read the file as gpucc_array_load(path, 1, ...) does, with its
 * errors. */

/* The number of elements of the 1-D array in path (.npy header, or the size
 * of a raw float32 file), reading no data. */
gpucc_status gpucci_array_length(const char *path, size_t *n);

/* Reads elements [first, end) of the 1-D array in path into out (rank 1,
 * end - first elements; free with gpucc_array_free), and nothing else of its
 * data. GPUCC_E_FORMAT when the file holds fewer than end elements. */
gpucc_status gpucci_array_load_range(const char *path, size_t first, size_t end, gpucc_array *out);

#endif
