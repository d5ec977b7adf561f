/*
 * gpucc's element-wise functions: the functions of gpucc_map and the
 * activations of the dense layer, one table each. gpucc.h includes this
 * header; the library also compiles it as OpenCL C (it is prepended to the
 * map and dense kernels), so it holds nothing but macros and enums.
 *
 * Why the tables live here, in a public header: the enums of gpucc.h, the
 * names, the error bounds, the C loops, the OpenCL kernels and the double
 * reference are all generated from them, so a function is defined in one
 * line and no two lists can disagree. A public header is the one place that
 * both the public enums and the kernels can read.
 *
 * Each function is one expression in x (and y, alpha for saxpy), written in
 * the subset of C that is type-generic in both languages: integer constants
 * and exp/tanh, which are overloaded in OpenCL C and in C's <tgmath.h>.
 * Evaluated in float it is the function every backend computes for f32,
 * f16 and bf16 data; in double, for f64 data, and the reference of f32, f16
 * and bf16 that verification compares against; in long double, the
 * reference of f64; in 64-bit integers, the i32 function and its reference
 * (gpucc_map_typed). Special values: NaN in gives NaN out; relu(-0) = -0;
 * sigmoid(+inf) = 1, sigmoid(-inf) = 0; exp(-inf) = 0, exp(+inf) = +inf.
 */
#ifndef GPUCC_ELEMENTWISE_H
#define GPUCC_ELEMENTWISE_H

/* The two functions the map and the activations share. */
#define GPUCC_RELU(x) ((x) < 0 ? 0 : (x))
#define GPUCC_SIGMOID(x) (1 / (1 + exp(-(x))))

/* X(enumerator, name, ulp bound, f(x, y, alpha), integer), in enum order.
 * The bound is the documented accuracy in ulps of float32 against the
 * double reference (see gpucc_map_ulp_bound). integer is 1 where the
 * function is defined on i32 data: its expression, evaluated in 64-bit
 * integers, is then the exact result (gpucc_map_typed). */
#define GPUCC_MAP_FN_TABLE(X)                                 \
    X(GPUCC_MAP_SQUARE, square, 1, (x) * (x), 1)              \
    X(GPUCC_MAP_SAXPY, saxpy, 1, (alpha) * (x) + (y), 1)      \
    X(GPUCC_MAP_RELU, relu, 1, GPUCC_RELU(x), 1)              \
    X(GPUCC_MAP_SIGMOID, sigmoid, 4, GPUCC_SIGMOID(x), 0)     \
    X(GPUCC_MAP_TANH, tanh, 4, tanh(x), 0)                    \
    X(GPUCC_MAP_EXP, exp, 4, exp(x), 0)

/* X(enumerator, name, ulp bound, act(x)), in enum order. The bound is what
 * evaluating the activation in float adds to the dense layer's error bound
 * (0 where the activation is exact; see gpucc_dense_verify). */
#define GPUCC_ACTIVATION_TABLE(X)                          \
    X(GPUCC_ACT_NONE, none, 0, (x))                        \
    X(GPUCC_ACT_RELU, relu, 0, GPUCC_RELU(x))              \
    X(GPUCC_ACT_SIGMOID, sigmoid, 4, GPUCC_SIGMOID(x))     \
    X(GPUCC_ACT_TANH, tanh, 4, tanh(x))

/* For both tables (the map's has one column more). */
#define GPUCC_ELEMENTWISE_ENUMERATOR(enumerator, ...) enumerator,

/* The functions of gpucc_map. */
typedef enum { GPUCC_MAP_FN_TABLE(GPUCC_ELEMENTWISE_ENUMERATOR) GPUCC_MAP_FN_COUNT } gpucc_map_fn;

/* The activations of the dense layer. */
typedef enum { GPUCC_ACTIVATION_TABLE(GPUCC_ELEMENTWISE_ENUMERATOR) GPUCC_ACT_COUNT } gpucc_activation;

#undef GPUCC_ELEMENTWISE_ENUMERATOR

#endif
