/* The options of `gpucc bench`: its help, parsing, and the settings the
 * report records. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>

#include "bench-cmd.h"
#include "parse.h"

static void print_help(void)
{
    printf("usage: gpucc bench [options]\n"
           "\n"
           "Sweeps every selected backend, verifies every point, and places each against\n"
           "a ceiling measured at the start in the same process (host read and copy\n"
           "bandwidth and FP32 FMA peak; the OpenCL device's read and copy bandwidth, FMA\n"
           "peak and transfer bandwidth; OpenBLAS and CLBlast SGEMM as peers).\n"
           "\n"
           "suites:\n");
    char size_workloads[160];
    bench_axis_workloads(GPUCCI_AXIS_SIZE, size_workloads, sizeof size_workloads);
    printf("  size     %s,\n"
           "           1e3 .. --max-size elements (log steps, 3e8 included; above the\n"
           "           device's largest allocation runs chunked)\n",
           size_workloads);
    printf("  threads  pthreads reduce sum at 1e8 with 1 .. 2x online CPUs threads\n"
           "  wgsize   OpenCL reduce sum at 1e8, local sizes 1..256 (cpu shape), 16..1024 (gpu)\n"
           "  batch    dense 1024 -> 1024 with relu, batch 1, 4, 16, 64, 256, 1024\n"
           "  overlap  OpenCL reduce sum at 1e8 with copied buffers, overlap on and off\n"
           "\n"
           "options:\n"
           "  --suite=LIST         comma list of the suites above (default: all)\n"
           "  --backend=LIST       comma list of serial,pthreads,opencl (default: all available)\n"
           "  --device=N|gpu|cpu|NAME  OpenCL device (see 'gpucc devices')\n"
           "  --max-size=N         largest element count of any sweep (default: 1e9)\n"
           "  --min-time=SECONDS   timed time per point at least (default: 0.2); always\n"
           "                       1 warm-up and at least 3, at most 100000 timed calls\n"
           "  --json=PATH          write the results as JSON (schema_version 1; one row per line)\n"
           "  --csv=PATH           write the results as CSV (header + one row per line)\n"
           "  --ceilings=measure|skip|RUN.json\n"
           "                       measure the ceilings (default; tens of seconds), skip them (rows get\n"
           "                       no %% of ceiling), or reuse those of an earlier run on this machine\n"
           "                       (those it lacks that this run needs are measured now)\n"
           "  --compare=BASE.json  decide per point whether this run is slower, faster or the\n"
           "                       same as BASE.json (Mann-Whitney U on the per-call times,\n"
           "                       alpha 0.05, and a change above --threshold); refused between\n"
           "                       machines or builds\n"
           "  --threshold=P        with --compare: the smallest change that counts, in %% (default: 5)\n"
           "  --across             with --compare: two machines side by side, each rate as a\n"
           "                       fraction of its own run's ceilings; no verdict\n"
           "  --junit=PATH         with --compare: write the verdicts as JUnit XML\n"
           "  --from=RUN.json      with --compare: take the new side from RUN.json, run nothing\n"
           "  --quiet              no progress on stderr\n"
           "\n"
           "Results go to stdout as a table per suite. Files are written atomically.\n"
           "Exit status: 0 ok, 1 a point failed or did not verify, or --compare found a\n"
           "point slower, 64 usage error, 65 malformed --compare/--from/--ceilings file or\n"
           "no verdict possible (another machine or build, a base without samples), 66\n"
           "unreadable --compare/--from file, 69 requested backend or device unavailable,\n"
           "73 output file not writable.\n");
}

static const char *suite_name(unsigned suite)
{
    return bench_suite_name((bench_suite)suite);
}

/* --threshold=P: a percentage in [0, 100), with or without a trailing %. */
static int parse_threshold(const char *value, double *out)
{
    char why[96], number[64];
    size_t len = strlen(value);
    double p;
    snprintf(number, sizeof number, "%.*s", (int)(len && value[len - 1] == '%' ? len - 1 : len), value);
    if (len >= sizeof number || cli_parse_real(number, 0, &p, why, sizeof why) != 0)
        return cli_usage_error("bench", "--threshold", value, len >= sizeof number ? "is too long" : why);
    if (p < 0 || p >= 100)
        return cli_usage_error("bench", "--threshold", value, "must be a percentage from 0 to below 100");
    *out = p / 100;
    return 0;
}

static int parse_seconds(const char *value, double *out)
{
    char why[96];
    double s;
    if (cli_parse_real(value, 0, &s, why, sizeof why) != 0)
        return cli_usage_error("bench", "--min-time", value, why);
    if (s <= 0 || s > 3600)
        return cli_usage_error("bench", "--min-time", value, "must be above 0 and at most 3600");
    *out = s;
    return 0;
}

enum { OPT_SUITE = 256, OPT_BACKEND, OPT_DEVICE, OPT_MAX_SIZE, OPT_MIN_TIME, OPT_JSON, OPT_CSV, OPT_COMPARE,
       OPT_FROM, OPT_CEILINGS, OPT_QUIET, OPT_THRESHOLD, OPT_ACROSS, OPT_JUNIT };

