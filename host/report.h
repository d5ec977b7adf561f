/* Internal: result records and their renderers (table, JSON, CSV). One
 * record store feeds every format; renderers only print. */
#ifndef GPUCC_REPORT_H
#define GPUCC_REPORT_H

#include <stdio.h>

#include "cli.h"
#include "gpucc.h"

typedef enum { GPUCC_ROW_OK, GPUCC_ROW_UNAVAILABLE, GPUCC_ROW_ERROR } gpucc_row_status;

/* One backend's outcome. `message` says why a row is not ok. */
typedef struct {
    gpucc_backend_kind backend;
    char device[512];
    gpucc_row_status status;
    char message[512];
    gpucc_reduce_measurement m;
} gpucc_reduce_row;

typedef struct {
    gpucc_reduce_op op;
    size_t n;
    char source[600];   /* "generated:seed=1" or "file:PATH" */
    gpucc_plan plan;
    gpucc_reference ref;
    gpucc_reduce_row rows[GPUCC_BACKEND_COUNT];
    size_t row_count;
} gpucc_reduce_report;

void gpucc_report_reduce(FILE *out, const gpucc_reduce_report *report, gpucc_format format);

#endif
