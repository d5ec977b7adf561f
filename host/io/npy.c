/*
 * Reading and writing arrays of any gpucc_dtype: NumPy .npy (format
 * 1.0/2.0/3.0) holding the dtype's descr, and raw little-endian elements,
 * chosen by the file name's extension. The float32 functions of gpucc.h and
 * npy.h are the typed ones (typed-array.h) with GPUCC_F32.
 *
 * The .npy format: the magic "\x93NUMPY", a major and a minor version byte,
 * the header length (2 bytes little-endian in 1.0, 4 bytes in 2.0 and 3.0),
 * then a Python dict literal such as
 *   {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }
 * padded with spaces and ending in '\n', then the raw data.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic-file.h"
#include "error.h"
#include "npy.h"
#include "typed-array.h"

/* Data is read and written with fread/fwrite as-is, so the host must store
 * every dtype exactly as the files do: IEEE single and double precision,
 * two's complement integers, little-endian. */
_Static_assert(sizeof(float) == 4, "float must be 32 bits");
_Static_assert(sizeof(double) == 8, "double must be 64 bits");
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "gpucc's file I/O assumes a little-endian host"
#endif

static const char NPY_MAGIC[6] = {'\x93', 'N', 'U', 'M', 'P', 'Y'};
enum {
    NPY_MAX_DIMS = 64,            /* NumPy's own limit */
    NPY_ALIGN = 64,               /* data offset alignment written by save */
    NPY_MAX_HEADER = 1 << 20,     /* sanity bound on a header we will parse */
    NPY_DESCR_SHOWN = 40,         /* at most this much of a bad descr or key in messages */
};

/* Each dtype's NumPy descr, from GPUCC_DTYPE_TABLE. */
#define NPY_DESCR(enumerator, name, bytes, descr, long_name) [enumerator] = descr,
static const char *const npy_descrs[GPUCC_DTYPE_COUNT] = {GPUCC_DTYPE_TABLE(NPY_DESCR)};
#undef NPY_DESCR

/* ---- Small I/O helpers ---- */

/* Reads exactly n bytes. A short read is GPUCC_E_IO: callers have already
 * checked sizes against fstat, so it means a read error or a file that
 * changed underneath us. */
static gpucc_status read_exact(FILE *f, const char *path, void *buf, size_t n)
{
    if (n == 0 || fread(buf, 1, n, f) == n)
        return GPUCC_OK;
    if (ferror(f))
        return gpucci_fail(GPUCC_E_IO, "%s: read failed: %s", path, strerror(errno));
    return gpucci_fail(GPUCC_E_IO, "%s: file ended early (changed while reading?)", path);
}

/* Opens path for reading and returns its size. Only regular files are
 * accepted, since the size decides how the file is interpreted. */
static gpucc_status open_regular(const char *path, FILE **out, uint64_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return gpucci_fail(GPUCC_E_IO, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        int err = errno;
        fclose(f);
        return gpucci_fail(GPUCC_E_IO, "%s: %s", path, strerror(err));
    }
    if (!S_ISREG(st.st_mode)) {
        fclose(f);
        if (S_ISDIR(st.st_mode))
            return gpucci_fail(GPUCC_E_IO, "%s: %s", path, strerror(EISDIR));
        return gpucci_fail(GPUCC_E_IO, "%s: not a regular file", path);
    }
    *out = f;
    *size = (uint64_t)st.st_size;
    return GPUCC_OK;
}

/* Allocates out->data for out->count elements of out->dtype and fills it
 * from f; an empty array keeps data NULL. */
static gpucc_status read_data(FILE *f, const char *path, gpucci_typed_array *out)
{
    if (out->count == 0)
        return GPUCC_OK;
    gpucci_typed_array buffer;
    if (gpucci_typed_array_alloc(out->dtype, out->count, 1, &buffer) != GPUCC_OK)
        return gpucci_fail(GPUCC_E_NOMEM, "%s: cannot allocate memory for %zu %s elements", path, out->count,
                           gpucc_dtype_long_name(out->dtype));
    out->data = buffer.data;
    return read_exact(f, path, out->data, out->count * gpucc_dtype_size(out->dtype));
}

static int ends_with_npy(const char *path)
{
    size_t n = strlen(path);
    if (n < 4)
        return 0;
    const char *ext = path + n - 4;
    return ext[0] == '.' && (ext[1] | 0x20) == 'n' && (ext[2] | 0x20) == 'p' &&
           (ext[3] | 0x20) == 'y';
}

