/* Internal to the workloads: what every workload's descriptor shares
 * (inputs generated or loaded, the facts of its report). */
#ifndef GPUCC_WORKLOADS_JOB_H
#define GPUCC_WORKLOADS_JOB_H

#include "typed-array.h"
#include "workload.h"

/* Allocates rows x cols floats and fills them from seed (rank 1 when cols is
 * 1). GPUCC_E_NOMEM with a detail when the size overflows or memory is short. */
gpucc_status gpucci_generate_array(size_t rows, size_t cols, uint64_t seed, gpucc_array *out);

/* The 1-D input of a vector workload: params->input (loaded) or
 * params->size elements generated from params->seed. Writes the job's
 * source ("file:PATH" or "generated:seed=N") and n. */
gpucc_status gpucci_prepare_vector(const gpucci_workload_params *params, gpucc_array *x, gpucci_job *job);

/* The same for elements of params->dtype: a file of that dtype (another
 * .npy descr is GPUCC_E_FORMAT), or the generator's stream of it
 * (typed-array.h). */
gpucc_status gpucci_prepare_typed_vector(const gpucci_workload_params *params, gpucci_typed_array *x,
                                         gpucci_job *job);

/* Part `part` of `parts` of a 1-D input split over processes: into x the
 * elements [*first, *end) of *n that gpucci_reduce_share gives it, read
 * from path (*n its length, read from the file, then that range alone), or,
 * when path is NULL, elements of the stream of seed (*n = size), each the
 * value it has in the whole vector. */
gpucc_status gpucci_prepare_vector_share(const char *path, uint64_t size, uint64_t seed, unsigned part,
                                         unsigned parts, gpucc_array *x, size_t *n, size_t *first, size_t *end);

/* Writes the job's source for inputs generated from seed ("generated:seed=N"). */
void gpucci_source_generated(gpucci_job *job, uint64_t seed);

/* Ends a preparation that failed: frees what it made with the workload's
 * release (which must take a half-made job), clears job->data, and returns
 * status, so that a prepare reads `return gpucci_job_abandon(job, release, status);`. */
gpucc_status gpucci_job_abandon(gpucci_job *job, void (*release)(gpucci_job *job), gpucc_status status);

/* Appends a field to the job's JSON heading (reference: to its "reference"
 * object). */
void gpucci_fact_text(gpucci_job *job, int reference, const char *key, const char *text);
void gpucci_fact_count(gpucci_job *job, int reference, const char *key, size_t count);
void gpucci_fact_number(gpucci_job *job, int reference, const char *key, double number);

#endif
