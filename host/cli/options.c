/* The option parsing every command shares (see options.h). */
#define _POSIX_C_SOURCE 200809L
#include "options.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

int cli_exit_of(gpucc_status status)
{
    switch (status) {
    case GPUCC_OK: return GPUCC_EXIT_OK;
    case GPUCC_E_INVALID: return GPUCC_EXIT_USAGE;
    case GPUCC_E_FORMAT: return GPUCC_EXIT_DATAERR;
    case GPUCC_E_IO: return GPUCC_EXIT_NOINPUT;
    case GPUCC_E_UNAVAILABLE: return GPUCC_EXIT_UNAVAILABLE;
    default: return GPUCC_EXIT_FAILED;
    }
}

int cli_usage_error(const char *command, const char *option, const char *value, const char *why)
{
    fprintf(stderr, "gpucc %s: %s: '%s' %s (see 'gpucc %s --help')\n", command, option, value, why, command);
    return GPUCC_EXIT_USAGE;
}

const struct option *cli_option_of(const struct option *options, int val)
{
    for (; options->name; options++)
        if (options->val == val)
            return options;
    return NULL;
}

/* Does word name an option rather than a value: "--NAME", "--" or "-h"?
 * Other words that start with '-' ("-2.5", "-") can be values. */
static int is_option_word(const char *word)
{
    return strncmp(word, "--", 2) == 0 || strcmp(word, "-h") == 0;
}

/* Options of the table that "--PREFIX[=...]" abbreviates. */
static int count_abbreviated(const struct option *options, const char *word)
{
    size_t length = strcspn(word + 2, "=");
    int count = 0;
    for (; options->name; options++)
        count += strncmp(options->name, word + 2, length) == 0;
    return count;
}

/* Prints why word (the argument being read) was not accepted as an option. */
static void print_bad_option(const char *command, const char *word, const struct option *options)
{
    const struct option *known = cli_option_of(options, optopt);
    if (strncmp(word, "--", 2) != 0)
        fprintf(stderr, "gpucc %s: unknown option '-%c'", command, optopt);
    else if (known && strchr(word, '='))
        fprintf(stderr, "gpucc %s: option --%s takes no value", command, known->name);
    else if (count_abbreviated(options, word) > 1)
        fprintf(stderr, "gpucc %s: option '%s' is ambiguous", command, word);
    else
        fprintf(stderr, "gpucc %s: unknown option '%s'", command, word);
    fprintf(stderr, " (see 'gpucc %s --help')\n", command);
}

int cli_next_option(const char *command, int argc, char **argv, const struct option *options)
{
    opterr = 0;
    int index = -1;
    /* The argument getopt reads now: with '+' (options first) nothing is
     * permuted, and optind moves past a cluster ("-hx") only at its end. */
    int at = optind > 0 ? optind : 1;
    const char *word = at < argc ? argv[at] : "";
    int opt = getopt_long(argc, argv, "+:h", options, &index); /* ':': a missing value returns ':' */
    const struct option *needs_value = NULL;
    if (opt == ':')
        needs_value = cli_option_of(options, optopt);
    else if (opt != -1 && opt != '?' && index >= 0 && options[index].has_arg == required_argument &&
             optarg == argv[optind - 1] && is_option_word(optarg))
        needs_value = &options[index]; /* "--size --backend=serial": the next option is no value */
    if (needs_value) {
        fprintf(stderr, "gpucc %s: option --%s needs a value (see 'gpucc %s --help')\n", command, needs_value->name,
                command);
        return '?';
    }
    if (opt == '?' || opt == ':') {
        print_bad_option(command, word, options);
        return '?';
    }
    if (opt == -1 && optind < argc) {
        fprintf(stderr, "gpucc %s: unexpected argument '%s' (see 'gpucc %s --help')\n", command, argv[optind],
                command);
        return '?';
    }
    return opt;
}

int cli_read_options(const char *command, int argc, char **argv, const struct option *options, void (*help)(void),
                     int (*apply)(int opt, const char *value, void *ctx), void *ctx)
{
    optind = 0; /* GNU getopt: start afresh */
    for (int opt; (opt = cli_next_option(command, argc, argv, options)) != -1;) {
        if (opt == '?')
            return GPUCC_EXIT_USAGE;
        if (opt == 'h') {
            help();
            return -1;
        }
        int rc = apply(opt, optarg, ctx);
        if (rc)
            return rc;
    }
    return 0;
}

int cli_take_path(const char *command, const char *option, const char *value, const char **out)
{
    if (!*value)
        return cli_usage_error(command, option, value, "is empty");
    *out = value;
    return 0;
}

const char *cli_backend_name(unsigned kind)
{
    return gpucc_backend_kind_name((gpucc_backend_kind)kind);
}

void cli_list_names(char *buf, size_t size, const char *(*name_of)(unsigned), unsigned count, unsigned mask,
                    const char *separator)
{
    buf[0] = '\0';
    for (unsigned i = 0; i < count; i++) {
        size_t used = strlen(buf);
        if (mask & (1u << i))
            snprintf(buf + used, size - used, "%s%s", used ? separator : "", name_of(i));
    }
}

int cli_parse_choice(const char *command, const char *option, const char *value, const char *const *names,
                     unsigned count, int *out)
{
    for (unsigned i = 0; i < count; i++)
        if (strcasecmp(value, names[i]) == 0) {
            *out = (int)i;
            return 0;
        }
    char why[160] = "is not one of ";
    for (unsigned i = 0; i < count; i++) {
        size_t used = strlen(why);
        snprintf(why + used, sizeof why - used, "%s%s", i ? ", " : "", names[i]);
    }
    return cli_usage_error(command, option, value, why);
}

int cli_parse_list(const char *command, const char *option, const char *list, const char *(*name_of)(unsigned),
                   unsigned count, unsigned *mask)
{
    char buf[128], joined[128], why[160];
    cli_list_names(joined, sizeof joined, name_of, count, (1u << count) - 1, ", ");
    snprintf(why, sizeof why, "is not a list of %s", joined);
    if (!*list || strlen(list) >= sizeof buf)
        return cli_usage_error(command, option, list, why);
    strcpy(buf, list);
    *mask = 0;
    char *save = NULL;
    for (char *name = strtok_r(buf, ",", &save); name; name = strtok_r(NULL, ",", &save)) {
        unsigned i = 0;
        while (i < count && strcasecmp(name, name_of(i)) != 0)
            i++;
        if (i == count) {
            snprintf(why, sizeof why, "is not one of %s", joined);
            return cli_usage_error(command, option, name, why);
        }
        *mask |= 1u << i;
    }
    return *mask ? 0 : cli_usage_error(command, option, list, why);
}
