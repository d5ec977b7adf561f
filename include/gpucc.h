/*
 * gpucc: run the same data-parallel work on serial C, pthreads and OpenCL,
 * verify every result against a higher-precision reference, and time it.
 *
 * Conventions of this API:
 *  - Every function that can fail returns a gpucc_status. On failure it also
 *    records a one-line, human-readable detail that gpucc_last_error() returns
 *    (per thread, valid until the next failing call on that thread).
 *  - Handles are opaque; each _open or _create function has a matching
 *    NULL-safe free. Freeing the same handle twice, or using it after it was
 *    freed, is undefined, as with free(); debug builds (without NDEBUG)
 *    assert where they can detect it.
 *  - Invalid arguments (a NULL pointer where one is required, an enum value
 *    out of range, an element count whose size in bytes overflows size_t)
 *    give GPUCC_E_INVALID with a detail, never a crash. Functions that do
 *    not return a status say what they return instead.
 *  - Sizes are size_t everywhere: n > 2^31 elements is supported.
 *  - A `threads` argument of 0 means the number of online CPUs; more than
 *    GPUCC_MAX_THREADS is GPUCC_E_INVALID.
 */
#ifndef GPUCC_H
#define GPUCC_H

#include <stddef.h>
#include <stdint.h>

#include "gpucc-dtype.h"       /* gpucc_dtype, from its table */
#include "gpucc-elementwise.h" /* gpucc_map_fn and gpucc_activation, from their tables */

