/* CLBlast in a build without it (not found, or GPUCC_CLBLAST=OFF): absent.
 * The dense layer then refuses dense_impl = GPUCC_DENSE_CLBLAST when the
 * backend opens, and auto takes gpucc's kernel, so nothing here runs a GEMM. */
#include "error.h"
#include "opencl-clblast.h"

int gpucci_clblast_available(void)
{
    return 0;
}

gpucc_status gpucci_clblast_gemm(cl_command_queue *queue, size_t m, size_t n, size_t k, cl_mem a, cl_mem b, cl_mem c,
                                 cl_event *done, const char *what)
{
    (void)queue, (void)m, (void)n, (void)k, (void)a, (void)b, (void)c;
    *done = NULL;
    return gpucci_fail(GPUCC_E_UNAVAILABLE, "%s: gpucc built without CLBlast", what);
}

void gpucci_clblast_retain(void)
{
}

void gpucci_clblast_release(void)
{
}
