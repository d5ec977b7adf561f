#include <stdint.h>
#include <string.h>

#include "error.h"
#include "generate.h"
#include "pool.h"

/* splitmix64's finaliser: a bijective 64-bit mix with good avalanche. */
static inline uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Element i of the stream for `seed`: random sign, exponent in [-10, 9],
 * random 23-bit mantissa, so |x| is in [2^-10, 2^10) and never zero. */
static inline float generate_one(uint64_t key, size_t i)
{
    uint64_t h = mix64(key + (uint64_t)i * 0x9e3779b97f4a7c15ull);
    uint32_t sign = (uint32_t)(h >> 63) << 31;
    uint32_t exponent = (uint32_t)(127 - 10 + (h >> 32) % 20) << 23;
    uint32_t mantissa = (uint32_t)h & 0x7fffffu;
    uint32_t bits = sign | exponent | mantissa;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

typedef struct {
    float *x;
    size_t first, n;
    uint64_t key;
} generate_job;

static void generate_part(void *ctx, unsigned index, unsigned count)
{
    const generate_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    for (size_t i = begin; i < end; i++)
        job->x[i] = generate_one(job->key, job->first + i);
}

gpucc_status gpucci_generate_range(float *x, size_t first, size_t n, uint64_t seed, unsigned threads)
{
    if ((!x && n > 0) || n > SIZE_MAX / sizeof(float) || first > SIZE_MAX - n)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_generate: invalid arguments (x %s, first = %zu, n = %zu)",
                           x ? "set" : "NULL", first, n);
    gpucc_status status = gpucci_threads_resolve(threads, "gpucc_generate", &threads);
    if (status != GPUCC_OK)
        return status;
    generate_job job = {x, first, n, mix64(seed ^ 0x6770756363ull)};
    /* Small arrays are not worth the threads. */
    return gpucci_parallel_run(n < (1u << 20) ? 1 : threads, generate_part, &job);
}

gpucc_status gpucc_generate(float *x, size_t n, uint64_t seed, unsigned threads)
{
    return gpucci_generate_range(x, 0, n, seed, threads);
}
