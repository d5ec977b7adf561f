/* Tests of host/io/npy.c, host/io/typed-array.c, host/io/atomic-file.c and
 * the typed generator of host/core/generate.c: .npy and raw loading and
 * writing of float32 and of every dtype (typed-array.h), atomic output
 * files, generated data of each type. */
#define _POSIX_C_SOURCE 200809L

#include <check.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic-file.h"
#include "gpucc.h"
#include "support.h"
#include "npy.h"
#include "typed-array.h"

/* Every test writes into its own fresh directory (Check forks per test). */
static char tmpdir[64];

static void setup(void)
{
    strcpy(tmpdir, "/tmp/gpucc-test-npy-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void teardown(void)
{
    DIR *d = opendir(tmpdir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char p[512];
            snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(tmpdir);
}

/* ---- Helpers ---- */

/* Path of name inside the test directory (static buffer per call slot). */
static const char *tmp_path(const char *name)
{
    static char bufs[4][512];
    static int next;
    char *p = bufs[next++ % 4];
    snprintf(p, sizeof bufs[0], "%s/%s", tmpdir, name);
    return p;
}

static void write_file(const char *path, const void *bytes, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, n, f), n);
    ck_assert_int_eq(fclose(f), 0);
}

/* Reads a whole file into a malloc'd buffer. */
static unsigned char *read_file(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    long size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    unsigned char *buf = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *n = (size_t)size;
    return buf;
}

/* Writes a .npy file by hand: the given format version, the header text
 * padded with spaces to header_len (0: no padding) plus '\n', then data. */
static void write_npy(const char *path, unsigned major, const char *dict, size_t header_len,
                      const void *data, size_t data_bytes)
{
    size_t dict_len = strlen(dict);
    if (header_len == 0)
        header_len = dict_len + 1;
    ck_assert_uint_ge(header_len, dict_len + 1);
    size_t len_bytes = major == 1 ? 2 : 4;
    size_t total = 8 + len_bytes + header_len + data_bytes;
    unsigned char *buf = malloc(total);
    ck_assert_ptr_nonnull(buf);
    memcpy(buf, "\x93NUMPY", 6);
    buf[6] = (unsigned char)major;
    buf[7] = 0;
    for (size_t i = 0; i < len_bytes; i++)
        buf[8 + i] = (unsigned char)(header_len >> (8 * i));
    unsigned char *h = buf + 8 + len_bytes;
    memcpy(h, dict, dict_len);
    memset(h + dict_len, ' ', header_len - dict_len - 1);
    h[header_len - 1] = '\n';
    if (data_bytes)
        memcpy(h + header_len, data, data_bytes);
    write_file(path, buf, total);
    free(buf);
}

/* Arbitrary 32-bit patterns (NaNs, subnormals, infinities included):
 * a round trip must preserve every bit. */
static void fill_random(float *x, size_t n, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15u + 1;
    for (size_t i = 0; i < n; i++) {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        uint32_t bits = (uint32_t)(s >> 16);
        memcpy(&x[i], &bits, sizeof bits);
    }
}

static void expect_load_fail(const char *path, size_t max_rank, gpucc_status status,
                             const char *detail)
{
    gpucc_array a;
    memset(&a, 0xab, sizeof a);
    gpucc_status st = gpucc_array_load(path, max_rank, &a);
    ck_assert_msg(st == status, "%s: got %s (%s), expected %s", path, gpucc_status_name(st),
                  gpucc_last_error(), gpucc_status_name(status));
    ck_assert_msg(strstr(gpucc_last_error(), detail) != NULL, "detail \"%s\" lacks \"%s\"",
                  gpucc_last_error(), detail);
    ck_assert_ptr_null(a.data);
    ck_assert_uint_eq(a.count, 0);
    gpucc_array_free(&a);
}

/* Entries of the test directory that are temporary files ("*.tmp-*"). */
static int count_temps(void)
{
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

static const float small[6] = {1.5f, -2.25f, 3.0f, 0.125f, -1e30f, 7.0f};
static const char *const valid_2x3 = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";

/* Loads path with max_rank and asserts the array: its rank, shape (rows x
 * cols), count and, where data is not NULL, its floats; then that
 * gpucc_array_free empties it. */
static void expect_loaded(const char *path, size_t max_rank, size_t rank, size_t rows, size_t cols,
                          const float *data)
{
    gpucc_array a;
    ck_assert_msg(gpucc_array_load(path, max_rank, &a) == GPUCC_OK, "%s", gpucc_last_error());
    ck_assert_uint_eq(a.rank, rank);
    ck_assert_uint_eq(a.shape[0], rows);
    ck_assert_uint_eq(a.shape[1], cols);
    ck_assert_uint_eq(a.count, rows * cols);
    if (data && rows * cols != 0)
        ck_assert_int_eq(memcmp(a.data, data, rows * cols * sizeof *data), 0);
    gpucc_array_free(&a);
    ck_assert_ptr_null(a.data);
    ck_assert_uint_eq(a.count, 0);
}

/* ---- Round trips ---- */

static void check_round_trip(size_t rank, size_t rows, size_t cols, uint64_t seed)
{
    size_t count = rank == 1 ? rows : rows * cols;
    float *x = malloc((count ? count : 1) * sizeof *x);
    ck_assert_ptr_nonnull(x);
    fill_random(x, count, seed);
    const char *path = tmp_path("rt.npy");
    size_t shape[2] = {rows, cols};
    ck_assert_int_eq(gpucc_npy_save(path, x, rank, shape), GPUCC_OK);

    expect_loaded(path, 2, rank, rows, rank == 1 ? 1 : cols, x);
    free(x);
}

START_TEST(round_trip_rank1)
{
    check_round_trip(1, 1, 0, 1);
    check_round_trip(1, 1000003, 0, 2);
    check_round_trip(1, 0, 0, 3);
}
END_TEST

START_TEST(round_trip_rank2)
{
    check_round_trip(2, 37, 5, 4);
    check_round_trip(2, 1, 4099, 5);
    check_round_trip(2, 0, 7, 6);
    check_round_trip(2, 123456789012u, 0, 7); /* huge but empty */
}
END_TEST

START_TEST(rank1_when_max_rank_1)
{
    const char *path = tmp_path("r1.npy");
    size_t shape[1] = {6};
    ck_assert_int_eq(gpucc_npy_save(path, small, 1, shape), GPUCC_OK);
    gpucc_array a;
    ck_assert_int_eq(gpucc_array_load(path, 1, &a), GPUCC_OK);
    ck_assert_uint_eq(a.count, 6);
    ck_assert_int_eq(memcmp(a.data, small, sizeof small), 0);
    gpucc_array_free(&a);
}
END_TEST

/* Checks the on-disk layout: version 1.0, data offset % 64 == 0, '\n'
 * ending the header, the exact dict NumPy writes, and nothing extra. */
static void check_layout(size_t rank, size_t rows, size_t cols, const char *dict)
{
    size_t count = rank == 1 ? rows : rows * cols;
    float *x = calloc(count ? count : 1, sizeof *x);
    ck_assert_ptr_nonnull(x);
    const char *path = tmp_path("layout.npy");
    size_t shape[2] = {rows, cols};
    ck_assert_int_eq(gpucc_npy_save(path, x, rank, shape), GPUCC_OK);
    size_t n;
    unsigned char *b = read_file(path, &n);
    ck_assert_int_eq(memcmp(b, "\x93NUMPY\x01\x00", 8), 0);
    size_t header_len = b[8] | (size_t)b[9] << 8;
    size_t offset = 10 + header_len;
    ck_assert_uint_eq(offset % 64, 0);
    ck_assert_uint_eq(n, offset + count * sizeof(float));
    ck_assert_int_eq(b[offset - 1], '\n');
    ck_assert_int_eq(memcmp(b + 10, dict, strlen(dict)), 0);
    for (size_t i = 10 + strlen(dict); i < offset - 1; i++)
        ck_assert_int_eq(b[i], ' ');
    free(b);
    free(x);
}

START_TEST(header_alignment)
{
    check_layout(1, 3, 0, "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }");
    check_layout(2, 2, 3, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
    /* the longest dict possible still fits one 128-byte block */
    check_layout(2, SIZE_MAX, 0,
                 "{'descr': '<f4', 'fortran_order': False, 'shape': (18446744073709551615, 0), }");
}
END_TEST

START_TEST(save_replaces_atomically)
{
    const char *path = tmp_path("over.npy");
    write_file(path, "old contents", 12);
    size_t shape[2] = {2, 3};
    ck_assert_int_eq(gpucc_npy_save(path, small, 2, shape), GPUCC_OK);
    gpucc_array a;
    ck_assert_int_eq(gpucc_array_load(path, 2, &a), GPUCC_OK);
    ck_assert_int_eq(memcmp(a.data, small, sizeof small), 0);
    gpucc_array_free(&a);

    /* No temporary file is left behind. */
    DIR *d = opendir(tmpdir);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        ck_assert_str_eq(e->d_name, "over.npy");
        files++;
    }
    closedir(d);
    ck_assert_int_eq(files, 1);
}
END_TEST

START_TEST(save_respects_umask)
{
    umask(022); /* this test runs in its own forked process */
    const char *path = tmp_path("mode.npy");
    size_t shape[1] = {6};
    ck_assert_int_eq(gpucc_npy_save(path, small, 1, shape), GPUCC_OK);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0644);
}
END_TEST

START_TEST(save_failures)
{
    size_t shape[3] = {2, 3, 1};
    const char *path = tmp_path("no-such-dir/x.npy");
    ck_assert_int_eq(gpucc_npy_save(path, small, 1, shape), GPUCC_E_IO);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), path));
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "No such file or directory"));
    ck_assert_int_ne(access(path, F_OK), 0);
    ck_assert_int_ne(access(tmp_path("no-such-dir"), F_OK), 0);

    /* A directory in the way: refused before a temporary file is made. */
    const char *dir = tmp_path("is-a-dir.npy");
    ck_assert_int_eq(mkdir(dir, 0755), 0);
    ck_assert_int_eq(gpucc_npy_save(dir, small, 1, shape), GPUCC_E_IO);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "Is a directory"));
    ck_assert_int_eq(count_temps(), 0);
    rmdir(dir);

    const char *ok = tmp_path("rank.npy");
    ck_assert_int_eq(gpucc_npy_save(ok, small, 3, shape), GPUCC_E_INVALID);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "rank 3"));
    ck_assert_int_eq(gpucc_npy_save(ok, small, 0, shape), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucc_npy_save(ok, NULL, 1, shape), GPUCC_E_INVALID);
    size_t huge[2] = {SIZE_MAX / 2, 3};
    ck_assert_int_eq(gpucc_npy_save(ok, small, 2, huge), GPUCC_E_INVALID);
    ck_assert_int_ne(access(ok, F_OK), 0);
}
END_TEST

