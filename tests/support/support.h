/* Helpers shared by the unit tests (tests/unit): test data, float bits,
 * guarded output buffers, backend opening and the parts a build may leave
 * out. Every helper that can fail
 * fails the running Check test with a message instead of returning an
 * error. check-main.c holds the one main(); each test program defines
 * test_suite(). */
#ifndef GPUCC_TEST_SUPPORT_H
#define GPUCC_TEST_SUPPORT_H

#include "gpucc.h"

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The suite of one test program, run by check-main.c's main(). */
Suite *test_suite(void);

/* Adds to s a test case `name` holding tests[0..count), with a timeout of
 * timeout_s seconds (0: Check's default); returns it for fixtures and more
 * tests. */
TCase *support_tcase(Suite *s, const char *name, double timeout_s, const TTest *const tests[], size_t count);

/* ---- Data ---- */

/* The next value of the splitmix64 generator whose state is *state. */
uint64_t support_splitmix64(uint64_t *state);

/* n floats from gpucc_generate(seed) (|x| in [2^-10, 2^10)), in a buffer
 * from gpucc_alloc_floats (free it with gpucc_free_floats). */
float *support_random_floats(size_t n, uint64_t seed);

/* n floats uniform in [-1, 1) from splitmix64(seed), in a buffer from
 * gpucc_alloc_floats. */
float *support_uniform_floats(size_t n, uint64_t seed);

/* n random elements of dtype (free()): floats of random sign and magnitude
 * as support_random_floats (f64 with all 52 mantissa bits random, f16 and
 * bf16 rounded from them); i32 uniform over the whole range, or, with
 * i32_bits < 32, over [-2^(i32_bits-1), 2^(i32_bits-1)). */
void *support_random_typed(gpucc_dtype dtype, size_t n, uint64_t seed, int i32_bits);
/* Element i of x (of dtype), widened to double. */
double support_element(gpucc_dtype dtype, const void *x, size_t i);

/* n copies of value, in a buffer from gpucc_alloc_floats. */
float *support_filled(size_t n, float value);

/* The bits of f, and the float whose bits are bits. */
uint32_t support_bits_of(float f);
float support_float_of(uint32_t bits);

/* ---- Guarded outputs ---- */

enum { SUPPORT_GUARD = 64 }; /* guard floats on each side of a guarded output */

/* An output of n floats that starts `offset` floats past a 4096-byte boundary
 * plus SUPPORT_GUARD floats. The floats before out (SUPPORT_GUARD + offset)
 * and after it (SUPPORT_GUARD) hold a NaN bit pattern no computation makes;
 * out holds another NaN pattern until something writes it, so that an
 * unwritten output fails any check of its value. */
typedef struct {
    float *raw; /* what was allocated */
    float *out; /* raw + SUPPORT_GUARD + offset */
    size_t n, offset;
} support_guarded;

/* Allocates a guarded output of n floats, guards and out filled. */
support_guarded support_guarded_alloc(size_t n, size_t offset);

/* Refills out with the unwritten pattern (before each call into it). */
void support_guarded_poison(support_guarded *g);

/* Fails the test, naming `what`, if any guard float lost its pattern. */
void support_guarded_check(const support_guarded *g, const char *what);

void support_guarded_free(support_guarded *g);

/* ---- Backends ---- */

/* Opens a backend of `kind` with config (NULL: defaults); fails the test,
 * naming `label`, unless it opens. */
gpucc_backend *support_open(gpucc_backend_kind kind, const gpucc_backend_config *config, const char *label);

/* ---- Optional parts of the build ---- */

/* A part of gpucc that a build may leave out (GPUCC_OPENCL=OFF, no CLBlast). */
typedef enum { SUPPORT_OPENCL, SUPPORT_CLBLAST } support_part;

/* Whether this build of the library has `part` (its own build facts). */
int support_built_with(support_part part);

/* Prints "<what> skipped: gpucc built without <part>" (on stdout, into the
 * test's log). */
void support_note_skipped(const char *what, support_part part);

/* As support_open, in a build with OpenCL. In a build without it, an OpenCL
 * backend is not opened: asserts that opening one is GPUCC_E_UNAVAILABLE
 * (what a test that leaves it out relies on) and returns NULL. */
gpucc_backend *support_open_built(gpucc_backend_kind kind, const gpucc_backend_config *config, const char *label);

/* support_tcase for a case whose tests open OpenCL backends besides the
 * CPU ones, through support_open_built: a build without OpenCL runs it
 * without them and notes them as skipped. */
TCase *support_tcase_mixed(Suite *s, const char *name, double timeout_s, const TTest *const tests[], size_t count);

/* The test case `name` of tests that need `part`: added as support_tcase
 * adds it in a build with `part`. In a build without it, notes the case as
 * skipped and returns NULL; a build without OpenCL then holds instead a
 * case `name` whose one test asserts that OpenCL is unavailable. */
TCase *support_tcase_needing(Suite *s, support_part part, const char *name, double timeout_s,
                             const TTest *const tests[], size_t count);

#endif
