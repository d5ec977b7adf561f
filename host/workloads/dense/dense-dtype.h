/* Internal to the dense workload: the data types a dense layer stores
 * (gpucc_dense_typed), checked in one place (dense-verify.c) for the entry
 * point, the verification and the descriptor. */
#ifndef GPUCC_DENSE_DTYPE_H
#define GPUCC_DENSE_DTYPE_H

#include "gpucc.h"

/* The dense layer's data types, bit 1 << gpucc_dtype: f32, f16 and bf16. */
#define GPUCCI_DENSE_DTYPES ((1u << GPUCC_F32) | (1u << GPUCC_F16) | (1u << GPUCC_BF16))

/* GPUCC_OK for a dtype of GPUCCI_DENSE_DTYPES; otherwise GPUCC_E_INVALID for
 * a value out of range and GPUCC_E_UNSUPPORTED for another type (f64, i32),
 * with a reason that starts with `caller`. */
gpucc_status gpucci_dense_dtype_check(gpucc_dtype dtype, const char *caller);

#endif