/* ---- Writing by extension (host/npy.h) ---- */

/* Writes small as a 2x3 array to name with gpucci_array_write. */
static const char *write_small(const char *name)
{
    const char *path = tmp_path(name);
    size_t shape[2] = {2, 3};
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(gpucci_array_write(f, path, small, 2, shape) == GPUCC_OK, "%s", gpucc_last_error());
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

/* The format follows the extension, as gpucc_array_load reads it: a round
 * trip through any name gives the same floats back. */
START_TEST(write_follows_extension)
{
    static const char *const npy_names[] = {"w.npy", "w.NPY"};
    for (size_t i = 0; i < 2; i++)
        expect_loaded(write_small(npy_names[i]), 2, 2, 2, 3, small);
    static const char *const raw_names[] = {"w.f32", "w.bin", "w", "w.npy.f32"};
    for (size_t i = 0; i < 4; i++) {
        size_t n;
        unsigned char *bytes = read_file(write_small(raw_names[i]), &n);
        ck_assert_uint_eq(n, sizeof small); /* no header: exactly the data */
        ck_assert_int_eq(memcmp(bytes, small, sizeof small), 0);
        free(bytes);
    }
}
END_TEST

START_TEST(write_failures)
{
    size_t shape[2] = {2, 3};
    FILE *f = fopen(tmp_path("bad.f32"), "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(gpucci_array_write(f, "bad.f32", small, 3, shape), GPUCC_E_INVALID);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "rank 3"));
    ck_assert_int_eq(gpucci_array_write(f, "bad.f32", NULL, 1, shape), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_array_write(NULL, "bad.f32", small, 1, shape), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_array_write(f, NULL, small, 1, shape), GPUCC_E_INVALID);
    ck_assert_int_eq(ftell(f), 0);
    fclose(f);
    /* A stream that cannot take the data. */
    f = fopen("/dev/full", "wb");
    if (f) {
        setvbuf(f, NULL, _IONBF, 0);
        ck_assert_int_eq(gpucci_array_write(f, "full.npy", small, 2, shape), GPUCC_E_IO);
        ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "cannot write full.npy"));
        fclose(f);
    }
}
END_TEST

