/* Internal: the NVIDIA board a `gpucc run` row ran on, through NVML
 * (host/internal/nvml.h): its energy meter for the row's measurement, its
 * clocks and throttle reasons sampled before and after, and their JSON and
 * table renderings (also the bench and peak context's). */
#ifndef GPUCC_GPU_ROW_H
#define GPUCC_GPU_ROW_H

#include <stdio.h>

#include "gpucc.h"
#include "nvml.h"

typedef struct {
    int found;                       /* the row's OpenCL device is this NVML device */
    int by_pci;                      /* found by PCI location, not by name */
    char why[GPUCCI_NVML_WHY_SIZE];  /* not found: why not; found: why no board energy, or "" */
    gpucci_nvml_device device;
    gpucc_energy_meter meter;        /* the board's energy counter, for the row's plan */
    gpucci_nvml_sample before, after;
} cli_gpu_row;

/* Before an OpenCL row's measurement: finds the backend's device among
 * NVML's, by PCI location or else by name (gpucci_nvml_find; nvml NULL:
 * none, nvml_why says why), samples its clocks
 * and points plan->energy at its energy counter where the board has one. */
void cli_gpu_row_begin(cli_gpu_row *gpu, gpucci_nvml *nvml, const char *nvml_why, const gpucc_backend *backend,
                       gpucc_plan *plan);

/* After the row's measurement: samples the clocks again. */
void cli_gpu_row_end(cli_gpu_row *gpu);

/* `{"sm_clock_mhz": ..., "memory_clock_mhz": ..., "throttle": [...]}`
 * (null for what could not be read). */
void cli_gpu_sample_json(FILE *out, const gpucci_nvml_sample *sample);

/* "1410 MHz", or "?" where the clock could not be read, into text. */
void cli_gpu_clock_text(unsigned clock, char *text, size_t size);

/* The sample's throttle reasons' names ("none" for none), or "?" where
 * they could not be read, into text. */
void cli_gpu_throttle_text(const gpucci_nvml_sample *sample, char *text, size_t size);

/* `, "gpu": {...}` for a row that looked for its board (nothing else). */
void cli_gpu_row_json(FILE *out, const cli_gpu_row *gpu);

/* The table's line under a row that ran on a board: its clocks and throttle
 * reasons before -> after (nothing else). */
void cli_gpu_row_print(FILE *out, const cli_gpu_row *gpu);

#endif
