/*
 * The element-wise functions of include/gpucc-elementwise.h in float, for
 * the C backends and the OpenCL kernels: this header compiles both as C11
 * and as OpenCL C (the host prepends gpucc-elementwise.h and this header to
 * the map and dense programs). Adding a function is one line in the table
 * GPUCC_MAP_FN_TABLE; its C loop, its kernel, its name, its bound and its
 * reference follow from it.
 *
 * Every map function has the signature gpucci_fn_NAME(x, y, alpha) in
 * float; gpucci_fn_NAME_f64 is the same in double (in OpenCL C only in a
 * program built with -DGPUCC_ELEM_F64), and
 * gpucci_fn_NAME_i64 in 64-bit integers for the functions the table marks
 * integer. Only saxpy uses y and alpha.
 */
#ifndef GPUCC_MAP_H
#define GPUCC_MAP_H

#ifndef __OPENCL_VERSION__
#include <stdint.h>
#include <tgmath.h>

#include "gpucc-dtype.h"
#include "gpucc-elementwise.h"

/* The table's expressions call exp and tanh, which must be evaluated in
 * float here (expf, tanhf), as OpenCL's overloads do. */
_Static_assert(_Generic(exp(1.0f), float: 1, default: 0) && _Generic(tanh(1.0f), float: 1, default: 0),
               "exp and tanh must be type-generic (<tgmath.h>)");
#endif

/* GPUCCI_IF_1(code) is code, GPUCCI_IF_0(code) nothing: with the table's
 * integer column pasted on, what exists for the integer functions only. */
#define GPUCCI_IF_1(...) __VA_ARGS__
#define GPUCCI_IF_0(...)

/* The 64-bit integer the i32 functions compute in. */
#ifdef __OPENCL_VERSION__
#define GPUCCI_I64 long
#else
#define GPUCCI_I64 int64_t
#endif

/* fn(x, y, alpha) in type T, named gpucci_fn_NAME followed by suffix. */
#define GPUCCI_DEFINE_MAP_FN_IN(T, suffix, name, expr)                      \
    static inline T gpucci_fn_##name##suffix(T x, T y, T alpha)             \
    {                                                                       \
        (void)y;                                                            \
        (void)alpha;                                                        \
        return expr;                                                        \
    }

#define GPUCCI_DEFINE_MAP_FN(enumerator, name, ulps, expr, integer) GPUCCI_DEFINE_MAP_FN_IN(float, , name, expr)
GPUCC_MAP_FN_TABLE(GPUCCI_DEFINE_MAP_FN)
#undef GPUCCI_DEFINE_MAP_FN

/* In OpenCL C only in a program of f64 elements, after gpucc-elements.h
 * has enabled fp64. */
#if !defined(__OPENCL_VERSION__) || defined(GPUCC_ELEM_F64)
#define GPUCCI_DEFINE_MAP_FN_F64(enumerator, name, ulps, expr, integer) \
    GPUCCI_DEFINE_MAP_FN_IN(double, _f64, name, expr)
GPUCC_MAP_FN_TABLE(GPUCCI_DEFINE_MAP_FN_F64)
#undef GPUCCI_DEFINE_MAP_FN_F64
#endif

#define GPUCCI_DEFINE_MAP_FN_I64(enumerator, name, ulps, expr, integer) \
    GPUCCI_IF_##integer(GPUCCI_DEFINE_MAP_FN_IN(GPUCCI_I64, _i64, name, expr))
GPUCC_MAP_FN_TABLE(GPUCCI_DEFINE_MAP_FN_I64)
#undef GPUCCI_DEFINE_MAP_FN_I64

#ifndef __OPENCL_VERSION__
/* 1 where fn is defined on dtype data: on every type but i32, and on i32
 * where the table's integer column says so; 0 for fn out of range. */
static inline int gpucci_map_fn_has_dtype(gpucc_map_fn fn, gpucc_dtype dtype)
{
    switch (fn) {
#define GPUCCI_INTEGER_CASE(enumerator, name, ulps, expr, integer) \
    case enumerator: return dtype != GPUCC_I32 || integer;
        GPUCC_MAP_FN_TABLE(GPUCCI_INTEGER_CASE)
#undef GPUCCI_INTEGER_CASE
    default: return 0;
    }
}

/* Whether saxpy's alpha is what dtype's computation holds: any double for
 * f64, a float (a double that float holds exactly, or NaN) for the types
 * computed in float, an integer of int32's range for i32. */
static inline int gpucci_map_alpha_fits(gpucc_dtype dtype, double alpha)
{
    switch (dtype) {
    case GPUCC_F64: return 1;
    case GPUCC_I32: return alpha == nearbyint(alpha) && alpha >= INT32_MIN && alpha <= INT32_MAX;
    default: return isnan(alpha) || (double)(float)alpha == alpha;
    }
}
#endif

/* The dense layer's activation act applied to x, from
 * GPUCC_ACTIVATION_TABLE; x itself for a value out of range (gpucc_dense
 * refuses those before any kernel runs). */
static inline float gpucci_activate(gpucc_activation act, float x)
{
    switch (act) {
#define GPUCC_ACTIVATE_CASE(enumerator, name, ulps, expr) \
    case enumerator: return expr;
        GPUCC_ACTIVATION_TABLE(GPUCC_ACTIVATE_CASE)
#undef GPUCC_ACTIVATE_CASE
    default: return x;
    }
}

#endif
