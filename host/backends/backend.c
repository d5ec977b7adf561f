/* The backend registry and the public open/close of a backend: one ops
 * table per backend kind, checked configuration, the open-handle guard,
 * the workload slots. */
#include <stdlib.h>

#include "backend-impl.h"
#include "error.h"

static const gpucci_backend_ops *const registry[GPUCC_BACKEND_COUNT] = {
    [GPUCC_BACKEND_SERIAL] = &gpucci_serial_ops,
    [GPUCC_BACKEND_PTHREADS] = &gpucci_pthreads_ops,
    [GPUCC_BACKEND_OPENCL] = &gpucci_opencl_ops,
};


/* Checks the fields of a config that every backend shares the meaning of:
 * enums in range and a thread count within the limit. */
static gpucc_status check_config(const gpucc_backend_config *config)
{
    if ((unsigned)config->shape > GPUCC_SHAPE_GPU)
        return gpucci_fail(GPUCC_E_INVALID, "backend config: kernel shape %d is out of range (0..%d)",
                          (int)config->shape, GPUCC_SHAPE_GPU);
    if ((unsigned)config->dense_impl > GPUCC_DENSE_KERNEL)
        return gpucci_fail(GPUCC_E_INVALID, "backend config: dense implementation %d is out of range (0..%d)",
                          (int)config->dense_impl, GPUCC_DENSE_KERNEL);
    if (config->threads > GPUCC_MAX_THREADS)
        return gpucci_fail(GPUCC_E_INVALID, "backend config: %u threads is more than the limit of %d",
                          config->threads, GPUCC_MAX_THREADS);
    return GPUCC_OK;
}

gpucc_status gpucc_backend_open(gpucc_backend_kind kind, const gpucc_backend_config *config,
                                gpucc_backend **out)
{
    static const gpucc_backend_config defaults;
    if (out)
        *out = NULL;
    if (!out || (unsigned)kind >= GPUCC_BACKEND_COUNT)
        return gpucci_fail(GPUCC_E_INVALID, "gpucc_backend_open: %s", out ? "backend kind out of range"
                                                                          : "out is NULL");
    if (!config)
        config = &defaults;
    gpucc_status status = check_config(config);
    if (status != GPUCC_OK)
        return status;
    gpucc_backend *backend = calloc(1, sizeof *backend);
    if (!backend)
        return gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a backend");
    backend->ops = registry[kind];
    status = backend->ops->open(backend, config);
    if (status != GPUCC_OK) {
        free(backend);
        return status;
    }
    backend->magic = GPUCC_BACKEND_MAGIC;
    *out = backend;
    return GPUCC_OK;
}

void *gpucci_workload_state(gpucc_backend *backend, const void *key, size_t size, gpucci_workload_release release)
{
    gpucci_workload_slot *free_slot = NULL;
    for (int i = 0; i < GPUCCI_WORKLOAD_SLOTS; i++) {
        if (backend->workloads[i].key == key)
            return backend->workloads[i].state;
        if (!backend->workloads[i].key && !free_slot)
            free_slot = &backend->workloads[i];
    }
    if (!free_slot) {
        gpucci_fail(GPUCC_E_NOMEM, "all %d workload slots of the backend are taken", GPUCCI_WORKLOAD_SLOTS);
        return NULL;
    }
    void *state = calloc(1, size);
    if (!state) {
        gpucci_fail(GPUCC_E_NOMEM, "cannot allocate a workload's state (%zu bytes)", size);
        return NULL;
    }
    *free_slot = (gpucci_workload_slot){key, state, release};
    return state;
}

void gpucc_backend_close(gpucc_backend *backend)
{
    if (!backend)
        return;
    GPUCC_ASSERT_OPEN(backend);
    backend->magic = 0;
    for (int i = 0; i < GPUCCI_WORKLOAD_SLOTS; i++) {
        gpucci_workload_slot *slot = &backend->workloads[i];
        if (slot->key && slot->release)
            slot->release(backend, slot->state);
        free(slot->state);
    }
    backend->ops->close(backend);
    free(backend);
}

gpucc_backend_kind gpucc_backend_kind_of(const gpucc_backend *backend)
{
    GPUCC_ASSERT_OPEN(backend);
    return backend ? backend->ops->kind : GPUCC_BACKEND_COUNT;
}

const char *gpucc_backend_device(const gpucc_backend *backend)
{
    GPUCC_ASSERT_OPEN(backend);
    return backend ? backend->device : "";
}

gpucc_pci_location gpucc_backend_pci(const gpucc_backend *backend)
{
    GPUCC_ASSERT_OPEN(backend);
    return backend ? backend->pci : (gpucc_pci_location){0};
}
