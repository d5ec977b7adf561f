/* Internal: CLBlast as the OpenCL dense layer uses it. opencl-clblast.c
 * calls CLBlast; a build without CLBlast compiles opencl-clblast-absent.c
 * instead, which says it is absent. */
#ifndef GPUCC_OPENCL_CLBLAST_H
#define GPUCC_OPENCL_CLBLAST_H

#include "cl-util.h"

/* 1 when gpucc is built with CLBlast, else 0. */
int gpucci_clblast_available(void);

/* Enqueues C = A B^T on *queue for row-major A [m x k], B [n x k] and
 * C [m x n], with beta = 0 (C is not read). *done receives the event of
 * CLBlast's last kernel, or NULL on failure: GPUCC_E_CLBLAST with "<what>:
 * <CLBlast status name> (code)", or GPUCC_E_UNAVAILABLE without CLBlast. */
gpucc_status gpucci_clblast_gemm(cl_command_queue *queue, size_t m, size_t n, size_t k, cl_mem a, cl_mem b, cl_mem c,
                                 cl_event *done, const char *what);

/* CLBlast keeps its compiled programs in a process-wide cache, and each one
 * holds a reference to its context. A backend calls retain before its first
 * CLBlast call and release when it closes; the last release clears the
 * cache so that the contexts are freed. */
void gpucci_clblast_retain(void);
void gpucci_clblast_release(void);

#endif
