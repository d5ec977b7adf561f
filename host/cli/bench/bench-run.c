/* Running the points of `gpucc bench`: the input data, each point's
 * measurement on its backend configuration, the ceilings and speedups that
 * place it, and the verdict. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-cmd.h"
#include "gpu-row.h"

/* What one call of the row's job does: its bytes and flops, and the one of
 * them its rate counts. */
static void take_work(bench_row *row, const gpucci_job *job)
{
    row->units = gpucci_job_work(row->workload, job);
    row->bytes = job->bytes;
    row->flops = job->flops;
}

/* The prepared job of a row's workload and size, and an output array for
 * it: the job of the previous row when it is the same (the plan groups the
 * rows of one point), else a new one. Returns 0, or 1 after recording why in
 * the row. */
static int job_for(bench_run *run, bench_row *row)
{
    const bench_row *key = run->job_row;
    if (key && key->workload == row->workload && key->n == row->n && key->shape.batch == row->shape.batch) {
        take_work(row, &run->job);
        return 0;
    }
    gpucci_job_release(key ? key->workload : NULL, &run->job);
    run->job_row = NULL;
    const gpucci_workload *w = row->workload;
    gpucci_workload_params params = {.variant = w->bench_variant, .size = row->n, .seed = 1,
                                     .batch = row->shape.batch, .in = row->shape.in, .out = row->shape.out};
    bench_progress_line(run->p, "preparing the inputs of %s %s", w->name, row->what);
    gpucc_status status = w->prepare(&params, &run->job);
    size_t count = status == GPUCC_OK ? gpucci_job_output_count(&run->job) : 0;
    if (status == GPUCC_OK && count > run->output_cap) {
        gpucc_free_floats(run->output);
        run->output_cap = (run->output = gpucc_alloc_floats(count)) ? count : 0;
        if (!run->output)
            status = GPUCC_E_NOMEM;
    }
    if (status != GPUCC_OK) {
        snprintf(row->message, sizeof row->message, "cannot prepare the inputs: %s", gpucc_last_error());
        gpucci_job_release(w, &run->job);
        return 1;
    }
    run->job_row = row;
    take_work(row, &run->job);
    return 0;
}

/* One gpucc_measure run of a row's workload with plan. */
static gpucc_status measure_once(bench_run *run, const bench_row *row, gpucc_backend *backend,
                                 const gpucc_plan *plan, gpucc_measurement *m)
{
    return row->workload->measure(&run->job, backend, plan, run->output, m);
}

/* Measures a row: 1 warm-up and 3 timed calls; when those 3 took less than
 * min_time (median x 3), again with as many timed calls as fill min_time
 * (the first run then served as warm-up and calibration; both runs'
 * verification counts, and a reduction must give bitwise the same value in
 * both). */
static gpucc_status measure_row(bench_run *run, bench_row *row, gpucc_backend *backend)
{
    gpucc_samples samples = {row->samples_ms, row->kernel_samples_ms, BENCH_SAMPLES};
    gpucc_plan plan = {.warmup = BENCH_WARMUP, .repeat = BENCH_MIN_REPEAT, .samples = &samples};
    cli_gpu_row gpu; /* an OpenCL row on an NVIDIA board meters the board's energy */
    if (row->backend == GPUCC_BACKEND_OPENCL)
        cli_gpu_row_begin(&gpu, run->nvml, run->nvml_why, backend, &plan);
    row->board_energy = plan.energy != NULL;
    gpucc_measurement first;
    gpucc_status status = measure_once(run, row, backend, &plan, &first);
    row->m = first;
    row->repeats = plan.repeat;
    double min_ms = run->o->min_time_s * 1e3, per_call = first.total_ms.median;
    if (status != GPUCC_OK || per_call * BENCH_MIN_REPEAT >= min_ms)
        return status;
    double want = ceil(min_ms / (per_call > 1e-4 ? per_call : 1e-4));
    plan.warmup = 0;
    plan.repeat = want > BENCH_MAX_REPEAT ? BENCH_MAX_REPEAT : (unsigned)want;
    status = measure_once(run, row, backend, &plan, &row->m);
    if (status != GPUCC_OK)
        return status;
    row->repeats = plan.repeat;
    if (!first.verified) {
        row->m.verified = 0;
        snprintf(row->m.reason, sizeof row->m.reason, "%s", first.reason);
    } else if (row->workload->single_value && row->m.verified &&
               memcmp(&first.value, &row->m.value, sizeof first.value) != 0) {
        row->m.verified = 0;
        snprintf(row->m.reason, sizeof row->m.reason, "gave %.17g, an earlier call %.17g (not deterministic)",
                 row->m.value, first.value);
    }
    if (!(first.error <= row->m.error))
        row->m.error = first.error;
    return GPUCC_OK;
}

