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
 * compiles each loop for several instruction sets (GPUCCI_HOT). */
#include "cpu-kernels.h"
#include "dispatch.h"
#include "gpucc-map.h"

/* One loop per function. y is never NULL here: gpucci_cpu_map_range passes x
 * in its place for the functions that ignore it, and the load is dead code
 * after inlining, so it costs nothing. */
#define GPUCC_DEFINE_MAP_LOOP(enumerator, name, ulps, expr)                                                      \
    GPUCCI_HOT static void map_loop_##name(float alpha, const float *restrict x, const float *restrict y,        \
                                           float *restrict out, size_t begin, size_t end)                        \
    {                                                                                                            \
        for (size_t i = begin; i < end; i++)                                                                     \
            out[i] = gpucci_fn_##name(x[i], y[i], alpha);                                                        \
    }
GPUCC_MAP_FN_TABLE(GPUCC_DEFINE_MAP_LOOP)
#undef GPUCC_DEFINE_MAP_LOOP

typedef void (*map_loop)(float alpha, const float *restrict x, const float *restrict y, float *restrict out,
                         size_t begin, size_t end);

/* Indexed by gpucc_map_fn, which the same table defines. */
#define GPUCC_MAP_LOOP_ENTRY(enumerator, name, ulps, expr) [enumerator] = map_loop_##name,
static const map_loop map_loops[GPUCC_MAP_FN_COUNT] = {GPUCC_MAP_FN_TABLE(GPUCC_MAP_LOOP_ENTRY)};
#undef GPUCC_MAP_LOOP_ENTRY

void gpucci_cpu_map_range(gpucc_map_fn fn, float alpha, const float *x, const float *y, float *out, size_t begin,
                         size_t end)
{
    if ((unsigned)fn >= GPUCC_MAP_FN_COUNT || begin >= end)
        return;
    map_loops[fn](alpha, x, y ? y : x, out, begin, end);
}
