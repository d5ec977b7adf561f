#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"

/* Largest accepted --size: 2^40 elements (4 TiB), far beyond any memory
 * here; the real limit is checked when the array is allocated. */
#define MAX_SIZE (UINT64_C(1) << 40)

void gpucc_cli_run_help(void)
{
    printf("usage: gpucc run reduce [options]\n"
           "\n"
           "Runs a reduction on every selected backend, verifies each result against\n"
           "the exact sum (or min/max) computed on the host, and prints a table.\n"
           "\n"
           "  --op=sum|min|max       reduction (default: sum)\n"
           "  --size=N               elements to generate: 100000000, 1e8, 2.5e6 (default: 1e8)\n"
           "  --input=PATH           read the data: .npy (1-D float32) or raw float32 (.f32, .bin)\n"
           "  --seed=N               seed of the generated data (default: 1)\n"
           "  --backend=LIST         comma list of serial,pthreads,opencl (default: all available)\n"
           "  --threads=N            pthreads worker count (default: online CPUs)\n"
           "  --device=N|gpu|cpu|NAME  OpenCL device: index from 'gpucc devices', type, or name\n"
           "  --repeat=N             timed calls per backend (default: 10)\n"
           "  --warmup=N             untimed calls first (default: 2)\n"
           "  --format=table|json|csv  output format (default: table)\n"
           "\n"
           "OpenCL tuning (results are identical for every value):\n"
           "  --local-size=N         work-group size of the reduction kernels\n"
           "  --cl-shape=cpu|gpu     kernel shape (default: by device type)\n"
           "  --cl-max-alloc=BYTES   cap one device buffer; larger inputs run in chunks\n"
           "  --cl-copy              copy data to device buffers even on shared memory\n"
           "  --cl-fp32              use the fp32 (float-float) summation fallback\n"
           "\n"
           "Exit status: 0 ok, 1 a run failed or did not verify, 64 usage error,\n"
           "65 malformed input file, 66 unreadable input file, 69 requested backend\n"
           "or device unavailable.\n");
}

static int usage_error(const char *option, const char *value, const char *why)
{
    fprintf(stderr, "gpucc run: %s: '%s' %s (see 'gpucc run --help')\n", option, value, why);
    return GPUCC_EXIT_USAGE;
}

/* Parses a count option into [min, max]; prints the error itself. */
static int parse_option_count(const char *option, const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
    char why[96];
    if (gpucc_parse_count(value, min, max, out, why, sizeof why) != 0)
        return usage_error(option, value, why);
    return 0;
}

static int parse_backends(const char *list, unsigned *mask)
{
    char buf[128];
    if (!*list || strlen(list) >= sizeof buf)
        return usage_error("--backend", list, "is not a list of serial, pthreads, opencl");
    strcpy(buf, list);
    *mask = 0;
    char *save = NULL;
    for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        gpucc_backend_kind kind;
        if (gpucc_backend_kind_parse(name, &kind) != GPUCC_OK)
            return usage_error("--backend", name, "is not one of serial, pthreads, opencl");
        *mask |= 1u << kind;
    }
    return *mask ? 0 : usage_error("--backend", list, "names no backend");
}

enum {
    OPT_OP = 256, OPT_SIZE, OPT_INPUT, OPT_SEED, OPT_BACKEND, OPT_THREADS, OPT_DEVICE, OPT_REPEAT,
    OPT_WARMUP, OPT_FORMAT, OPT_LOCAL_SIZE, OPT_CL_SHAPE, OPT_CL_MAX_ALLOC, OPT_CL_COPY, OPT_CL_FP32,
};

static const struct option run_options[] = {
    {"op", required_argument, NULL, OPT_OP},
    {"size", required_argument, NULL, OPT_SIZE},
    {"input", required_argument, NULL, OPT_INPUT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"backend", required_argument, NULL, OPT_BACKEND},
    {"threads", required_argument, NULL, OPT_THREADS},
    {"device", required_argument, NULL, OPT_DEVICE},
    {"repeat", required_argument, NULL, OPT_REPEAT},
    {"warmup", required_argument, NULL, OPT_WARMUP},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"local-size", required_argument, NULL, OPT_LOCAL_SIZE},
    {"cl-shape", required_argument, NULL, OPT_CL_SHAPE},
    {"cl-max-alloc", required_argument, NULL, OPT_CL_MAX_ALLOC},
    {"cl-copy", no_argument, NULL, OPT_CL_COPY},
    {"cl-fp32", no_argument, NULL, OPT_CL_FP32},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* Applies one parsed option; returns 0 or an exit code. */