/* The backend of row i's configuration, opened on first use; NULL (with
 * the reason in the slot) when it does not open. */
static gpucc_backend *slot_backend(bench_run *run, size_t i)
{
    bench_slot *s = &run->slots[run->slot_of[i]];
    if (!s->tried) {
        s->tried = 1;
        s->open_status = gpucc_backend_open(s->kind, &s->config, &s->backend);
        if (s->open_status != GPUCC_OK)
            snprintf(s->open_error, sizeof s->open_error, "%s", gpucc_last_error());
    }
    return s->backend;
}

/* "size: reduce sum on opencl, n = 100000000" */
static void describe(const bench_row *row, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s: %s %s on %s", bench_suite_name(row->suite), row->workload->name, row->what,
                     gpucc_backend_kind_name(row->backend));
    if (n < 0 || (size_t)n >= size)
        return;
    if (row->workload->bench_axis == GPUCCI_AXIS_BATCH)
        n += snprintf(buf + n, size - n, ", batch %zu", row->shape.batch);
    else
        n += snprintf(buf + n, size - n, ", n = %zu", row->n);
    if (row->suite == BENCH_THREADS && (size_t)n < size)
        n += snprintf(buf + n, size - n, ", %u thread%s", row->threads, row->threads == 1 ? "" : "s");
    if (row->local_size && (size_t)n < size)
        n += snprintf(buf + n, size - n, ", local size %zu", row->local_size);
    if (row->variant[0] && (size_t)n < size)
        snprintf(buf + n, size - n, " (%s)", row->variant);
}

static void run_row(bench_run *run, size_t i)
{
    bench_report *r = run->report;
    bench_row *row = &r->rows[i];
    char what[160];
    describe(row, what, sizeof what);
    bench_progress_line(run->p, "[%zu/%zu] %s", i + 1, r->row_count, what);
    gpucc_backend *backend = slot_backend(run, i);
    bench_slot *slot = &run->slots[run->slot_of[i]];
    if (backend && job_for(run, row) != 0) {
        row->status = ROW_ERROR; /* job_for said why */
    } else if (!backend) {
        /* A configuration the device refuses (local size) is skipped, not failed. */
        row->status = slot->open_status == GPUCC_E_INVALID ? ROW_SKIPPED : ROW_ERROR;
        snprintf(row->message, sizeof row->message, "%s", slot->open_error);
        if (row->status == ROW_SKIPPED)
            bench_note(r, "%s: skipped: %s", what, slot->open_error);
    } else {
        snprintf(row->device, sizeof row->device, "%s", gpucc_backend_device(backend));
        gpucc_status status = measure_row(run, row, backend);
        row->status = status == GPUCC_OK ? ROW_OK : ROW_ERROR;
        if (status != GPUCC_OK)
            snprintf(row->message, sizeof row->message, "%s", gpucc_last_error());
        else if (!row->m.verified)
            snprintf(row->message, sizeof row->message, "%s", row->m.reason);
        if (status == GPUCC_OK)
            bench_choose_ceilings(r, row);
        /* A kernel may allow smaller groups than the device (CL_KERNEL_WORK_GROUP_SIZE). */
        if (row->suite == BENCH_WGSIZE && status == GPUCC_E_OPENCL && strstr(row->message, "WORK_GROUP_SIZE")) {
            row->status = ROW_SKIPPED;
            bench_note(r, "%s: skipped: %s", what, row->message);
        }
    }
    if (slot->last_use == i) {
        gpucc_backend_close(slot->backend);
        slot->backend = NULL;
    }
}