/* ---- Raw elements ---- */

/* The shape of a raw file of out->dtype elements (all data, no header). */
static gpucc_status layout_raw(const char *path, uint64_t size, gpucci_typed_array *out)
{
    size_t element = gpucc_dtype_size(out->dtype);
    if (size % element != 0)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: size %ju bytes is not a multiple of %zu (raw %s data)", path,
                           (uintmax_t)size, element, gpucc_dtype_long_name(out->dtype));
    if (size / element > SIZE_MAX / element)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: file too large (%ju bytes)", path, (uintmax_t)size);
    out->rank = 1;
    out->count = (size_t)(size / element);
    out->shape[0] = out->count;
    out->shape[1] = 1;
    return GPUCC_OK;
}

/* ---- .npy header parsing ---- */

/* A recursive-descent reader of the header dict. `text` is NUL-terminated
 * and `end` points at that NUL; an embedded NUL simply fails to parse.
 * dtype is the one asked for, named when the descr is not a string. */
typedef struct {
    const char *path;
    gpucc_dtype dtype;
    const char *text;
    const char *p;
    const char *end;
} npy_parser;

/* What the header says. Strings point into the parser's text. */
typedef struct {
    const char *descr;
    size_t descr_len;
    int have_descr;
    int fortran_order;
    int have_fortran_order;
    size_t rank;
    size_t dims[NPY_MAX_DIMS];
    int have_shape;
} npy_header;

/* Copies at most NPY_DESCR_SHOWN bytes of s (len bytes, from the file) into
 * buf, which holds NPY_DESCR_SHOWN + 1, with each control character shown
 * as '?' so that a message quoting it stays one printable line. */
static const char *shown_text(char *buf, const char *s, size_t len)
{
    size_t n = len > NPY_DESCR_SHOWN ? NPY_DESCR_SHOWN : len;
    for (size_t i = 0; i < n; i++)
        buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' : s[i];
    buf[n] = '\0';
    return buf;
}

static gpucc_status parse_error(const npy_parser *ps, const char *expected)
{
    return gpucci_fail(GPUCC_E_FORMAT, "%s: malformed .npy header: expected %s at header offset %zu",
                      ps->path, expected, (size_t)(ps->p - ps->text));
}

static void skip_ws(npy_parser *ps)
{
    while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r' ||
           *ps->p == '\f' || *ps->p == '\v')
        ps->p++;
}

/* Consumes character c (after optional whitespace) or fails. */
static gpucc_status expect_char(npy_parser *ps, char c, const char *what)
{
    skip_ws(ps);
    if (*ps->p != c)
        return parse_error(ps, what);
    ps->p++;
    return GPUCC_OK;
}

/* A Python string literal in single or double quotes, without escapes. */
static gpucc_status parse_string(npy_parser *ps, const char **s, size_t *len)
{
    skip_ws(ps);
    char quote = *ps->p;
    if (quote != '\'' && quote != '"')
        return parse_error(ps, "a quoted string");
    const char *start = ++ps->p;
    while (*ps->p && *ps->p != quote && *ps->p != '\\')
        ps->p++;
    if (*ps->p != quote)
        return parse_error(ps, "the end of a string (escapes are not supported)");
    *s = start;
    *len = (size_t)(ps->p - start);
    ps->p++;
    return GPUCC_OK;
}

static int is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* True or False. */
static gpucc_status parse_bool(npy_parser *ps, int *value)
{
    skip_ws(ps);
    if (strncmp(ps->p, "True", 4) == 0 && !is_ident_char(ps->p[4])) {
        *value = 1;
        ps->p += 4;
    } else if (strncmp(ps->p, "False", 5) == 0 && !is_ident_char(ps->p[5])) {
        *value = 0;
        ps->p += 5;
    } else {
        return parse_error(ps, "True or False for 'fortran_order'");
    }
    return GPUCC_OK;
}

