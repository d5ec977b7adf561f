/* Internal: the machine and settings a result was measured on, recorded with
 * every peak and bench result. */
#ifndef GPUCC_CONTEXT_H
#define GPUCC_CONTEXT_H

#include <stdio.h>

#include "nvml.h"

enum { CLI_CONTEXT_GPUS = 8 };

/* An NVIDIA board as NVML saw it when the context was collected. */
typedef struct {
    unsigned index;                  /* NVML's */
    char name[GPUCCI_NVML_NAME_SIZE];
    gpucci_nvml_sample sample;       /* clocks and throttle reasons */
} cli_context_gpu;

typedef struct {
    char date[32];        /* "2026-11-26T06:30:00Z" */
    char cpu[256];        /* model name */
    unsigned cpus;        /* online CPUs */
    double memory_gib;    /* physical memory */
    char governor[32];    /* cpu0's cpufreq scaling governor, "" where not readable */
    double cpu_mhz;       /* cpu0's current frequency when collected, 0 where not readable */
    char os[256];         /* uname: sysname release machine */
    char compiler[128];
    char pocl_cpu_max_cu_count[32]; /* environment, or "" when unset */
    char pocl_affinity[8];          /* environment (gpucci_pin_pocl_workers), or "" */
    char opencl[8][600];  /* "index: name | platform | version | driver" per device */
    int opencl_count;
    char nvml_why[GPUCCI_NVML_WHY_SIZE]; /* why NVML could not be read, "" when it was */
    cli_context_gpu gpus[CLI_CONTEXT_GPUS];
    int gpu_count;
} cli_context;

/* Fills ctx from the running machine. */
void cli_context_collect(cli_context *ctx);

/* Writes ctx as the JSON object `"context": {...}` (no trailing comma). */
void cli_context_json(FILE *out, const cli_context *ctx);

/* Writes ctx as human-readable lines, each starting with `prefix`. */
void cli_context_print(FILE *out, const cli_context *ctx, const char *prefix);

#endif
