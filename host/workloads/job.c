/* What every workload's descriptor shares. */
#include "job.h"

#include <stdio.h>
#include <string.h>

#include "error.h"
#include "generate.h"
#include "npy.h"
#include "reduce-split.h"

gpucc_status gpucci_generate_array(size_t rows, size_t cols, uint64_t seed, gpucc_array *out)
{
    memset(out, 0, sizeof *out);
    if (cols && rows > SIZE_MAX / sizeof(float) / cols)
        return gpucci_fail(GPUCC_E_NOMEM, "%zu x %zu floats overflow the address space", rows, cols);
    out->count = rows * cols;
    if (!(out->data = gpucc_alloc_floats(out->count)))
        return GPUCC_E_NOMEM;
    out->rank = cols == 1 ? 1 : 2;
    out->shape[0] = rows;
    out->shape[1] = cols;
    return gpucc_generate(out->data, out->count, seed, 0);
}

void gpucci_source_generated(gpucci_job *job, uint64_t seed)
{
    snprintf(job->source, sizeof job->source, "generated:seed=%llu", (unsigned long long)seed);
}

gpucc_status gpucci_prepare_vector(const gpucci_workload_params *params, gpucc_array *x, gpucci_job *job)
{
    gpucc_status status;
    if (params->input) {
        status = gpucc_array_load(params->input, 1, x);
        snprintf(job->source, sizeof job->source, "file:%s", params->input);
    } else {
        status = gpucci_generate_array((size_t)params->size, 1, params->seed, x);
        gpucci_source_generated(job, params->seed);
    }
    job->n = x->count;
    return status;
}

gpucc_status gpucci_prepare_typed_vector(const gpucci_workload_params *params, gpucci_typed_array *x,
                                         gpucci_job *job)
{
    gpucc_status status;
    if (params->input) {
        status = gpucci_typed_array_load(params->input, params->dtype, 1, x);
        snprintf(job->source, sizeof job->source, "file:%s", params->input);
    } else {
        status = gpucci_typed_array_alloc(params->dtype, (size_t)params->size, 1, x);
        if (status == GPUCC_OK)
            status = gpucci_generate_typed_range(params->dtype, x->data, 0, x->count, params->seed, 0);
        gpucci_source_generated(job, params->seed);
    }
    job->n = x->count;
    return status;
}

gpucc_status gpucci_prepare_vector_share(const char *path, uint64_t size, uint64_t seed, unsigned part,
                                         unsigned parts, gpucc_array *x, size_t *n, size_t *first, size_t *end)
{
    memset(x, 0, sizeof *x);
    *n = (size_t)size;
    gpucc_status status = path ? gpucci_array_length(path, n) : GPUCC_OK;
    if (status != GPUCC_OK)
        return status;
    gpucci_reduce_share(*n, part, parts, first, end);
    if (path)
        return gpucci_array_load_range(path, *first, *end, x);
    x->rank = 1;
    x->count = x->shape[0] = *end - *first;
    x->shape[1] = 1;
    if (!(x->data = gpucc_alloc_floats(x->count)))
        return GPUCC_E_NOMEM;
    return gpucci_generate_range(x->data, *first, x->count, seed, 0);
}

gpucc_status gpucci_job_abandon(gpucci_job *job, void (*release)(gpucci_job *job), gpucc_status status)
{
    if (job->data)
        release(job);
    job->data = NULL;
    return status;
}

static gpucci_fact *add_fact(gpucci_job *job, int reference, const char *key)
{
    gpucci_fact *facts = reference ? job->reference_facts : job->facts;
    size_t *count = reference ? &job->reference_fact_count : &job->fact_count;
    if (*count == GPUCCI_MAX_FACTS)
        return NULL; /* a descriptor with too many facts: caught by its tests */
    gpucci_fact *fact = &facts[(*count)++];
    memset(fact, 0, sizeof *fact);
    fact->key = key;
    return fact;
}

void gpucci_fact_text(gpucci_job *job, int reference, const char *key, const char *text)
{
    gpucci_fact *fact = add_fact(job, reference, key);
    if (fact) {
        fact->kind = GPUCCI_FACT_TEXT;
        fact->text = text;
    }
}

void gpucci_fact_count(gpucci_job *job, int reference, const char *key, size_t count)
{
    gpucci_fact *fact = add_fact(job, reference, key);
    if (fact) {
        fact->kind = GPUCCI_FACT_COUNT;
        fact->count = count;
    }
}

void gpucci_fact_number(gpucci_job *job, int reference, const char *key, double number)
{
    gpucci_fact *fact = add_fact(job, reference, key);
    if (fact) {
        fact->kind = GPUCCI_FACT_NUMBER;
        fact->number = number;
    }
}
