/* gpucc_map and gpucc_map_typed: argument checks, then the backend's map,
 * timed. */
#include <stdint.h>
#include <string.h>

#include "backend-impl.h"
#include "error.h"
#include "gpucc-map.h"
#include "pool.h"
#include "entry-point.h"

int gpucc_map_fn_has_dtype(gpucc_map_fn fn, gpucc_dtype dtype)
{
    return (unsigned)dtype < GPUCC_DTYPE_COUNT && gpucci_map_fn_has_dtype(fn, dtype);
}

gpucc_status gpucc_map_typed(gpucc_backend *backend, gpucc_map_fn fn, gpucc_dtype dtype, double alpha,
                             const void *x, const void *y, void *out, size_t n, gpucc_call_info *info)
{
    GPUCC_ASSERT_OPEN(backend);
    size_t size = gpucc_dtype_size(dtype);
    if (!backend || !info || (unsigned)fn >= GPUCC_MAP_FN_COUNT || size == 0 || (n > 0 && (!x || !out)) ||
        (n > 0 && fn == GPUCC_MAP_SAXPY && !y) || n > SIZE_MAX / size)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: invalid arguments");
    if (!gpucc_map_fn_has_dtype(fn, dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: %s is not defined on %s data",
                           gpucc_map_fn_name(fn), gpucc_dtype_name(dtype));
    if (fn == GPUCC_MAP_SAXPY && !gpucci_map_alpha_fits(dtype, alpha))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: alpha %.17g is not %s", alpha,
                           dtype == GPUCC_I32 ? "an integer in int32's range" : "a float");
    if ((uintptr_t)x % size != 0 || (fn == GPUCC_MAP_SAXPY && (uintptr_t)y % size != 0) || (uintptr_t)out % size != 0)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: an array is not aligned to its %zu-byte %s elements", size,
                           gpucc_dtype_name(dtype));
    if (gpucci_bytes_overlap(out, x, n * size) || (fn == GPUCC_MAP_SAXPY && gpucci_bytes_overlap(out, y, n * size)))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: out overlaps an input");
    GPUCCI_REQUIRE_OP(backend, map);
    memset(info, 0, sizeof *info);
    if (n == 0)
        return GPUCC_OK;
    gpucc_status status;
    TIMED_CALL(info->timing, backend->ops->map(backend, fn, dtype, alpha, x, y, out, n, info));
    return status;
}

gpucc_status gpucc_map(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                       float *out, size_t n, gpucc_call_info *info)
{
    return gpucc_map_typed(backend, fn, GPUCC_F32, alpha, x, y, out, n, info);
}
