/* Running the points of `gpucc bench`: the input data, each point's
 * measurement on its backend configuration, the ceilings and speedups that
 * place it, and the verdict. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench-cmd.h"
#include "workloads.h"

/* The largest input any vector point reads. */
static size_t vector_elems(const bench_report *r)
{
    size_t n = 0;
    for (size_t i = 0; i < r->row_count; i++)
        if (r->rows[i].workload != GPUCC_WORKLOAD_DENSE && r->rows[i].n > n)
            n = r->rows[i].n;
    return n;
}

/* Fills the inputs of every planned point once: x (seed 1)
 * for all vector points (each uses a prefix), the map output, and the
 * dense X (largest batch), W and b (seeds 1, 2, 3). Returns 0 or 1. */
int bench_prepare_data(bench_run *run)
{
    const bench_report *r = run->report;
    int any_map = 0, any_dense = 0;
    for (size_t i = 0; i < r->row_count; i++) {
        any_map |= r->rows[i].workload == GPUCC_WORKLOAD_MAP;
        any_dense |= r->rows[i].workload == GPUCC_WORKLOAD_DENSE;
    }
    run->x_count = vector_elems(r);
    int ok = 1;
    if (run->x_count) {
        bench_progress_line(run->p, "generating %zu random floats", run->x_count);
        ok = (run->x = gpucc_alloc_floats(run->x_count)) && gpucc_generate(run->x, run->x_count, 1, 0) == GPUCC_OK;
        if (ok && any_map)
            ok = !!(run->out = gpucc_alloc_floats(run->x_count));
    }
    if (ok && any_dense) {
        size_t xw = (size_t)DENSE_DIM * DENSE_DIM; /* batch <= DENSE_DIM */
        ok = (run->dx = gpucc_alloc_floats(xw)) && (run->dw = gpucc_alloc_floats(xw)) &&
             (run->db = gpucc_alloc_floats(DENSE_DIM)) && (run->dy = gpucc_alloc_floats(xw)) &&
             gpucc_generate(run->dx, xw, 1, 0) == GPUCC_OK && gpucc_generate(run->dw, xw, 2, 0) == GPUCC_OK &&
             gpucc_generate(run->db, DENSE_DIM, 3, 0) == GPUCC_OK;
    }
    if (!ok)
        fprintf(stderr, "gpucc bench: cannot prepare the input data: %s\n", gpucc_last_error());
    return ok ? 0 : GPUCC_EXIT_FAILED;
}

static void free_data(bench_run *run)
{
    gpucc_free_floats(run->x);
    gpucc_free_floats(run->out);
    gpucc_free_floats(run->dx);
    gpucc_free_floats(run->dw);
    gpucc_free_floats(run->db);
    gpucc_free_floats(run->dy);
}

/* The exact reference of x[0..n), computed once per n. */
static const gpucc_reference *reference_of(bench_run *run, size_t n)
{
    for (int i = 0; i < run->ref_count; i++)
        if (run->refs[i].n == n)
            return &run->refs[i].ref;
    int i = run->ref_count < 32 ? run->ref_count++ : 31;
    run->refs[i].n = n;
    if (gpucc_reference_compute(run->x, n, 0, &run->refs[i].ref) != GPUCC_OK) {
        run->refs[i].n = 0;
        return NULL;
    }
    return &run->refs[i].ref;
}

/* One gpucc_measure run of a row's workload with plan. Outputs are poisoned
 * (all bits set: NaN) first, so that a call that writes nothing fails. */
static gpucc_status measure_once(bench_run *run, const bench_row *row, gpucc_backend *backend,
                                 const gpucc_plan *plan, gpucc_measurement *m)
{
    switch (row->workload) {
    case GPUCC_WORKLOAD_REDUCE: {
        const gpucc_reference *ref = reference_of(run, row->n);
        return ref ? gpucc_reduce_measure(backend, BENCH_OP, run->x, row->n, ref, plan, m) : GPUCC_E_NOMEM;
    }
    case GPUCC_WORKLOAD_MAP: {
        memset(run->out, 0xff, row->n * sizeof(float));
        cli_map_job job = {backend, BENCH_FN, 0.0f, run->x, NULL, run->out, row->n};
        return cli_map_job_measure(&job, plan, m);
    }
    default: {
        memset(run->dy, 0xff, row->shape.batch * row->shape.out * sizeof(float));
        cli_dense_job job = {backend, &row->shape, run->dx, run->dw, run->db, run->dy};
        return cli_dense_job_measure(&job, plan, m);
    }
    }
}