/* A non-negative decimal integer, optionally with Python 2's 'L' suffix. */
static gpucc_status parse_dim(npy_parser *ps, size_t *value)
{
    skip_ws(ps);
    if (*ps->p < '0' || *ps->p > '9')
        return parse_error(ps, "a non-negative integer in 'shape'");
    size_t v = 0;
    for (; *ps->p >= '0' && *ps->p <= '9'; ps->p++) {
        size_t digit = (size_t)(*ps->p - '0');
        if (v > (SIZE_MAX - digit) / 10)
            return gpucci_fail(GPUCC_E_FORMAT, "%s: shape dimension too large for size_t",
                              ps->path);
        v = v * 10 + digit;
    }
    if (*ps->p == 'L' || *ps->p == 'l')
        ps->p++;
    *value = v;
    return GPUCC_OK;
}

/* A tuple of dimensions: "()", "(n,)", "(r, c)", trailing comma allowed. */
static gpucc_status parse_shape(npy_parser *ps, npy_header *h)
{
    gpucc_status st = expect_char(ps, '(', "'(' starting 'shape'");
    if (st != GPUCC_OK)
        return st;
    h->rank = 0;
    skip_ws(ps);
    while (*ps->p != ')') {
        if (h->rank == NPY_MAX_DIMS)
            return gpucci_fail(GPUCC_E_FORMAT, "%s: shape has more than %d dimensions", ps->path,
                              NPY_MAX_DIMS);
        if ((st = parse_dim(ps, &h->dims[h->rank])) != GPUCC_OK)
            return st;
        h->rank++;
        skip_ws(ps);
        if (*ps->p == ',') {
            ps->p++;
            skip_ws(ps);
        } else if (*ps->p != ')') {
            return parse_error(ps, "',' or ')' in 'shape'");
        }
    }
    ps->p++;
    return GPUCC_OK;
}

/* One "key: value" entry; each of the three keys must appear exactly once. */
static gpucc_status parse_entry(npy_parser *ps, npy_header *h)
{
    const char *key = NULL;
    size_t key_len = 0;
    gpucc_status st = parse_string(ps, &key, &key_len);
    if (st != GPUCC_OK)
        return st;
    if ((st = expect_char(ps, ':', "':' after a key")) != GPUCC_OK)
        return st;

    int *seen;
    if (key_len == 5 && memcmp(key, "descr", 5) == 0) {
        seen = &h->have_descr;
    } else if (key_len == 13 && memcmp(key, "fortran_order", 13) == 0) {
        seen = &h->have_fortran_order;
    } else if (key_len == 5 && memcmp(key, "shape", 5) == 0) {
        seen = &h->have_shape;
    } else {
        char shown[NPY_DESCR_SHOWN + 1];
        return gpucci_fail(GPUCC_E_FORMAT, "%s: unexpected key '%s' in .npy header", ps->path,
                          shown_text(shown, key, key_len));
    }
    if (*seen)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: duplicate key '%.*s' in .npy header", ps->path,
                          (int)key_len, key);
    *seen = 1;

    if (seen == &h->have_descr) {
        skip_ws(ps);
        if (*ps->p != '\'' && *ps->p != '"')
            return gpucci_fail(GPUCC_E_FORMAT, "%s: structured dtype is not %s ('%s')", ps->path,
                               gpucc_dtype_long_name(ps->dtype), npy_descrs[ps->dtype]);
        return parse_string(ps, &h->descr, &h->descr_len);
    }
    if (seen == &h->have_fortran_order)
        return parse_bool(ps, &h->fortran_order);
    return parse_shape(ps, h);
}

/* The whole header: "{" entries "}" followed only by whitespace; dtype is
 * the one asked for (named in messages). */
static gpucc_status parse_header(const char *path, gpucc_dtype dtype, const char *text, size_t len, npy_header *h)
{
    npy_parser ps = {path, dtype, text, text, text + len};
    memset(h, 0, sizeof *h);
    gpucc_status st = expect_char(&ps, '{', "'{' starting the header dict");
    if (st != GPUCC_OK)
        return st;
    skip_ws(&ps);
    while (*ps.p != '}') {
        if ((st = parse_entry(&ps, h)) != GPUCC_OK)
            return st;
        skip_ws(&ps);
        if (*ps.p == ',') {
            ps.p++;
            skip_ws(&ps);
        } else if (*ps.p != '}') {
            return parse_error(&ps, "',' or '}' in the header dict");
        }
    }
    ps.p++;
    skip_ws(&ps);
    if (ps.p != ps.end)
        return parse_error(&ps, "only whitespace after the header dict");

    const char *missing = !h->have_descr           ? "descr"
                          : !h->have_fortran_order ? "fortran_order"
                          : !h->have_shape         ? "shape"
                                                   : NULL;
    if (missing)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: .npy header has no '%s' key", path, missing);
    return GPUCC_OK;
}

