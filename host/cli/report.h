/* Internal: result records and their renderers (table, JSON, CSV). One
 * record store feeds every format; renderers only print. */
#ifndef GPUCC_REPORT_H
#define GPUCC_REPORT_H

#include <stdio.h>

#include "cli.h"
#include "gpucc.h"
#include "energy.h"
#include "gpu-row.h"
#include "workload.h"

/* UNSUPPORTED: the backend leaves this workload out (optional ops); like
 * UNAVAILABLE it is no failure of the run. */
typedef enum { GPUCC_ROW_OK, GPUCC_ROW_UNAVAILABLE, GPUCC_ROW_ERROR, GPUCC_ROW_UNSUPPORTED } cli_row_status;

enum { CLI_MAX_DEVICES = 16 };

/* One backend's outcome. `message` says why a row is not ok. */
typedef struct {
    gpucc_backend_kind backend;
    char selector[128];   /* opencl: the --device entry it ran on ("" for the default) */
    char device[512];
    cli_row_status status;
    char message[512];
    gpucc_measurement m;
    cli_gpu_row gpu;      /* opencl rows: the NVIDIA board it ran on (NVML), or why none */
    /* --split: the row of the devices' rows split[d].. that shared the run */
    gpucci_split split;   /* count 0: not a split row */
    size_t split_rows[CLI_MAX_DEVICES];
} cli_row;

/* Rows of a run: serial, pthreads, one per selected OpenCL device, and the
 * split of the run across those devices. */
enum { CLI_MAX_ROWS = GPUCC_BACKEND_COUNT - 1 + CLI_MAX_DEVICES + 1 };

typedef struct cli_report {
    const gpucci_workload *workload;
    const gpucci_job *job;     /* what ran: its title, facts and work per call */
    gpucc_dtype dtype;         /* of its data (--dtype) */
    gpucc_plan plan;
    gpucci_energy energy;      /* the host's energy counters, or why there are none */
    cli_row rows[CLI_MAX_ROWS];
    size_t row_count;
    /* Writes more members of row i's JSON object, each after ", " (a run
     * over MPI ranks: its communication and ranks), or NULL. */
    void (*row_json)(FILE *out, const struct cli_report *report, size_t i);
    const void *row_json_data; /* what row_json reads */
} cli_report;

void cli_report_print(FILE *out, const cli_report *report, cli_format format);

#endif
