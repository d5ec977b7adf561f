/* The reader of the JSON that bench-files.c writes: one object per line,
 * read member by member, without a general JSON parser. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench-json-read.h"

FILE *bench_json_open(const char *what, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fprintf(stderr, "gpucc bench: cannot read %s%s%s: %s\n", what, *what ? " " : "", path, strerror(errno));
    return f;
}

const char *bench_json_skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    return p;
}

/* Reads a JSON string at p (at its opening quote) into buf; returns the
 * character after the closing quote, or NULL if malformed. */
const char *bench_json_read_string(const char *p, char *buf, size_t size)
{
    size_t k = 0;
    if (*p++ != '"')
        return NULL;
    for (; *p && *p != '"'; p++) {
        char c = *p;
        if ((unsigned char)c < 0x20)
            return NULL;
        if (c == '\\') {
            p++;
            switch (*p) {
            case '"': case '\\': case '/': c = *p; break;
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u':
                for (int i = 1; i <= 4; i++)
                    if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i])
                        return NULL;
                c = (char)strtol((char[5]){p[1], p[2], p[3], p[4], 0}, NULL, 16);
                if ((unsigned char)c >= 0x80 || c == 0)
                    c = '?';
                p += 4;
                break;
            default: return NULL;
            }
        }
        if (k + 1 < size)
            buf[k++] = c;
    }
    buf[k] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

/* Skips a nested object or array (strings inside respected). */
static const char *skip_nested(const char *p)
{
    int depth = 0;
    char scratch[512];
    for (; *p; p++) {
        if (*p == '"') {
            if (!(p = bench_json_read_string(p, scratch, sizeof scratch)))
                return NULL;
            p--;
        } else if (*p == '{' || *p == '[') {
            depth++;
        } else if (*p == '}' || *p == ']') {
            if (--depth == 0)
                return p + 1;
        }
    }
    return NULL;
}

/* Parses a line holding exactly one JSON object, optionally followed by a
 * comma. Returns the member count, or -1 when malformed. */
int bench_json_object_line(const char *line, bench_json_member *members)
{
    int count = 0;
    const char *p = bench_json_skip_space(line);
    if (*p++ != '{')
        return -1;
    p = bench_json_skip_space(p);
    while (*p != '}') {
        if (count == BENCH_JSON_MAX_MEMBERS)
            return -1;
        bench_json_member *m = &members[count++];
        if (!(p = bench_json_read_string(p, m->key, sizeof m->key)))
            return -1;
        p = bench_json_skip_space(p);
        if (*p++ != ':')
            return -1;
        p = bench_json_skip_space(p);
        const char *start = p;
        if (*p == '"') {
            p = bench_json_read_string(p, m->value, sizeof m->value);
        } else if (*p == '{' || *p == '[') {
            p = skip_nested(p);
        } else {
            while (*p && !strchr(",} \t", *p))
                p++;
            size_t len = (size_t)(p - start);
            char *end;
            if (len == 0 || len >= sizeof m->value)
                return -1;
            memcpy(m->value, start, len);
            m->value[len] = '\0';
            if (strcmp(m->value, "true") && strcmp(m->value, "false") && strcmp(m->value, "null") &&
                (strtod(m->value, &end), *end != '\0'))
                return -1;
        }
        if (!p)
            return -1;
        if (*start == '{' || *start == '[')
            snprintf(m->value, sizeof m->value, "%.*s", (int)(p - start), start); /* cut to the value's size */
        p = bench_json_skip_space(p);
        if (*p == ',')
            p = bench_json_skip_space(p + 1);
        else if (*p != '}')
            return -1;
    }
    p = bench_json_skip_space(p + 1);
    if (*p == ',')
        p = bench_json_skip_space(p + 1);
    return *p == '\0' ? count : -1;
}

const char *bench_json_member_value(const bench_json_member *members, int count, const char *key)
{
    for (int i = 0; i < count; i++)
        if (strcmp(members[i].key, key) == 0)
            return members[i].value;
    return NULL;
}

/* Copies the string value of "key": "..." found in line into buf (display only). */
void bench_json_find_text(const char *line, const char *key, char *buf, size_t size)
{
    char pattern[40];
    snprintf(pattern, sizeof pattern, "\"%s\": \"", key);
    const char *p = strstr(line, pattern);
    if (!p || !bench_json_read_string(p + strlen(pattern) - 1, buf, size))
        snprintf(buf, size, "?");
}

void bench_json_machine(const char *context_line, char *cpu, size_t size, long *cpus)
{
    bench_json_find_text(context_line, "cpu", cpu, size);
    const char *c = strstr(context_line, "\"cpus\": ");
    *cpus = c ? strtol(c + 8, NULL, 10) : 0;
}
