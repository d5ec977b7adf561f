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

/* Reading part of an array (a rank of an MPI run reads only its slice).
 * Each reads the file as gpucc_array_load(path, max_rank, ...) does (1 for
 * the 1-D ones), with its errors. */

/* The shape of the array in path (rank at most max_rank, 1 or 2): its
 * rank, shape and count into shape (data NULL), reading no data. */
gpucc_status gpucci_array_shape(const char *path, size_t max_rank, gpucc_array *shape);

/* Reads rows [first, end) of the array in path (rank at most max_rank; the
 * rows of a 1-D array are its elements) into out (its shape[0] end - first),
 * and nothing else of its data. GPUCC_E_FORMAT when the file holds fewer
 * than end rows. */
gpucc_status gpucci_array_load_rows(const char *path, size_t max_rank, size_t first, size_t end, gpucc_array *out);

/* The number of elements of the 1-D array in path (.npy header, or the size
 * of a raw float32 file), reading no data. */
gpucc_status gpucci_array_length(const char *path, size_t *n);

/* Reads elements [first, end) of the 1-D array in path into out (rank 1,
 * end - first elements; free with gpucc_array_free), and nothing else of its
 * data. GPUCC_E_FORMAT when the file holds fewer than end elements. */
gpucc_status gpucci_array_load_range(const char *path, size_t first, size_t end, gpucc_array *out);

#endif
