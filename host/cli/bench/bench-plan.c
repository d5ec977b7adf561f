/* The plan of `gpucc bench`: every point of the selected suites as a
 * pending row, each on a backend configuration that points share. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-cmd.h"
#include "ceilings.h"
#include "grow.h"

static int same_config(const bench_slot *s, gpucc_backend_kind kind, const gpucc_backend_config *c)
{
    return s->kind == kind && s->config.threads == c->threads && s->config.local_size == c->local_size &&
           s->config.shape == c->shape && s->config.force_copy == c->force_copy &&
           s->config.no_overlap == c->no_overlap;
}

/* Adds a pending row on a backend configuration; returns it, or NULL when
 * out of memory (then the run stops). */
static bench_row *plan_row(bench_run *run, bench_suite suite, const gpucci_workload *workload,
                           gpucc_backend_kind kind, const gpucc_backend_config *config)
{
    bench_report *r = run->report;
    bench_row *rows = cli_grow(r->rows, r->row_count, &run->row_cap, sizeof *rows, 64);
    if (!rows)
        return NULL;
    r->rows = rows;
    int *slot_of = cli_grow(run->slot_of, r->row_count, &run->slot_of_cap, sizeof *slot_of, 64);
    if (!slot_of)
        return NULL;
    run->slot_of = slot_of;
    size_t s = 0;
    while (s < run->slot_count && !same_config(&run->slots[s], kind, config))
        s++;
    if (s == run->slot_count) {
        bench_slot *slots = cli_grow(run->slots, run->slot_count, &run->slot_cap, sizeof *slots, 16);
        if (!slots)
            return NULL;
        run->slots = slots;
        bench_slot *slot = &run->slots[run->slot_count++];
        memset(slot, 0, sizeof *slot);
        slot->kind = kind;
        slot->config = *config;
        slot->config.device = run->o->device;
        slot->config.notice = bench_progress_notice;
        slot->config.notice_ctx = run->p;
    }
    run->slots[s].last_use = r->row_count;
    run->slot_of[r->row_count] = (int)s;
    bench_row *row = &r->rows[r->row_count++];
    memset(row, 0, sizeof *row);
    row->suite = suite;
    row->workload = workload;
    row->backend = kind;
    row->threads = kind == GPUCC_BACKEND_SERIAL ? 1 : kind == GPUCC_BACKEND_PTHREADS
                                                      ? (config->threads ? config->threads : gpucc_cpu_count())
                                                      : 0;
    row->local_size = config->local_size;
    row->speedup = NAN;
    row->ceiling = row->kernel_ceiling = CEIL_NONE;
    snprintf(row->what, sizeof row->what, "%s",
             workload->variant_option ? workload->variant_name(workload->bench_variant) : "");
    return row;
}

static bench_row *plan_vector_row(bench_run *run, bench_suite suite, const gpucci_workload *workload,
                                  gpucc_backend_kind kind, const gpucc_backend_config *config, size_t n)
{
    bench_row *row = plan_row(run, suite, workload, kind, config);
    if (row)
        row->n = n;
    return row;
}

/* The size sweep's element counts: 1e3, 1e4, ... 1e8, 3e8, 1e9 up to
 * max_size, and max_size itself (so that a --max-size above the device's
 * largest allocation always gets a chunked point). Drops counts whose
 * arrays (input and map output) would not fit in 80% of available memory. */
static size_t size_counts(bench_report *r, uint64_t max_size, size_t *counts)
{
    static const double steps[] = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 3e8, 1e9, 3e9, 1e10};
    size_t k = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0] && steps[i] <= (double)max_size; i++)
        counts[k++] = (size_t)steps[i];
    if (k == 0 || counts[k - 1] < max_size)
        counts[k++] = (size_t)max_size;
    double avail = cli_available_bytes();
    while (k > 1 && avail > 0 && 8.0 * (double)counts[k - 1] > 0.8 * avail) {
        k--;
        bench_note(r, "size: n = %zu skipped: its arrays need %.1f GB, %.1f GB of memory available", counts[k],
                   8e-9 * (double)counts[k], avail * 1e-9);
    }
    return k;
}

/* Inserts t into the sorted, duplicate-free counts[0..k); returns the new k. */
static size_t add_count(unsigned *counts, size_t k, size_t cap, unsigned t)
{
    size_t i = 0;
    while (i < k && counts[i] < t)
        i++;
    if (t == 0 || (i < k && counts[i] == t) || k == cap)
        return k;
    memmove(counts + i + 1, counts + i, (k - i) * sizeof *counts);
    counts[i] = t;
    return k + 1;
}

/* Thread counts 1 .. 2 x cpus: every count up to 16, then steps of about
 * 1.5x, always with cpus - 1, cpus, cpus + 1 and 2 x cpus. */
static size_t thread_counts(unsigned cpus, unsigned *counts, size_t cap)
{
    size_t k = 0;
    for (unsigned t = 1; t <= 2 * cpus; t = t < 16 ? t + 1 : t + t / 2)
        k = add_count(counts, k, cap, t);
    const unsigned around[] = {cpus - 1, cpus, cpus + 1, 2 * cpus};
    for (size_t i = 0; i < sizeof around / sizeof around[0]; i++)
        k = add_count(counts, k, cap, around[i]);
    return k;
}

