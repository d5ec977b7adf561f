/* The CPU map: one loop per data type and function of kernels/gpucc-map.h,
 * generated from GPUCC_MAP_FN_TABLE and the type list below, so that adding
 * a function there adds its loops here.
 *
 * Each loop is a plain element-wise loop over restrict-qualified arrays
 * that GCC vectorises (-O3 -march=native; check with -fopt-info-vec):
 * square, saxpy and relu become packed multiplies, adds and compare-selects
 * (relu's select needs -fno-trapping-math, which the build sets). ISO C
 * mode keeps -ffp-contract=off, so saxpy is a separate multiply and add on
 * the CPU: the same bits as the serial reference on every CPU backend.
 * sigmoid, tanh and exp call libm's expf/tanhf (exp/tanh for f64), which
 * GCC does not vectorise without -ffast-math's vector-math declarations;
 * those loops are scalar calls (compute-bound, not memory-bound). A
 * portable build compiles each loop for several instruction sets
 * (GPUCCI_HOT).
 *
 * Each type loads its elements into the type it computes in and stores the
 * result back: f16 and bf16 compute in float and round once to nearest
 * even on the store; i32 computes in 64-bit integers
 * and stores a result outside int32 saturated, for verification to report
 * (gpucc_map_typed).
 *
 * A call whose arrays are larger than the last-level cache (so its output
 * would not stay there) is written with streaming stores, a cache line at
 * a time: the store then does not first read the line it overwrites, a
 * third of a one-input map's memory traffic. glibc's memcpy, the copy
 * ceiling, does the same beyond a similar size. The decision is the
 * call's, not each thread's part's: a VM's sysconf reports the whole
 * host's cache (480 MiB on a 2-vCPU Xeon guest), and dividing it by the
 * guest's CPUs left each half of a 1e8-element pthreads map, 400 MB, below
 * the old per-CPU threshold, on plain stores at 0.6 of memcpy. The values
 * are the same either way. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu-kernels.h"
#include "dispatch.h"
#include "gpucc-map.h"
#include "half.h"

#if defined(__SSE2__)
#include <immintrin.h>
#define CAN_STREAM 1
#else
#define CAN_STREAM 0
#endif

enum { LINE_BYTES = 64 }; /* one cache line */

#if CAN_STREAM
/* Writes line[0..LINE_BYTES) to the line-aligned out with non-temporal
 * stores of 32 bytes where the build has AVX, else of 16 (SSE2, which every
 * x86-64 level has). Narrow streaming stores cost bandwidth: on an Intel
 * Xeon (AVX-512) a stand-alone square loop on two threads moved 27-28 GB/s
 * with four 16-byte stores a line and 33-35 GB/s with two 32-byte ones
 * (memcpy 38).
 * Not one 64-byte store: GCC computes the line in 32-byte vectors (its
 * preferred width, also with AVX-512), and a 64-byte load of two 32-byte
 * stores cannot be forwarded from them. The test is at compile time: a
 * portable build's clones, compiled without AVX, store 16 bytes at a time. */
static inline void stream_line(void *out, const void *line)
{
#if defined(__AVX__)
    for (int k = 0; k < LINE_BYTES / 32; k++)
        _mm256_stream_si256((__m256i *)out + k, _mm256_loadu_si256((const __m256i *)line + k));
#else
    for (int k = 0; k < LINE_BYTES / 16; k++)
        _mm_stream_si128((__m128i *)out + k, _mm_loadu_si128((const __m128i *)line + k));
#endif
}

/* Orders the streaming stores before whatever the caller does next. */
static inline void stream_end(void)
{
    _mm_sfence();
}
#else
static inline void stream_line(void *out, const void *line)
{
    memcpy(out, line, LINE_BYTES);
}

static inline void stream_end(void)
{
}
#endif

/* Element i of x loaded into the type it computes in, and a result stored
 * back into the element type, for each type: f16 and bf16 through half.h's
 * branch-free conversions (GCC 12 vectorises _Float16 conversions only
 * where they fold into AVX512-FP16 arithmetic). */
