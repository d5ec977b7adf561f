/* Internal API: arrays of any gpucc_dtype (gpucc-dtype.h) in memory
 * (io/typed-array.c) and in files (io/npy.c); generated data of each type
 * is generate.h's gpucci_generate_typed_range (core/generate.c).
 *
 * Files: a .npy holds the dtype's NumPy descr ('<f4', '<f8', '<f2', '<i4';
 * bf16 as the raw 16-bit patterns, '<u2'); any other name is raw
 * little-endian elements of the dtype. A .npy of another descr than the one
 * asked for is GPUCC_E_FORMAT naming both ("x.npy: dtype '<f8' is not
 * float32 ('<f4')"). The float32 functions of gpucc.h and npy.h are these
 * with GPUCC_F32. */
#ifndef GPUCC_TYPED_ARRAY_H
#define GPUCC_TYPED_ARRAY_H

#include <stdint.h>
#include <stdio.h>

#include "generate.h" /* gpucci_generate_typed_range */
#include "gpucc.h"

typedef struct {
    void *data;       /* owned, aligned as gpucc_alloc_floats; free with gpucci_typed_array_free;
                         NULL for an empty array that was loaded (not allocated) */
    gpucc_dtype dtype;
    size_t rank;      /* 1 or 2 */
    size_t shape[2];  /* shape[1] is 1 when rank == 1 */
    size_t count;     /* number of elements */
} gpucci_typed_array;

/* Allocates rows x cols elements (rank 1 when cols is 1), uninitialised; one
 * element at least is allocated, so that an empty array has data. */
gpucc_status gpucci_typed_array_alloc(gpucc_dtype dtype, size_t rows, size_t cols, gpucci_typed_array *out);
/* Frees array->data and zeroes *array (NULL-safe, idempotent). */
void gpucci_typed_array_free(gpucci_typed_array *array);

/* gpucc_array_load for dtype. */
gpucc_status gpucci_typed_array_load(const char *path, gpucc_dtype dtype, size_t max_rank, gpucci_typed_array *out);
/* gpucci_array_length and gpucci_array_load_range (npy.h) for dtype. */
gpucc_status gpucci_typed_array_length(const char *path, gpucc_dtype dtype, size_t *n);
gpucc_status gpucci_typed_array_load_range(const char *path, gpucc_dtype dtype, size_t first, size_t end,
                                           gpucci_typed_array *out);
/* gpucci_array_shape and gpucci_array_load_rows (npy.h) for dtype. */
gpucc_status gpucci_typed_array_shape(const char *path, gpucc_dtype dtype, size_t max_rank,
                                      gpucci_typed_array *shape);
gpucc_status gpucci_typed_array_load_rows(const char *path, gpucc_dtype dtype, size_t max_rank, size_t first,
                                          size_t end, gpucci_typed_array *out);
/* gpucci_array_write (npy.h) for dtype. */
gpucc_status gpucci_typed_array_write(FILE *stream, const char *path, gpucc_dtype dtype, const void *data,
                                      size_t rank, const size_t *shape);

#endif
