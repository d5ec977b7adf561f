/* The data types' sizes (from GPUCC_DTYPE_TABLE; names.c has their names)
 * and the conversions between float32 and the 16-bit formats. */
#include "gpucc.h"
#include "half.h"

#define DTYPE_SIZE(enumerator, name, bytes, descr, long_name) [enumerator] = bytes,
static const size_t dtype_sizes[GPUCC_DTYPE_COUNT] = {GPUCC_DTYPE_TABLE(DTYPE_SIZE)};
#undef DTYPE_SIZE

size_t gpucc_dtype_size(gpucc_dtype dtype)
{
    return (unsigned)dtype < GPUCC_DTYPE_COUNT ? dtype_sizes[dtype] : 0;
}

float gpucc_bf16_to_float(uint16_t bits)
{
    return gpucci_bf16_widen(bits);
}

float gpucc_f16_to_float(uint16_t bits)
{
    return gpucci_f16_widen(bits);
}

uint16_t gpucc_float_to_bf16(float value)
{
    return gpucci_bf16_round(value);
}

uint16_t gpucc_float_to_f16(float value)
{
    return gpucci_f16_round(value);
}
