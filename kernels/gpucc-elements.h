/*
 * The element types of the kernels (OpenCL C only; the host prepends this
 * header to every program after gpucc-ops.h). The elements are float32
 * unless the host defines GPUCC_ELEM_F64, _F16, _BF16 or _I32, building one
 * program per data type (include/gpucc-dtype.h). Loads widen exactly:
 *   ELEM_LOAD16(p, CONVERT16)  16 elements from p, through CONVERT16
 *                              (convert_double16, convert_float16)
 *   ELEM_LOAD1(p, i, T)        element i of p as T (double, float)
 *   ELEM_STORE(p, i, v)        v, computed in the type's arithmetic (f64 and
 *                              i32: double or long; else float), stored as
 *                              element i of p, rounded once to the type:
 *                              f16 to nearest even (gpucci_f16_round), bf16
 *                              likewise (gpucci_bf16_round), i32 saturated
 *   ELEM_STORE16(p, v, PUT)    16 values v (a vector of that arithmetic)
 *                              stored so into p[0..16), p aligned to 16
 *                              elements, by one aligned vector store:
 *                              PUT(vector pointer, vector), GPUCCI_PUT or
 *                              GPUCCI_STREAM (non-temporal)
 * f16 is read with vload_half (core OpenCL: no cl_khr_fp16 needed), bf16 as
 * the top half of a float. f64 and i32 are widened to double only (float
 * holds neither exactly): the host builds them where the device has fp64.
 */
#ifndef GPUCC_ELEMENTS_H
#define GPUCC_ELEMENTS_H

/* GPUCCI_PREFETCH_AT(p, ahead) asks for the cache line `ahead` bytes past
 * p, as the host's streaming loops do (host/core/dispatch.h): one thread of
 * an Intel core otherwise keeps too few misses in flight. OpenCL's
 * prefetch() is a no-op in PoCL, so CPU compilers built on Clang get the
 * builtin; others (GPUs, which run the gpu-shaped kernels) nothing.
 * GPUCCI_PREFETCH_AHEAD is the usual distance, the host's. */
#if defined(__clang__) && defined(__x86_64__)
#define GPUCCI_PREFETCH_AT(p, ahead) __builtin_prefetch((__global const char *)(p) + (ahead))
#else
#define GPUCCI_PREFETCH_AT(p, ahead)
#endif
#define GPUCCI_PREFETCH_AHEAD 4096

/* *p = v with a non-temporal store where the compiler offers one (Clang's
 * builtin, which PoCL's CPU compiler turns into movntps and the like for an
 * aligned vector): the line is written without first being read. */
#if defined(__has_builtin)
#if __has_builtin(__builtin_nontemporal_store)
#define GPUCCI_STREAM(p, v) __builtin_nontemporal_store(v, p)
#endif
#endif
#ifndef GPUCCI_STREAM
#define GPUCCI_STREAM(p, v) (*(p) = (v))
#endif
#define GPUCCI_PUT(p, v) (*(p) = (v))

/* The bfloat16 pattern of float bits u (a uint or a uint vector), rounded
 * to nearest with ties to even (overflow gives infinity; NaN stays a quiet
 * NaN of the same sign), as the host's gpucc_float_to_bf16: in the low
 * half of each lane. */
#define GPUCCI_BF16_ROUND_BITS(u) \
    (((u) & 0x7fffffffu) > 0x7f800000u ? ((u) >> 16) | 0x0040u : ((u) + 0x7fffu + (((u) >> 16) & 1u)) >> 16)

#if defined(GPUCC_ELEM_F64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)(p)[i])
#define ELEM_STORE(p, i, v) ((p)[i] = (v))
#define ELEM_STORE16(p, v, PUT) PUT((__global double16 *)(p), v)
#elif defined(GPUCC_ELEM_F16)
typedef half elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload_half16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)vload_half(i, p))
#define ELEM_STORE(p, i, v) (((__global ushort *)(p))[i] = gpucci_f16_round(v))