static int apply_option(int opt, const char *arg, gpucc_run_options *o)
{
    uint64_t v;
    int rc = 0;
    switch (opt) {
    case OPT_OP:
        if (gpucc_reduce_op_parse(arg, &o->op) != GPUCC_OK)
            return usage_error("--op", arg, "is not one of sum, min, max");
        break;
    case OPT_SIZE:
        if (!(rc = parse_option_count("--size", arg, 1, MAX_SIZE, &o->size)))
            o->size_given = 1;
        break;
    case OPT_INPUT:
        if (!*arg)
            return usage_error("--input", arg, "is empty");
        o->input = arg;
        break;
    case OPT_SEED:
        rc = parse_option_count("--seed", arg, 0, UINT64_MAX, &o->seed);
        break;
    case OPT_BACKEND:
        if (!(rc = parse_backends(arg, &o->backends)))
            o->backends_given = 1;
        break;
    case OPT_THREADS:
        if (!(rc = parse_option_count("--threads", arg, 1, 1024, &v)))
            o->config.threads = (unsigned)v;
        break;
    case OPT_DEVICE:
        if (!*arg)
            return usage_error("--device", arg, "is empty");
        o->config.device = arg;
        o->device_given = 1;
        break;
    case OPT_REPEAT:
        if (!(rc = parse_option_count("--repeat", arg, 1, 1000000, &v)))
            o->plan.repeat = (unsigned)v;
        break;
    case OPT_WARMUP:
        if (!(rc = parse_option_count("--warmup", arg, 0, 1000000, &v)))
            o->plan.warmup = (unsigned)v;
        break;
    case OPT_FORMAT:
        if (strcmp(arg, "table") == 0)
            o->format = GPUCC_FORMAT_TABLE;
        else if (strcmp(arg, "json") == 0)
            o->format = GPUCC_FORMAT_JSON;
        else if (strcmp(arg, "csv") == 0)
            o->format = GPUCC_FORMAT_CSV;
        else
            return usage_error("--format", arg, "is not one of table, json, csv");
        break;
    case OPT_LOCAL_SIZE:
        if (!(rc = parse_option_count("--local-size", arg, 1, 1u << 16, &v)))
            o->config.local_size = (size_t)v;
        break;
    case OPT_CL_SHAPE:
        if (strcmp(arg, "cpu") == 0)
            o->config.shape = GPUCC_SHAPE_CPU;
        else if (strcmp(arg, "gpu") == 0)
            o->config.shape = GPUCC_SHAPE_GPU;
        else
            return usage_error("--cl-shape", arg, "is not one of cpu, gpu");
        break;
    case OPT_CL_MAX_ALLOC:
        rc = parse_option_count("--cl-max-alloc", arg, 1, UINT64_MAX, &o->config.max_alloc);
        break;
    case OPT_CL_COPY:
        o->config.force_copy = 1;
        break;
    case OPT_CL_FP32:
        o->config.force_no_fp64 = 1;
        break;
    }
    return rc;
}

int gpucc_cli_parse_run(int argc, char **argv, gpucc_run_options *o)
{
    memset(o, 0, sizeof *o);
    o->op = GPUCC_REDUCE_SUM;
    o->size = 100000000;
    o->backends = (1u << GPUCC_BACKEND_COUNT) - 1;
    o->plan = (gpucc_plan){.warmup = 2, .repeat = 10};
    o->seed = 1;
    optind = 1;
    opterr = 0;
    for (;;) {
        int index_before = optind;
        int opt = getopt_long(argc, argv, "h", run_options, NULL);
        if (opt == -1)
            break;
        if (opt == 'h') {
            gpucc_cli_run_help();
            return -1;
        }
        if (opt == '?' || opt == ':') {
            const char *word = argv[index_before < argc ? index_before : argc - 1];
            fprintf(stderr, "gpucc run: %s option '%s' (see 'gpucc run --help')\n",
                    opt == ':' || strchr(word, '=') == NULL ? "unknown or incomplete" : "unknown", word);
            return GPUCC_EXIT_USAGE;
        }
        int rc = apply_option(opt, optarg, o);
        if (rc)
            return rc;
    }
    if (optind < argc) {
        fprintf(stderr, "gpucc run: unexpected argument '%s' (see 'gpucc run --help')\n", argv[optind]);
        return GPUCC_EXIT_USAGE;
    }
    if (o->input && o->size_given) {
        fprintf(stderr, "gpucc run: --size and --input exclude each other (the file sets the size)\n");
        return GPUCC_EXIT_USAGE;
    }
    return 0;
}