/* Checks what the header describes against what we support (out->dtype's
 * descr) and fills the shape of out. data_bytes is what the file holds
 * after the header. */
static gpucc_status check_header(const char *path, const npy_header *h, size_t max_rank,
                                 uint64_t data_bytes, gpucci_typed_array *out)
{
    const char *descr = npy_descrs[out->dtype];
    size_t element = gpucc_dtype_size(out->dtype);
    if (h->descr_len != strlen(descr) || memcmp(h->descr, descr, h->descr_len) != 0) {
        char shown[NPY_DESCR_SHOWN + 1];
        return gpucci_fail(GPUCC_E_FORMAT, "%s: dtype '%s' is not %s ('%s')", path,
                           shown_text(shown, h->descr, h->descr_len), gpucc_dtype_long_name(out->dtype), descr);
    }
    if (h->rank == 0 || h->rank > max_rank)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: rank %zu array is not supported (expected %s)",
                          path, h->rank, max_rank == 1 ? "rank 1" : "rank 1 or 2");
    if (h->fortran_order && h->rank >= 2)
        return gpucci_fail(GPUCC_E_FORMAT,
                          "%s: fortran_order True (column-major) is not supported; save the "
                          "array in C order",
                          path);

    /* count = product of dims; any zero dimension makes it 0 without overflow. */
    size_t count = 1;
    for (size_t i = 0; i < h->rank; i++) {
        if (h->dims[i] == 0) {
            count = 0;
            break;
        }
    }
    for (size_t i = 0; i < h->rank && count != 0; i++) {
        if (count > SIZE_MAX / element / h->dims[i])
            return gpucci_fail(GPUCC_E_FORMAT, "%s: shape is too large: its size overflows size_t",
                              path);
        count *= h->dims[i];
    }

    uint64_t expected = (uint64_t)count * element;
    if (data_bytes < expected)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: truncated: expected %ju bytes of data, found %ju",
                          path, (uintmax_t)expected, (uintmax_t)data_bytes);
    if (data_bytes > expected)
        return gpucci_fail(GPUCC_E_FORMAT,
                          "%s: %ju trailing bytes after the data (expected %ju bytes of data, "
                          "found %ju)",
                          path, (uintmax_t)(data_bytes - expected), (uintmax_t)expected,
                          (uintmax_t)data_bytes);

    out->rank = h->rank;
    out->shape[0] = h->dims[0];
    out->shape[1] = h->rank == 2 ? h->dims[1] : 1;
    out->count = count;
    return GPUCC_OK;
}

/* ---- .npy ---- */

/* Reads a .npy file's preamble and header into the shape of out (of
 * out->dtype), leaving f at the first element. */
static gpucc_status layout_npy(FILE *f, const char *path, uint64_t size, size_t max_rank, gpucci_typed_array *out)
{
    unsigned char pre[12];
    size_t n = size < 8 ? (size_t)size : 8;
    gpucc_status st = read_exact(f, path, pre, n);
    if (st != GPUCC_OK)
        return st;
    if (n < sizeof NPY_MAGIC || memcmp(pre, NPY_MAGIC, sizeof NPY_MAGIC) != 0)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: not a .npy file (bad magic, expected \\x93NUMPY)",
                          path);
    if (n < 8)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: truncated .npy preamble", path);

    unsigned major = pre[6], minor = pre[7];
    if (minor != 0 || major < 1 || major > 3)
        return gpucci_fail(GPUCC_E_FORMAT,
                          "%s: unsupported .npy format version %u.%u (expected 1.0, 2.0 or 3.0)",
                          path, major, minor);
    size_t len_bytes = major == 1 ? 2 : 4;
    size_t preamble = 8 + len_bytes;
    if (size < preamble)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: truncated .npy preamble", path);
    if ((st = read_exact(f, path, pre + 8, len_bytes)) != GPUCC_OK)
        return st;
    uint64_t header_len = (uint64_t)pre[8] | (uint64_t)pre[9] << 8;
    if (len_bytes == 4)
        header_len |= (uint64_t)pre[10] << 16 | (uint64_t)pre[11] << 24;

    if (header_len > size - preamble)
        return gpucci_fail(GPUCC_E_FORMAT,
                          "%s: header length %ju extends beyond the end of the file (%ju bytes)",
                          path, (uintmax_t)header_len, (uintmax_t)size);
    if (header_len > NPY_MAX_HEADER)
        return gpucci_fail(GPUCC_E_FORMAT, "%s: header length %ju is implausibly large", path,
                          (uintmax_t)header_len);

    char *text = malloc((size_t)header_len + 1);
    if (!text)
        return gpucci_fail(GPUCC_E_NOMEM, "%s: cannot allocate the .npy header", path);
    st = read_exact(f, path, text, (size_t)header_len);
    if (st == GPUCC_OK) {
        text[header_len] = '\0';
        npy_header h;
        st = parse_header(path, out->dtype, text, (size_t)header_len, &h);
        if (st == GPUCC_OK)
            st = check_header(path, &h, max_rank, size - preamble - header_len, out);
    }
    free(text);
    return st;
}