#ifdef __cplusplus
extern "C" {
#endif

/* GPUCC_API marks the functions libgpucc exports; everything else in the
 * library is hidden (built with -fvisibility=hidden). */
#if defined(GPUCC_BUILDING) && defined(__GNUC__)
#define GPUCC_API __attribute__((visibility("default")))
#else
#define GPUCC_API
#endif

#define GPUCC_VERSION "0.1.0"

/* The largest thread count any function accepts. */
#define GPUCC_MAX_THREADS 1024

/* ---- Status codes (one table: the enum, the names and the messages) ---- */

#define GPUCC_STATUS_TABLE(X)                                                   \
    X(GPUCC_OK, "success")                                                      \
    X(GPUCC_E_INVALID, "invalid argument")                                      \
    X(GPUCC_E_NOMEM, "out of memory")                                           \
    X(GPUCC_E_IO, "cannot read or write file")                                  \
    X(GPUCC_E_FORMAT, "malformed input file")                                   \
    X(GPUCC_E_UNAVAILABLE, "backend or device not available")                   \
    X(GPUCC_E_UNSUPPORTED, "operation not supported by this backend")           \
    X(GPUCC_E_OPENCL, "OpenCL call failed")                                     \
    X(GPUCC_E_BUILD, "OpenCL program build failed")                             \
    X(GPUCC_E_CLBLAST, "CLBlast call failed")                                   \
    X(GPUCC_E_THREAD, "cannot start threads")                                  \
    X(GPUCC_E_OVERFLOW, "result does not fit its type")

typedef enum {
#define GPUCC_STATUS_ENUM(name, msg) name,
    GPUCC_STATUS_TABLE(GPUCC_STATUS_ENUM)
#undef GPUCC_STATUS_ENUM
    GPUCC_STATUS_COUNT
} gpucc_status;

/* Generic message for a status ("out of memory"); "unknown status" for a
 * value out of range. Never NULL. */
GPUCC_API const char *gpucc_strerror(gpucc_status status);
/* The enum's name as text ("GPUCC_E_NOMEM"); "GPUCC_E_UNKNOWN" for a value
 * out of range. Never NULL. */
GPUCC_API const char *gpucc_status_name(gpucc_status status);
/* Detail of the last failure on this thread ("foo.npy: dtype '<f8' is not
 * float32"), or the generic message if none was recorded. Never NULL. */
GPUCC_API const char *gpucc_last_error(void);

/* ---- Data types (gpucc-dtype.h) ---- */

/* "f32", "f64", "f16", "bf16", "i32"; NULL for a value out of range. */
GPUCC_API const char *gpucc_dtype_name(gpucc_dtype dtype);
/* "float32", "float64", "float16", "bfloat16", "int32"; NULL out of range. */
GPUCC_API const char *gpucc_dtype_long_name(gpucc_dtype dtype);
GPUCC_API gpucc_status gpucc_dtype_parse(const char *name, gpucc_dtype *out);
/* Bytes per element (4, 8, 2, 2, 4); 0 for a value out of range. */
GPUCC_API size_t gpucc_dtype_size(gpucc_dtype dtype);

/* IEEE binary16 and bfloat16 (the top half of a float32) to float32:
 * exact for every pattern, NaN payloads kept as far as float allows. */
GPUCC_API float gpucc_f16_to_float(uint16_t bits);
GPUCC_API float gpucc_bf16_to_float(uint16_t bits);
/* float32 to binary16 / bfloat16, rounded to nearest with ties to even
 * (overflow gives infinity; NaN stays a quiet NaN of the same sign). */
GPUCC_API uint16_t gpucc_float_to_f16(float value);
GPUCC_API uint16_t gpucc_float_to_bf16(float value);

/* ---- Backends ---- */

/* X(enumerator, name): one table gives the enum and the names. */
#define GPUCC_BACKEND_TABLE(X)                  \
    X(GPUCC_BACKEND_SERIAL, "serial")           \
    X(GPUCC_BACKEND_PTHREADS, "pthreads")       \
    X(GPUCC_BACKEND_OPENCL, "opencl")

typedef enum {
#define GPUCC_BACKEND_ENUM(name, text) name,
    GPUCC_BACKEND_TABLE(GPUCC_BACKEND_ENUM)
#undef GPUCC_BACKEND_ENUM
    GPUCC_BACKEND_COUNT
} gpucc_backend_kind;

/* "serial", "pthreads", "opencl"; NULL for an out-of-range kind. */
GPUCC_API const char *gpucc_backend_kind_name(gpucc_backend_kind kind);
/* Parses a name as above, ignoring case. Returns GPUCC_E_INVALID for an
 * unknown or NULL name or a NULL out (*out is then unchanged). The other
 * _parse functions below work the same way. */
GPUCC_API gpucc_status gpucc_backend_kind_parse(const char *name, gpucc_backend_kind *out);

/* How to open a backend. Zero-initialise, then set what you need. A value
 * out of range (threads above GPUCC_MAX_THREADS, a shape or dense_impl not
 * listed) is GPUCC_E_INVALID whatever the backend. */
typedef struct {
    /* pthreads: worker count; 0 means the number of online CPUs. */
    unsigned threads;
    /* opencl: NULL or "" for the default (first GPU, else first CPU device);
     * else a flat index from gpucc_cl_list_devices() ("0"), a type ("gpu",
     * "cpu", "accelerator"), or a case-insensitive substring of the name. */
    const char *device;
    /* opencl: work-group size for the reduction kernels; 0 = tuned default.
     * Results are bitwise identical for every value (see README). */
    size_t local_size;
    /* opencl: upper bound in bytes for one device buffer; 0 = the device's
     * CL_DEVICE_MAX_MEM_ALLOC_SIZE. Smaller values force the chunked path. */
    uint64_t max_alloc;
    /* opencl: 1 = use the fp32 (float-float) summation fallback even on a
     * device with fp64, so that the fallback can be tested anywhere. */
    int force_no_fp64;
    /* opencl: 1 = copy data to device buffers even where the device shares
     * host memory (the discrete-GPU path, testable on PoCL). */
    int force_copy;
    /* opencl, copy path: 1 = one queue, copies and kernels in sequence
     * (default: the next step's copy overlaps the current kernel). */
    int no_overlap;
    /* opencl: reduction kernel shape; GPUCC_SHAPE_AUTO picks by device type. */
    enum { GPUCC_SHAPE_AUTO, GPUCC_SHAPE_CPU, GPUCC_SHAPE_GPU } shape;
    /* opencl: dense-layer implementation. In a build without CLBlast, AUTO
     * is gpucc's kernel and CLBLAST makes the open GPUCC_E_UNAVAILABLE. */
    enum { GPUCC_DENSE_AUTO, GPUCC_DENSE_CLBLAST, GPUCC_DENSE_KERNEL } dense_impl;
    /* Optional: called with one-line notices worth showing a user (such as
     * "building OpenCL kernels"); the library never prints by itself. Both
     * must stay valid while the backend is open (dense calls it later). */
    void (*notice)(void *ctx, const char *message);
    void *notice_ctx;
} gpucc_backend_config;

/* A device's place on the PCI bus (domain:bus:device.function, as lspci
 * writes it); known 0: not told, and the numbers are 0. */
typedef struct {
    int known;
    unsigned domain, bus, device, function;
} gpucc_pci_location;

typedef struct gpucc_backend gpucc_backend;

/* Opens a backend. On success *out owns it; free it with gpucc_backend_close.
 * On failure *out is set to NULL (when out is not NULL). A NULL config means
 * all defaults. GPUCC_E_UNAVAILABLE means the backend or the requested
 * device is absent (OpenCL always, in a build with GPUCC_OPENCL=OFF). */
GPUCC_API gpucc_status gpucc_backend_open(gpucc_backend_kind kind, const gpucc_backend_config *config,
                                gpucc_backend **out);
/* Frees everything the backend holds: memory, threads, OpenCL objects.
 * NULL is a no-op; closing the same backend twice is undefined (see above). */
GPUCC_API void gpucc_backend_close(gpucc_backend *backend);
/* The kind the backend was opened with; GPUCC_BACKEND_COUNT for NULL. */
GPUCC_API gpucc_backend_kind gpucc_backend_kind_of(const gpucc_backend *backend);
/* Human-readable device description ("AMD EPYC, 2 threads"); "" for NULL.
 * Never NULL; valid while the backend is open. */
GPUCC_API const char *gpucc_backend_device(const gpucc_backend *backend);
/* The PCI location of the backend's device: an OpenCL device's where its
 * platform tells it (see gpucc_cl_device_info's pci); known 0 for the CPU
 * backends, for NULL, and where the platform does not tell. */
GPUCC_API gpucc_pci_location gpucc_backend_pci(const gpucc_backend *backend);

/* ---- Reduction ---- */

/* X(enumerator, name): one table gives the enum and the names. */
#define GPUCC_REDUCE_OP_TABLE(X)                \
    X(GPUCC_REDUCE_SUM, "sum")                  \
    X(GPUCC_REDUCE_MIN, "min")                  \
    X(GPUCC_REDUCE_MAX, "max")

typedef enum {
#define GPUCC_REDUCE_OP_ENUM(name, text) name,
    GPUCC_REDUCE_OP_TABLE(GPUCC_REDUCE_OP_ENUM)
#undef GPUCC_REDUCE_OP_ENUM
    GPUCC_REDUCE_OP_COUNT
} gpucc_reduce_op;

/* "sum", "min", "max"; NULL for an out-of-range op. */
GPUCC_API const char *gpucc_reduce_op_name(gpucc_reduce_op op);
GPUCC_API gpucc_status gpucc_reduce_op_parse(const char *name, gpucc_reduce_op *out);

/* Flags of one result. */
enum {
    /* The sum was accumulated in float-float because the device lacks fp64:
     * within the same error bound, but not bitwise equal to the fp64 order. */
    GPUCC_RESULT_FP32_FALLBACK = 1u << 0,
    /* The input was processed in several device-sized chunks. */
    GPUCC_RESULT_CHUNKED = 1u << 1,
    /* Data was copied to device memory (kernel and end-to-end times differ). */
    GPUCC_RESULT_COPIED = 1u << 2,
    /* Copies of the next step overlapped the kernel of the current one. */
    GPUCC_RESULT_OVERLAPPED = 1u << 3,
};

/* Timing of one call. total_ms is wall-clock from the call to the result on
 * the host; kernel_ms is the device-side compute time from OpenCL event
 * profiling (equal to total_ms on the CPU backends); transfer_ms is the
 * device's copy time from the same events (0 where nothing is copied):
 * host to device for reduce and dot, both directions for map and dense
 * (summed, though on the copy path they overlap each other and the
 * kernels). */
typedef struct {
    double total_ms;
    double kernel_ms;
    double transfer_ms;
} gpucc_timing;

typedef struct {
    double value;        /* the reduction's result (see README: summation order) */
    unsigned flags;      /* GPUCC_RESULT_* */
    gpucc_timing timing; /* of this call */
    int64_t integer;     /* i32 data: the exact result (value is it rounded to double); else 0 */
} gpucc_reduce_result;

/* Reduces x[0..n) with op. n == 0 gives the identity: 0 for sum, +inf for
 * min, -inf for max. NaN anywhere makes min, max and sum NaN. */
GPUCC_API gpucc_status gpucc_reduce(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                          gpucc_reduce_result *out);

/* gpucc_reduce over elements of any dtype (x holds n of them; gpucc_reduce
 * is this with GPUCC_F32). Sums accumulate as gpucc-dtype.h says; for i32,
 * out->integer is the exact result and n == 0 gives 0 for min and max too
 * (value is then +inf or -inf, as for floats), and
 * a sum outside int64 is GPUCC_E_OVERFLOW. f64 on an OpenCL device without
 * fp64 is GPUCC_E_UNSUPPORTED. */
GPUCC_API gpucc_status gpucc_reduce_typed(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype,
                                          const void *x, size_t n, gpucc_reduce_result *out);

/* ---- Element-wise map ---- */

/* The functions (gpucc_map_fn: GPUCC_MAP_SQUARE, GPUCC_MAP_SAXPY, ...,
 * GPUCC_MAP_FN_COUNT) are defined, each in one line, by GPUCC_MAP_FN_TABLE
 * in gpucc-elementwise.h. */

/* "square", "saxpy", "relu", "sigmoid", "tanh", "exp"; NULL out of range. */
GPUCC_API const char *gpucc_map_fn_name(gpucc_map_fn fn);
GPUCC_API gpucc_status gpucc_map_fn_parse(const char *name, gpucc_map_fn *out);

/* What one map or dense call did. */
typedef struct {
    unsigned flags;      /* GPUCC_RESULT_* */
    gpucc_timing timing;
    const char *impl;    /* the implementation that ran ("clblast", "kernel", "cpu"); static string */
} gpucc_call_info;

/* out[i] = fn(x[i]) for i in [0, n); saxpy reads y and alpha (y is ignored
 * otherwise and may be NULL). out must not overlap x or y (GPUCC_E_INVALID
 * if it does). */
GPUCC_API gpucc_status gpucc_map(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                       float *out, size_t n, gpucc_call_info *info);

/* 1 where fn is defined on dtype data: every function on f32, f64, f16 and
 * bf16; square, saxpy and relu on i32 (the table's integer column). 0
 * otherwise, and for values out of range. */
GPUCC_API int gpucc_map_fn_has_dtype(gpucc_map_fn fn, gpucc_dtype dtype);

/* gpucc_map over elements of any dtype: x, y and out hold n elements of
 * dtype (gpucc_map is this with GPUCC_F32). Each type computes
 * (README, "Data types"):
 *  - f64: the function in double; alpha as given;
 *  - f16, bf16: each element widened to float, the f32 function, the result
 *    rounded once to the type (to nearest, ties to even); alpha must be a
 *    float (a double that float holds exactly);
 *  - i32: exactly, in 64-bit integers; alpha must be an integer of int32's
 *    range. A result outside int32 is stored saturated (INT32_MIN or
 *    INT32_MAX), never wrapped, and gpucc_map_verify_typed reports it as an
 *    overflow.
 * GPUCC_E_INVALID (with the reason) for a function dtype lacks
 * (gpucc_map_fn_has_dtype), such an alpha for saxpy, or an array not
 * aligned to its element size (as C requires of typed arrays); f64 on an OpenCL
 * device without fp64 (or with force_no_fp64) is GPUCC_E_UNSUPPORTED. */
GPUCC_API gpucc_status gpucc_map_typed(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                                       const void *x, const void *y, void *out, size_t n, gpucc_call_info *info);

/* The documented accuracy of fn in ulps, the bound of GPUCC_MAP_FN_TABLE
 * (see README): 1 for square, saxpy
 * and relu, 4 for sigmoid, tanh and exp; NaN for a value out of range. */
GPUCC_API double gpucc_map_ulp_bound(gpucc_map_fn fn);

/* The bound of gpucc_map_verify_typed in ulps of dtype: gpucc_map_ulp_bound
 * for f32 and f64, 1 for f16 and bf16, 0 for i32 (exact); NaN where fn is
 * not defined on dtype. */
GPUCC_API double gpucc_map_ulp_bound_typed(gpucc_map_fn fn, gpucc_dtype dtype);

typedef struct {
    double max_ulp;      /* worst error in ulps over all elements (i32: in units) */
    size_t bad;          /* elements beyond the bound (or special values wrong) */
    size_t first_bad;    /* index of the first such element, if any */
    size_t overflow;     /* i32: elements whose exact result lies outside int32 (counted in bad too) */
} gpucc_map_check;

/* Checks out[0..n) against fn computed in double precision, with `threads`
 * threads (0 = online CPUs). Returns GPUCC_OK whether or not it verified:
 * check->bad == 0 means every element is within gpucc_map_ulp_bound(fn). */
GPUCC_API gpucc_status gpucc_map_verify(gpucc_map_fn fn, float alpha, const float *x, const float *y, const float *out,
                              size_t n, unsigned threads, gpucc_map_check *check);

/* gpucc_map_verify for a result of gpucc_map_typed over dtype data (this
 * with GPUCC_F32 is gpucc_map_verify), within
 * gpucc_map_ulp_bound_typed(fn, dtype) ulps of dtype:
 *  - f64 against fn in long double (x87's 64-bit significand on x86-64:
 *    2^-11 ulp of double or better for square, saxpy and relu, and within
 *    about that for glibc's expl and tanhl);
 *  - f16 and bf16 against fn in double, the error in ulps of the type at
 *    the reference rounded to the type: at most 0.5 ulp for the rounding
 *    plus the float computation's 4 ulps of float, 2^-11 ulp of f16 or
 *    2^-14 of bf16, so within 1;
 *  - i32 exactly, against fn in 64-bit integers: an element whose exact
 *    result lies outside int32 is bad and counted in check->overflow.
 * GPUCC_E_INVALID for a function dtype lacks, or a saxpy alpha it cannot
 * hold (as gpucc_map_typed). */
GPUCC_API gpucc_status gpucc_map_verify_typed(gpucc_map_fn fn, gpucc_dtype dtype, double alpha, const void *x,
                                              const void *y, const void *out, size_t n, unsigned threads,
                                              gpucc_map_check *check);

/* ---- Dense layer: Y = act(X * W^T + b) ---- */

/* The activations (gpucc_activation: GPUCC_ACT_NONE, GPUCC_ACT_RELU,
 * GPUCC_ACT_SIGMOID, GPUCC_ACT_TANH, GPUCC_ACT_COUNT) are defined by
 * GPUCC_ACTIVATION_TABLE in gpucc-elementwise.h. */

/* "none", "relu", "sigmoid", "tanh"; NULL for an out-of-range act. */
GPUCC_API const char *gpucc_activation_name(gpucc_activation act);
GPUCC_API gpucc_status gpucc_activation_parse(const char *name, gpucc_activation *out);

/* X is [batch x in], W is [out x in] (PyTorch nn.Linear's layout), b is
 * [out], Y is [batch x out]; all row-major float32. */
typedef struct {
    size_t batch, in, out;
    gpucc_activation act;
} gpucc_dense_shape;

/* Checks that every dimension is at least 1 and that every array's byte
 * size fits in size_t. GPUCC_E_INVALID with a detail otherwise. */
GPUCC_API gpucc_status gpucc_dense_shape_check(const gpucc_dense_shape *shape);

/* Computes Y. On OpenCL, config.dense_impl of the backend chooses CLBlast,
 * gpucc's kernel, or the faster of the two for this shape (auto); info->impl
 * says which ran. */
GPUCC_API gpucc_status gpucc_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, const float *x, const float *w,
                         const float *b, float *y, gpucc_call_info *info);

