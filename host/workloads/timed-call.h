#ifndef GPUCC_TIMED_CALL_H
#define GPUCC_TIMED_CALL_H
/* What every workload's public entry point shares: the wall-clock timing of
 * one backend call. Needs a `gpucc_status status` in scope. */
#include <math.h>

#include "timer.h"

/* Runs call() between two clock reads; kernel time defaults to the total
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

#endif