#define LOAD_F32(x, i) ((x)[i])
#define LOAD_F64(x, i) ((x)[i])
#define LOAD_F16(x, i) gpucci_f16_widen((x)[i])
#define LOAD_BF16(x, i) gpucci_bf16_widen((x)[i])
#define LOAD_I32(x, i) ((int64_t)(x)[i])
#define STORE_F32(v) (v)
#define STORE_F64(v) (v)
#define STORE_F16(v) gpucci_f16_round(v)
#define STORE_BF16(v) gpucci_bf16_round(v)
#define STORE_I32(v) store_i32(v)

/* An i32 result: v itself, or saturated where v lies outside int32. */
static inline int32_t store_i32(int64_t v)
{
    return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : (int32_t)v;
}

/* Computes line[0..LINE) = elements [i, i + LINE) one at a time (GCC
 * vectorises this loop): the streaming lines of every type but f16 where
 * the build has F16C. */
#define LINE_BY_ELEMENT(line, LINE, x, y, i, alpha, LOAD, STORE, FN) \
    for (int j = 0; j < LINE; j++)                                   \
    line[j] = STORE(FN(LOAD(x, i + j), LOAD(y, i + j), alpha))

#if defined(__F16C__)
#include <immintrin.h>
/* The same for f16 where the build has F16C: 8 elements widened (vcvtph2ps)
 * and 8 results rounded to nearest even (vcvtps2ph) per instruction, the
 * values of half.h's conversions, whose portable, branch-free forms take
 * several instructions an element and left the f16 map compute-bound. */
#define LINE_F16(line, LINE, x, y, i, alpha, LOAD, STORE, FN)                                                 \
    for (int k = 0; k < LINE; k += 8) {                                                                       \
        float xs_[8], ys_[8], rs_[8];                                                                         \
        _mm256_storeu_ps(xs_, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((x) + (i) + k))));           \
        _mm256_storeu_ps(ys_, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)((y) + (i) + k))));           \
        for (int j = 0; j < 8; j++)                                                                           \
            rs_[j] = FN(xs_[j], ys_[j], alpha);                                                               \
        __m128i rounded_ = _mm256_cvtps_ph(_mm256_loadu_ps(rs_), _MM_FROUND_TO_NEAREST_INT);                \
        _mm_storeu_si128((__m128i *)((line) + k), rounded_);                                                  \
    }
#else
#define LINE_F16 LINE_BY_ELEMENT
#endif

/* One loop per data type and function: T the element, V what it computes
 * in, FN the function in V, COMPUTE_LINE how it computes a streaming line. y is never NULL here: gpucci_cpu_map_range
 * passes x in its place for the functions that ignore it, and the load is
 * dead code after inlining, so it costs nothing. With `stream`, the
 * elements up to the first line boundary of out are stored plainly, then
 * whole lines are computed into a local line and streamed, and the rest
 * stored plainly. */
#define DEFINE_MAP_LOOP(type, name, T, V, LOAD, STORE, FN, COMPUTE_LINE)                                         \
    GPUCCI_HOT static void map_loop_##type##_##name(double alpha_in, const void *restrict x_in,                \
                                                    const void *restrict y_in, void *restrict out_in,          \
                                                    size_t begin, size_t end, bool stream)                     \
    {                                                                                                          \
        enum { LINE = LINE_BYTES / sizeof(T) };                                                                \
        const T *restrict x = x_in, *restrict y = y_in;                                                        \
        T *restrict out = out_in;                                                                              \
        V alpha = (V)alpha_in;                                                                                 \
        size_t i = begin;                                                                                      \
        if (stream) {                                                                                          \
            for (; i < end && (uintptr_t)(out + i) % LINE_BYTES != 0; i++)                                     \
                out[i] = STORE(FN(LOAD(x, i), LOAD(y, i), alpha));                                             \
            for (; end - i >= LINE; i += LINE) {                                                               \
                GPUCCI_PREFETCH(x + i);                                                                        \
                GPUCCI_PREFETCH(y + i);                                                                        \
                T line[LINE];                                                                                  \
                COMPUTE_LINE(line, LINE, x, y, i, alpha, LOAD, STORE, FN);                                     \
                stream_line(out + i, line);                                                                    \
            }                                                                                                  \
            stream_end();                                                                                      \
        }                                                                                                      \
        for (; i < end; i++)                                                                                   \
            out[i] = STORE(FN(LOAD(x, i), LOAD(y, i), alpha));                                                 \
    }