/* gpucc_dense over X, W, b and Y stored in dtype (gpucc_dense is this with
 * GPUCC_F32): GPUCC_F32, GPUCC_F16 or GPUCC_BF16. f16 and bf16 elements are
 * widened exactly to float, every product and sum is computed in float as
 * for f32, and each output, after the activation, is rounded once to the
 * type (to nearest, ties to even). On OpenCL f16 and bf16 always run
 * gpucc's kernel (CLBlast has no bf16, and its half GEMM needs
 * cl_khr_fp16): info->impl says "kernel" whatever config.dense_impl asks.
 * GPUCC_E_UNSUPPORTED for f64 and i32 (dense stores f32, f16 or bf16),
 * GPUCC_E_INVALID for a dtype out of range. */
GPUCC_API gpucc_status gpucc_dense_typed(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                                         const void *x, const void *w, const void *b, void *y, gpucc_call_info *info);

typedef struct {
    double max_ratio;    /* worst |y - y_ref| / bound over all outputs (inf for a NaN or infinity mismatch) */
    size_t bad;          /* outputs beyond the bound (ratio > 1, or NaN) */
    size_t first_bad;    /* row-major index of the first bad output; 0 when bad == 0 */
} gpucc_dense_check;

/* Checks Y against a double-precision reference with the standard bound
 * |y - y_ref| <= 2 * in * 2^-24 * (|X| |W^T| + |b|) + FLT_MIN element-wise
 * (y_ref = act(z_ref); the bound is taken before the activation, whose slope
 * is at most 1; FLT_MIN absorbs underflow), plus 4 float ulps of |y_ref| for
 * sigmoid and tanh, which are evaluated in float with their own error. A NaN
 * y_ref requires a NaN y and vice versa. `threads` threads (0 = online CPUs).
 * Returns GPUCC_OK whether or not Y verified (check->bad == 0 means it did);
 * GPUCC_E_INVALID for NULL arguments or a shape gpucc_dense_shape_check
 * refuses. */