/* ---- Atomic files (host/atomic-file.h) ---- */

/* Reads path's contents as a string (at most 63 bytes). */
static const char *contents(const char *path)
{
    static char buf[64];
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return buf;
}

START_TEST(atomic_commit_and_abort)
{
    const char *path = tmp_path("out.txt");
    gpucci_atomic_file file;
    ck_assert_int_eq(gpucci_atomic_file_open(&file, path), GPUCC_OK);
    ck_assert_int_eq(count_temps(), 1); /* created at open, not at commit */
    ck_assert_int_ne(access(path, F_OK), 0);
    fputs("first", file.stream);
    ck_assert_int_eq(gpucci_atomic_file_commit(&file), GPUCC_OK);
    ck_assert_str_eq(contents(path), "first");
    ck_assert_int_eq(count_temps(), 0);
    gpucci_atomic_file_abort(&file); /* after commit: nothing to do */
    ck_assert_str_eq(contents(path), "first");
    ck_assert_int_eq(gpucci_atomic_file_commit(&file), GPUCC_E_INVALID);

    /* Aborted: the earlier file stays as it was. */
    ck_assert_int_eq(gpucci_atomic_file_open(&file, path), GPUCC_OK);
    fputs("second", file.stream);
    gpucci_atomic_file_abort(&file);
    ck_assert_str_eq(contents(path), "first");
    ck_assert_int_eq(count_temps(), 0);

    gpucci_atomic_file zeroed = {0};
    gpucci_atomic_file_abort(&zeroed);
    gpucci_atomic_file_abort(NULL);
}
END_TEST

/* What a signal handler calls: every temporary file open goes, committed
 * files stay, and the registry is usable afterwards. */
START_TEST(atomic_remove_all)
{
    gpucci_atomic_file done, a, b;
    ck_assert_int_eq(gpucci_atomic_file_open(&done, tmp_path("done.txt")), GPUCC_OK);
    ck_assert_int_eq(gpucci_atomic_file_commit(&done), GPUCC_OK);
    ck_assert_int_eq(gpucci_atomic_file_open(&a, tmp_path("a.txt")), GPUCC_OK);
    ck_assert_int_eq(gpucci_atomic_file_open(&b, tmp_path("b.txt")), GPUCC_OK);
    ck_assert_int_eq(count_temps(), 2);
    gpucci_atomic_file_remove_all();
    ck_assert_int_eq(count_temps(), 0);
    ck_assert_int_eq(access(tmp_path("done.txt"), F_OK), 0);
    gpucci_atomic_file_abort(&a);
    gpucci_atomic_file_abort(&b);
    ck_assert_int_ne(access(tmp_path("a.txt"), F_OK), 0);

    /* The registry is bounded; when full, open says so and creates nothing. */
    gpucci_atomic_file files[64];
    int opened = 0;
    char name[32];
    for (; opened < 64; opened++) {
        snprintf(name, sizeof name, "f%d", opened);
        if (gpucci_atomic_file_open(&files[opened], tmp_path(name)) != GPUCC_OK)
            break;
    }
    ck_assert_int_lt(opened, 64);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "output files open at once"));
    ck_assert_int_eq(count_temps(), opened);
    while (opened > 0)
        gpucci_atomic_file_abort(&files[--opened]);
    ck_assert_int_eq(count_temps(), 0);
    ck_assert_int_eq(gpucci_atomic_file_open(&a, tmp_path("a.txt")), GPUCC_OK);
    gpucci_atomic_file_abort(&a);
}
END_TEST

/* Paths that cannot be created fail at open, leaving nothing behind. */
START_TEST(atomic_open_failures)
{
    gpucci_atomic_file file;
    const char *missing = tmp_path("no-such-dir/x.txt");
    ck_assert_int_eq(gpucci_atomic_file_open(&file, missing), GPUCC_E_IO);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), missing));
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "cannot create"));
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "No such file or directory"));
    ck_assert_ptr_null(file.stream);
    gpucci_atomic_file_abort(&file);

    ck_assert_int_eq(gpucci_atomic_file_open(&file, tmpdir), GPUCC_E_IO);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "Is a directory"));

    const char *ro = tmp_path("read-only");
    ck_assert_int_eq(mkdir(ro, 0555), 0);
    if (geteuid() != 0) { /* root writes into it anyway */
        char inside[600];
        snprintf(inside, sizeof inside, "%s/x.txt", ro);
        ck_assert_int_eq(gpucci_atomic_file_open(&file, inside), GPUCC_E_IO);
        ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "Permission denied"));
    }
    rmdir(ro);
    ck_assert_int_eq(count_temps(), 0);
    ck_assert_int_eq(gpucci_atomic_file_open(&file, NULL), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_atomic_file_open(NULL, "x"), GPUCC_E_INVALID);
}
END_TEST

/* A device is written in place, never renamed over. */
START_TEST(atomic_in_place)
{
    gpucci_atomic_file file;
    ck_assert_int_eq(gpucci_atomic_file_open(&file, "/dev/null"), GPUCC_OK);
    ck_assert_int_eq(file.slot, -1);
    fputs("gone", file.stream);
    ck_assert_int_eq(gpucci_atomic_file_commit(&file), GPUCC_OK);
    struct stat st;
    ck_assert_int_eq(stat("/dev/null", &st), 0);
    ck_assert(S_ISCHR(st.st_mode));
}
END_TEST

/* ---- Hand-written valid files ---- */

START_TEST(valid_v1_unusual_header)
{
    /* Keys out of order, odd whitespace, double quotes, no trailing comma,
     * header not padded to any particular alignment. */
    const char *path = tmp_path("v1.npy");
    write_npy(path, 1, "{ \"shape\" :( 2 ,3 ) ,'fortran_order':False,\t'descr':'<f4'}", 0, small,
              sizeof small);
    expect_loaded(path, 2, 2, 2, 3, small);
}
END_TEST

