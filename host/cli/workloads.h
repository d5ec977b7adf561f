/* Internal: measurement of the map and dense workloads over caller-owned
 * arrays, shared by `gpucc run` and `gpucc bench` (reductions have
 * gpucc_reduce_measure in the library). */
#ifndef GPUCC_WORKLOADS_H
#define GPUCC_WORKLOADS_H

#include "gpucc.h"

/* out = fn(x) (saxpy: alpha * x + y) over n elements on backend. */
typedef struct {
    gpucc_backend *backend;
    gpucc_map_fn fn;
    float alpha;
    const float *x, *y;
    float *out;
    size_t n;
} cli_map_job;

/* Y = act(X W^T + b) of *shape on backend. */
typedef struct {
    gpucc_backend *backend;
    const gpucc_dense_shape *shape;
    const float *x, *w, *b;
    float *y;
} cli_dense_job;

/* gpucc_measure of the job: the output of the first and the last call is
 * verified (gpucc_map_verify, gpucc_dense_verify on all online CPUs); a
 * wrong one gives verified = 0 and a reason naming the first bad element. */
gpucc_status cli_map_job_measure(const cli_map_job *job, const gpucc_plan *plan, gpucc_measurement *out);
gpucc_status cli_dense_job_measure(const cli_dense_job *job, const gpucc_plan *plan, gpucc_measurement *out);

#endif