GPUCC_API gpucc_status gpucc_dense_verify(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                                const float *y, unsigned threads, gpucc_dense_check *check);

/* gpucc_dense_verify for a result of gpucc_dense_typed over dtype data
 * (this with GPUCC_F32 is gpucc_dense_verify). The reference and the f32
 * bound are computed from the inputs widened to double; for f16 and bf16
 * the bound adds the rounding of Y to the type: half an ulp of it, 2^-11
 * |y_ref| for f16 and 2^-8 |y_ref| for bf16 (relative to the value within
 * the f32 bound), plus the type's smallest subnormal (2^-24 for f16, 2^-133
 * for bf16) for outputs that underflow. A NaN or infinity mismatch is bad
 * as for f32; an infinite output is accepted where a value within the
 * bound overflows the type (65520 for f16). GPUCC_E_UNSUPPORTED for f64
 * and i32, GPUCC_E_INVALID for a dtype out of range. */
GPUCC_API gpucc_status gpucc_dense_verify_typed(const gpucc_dense_shape *shape, gpucc_dtype dtype, const void *x,
                                                const void *w, const void *b, const void *y, unsigned threads,
                                                gpucc_dense_check *check);

/* ---- Reference (exact) reduction on the host ---- */

typedef struct {
    double sum;     /* the exact sum, correctly rounded to double */
    double abs_sum; /* the exact sum of |x_i|, correctly rounded to double */
    double min, max;
    int64_t integer_sum;  /* i32 data: the exact sum (when it fits: integer_overflow == 0) */
    int integer_overflow; /* i32 data: the exact sum lies outside int64 */
} gpucc_reference;