START_TEST(valid_v2_and_v3)
{
    for (unsigned major = 2; major <= 3; major++) {
        const char *path = tmp_path("v2.npy");
        write_npy(path, major, "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", 118,
                  small, sizeof small);
        expect_loaded(path, 1, 1, 6, 1, small);
    }
}
END_TEST

START_TEST(valid_fortran_rank1_and_empty)
{
    const char *path = tmp_path("f1.npy");
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (6,), }", 0, small,
              sizeof small);
    expect_loaded(path, 2, 1, 6, 1, small);

    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (0,), }", 0, NULL, 0);
    expect_loaded(path, 1, 1, 0, 1, NULL);
}
END_TEST

/* ---- Raw float32 ---- */

START_TEST(raw_f32)
{
    const char *path = tmp_path("x.f32");
    write_file(path, small, sizeof small);
    expect_loaded(path, 1, 1, 6, 1, small);

    /* Any non-.npy extension is raw, even when the content is a .npy. */
    const char *bin = tmp_path("x.bin");
    write_npy(bin, 1, valid_2x3, 118, small, sizeof small);
    expect_loaded(bin, 2, 1, (128 + sizeof small) / 4, 1, NULL);

    const char *empty = tmp_path("empty.f32");
    write_file(empty, "", 0);
    expect_loaded(empty, 1, 1, 0, 1, NULL);
}
END_TEST

START_TEST(raw_bad_size)
{
    const char *path = tmp_path("seven.f32");
    write_file(path, "1234567", 7);
    expect_load_fail(path, 1, GPUCC_E_FORMAT, "size 7 bytes is not a multiple of 4");
}
END_TEST

/* ---- Malformed files ---- */

START_TEST(bad_dtype)
{
    const char *path = tmp_path("f8.npy");
    double d[6] = {0};
    write_npy(path, 1, "{'descr': '<f8', 'fortran_order': False, 'shape': (6,), }", 0, d, sizeof d);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "f8.npy: dtype '<f8' is not float32 ('<f4')");

    write_npy(path, 1, "{'descr': '>f4', 'fortran_order': False, 'shape': (6,), }", 0, small,
              sizeof small);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "dtype '>f4' is not float32");

    write_npy(path, 1, "{'descr': '|f4', 'fortran_order': False, 'shape': (6,), }", 0, small,
              sizeof small);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "dtype '|f4'");

    write_npy(path, 1, "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", 0,
              small, sizeof small);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "structured dtype");
}
END_TEST

START_TEST(fortran_2d)
{
    const char *path = tmp_path("fortran.npy");
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", 0, small,
              sizeof small);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "fortran_order True");
}
END_TEST

START_TEST(bad_rank)
{
    const char *path = tmp_path("rank.npy");
    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (), }", 0, small, 4);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "rank 0");

    write_npy(path, 1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", 0,
              small, sizeof small);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "rank 3");

    write_npy(path, 1, valid_2x3, 0, small, sizeof small);
    expect_load_fail(path, 1, GPUCC_E_FORMAT, "rank 2 array is not supported (expected rank 1)");

    expect_load_fail(path, 0, GPUCC_E_INVALID, "max_rank");
    expect_load_fail(path, 3, GPUCC_E_INVALID, "max_rank");
}
END_TEST

START_TEST(truncated_and_trailing)
{
    const char *path = tmp_path("short.npy");
    write_npy(path, 1, valid_2x3, 0, small, sizeof small - 4);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "truncated: expected 24 bytes of data, found 20");

    float more[7] = {0};
    write_npy(path, 1, valid_2x3, 0, more, sizeof more);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "4 trailing bytes");
}
END_TEST

START_TEST(bad_magic_and_version)
{
    const char *path = tmp_path("magic.npy");
    write_file(path, "\x93NUMPX\x01\x00\x10\x00{}", 12);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "bad magic");

    write_file(path, "", 0);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "bad magic");

    write_file(path, "\x93NUMPY\x01", 7);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "truncated .npy preamble");

    write_file(path, "\x93NUMPY\x02\x00\x01\x00", 10);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "truncated .npy preamble");

    write_npy(path, 4, valid_2x3, 0, small, sizeof small);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "unsupported .npy format version 4.0");
}
END_TEST

START_TEST(header_length_beyond_file)
{
    const char *path = tmp_path("hlen.npy");
    unsigned char b[74];
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = 0x00; /* 0x1000 = 4096 bytes, far more than the file */
    b[9] = 0x10;
    memset(b + 10, ' ', sizeof b - 10);
    write_file(path, b, sizeof b);
    expect_load_fail(path, 2, GPUCC_E_FORMAT, "header length 4096 extends beyond the end");
}
END_TEST

START_TEST(malformed_headers)
{
    static const struct {
        const char *dict;
        const char *detail;
    } cases[] = {
        {"{'descr': '<f4', 'fortran_order': False}", "no 'shape' key"},
        {"{'descr': '<f4', 'shape': (6,)}", "no 'fortran_order' key"},
        {"{'fortran_order': False, 'shape': (6,)}", "no 'descr' key"},
        {"{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (6,)}",
         "duplicate key 'descr'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'extra': 1}",
         "unexpected key 'extra'"},
        {"{'descr': '<f4', 'fortran_order': false, 'shape': (6,)}", "True or False"},
        {"{'descr': '<f4', 'fortran_order': Falsey, 'shape': (6,)}", "True or False"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (-6,)}", "non-negative integer"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (6 3)}", "',' or ')'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (6,), } x", "only whitespace"},
        {"{'descr': '<f4' 'fortran_order': False, 'shape': (6,)}", "',' or '}'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (6,)", "',' or '}'"},
        {"'descr': '<f4'", "'{'"},
        {"{'descr: '<f4', 'fortran_order': False, 'shape': (6,)}", "':'"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999999999999999,)}",
         "too large for size_t"},
        {"{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 2)}",
         "overflows size_t"},
    };
    const char *path = tmp_path("hdr.npy");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_npy(path, 1, cases[i].dict, 0, small, sizeof small);
        expect_load_fail(path, 2, GPUCC_E_FORMAT, cases[i].detail);
    }
}
END_TEST

