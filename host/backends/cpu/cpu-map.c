/* The CPU map: one loop per function of kernels/gpucc-map.h, generated from
 * GPUCC_MAP_FN_TABLE, so that adding a function there adds its loop here.
 *
 * Each loop is a plain element-wise loop over restrict-qualified arrays
 * that GCC vectorises (-O3 -march=native; check with -fopt-info-vec):
 * square, saxpy and relu become packed multiplies, adds and compare-selects
 * (relu's select needs -fno-trapping-math, which the build sets). ISO C
 * mode keeps -ffp-contract=off, so saxpy is a separate multiply and add on
 * the CPU: the same bits as the serial reference on every CPU backend.
 * sigmoid, tanh and exp call libm's expf/tanhf, which GCC does not
 * vectorise without -ffast-math's vector-math declarations; those loops
 * are scalar calls (compute-bound, not memory-bound). A portable build
 * compiles each loop for several instruction sets (GPUCCI_HOT).
 *
 * A range whose output is larger than one CPU's share of the last-level
 * cache (and so would not stay there) is written with streaming stores, a
 * cache line at a time: the store then does not first read the line it
 * overwrites, a third of a one-input map's memory traffic. glibc's memcpy,
 * the copy ceiling, does the same beyond a similar size. The values are the
 * same either way. */
#include <stdbool.h>
#include <stdint.h>

#include "cpu-kernels.h"
#include "cpuinfo.h"
#include "dispatch.h"
#include "gpucc-map.h"

#if defined(__SSE__)
#include <xmmintrin.h>
#define CAN_STREAM 1
#else
#define CAN_STREAM 0
#endif

enum { LINE = 64 / sizeof(float) }; /* floats per cache line */

#if CAN_STREAM
/* Writes line[0..LINE) to the line-aligned out with non-temporal stores
 * (SSE's, which every x86-64 level has; four fill one line). */
static inline void stream_line(float *out, const float *line)
{
    for (int k = 0; k < LINE; k += 4)
        _mm_stream_ps(out + k, _mm_loadu_ps(line + k));
}

/* Orders the streaming stores before whatever the caller does next. */
static inline void stream_end(void)
{
    _mm_sfence();
}
#else
static inline void stream_line(float *out, const float *line)
{
    for (int k = 0; k < LINE; k++)
        out[k] = line[k];
}

static inline void stream_end(void)
{
}
#endif


/* One loop per function. y is never NULL here: gpucci_cpu_map_range passes x
 * in its place for the functions that ignore it, and the load is dead code
 * after inlining, so it costs nothing. With `stream`, the elements up to
 * the first line boundary of out are stored plainly, then whole lines are
 * computed into a local line and streamed, and the rest stored plainly. */
#define GPUCC_DEFINE_MAP_LOOP(enumerator, name, ulps, expr)                                                      \
    GPUCCI_HOT static void map_loop_##name(float alpha, const float *restrict x, const float *restrict y,        \
                                           float *restrict out, size_t begin, size_t end, bool stream)           \
    {                                                                                                            \
        size_t i = begin;                                                                                        \
        if (stream) {                                                                                            \
            for (; i < end && (uintptr_t)(out + i) % (LINE * sizeof(float)) != 0; i++)                          \
                out[i] = gpucci_fn_##name(x[i], y[i], alpha);                                                    \
            for (; end - i >= LINE; i += LINE) {                                                                 \
                GPUCCI_PREFETCH(x + i);                                                                          \
                GPUCCI_PREFETCH(y + i);                                                                          \
                float line[LINE];                                                                                \
                for (int j = 0; j < LINE; j++)                                                                   \
                    line[j] = gpucci_fn_##name(x[i + j], y[i + j], alpha);                                       \
                stream_line(out + i, line);                                                                      \
            }                                                                                                    \
            stream_end();                                                                                        \
        }                                                                                                        \
        for (; i < end; i++)                                                                                     \
            out[i] = gpucci_fn_##name(x[i], y[i], alpha);                                                        \
    }
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_MAP_LOOP)
#undef GPUCC_DEFINE_MAP_LOOP

typedef void (*map_loop)(float alpha, const float *restrict x, const float *restrict y, float *restrict out,
                         size_t begin, size_t end, bool stream);

/* Indexed by gpucc_map_fn, which the same table defines. */
#define GPUCC_MAP_LOOP_ENTRY(enumerator, name, ulps, expr) [enumerator] = map_loop_##name,
static const map_loop map_loops[GPUCC_MAP_FN_COUNT] = {GPUCC_MAP_FN_TABLE(GPUCC_MAP_LOOP_ENTRY)};
#undef GPUCC_MAP_LOOP_ENTRY

void gpucci_cpu_map_range_stored(gpucc_map_fn fn, float alpha, const float *x, const float *y, float *out,
                                size_t begin, size_t end, bool stream)
{
    if ((unsigned)fn >= GPUCC_MAP_FN_COUNT || begin >= end)
        return;
    map_loops[fn](alpha, x, y ? y : x, out, begin, end, CAN_STREAM && stream);
}

void gpucci_cpu_map_range(gpucc_map_fn fn, float alpha, const float *x, const float *y, float *out, size_t begin,
                         size_t end)
{
    size_t cache_share = gpucci_cpu_cache_share();
    bool stream = cache_share > 0 && end > begin && (end - begin) * sizeof(float) > cache_share;
    gpucci_cpu_map_range_stored(fn, alpha, x, y, out, begin, end, stream);
}