/* Computes the exact reference of x[0..n) with `threads` threads (0 = all
 * online CPUs). Inf and NaN follow IEEE: NaN if any NaN or +inf meets -inf. */
GPUCC_API gpucc_status gpucc_reference_compute(const float *x, size_t n, unsigned threads, gpucc_reference *out);

/* The reference of x[0..n) of any dtype (gpucc_reference_compute is this
 * with GPUCC_F32): exact for f32, f16, bf16 (their values are floats) and
 * i32 (integer_sum, and sum rounded from it); for f64 a double-double
 * (compensated) sum and sum of |x_i|, within n * 2^-100 * sum|x_i| of the
 * exact values, far inside the bound gpucc_reduce_verify_typed checks. */
GPUCC_API gpucc_status gpucc_reference_compute_typed(gpucc_dtype dtype, const void *x, size_t n, unsigned threads,
                                                     gpucc_reference *out);

/* ---- Measurement and verification ---- */

/* Where gpucc_measure keeps the times of the timed calls, for a caller
 * that tests them itself (gpucc bench --compare). */
typedef struct {
    double *total_ms;  /* capacity values: end to end, per call */
    double *kernel_ms; /* capacity values: device compute only, per call; NULL = not kept */
    unsigned capacity; /* >= 1 */
} gpucc_samples;