START_TEST(io_errors)
{
    expect_load_fail(tmp_path("missing.npy"), 2, GPUCC_E_IO, "missing.npy: No such file or directory");
    expect_load_fail(tmp_path("missing.f32"), 1, GPUCC_E_IO, "No such file or directory");
    expect_load_fail(tmpdir, 1, GPUCC_E_IO, "Is a directory");
}
END_TEST

START_TEST(free_is_null_safe)
{
    gpucc_array_free(NULL);
    gpucc_array a = {0};
    gpucc_array_free(&a);
    ck_assert_ptr_null(a.data);
}
END_TEST

/* Found by tests/fuzz/fuzz-npy (corpus file v1-newline-in-descr.npy): text
 * quoted from the header keeps the error detail one printable line. */
START_TEST(control_characters_in_details)
{
    static const char *const dicts[] = {
        "{'descr': '<f\n4', 'fortran_order': False, 'shape': (6,)}",
        "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), 'a\x1b[2Jb': 1}",
    };
    const char *path = tmp_path("ctrl.npy");
    for (size_t i = 0; i < sizeof dicts / sizeof dicts[0]; i++) {
        write_npy(path, 1, dicts[i], 0, small, sizeof small);
        expect_load_fail(path, 2, GPUCC_E_FORMAT, "?");
        for (const char *c = gpucc_last_error(); *c; c++)
            ck_assert_msg((unsigned char)*c >= 0x20 && *c != 0x7f, "control character in \"%s\"",
                          gpucc_last_error());
    }
}
END_TEST

/* A part of a 1-D file, .npy or raw: its length without its data, then
 * elements [first, end) and nothing else; a range past the end and a rank 2
 * file refused. */
START_TEST(range_reads)
{
    enum { N = 10007 };
    float *x = malloc(N * sizeof *x);
    ck_assert_ptr_nonnull(x);
    fill_random(x, N, 9);
    size_t shape[2] = {N, 1};
    const char *const names[] = {"range.npy", "range.f32"};
    for (size_t f = 0; f < COUNT(names); f++) {
        const char *path = tmp_path(names[f]);
        FILE *stream = fopen(path, "wb");
        ck_assert_ptr_nonnull(stream);
        ck_assert_int_eq(gpucci_array_write(stream, path, x, 1, shape), GPUCC_OK);
        ck_assert_int_eq(fclose(stream), 0);
        size_t n = 0;
        ck_assert_int_eq(gpucci_array_length(path, &n), GPUCC_OK);
        ck_assert_uint_eq(n, N);
        const size_t ranges[][2] = {{0, N}, {0, 0}, {4096, 8192}, {8192, N}, {N, N}, {17, 18}};
        for (size_t r = 0; r < COUNT(ranges); r++) {
            gpucc_array part;
            ck_assert_int_eq(gpucci_array_load_range(path, ranges[r][0], ranges[r][1], &part), GPUCC_OK);
            ck_assert_uint_eq(part.rank, 1);
            ck_assert_uint_eq(part.count, ranges[r][1] - ranges[r][0]);
            ck_assert_uint_eq(part.shape[0], part.count);
            if (part.count)
                ck_assert_mem_eq(part.data, x + ranges[r][0], part.count * sizeof(float));
            gpucc_array_free(&part);
        }
        gpucc_array part;
        ck_assert_int_eq(gpucci_array_load_range(path, 10, N + 1, &part), GPUCC_E_FORMAT);
        ck_assert_ptr_null(part.data);
        ck_assert_int_eq(gpucci_array_load_range(path, 11, 10, &part), GPUCC_E_INVALID);
    }
    size_t rows2[2] = {3, 4};
    const char *two = tmp_path("two.npy");
    ck_assert_int_eq(gpucc_npy_save(two, x, 2, rows2), GPUCC_OK);
    size_t n;
    ck_assert_int_eq(gpucci_array_length(two, &n), GPUCC_E_FORMAT);
    ck_assert_int_eq(gpucci_array_length(tmp_path("missing.npy"), &n), GPUCC_E_IO);
    free(x);
}
END_TEST

/* Rows of a 2-D .npy (an MPI rank's rows of dense's X): the shape without
 * the data, then rows [first, end) and nothing else; rows past the end
 * refused, and a 2-D file where only 1-D is allowed. */
START_TEST(row_reads)
{
    enum { ROWS = 5, COLS = 3 };
    float x[ROWS * COLS];
    fill_random(x, ROWS * COLS, 4);
    size_t shape[2] = {ROWS, COLS};
    const char *path = tmp_path("rows.npy");
    ck_assert_int_eq(gpucc_npy_save(path, x, 2, shape), GPUCC_OK);
    gpucc_array header;
    ck_assert_int_eq(gpucci_array_shape(path, 2, &header), GPUCC_OK);
    ck_assert_uint_eq(header.rank, 2);
    ck_assert_uint_eq(header.shape[0], ROWS);
    ck_assert_uint_eq(header.shape[1], COLS);
    ck_assert_ptr_null(header.data);
    const size_t ranges[][2] = {{0, ROWS}, {1, 4}, {4, 5}, {2, 2}};
    for (size_t r = 0; r < COUNT(ranges); r++) {
        gpucc_array part;
        ck_assert_int_eq(gpucci_array_load_rows(path, 2, ranges[r][0], ranges[r][1], &part), GPUCC_OK);
        ck_assert_uint_eq(part.rank, 2);
        ck_assert_uint_eq(part.shape[0], ranges[r][1] - ranges[r][0]);
        ck_assert_uint_eq(part.shape[1], COLS);
        ck_assert_uint_eq(part.count, part.shape[0] * COLS);
        if (part.count)
            ck_assert_mem_eq(part.data, x + ranges[r][0] * COLS, part.count * sizeof(float));
        gpucc_array_free(&part);
    }
    gpucc_array part;
    ck_assert_int_eq(gpucci_array_load_rows(path, 2, 3, ROWS + 1, &part), GPUCC_E_FORMAT);
    ck_assert_ptr_null(part.data);
    ck_assert_int_eq(gpucci_array_load_rows(path, 1, 0, 1, &part), GPUCC_E_FORMAT);
    ck_assert_int_eq(gpucci_array_shape(path, 1, &header), GPUCC_E_FORMAT);
    ck_assert_int_eq(gpucci_array_load_rows(path, 3, 0, 1, &part), GPUCC_E_INVALID);
}
END_TEST