/* v rounded to binary16, to nearest with ties to even (65520 and beyond
 * give infinity; NaN stays a quiet NaN of the same sign, top payload bits
 * kept): the host's gpucci_f16_round (core/half.h) in integer operations,
 * the same bits as vstore_half_rte, which PoCL 3.1 runs so slowly that it
 * took the f16 dense kernel to 0.45 of f32 (one store per output). Defined
 * for a float (gpucci_f16_round) and for 16 at once (gpucci_f16_round16:
 * the map's lines, which called the scalar one lane by lane at 0.5 GB/s). */
#define GPUCCI_DEFINE_F16_ROUND(name, F, U, US, AS_FLOAT, AS_UINT, TO_US)                   \
    inline US name(F v)                                                                   \
    {                                                                                     \
        U u = AS_UINT(v);                                                                 \
        U sign = (u >> 16) & 0x8000u, magnitude = u & 0x7fffffffu;                        \
        /* Normal in f16 (>= 2^-14): rebiased, rounded on the 13 bits dropped; a carry \
         * into the exponent is the right result. */                                      \
        U normal = (magnitude - (112u << 23) + 0x0fffu + ((magnitude >> 13) & 1u)) >> 13; \
        /* Subnormal or zero: multiples of 2^-24, the ulp of 0.5, so adding 0.5 rounds \
         * |v| to one (ties to even) and leaves it in the low bits. */                    \
        U subnormal = AS_UINT(AS_FLOAT(magnitude) + 0.5f) - 0x3f000000u;                  \
        U rounded = magnitude >= 0x38800000u ? normal : subnormal;                        \
        rounded = magnitude >= 0x477ff000u ? 0x7c00u : rounded;                           \
        rounded = magnitude > 0x7f800000u ? 0x7e00u | ((magnitude >> 13) & 0x3ffu) : rounded; \
        return TO_US(sign | rounded);                                                     \
    }
GPUCCI_DEFINE_F16_ROUND(gpucci_f16_round, float, uint, ushort, as_float, as_uint, (ushort))
GPUCCI_DEFINE_F16_ROUND(gpucci_f16_round16, float16, uint16, ushort16, as_float16, as_uint16, convert_ushort16)
#define ELEM_STORE16(p, v, PUT) PUT((__global ushort16 *)(p), gpucci_f16_round16(v))
#elif defined(GPUCC_ELEM_BF16)
typedef ushort elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(as_float16(convert_uint16(vload16(0, p)) << 16))
#define ELEM_LOAD1(p, i, T) ((T)as_float((uint)(p)[i] << 16))
#define ELEM_STORE(p, i, v) ((p)[i] = gpucci_bf16_round(v))
#define ELEM_STORE16(p, v, PUT) PUT((__global ushort16 *)(p), convert_ushort16(GPUCCI_BF16_ROUND_BITS(as_uint16(v))))

/* v rounded to bfloat16 (GPUCCI_BF16_ROUND_BITS). */
inline ushort gpucci_bf16_round(float v)
{
    return (ushort)GPUCCI_BF16_ROUND_BITS(as_uint(v));
}
#elif defined(GPUCC_ELEM_I32)
typedef int elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)(p)[i])
#define ELEM_STORE(p, i, v) ((p)[i] = convert_int_sat(v))
#define ELEM_STORE16(p, v, PUT) PUT((__global int16 *)(p), convert_int16_sat(v))
#else
typedef float elem_t;
#define ELEM_LOAD16(p, CONVERT16) CONVERT16(vload16(0, p))
#define ELEM_LOAD1(p, i, T) ((T)(p)[i])
#define ELEM_STORE(p, i, v) ((p)[i] = (v))
#define ELEM_STORE16(p, v, PUT) PUT((__global float16 *)(p), v)
#endif

#endif
