/*
 * gpucc's data types: the element types a workload's data may have, one
 * table, and the conversions of the 16-bit float formats. gpucc.h includes
 * this header.
 *
 * Accumulation is part of each type's contract (README, "Data types"):
 * f16, bf16 and f32 elements are widened exactly to double and summed in the
 * canonical order, so their sums are bitwise identical across backends; f64
 * sums use the same order in double; i32 sums are exact 64-bit integers, and
 * a sum that does not fit is an error (GPUCC_E_OVERFLOW), never a wrapped
 * value. min and max are exact for every type.
 */
#ifndef GPUCC_DTYPE_H
#define GPUCC_DTYPE_H

#include <stddef.h>
#include <stdint.h>

/* X(enumerator, name, bytes per element, NumPy descr, long name), in enum
 * order. bf16 has no NumPy type: its .npy files hold the raw 16-bit
 * patterns as '<u2' (README, "Data types"). */
#define GPUCC_DTYPE_TABLE(X)                              \
    X(GPUCC_F32, "f32", 4, "<f4", "float32")              \
    X(GPUCC_F64, "f64", 8, "<f8", "float64")              \
    X(GPUCC_F16, "f16", 2, "<f2", "float16")              \
    X(GPUCC_BF16, "bf16", 2, "<u2", "bfloat16")           \
    X(GPUCC_I32, "i32", 4, "<i4", "int32")

typedef enum {
#define GPUCC_DTYPE_ENUM(enumerator, name, bytes, descr, long_name) enumerator,
    GPUCC_DTYPE_TABLE(GPUCC_DTYPE_ENUM)
#undef GPUCC_DTYPE_ENUM
    GPUCC_DTYPE_COUNT
} gpucc_dtype;

#endif
