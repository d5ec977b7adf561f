/* Internal: reading back the JSON of `gpucc bench` (bench-files.c writes
 * it with one object per line) for --compare and --ceilings=RUN.json. */
#ifndef GPUCC_BENCH_JSON_READ_H
#define GPUCC_BENCH_JSON_READ_H

#include <stddef.h>
#include <stdio.h>

/* A top-level member of a JSON object written on one line: strings
 * unescaped, other values (numbers, literals, nested objects) as written. */
typedef struct {
    char key[32];
    char value[1024]; /* holds a row's samples array */
} bench_json_member;

enum { BENCH_JSON_MAX_MEMBERS = 64 };

/* Opens a saved run for reading. NULL after printing "gpucc bench: cannot
 * read WHAT PATH: reason" (WHAT may be ""). */
FILE *bench_json_open(const char *what, const char *path);

/* The first character of p that is not JSON white space. */
const char *bench_json_skip_space(const char *p);

/* Reads a JSON string at p (at its opening quote) into buf; returns the
 * character after the closing quote, or NULL if malformed. */
const char *bench_json_read_string(const char *p, char *buf, size_t size);

/* Parses a line holding exactly one JSON object, optionally followed by a
 * comma, into members (at most BENCH_JSON_MAX_MEMBERS). Returns the member
 * count, or -1 when malformed. */
int bench_json_object_line(const char *line, bench_json_member *members);

/* The value of the member named key, or NULL. */
const char *bench_json_member_value(const bench_json_member *members, int count, const char *key);

/* Copies the string value of "key": "..." found in line into buf ("?" when
 * there is none; for display only). */
void bench_json_find_text(const char *line, const char *key, char *buf, size_t size);

/* The CPU model (into cpu; "?" when absent) and CPU count (*cpus; 0 when
 * absent) of a saved run's "context" line. */
void bench_json_machine(const char *context_line, char *cpu, size_t size, long *cpus);

#endif