/* ---- Typed arrays (host/typed-array.h) ---- */

/* The .npy descr of each dtype, as README's "Data types" promises. */
static const char *const DESCRS[GPUCC_DTYPE_COUNT] = {
    [GPUCC_F32] = "<f4", [GPUCC_F64] = "<f8", [GPUCC_F16] = "<f2", [GPUCC_BF16] = "<u2", [GPUCC_I32] = "<i4"};

/* Arbitrary bytes for n elements of dtype (every bit pattern: NaNs,
 * infinities, subnormals, negative integers), in memory of
 * gpucci_typed_array_alloc. */
static gpucci_typed_array random_typed(gpucc_dtype dtype, size_t rows, size_t cols, uint64_t seed)
{
    gpucci_typed_array a;
    ck_assert_int_eq(gpucci_typed_array_alloc(dtype, rows, cols, &a), GPUCC_OK);
    unsigned char *bytes = a.data;
    uint64_t state = seed;
    for (size_t i = 0; i < a.count * gpucc_dtype_size(dtype); i++)
        bytes[i] = (unsigned char)(support_splitmix64(&state) >> 56);
    return a;
}

/* Writes array (rank, shape as given) of its dtype to path with
 * gpucci_typed_array_write. */
static void write_typed(const char *path, const gpucci_typed_array *array, size_t rank, const size_t *shape)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_msg(gpucci_typed_array_write(f, path, array->dtype, array->data, rank, shape) == GPUCC_OK, "%s",
                  gpucc_last_error());
    ck_assert_int_eq(fclose(f), 0);
}

/* Every dtype, .npy and raw, rank 1 and 2: what is written loads back bit
 * for bit with its shape; the .npy header holds the dtype's descr and a
 * raw file exactly the data. */
START_TEST(typed_round_trip)
{
    static const char *const names[] = {"t.npy", "t.raw"};
    static const size_t shapes[][3] = {{1, 1001, 1}, {2, 37, 5}, {1, 0, 1}, {2, 3, 0}};
    for (int d = 0; d < GPUCC_DTYPE_COUNT; d++) {
        size_t element = gpucc_dtype_size((gpucc_dtype)d);
        for (size_t f = 0; f < COUNT(names); f++)
            for (size_t s = 0; s < COUNT(shapes); s++) {
                size_t rank = shapes[s][0], shape[2] = {shapes[s][1], shapes[s][2]};
                gpucci_typed_array x = random_typed((gpucc_dtype)d, shape[0], shape[1], 11 + d);
                const char *path = tmp_path(names[f]);
                write_typed(path, &x, rank, shape);
                int npy = f == 0;
                size_t n;
                unsigned char *bytes = read_file(path, &n);
                size_t offset = npy ? n - x.count * element : 0;
                ck_assert_uint_eq(n, offset + x.count * element);
                ck_assert_uint_eq(offset % 64, 0);
                if (npy) {
                    char descr[32];
                    snprintf(descr, sizeof descr, "{'descr': '%s',", DESCRS[d]);
                    ck_assert_int_eq(memcmp(bytes + 10, descr, strlen(descr)), 0);
                }
                if (x.count)
                    ck_assert_mem_eq(bytes + offset, x.data, x.count * element);
                free(bytes);

                gpucci_typed_array y;
                ck_assert_msg(gpucci_typed_array_load(path, (gpucc_dtype)d, 2, &y) == GPUCC_OK, "%s",
                              gpucc_last_error());
                ck_assert_int_eq(y.dtype, d);
                ck_assert_uint_eq(y.rank, npy ? rank : 1);
                ck_assert_uint_eq(y.count, x.count);
                ck_assert_uint_eq(y.shape[0], npy ? shape[0] : x.count);
                ck_assert_uint_eq(y.shape[1], npy && rank == 2 ? shape[1] : 1);
                if (x.count)
                    ck_assert_mem_eq(y.data, x.data, x.count * element);
                gpucci_typed_array_free(&y);
                gpucci_typed_array_free(&x);
            }
    }
}
END_TEST

/* Every dtype, .npy and raw: the length without the data, then elements
 * [first, end) and nothing else; a range past the end refused. */
START_TEST(typed_range_reads)
{
    enum { N = 5003 };
    static const char *const names[] = {"range.npy", "range.bin"};
    for (int d = 0; d < GPUCC_DTYPE_COUNT; d++) {
        size_t element = gpucc_dtype_size((gpucc_dtype)d);
        gpucci_typed_array x = random_typed((gpucc_dtype)d, N, 1, 21 + d);
        size_t shape[1] = {N};
        for (size_t f = 0; f < COUNT(names); f++) {
            const char *path = tmp_path(names[f]);
            write_typed(path, &x, 1, shape);
            size_t n = 0;
            ck_assert_int_eq(gpucci_typed_array_length(path, (gpucc_dtype)d, &n), GPUCC_OK);
            ck_assert_uint_eq(n, N);
            const size_t ranges[][2] = {{0, N}, {0, 0}, {2048, 4096}, {4096, N}, {N, N}, {17, 18}};
            for (size_t r = 0; r < COUNT(ranges); r++) {
                gpucci_typed_array part;
                ck_assert_int_eq(gpucci_typed_array_load_range(path, (gpucc_dtype)d, ranges[r][0], ranges[r][1], &part),
                                 GPUCC_OK);
                ck_assert_int_eq(part.dtype, d);
                ck_assert_uint_eq(part.rank, 1);
                ck_assert_uint_eq(part.count, ranges[r][1] - ranges[r][0]);
                ck_assert_uint_eq(part.shape[0], part.count);
                if (part.count)
                    ck_assert_mem_eq(part.data, (unsigned char *)x.data + ranges[r][0] * element, part.count * element);
                gpucci_typed_array_free(&part);
            }
            gpucci_typed_array part;
            ck_assert_int_eq(gpucci_typed_array_load_range(path, (gpucc_dtype)d, 10, N + 1, &part), GPUCC_E_FORMAT);
            ck_assert_ptr_null(part.data);
            ck_assert_int_eq(gpucci_typed_array_load_range(path, (gpucc_dtype)d, 11, 10, &part), GPUCC_E_INVALID);
        }
        gpucci_typed_array_free(&x);
    }
}
END_TEST

