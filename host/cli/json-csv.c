#include "json-csv.h"

#include <math.h>
#include <string.h>

void cli_json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(out, "\\%c", c);
        else if (c < 0x20)
            fprintf(out, "\\u%04x", c);
        else
            fputc(c, out);
    }
    fputc('"', out);
}

void cli_json_key_string(FILE *out, const char *key, const char *value)
{
    fprintf(out, ", \"%s\": ", key);
    cli_json_string(out, value);
}

void cli_json_double(FILE *out, double value)
{
    if (isfinite(value))
        fprintf(out, "%.17g", value);
    else
        fputs("null", out);
}

void cli_json_number(FILE *out, const char *key, double value)
{
    fprintf(out, ", \"%s\": ", key);
    cli_json_double(out, value);
}

void cli_json_stats(FILE *out, const char *key, gpucc_stats s)
{
    fprintf(out, ", \"%s\": {\"median\": ", key);
    cli_json_double(out, s.median);
    fputs(", \"min\": ", out);
    cli_json_double(out, s.min);
    fputs(", \"max\": ", out);
    cli_json_double(out, s.max);
    fputs("}", out);
}

void cli_json_flag(FILE *out, const char *key, int value)
{
    fprintf(out, ", \"%s\": %s", key, value ? "true" : "false");
}

void cli_csv_field(FILE *out, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, out);
        return;
    }
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', out);
        fputc(*s, out);
    }
    fputc('"', out);
}
