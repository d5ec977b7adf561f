/*
 * libFuzzer target for the array reader (gpucci_typed_array_load and
 * gpucc_array_load in host/io/npy.c).
 *
 * The reader only reads from a path, so each input is written to a file in
 * a private temporary directory, once as NAME.npy (the .npy parser, with
 * max_rank 1 and 2) and once as NAME.raw (raw elements), and each is read
 * as every data type. Besides the sanitizers, every load is checked against
 * its contract: on success the shape, count and data match the file; on
 * failure the array is zeroed and the error is one printable line; the
 * float32 gpucc_array_load gives what the typed load gives for f32.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz-report.h"
#include "gpucc.h"
#include "typed-array.h"

static char dir[4096];
static char npy_path[4096 + 16];
static char raw_path[4096 + 16];

/* Stops the run with a message naming the broken property. */
static void fail(const char *what)
{
    fuzz_fail("fuzz-npy", what, NULL);
}

static void remove_files(void)
{
    unlink(npy_path);
    unlink(raw_path);
    rmdir(dir);
}

/* Creates the private directory in $TMPDIR (default /tmp); it is removed at
 * exit (a crash may leave it: scripts/ci/fuzz.sh points TMPDIR at a folder
 * it removes itself). */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_report_init();
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/gpucc-fuzz-npy-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        perror("fuzz-npy: mkdtemp");
        exit(1);
    }
    snprintf(npy_path, sizeof npy_path, "%s/in.npy", dir);
    snprintf(raw_path, sizeof raw_path, "%s/in.raw", dir);
    atexit(remove_files);
    return 0;
}

static void write_input(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f || (size && fwrite(data, 1, size, f) != size) || fclose(f) != 0) {
        perror("fuzz-npy: cannot write the input file");
        exit(1);
    }
}

/* The detail of a failure: non-empty, one line, no control characters
 * (bytes of the file are quoted in it, and it goes to a terminal). */
static void check_error_line(void)
{
    const char *detail = gpucc_last_error();
    if (!*detail)
        fail("empty error detail");
    for (const unsigned char *c = (const unsigned char *)detail; *c; c++)
        if (*c < 0x20 || *c == 0x7f)
            fail("control character in the error detail");
}

/* Checks one load of dtype's result against the file it read (data,
 * size). */
static void check_load(gpucc_status st, gpucc_dtype dtype, const gpucci_typed_array *a, size_t max_rank,
                       const uint8_t *data, size_t size)
{
    if (st != GPUCC_OK) {
        if (st != GPUCC_E_FORMAT && st != GPUCC_E_NOMEM)
            fail("unexpected status for a readable file");
        if (a->data || a->rank || a->count || a->shape[0] || a->shape[1])
            fail("array not zeroed after a failure");
        check_error_line();
        return;
    }
    size_t element = gpucc_dtype_size(dtype);
    if (a->dtype != dtype)
        fail("array of another dtype");
    if (a->rank < 1 || a->rank > max_rank)
        fail("rank out of range");
    if (a->rank == 1 && a->shape[1] != 1)
        fail("rank 1 array with shape[1] != 1");
    if (a->shape[0] * a->shape[1] != a->count)
        fail("count is not the product of the shape");
    if (a->count > size / element)
        fail("more elements than the file holds");
    if (a->count && !a->data)
        fail("no data for a non-empty array");
    /* The data are the file's last bytes (no trailing bytes are accepted). */
    size_t bytes = a->count * element;
    if (bytes && memcmp(a->data, data + size - bytes, bytes) != 0)
        fail("data differ from the file's last bytes");
}

/* The float32 load of path (max_rank) gives the typed f32 load's status,
 * shape and bytes (status st, array a). */
static void check_float_load(const char *path, size_t max_rank, gpucc_status st, const gpucci_typed_array *a)
{
    gpucc_array f;
    if (gpucc_array_load(path, max_rank, &f) != st)
        fail("gpucc_array_load and the f32 typed load differ in status");
    if (f.rank != a->rank || f.shape[0] != a->shape[0] || f.shape[1] != a->shape[1] || f.count != a->count ||
        (f.count && memcmp(f.data, a->data, f.count * sizeof(float)) != 0))
        fail("gpucc_array_load and the f32 typed load differ in shape or data");
    gpucc_array_free(&f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gpucci_typed_array a;
    write_input(npy_path, data, size);
    write_input(raw_path, data, size);
    for (int d = 0; d < GPUCC_DTYPE_COUNT; d++) {
        gpucc_dtype dtype = (gpucc_dtype)d;
        for (size_t max_rank = 1; max_rank <= 2; max_rank++) {
            gpucc_status st = gpucci_typed_array_load(npy_path, dtype, max_rank, &a);
            check_load(st, dtype, &a, max_rank, data, size);
            if (dtype == GPUCC_F32)
                check_float_load(npy_path, max_rank, st, &a);
            gpucci_typed_array_free(&a);
        }

        size_t element = gpucc_dtype_size(dtype);
        gpucc_status st = gpucci_typed_array_load(raw_path, dtype, 2, &a);
        check_load(st, dtype, &a, 1, data, size);
        if ((st == GPUCC_OK) != (size % element == 0))
            fail("raw data accepted or refused against its size");
        if (st == GPUCC_OK && a.count != size / element)
            fail("raw count is not size / element size");
        if (dtype == GPUCC_F32)
            check_float_load(raw_path, 2, st, &a);
        gpucci_typed_array_free(&a);
    }
    return 0;
}
