/* The data types' sizes (from GPUCC_DTYPE_TABLE; names.c has their names)
 * and the conversions between float32 and the 16-bit formats. */
#include <string.h>

#include "gpucc.h"

#define DTYPE_SIZE(enumerator, name, bytes, descr, long_name) [enumerator] = bytes,
static const size_t dtype_sizes[GPUCC_DTYPE_COUNT] = {GPUCC_DTYPE_TABLE(DTYPE_SIZE)};
#undef DTYPE_SIZE

size_t gpucc_dtype_size(gpucc_dtype dtype)
{
    return (unsigned)dtype < GPUCC_DTYPE_COUNT ? dtype_sizes[dtype] : 0;
}

static float float_of_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static uint32_t bits_of_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

float gpucc_bf16_to_float(uint16_t bits)
{
    return float_of_bits((uint32_t)bits << 16);
}

float gpucc_f16_to_float(uint16_t bits)
{
    uint32_t sign = (uint32_t)(bits & 0x8000u) << 16;
    uint32_t exponent = (bits >> 10) & 0x1fu;
    uint32_t mantissa = bits & 0x3ffu;
    if (exponent == 0x1f) /* infinity or NaN: the payload moves up 13 bits */
        return float_of_bits(sign | 0x7f800000u | mantissa << 13);
    if (exponent != 0) /* normal: rebias 15 -> 127 */
        return float_of_bits(sign | (exponent + 112) << 23 | mantissa << 13);
    /* zero or subnormal: mantissa * 2^-24, exact in float */
    float magnitude = (float)mantissa * 0x1p-24f;
    return sign ? -magnitude : magnitude;
}

uint16_t gpucc_float_to_bf16(float value)
{
    uint32_t u = bits_of_float(value);
    if ((u & 0x7fffffffu) > 0x7f800000u) /* NaN: keep the sign, make it quiet */
        return (uint16_t)((u >> 16) | 0x0040u);
    /* Round to nearest, ties to even, on the 16 bits dropped; a carry into
     * the exponent is the right result (up to infinity). */
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

uint16_t gpucc_float_to_f16(float value)
{
    uint32_t u = bits_of_float(value);
    uint16_t sign = (uint16_t)((u >> 16) & 0x8000u);
    uint32_t magnitude = u & 0x7fffffffu;
    if (magnitude > 0x7f800000u) /* NaN: quiet, top payload bits kept */
        return (uint16_t)(sign | 0x7e00u | ((magnitude >> 13) & 0x3ffu));
    if (magnitude >= 0x477ff000u) /* rounds to 65520 or beyond: infinity */
        return (uint16_t)(sign | 0x7c00u);
    if (magnitude >= 0x38800000u) { /* normal in f16 (>= 2^-14) */
        uint32_t rebiased = magnitude - ((uint32_t)112 << 23);
        rebiased += 0x0fffu + ((rebiased >> 13) & 1u); /* nearest, ties to even */
        return (uint16_t)(sign | (rebiased >> 13));
    }
    /* Subnormal or zero in f16: multiples of 2^-24. Scaling by 2^24 is exact
     * and float's own rounding to an integer (ties to even, below 2^23) is
     * the rounding we need. */
    float scaled = float_of_bits(magnitude) * 0x1p24f;
    float rounded = (scaled + 0x1p23f) - 0x1p23f;
    return (uint16_t)(sign | (uint16_t)rounded);
}
