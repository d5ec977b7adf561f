#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "build-info.h"
#include "parse.h"

/* Largest accepted --size: 2^40 elements (4 TiB), far beyond any memory
 * here; the real limit is checked when the arrays are allocated. */
#define MAX_SIZE (UINT64_C(1) << 40)
/* Largest accepted dense dimension; products are checked by the library. */
#define MAX_DIM (UINT64_C(1) << 32)

static const char *const workload_names[GPUCC_WORKLOAD_COUNT] = {"reduce", "map", "dense"};

const char *cli_workload_name(cli_workload workload)
{
    return (unsigned)workload < GPUCC_WORKLOAD_COUNT ? workload_names[workload] : "?";
}

/* The names of the library's enums; the lists in the help come from them,
 * so that the help shows what the parsers accept. */
static const char *reduce_op_name(unsigned op)
{
    return gpucc_reduce_op_name((gpucc_reduce_op)op);
}

static const char *map_fn_name(unsigned fn)
{
    return gpucc_map_fn_name((gpucc_map_fn)fn);
}

static const char *activation_name(unsigned act)
{
    return gpucc_activation_name((gpucc_activation)act);
}

/* Prints name_of(0 .. count - 1) separated by sep; returns the characters
 * printed. */
static int print_names(const char *(*name_of)(unsigned), unsigned count, const char *sep)
{
    int width = 0;
    for (unsigned i = 0; i < count; i++)
        width += printf("%s%s", i ? sep : "", name_of(i));
    return width;
}

/* Prints one option of the help, "  --OPTION=a|b|c", then text from column
 * 25 (or two spaces after a longer option). */
static void print_choice_option(const char *option, const char *(*name_of)(unsigned), unsigned count,
                                const char *text)
{
    int width = printf("  %s=", option) + print_names(name_of, count, "|");
    printf("%*s%s\n", width < 23 ? 25 - width : 2, "", text);
}

void cli_run_help(void)
{
    printf("usage: gpucc run reduce|map|dense [options]\n"
           "\n"
           "Runs a workload on every selected backend, verifies each result against a\n"
           "higher-precision reference on the host, and prints a table.\n"
           "\n"
           "  reduce   sum, min or max of float32 data (verified against the exact value)\n"
           "  map      element-wise function (verified in ulps against double precision)\n"
           "  dense    Y = act(X W^T + b) (verified against double precision, per element)\n"
           "\n"
           "every workload:\n"
           "  --backend=LIST         comma list of ");
    print_names(cli_backend_name, GPUCC_BACKEND_COUNT, ",");
    printf(" (default: all available)\n"
           "  --threads=N            pthreads worker count (default: online CPUs)\n"
           "  --device=N|gpu|cpu|NAME  OpenCL device: index from 'gpucc devices', type, or name\n"
           "  --repeat=N             timed calls per backend (default: 10)\n"
           "  --warmup=N             untimed calls first (default: 2; dense: at least 1)\n"
           "  --seed=N               seed of generated data (default: 1)\n"
           "  --format=table|json|csv  output format (default: table)\n"
           "reduce:\n");
    print_choice_option("--op", reduce_op_name, GPUCC_REDUCE_OP_COUNT, "reduction (default: sum)");
    printf("  --size=N               elements to generate: 100000000, 1e8, 2.5e6 (default: 1e8)\n"
           "  --input=PATH           data: .npy (1-D float32) or raw float32 (.f32, .bin)\n"
           "map:\n");
    print_choice_option("--fn", map_fn_name, GPUCC_MAP_FN_COUNT, "function (default: square)");
    printf("  --alpha=A              saxpy's a in y = a*x + y (default: 2; y is generated)\n"
           "  --size=N, --input=PATH as for reduce\n"
           "  --output=PATH          write the result (only if all verified): .npy, or raw\n"
           "                         float32 for any other extension, as --input reads it\n"
           "  --output-backend=NAME  backend whose result is written (default: first selected)\n"
           "dense:\n"
           "  --batch=N --in=N --out=N  shape of X [batch x in], W [out x in], b [out] (256, 1024, 1024)\n");
    print_choice_option("--act", activation_name, GPUCC_ACT_COUNT, "activation (default: relu)");
    printf("  --impl=auto|clblast|kernel  OpenCL implementation (default: auto, the faster)\n"
           "  --input=X.npy --weights=W.npy --bias=B.npy  read all three instead of generating\n"
           "  --output=PATH, --output-backend=NAME  as for map\n"
           "OpenCL tuning (results are verified the same way for every value):\n"
           "  --local-size=N         work-group size of the reduction kernels\n"
           "  --cl-shape=cpu|gpu     reduction kernel shape (default: by device type)\n"
           "  --cl-max-alloc=BYTES   cap one device buffer; larger inputs run in chunks\n"
           "  --cl-copy              copy data to device buffers even on shared memory\n"
           "  --cl-fp32              use the fp32 (float-float) summation fallback\n"
           "  --cl-no-overlap        copy path: no overlap of copies and kernels (to measure its gain)\n"
           "\n"
           "Exit status: 0 ok, 1 a run failed or did not verify, 64 usage error,\n"
           "65 malformed or mismatched input file, 66 unreadable input file,\n"
           "69 requested backend or device unavailable, 73 output file not writable.\n");
}

