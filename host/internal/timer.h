/* Internal: a monotonic wall clock. */
#ifndef GPUCC_TIMER_H
#define GPUCC_TIMER_H

/* Milliseconds since an arbitrary fixed point (CLOCK_MONOTONIC). */
double gpucci_now_ms(void);

#endif