static int apply_option(int opt, const char *arg, void *ctx)
{
    bench_options *o = ctx;
    char why[96];
    switch (opt) {
    case OPT_SUITE: return cli_parse_list("bench", "--suite", arg, suite_name, BENCH_SUITE_COUNT, &o->suites);
    case OPT_BACKEND:
        o->backends_given = 1;
        return cli_parse_list("bench", "--backend", arg, cli_backend_name, GPUCC_BACKEND_COUNT, &o->backends);
    case OPT_DEVICE: return cli_take_path("bench", "--device", arg, &o->device);
    case OPT_MAX_SIZE:
        if (cli_parse_count(arg, 1, UINT64_C(1) << 40, &o->max_size, why, sizeof why) != 0)
            return cli_usage_error("bench", "--max-size", arg, why);
        return 0;
    case OPT_MIN_TIME: return parse_seconds(arg, &o->min_time_s);
    case OPT_JSON: return cli_take_path("bench", "--json", arg, &o->json);
    case OPT_CSV: return cli_take_path("bench", "--csv", arg, &o->csv);
    case OPT_COMPARE: return cli_take_path("bench", "--compare", arg, &o->compare);
    case OPT_FROM: return cli_take_path("bench", "--from", arg, &o->from);
    case OPT_CEILINGS:
        o->ceilings = strcmp(arg, "measure") == 0 ? NULL : arg;
        return *arg ? 0 : cli_usage_error("bench", "--ceilings", arg, "is empty");
    case OPT_QUIET: o->quiet = 1; return 0;
    case OPT_THRESHOLD: o->threshold_given = 1; return parse_threshold(arg, &o->threshold);
    case OPT_ACROSS: o->across = 1; return 0;
    case OPT_JUNIT: return cli_take_path("bench", "--junit", arg, &o->junit);
    }
    return GPUCC_EXIT_USAGE;
}

int bench_parse_options(int argc, char **argv, bench_options *o)
{
    static const struct option options[] = {
        {"suite", required_argument, NULL, OPT_SUITE},     {"backend", required_argument, NULL, OPT_BACKEND},
        {"device", required_argument, NULL, OPT_DEVICE},   {"max-size", required_argument, NULL, OPT_MAX_SIZE},
        {"min-time", required_argument, NULL, OPT_MIN_TIME}, {"json", required_argument, NULL, OPT_JSON},
        {"csv", required_argument, NULL, OPT_CSV},         {"compare", required_argument, NULL, OPT_COMPARE},
        {"from", required_argument, NULL, OPT_FROM},       {"quiet", no_argument, NULL, OPT_QUIET},
        {"ceilings", required_argument, NULL, OPT_CEILINGS}, {"threshold", required_argument, NULL, OPT_THRESHOLD},
        {"across", no_argument, NULL, OPT_ACROSS},         {"junit", required_argument, NULL, OPT_JUNIT},
        {"help", no_argument, NULL, 'h'},                  {NULL, 0, NULL, 0},
    };
    memset(o, 0, sizeof *o);
    o->suites = (1u << BENCH_SUITE_COUNT) - 1;
    o->backends = (1u << GPUCC_BACKEND_COUNT) - 1;
    o->max_size = 1000000000;
    o->min_time_s = 0.2;
    o->threshold = 0.05;
    int rc = cli_read_options("bench", argc, argv, options, print_help, apply_option, o);
    if (rc)
        return rc;
    if (o->from && (!o->compare || o->json || o->csv)) {
        fprintf(stderr, "gpucc bench: --from needs --compare and runs nothing (no --json, --csv)\n");
        return GPUCC_EXIT_USAGE;
    }
    if (!o->compare && (o->threshold_given || o->across || o->junit)) {
        fprintf(stderr, "gpucc bench: --threshold, --across and --junit need --compare\n");
        return GPUCC_EXIT_USAGE;
    }
    if (o->across && (o->threshold_given || o->junit)) {
        fprintf(stderr, "gpucc bench: --across gives no verdict (no --threshold, --junit)\n");
        return GPUCC_EXIT_USAGE;
    }
    return 0;
}

void bench_describe_settings(bench_report *r, const bench_options *o)
{
    cli_list_names(r->settings.suites, sizeof r->settings.suites, suite_name, BENCH_SUITE_COUNT, o->suites, ",");
    cli_list_names(r->settings.backends, sizeof r->settings.backends, cli_backend_name, GPUCC_BACKEND_COUNT,
                   o->backends, ",");
    snprintf(r->settings.device, sizeof r->settings.device, "%s", o->device ? o->device : "");
    r->settings.max_size = o->max_size;
    r->settings.min_time_s = o->min_time_s;
    r->settings.warmup = BENCH_WARMUP;
    r->settings.min_repeat = BENCH_MIN_REPEAT;
    r->settings.max_repeat = BENCH_MAX_REPEAT;
}
