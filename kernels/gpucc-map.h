/*
 * The element-wise functions, defined once for the C backends and the
 * OpenCL kernels (this header compiles both as C11 and as OpenCL C; the host
 * prepends it to the map and dense programs). Adding a function is one line
 * in GPUCC_MAP_TABLE plus its name in gpucc.h's gpucc_map_fn, in the same
 * order.
 *
 * Every function has the signature f(x, y, alpha); only saxpy uses y and
 * alpha. Special values: NaN in gives NaN out; relu(-0) = -0;
 * sigmoid(+inf) = 1, sigmoid(-inf) = 0; exp(-inf) = 0, exp(+inf) = +inf.
 */
#ifndef GPUCC_MAP_H
#define GPUCC_MAP_H

#ifdef __OPENCL_VERSION__
#define GPUCC_EXPF exp
#define GPUCC_TANHF tanh
#else
#include <math.h>
#define GPUCC_EXPF expf
#define GPUCC_TANHF tanhf
#endif

/* X(name, expression in x, y, alpha), in gpucc_map_fn order. */
#define GPUCC_MAP_TABLE(X)                                \
    X(square, (x) * (x))                                  \
    X(saxpy, (alpha) * (x) + (y))                         \
    X(relu, ((x) < 0.0f ? 0.0f : (x)))                    \
    X(sigmoid, (1.0f / (1.0f + GPUCC_EXPF(-(x)))))        \
    X(tanh, GPUCC_TANHF(x))                               \
    X(exp, GPUCC_EXPF(x))

#define GPUCC_DEFINE_MAP_FN(name, expr)                                     \
    static inline float gpucci_fn_##name(float x, float y, float alpha)     \
    {                                                                       \
        (void)y;                                                            \
        (void)alpha;                                                        \
        return expr;                                                        \
    }
GPUCC_MAP_TABLE(GPUCC_DEFINE_MAP_FN)
#undef GPUCC_DEFINE_MAP_FN

/* The dense layer's activations, in gpucc_activation order: none, relu,
 * sigmoid, tanh (the same functions as the map's). */
static inline float gpucci_activate(int act, float v)
{
    switch (act) {
    case 1: return gpucci_fn_relu(v, 0.0f, 0.0f);
    case 2: return gpucci_fn_sigmoid(v, 0.0f, 0.0f);
    case 3: return gpucci_fn_tanh(v, 0.0f, 0.0f);
    default: return v;
    }
}

#endif