/* Measures a row: 1 warm-up and 3 timed calls; when those 3 took less than
 * min_time (median x 3), again with as many timed calls as fill min_time
 * (the first run then served as warm-up and calibration; both runs'
 * verification counts, and a reduction must give bitwise the same value in
 * both). */
static gpucc_status measure_row(bench_run *run, bench_row *row, gpucc_backend *backend)
{
    gpucc_plan plan = {BENCH_WARMUP, BENCH_MIN_REPEAT};
    gpucc_measurement first;
    gpucc_status status = measure_once(run, row, backend, &plan, &first);
    row->m = first;
    row->repeats = plan.repeat;
    double min_ms = run->o->min_time_s * 1e3, per_call = first.total_ms.median;
    if (status != GPUCC_OK || per_call * BENCH_MIN_REPEAT >= min_ms)
        return status;
    double want = ceil(min_ms / (per_call > 1e-4 ? per_call : 1e-4));
    plan = (gpucc_plan){0, want > BENCH_MAX_REPEAT ? BENCH_MAX_REPEAT : (unsigned)want};
    status = measure_once(run, row, backend, &plan, &row->m);
    if (status != GPUCC_OK)
        return status;
    row->repeats = plan.repeat;
    if (!first.verified) {
        row->m.verified = 0;
        snprintf(row->m.reason, sizeof row->m.reason, "%s", first.reason);
    } else if (row->workload == GPUCC_WORKLOAD_REDUCE && row->m.verified &&
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

/* Picks the ceilings of a measured row (see bench/README.md): reductions
 * against read bandwidth, maps against copy bandwidth (or the transfers
 * where the device copies), dense against GEMM. */
static void choose_ceilings(const bench_report *r, bench_row *row)
{
    int copied = row->m.flags & GPUCC_RESULT_COPIED;
    bench_ceiling_id total, kernel;
    switch (row->workload) {
    case GPUCC_WORKLOAD_REDUCE:
        total = row->backend == GPUCC_BACKEND_SERIAL ? CEIL_HOST_READ_1T
                : row->backend == GPUCC_BACKEND_PTHREADS || !copied ? CEIL_HOST_READ_ALL
                                                                     : CEIL_CL_H2D;
        kernel = row->backend == GPUCC_BACKEND_OPENCL ? CEIL_CL_READ : total;
        break;
    case GPUCC_WORKLOAD_MAP:
        total = row->backend == GPUCC_BACKEND_SERIAL ? CEIL_HOST_COPY_1T
                : row->backend == GPUCC_BACKEND_PTHREADS || !copied ? CEIL_HOST_COPY_ALL
                                                                     : CEIL_CL_ROUNDTRIP;
        kernel = row->backend == GPUCC_BACKEND_OPENCL && copied ? CEIL_CL_READ : total;
        break;
    default:
        total = kernel = row->backend == GPUCC_BACKEND_SERIAL     ? CEIL_OPENBLAS_1T
                         : row->backend == GPUCC_BACKEND_PTHREADS ? CEIL_OPENBLAS_ALL
                                                                  : CEIL_CL_GEMM;
        break;
    }
    row->ceiling = r->ceilings[total].measured ? total : CEIL_NONE;
    row->kernel_ceiling = r->ceilings[kernel].measured ? kernel : CEIL_NONE;
}

/* "size: reduce sum on opencl, n = 100000000" */
static void describe(const bench_row *row, char *buf, size_t size)
{
    int n = snprintf(buf, size, "%s: %s %s on %s", bench_suite_name(row->suite), cli_workload_name(row->workload),
                     row->what, gpucc_backend_kind_name(row->backend));
    if (n < 0 || (size_t)n >= size)
        return;
    if (row->workload == GPUCC_WORKLOAD_DENSE)
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
    if (!backend) {
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
            choose_ceilings(r, row);
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
    for (size_t i = 0; i < r->row_count; i++) {
        run_row(run, i);
        if (i + 1 == r->row_count || r->rows[i + 1].suite != r->rows[i].suite) {
            compute_speedups(r);
            bench_progress_clear(run->p);
            bench_print_suite(stdout, r, r->rows[i].suite);
            fflush(stdout);
        }
    }
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
    free_data(run);
    free(run->slots);
    free(run->slot_of);
    free(run->report->rows);
}
