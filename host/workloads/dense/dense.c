/* gpucc_dense: argument checks, then the backend's dense layer, timed. */
#include <stdint.h>
#include <string.h>

#include "backend-impl.h"
#include "error.h"
#include "entry-point.h"

gpucc_status gpucc_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, const float *x, const float *w,
                         const float *b, float *y, gpucc_call_info *info)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !shape || !info || !x || !w || !b || !y)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dense: invalid arguments");
    gpucc_status status = gpucc_dense_shape_check(shape);
    if (status != GPUCC_OK)
        return status;
    GPUCCI_REQUIRE_OP(backend, dense);
    memset(info, 0, sizeof *info);
    TIMED_CALL(info->timing, backend->ops->dense(backend, shape, x, w, b, y, info));
    return status;
}
