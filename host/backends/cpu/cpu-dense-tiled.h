/* The tiled dense kernel of the pthreads backend (gpucci_cpu_dense_tiles,
 * cpu-kernels.h), written for the instruction set it is compiled for: each
 * cpu-dense-tiled-*.c compiles it once, under its own name
 * (GPUCCI_DENSE_TILED), and cpu-dense.c runs the one for the CPU. Not a
 * header to include anywhere else.
 *
 * Y is cut into tiles of TILE_ROWS rows x NR columns (the edges are smaller).
 * Tile t covers row block t % row_blocks and column strip t / row_blocks, so
 * a contiguous range of tiles is (mostly) a contiguous range of columns: a
 * thread then reads only its own part of W. Within a tile:
 *
 *   for each block of kc_max inputs k0 .. k0 + kc:
 *       pack W[n0 .. n0+NR)[k0 .. k0+kc) into a k-major panel P[k][j]
 *       (in the caller's scratch; columns past `out` are 0)
 *       for each group of MR rows of the tile:
 *           micro-kernel: MR x NR accumulators (MR x 2 vectors of VL floats),
 *           acc[i][j] += X[r+i][k] * P[k][j] for k in the block, in order:
 *           one broadcast of an X element times two contiguous vectors of P
 *
 * kc_max is KC (a 128 KiB panel with AVX-512, read from L2) for tiles of at
 * least FEW_ROWS rows, KC_FEW_ROWS (32 KiB, in L1) below: measured at
 * 256 x 1024 x 1024 on one AVX-512 thread, the large panel was 5-10% faster
 * (one pass over Y instead of four, a quarter of the micro-kernel calls),
 * and 4-7% slower at batch 16 and 32, where each panel serves only two to
 * four row groups.
 *
 * The accumulators of a row group start at 0 in the first k block and are
 * kept in Y between k blocks; after the last, Y = act(acc + b). So every
 * output is the same chain: acc = 0; for k = 0 .. in-1: acc = fma(x, w, acc)
 * (or a multiply and an add without FMA hardware); y = act(acc + b). That
 * chain depends only on the shape, never on which thread runs which tile, so
 * any split of the tiles gives bitwise the same Y. Rows past a multiple of
 * MR run a kernel instantiated for fewer rows; columns past a multiple of NR
 * use the zero-padded panel and go to Y through a small buffer, so nothing
 * outside Y is ever read or written.
 *
 * Batches of at most DOT_BATCH rows skip the panels (each would serve only
 * one or two rows, so packing costs more than it saves): the tiles are the
 * same, and each output of a tile is a dot product computed exactly as in
 * the serial loop nest.
 *
 * f16 and bf16 (gpucc_dense_typed) run the same code on floats: X comes
 * widened already (the caller widens it once per call, rather than once
 * per column strip here), packing a panel widens W's elements first (a
 * strip of rows into a float buffer, then the f32 packing), and the
 * accumulators live in a float tile buffer instead of Y, which gets each
 * output rounded once to the type at the end. Every output is then the f32
 * chain above over the widened inputs, whatever the batch (no dot-product
 * path), rounded once.
 *
 * The vector type is GNU C's vector extension, as wide as the registers of
 * the instruction set this copy is compiled for: with AVX-512 VL = 16
 * floats, MR = 8, NR = 32; with AVX 8 floats and MR = 6; else 4 and 6. The
 * tiles depend on that choice, never on the threads; the bits of Y only on
 * whether the instruction set has FMA.
 */
#include "cpu-dense-parts.h"

#include <string.h>

#ifndef GPUCCI_DENSE_TILED
#error "define GPUCCI_DENSE_TILED, the name of this copy, before including cpu-dense-tiled.h"
#endif

/* The vector width and micro-tile rows for the instruction set: 16 floats
 * (one zmm) x 8 rows with AVX-512 (16 accumulators of 32 registers); 8
 * floats (ymm) x 6 rows with AVX; 4 floats (xmm) x 6 rows otherwise (12
 * accumulators of 16 registers). */