static int usage_error(const char *option, const char *value, const char *why)
{
    return cli_usage_error("run", option, value, why);
}

/* Parses a count option into [min, max]; prints the error itself. */
static int parse_option_count(const char *option, const char *value, uint64_t min, uint64_t max, uint64_t *out)
{
    char why[96];
    if (cli_parse_count(value, min, max, out, why, sizeof why) != 0)
        return usage_error(option, value, why);
    return 0;
}

static int parse_alpha(const char *value, float *out)
{
    char why[96];
    double alpha;
    if (cli_parse_real(value, 1, &alpha, why, sizeof why) != 0)
        return usage_error("--alpha", value, why);
    *out = (float)alpha;
    return 0;
}

enum {
    OPT_OP = 256, OPT_SIZE, OPT_INPUT, OPT_SEED, OPT_BACKEND, OPT_THREADS, OPT_DEVICE, OPT_REPEAT, OPT_WARMUP,
    OPT_FORMAT, OPT_LOCAL_SIZE, OPT_CL_SHAPE, OPT_CL_MAX_ALLOC, OPT_CL_COPY, OPT_CL_FP32, OPT_FN, OPT_ALPHA,
    OPT_OUTPUT, OPT_OUTPUT_BACKEND, OPT_BATCH, OPT_IN, OPT_OUT, OPT_ACT, OPT_IMPL, OPT_WEIGHTS, OPT_BIAS, OPT_CL_NO_OVERLAP,
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
    {"cl-no-overlap", no_argument, NULL, OPT_CL_NO_OVERLAP},
    {"fn", required_argument, NULL, OPT_FN},
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"output-backend", required_argument, NULL, OPT_OUTPUT_BACKEND},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"in", required_argument, NULL, OPT_IN},
    {"out", required_argument, NULL, OPT_OUT},
    {"act", required_argument, NULL, OPT_ACT},
    {"impl", required_argument, NULL, OPT_IMPL},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"bias", required_argument, NULL, OPT_BIAS},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* The workloads each workload-specific option applies to (bit mask). */
static unsigned option_workloads(int opt)
{
    const unsigned reduce = 1u << GPUCC_WORKLOAD_REDUCE, map = 1u << GPUCC_WORKLOAD_MAP,
                   dense = 1u << GPUCC_WORKLOAD_DENSE;
    switch (opt) {
    case OPT_OP: return reduce;
    case OPT_SIZE: return reduce | map;
    case OPT_FN: case OPT_ALPHA: return map;
    case OPT_OUTPUT: case OPT_OUTPUT_BACKEND: return map | dense;
    case OPT_BATCH: case OPT_IN: case OPT_OUT: case OPT_ACT: case OPT_IMPL: case OPT_WEIGHTS: case OPT_BIAS:
        return dense;
    default: return reduce | map | dense;
    }
}

/* A path or name option's value: non-empty. */
static int take_path(const char *option, const char *arg, const char **out)
{
    return cli_take_path("run", option, arg, out);
}

