/* Internal: float32 to and from the 16-bit float formats, inline and
 * branch-free, for the loops that convert every element (they vectorise as
 * integer and float selects on every x86-64 level, F16C or not). dtype.c's
 * public conversions are these. */
#ifndef GPUCC_HALF_H
#define GPUCC_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint32_t gpucci_bits_of_float(float f)
{
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}

static inline float gpucci_float_of_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* The binary16 pattern `bits` as a float: exact for every pattern, NaN
 * payloads moved up 13 bits. The exponent and mantissa moved into float
 * position read as the value times 2^-112 (exactly, subnormals included:
 * they become float subnormals), so one multiply by 2^112 rebiases;
 * infinities and NaNs are selected apart. One multiply and one select,
 * which GCC 12 vectorises in a loop (a three-way select on the exponent
 * class stayed scalar there). */
static inline float gpucci_f16_widen(uint16_t bits)
{
    uint32_t sign = (uint32_t)(bits & 0x8000u) << 16, magnitude = (uint32_t)(bits & 0x7fffu) << 13;
    uint32_t finite = gpucci_bits_of_float(gpucci_float_of_bits(magnitude) * 0x1p112f);
    uint32_t widened = magnitude >= (0x7c00u << 13) ? magnitude | 0x7f800000u : finite;
    return gpucci_float_of_bits(widened | sign);
}

/* value rounded to binary16, to nearest with ties to even (65520 and beyond
 * give infinity; NaN stays a quiet NaN of the same sign, top payload bits
 * kept). */
static inline uint16_t gpucci_f16_round(float value)
{
    uint32_t u = gpucci_bits_of_float(value);
    uint32_t sign = (u >> 16) & 0x8000u, magnitude = u & 0x7fffffffu;
    /* Normal in f16 (>= 2^-14): rebiased, rounded on the 13 bits dropped; a
     * carry into the exponent is the right result. */
    uint32_t normal = (magnitude - (112u << 23) + 0x0fffu + ((magnitude >> 13) & 1u)) >> 13;
    /* Subnormal or zero: multiples of 2^-24, the ulp of 0.5, so adding 0.5
     * rounds |value| to one (ties to even) and leaves it in the low bits. */
    uint32_t subnormal = gpucci_bits_of_float(gpucci_float_of_bits(magnitude) + 0.5f) - 0x3f000000u;
    uint32_t rounded = magnitude >= 0x38800000u ? normal : subnormal;
    rounded = magnitude >= 0x477ff000u ? 0x7c00u : rounded;
    rounded = magnitude > 0x7f800000u ? 0x7e00u | ((magnitude >> 13) & 0x3ffu) : rounded;
    return (uint16_t)(sign | rounded);
}

/* The bfloat16 pattern `bits` (the top half of a float) as a float: exact. */
static inline float gpucci_bf16_widen(uint16_t bits)
{
    return gpucci_float_of_bits((uint32_t)bits << 16);
}

/* value rounded to bfloat16 (its top half), to nearest with ties to even
 * (overflow gives infinity; NaN stays a quiet NaN of the same sign). */
static inline uint16_t gpucci_bf16_round(float value)
{
    uint32_t u = gpucci_bits_of_float(value);
    /* Round on the 16 bits dropped; a carry into the exponent is the right
     * result (up to infinity). */
    uint32_t rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    return (uint16_t)((u & 0x7fffffffu) > 0x7f800000u ? (u >> 16) | 0x0040u : rounded);
}

#endif