#if defined(__AVX512F__)
#define DENSE_VL 16
#define DENSE_MR 8
#elif defined(__AVX__)
#define DENSE_VL 8
#define DENSE_MR 6
#else
#define DENSE_VL 4
#define DENSE_MR 6
#endif

typedef float vf __attribute__((vector_size(DENSE_VL * 4), aligned(DENSE_VL * 4)));
/* The same vector at any float alignment (rows of Y). */
typedef float vfu __attribute__((vector_size(DENSE_VL * 4), aligned(4)));

enum {
    VL = DENSE_VL,     /* floats per vector */
    NR = 2 * VL,       /* columns of a micro tile and of a tile */
    MR = DENSE_MR,     /* rows of a micro tile */
    KC = 1024,         /* inputs per packed panel: KC x NR floats = 128 KiB with AVX-512 */
    KC_FEW_ROWS = 256, /* the same for tiles of fewer than FEW_ROWS rows: 32 KiB */
    FEW_ROWS = 64,
    TILE_ROWS = 256,   /* rows of a tile: a panel is reused TILE_ROWS / MR times */
    DOT_BATCH = 2,     /* batches up to this size use dot products, not panels (dense-workload.c splits above it) */
};

static size_t tile_count(const gpucc_dense_shape *shape)
{
    size_t row_blocks = (shape->batch + TILE_ROWS - 1) / TILE_ROWS;
    size_t strips = (shape->out + NR - 1) / NR;
    return row_blocks * strips;
}

#if DENSE_VL == 16 && !defined(__clang__) /* GCC's __builtin_shuffle */
typedef int v16i __attribute__((vector_size(64)));

/* Transposes the 16 x 16 block r in registers: afterwards r[k][i] is the old
 * r[i][k]. Four stages; the stage of distance d swaps the off-diagonal
 * d x d blocks of every 2d x 2d block (rows i and i + d, i & d == 0). */
static inline __attribute__((always_inline)) void transpose16(vf r[VL])
{
#define MASK_LO(d) {0 & d ? 16 + 0 - d : 0, 1 & d ? 16 + 1 - d : 1, 2 & d ? 16 + 2 - d : 2, 3 & d ? 16 + 3 - d : 3, \
    4 & d ? 16 + 4 - d : 4, 5 & d ? 16 + 5 - d : 5, 6 & d ? 16 + 6 - d : 6, 7 & d ? 16 + 7 - d : 7,              \
    8 & d ? 16 + 8 - d : 8, 9 & d ? 16 + 9 - d : 9, 10 & d ? 16 + 10 - d : 10, 11 & d ? 16 + 11 - d : 11,      \
    12 & d ? 16 + 12 - d : 12, 13 & d ? 16 + 13 - d : 13, 14 & d ? 16 + 14 - d : 14, 15 & d ? 16 + 15 - d : 15}
#define MASK_HI(d) {0 & d ? 16 + 0 : 0 + d, 1 & d ? 16 + 1 : 1 + d, 2 & d ? 16 + 2 : 2 + d, 3 & d ? 16 + 3 : 3 + d, \
    4 & d ? 16 + 4 : 4 + d, 5 & d ? 16 + 5 : 5 + d, 6 & d ? 16 + 6 : 6 + d, 7 & d ? 16 + 7 : 7 + d,              \
    8 & d ? 16 + 8 : 8 + d, 9 & d ? 16 + 9 : 9 + d, 10 & d ? 16 + 10 : 10 + d, 11 & d ? 16 + 11 : 11 + d,      \
    12 & d ? 16 + 12 : 12 + d, 13 & d ? 16 + 13 : 13 + d, 14 & d ? 16 + 14 : 14 + d, 15 & d ? 16 + 15 : 15 + d}