/* The loops of each type, from the table (i32: its integer functions). */
#define F32_LOOP(enumerator, name, ulps, expr, integer) \
    DEFINE_MAP_LOOP(f32, name, float, float, LOAD_F32, STORE_F32, gpucci_fn_##name, LINE_BY_ELEMENT)
#define F64_LOOP(enumerator, name, ulps, expr, integer) \
    DEFINE_MAP_LOOP(f64, name, double, double, LOAD_F64, STORE_F64, gpucci_fn_##name##_f64, LINE_BY_ELEMENT)
#define F16_LOOP(enumerator, name, ulps, expr, integer) \
    DEFINE_MAP_LOOP(f16, name, uint16_t, float, LOAD_F16, STORE_F16, gpucci_fn_##name, LINE_F16)
#define BF16_LOOP(enumerator, name, ulps, expr, integer) \
    DEFINE_MAP_LOOP(bf16, name, uint16_t, float, LOAD_BF16, STORE_BF16, gpucci_fn_##name, LINE_BY_ELEMENT)
#define I32_LOOP(enumerator, name, ulps, expr, integer) \
    GPUCCI_IF_##integer(DEFINE_MAP_LOOP(i32, name, int32_t, int64_t, LOAD_I32, STORE_I32, gpucci_fn_##name##_i64, \
                                        LINE_BY_ELEMENT))
GPUCC_MAP_FN_TABLE(F32_LOOP)
GPUCC_MAP_FN_TABLE(F64_LOOP)
GPUCC_MAP_FN_TABLE(F16_LOOP)
GPUCC_MAP_FN_TABLE(BF16_LOOP)
GPUCC_MAP_FN_TABLE(I32_LOOP)
#undef DEFINE_MAP_LOOP

typedef void (*map_loop)(double alpha, const void *restrict x, const void *restrict y, void *restrict out,
                         size_t begin, size_t end, bool stream);

/* Indexed by gpucc_dtype and gpucc_map_fn, which the same tables define;
 * NULL where the type lacks the function. */
#define LOOP_ENTRY(type, enumerator, name) [enumerator] = map_loop_##type##_##name,
#define F32_ENTRY(enumerator, name, ulps, expr, integer) LOOP_ENTRY(f32, enumerator, name)
#define F64_ENTRY(enumerator, name, ulps, expr, integer) LOOP_ENTRY(f64, enumerator, name)
#define F16_ENTRY(enumerator, name, ulps, expr, integer) LOOP_ENTRY(f16, enumerator, name)
#define BF16_ENTRY(enumerator, name, ulps, expr, integer) LOOP_ENTRY(bf16, enumerator, name)
#define I32_ENTRY(enumerator, name, ulps, expr, integer) GPUCCI_IF_##integer(LOOP_ENTRY(i32, enumerator, name))
static const map_loop map_loops[GPUCC_DTYPE_COUNT][GPUCC_MAP_FN_COUNT] = {
    [GPUCC_F32] = {GPUCC_MAP_FN_TABLE(F32_ENTRY)},   [GPUCC_F64] = {GPUCC_MAP_FN_TABLE(F64_ENTRY)},
    [GPUCC_F16] = {GPUCC_MAP_FN_TABLE(F16_ENTRY)},   [GPUCC_BF16] = {GPUCC_MAP_FN_TABLE(BF16_ENTRY)},
    [GPUCC_I32] = {GPUCC_MAP_FN_TABLE(I32_ENTRY)},
};

void gpucci_cpu_map_range(gpucc_map_fn fn, gpucc_dtype dtype, double alpha, const void *x, const void *y,
                          void *out, size_t begin, size_t end, bool stream)
{
    if ((unsigned)fn >= GPUCC_MAP_FN_COUNT || (unsigned)dtype >= GPUCC_DTYPE_COUNT || !map_loops[dtype][fn] ||
        begin >= end)
        return;
    map_loops[dtype][fn](alpha, x, y ? y : x, out, begin, end, CAN_STREAM && stream);
}
