/* Internal: the primitives every JSON and CSV writer of the CLI shares. */
#ifndef GPUCC_JSON_CSV_H
#define GPUCC_JSON_CSV_H

#include <stdio.h>

#include "gpucc.h"

/* s as a JSON string literal (quotes, backslashes and control bytes escaped). */
void cli_json_string(FILE *out, const char *s);
/* A double with enough digits to round-trip, or null when not finite (JSON
 * has no NaN or infinity). */
void cli_json_double(FILE *out, double value);
/* `, "key": "value"` */
void cli_json_key_string(FILE *out, const char *key, const char *value);
/* `, "key": number` as cli_json_double writes it. */
void cli_json_number(FILE *out, const char *key, double value);
/* `, "key": {"median": m, "min": a, "max": b}` */
void cli_json_stats(FILE *out, const char *key, gpucc_stats s);
/* `, "key": true|false` */
void cli_json_flag(FILE *out, const char *key, int value);
/* s as one CSV field, quoted when it holds a comma, a quote or a newline. */
void cli_csv_field(FILE *out, const char *s);

#endif
