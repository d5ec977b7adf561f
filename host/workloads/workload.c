/* The registry of workloads (one line each, in the order of the help) and
 * its queries. */
#include "workload.h"

#include <string.h>

/* One line per workload; a new one goes above the closing comment. */
#define GPUCCI_WORKLOAD_TABLE(X) \
    X(reduce)                    \
    X(map)                       \
    X(dense)                     \
    X(dot)                       \
    /* end of the table */

#define DECLARE_WORKLOAD(name) extern const gpucci_workload gpucci_##name##_workload;
GPUCCI_WORKLOAD_TABLE(DECLARE_WORKLOAD)
#define LIST_WORKLOAD(name) &gpucci_##name##_workload,

const gpucci_workload *const gpucci_workloads[] = {GPUCCI_WORKLOAD_TABLE(LIST_WORKLOAD)};

const size_t gpucci_workload_count = sizeof gpucci_workloads / sizeof gpucci_workloads[0];

const gpucci_workload *gpucci_workload_named(const char *name)
{
    for (size_t i = 0; name && i < gpucci_workload_count; i++)
        if (strcmp(gpucci_workloads[i]->name, name) == 0)
            return gpucci_workloads[i];
    return NULL;
}

unsigned gpucci_workload_dtypes(const gpucci_workload *workload)
{
    return workload->dtypes | 1u << GPUCC_F32;
}

double gpucci_job_work(const gpucci_workload *workload, const gpucci_job *job)
{
    return workload->bound == GPUCCI_BOUND_FMA ? job->flops : job->bytes;
}

size_t gpucci_job_output_count(const gpucci_job *job)
{
    size_t count = job->output_rank ? 1 : 0;
    for (size_t d = 0; d < job->output_rank; d++)
        count *= job->output_shape[d];
    return count;
}

size_t gpucci_job_output_floats(const gpucci_job *job, gpucc_dtype dtype)
{
    return (gpucci_job_output_count(job) * gpucc_dtype_size(dtype) + sizeof(float) - 1) / sizeof(float);
}

void gpucci_job_release(const gpucci_workload *workload, gpucci_job *job)
{
    if (workload && job && job->data)
        workload->release(job);
    if (job)
        memset(job, 0, sizeof *job); /* ready for the next prepare */
}