/* A .npy of any other dtype's descr is refused, naming both descrs and the
 * type asked for; nothing is returned. */
START_TEST(typed_wrong_descr)
{
    const char *path = tmp_path("other.npy");
    size_t shape[1] = {5};
    for (int written = 0; written < GPUCC_DTYPE_COUNT; written++) {
        gpucci_typed_array x = random_typed((gpucc_dtype)written, 5, 1, 31);
        write_typed(path, &x, 1, shape);
        gpucci_typed_array_free(&x);
        for (int asked = 0; asked < GPUCC_DTYPE_COUNT; asked++) {
            if (asked == written)
                continue;
            char detail[128];
            snprintf(detail, sizeof detail, "other.npy: dtype '%s' is not %s ('%s')", DESCRS[written],
                     gpucc_dtype_long_name((gpucc_dtype)asked), DESCRS[asked]);
            gpucci_typed_array y;
            memset(&y, 0xab, sizeof y);
            ck_assert_int_eq(gpucci_typed_array_load(path, (gpucc_dtype)asked, 2, &y), GPUCC_E_FORMAT);
            ck_assert_msg(strstr(gpucc_last_error(), detail), "\"%s\" lacks \"%s\"", gpucc_last_error(), detail);
            ck_assert_ptr_null(y.data);
            ck_assert_uint_eq(y.count, 0);
            size_t n;
            ck_assert_int_eq(gpucci_typed_array_length(path, (gpucc_dtype)asked, &n), GPUCC_E_FORMAT);
            ck_assert_int_eq(gpucci_typed_array_load_range(path, (gpucc_dtype)asked, 0, 1, &y), GPUCC_E_FORMAT);
        }
    }
    write_npy(path, 1, "{'descr': [('a', '<i4')], 'fortran_order': False, 'shape': (6,), }", 0, small, sizeof small);
    gpucci_typed_array y;
    ck_assert_int_eq(gpucci_typed_array_load(path, GPUCC_I32, 1, &y), GPUCC_E_FORMAT);
    ck_assert_ptr_nonnull(strstr(gpucc_last_error(), "structured dtype is not int32 ('<i4')"));
}
END_TEST

/* A raw file whose size is not a whole number of elements is refused,
 * naming the element size and the type. */
START_TEST(typed_raw_bad_size)
{
    const char *path = tmp_path("odd.raw");
    for (int d = 0; d < GPUCC_DTYPE_COUNT; d++) {
        size_t element = gpucc_dtype_size((gpucc_dtype)d);
        static const char bytes[32] = "0123456789abcdef0123456789abcdef";
        write_file(path, bytes, 2 * element + 1);
        char detail[128];
        snprintf(detail, sizeof detail, "size %zu bytes is not a multiple of %zu (raw %s data)", 2 * element + 1,
                 element, gpucc_dtype_long_name((gpucc_dtype)d));
        gpucci_typed_array y;
        ck_assert_int_eq(gpucci_typed_array_load(path, (gpucc_dtype)d, 1, &y), GPUCC_E_FORMAT);
        ck_assert_msg(strstr(gpucc_last_error(), detail), "\"%s\" lacks \"%s\"", gpucc_last_error(), detail);
        ck_assert_ptr_null(y.data);
    }
}
END_TEST

/* Allocation: aligned for zero-copy buffers, rank from cols, data even when
 * empty; bad arguments and overflow refused. */
START_TEST(typed_alloc_and_arguments)
{
    gpucci_typed_array a;
    for (int d = 0; d < GPUCC_DTYPE_COUNT; d++) {
        ck_assert_int_eq(gpucci_typed_array_alloc((gpucc_dtype)d, 7, 3, &a), GPUCC_OK);
        ck_assert_uint_eq((uintptr_t)a.data % 4096, 0);
        ck_assert_int_eq(a.dtype, d);
        ck_assert_uint_eq(a.rank, 2);
        ck_assert_uint_eq(a.count, 21);
        memset(a.data, 0x5a, a.count * gpucc_dtype_size((gpucc_dtype)d)); /* all of it is ours */
        gpucci_typed_array_free(&a);
        ck_assert_ptr_null(a.data);
        gpucci_typed_array_free(&a);
        ck_assert_int_eq(gpucci_typed_array_alloc((gpucc_dtype)d, 0, 1, &a), GPUCC_OK);
        ck_assert_ptr_nonnull(a.data);
        ck_assert_uint_eq(a.rank, 1);
        ck_assert_uint_eq(a.count, 0);
        gpucci_typed_array_free(&a);
    }
    gpucci_typed_array_free(NULL);
    ck_assert_int_eq(gpucci_typed_array_alloc(GPUCC_F64, SIZE_MAX / 4, 4, &a), GPUCC_E_NOMEM);
    ck_assert_ptr_null(a.data);
    ck_assert_int_eq(gpucci_typed_array_alloc(GPUCC_F64, SIZE_MAX / 8, 1, &a), GPUCC_E_NOMEM);
    ck_assert_int_eq(gpucci_typed_array_alloc(GPUCC_I32, SIZE_MAX / 2, 3, &a), GPUCC_E_NOMEM);
    ck_assert_int_eq(gpucci_typed_array_alloc(GPUCC_DTYPE_COUNT, 1, 1, &a), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_typed_array_alloc(GPUCC_F32, 1, 1, NULL), GPUCC_E_INVALID);

    const char *path = tmp_path("args.npy");
    size_t shape[2] = {2, 3};
    write_file(path, "", 0);
    ck_assert_int_eq(gpucci_typed_array_load(path, GPUCC_DTYPE_COUNT, 1, &a), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_typed_array_load(path, GPUCC_F16, 3, &a), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_typed_array_load(NULL, GPUCC_F16, 1, &a), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_typed_array_load(path, GPUCC_F16, 1, NULL), GPUCC_E_INVALID);
    size_t n;
    ck_assert_int_eq(gpucci_typed_array_length(path, GPUCC_DTYPE_COUNT, &n), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_typed_array_load_range(path, GPUCC_DTYPE_COUNT, 0, 0, &a), GPUCC_E_INVALID);
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(gpucci_typed_array_write(f, path, GPUCC_DTYPE_COUNT, small, 2, shape), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_typed_array_write(f, path, GPUCC_F64, small, 3, shape), GPUCC_E_INVALID);
    size_t huge[2] = {SIZE_MAX / 8, 2};
    ck_assert_int_eq(gpucci_typed_array_write(f, path, GPUCC_F64, small, 2, huge), GPUCC_E_INVALID);
    ck_assert_int_eq(ftell(f), 0);
    fclose(f);
}
END_TEST