/* Parses a dense dimension into *dim. */
static int parse_dim(const char *option, const char *arg, size_t *dim, int *given)
{
    uint64_t v;
    int rc = parse_option_count(option, arg, 1, MAX_DIM, &v);
    if (!rc) {
        *dim = (size_t)v;
        *given = 1;
    }
    return rc;
}

/* Applies one parsed option; returns 0 or an exit code. */
static int apply_option(int opt, const char *arg, cli_run_options *o)
{
    static const char *const format_names[] = {"table", "json", "csv"}; /* in cli_format's order */
    static const char *const shape_names[] = {"cpu", "gpu"};
    static const char *const impl_names[] = {"auto", "clblast", "kernel"}; /* GPUCC_DENSE_AUTO ... */
    uint64_t v;
    int choice, rc = 0;
    switch (opt) {
    case OPT_OP:
        if (gpucc_reduce_op_parse(arg, &o->op) != GPUCC_OK)
            return usage_error("--op", arg, "is not one of sum, min, max");
        break;
    case OPT_SIZE:
        if (!(rc = parse_option_count("--size", arg, 1, MAX_SIZE, &o->size)))
            o->size_given = 1;
        break;
    case OPT_INPUT: return take_path("--input", arg, &o->input);
    case OPT_OUTPUT: return take_path("--output", arg, &o->output);
    case OPT_WEIGHTS: return take_path("--weights", arg, &o->weights);
    case OPT_BIAS: return take_path("--bias", arg, &o->bias);
    case OPT_SEED: return parse_option_count("--seed", arg, 0, UINT64_MAX, &o->seed);
    case OPT_BACKEND:
        if (!(rc = cli_parse_list("run", "--backend", arg, cli_backend_name, GPUCC_BACKEND_COUNT, &o->backends)))
            o->backends_given = 1;
        break;
    case OPT_OUTPUT_BACKEND:
        if (gpucc_backend_kind_parse(arg, &o->output_backend) != GPUCC_OK)
            return usage_error("--output-backend", arg, "is not one of serial, pthreads, opencl");
        o->output_backend_given = 1;
        break;
    case OPT_THREADS:
        if (!(rc = parse_option_count("--threads", arg, 1, 1024, &v)))
            o->config.threads = (unsigned)v;
        break;
    case OPT_DEVICE:
        if (!(rc = take_path("--device", arg, &o->config.device)))
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
        if (!(rc = cli_parse_choice("run", "--format", arg, format_names, 3, &choice)))
            o->format = (cli_format)choice;
        break;
    case OPT_LOCAL_SIZE:
        if (!(rc = parse_option_count("--local-size", arg, 1, 1u << 16, &v)))
            o->config.local_size = (size_t)v;
        break;
    case OPT_CL_SHAPE:
        if (!(rc = cli_parse_choice("run", "--cl-shape", arg, shape_names, 2, &choice)))
            o->config.shape = choice ? GPUCC_SHAPE_GPU : GPUCC_SHAPE_CPU;
        break;
    case OPT_CL_MAX_ALLOC: return parse_option_count("--cl-max-alloc", arg, 1, UINT64_MAX, &o->config.max_alloc);
    case OPT_CL_COPY: o->config.force_copy = 1; break;
    case OPT_CL_FP32: o->config.force_no_fp64 = 1; break;
    case OPT_CL_NO_OVERLAP: o->config.no_overlap = 1; break;
    case OPT_FN:
        if (gpucc_map_fn_parse(arg, &o->fn) != GPUCC_OK)
            return usage_error("--fn", arg, "is not one of square, saxpy, relu, sigmoid, tanh, exp");
        break;
    case OPT_ALPHA:
        if (!(rc = parse_alpha(arg, &o->alpha)))
            o->alpha_given = 1;
        break;
    case OPT_BATCH: return parse_dim("--batch", arg, &o->shape.batch, &o->shape_given);
    case OPT_IN: return parse_dim("--in", arg, &o->shape.in, &o->shape_given);
    case OPT_OUT: return parse_dim("--out", arg, &o->shape.out, &o->shape_given);
    case OPT_ACT:
        if (gpucc_activation_parse(arg, &o->shape.act) != GPUCC_OK)
            return usage_error("--act", arg, "is not one of none, relu, sigmoid, tanh");
        break;
    case OPT_IMPL:
        if (!(rc = cli_parse_choice("run", "--impl", arg, impl_names, 3, &choice)))
            o->config.dense_impl = choice;
        if (!rc && o->config.dense_impl == GPUCC_DENSE_CLBLAST && !gpucci_build()->clblast) {
            fprintf(stderr, "gpucc run: --impl=clblast: gpucc built without CLBlast\n");
            return GPUCC_EXIT_UNAVAILABLE;
        }
        break;
    }
    return rc;
}

