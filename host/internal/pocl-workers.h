/* Internal: where PoCL's CPU device runs its worker threads. */
#ifndef GPUCC_POCL_WORKERS_H
#define GPUCC_POCL_WORKERS_H

/*
 * Asks PoCL to pin its worker threads, one per CPU (POCL_AFFINITY=1), unless
 * the environment already sets POCL_AFFINITY or the process may not run on
 * every online CPU (taskset, a cgroup, an MPI launcher's binding: PoCL would
 * pin its workers to the first CPUs regardless). Programs call it first
 * thing in main, before any thread exists and before OpenCL is loaded; it
 * changes the process's environment, which a library must not do behind
 * its caller's back. Other OpenCL platforms ignore the variable.
 *
 * Why: unpinned, Linux sometimes leaves both of PoCL's workers on one of two
 * cores for a whole process; on a 2-vCPU Xeon about one `bench-reduce` run
 * in three had PoCL's reduction at 15 GB/s instead of 22-25 (f16 and f32),
 * and none pinned (bench/README.md).
 */
void gpucci_pin_pocl_workers(void);

#endif
