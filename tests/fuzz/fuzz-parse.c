/*
 * libFuzzer target for the command-line number and option parsers: the
 * exact count parser (cli_parse_count in host/parse.c) and `gpucc run`'s
 * option parser (cli_parse_run in host/cli.c, which also parses
 * --alpha and the name lists).
 *
 * Each input is used three ways: as a count under several bounds, as the
 * value of several value-taking options, and split at spaces and newlines
 * into a whole command line ("map --alpha=1e-3 --size 5"). Besides the
 * sanitizers, results are checked against the contracts: an accepted count
 * is within its bounds and equals the text's exact value; a parsed command
 * line holds only values its options accept.
 */
#define _GNU_SOURCE /* getopt_long, to reset its state between inputs */

#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "fuzz-report.h"
#include "parse.h"

enum { MAX_ARGS = 64 };

/* Stops the run with a message naming the broken property. */
static void fail(const char *what, const char *text)
{
    fuzz_fail("fuzz-parse", what, text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_report_init();
    return 0;
}

/* Parses text as a count in [min, max] and checks the outcome. */
static void check_count(const char *text, uint64_t min, uint64_t max)
{
    uint64_t value = 0;
    char why[96] = "";
    if (cli_parse_count(text, min, max, &value, why, sizeof why) != 0) {
        if (!why[0])
            fail("a refused count has no reason", text);
        return;
    }
    if (value < min || value > max)
        fail("an accepted count is out of its bounds", text);
    /* The grammar is a subset of strtold's, and x86-64's long double holds
     * every uint64_t exactly, so a correctly rounded strtold agrees. */
    char *end;
    long double reference = strtold(text, &end);
    if (*end != '\0' || reference != (long double)value)
        fail("an accepted count differs from the text's value", text);
}

/* GNU getopt keeps a pointer into the previous argv between calls (the
 * rest of a cluster such as "-hh"); optind = 0 makes the next call start
 * afresh, as a new process would. */
static void reset_getopt(void)
{
    char *argv[] = {"gpucc", NULL};
    optind = 0;
    opterr = 0;
    getopt_long(1, argv, "", NULL, NULL);
}

/* Parses a `gpucc run` command line and checks what an accepted one holds. */
static void check_run(int argc, char **argv, const char *text)
{
    cli_run_options o;
    reset_getopt();
    int rc = cli_parse_run(argc, argv, &o);
    if (rc == -1 || rc == GPUCC_EXIT_USAGE)
        return;
    if (rc != 0)
        fail("an unexpected return value", text);
    if (!o.workload)
        fail("no workload", text);
    if (!o.backends || o.backends >> GPUCC_BACKEND_COUNT)
        fail("backend mask empty or out of range", text);
    if (o.params.size < 1 || o.params.size > UINT64_C(1) << 40)
        fail("size out of range", text);
    if (o.plan.repeat < 1)
        fail("repeat below 1", text);
    if (o.config.threads > 1024)
        fail("threads out of range", text);
    if (!isfinite(o.params.alpha))
        fail("alpha not finite", text);
    if (o.params.input && o.size_given)
        fail("--input and --size both accepted", text);
    if (o.output_backend >= GPUCC_BACKEND_COUNT || !(o.backends & (1u << o.output_backend)))
        fail("output backend not among the selected backends", text);
}

/* The text as the value of value-taking options of each kind. */
static void check_option_values(char *text)
{
    static const struct {
        const char *workload;
        const char *option;
    } forms[] = {
        {"reduce", "--size"}, {"map", "--alpha"}, {"reduce", "--seed"}, {"dense", "--batch"},
        {"reduce", "--backend"}, {"reduce", "--cl-max-alloc"}, {"map", "--fn"},
    };
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        char *argv[] = {(char *)forms[i].workload, (char *)forms[i].option, text, NULL};
        check_run(3, argv, text);
    }
}

/* The text split at spaces and newlines into argv (the workload first). */
static void check_command_line(char *text)
{
    char *copy = strdup(text);
    if (!copy)
        abort();
    char *argv[MAX_ARGS + 1];
    int argc = 0;
    char *save = NULL;
    for (char *word = strtok_r(copy, " \n", &save); word && argc < MAX_ARGS;
         word = strtok_r(NULL, " \n", &save))
        argv[argc++] = word;
    argv[argc] = NULL;
    if (argc > 0)
        check_run(argc, argv, text);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0'; /* an embedded NUL ends the text early, as in argv */

    check_count(text, 0, UINT64_MAX);
    check_count(text, 1, UINT64_C(1) << 40);
    check_count(text, 16, UINT64_C(1) << 20);
    check_option_values(text);
    check_command_line(text);
    free(text);
    return 0;
}