/* Applies one option after checking that it applies to the workload. */
static int apply_run_option(int opt, const char *arg, void *ctx)
{
    cli_run_options *o = ctx;
    if (!(option_workloads(opt) & (1u << o->workload))) {
        const char *name = workload_names[o->workload];
        fprintf(stderr, "gpucc run %s: option --%s does not apply to %s (see 'gpucc run --help')\n", name,
                cli_option_of(run_options, opt)->name, name);
        return GPUCC_EXIT_USAGE;
    }
    return apply_option(opt, arg, o);
}

/* Cross-option rules, once everything is parsed. Returns 0 or 64. */
static int check_combination(cli_run_options *o)
{
    const char *name = workload_names[o->workload];
    if (o->input && o->size_given) {
        fprintf(stderr, "gpucc run %s: --size and --input exclude each other (the file sets the size)\n", name);
        return GPUCC_EXIT_USAGE;
    }
    if (o->workload == GPUCC_WORKLOAD_DENSE) {
        int files = !!o->input + !!o->weights + !!o->bias;
        if (files != 0 && files != 3) {
            fprintf(stderr, "gpucc run dense: --input, --weights and --bias go together (X, W and b)\n");
            return GPUCC_EXIT_USAGE;
        }
        if (files == 3 && o->shape_given) {
            fprintf(stderr, "gpucc run dense: --batch, --in and --out exclude --input (the files set the shape)\n");
            return GPUCC_EXIT_USAGE;
        }
        if (o->plan.warmup == 0)
            o->plan.warmup = 1; /* CLBlast compiles and auto chooses on the first call */
    }
    if (o->output_backend_given && !(o->backends & (1u << o->output_backend))) {
        fprintf(stderr, "gpucc run %s: --output-backend=%s is not among the selected backends\n", name,
                gpucc_backend_kind_name(o->output_backend));
        return GPUCC_EXIT_USAGE;
    }
    if (o->output_backend_given && !o->output) {
        fprintf(stderr, "gpucc run %s: --output-backend needs --output\n", name);
        return GPUCC_EXIT_USAGE;
    }
    if (!o->output_backend_given) /* the first selected backend */
        for (int k = GPUCC_BACKEND_COUNT - 1; k >= 0; k--)
            if (o->backends & (1u << k))
                o->output_backend = (gpucc_backend_kind)k;
    return 0;
}

static void set_defaults(cli_run_options *o, cli_workload workload)
{
    memset(o, 0, sizeof *o);
    o->workload = workload;
    o->op = GPUCC_REDUCE_SUM;
    o->size = 100000000;
    o->backends = (1u << GPUCC_BACKEND_COUNT) - 1;
    o->plan = (gpucc_plan){.warmup = 2, .repeat = 10};
    o->seed = 1;
    o->fn = GPUCC_MAP_SQUARE;
    o->alpha = 2.0f;
    o->shape = (gpucc_dense_shape){.batch = 256, .in = 1024, .out = 1024, .act = GPUCC_ACT_RELU};
}

int cli_parse_run(int argc, char **argv, cli_run_options *o)
{
    int workload = 0;
    while (workload < GPUCC_WORKLOAD_COUNT && strcmp(argv[0], workload_names[workload]) != 0)
        workload++;
    if (workload == GPUCC_WORKLOAD_COUNT) {
        fprintf(stderr, "gpucc run: unknown workload '%s' (expected reduce, map or dense)\n", argv[0]);
        return GPUCC_EXIT_USAGE;
    }
    set_defaults(o, (cli_workload)workload);
    int rc = cli_read_options("run", argc, argv, run_options, cli_run_help, apply_run_option, o);
    return rc ? rc : check_combination(o);
}
