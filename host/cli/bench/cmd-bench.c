/* gpucc bench: sweeps over size, thread count, work-group size, batch and
 * transfer overlap, every point verified and placed against a ceiling
 * measured at the start in the same process.
 *
 * Flow: parse options -> measure ceilings -> plan every point as a pending
 * row (so progress knows the total) -> run the points in order, opening each
 * backend configuration once and closing it after its last point -> print a
 * table per suite, write JSON and CSV, compare with an older run. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench-cmd.h"
#include "commands.h"
#include "timer.h"

/* Writes the open --json and --csv files; returns 0 or 73. */
static int write_outputs(gpucci_atomic_file *json, gpucci_atomic_file *csv, const bench_report *r)
{
    int rc = bench_write_file(json, bench_write_json, r);
    if (!rc)
        rc = bench_write_file(csv, bench_write_csv, r);
    return rc;
}

int cli_cmd_bench(int argc, char **argv)
{
    bench_options o;
    int rc = bench_parse_options(argc, argv, &o);
    if (rc)
        return rc == -1 ? GPUCC_EXIT_OK : rc;
    gpucci_atomic_file junit; /* created first: an unwritable path stops everything before it starts */
    if ((rc = bench_open_file(&junit, "--junit", o.junit)) != 0)
        return rc;
    bench_compare_request compare = {o.compare, o.from, o.threshold, o.across, &junit};
    if (o.from) {
        rc = bench_compare(stdout, &compare, NULL);
        gpucci_atomic_file_abort(&junit); /* not written (no verdict): remove it */
        return rc;
    }
    if (o.compare && (rc = bench_compare_check(&compare)) != 0) {
        gpucci_atomic_file_abort(&junit);
        return rc; /* before minutes of measuring */
    }
    gpucci_atomic_file json, csv; /* created now: an unwritable path stops the run before it starts */
    rc = bench_open_file(&json, "--json", o.json);
    if (rc == 0 && (rc = bench_open_file(&csv, "--csv", o.csv)) != 0)
        gpucci_atomic_file_abort(&json);
    if (rc) {
        gpucci_atomic_file_abort(&junit);
        return rc;
    }
    static bench_report report; /* large: keep it off the stack */
    memset(&report, 0, sizeof report);
    progress p = {.quiet = o.quiet, .tty = isatty(STDERR_FILENO)};
    bench_run run = {.report = &report, .o = &o, .p = &p};
    double start = gpucci_now_ms();
    cli_context_collect(&report.context);
    bench_describe_settings(&report, &o);
    rc = bench_plan_points(&run);
    if (rc == 0 && (rc = bench_measure_ceilings(&report, &o, &p)) == 0) {
        bench_progress_clear(&p);
        cli_context_print(stdout, &report.context, "");
        bench_print_ceilings(stdout, &report);
        fflush(stdout);
    }
    if (rc == 0) {
        bench_run_rows(&run);
        bench_progress_clear(&p);
        bench_print_notes(stdout, &report);
        printf("\n%zu points in %.1f s\n", report.row_count, (gpucci_now_ms() - start) * 1e-3);
        rc = write_outputs(&json, &csv, &report);
        int judged = bench_judge(&report);
        if (rc == 0 && o.compare) {
            fflush(stdout);
            rc = bench_compare(stdout, &compare, &report);
        }
        if (rc == 0)
            rc = judged;
    }
    gpucci_atomic_file_abort(&json); /* not written (a failed run or write): remove it */
    gpucci_atomic_file_abort(&csv);
    gpucci_atomic_file_abort(&junit);
    bench_run_free(&run);
    return rc;
}

