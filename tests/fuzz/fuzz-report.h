/* Reporting a broken property from a fuzz target. libFuzzer's
 * -close_fd_mask=3 (used to silence the code under test) sends stderr to
 * /dev/null, so the message goes to a copy of stderr made at start-up. */
#ifndef GPUCC_FUZZ_REPORT_H
#define GPUCC_FUZZ_REPORT_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int fuzz_report_fd = 2;

/* Keeps a copy of stderr; call from LLVMFuzzerInitialize, which runs before
 * libFuzzer closes it. */
static void fuzz_report_init(void)
{
    int fd = dup(2);
    if (fd >= 0)
        fuzz_report_fd = fd;
}

/* Prints "TARGET: WHAT (input 'TEXT')" and aborts, so that libFuzzer saves
 * the input as a crash artifact. text may be NULL (binary input). */
static void fuzz_fail(const char *target, const char *what, const char *text)
{
    if (text)
        dprintf(fuzz_report_fd, "%s: %s (input '%s')\n", target, what, text);
    else
        dprintf(fuzz_report_fd, "%s: %s\n", target, what);
    abort();
}

#endif
