/* Progress of `gpucc bench` on stderr (see bench-cmd.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "bench-cmd.h"

void bench_progress_clear(progress *p)
{
    if (p->line_open)
        fputs("\r\033[K", stderr);
    p->line_open = 0;
}

/* One line per point: overwritten in place on a terminal, else appended. */
void bench_progress_line(progress *p, const char *format, ...)
{
    if (p->quiet)
        return;
    va_list args;
    va_start(args, format);
    bench_progress_clear(p);
    fputs("gpucc bench: ", stderr);
    vfprintf(stderr, format, args);
    va_end(args);
    if (p->tty)
        p->line_open = 1;
    else
        fputc('\n', stderr);
    fflush(stderr);
}

/* Backend notices, each distinct one once, on a line of their own. */
void bench_progress_notice(void *ctx, const char *message)
{
    progress *p = ctx;
    if (p->quiet || strcmp(message, p->last_notice) == 0)
        return;
    snprintf(p->last_notice, sizeof p->last_notice, "%s", message);
    bench_progress_clear(p);
    fprintf(stderr, "gpucc bench: %s\n", message);
}