/* Opens path and reads its shape as an array of out->dtype (.npy: from the
 * header; otherwise raw elements), leaving *f at the first element (close
 * it). */
static gpucc_status open_array(const char *path, size_t max_rank, FILE **f, gpucci_typed_array *out)
{
    uint64_t size = 0;
    gpucc_status st = open_regular(path, f, &size);
    if (st != GPUCC_OK)
        return st;
    st = ends_with_npy(path) ? layout_npy(*f, path, size, max_rank, out) : layout_raw(path, size, out);
    if (st != GPUCC_OK) {
        fclose(*f);
        *f = NULL;
    }
    return st;
}

/* ---- Reading ---- */

/* The shape of the array of out->dtype in path (rank at most max_rank)
 * into out, reading no data. */
static gpucc_status read_shape(const char *path, size_t max_rank, gpucci_typed_array *out)
{
    FILE *f = NULL;
    gpucc_status st = open_array(path, max_rank, &f, out);
    if (st == GPUCC_OK)
        fclose(f);
    return st;
}

/* Reads rows [first, end) of the array of out->dtype in path (rank at most
 * max_rank; the rows of a 1-D array are its elements) into out, its
 * shape[0] end - first, and nothing else of its data. */
static gpucc_status read_rows(const char *path, size_t max_rank, size_t first, size_t end, gpucci_typed_array *out)
{
    FILE *f = NULL;
    gpucc_status st = open_array(path, max_rank, &f, out);
    if (st != GPUCC_OK)
        return st;
    size_t row = out->shape[0] ? out->count / out->shape[0] : 1; /* elements per row */
    if (end > out->shape[0])
        st = gpucci_fail(GPUCC_E_FORMAT, "%s: holds %zu %s, not the %zu expected", path, out->shape[0],
                         out->rank == 1 ? "elements" : "rows", end);
    else if (fseeko(f, (off_t)(first * row * gpucc_dtype_size(out->dtype)), SEEK_CUR) != 0)
        st = gpucci_fail(GPUCC_E_IO, "%s: seek failed: %s", path, strerror(errno));
    if (st == GPUCC_OK) {
        out->shape[0] = end - first;
        out->count = (end - first) * row;
        st = read_data(f, path, out);
    }
    fclose(f);
    return st;
}

/* Moves a float32 array into the gpucc_array of the float32 functions,
 * zeroing *from. */
static void take_floats(gpucci_typed_array *from, gpucc_array *to)
{
    *to = (gpucc_array){from->data, from->rank, {from->shape[0], from->shape[1]}, from->count};
    memset(from, 0, sizeof *from);
}

