/* A `gpucc run` row's NVIDIA board (gpu-row.h). */
#include "gpu-row.h"

#include <math.h>
#include <string.h>

#include "json-csv.h"

void cli_gpu_row_begin(cli_gpu_row *gpu, gpucci_nvml *nvml, const char *nvml_why, const gpucc_backend *backend,
                       gpucc_plan *plan)
{
    memset(gpu, 0, sizeof *gpu);
    if (!nvml) {
        snprintf(gpu->why, sizeof gpu->why, "%s", nvml_why);
        return;
    }
    gpucc_pci_location pci = gpucc_backend_pci(backend);
    if (gpucci_nvml_find(nvml, &pci, gpucc_backend_device(backend), &gpu->device, gpu->why, sizeof gpu->why) != 0)
        return;
    gpu->found = 1;
    gpu->by_pci = pci.known && gpu->device.pci.known; /* both told: matched by location (nvml.h) */
    gpucci_nvml_energy_why(&gpu->device, gpu->why, sizeof gpu->why);
    if (!gpu->why[0]) {
        gpu->meter = (gpucc_energy_meter){gpucci_nvml_energy, &gpu->device};
        plan->energy = &gpu->meter;
    }
    gpucci_nvml_sample_read(&gpu->device, &gpu->before);
}

void cli_gpu_row_end(cli_gpu_row *gpu)
{
    if (gpu->found)
        gpucci_nvml_sample_read(&gpu->device, &gpu->after);
}

/* A clock in MHz, NaN (JSON null) where it could not be read. */
static double mhz(unsigned clock)
{
    return clock ? clock : NAN;
}

void cli_gpu_sample_json(FILE *out, const gpucci_nvml_sample *sample)
{
    fputs("{\"sm_clock_mhz\": ", out);
    cli_json_double(out, mhz(sample->sm_mhz));
    cli_json_number(out, "memory_clock_mhz", mhz(sample->memory_mhz));
    fputs(", \"throttle\": ", out);
    if (!sample->throttle_known) {
        fputs("null}", out);
        return;
    }
    const char *names[16];
    size_t count = gpucci_nvml_throttle_names(sample->throttle, names, 16);
    fputc('[', out);
    for (size_t i = 0; i < count; i++)
        fprintf(out, "%s\"%s\"", i ? ", " : "", names[i]);
    fputs("]}", out);
}

void cli_gpu_row_json(FILE *out, const cli_gpu_row *gpu)
{
    if (!gpu->found && !gpu->why[0])
        return;
    fprintf(out, ", \"gpu\": {\"available\": %s", gpu->found ? "true" : "false");
    if (gpu->found) {
        fprintf(out, ", \"nvml_index\": %u, \"name\": ", gpu->device.index);
        cli_json_string(out, gpu->device.name);
        cli_json_key_string(out, "matched_by", gpu->by_pci ? "pci" : "name");
        fputs(", \"before\": ", out);
        cli_gpu_sample_json(out, &gpu->before);
        fputs(", \"after\": ", out);
        cli_gpu_sample_json(out, &gpu->after);
    }
    if (gpu->why[0])
        cli_json_key_string(out, "why", gpu->why);
    fputc('}', out);
}

void cli_gpu_clock_text(unsigned clock, char *text, size_t size)
{
    if (clock)
        snprintf(text, size, "%u MHz", clock);
    else
        snprintf(text, size, "?");
}

void cli_gpu_throttle_text(const gpucci_nvml_sample *sample, char *text, size_t size)
{
    if (sample->throttle_known)
        gpucci_nvml_throttle_text(sample->throttle, text, size);
    else
        snprintf(text, size, "?");
}

void cli_gpu_row_print(FILE *out, const cli_gpu_row *gpu)
{
    if (!gpu->found)
        return;
    char sm[2][24], memory[2][24], throttle[2][160];
    const gpucci_nvml_sample *samples[2] = {&gpu->before, &gpu->after};
    for (int i = 0; i < 2; i++) {
        cli_gpu_clock_text(samples[i]->sm_mhz, sm[i], sizeof sm[i]);
        cli_gpu_clock_text(samples[i]->memory_mhz, memory[i], sizeof memory[i]);
        cli_gpu_throttle_text(samples[i], throttle[i], sizeof throttle[i]);
    }
    fprintf(out, "          gpu clocks (NVML %u): SM %s -> %s, memory %s -> %s; throttle: %s -> %s%s%s\n",
            gpu->device.index, sm[0], sm[1], memory[0], memory[1], throttle[0], throttle[1], gpu->why[0] ? "; " : "",
            gpu->why);
}
