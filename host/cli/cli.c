#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "build-info.h"
#include "parse.h"

/* Largest accepted --size: 2^40 elements (4 TiB), far beyond any memory
 * here; the real limit is checked when the arrays are allocated. */
#define MAX_SIZE (UINT64_C(1) << 40)
/* Largest accepted dense dimension; products are checked by the library. */
#define MAX_DIM (UINT64_C(1) << 32)

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

/* Prints "  --dtype=f32|f16|..." with the data types in the mask. */
static void print_dtype_option(unsigned dtypes)
{
    int width = printf("  --dtype=");
    for (unsigned d = 0, first = 1; d < GPUCC_DTYPE_COUNT; d++)
        if (dtypes & (1u << d)) {
            width += printf("%s%s", first ? "" : "|", gpucc_dtype_name(d));
            first = 0;
        }
    printf("%*sdata type of the inputs (default: f32; README: Data types)\n", width < 23 ? 25 - width : 2, "");
}

/* Prints "reduce|map|dense" (sep "|") or "reduce, map or dense" (sep NULL). */
static void print_workload_names(FILE *out, const char *sep)
{
    for (size_t i = 0; i < gpucci_workload_count; i++)
        fprintf(out, "%s%s", i == 0 ? "" : sep ? sep : i + 1 == gpucci_workload_count ? " or " : ", ",
               gpucci_workloads[i]->name);
}