/* An energy meter that gpucc_measure reads before and after each timed
 * call: read(ctx, &joules) writes a counter in joules (from any origin,
 * never decreasing) and returns 0, or -1 when it cannot be read (the
 * measurement then has no energy). */
typedef struct {
    int (*read)(void *ctx, double *joules);
    void *ctx;
} gpucc_energy_meter;

/* How many calls to make: `warmup` untimed ones (compilation, caches,
 * page faults), then `repeat` timed ones (repeat >= 1; warmup + repeat must
 * fit in an unsigned). `samples` is optional (NULL, as a plan written
 * {warmup, repeat} leaves it): when set, the timed calls' times are written
 * to it in call order, min(repeat, capacity) values; with more calls than
 * capacity, value j is the mean of calls [j*repeat/capacity,
 * (j+1)*repeat/capacity). Written only when the measurement succeeds.
 * `energy` is optional too: the meter of the device that runs the calls
 * (an NVIDIA board's own, say); NULL reads the host CPU packages'
 * counters (Linux RAPL). */
typedef struct {
    unsigned warmup;
    unsigned repeat;
    gpucc_samples *samples;
    const gpucc_energy_meter *energy;
} gpucc_plan;

typedef struct {
    double median, min, max;
} gpucc_stats;

/* Median, min and max of values[0..count) (values is sorted in place); all
 * three NaN when values is NULL or count is 0. */
GPUCC_API gpucc_stats gpucc_stats_of(double *values, size_t count);

/* Checks one reduction result against the exact reference. Returns 1 when
 * it is correct: for sum |value - exact| <= 2^-24 * sum|x_i| (the documented
 * bound), for min/max value == exact; NaN and infinities must match the
 * reference's. *error receives |value - exact| / sum|x_i| for sum, and
 * |value - exact| / |exact| for min/max (0 when equal). Returns 0 (and
 * records a detail) for a NULL ref or error or an op out of range. */
GPUCC_API int gpucc_reduce_verify(gpucc_reduce_op op, double value, const gpucc_reference *ref, double *error);

/* The sum's documented error bound relative to sum|x_i|: 2^-24. */
#define GPUCC_SUM_RELATIVE_BOUND (1.0 / 16777216.0)

/* gpucc_reduce_verify for a result of gpucc_reduce_typed over dtype data:
 * f16, bf16, f32 as above; f64 sums within GPUCC_SUM_RELATIVE_BOUND_F64 *
 * sum|x_i|; i32 results equal to the exact integers (result->integer), an
 * overflowing reference never verifying. */
GPUCC_API int gpucc_reduce_verify_typed(gpucc_reduce_op op, gpucc_dtype dtype, const gpucc_reduce_result *result,
                                        const gpucc_reference *ref, double *error);

/* The f64 sum's bound relative to the sum of the terms' magnitudes: 2^-43.
 * The canonical order adds each term into a chain of at most 255 + 4 +
 * log2(blocks) < 512 roundings of 2^-53 each (2^-44), and a dot product's
 * terms are products rounded once more (2^-53 of each): 2^-43 covers both. */
