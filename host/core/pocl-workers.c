#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include "pocl-workers.h"

#include <sched.h>
#include <stdlib.h>

#include "gpucc.h"

void gpucci_pin_pocl_workers(void)
{
    if (getenv("POCL_AFFINITY"))
        return;
    cpu_set_t allowed;
    if (sched_getaffinity(0, sizeof allowed, &allowed) != 0 || (unsigned)CPU_COUNT(&allowed) != gpucc_cpu_count())
        return;
    setenv("POCL_AFFINITY", "1", 0);
}
