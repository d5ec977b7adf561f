/* CLBlast for the OpenCL dense layer: its SGEMM, its status names, and the
 * count of backends that use it (compiled only when CLBlast is found). */
#include <stdatomic.h>

#include <clblast_c.h>

#include "error.h"
#include "opencl-clblast.h"

/* Backends in this process that have called CLBlast and are still open. */
static atomic_int clblast_users;

int gpucci_clblast_available(void)
{
    return 1;
}

/* The name of a CLBlast status ("CLBlastInvalidLeadDimB" for -1015), or
 * "CLBlastUnknownCode" for one not listed here. */
static const char *clblast_status_name(CLBlastStatusCode code)
{
    switch (code) {
#define NAME(code) case code: return #code;
        NAME(CLBlastSuccess) NAME(CLBlastNotImplemented) NAME(CLBlastInvalidMatrixA) NAME(CLBlastInvalidMatrixB)
        NAME(CLBlastInvalidMatrixC) NAME(CLBlastInvalidDimension) NAME(CLBlastInvalidLeadDimA)
        NAME(CLBlastInvalidLeadDimB) NAME(CLBlastInvalidLeadDimC) NAME(CLBlastInsufficientMemoryA)
        NAME(CLBlastInsufficientMemoryB) NAME(CLBlastInsufficientMemoryC) NAME(CLBlastInsufficientMemoryTemp)
        NAME(CLBlastInvalidLocalMemUsage) NAME(CLBlastNoHalfPrecision) NAME(CLBlastNoDoublePrecision)
        NAME(CLBlastDatabaseError) NAME(CLBlastUnknownError) NAME(CLBlastUnexpectedError)
        NAME(CLBlastOpenCLCompilerNotAvailable) NAME(CLBlastTempBufferAllocFailure)
        NAME(CLBlastOpenCLOutOfResources) NAME(CLBlastOpenCLOutOfHostMemory)
        NAME(CLBlastOpenCLBuildProgramFailure) NAME(CLBlastInvalidValue) NAME(CLBlastInvalidCommandQueue)
        NAME(CLBlastInvalidMemObject) NAME(CLBlastInvalidLocalThreadsTotal) NAME(CLBlastInvalidLocalThreadsDim)
        NAME(CLBlastInvalidEvent) NAME(CLBlastInvalidOperation) NAME(CLBlastInvalidBufferSize)
        NAME(CLBlastInvalidGlobalWorkSize)
#undef NAME
    default: return "CLBlastUnknownCode";
    }
}

gpucc_status gpucci_clblast_gemm(cl_command_queue *queue, size_t m, size_t n, size_t k, cl_mem a, cl_mem b, cl_mem c,
                                 cl_event *done, const char *what)
{
    CLBlastStatusCode code = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeYes, m, n, k,
                                          1.0f, a, 0, k, b, 0, k, 0.0f, c, 0, n, queue, done);
    if (code == CLBlastSuccess)
        return GPUCC_OK;
    *done = NULL; /* not set on failure */
    return gpucci_fail(GPUCC_E_CLBLAST, "%s: %s (%d)", what, clblast_status_name(code), (int)code);
}

void gpucci_clblast_retain(void)
{
    atomic_fetch_add(&clblast_users, 1);
}

void gpucci_clblast_release(void)
{
    if (atomic_fetch_sub(&clblast_users, 1) == 1)
        CLBlastClearCache();
}