#define GPUCC_SUM_RELATIVE_BOUND_F64 (1.0 / 8796093022208.0)

/* What gpucc_measure found for one backend and workload. */
typedef struct {
    gpucc_stats total_ms;    /* end to end, per call */
    gpucc_stats kernel_ms;   /* device compute only */
    gpucc_stats transfer_ms; /* host-to-device and back */
    unsigned flags;          /* GPUCC_RESULT_* of the last call */
    const char *impl;        /* implementation of the last call, or NULL */
    double value;            /* reduce: the last call's result; else 0 */
    int64_t integer;         /* reduce over i32: the last call's exact result; else 0 */
    double error;            /* worst error over the checked calls, in the workload's unit */
    int verified;            /* every checked call verified (and, for reduce, all bitwise equal) */
    char reason[200];        /* why not verified, else "" */
    double energy_j;         /* energy per timed call, joules (mean), from the plan's meter or else the
                                host CPU packages' (Linux RAPL); NaN where it cannot be read, or the
                                timed calls lasted under 100 ms in all */
} gpucc_measurement;

/* One call of a workload: runs it and fills *info (and *value for reduce). */
typedef gpucc_status (*gpucc_call_fn)(void *ctx, gpucc_call_info *info, double *value);
/* Checks the output of the call that just ran. Returns 1 when correct;
 * sets *error, and a reason when wrong. */
typedef int (*gpucc_check_fn)(void *ctx, double value, double *error, char *reason, size_t reason_size);

/* Runs plan->warmup untimed then plan->repeat timed calls. Checks the output
 * of every call when check_every_call is set, else of the first and the last
 * call (outputs too large to check each time). A wrong result is not an
 * error status: it gives verified = 0 with a reason. */
GPUCC_API gpucc_status gpucc_measure(const gpucc_plan *plan, gpucc_call_fn call, gpucc_check_fn check, int check_every_call,
                           void *ctx, gpucc_measurement *out);

/* gpucc_measure for a reduction: every call is verified against ref, and
 * all calls must give bitwise the same value. */
GPUCC_API gpucc_status gpucc_reduce_measure(gpucc_backend *backend, gpucc_reduce_op op, const float *x, size_t n,
                                  const gpucc_reference *ref, const gpucc_plan *plan, gpucc_measurement *out);
/* gpucc_reduce_measure over data of any dtype (gpucc_reduce_typed,
 * verified with gpucc_reduce_verify_typed against a reference from
 * gpucc_reference_compute_typed). */
GPUCC_API gpucc_status gpucc_reduce_measure_typed(gpucc_backend *backend, gpucc_reduce_op op, gpucc_dtype dtype,
                                                  const void *x, size_t n, const gpucc_reference *ref,
                                                  const gpucc_plan *plan, gpucc_measurement *out);

/* ---- Measured ceilings ---- */

/* Host memory read bandwidth in GB/s: a plain vectorised read loop over
 * x[0..n) (n >= 2; use an array well above the last-level cache) with
 * `threads` threads (0 = online CPUs), timed `repeat` >= 1 times. The
 * yardstick that memory-bound throughput is compared with. */
GPUCC_API gpucc_status gpucc_peak_read_bandwidth(const float *x, size_t n, unsigned threads, unsigned repeat,
                                       gpucc_stats *gbps);

/* Host memory copy bandwidth in GB/s: memcpy of src[0..n) to dst[0..n)
 * (arrays well above the last-level cache, not overlapping), split into
 * contiguous parts over `threads` threads (0 = online CPUs), timed `repeat`
 * times. Counts the bytes read and written, 8n per copy: the yardstick of
 * streaming workloads that read and write, such as the map. */
GPUCC_API gpucc_status gpucc_peak_copy_bandwidth(const float *src, float *dst, size_t n, unsigned threads, unsigned repeat,
                                       gpucc_stats *gbps);

/* Host FP32 multiply-add peak in GFLOP/s (2 flops per fused multiply-add
 * and lane): a register-only loop of independent FMA chains on the widest
 * vectors the CPU has (the instruction set the hot loops run with, which
 * the serial and pthreads device strings name), on `threads` threads (0 =
 * online CPUs), one untimed run then `repeat` >= 1 timed runs of 4 GFLOP
 * per thread. The compute ceiling of the dense layer. */
GPUCC_API gpucc_status gpucc_peak_fma(unsigned threads, unsigned repeat, gpucc_stats *gflops);