void cli_run_help(void)
{
    printf("usage: gpucc run ");
    print_workload_names(stdout, "|");
    printf(" [options]\n"
           "\n"
           "Runs a workload on every selected backend, verifies each result against a\n"
           "higher-precision reference on the host, and prints a table.\n"
           "\n");
    for (size_t i = 0; i < gpucci_workload_count; i++)
        printf("  %-8s %s\n", gpucci_workloads[i]->name, gpucci_workloads[i]->summary);
    printf("\n"
           "every workload:\n"
           "  --backend=LIST         comma list of ");
    print_names(cli_backend_name, GPUCC_BACKEND_COUNT, ",");
    printf(" (default: all available)\n"
           "  --threads=N            pthreads worker count (default: online CPUs)\n"
           "  --device=N|gpu|cpu|NAME  OpenCL device: index from 'gpucc devices', type, or name;\n"
           "                         a comma list (0,1) or all: each device is its own row\n"
           "  --split                with several devices: one more row, the run split across\n"
           "                         them in proportion to their speed (bitwise the same result)\n"
           "  --repeat=N             timed calls per backend (default: 10)\n"
           "  --warmup=N             untimed calls first (default: 2; dense: at least 1)\n"
           "  --seed=N               seed of generated data (default: 1)\n"
           "  --format=table|json|csv  output format (default: table)\n");
    for (size_t i = 0; i < gpucci_workload_count; i++) {
        const gpucci_workload *w = gpucci_workloads[i];
        printf("%s:\n", w->name);
        if (w->variant_option)
            print_choice_option(w->variant_option, w->variant_name, w->variant_count, w->variant_help);
        if (gpucci_workload_dtypes(w) != 1u << GPUCC_F32)
            print_dtype_option(gpucci_workload_dtypes(w));
        fputs(w->help, stdout);
    }
    printf("OpenCL tuning (results are verified the same way for every value):\n"
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

/* --alpha: a number in float32's range (the map computes in float for most
 * types), kept as the double it reads as: f64 and i32 use it as given, the
 * others round it to float. */
static int parse_alpha(const char *value, double *out)
{
    char why[96];
    double in_float_range;
    if (cli_parse_real(value, 1, &in_float_range, why, sizeof why) != 0)
        return usage_error("--alpha", value, why);
    return cli_parse_real(value, 0, out, why, sizeof why) != 0 ? usage_error("--alpha", value, why) : 0;
}

enum {
    OPT_SIZE = 256, OPT_INPUT, OPT_INPUT_Y, OPT_SEED, OPT_BACKEND, OPT_THREADS, OPT_DEVICE, OPT_REPEAT, OPT_WARMUP,
    OPT_FORMAT, OPT_LOCAL_SIZE, OPT_CL_SHAPE, OPT_CL_MAX_ALLOC, OPT_CL_COPY, OPT_CL_FP32, OPT_ALPHA, OPT_OUTPUT,
    OPT_OUTPUT_BACKEND, OPT_BATCH, OPT_IN, OPT_OUT, OPT_IMPL, OPT_WEIGHTS, OPT_BIAS, OPT_CL_NO_OVERLAP, OPT_SPLIT,
    OPT_DTYPE,
    OPT_VARIANT, /* OPT_VARIANT + i: the i-th distinct variant option of the registry (--op, --fn, --act) */
};

static const struct option common_options[] = {
    {"size", required_argument, NULL, OPT_SIZE},
    {"input", required_argument, NULL, OPT_INPUT},
    {"input-y", required_argument, NULL, OPT_INPUT_Y},
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
    {"split", no_argument, NULL, OPT_SPLIT},
    {"alpha", required_argument, NULL, OPT_ALPHA},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"output-backend", required_argument, NULL, OPT_OUTPUT_BACKEND},
    {"batch", required_argument, NULL, OPT_BATCH},
    {"in", required_argument, NULL, OPT_IN},
    {"out", required_argument, NULL, OPT_OUT},
    {"impl", required_argument, NULL, OPT_IMPL},
    {"weights", required_argument, NULL, OPT_WEIGHTS},
    {"bias", required_argument, NULL, OPT_BIAS},
    {"dtype", required_argument, NULL, OPT_DTYPE},
    {"help", no_argument, NULL, 'h'},
};

enum { COMMON_OPTIONS = sizeof common_options / sizeof common_options[0], MAX_VARIANT_OPTIONS = 16 };

/* The options of `gpucc run`: the common ones, then each distinct variant
 * option of the registered workloads, then the terminator. */
static const struct option *run_options(void)
{
    static struct option table[COMMON_OPTIONS + MAX_VARIANT_OPTIONS + 1];
    static size_t count;
    if (count)
        return table;
    memcpy(table, common_options, sizeof common_options);
    count = COMMON_OPTIONS;
    for (size_t i = 0; i < gpucci_workload_count; i++) {
        const char *option = gpucci_workloads[i]->variant_option;
        size_t k = COMMON_OPTIONS;
        while (option && k < count && strcmp(table[k].name, option + 2) != 0)
            k++;
        if (option && k == count && count < COMMON_OPTIONS + MAX_VARIANT_OPTIONS)
            table[count++] = (struct option){option + 2, required_argument, NULL, OPT_VARIANT + (int)(k - COMMON_OPTIONS)};
    }
    return table;
}

/* The GPUCCI_OPT_* an option needs the workload to read; 0 for the options of
 * every workload (variant options are checked by name). */
static unsigned option_need(int opt)
{
    switch (opt) {
    case OPT_SIZE: return GPUCCI_OPT_SIZE;
    case OPT_INPUT: return GPUCCI_OPT_INPUT;
    case OPT_INPUT_Y: return GPUCCI_OPT_INPUT_Y;
    case OPT_ALPHA: return GPUCCI_OPT_ALPHA;
    case OPT_OUTPUT: case OPT_OUTPUT_BACKEND: return GPUCCI_OPT_OUTPUT;
    case OPT_BATCH: case OPT_IN: case OPT_OUT: return GPUCCI_OPT_SHAPE;
    case OPT_IMPL: case OPT_WEIGHTS: case OPT_BIAS: return GPUCCI_OPT_DENSE;
    default: return 0;
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

/* Parses a workload's variant (--op, --fn, --act) by name, ignoring case. */
static int parse_variant(const gpucci_workload *w, const char *arg, unsigned *out)
{
    for (unsigned v = 0; v < w->variant_count; v++)
        if (strcasecmp(arg, w->variant_name(v)) == 0) {
            *out = v;
            return 0;
        }
    char why[200] = "is not one of ";
    for (unsigned v = 0; v < w->variant_count; v++) {
        size_t len = strlen(why);
        snprintf(why + len, sizeof why - len, "%s%s", v ? ", " : "", w->variant_name(v));
    }
    return usage_error(w->variant_option, arg, why);
}

/* Parses --dtype into *out: a data type the workload supports. */
static int parse_dtype(const gpucci_workload *w, const char *arg, gpucc_dtype *out)
{
    gpucc_dtype dtype;
    if (gpucc_dtype_parse(arg, &dtype) != GPUCC_OK)
        return usage_error("--dtype", arg, "is not one of f32, f64, f16, bf16, i32");
    if (!(gpucci_workload_dtypes(w) & (1u << dtype))) {
        char supported[64] = "";
        for (unsigned d = 0; d < GPUCC_DTYPE_COUNT; d++)
            if (gpucci_workload_dtypes(w) & (1u << d)) {
                size_t len = strlen(supported);
                snprintf(supported + len, sizeof supported - len, "%s%s", len ? ", " : "", gpucc_dtype_name(d));
            }
        fprintf(stderr, "gpucc run %s: --dtype=%s: %s supports %s\n", w->name, arg, w->name, supported);
        return GPUCC_EXIT_USAGE;
    }
    *out = dtype;
    return 0;
}

/* Applies one parsed option; returns 0 or an exit code. */
static int apply_option(int opt, const char *arg, cli_run_options *o)
{
    static const char *const format_names[] = {"table", "json", "csv"}; /* in cli_format's order */
    static const char *const shape_names[] = {"cpu", "gpu"};
    static const char *const impl_names[] = {"auto", "clblast", "kernel"}; /* GPUCC_DENSE_AUTO ... */
    gpucci_workload_params *p = &o->params;
    uint64_t v;
    int choice, rc = 0;
    if (opt >= OPT_VARIANT)
        return parse_variant(o->workload, arg, &p->variant);
    switch (opt) {
    case OPT_SIZE:
        if (!(rc = parse_option_count("--size", arg, 1, MAX_SIZE, &p->size)))
            o->size_given = 1;
        break;
    case OPT_INPUT: return take_path("--input", arg, &p->input);
    case OPT_INPUT_Y: return take_path("--input-y", arg, &p->input_y);
    case OPT_OUTPUT: return take_path("--output", arg, &o->output);
    case OPT_WEIGHTS: return take_path("--weights", arg, &p->weights);
    case OPT_BIAS: return take_path("--bias", arg, &p->bias);
    case OPT_SEED: return parse_option_count("--seed", arg, 0, UINT64_MAX, &p->seed);
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
        if (!(rc = take_path("--device", arg, &o->devices)))
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
    case OPT_SPLIT: o->split = 1; break;
    case OPT_ALPHA: return parse_alpha(arg, &p->alpha);
    case OPT_DTYPE: return parse_dtype(o->workload, arg, &p->dtype);
    case OPT_BATCH: return parse_dim("--batch", arg, &p->batch, &p->shape_given);
    case OPT_IN: return parse_dim("--in", arg, &p->in, &p->shape_given);
    case OPT_OUT: return parse_dim("--out", arg, &p->out, &p->shape_given);
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

/* Does the workload read this option? */
static int applies(const gpucci_workload *w, int opt)
{
    if (opt >= OPT_VARIANT)
        return w->variant_option && strcmp(cli_option_of(run_options(), opt)->name, w->variant_option + 2) == 0;
    return (w->options & option_need(opt)) == option_need(opt);
}

/* Applies one option after checking that it applies to the workload. */
static int apply_run_option(int opt, const char *arg, void *ctx)
{
    cli_run_options *o = ctx;
    if (!applies(o->workload, opt)) {
        const char *name = o->workload->name;
        fprintf(stderr, "gpucc run %s: option --%s does not apply to %s (see 'gpucc run --help')\n", name,
                cli_option_of(run_options(), opt)->name, name);
        return GPUCC_EXIT_USAGE;
    }
    return apply_option(opt, arg, o);
}

/* Cross-option rules, once everything is parsed. Returns 0 or 64. */
static int check_combination(cli_run_options *o)
{
    const gpucci_workload *w = o->workload;
    if (o->params.input && o->size_given) {
        fprintf(stderr, "gpucc run %s: --size and --input exclude each other (the file sets the size)\n", w->name);
        return GPUCC_EXIT_USAGE;
    }
    const char *why = w->check_options ? w->check_options(&o->params) : NULL;
    if (why) {
        fprintf(stderr, "gpucc run %s: %s\n", w->name, why);
        return GPUCC_EXIT_USAGE;
    }
    if (o->plan.warmup < w->min_warmup)
        o->plan.warmup = w->min_warmup;
    /* OpenCL builds the kernels of a type other than f32 on their first
     * call, which must not be a timed one. */
    if (o->params.dtype != GPUCC_F32 && o->plan.warmup < 1)
        o->plan.warmup = 1;
    if (o->split && (!(o->backends & (1u << GPUCC_BACKEND_OPENCL)) || !o->devices ||
                     (strcmp(o->devices, "all") != 0 && !strchr(o->devices, ',')))) {
        fprintf(stderr, "gpucc run %s: --split needs the opencl backend and several devices (--device=0,1 or --device=all)\n", w->name);
        return GPUCC_EXIT_USAGE;
    }
    if (o->split && o->params.dtype == GPUCC_I32 && w->single_value) {
        fprintf(stderr, "gpucc run %s: --split combines its parts in double: --dtype=i32 (exact integers) runs on "
                        "one device\n", w->name);
        return GPUCC_EXIT_USAGE;
    }
    if (o->output_backend_given && !(o->backends & (1u << o->output_backend))) {
        fprintf(stderr, "gpucc run %s: --output-backend=%s is not among the selected backends\n", w->name,
                gpucc_backend_kind_name(o->output_backend));
        return GPUCC_EXIT_USAGE;
    }
    if (o->output_backend_given && !o->output) {
        fprintf(stderr, "gpucc run %s: --output-backend needs --output\n", w->name);
        return GPUCC_EXIT_USAGE;
    }
    if (!o->output_backend_given) /* the first selected backend */
        for (int k = GPUCC_BACKEND_COUNT - 1; k >= 0; k--)
            if (o->backends & (1u << k))
                o->output_backend = (gpucc_backend_kind)k;
    return 0;
}

static void set_defaults(cli_run_options *o, const gpucci_workload *workload)
{
    memset(o, 0, sizeof *o);
    o->workload = workload;
    o->params = (gpucci_workload_params){
        .variant = workload->default_variant, .size = 100000000, .seed = 1, .alpha = 2.0,
        .batch = 256, .in = 1024, .out = 1024};
    o->backends = (1u << GPUCC_BACKEND_COUNT) - 1;
    o->plan = (gpucc_plan){.warmup = 2, .repeat = 10};
}

int cli_parse_run(int argc, char **argv, cli_run_options *o)
{
    const gpucci_workload *workload = gpucci_workload_named(argv[0]);
    if (!workload) {
        fprintf(stderr, "gpucc run: unknown workload '%s' (expected ", argv[0]);
        print_workload_names(stderr, NULL);
        fprintf(stderr, ")\n");
        return GPUCC_EXIT_USAGE;
    }
    set_defaults(o, workload);
    int rc = cli_read_options("run", argc, argv, run_options(), cli_run_help, apply_run_option, o);
    return rc ? rc : check_combination(o);
}
