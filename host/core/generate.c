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

/* The 64 random bits of element i of the stream for key. */
static inline uint64_t element_hash(uint64_t key, size_t i)
{
    return mix64(key + (uint64_t)i * 0x9e3779b97f4a7c15ull);
}

/* Element i of the stream for `seed`: random sign, exponent in [-10, 9],
 * random 23-bit mantissa, so |x| is in [2^-10, 2^10) and never zero. */
static inline float generate_one(uint64_t key, size_t i)
{
    uint64_t h = element_hash(key, i);
    uint32_t sign = (uint32_t)(h >> 63) << 31;
    uint32_t exponent = (uint32_t)(127 - 10 + (h >> 32) % 20) << 23;
    uint32_t mantissa = (uint32_t)h & 0x7fffffu;
    uint32_t bits = sign | exponent | mantissa;
    float value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* Element i of the float64 stream: the sign and exponent of the float32
 * element i, and 52 random mantissa bits from a second mix of the same
 * hash, so |x| is in [2^-10, 2^10) and never zero. */
static inline double generate_double(uint64_t key, size_t i)
{
    uint64_t h = element_hash(key, i);
    uint64_t sign = h >> 63 << 63;
    uint64_t exponent = (uint64_t)(1023 - 10 + (h >> 32) % 20) << 52;
    uint64_t mantissa = mix64(h) & 0xfffffffffffffull;
    uint64_t bits = sign | exponent | mantissa;
    double value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

/* Element i of the int32 stream: uniform over all 2^32 values. */
static inline int32_t generate_int(uint64_t key, size_t i)
{
    uint32_t bits = (uint32_t)(element_hash(key, i) >> 32);
    int32_t value;
    memcpy(&value, &bits, sizeof value);
    return value;
}

typedef struct {
    gpucc_dtype dtype;
    void *x;
    size_t first, n;
    uint64_t key;
} generate_job;

/* Fills part `index` of `count` of job->x, one loop per dtype. */
static void generate_part(void *ctx, unsigned index, unsigned count)
{
    const generate_job *job = ctx;
    size_t begin, end;
    gpucci_split_range(job->n, index, count, &begin, &end);
    switch (job->dtype) {
    case GPUCC_F32:
        for (size_t i = begin; i < end; i++)
            ((float *)job->x)[i] = generate_one(job->key, job->first + i);
        break;
    case GPUCC_F64:
        for (size_t i = begin; i < end; i++)
            ((double *)job->x)[i] = generate_double(job->key, job->first + i);
        break;
    case GPUCC_F16:
        for (size_t i = begin; i < end; i++)
            ((uint16_t *)job->x)[i] = gpucc_float_to_f16(generate_one(job->key, job->first + i));
        break;
    case GPUCC_BF16:
        for (size_t i = begin; i < end; i++)
            ((uint16_t *)job->x)[i] = gpucc_float_to_bf16(generate_one(job->key, job->first + i));
        break;
    case GPUCC_I32:
        for (size_t i = begin; i < end; i++)
            ((int32_t *)job->x)[i] = generate_int(job->key, job->first + i);
        break;
    case GPUCC_DTYPE_COUNT:
        break;
    }
}

gpucc_status gpucci_generate_typed_range(gpucc_dtype dtype, void *x, size_t first, size_t n, uint64_t seed,
                                         unsigned threads)
{
    size_t element = gpucc_dtype_size(dtype);
    if (!element || (!x && n > 0) || n > SIZE_MAX / element || first > SIZE_MAX - n)
        return gpucci_fail(GPUCC_E_INVALID,
                           "gpucc_generate: invalid arguments (dtype %d, x %s, first = %zu, n = %zu)", (int)dtype,
                           x ? "set" : "NULL", first, n);
    gpucc_status status = gpucci_threads_resolve(threads, "gpucc_generate", &threads);
    if (status != GPUCC_OK)
        return status;
    generate_job job = {dtype, x, first, n, mix64(seed ^ 0x6770756363ull)};
    /* Small arrays are not worth the threads. */
    return gpucci_parallel_run(n < (1u << 20) ? 1 : threads, generate_part, &job);
}

gpucc_status gpucci_generate_range(float *x, size_t first, size_t n, uint64_t seed, unsigned threads)
{
    return gpucci_generate_typed_range(GPUCC_F32, x, first, n, seed, threads);
}

gpucc_status gpucc_generate(float *x, size_t n, uint64_t seed, unsigned threads)
{
    return gpucci_generate_range(x, 0, n, seed, threads);
}

void gpucci_narrow_generated_i32(gpucc_dtype dtype, void *x, size_t n)
{
    if (dtype != GPUCC_I32)
        return;
    int32_t *v = x;
    for (size_t i = 0; i < n; i++)
        v[i] >>= 16;
}