gpucc_status gpucci_typed_array_load(const char *path, gpucc_dtype dtype, size_t max_rank, gpucci_typed_array *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_load: out is NULL");
    memset(out, 0, sizeof *out);
    if (!path || !gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_load: invalid arguments");
    if (max_rank < 1 || max_rank > 2)
        return gpucci_fail(GPUCC_E_INVALID, "%s: max_rank %zu must be 1 or 2", path, max_rank);

    FILE *f = NULL;
    out->dtype = dtype;
    gpucc_status st = open_array(path, max_rank, &f, out);
    if (st == GPUCC_OK) {
        st = read_data(f, path, out);
        fclose(f); /* read-only: nothing to lose on close */
    }
    if (st != GPUCC_OK)
        gpucci_typed_array_free(out);
    return st;
}

gpucc_status gpucci_typed_array_length(const char *path, gpucc_dtype dtype, size_t *n)
{
    if (!path || !n || !gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_length: invalid arguments");
    gpucci_typed_array shape = {.dtype = dtype};
    gpucc_status st = read_shape(path, 1, &shape);
    if (st == GPUCC_OK)
        *n = shape.count;
    return st;
}

gpucc_status gpucci_typed_array_load_range(const char *path, gpucc_dtype dtype, size_t first, size_t end,
                                           gpucci_typed_array *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_load_range: out is NULL");
    memset(out, 0, sizeof *out);
    if (!path || first > end || !gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_typed_array_load_range: invalid arguments");
    out->dtype = dtype;
    gpucc_status st = read_rows(path, 1, first, end, out);
    if (st != GPUCC_OK)
        gpucci_typed_array_free(out);
    return st;
}

gpucc_status gpucc_array_load(const char *path, size_t max_rank, gpucc_array *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_array_load: out is NULL");
    gpucci_typed_array array;
    gpucc_status st = gpucci_typed_array_load(path, GPUCC_F32, max_rank, &array);
    take_floats(&array, out);
    return st;
}

gpucc_status gpucci_typed_array_shape(const char *path, gpucc_dtype dtype, size_t max_rank,
                                      gpucci_typed_array *shape)
{
    if (!shape)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_array_shape: invalid arguments");
    memset(shape, 0, sizeof *shape);
    if (!path || max_rank < 1 || max_rank > 2 || !gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_array_shape: invalid arguments");
    shape->dtype = dtype;
    return read_shape(path, max_rank, shape);
}

gpucc_status gpucci_array_shape(const char *path, size_t max_rank, gpucc_array *shape)
{
    if (!shape)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_array_shape: invalid arguments");
    gpucci_typed_array array;
    gpucc_status st = gpucci_typed_array_shape(path, GPUCC_F32, max_rank, &array);
    take_floats(&array, shape);
    return st;
}

gpucc_status gpucci_array_length(const char *path, size_t *n)
{
    return gpucci_typed_array_length(path, GPUCC_F32, n);
}

gpucc_status gpucci_typed_array_load_rows(const char *path, gpucc_dtype dtype, size_t max_rank, size_t first,
                                          size_t end, gpucci_typed_array *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_array_load_rows: out is NULL");
    memset(out, 0, sizeof *out);
    if (!path || first > end || max_rank < 1 || max_rank > 2 || !gpucc_dtype_size(dtype))
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_array_load_rows: invalid arguments");
    out->dtype = dtype;
    gpucc_status st = read_rows(path, max_rank, first, end, out);
    if (st != GPUCC_OK)
        gpucci_typed_array_free(out);
    return st;
}

gpucc_status gpucci_array_load_rows(const char *path, size_t max_rank, size_t first, size_t end, gpucc_array *out)
{
    if (!out)
        return gpucci_fail(GPUCC_E_INVALID, "gpucci_array_load_rows: out is NULL");
    gpucci_typed_array array;
    gpucc_status st = gpucci_typed_array_load_rows(path, GPUCC_F32, max_rank, first, end, &array);
    take_floats(&array, out);
    return st;
}

gpucc_status gpucci_array_load_range(const char *path, size_t first, size_t end, gpucc_array *out)
{
    return gpucci_array_load_rows(path, 1, first, end, out);
}

void gpucc_array_free(gpucc_array *array)
{
    if (!array)
        return;
    gpucc_free_floats(array->data);
    memset(array, 0, sizeof *array);
}

/* ---- Writing ---- */

/* Formats the padded 1.0 header (magic through '\n') of an array of dtype
 * into buf and returns its length, a multiple of NPY_ALIGN; 0 if it does
 * not fit. */
static size_t format_header(char *buf, size_t cap, gpucc_dtype dtype, size_t rank, const size_t *shape)
{
    char dict[160];
    const char *descr = npy_descrs[dtype];
    int n = rank == 1
                ? snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu,), }", descr,
                           shape[0])
                : snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (%zu, %zu), }",
                           descr, shape[0], shape[1]);
    if (n < 0 || (size_t)n >= sizeof dict)
        return 0;
    /* preamble (10) + dict + at least the '\n', rounded up to NPY_ALIGN */
    size_t total = (10 + (size_t)n + 1 + NPY_ALIGN - 1) / NPY_ALIGN * NPY_ALIGN;
    if (total > cap)
        return 0;
    size_t header_len = total - 10;
    memcpy(buf, NPY_MAGIC, sizeof NPY_MAGIC);
    buf[6] = 1;
    buf[7] = 0;
    buf[8] = (char)(header_len & 0xff);
    buf[9] = (char)(header_len >> 8);
    memcpy(buf + 10, dict, (size_t)n);
    memset(buf + 10 + n, ' ', total - 10 - (size_t)n - 1);
    buf[total - 1] = '\n';
    return total;
}

