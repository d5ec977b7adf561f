/* gpucc_map: argument checks, then the backend's map, timed. */
#include <stdint.h>
#include <string.h>

#include "backend-impl.h"
#include "error.h"
#include "pool.h"
#include "entry-point.h"

gpucc_status gpucc_map(gpucc_backend *backend, gpucc_map_fn fn, float alpha, const float *x, const float *y,
                       float *out, size_t n, gpucc_call_info *info)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !info || (unsigned)fn >= GPUCC_MAP_FN_COUNT || (n > 0 && (!x || !out)) ||
        (n > 0 && fn == GPUCC_MAP_SAXPY && !y) || n > SIZE_MAX / sizeof(float))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: invalid arguments");
    if (gpucci_floats_overlap(out, x, n) || (fn == GPUCC_MAP_SAXPY && gpucci_floats_overlap(out, y, n)))
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_map: out overlaps an input");
    GPUCCI_REQUIRE_OP(backend, map);
    memset(info, 0, sizeof *info);
    if (n == 0)
        return GPUCC_OK;
    gpucc_status status;
    TIMED_CALL(info->timing, backend->ops->map(backend, fn, alpha, x, y, out, n, info));
    return status;
}