#define TRANSPOSE_STAGE(d)                                                                                        \
    do {                                                                                                         \
        const v16i lo = MASK_LO(d), hi = MASK_HI(d);                                                             \
        for (int i = 0; i < VL; i++)                                                                             \
            if (!(i & (d))) {                                                                                    \
                vf a = r[i], b = r[i + (d)];                                                                    \
                r[i] = __builtin_shuffle(a, b, lo);                                                              \
                r[i + (d)] = __builtin_shuffle(a, b, hi);                                                        \
            }                                                                                                    \
    } while (0)
    TRANSPOSE_STAGE(8);
    TRANSPOSE_STAGE(4);
    TRANSPOSE_STAGE(2);
    TRANSPOSE_STAGE(1);
#undef TRANSPOSE_STAGE
#undef MASK_HI
#undef MASK_LO
}
#endif

/* P[k][j] = W[n0 + j][k0 + k] for k < kc, j < nr; 0 for j in [nr, NR). A
 * full strip moves 16 x 16 blocks through registers (transpose16, with
 * AVX-512 and GCC); the rest is copied element by element. */
static void pack_panel(float *restrict p, const float *restrict w, size_t in, size_t n0, size_t nr, size_t k0,
                       size_t kc)
{
    size_t k = 0;
#if DENSE_VL == 16 && !defined(__clang__) /* GCC's __builtin_shuffle */
    if (nr == NR) {
        for (; k + VL <= kc; k += VL)
            for (size_t j0 = 0; j0 < NR; j0 += VL) {
                vf r[VL];
                for (int i = 0; i < VL; i++)
                    r[i] = *(const vfu *)(w + (n0 + j0 + i) * in + k0 + k);
                transpose16(r);
                for (int i = 0; i < VL; i++)
                    *(vf *)(p + (k + i) * NR + j0) = r[i];
            }
    }
#endif
    for (size_t j = 0; j < nr; j++) {
        const float *row = w + (n0 + j) * in + k0;
        for (size_t kk = k; kk < kc; kk++)
            p[kk * NR + j] = row[kk];
    }
    for (size_t j = nr; j < NR; j++)
        for (size_t kk = k; kk < kc; kk++)
            p[kk * NR + j] = 0.0f;
}

/* What a micro-kernel call does with its accumulators. */
typedef struct {
    int first;           /* start from 0 (else from the partial sums in Y) */
    int last;            /* finish: y = act(acc + bias) */
    int act;             /* gpucc_activation */
    size_t nr;           /* valid columns, 1..NR (fewer: go through a buffer) */
    const float *bias;   /* NR floats, zero-padded, 64-byte aligned */
} micro_step;

/* The m x NR micro-kernel over one packed panel, m a compile-time constant
 * after inlining (1..MR). x points at X[r][k0] (row stride ldx), y at
 * Y[r][n0] (row stride ldy). */
static inline __attribute__((always_inline)) void micro_kernel(const int m, const float *restrict x, size_t ldx,
                                                               const float *restrict p, size_t kc,
                                                               float *restrict y, size_t ldy,
                                                               const micro_step *step)
{
    vf acc[MR][2];
    const float *xr[MR];
    for (int i = 0; i < m; i++)
        xr[i] = x + (size_t)i * ldx;
    if (step->first) {
        for (int i = 0; i < m; i++)
            acc[i][0] = acc[i][1] = (vf){0};
    } else if (step->nr == NR) {
        for (int i = 0; i < m; i++) {
            acc[i][0] = *(const vfu *)(y + i * ldy);
            acc[i][1] = *(const vfu *)(y + i * ldy + VL);
        }
    } else {
        for (int i = 0; i < m; i++) {
            float buf[NR] __attribute__((aligned(64))) = {0};
            memcpy(buf, y + i * ldy, step->nr * sizeof(float));
            acc[i][0] = *(const vf *)buf;
            acc[i][1] = *(const vf *)(buf + VL);
        }
    }

    /* Unrolled 4 times: 3-5% faster with AVX-512 at 256 x 1024 x 1024 on
     * one thread (bench/README.md); measured with AVX-512 (x86-64-v4) only,
     * though it applies to the v3 and baseline copies too. The chains are
     * unchanged. */
#pragma GCC unroll 4
    for (size_t k = 0; k < kc; k++) {
        vf b0 = *(const vf *)(p + k * NR);
        vf b1 = *(const vf *)(p + k * NR + VL);
        for (int i = 0; i < m; i++) {
            float a = xr[i][k];
            acc[i][0] += a * b0;
            acc[i][1] += a * b1;
        }
    }

    if (step->last) {
        vf bias0 = *(const vf *)step->bias, bias1 = *(const vf *)(step->bias + VL);
        for (int i = 0; i < m; i++) {
            float buf[NR] __attribute__((aligned(64)));
            *(vf *)buf = acc[i][0] + bias0;
            *(vf *)(buf + VL) = acc[i][1] + bias1;
            gpucci_dense_activate_row(step->act, buf, y + i * ldy, step->nr);
        }
    } else if (step->nr == NR) {
        for (int i = 0; i < m; i++) {
            *(vfu *)(y + i * ldy) = acc[i][0];
            *(vfu *)(y + i * ldy + VL) = acc[i][1];
        }
    } else {
        for (int i = 0; i < m; i++) {
            float buf[NR] __attribute__((aligned(64)));
            *(vf *)buf = acc[i][0];
            *(vf *)(buf + VL) = acc[i][1];
            memcpy(y + i * ldy, buf, step->nr * sizeof(float));
        }
    }
}

