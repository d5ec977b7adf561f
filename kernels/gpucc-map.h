/*
 * The element-wise functions of include/gpucc-elementwise.h in float, for
 * the C backends and the OpenCL kernels: this header compiles both as C11
 * and as OpenCL C (the host prepends gpucc-elementwise.h and this header to
 * the map and dense programs). Adding a function is one line in the table
 * GPUCC_MAP_FN_TABLE; its C loop, its kernel, its name, its bound and its
 * reference follow from it.
 *
 * Every map function has the signature gpucci_fn_NAME(x, y, alpha); only
 * saxpy uses y and alpha.
 */
#ifndef GPUCC_MAP_H
#define GPUCC_MAP_H

#ifndef __OPENCL_VERSION__
#include <tgmath.h>

#include "gpucc-elementwise.h"

/* The table's expressions call exp and tanh, which must be evaluated in
 * float here (expf, tanhf), as OpenCL's overloads do. */
_Static_assert(_Generic(exp(1.0f), float: 1, default: 0) && _Generic(tanh(1.0f), float: 1, default: 0),
               "exp and tanh must be type-generic (<tgmath.h>)");
#endif

#define GPUCC_DEFINE_MAP_FN(enumerator, name, ulps, expr)                   \
    static inline float gpucci_fn_##name(float x, float y, float alpha)     \
    {                                                                       \
        (void)y;                                                            \
        (void)alpha;                                                        \
        return expr;                                                        \
    }
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_MAP_FN)
#undef GPUCC_DEFINE_MAP_FN

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
