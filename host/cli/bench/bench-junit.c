/* --junit=FILE: the verdicts of --compare as JUnit XML. */
#include "bench-junit.h"

#include <stdio.h>

#include "gpucc.h"
#include "options.h"

/* text with the five XML special characters escaped, for attributes. */
static void xml_text(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '&': fputs("&amp;", out); break;
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&apos;", out); break;
        default: fputc(*text, out);
        }
    }
}

int bench_write_junit(gpucci_atomic_file *file, const bench_point_verdict *points, size_t count)
{
    FILE *out = file->stream;
    size_t failures = 0, skipped = 0;
    for (size_t i = 0; i < count; i++) {
        failures += points[i].decided && points[i].verdict.kind == VERDICT_SLOWER;
        skipped += !points[i].decided;
    }
    fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n<testsuite name=\"gpucc bench compare\" "
                 "tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", count, failures, skipped);
    for (size_t i = 0; i < count; i++) {
        const bench_point_verdict *p = &points[i];
        fputs("  <testcase classname=\"gpucc.bench.", out);
        xml_text(out, p->suite);
        fputs("\" name=\"", out);
        xml_text(out, p->name);
        int slower = p->decided && p->verdict.kind == VERDICT_SLOWER;
        if (!slower && p->decided) {
            fputs("\"/>\n", out);
            continue;
        }
        fputs(slower ? "\">\n    <failure message=\"" : "\">\n    <skipped message=\"", out);
        xml_text(out, p->message);
        fputs("\"/>\n  </testcase>\n", out);
    }
    fputs("</testsuite>\n</testsuites>\n", out);
    if (gpucci_atomic_file_commit(file) == GPUCC_OK)
        return 0;
    fprintf(stderr, "gpucc bench: %s\n", gpucc_last_error());
    return GPUCC_EXIT_CANTCREAT;
}