/* The row of base's suite, workload and size that `matches` picks, or NULL. */
static const bench_row *find_base(const bench_report *r, const bench_row *row,
                                  int (*matches)(const bench_row *candidate))
{
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *c = &r->rows[i];
        if (c->suite == row->suite && c->workload == row->workload && c->n == row->n &&
            c->shape.batch == row->shape.batch && c->status == ROW_OK && matches(c))
            return c;
    }
    return NULL;
}

static int is_serial(const bench_row *c) { return c->backend == GPUCC_BACKEND_SERIAL; }
static int is_one_thread(const bench_row *c) { return c->threads == 1; }
static int is_no_overlap(const bench_row *c) { return strstr(c->variant, "no-overlap") != NULL; }

/* Speedups: size and batch against serial, threads against 1 thread,
 * overlap against no overlap (end-to-end median times). */
static void compute_speedups(bench_report *r)
{
    for (size_t i = 0; i < r->row_count; i++) {
        bench_row *row = &r->rows[i];
        int (*matches)(const bench_row *) = NULL;
        const char *name = "";
        switch (row->suite) {
        case BENCH_SIZE: case BENCH_BATCH: matches = is_serial; name = "serial"; break;
        case BENCH_THREADS: matches = is_one_thread; name = "1 thread"; break;
        case BENCH_OVERLAP: matches = is_no_overlap; name = "no-overlap"; break;
        default: break;
        }
        const bench_row *base = matches && row->status == ROW_OK ? find_base(r, row, matches) : NULL;
        if (base && base->m.total_ms.median > 0 && row->m.total_ms.median > 0) {
            row->speedup = base->m.total_ms.median / row->m.total_ms.median;
            snprintf(row->speedup_base, sizeof row->speedup_base, "%s", name);
        }
    }
}


void bench_run_rows(bench_run *run)
{
    bench_report *r = run->report;
    run->nvml = gpucci_nvml_open(run->nvml_why, sizeof run->nvml_why);
    for (size_t i = 0; i < r->row_count; i++) {
        run_row(run, i);
        if (i + 1 == r->row_count || r->rows[i + 1].suite != r->rows[i].suite) {
            compute_speedups(r);
            bench_progress_clear(run->p);
            bench_print_suite(stdout, r, r->rows[i].suite);
            fflush(stdout);
        }
    }
    gpucci_nvml_close(run->nvml);
    run->nvml = NULL;
}

int bench_judge(const bench_report *r)
{
    int rc = 0;
    for (size_t i = 0; i < r->row_count; i++) {
        const bench_row *row = &r->rows[i];
        if (row->status == ROW_ERROR || (row->status == ROW_OK && !row->m.verified)) {
            char what[160];
            describe(row, what, sizeof what);
            fprintf(stderr, "gpucc bench: %s: %s: %s\n", what, row->status == ROW_ERROR ? "failed" : "NOT VERIFIED",
                    row->message);
            rc = GPUCC_EXIT_FAILED;
        }
    }
    return rc;
}

void bench_run_free(bench_run *run)
{
    for (size_t s = 0; s < run->slot_count; s++)
        gpucc_backend_close(run->slots[s].backend);
    gpucci_job_release(run->job_row ? run->job_row->workload : NULL, &run->job);
    gpucc_free_floats(run->output);
    free(run->slots);
    free(run->slot_of);
    free(run->report->rows);
}
