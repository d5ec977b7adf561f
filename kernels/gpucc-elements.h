/*
 * The element types of the kernels (OpenCL C only; the host prepends this
 * header to every program after gpucc-ops.h). The elements are float32
 * unless the host defines GPUCC_ELEM_F64, _F16, _BF16 or _I32, building one
 * program per data type (include/gpucc-dtype.h). Loads widen exactly:
 *   ELEM_LOAD16(p, CONVERT16)  16 elements from p, through CONVERT16
 *                              (convert_double16, convert_float16)
 *   ELEM_LOAD1(p, i, T)        element i of p as T (double, float)
 * f16 is read with vload_half (core OpenCL: no cl_khr_fp16 needed), bf16 as
 * the top half of a float. f64 and i32 are widened to double only (float
 * holds neither exactly): the host builds them where the device has fp64.
 */
#ifndef GPUCC_ELEMENTS_H
#define GPUCC_ELEMENTS_H

#if defined(GPUCC_ELEM_F64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)(p)[i])
#elif defined(GPUCC_ELEM_F16)
typedef half elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload_half16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)vload_half(i, p))
#elif defined(GPUCC_ELEM_BF16)
typedef ushort elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(as_float16(convert_uint16(vload16(0, p)) << 16))
#define ELEM_LOAD1(p, i, T) ((T)as_float((uint)(p)[i] << 16))
#elif defined(GPUCC_ELEM_I32)
typedef int elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)(p)[i])
#else
typedef float elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)(p)[i])
#endif

#endif
