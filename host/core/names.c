/* The names of the public enums (backends, reduction ops, map functions,
 * activations, data types) and their case-insensitive parsers: one table per list. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "error.h"

/* Each array is indexed by its enum and generated from the table that
 * defines the enum (gpucc.h, gpucc-elementwise.h), so the two agree. */
#define NAME_ENTRY(enumerator, text) [enumerator] = text,
#define ELEMENTWISE_NAME_ENTRY(enumerator, name, ...) [enumerator] = #name,
static const char *const backend_names[GPUCC_BACKEND_COUNT] = {GPUCC_BACKEND_TABLE(NAME_ENTRY)};
static const char *const reduce_op_names[GPUCC_REDUCE_OP_COUNT] = {GPUCC_REDUCE_OP_TABLE(NAME_ENTRY)};
static const char *const map_fn_names[GPUCC_MAP_FN_COUNT] = {GPUCC_MAP_FN_TABLE(ELEMENTWISE_NAME_ENTRY)};
static const char *const activation_names[GPUCC_ACT_COUNT] = {GPUCC_ACTIVATION_TABLE(ELEMENTWISE_NAME_ENTRY)};
#define DTYPE_NAME(enumerator, name, bytes, descr, long_name) [enumerator] = name,
#define DTYPE_LONG_NAME(enumerator, name, bytes, descr, long_name) [enumerator] = long_name,
static const char *const dtype_names[GPUCC_DTYPE_COUNT] = {GPUCC_DTYPE_TABLE(DTYPE_NAME)};
static const char *const dtype_long_names[GPUCC_DTYPE_COUNT] = {GPUCC_DTYPE_TABLE(DTYPE_LONG_NAME)};
#undef NAME_ENTRY
#undef ELEMENTWISE_NAME_ENTRY
#undef DTYPE_NAME
#undef DTYPE_LONG_NAME

const char *gpucc_backend_kind_name(gpucc_backend_kind kind)
{
    return (unsigned)kind < GPUCC_BACKEND_COUNT ? backend_names[kind] : NULL;
}

/* Finds name (case-insensitive) in names[0..count) and stores its index in
 * *index; else records "unknown WHAT 'NAME' (expected a, b or c)". */
static gpucc_status parse_name(const char *name, const char *const *names, int count, const char *what, int *index)
{
    for (int i = 0; name && i < count; i++)
        if (strcasecmp(name, names[i]) == 0) {
            *index = i;
            return GPUCC_OK;
        }
    char expected[160] = "";
    for (int i = 0; i < count; i++) {
        size_t used = strlen(expected);
        snprintf(expected + used, sizeof expected - used, "%s%s", i == 0 ? "" : i + 1 == count ? " or " : ", ",
                 names[i]);
    }
    return gpucci_fail(GPUCC_E_INVALID, "unknown %s '%s' (expected %s)", what, name ? name : "", expected);
}

/* Parses into an enum through an int; a NULL out is refused. */
#define PARSE_ENUM(name, names, count, what, out)                              \
    do {                                                                       \
        if (!(out))                                                            \
            return gpucci_fail(GPUCC_E_INVALID, "parsing a %s name: the output pointer is NULL", what); \
        int index_ = 0;                                                        \
        gpucc_status status_ = parse_name(name, names, count, what, &index_);  \
        if (status_ == GPUCC_OK)                                               \
            *(out) = index_;                                                   \
        return status_;                                                        \
    } while (0)

gpucc_status gpucc_backend_kind_parse(const char *name, gpucc_backend_kind *out)
{
    PARSE_ENUM(name, backend_names, GPUCC_BACKEND_COUNT, "backend", out);
}

const char *gpucc_reduce_op_name(gpucc_reduce_op op)
{
    return (unsigned)op < GPUCC_REDUCE_OP_COUNT ? reduce_op_names[op] : NULL;
}

gpucc_status gpucc_reduce_op_parse(const char *name, gpucc_reduce_op *out)
{
    PARSE_ENUM(name, reduce_op_names, GPUCC_REDUCE_OP_COUNT, "reduction", out);
}

const char *gpucc_map_fn_name(gpucc_map_fn fn)
{
    return (unsigned)fn < GPUCC_MAP_FN_COUNT ? map_fn_names[fn] : NULL;
}

gpucc_status gpucc_map_fn_parse(const char *name, gpucc_map_fn *out)
{
    PARSE_ENUM(name, map_fn_names, GPUCC_MAP_FN_COUNT, "function", out);
}

const char *gpucc_activation_name(gpucc_activation act)
{
    return (unsigned)act < GPUCC_ACT_COUNT ? activation_names[act] : NULL;
}

gpucc_status gpucc_activation_parse(const char *name, gpucc_activation *out)
{
    PARSE_ENUM(name, activation_names, GPUCC_ACT_COUNT, "activation", out);
}

const char *gpucc_dtype_name(gpucc_dtype dtype)
{
    return (unsigned)dtype < GPUCC_DTYPE_COUNT ? dtype_names[dtype] : NULL;
}

const char *gpucc_dtype_long_name(gpucc_dtype dtype)
{
    return (unsigned)dtype < GPUCC_DTYPE_COUNT ? dtype_long_names[dtype] : NULL;
}

gpucc_status gpucc_dtype_parse(const char *name, gpucc_dtype *out)
{
    PARSE_ENUM(name, dtype_names, GPUCC_DTYPE_COUNT, "data type", out);
}
