/* gpucc_dense and gpucc_dense_typed: argument checks, then the backend's
 * dense layer, timed. */
#include <stdint.h>
#include <string.h>

#include "backend-impl.h"
#include "dense-dtype.h"
#include "entry-point.h"
#include "error.h"

gpucc_status gpucc_dense_typed(gpucc_backend *backend, const gpucc_dense_shape *shape, gpucc_dtype dtype,
                               const void *x, const void *w, const void *b, void *y, gpucc_call_info *info)
{
    GPUCC_ASSERT_OPEN(backend);
    if (!backend || !shape || !info || !x || !w || !b || !y)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_dense: invalid arguments");
    gpucc_status status = gpucci_dense_dtype_check(dtype, "gpucc_dense");
    if (status == GPUCC_OK)
        status = gpucc_dense_shape_check(shape);
    if (status != GPUCC_OK)
        return status;
    GPUCCI_REQUIRE_OP(backend, dense);
    memset(info, 0, sizeof *info);
    TIMED_CALL(info->timing, backend->ops->dense(backend, shape, dtype, x, w, b, y, info));
    return status;
}

gpucc_status gpucc_dense(gpucc_backend *backend, const gpucc_dense_shape *shape, const float *x, const float *w,
                         const float *b, float *y, gpucc_call_info *info)
{
    return gpucc_dense_typed(backend, shape, GPUCC_F32, x, w, b, y, info);
}
