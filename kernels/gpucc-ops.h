/*
 * Definitions shared by the C backends and the OpenCL kernels: this header
 * compiles both as C11 and as OpenCL C (the host prepends it to every
 * program), so the two sides cannot drift apart.
 *
 * The canonical reduction order (see README, "Summation order"):
 *  1. The input is cut into blocks of GPUCC_REDUCE_BLOCK elements (the last
 *     one may be shorter).
 *  2. Inside a block, element j goes to lane j % GPUCC_REDUCE_LANES; each
 *     lane folds its elements in index order, widened to the accumulator
 *     type (double), starting from the op's identity.
 *  3. The lanes are combined by halving: v[i] = op(v[i], v[i + h]) for
 *     h = 8, 4, 2, 1, leaving the block's partial in v[0].
 *  4. The block partials are combined pairwise level by level on the host:
 *     (p0,p1), (p2,p3), ...; an odd last element moves up unchanged.
 * Every backend follows this order, so sums are bitwise identical across
 * backends, thread counts and work-group sizes.
 */
#ifndef GPUCC_OPS_H
#define GPUCC_OPS_H

#define GPUCC_REDUCE_BLOCK 4096
#define GPUCC_REDUCE_LANES 16

/* One step of each reduction: fold x into acc. Valid for scalars and, in
 * OpenCL C, for vectors (comparisons yield masks, `?:` selects per lane).
 * min and max propagate NaN: once a NaN is folded in, it stays. */
#define GPUCC_STEP_SUM(acc, x) ((acc) + (x))
#define GPUCC_STEP_MIN(acc, x) (((x) < (acc)) ? (x) : (((x) != (x)) ? (x) : (acc)))
#define GPUCC_STEP_MAX(acc, x) (((x) > (acc)) ? (x) : (((x) != (x)) ? (x) : (acc)))

#ifndef __OPENCL_VERSION__
#include <math.h> /* INFINITY; OpenCL C has it built in */
#endif
#define GPUCC_IDENTITY_SUM 0.0f
#define GPUCC_IDENTITY_MIN INFINITY
#define GPUCC_IDENTITY_MAX (-INFINITY)

/* Step 3 of the order, on an array v[GPUCC_REDUCE_LANES] of any type. */
#define GPUCC_COMBINE_LANES(STEP, v)                                    \
    do {                                                                \
        for (int half_ = GPUCC_REDUCE_LANES / 2; half_ > 0; half_ /= 2) \
            for (int i_ = 0; i_ < half_; i_++)                          \
                (v)[i_] = STEP((v)[i_], (v)[i_ + half_]);               \
    } while (0)

#endif