/* ---- Typed generation (core/generate.c) ---- */

/* Every dtype: a range of the stream is the same part of the whole, with
 * or without threads (the whole is long enough to be split); f32 is
 * gpucc_generate's stream, f16 and bf16 that stream rounded, f64 in f32's
 * range with more mantissa bits than f32 holds, i32 of both signs with
 * every bit set somewhere. */
START_TEST(typed_generation)
{
    enum { N = (1 << 20) + 13 };
    float *f32 = gpucc_alloc_floats(N);
    ck_assert_ptr_nonnull(f32);
    ck_assert_int_eq(gpucc_generate(f32, N, 77, 1), GPUCC_OK);
    for (int d = 0; d < GPUCC_DTYPE_COUNT; d++) {
        gpucc_dtype dtype = (gpucc_dtype)d;
        size_t element = gpucc_dtype_size(dtype);
        gpucci_typed_array whole, part;
        ck_assert_int_eq(gpucci_typed_array_alloc(dtype, N, 1, &whole), GPUCC_OK);
        ck_assert_int_eq(gpucci_typed_array_alloc(dtype, N, 1, &part), GPUCC_OK);
        ck_assert_int_eq(gpucci_generate_typed_range(dtype, whole.data, 0, N, 77, 2), GPUCC_OK);
        const size_t ranges[][2] = {{0, N}, {1, 4097}, {N / 2 + 3, N}, {N - 1, N}};
        for (size_t r = 0; r < COUNT(ranges); r++) {
            size_t first = ranges[r][0], n = ranges[r][1] - first;
            ck_assert_int_eq(gpucci_generate_typed_range(dtype, part.data, first, n, 77, 1), GPUCC_OK);
            ck_assert_mem_eq(part.data, (unsigned char *)whole.data + first * element, n * element);
        }
        size_t negative = 0, wider = 0;
        uint32_t bits_seen = 0;
        for (size_t i = 0; i < N; i++) {
            switch (dtype) {
            case GPUCC_F32:
                ck_assert_uint_eq(support_bits_of(((float *)whole.data)[i]), support_bits_of(f32[i]));
                break;
            case GPUCC_F16:
                ck_assert_uint_eq(((uint16_t *)whole.data)[i], gpucc_float_to_f16(f32[i]));
                break;
            case GPUCC_BF16:
                ck_assert_uint_eq(((uint16_t *)whole.data)[i], gpucc_float_to_bf16(f32[i]));
                break;
            case GPUCC_F64: {
                double v = ((double *)whole.data)[i], magnitude = v < 0 ? -v : v;
                ck_assert(magnitude >= 0x1p-10 && magnitude < 0x1p10);
                negative += v < 0;
                wider += (double)(float)v != v;
                break;
            }
            case GPUCC_I32: {
                int32_t v = ((int32_t *)whole.data)[i];
                negative += v < 0;
                bits_seen |= (uint32_t)v;
                break;
            }
            case GPUCC_DTYPE_COUNT:
                break;
            }
        }
        if (dtype == GPUCC_F64 || dtype == GPUCC_I32) /* random signs: about half, far from 0 or all */
            ck_assert(negative > N / 2 - N / 50 && negative < N / 2 + N / 50);
        if (dtype == GPUCC_F64)
            ck_assert_uint_gt(wider, N - N / 1000);
        if (dtype == GPUCC_I32)
            ck_assert_uint_eq(bits_seen, UINT32_MAX);
        gpucci_typed_array_free(&whole);
        gpucci_typed_array_free(&part);
    }
    double d[2];
    ck_assert_int_eq(gpucci_generate_typed_range(GPUCC_DTYPE_COUNT, d, 0, 1, 77, 1), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_generate_typed_range(GPUCC_F64, NULL, 0, 1, 77, 1), GPUCC_E_INVALID);
    ck_assert_int_eq(gpucci_generate_typed_range(GPUCC_F64, d, SIZE_MAX, 2, 77, 1), GPUCC_E_INVALID);
    gpucc_free_floats(f32);
}
END_TEST

Suite *test_suite(void)
{
    const TTest *const save[] = {
        round_trip_rank1, round_trip_rank2, rank1_when_max_rank_1, header_alignment, save_replaces_atomically,
        save_respects_umask, save_failures, write_follows_extension, write_failures};
    const TTest *const atomic_file[] = {
        atomic_commit_and_abort, atomic_remove_all, atomic_open_failures, atomic_in_place};
    const TTest *const valid[] = {
        valid_v1_unusual_header, valid_v2_and_v3, valid_fortran_rank1_and_empty, raw_f32, free_is_null_safe,
        range_reads, row_reads};
    const TTest *const malformed[] = {
        raw_bad_size, bad_dtype, fortran_2d, bad_rank, truncated_and_trailing, bad_magic_and_version,
        header_length_beyond_file, malformed_headers, io_errors, control_characters_in_details};
    const TTest *const typed[] = {typed_round_trip, typed_range_reads, typed_wrong_descr, typed_raw_bad_size,
                                  typed_alloc_and_arguments, typed_generation};
    Suite *s = suite_create("npy");
    tcase_add_checked_fixture(support_tcase(s, "save", 0, save, COUNT(save)), setup, teardown);
    tcase_add_checked_fixture(support_tcase(s, "atomic file", 0, atomic_file, COUNT(atomic_file)), setup, teardown);
    tcase_add_checked_fixture(support_tcase(s, "valid", 0, valid, COUNT(valid)), setup, teardown);
    tcase_add_checked_fixture(support_tcase(s, "malformed", 0, malformed, COUNT(malformed)), setup, teardown);
    tcase_add_checked_fixture(support_tcase(s, "typed", 0, typed, COUNT(typed)), setup, teardown);
    return s;
}