/* Plans every point of the selected suites. Returns 0; 69 (or 64 for a bad
 * configuration) when an explicitly requested backend does not open; 1 when
 * out of memory. */
int bench_plan_points(bench_run *run)
{
    const bench_options *o = run->o;
    bench_report *r = run->report;
    unsigned have = 0; /* backends that open */
    for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
        if (!(o->backends & (1u << k)))
            continue;
        gpucc_backend_config config = {.device = o->device};
        gpucc_backend *b;
        gpucc_status status = gpucc_backend_open((gpucc_backend_kind)k, &config, &b);
        if (status == GPUCC_OK) {
            have |= 1u << k;
            gpucc_backend_close(b);
            continue;
        }
        if (o->backends_given || (k == GPUCC_BACKEND_OPENCL && o->device)) {
            fprintf(stderr, "gpucc bench: %s backend unavailable: %s\n", cli_backend_name(k), gpucc_last_error());
            return status == GPUCC_E_INVALID ? GPUCC_EXIT_USAGE : GPUCC_EXIT_UNAVAILABLE;
        }
        bench_note(r, "%s backend unavailable, skipped: %s", cli_backend_name(k), gpucc_last_error());
    }
    const gpucc_backend_config plain = {0};
    /* threads, wgsize and overlap tune the reduction's kernels */
    const gpucci_workload *reduce = gpucci_workload_named("reduce");
    size_t sweep_n = (size_t)(o->max_size < SWEEP_N ? o->max_size : SWEEP_N);
    int ok = 1;
    if (o->suites & (1u << BENCH_SIZE)) {
        size_t counts[16], count = size_counts(r, o->max_size, counts);
        for (size_t i = 0; i < count; i++)
            for (size_t w = 0; w < gpucci_workload_count; w++)
                for (int k = 0; k < GPUCC_BACKEND_COUNT; k++)
                    if ((have & (1u << k)) && gpucci_workloads[w]->bench_axis == GPUCCI_AXIS_SIZE)
                        ok &= !!plan_vector_row(run, BENCH_SIZE, gpucci_workloads[w], (gpucc_backend_kind)k, &plain,
                                                counts[i]);
    }
    if (o->suites & (1u << BENCH_THREADS)) {
        unsigned counts[64];
        size_t count = thread_counts(gpucc_cpu_count(), counts, 64);
        if (!(have & (1u << GPUCC_BACKEND_PTHREADS)))
            bench_note(r, "threads: skipped (pthreads backend not selected or unavailable)");
        for (size_t i = 0; i < count && (have & (1u << GPUCC_BACKEND_PTHREADS)); i++) {
            gpucc_backend_config c = {.threads = counts[i]};
            ok &= !!plan_vector_row(run, BENCH_THREADS, reduce, GPUCC_BACKEND_PTHREADS, &c, sweep_n);
        }
    }
    int opencl = have & (1u << GPUCC_BACKEND_OPENCL);
    if ((o->suites & ((1u << BENCH_WGSIZE) | (1u << BENCH_OVERLAP))) && !opencl)
        bench_note(r, "wgsize, overlap: skipped (opencl backend not selected or unavailable)");
    if ((o->suites & (1u << BENCH_WGSIZE)) && opencl) {
        for (int gpu = 0; gpu < 2; gpu++)
            for (size_t local = gpu ? 16 : 1; local <= (gpu ? 1024u : 256u); local *= 2) {
                gpucc_backend_config c = {.local_size = local, .shape = gpu ? GPUCC_SHAPE_GPU : GPUCC_SHAPE_CPU};
                bench_row *row =
                    plan_vector_row(run, BENCH_WGSIZE, reduce, GPUCC_BACKEND_OPENCL, &c, sweep_n);
                if ((ok &= !!row))
                    snprintf(row->variant, sizeof row->variant, "%s", gpu ? "gpu" : "cpu");
            }
    }
    if (o->suites & (1u << BENCH_BATCH)) {
        static const size_t batches[] = {1, 4, 16, 64, 256, 1024};
        for (size_t i = 0; i < sizeof batches / sizeof batches[0]; i++)
            for (size_t w = 0; w < gpucci_workload_count; w++)
                for (int k = 0; k < GPUCC_BACKEND_COUNT; k++) {
                    if (!(have & (1u << k)) || gpucci_workloads[w]->bench_axis != GPUCCI_AXIS_BATCH)
                        continue;
                    bench_row *row = plan_row(run, BENCH_BATCH, gpucci_workloads[w], (gpucc_backend_kind)k, &plain);
                    if (!(ok &= !!row))
                        break;
                    row->shape = (gpucc_dense_shape){.batch = batches[i], .in = DENSE_DIM, .out = DENSE_DIM};
                }
    }
    if ((o->suites & (1u << BENCH_OVERLAP)) && opencl) {
        for (int off = 1; off >= 0; off--) {
            gpucc_backend_config c = {.force_copy = 1, .no_overlap = off};
            bench_row *row =
                plan_vector_row(run, BENCH_OVERLAP, reduce, GPUCC_BACKEND_OPENCL, &c, sweep_n);
            if ((ok &= !!row))
                snprintf(row->variant, sizeof row->variant, "%s", off ? "copy+no-overlap" : "copy+overlap");
        }
    }
    if (!ok) {
        fprintf(stderr, "gpucc bench: out of memory planning the points\n");
        return GPUCC_EXIT_FAILED;
    }
    return 0;
}
