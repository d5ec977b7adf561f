/* Internal: what the option parsing of every command shares: exit codes,
 * the getopt loop with its one-line errors, and the parsers of paths,
 * choices and comma lists, so that every command words a bad value alike
 * and reads names ignoring case. */
#ifndef GPUCC_OPTIONS_H
#define GPUCC_OPTIONS_H

#include <getopt.h>
#include <stddef.h>

#include "gpucc.h"

/* Exit codes (sysexits.h where one fits; documented in the README). */
enum {
    GPUCC_EXIT_OK = 0,
    GPUCC_EXIT_FAILED = 1,       /* a run failed or a result did not verify */
    GPUCC_EXIT_USAGE = 64,       /* bad command line */
    GPUCC_EXIT_DATAERR = 65,     /* malformed or mismatched input file */
    GPUCC_EXIT_NOINPUT = 66,     /* input file missing or unreadable */
    GPUCC_EXIT_UNAVAILABLE = 69, /* an explicitly requested backend/device is absent */
    GPUCC_EXIT_CANTCREAT = 73,   /* the output file cannot be written */
};

/* The exit code of a failed library call: GPUCC_E_INVALID 64, GPUCC_E_FORMAT
 * 65, GPUCC_E_IO 66, GPUCC_E_UNAVAILABLE 69, any other failure 1 (0 for
 * GPUCC_OK). */
int cli_exit_of(gpucc_status status);

/* Prints "gpucc COMMAND: OPTION: 'VALUE' WHY (see ...)" on stderr and
 * returns GPUCC_EXIT_USAGE. */
int cli_usage_error(const char *command, const char *option, const char *value, const char *why);

/* Reads the next option of `gpucc COMMAND ...` (argv[0] is COMMAND or the
 * workload) with getopt_long: "-h" and the long options of the table, all
 * before any other argument. Set optind = 0 before the first call for a
 * command line. Returns the option's val (its value in optarg), -1 after the
 * last option, or '?' after printing a one-line usage error: an unknown or
 * ambiguous option, a value given to an option that takes none, a missing
 * value, or a further argument. A value must not look like an option: in
 * "--size --backend=serial" --size has no value ("--out=--x" passes one). */
int cli_next_option(const char *command, int argc, char **argv, const struct option *options);

/* Reads the whole command line with cli_next_option, calling
 * apply(opt, value, ctx) for every option but -h and --help, which print
 * help() instead and end the reading. Returns 0, -1 after help (the caller
 * exits with GPUCC_EXIT_OK), or the first nonzero value of apply, or
 * GPUCC_EXIT_USAGE after cli_next_option's message. */
int cli_read_options(const char *command, int argc, char **argv, const struct option *options, void (*help)(void),
                     int (*apply)(int opt, const char *value, void *ctx), void *ctx);

/* The long option of the table whose val is val, or NULL. */
const struct option *cli_option_of(const struct option *options, int val);

/* A path or name option's value: stored in *out when not empty. Returns 0,
 * or GPUCC_EXIT_USAGE after printing "... is empty". */
int cli_take_path(const char *command, const char *option, const char *value, const char **out);

/* One of names[0..count), ignoring case: its index in *out. Returns 0, or
 * GPUCC_EXIT_USAGE after printing "... is not one of a, b, c". */
int cli_parse_choice(const char *command, const char *option, const char *value, const char *const *names,
                     unsigned count, int *out);

/* gpucc_backend_kind_name of kind, as a name_of for the lists below. */
const char *cli_backend_name(unsigned kind);

/* Writes the names name_of(i) of the bits i set in mask, in order, joined
 * by separator, into buf (truncated to size). */
void cli_list_names(char *buf, size_t size, const char *(*name_of)(unsigned), unsigned count, unsigned mask,
                    const char *separator);

/* A comma list of the names name_of(0) .. name_of(count - 1), ignoring
 * case, as a bit mask (bit i for name i) in *mask. Returns 0, or
 * GPUCC_EXIT_USAGE after printing "... is not a list of a, b, c" (an empty
 * list, or no name in it) or "'NAME' is not one of a, b, c". */
int cli_parse_list(const char *command, const char *option, const char *list, const char *(*name_of)(unsigned),
                   unsigned count, unsigned *mask);

#endif