/* One instance per row count, so that edge rows cost only what they use. */
#define DEFINE_MICRO(M)                                                                                           \
    static void micro_##M(const float *x, size_t ldx, const float *p, size_t kc, float *y, size_t ldy,            \
                          const micro_step *step)                                                                \
    {                                                                                                            \
        micro_kernel(M, x, ldx, p, kc, y, ldy, step);                                                            \
    }
DEFINE_MICRO(1)
DEFINE_MICRO(2)
DEFINE_MICRO(3)
DEFINE_MICRO(4)
DEFINE_MICRO(5)
DEFINE_MICRO(6)
#if DENSE_MR >= 7
DEFINE_MICRO(7)
#endif
#if DENSE_MR >= 8
DEFINE_MICRO(8)
#endif
#undef DEFINE_MICRO

typedef void (*micro_fn)(const float *x, size_t ldx, const float *p, size_t kc, float *y, size_t ldy,
                         const micro_step *step);
static const micro_fn micro_kernels[] = {NULL, micro_1, micro_2, micro_3, micro_4, micro_5, micro_6,
#if DENSE_MR >= 7
                                         micro_7,
#endif
#if DENSE_MR >= 8
                                         micro_8,
#endif
};
_Static_assert(sizeof micro_kernels / sizeof micro_kernels[0] == MR + 1,
               "micro_kernels lists one kernel per row count 1..MR");
_Static_assert(DENSE_MR >= 6 && DENSE_MR <= 8, "micro kernels exist for 1..8 rows");

/* Tile t for a batch of at most DOT_BATCH rows: each output a dot product,
 * as in the serial loop nest (packing W would cost more than it saves when
 * each packed panel serves only one or two rows). */
static void dense_tile_dots(const gpucc_dense_shape *shape, const float *x, const float *w, const float *b,
                            float *y, size_t t)
{
    size_t in = shape->in, out = shape->out, n0 = t * NR;
    size_t n1 = out - n0 < NR ? out : n0 + NR;
    for (size_t r = 0; r < shape->batch; r++)
        gpucci_dense_row_outputs((int)shape->act, x + r * in, w, b, in, y + r * out, n0, n1);
}

/* The panel of W's strip [n0, n0 + nr) x [k0, k0 + kc) (pack_panel's P).
 * f16 and bf16 rows are widened into `rows` (NR x KC floats) first. */
static void pack_typed_panel(float *restrict p, float *restrict rows, gpucc_dtype dtype, const void *w, size_t in,
                             size_t n0, size_t nr, size_t k0, size_t kc)
{
    if (dtype == GPUCC_F32) {
        pack_panel(p, w, in, n0, nr, k0, kc);
        return;
    }
    for (size_t j = 0; j < nr; j++)
        gpucci_dense_widen(dtype, w, (n0 + j) * in + k0, rows + j * KC, kc);
    pack_panel(p, rows, KC, 0, nr, 0, kc);
}