/* Checks what the write and save functions are given and returns the
 * element count in *count. */
static gpucc_status check_array(const char *path, gpucc_dtype dtype, const void *data, size_t rank,
                                const size_t *shape, size_t *count)
{
    if (!path || !shape)
        return gpucci_fail(GPUCC_E_INVALID, "cannot save an array: path or shape is NULL");
    size_t element = gpucc_dtype_size(dtype);
    if (!element)
        return gpucci_fail(GPUCC_E_INVALID, "%s: cannot save an array of invalid dtype %d", path, (int)dtype);
    if (rank != 1 && rank != 2)
        return gpucci_fail(GPUCC_E_INVALID, "%s: cannot save a rank %zu array (must be 1 or 2)",
                          path, rank);
    size_t n = shape[0];
    if (rank == 2) {
        if (shape[1] != 0 && n > SIZE_MAX / element / shape[1])
            return gpucci_fail(GPUCC_E_INVALID, "%s: shape %zu x %zu overflows size_t", path,
                              shape[0], shape[1]);
        n *= shape[1];
    }
    if (n > SIZE_MAX / element)
        return gpucci_fail(GPUCC_E_INVALID, "%s: shape %zu overflows size_t", path, n);
    if (n && !data)
        return gpucci_fail(GPUCC_E_INVALID, "%s: data is NULL", path);
    *count = n;
    return GPUCC_OK;
}

/* Writes a checked array of count elements of dtype to stream: a .npy
 * header first when `npy`, then the data. */
static gpucc_status write_array(FILE *stream, const char *path, gpucc_dtype dtype, const void *data, size_t rank,
                                const size_t *shape, size_t count, int npy)
{
    char header[256];
    size_t header_len = npy ? format_header(header, sizeof header, dtype, rank, shape) : 0;
    if (npy && header_len == 0)
        return gpucci_fail(GPUCC_E_INVALID, "%s: cannot format the .npy header", path);
    size_t element = gpucc_dtype_size(dtype);
    errno = 0;
    if (fwrite(header, 1, header_len, stream) != header_len ||
        (count && fwrite(data, element, count, stream) != count))
        return gpucci_fail(GPUCC_E_IO, "cannot write %s: %s", path, strerror(errno ? errno : EIO));
    return GPUCC_OK;
}

gpucc_status gpucci_typed_array_write(FILE *stream, const char *path, gpucc_dtype dtype, const void *data,
                                      size_t rank, const size_t *shape)
{
    size_t count = 0;
    gpucc_status st = check_array(path, dtype, data, rank, shape, &count);
    if (st == GPUCC_OK && !stream)
        st = gpucci_fail(GPUCC_E_INVALID, "%s: stream is NULL", path);
    if (st != GPUCC_OK)
        return st;
    return write_array(stream, path, dtype, data, rank, shape, count, ends_with_npy(path));
}

gpucc_status gpucci_array_write(FILE *stream, const char *path, const float *data, size_t rank,
                               const size_t *shape)
{
    return gpucci_typed_array_write(stream, path, GPUCC_F32, data, rank, shape);
}

gpucc_status gpucc_npy_save(const char *path, const float *data, size_t rank, const size_t *shape)
{
    size_t count = 0;
    gpucc_status st = check_array(path, GPUCC_F32, data, rank, shape, &count);
    gpucci_atomic_file file;
    if (st == GPUCC_OK)
        st = gpucci_atomic_file_open(&file, path);
    if (st != GPUCC_OK)
        return st;
    st = write_array(file.stream, path, GPUCC_F32, data, rank, shape, count, 1);
    if (st != GPUCC_OK) {
        gpucci_atomic_file_abort(&file);
        return st;
    }
    return gpucci_atomic_file_commit(&file);
}