/* The ceilings of one OpenCL device (gpucc peak). */
typedef struct {
    char device[512];
    size_t bytes;                    /* buffer size used */
    gpucc_stats read_gbps;           /* global-memory streaming read, kernel time */
    gpucc_stats host_to_device_gbps; /* clEnqueueWriteBuffer from pageable memory */
    gpucc_stats device_to_host_gbps; /* clEnqueueReadBuffer into pageable memory */
    gpucc_stats map_us;              /* map + unmap of the whole buffer, wall time */
    gpucc_stats launch_us;           /* enqueue to completion of an empty kernel */
    gpucc_stats gemm_gflops;         /* SGEMM 1024^3 via gpucc_dense (the backend's dense_impl) */
    gpucc_stats copy_gbps;           /* global-memory copy kernel, bytes read + written, kernel time */
    gpucc_stats fma_gflops;          /* FP32 multiply-add peak: independent fma chains, kernel time */
    gpucc_stats pinned_host_to_device_gbps; /* clEnqueueWriteBuffer from pinned memory (CL_MEM_ALLOC_HOST_PTR) */
    gpucc_stats pinned_device_to_host_gbps; /* clEnqueueReadBuffer into pinned memory */
    gpucc_stats pinned_bidirectional_gbps;  /* both directions at once on two queues, pinned memory (half the
                                               buffer each way): bytes moved both ways / wall time; the ceiling
                                               of a copy path that overlaps its copies in and out (map) */
} gpucc_device_peak;

/* Measures the ceilings of an OpenCL backend's device over a buffer of
 * `bytes` (at least 4096; capped at the device's largest allocation). Open
 * the backend with dense_impl = GPUCC_DENSE_CLBLAST for CLBlast's GEMM
 * (a peer to compare with). GPUCC_E_INVALID for a backend of another kind. */
GPUCC_API gpucc_status gpucc_device_peak_measure(gpucc_backend *backend, size_t bytes, gpucc_device_peak *out);

/* ---- Input data ---- */

/* Fills x[0..n) from a counter-based generator: element i depends only on
 * (seed, i), so any split of the work gives the same data. Values have
 * random signs and magnitudes between 2^-10 and 2^10; never zero. */
GPUCC_API gpucc_status gpucc_generate(float *x, size_t n, uint64_t seed, unsigned threads);

/* A float32 array read from disk, in C order. */
typedef struct {
    float *data;      /* owned; free with gpucc_array_free */
    size_t rank;      /* 1 or 2 */
    size_t shape[2];  /* shape[1] is 1 when rank == 1 */
    size_t count;     /* number of elements */
} gpucc_array;

/* Reads a NumPy .npy file (float32 '<f4', C order, format 1.0/2.0/3.0) or,
 * for any other extension (.f32, .bin), raw little-endian float32. max_rank
 * is 1 or 2. GPUCC_E_IO when the file cannot be read, GPUCC_E_FORMAT with a
 * detail naming the problem when it is malformed. */
GPUCC_API gpucc_status gpucc_array_load(const char *path, size_t max_rank, gpucc_array *out);
/* Frees array->data and zeroes *array, so a second call is harmless.
 * NULL-safe. */
GPUCC_API void gpucc_array_free(gpucc_array *array);

/* Writes a float32 .npy (format 1.0) atomically: to a temporary file in the
 * same directory, renamed over path only when complete. */
GPUCC_API gpucc_status gpucc_npy_save(const char *path, const float *data, size_t rank, const size_t *shape);

/* Allocates n floats aligned for zero-copy OpenCL buffers (4096 bytes).
 * Free with gpucc_free_floats (NULL-safe; freeing twice is undefined).
 * Returns NULL (and sets the last error) on failure or overflow. */
GPUCC_API float *gpucc_alloc_floats(size_t n);
GPUCC_API void gpucc_free_floats(float *p);

/* ---- OpenCL devices ---- */

typedef struct {
    unsigned index;          /* flat index over all platforms */
    char platform[128];
    char name[128];
    char type[16];           /* "gpu", "cpu", "accelerator", "other" */
    char version[128];
    char driver[128];
    unsigned compute_units;
    uint64_t global_mem;
    uint64_t max_alloc;
    int fp64;
    int unified_memory;
    gpucc_pci_location pci;  /* where the platform tells it (cl_khr_pci_bus_info, or
                                cl_nv_device_attribute_query with its domain
                                query); else known 0 */
} gpucc_cl_device_info;

/* Lists every OpenCL device. *out is malloc'd (free()), *count may be 0.
 * GPUCC_OK with *count == 0 when no platform is installed, or in a build
 * with GPUCC_OPENCL=OFF. GPUCC_E_INVALID
 * when out or count is NULL; on any other failure *out is NULL and *count 0. */
GPUCC_API gpucc_status gpucc_cl_list_devices(gpucc_cl_device_info **out, size_t *count);

/* Online CPUs (at least 1). */
GPUCC_API unsigned gpucc_cpu_count(void);

#ifdef __cplusplus
}
#endif

#include "gpucc-dot.h" /* the workloads with a header of their own */

#endif