/* Scratch of one tiles() call: the packed panel, then, for f16 and bf16
 * only, W's strip and the tile's outputs as floats. Each part is a whole
 * number of 64-byte lines, so every part stays 64-byte aligned. */
enum { PANEL_FLOATS = KC * NR, W_ROWS_FLOATS = NR * KC, Y_TILE_FLOATS = TILE_ROWS * NR };
_Static_assert(PANEL_FLOATS % 16 == 0 && W_ROWS_FLOATS % 16 == 0, "scratch parts are whole 64-byte lines");

static size_t scratch_floats(gpucc_dtype dtype)
{
    return PANEL_FLOATS + (dtype == GPUCC_F32 ? 0 : W_ROWS_FLOATS + Y_TILE_FLOATS);
}

/* Tiles [first, end). The large buffers live in `scratch`
 * (scratch_floats(dtype) floats, 64-byte aligned): on the stack this needs
 * only a bias row and the micro-kernel's edge buffers, well under 1 KiB,
 * instead of the 288 KiB (AVX-512, f16/bf16) the buffers take. */
static void tiles(const gpucc_dense_shape *shape, gpucc_dtype dtype, const float *x, const void *w, const void *b,
                  void *y, size_t first, size_t end, float *scratch)
{
    size_t batch = shape->batch, in = shape->in, out = shape->out;
    int typed = dtype != GPUCC_F32; /* through float buffers */
    if (!typed && batch <= DOT_BATCH) {
        for (size_t t = first; t < end; t++)
            dense_tile_dots(shape, x, w, b, y, t);
        return;
    }
    size_t row_blocks = (batch + TILE_ROWS - 1) / TILE_ROWS;
    float *panel = __builtin_assume_aligned(scratch, 64);
    float bias[NR] __attribute__((aligned(64)));
    /* typed only: W's strip and the tile's outputs, as floats */
    float *w_rows = typed ? panel + PANEL_FLOATS : NULL;
    float *y_tile = typed ? w_rows + W_ROWS_FLOATS : NULL;
    micro_step step = {.act = (int)shape->act};

    for (size_t t = first; t < end; t++) {
        size_t r0 = t % row_blocks * TILE_ROWS, n0 = t / row_blocks * NR;
        size_t rows = batch - r0 < TILE_ROWS ? batch - r0 : TILE_ROWS;
        step.nr = out - n0 < NR ? out - n0 : NR;
        memset(bias, 0, sizeof bias);
        gpucci_dense_widen(dtype, b, n0, bias, step.nr);
        step.bias = bias;
        float *yt = typed ? y_tile : (float *)y + r0 * out + n0;
        size_t ldy = typed ? NR : out;
        size_t kc_max = rows < FEW_ROWS ? KC_FEW_ROWS : KC;
        for (size_t k0 = 0; k0 < in; k0 += kc_max) {
            size_t kc = in - k0 < kc_max ? in - k0 : kc_max;
            pack_typed_panel(panel, w_rows, dtype, w, in, n0, step.nr, k0, kc);
            step.first = k0 == 0;
            step.last = k0 + kc == in;
            for (size_t i0 = 0; i0 < rows; i0 += MR) {
                size_t m = rows - i0 < MR ? rows - i0 : MR;
                micro_kernels[m](x + (r0 + i0) * in + k0, in, panel, kc, yt + i0 * ldy, ldy, &step);
            }
        }
        if (typed)
            for (size_t i = 0; i < rows; i++)
                gpucci_dense_narrow(dtype, y_tile + i * NR, y, (r0 + i) * out + n0, step.nr);
    }
}

const gpucci_dense_tiled GPUCCI_DENSE_TILED = {
    .tile_count = tile_count, .scratch_floats = scratch_floats, .tiles = tiles};
