#ifndef GPUCC_ENTRY_POINT_H
#define GPUCC_ENTRY_POINT_H
/* What every workload's public entry point shares: optional backend
 * operations, the wall-clock timing of one backend call, and the
 * measurement of a workload whose result is one number. */
#include <math.h>

#include "error.h"
#include "timer.h"

/* A backend may leave an operation out (its ops entry NULL): the entry point
 * then returns GPUCC_E_UNSUPPORTED with a reason naming both, never calls it. */
#define GPUCCI_REQUIRE_OP(backend, op)                                            \
    do {                                                                          \
        if (!(backend)->ops->op)                                                  \
            return gpucci_fail(GPUCC_E_UNSUPPORTED, "the %s backend does not implement %s", \
                               gpucc_backend_kind_name((backend)->ops->kind), #op);         \
    } while (0)

/* Runs call() between two clock reads (needs a `gpucc_status status` in
 * scope); kernel time defaults to the total
 * where the backend has no device timer. */
#define TIMED_CALL(timing, call)                                              \
    do {                                                                      \
        (timing).kernel_ms = NAN;                                             \
        double start_ = gpucci_now_ms();                                       \
        status = (call);                                                      \
        (timing).total_ms = gpucci_now_ms() - start_;                          \
        if (isnan((timing).kernel_ms))                                        \
            (timing).kernel_ms = (timing).total_ms;                           \
    } while (0)

/* One call of a workload whose result is one number (a reduction, a dot
 * product): runs it once into *out. */
typedef gpucc_status (*gpucci_scalar_call)(void *ctx, gpucc_reduce_result *out);

/* gpucc_measure of such a workload: every call's result is verified
 * against ref with gpucc_reduce_verify_typed(op, dtype) and must be bitwise
 * equal to the first call's; out->integer is the last call's for i32.
 * GPUCC_E_INVALID for a NULL ref (naming `what`). */
gpucc_status gpucci_measure_scalar(const char *what, gpucci_scalar_call call, void *ctx, gpucc_reduce_op op,
                                   gpucc_dtype dtype, const gpucc_reference *ref, const gpucc_plan *plan,
                                   gpucc_measurement *out);

#endif
