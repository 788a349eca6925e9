/* util.c — see util.h. */
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *prog_name = "gantune";

void set_progname(char *argv0)
{
    /* argv[0] itself is shortened to the base name (argv strings are writable): getopt names
     * the program by argv[0] in its own messages, and "/long/path/bin/x: unrecognized option"
     * is not the promised "x: ..." */
    char *s = strrchr(argv0, '/');
    if (s) memmove(argv0, s + 1, strlen(s + 1) + 1);
    prog_name = argv0;
}

const char *progname(void) { return prog_name; }

/* Every message of every program passes here: one line whatever the values in it hold (control
 * bytes become \xNN, a newline too) and at most MSG_MAX bytes (a value from a damaged file
 * may be a megabyte long; callers cut values to a readable length, this is the backstop). */
void vwarn_at(const char *where, const char *fmt, va_list ap)
{
    char text[MSG_MAX + 1], out[MSG_MAX + 8];
    int n = vsnprintf(text, sizeof text, fmt, ap);
    size_t k = 0, lim = MSG_MAX - strlen(prog_name) - 8;
    int cut = n < 0 || (size_t)n >= sizeof text;
    for (int part = 0; part < 2; part++) {
        const char *t = part ? text : where;
        if (!t) continue;
        for (; *t && k < lim; t++) {
            unsigned char c = (unsigned char)*t;
            if (c < 0x20 || c == 0x7f) k += (size_t)snprintf(out + k, sizeof out - k, "\\x%02x", c);
            else out[k++] = (char)c;
        }
        if (*t) cut = 1;
        if (!part && k + 2 < lim) out[k++] = ':', out[k++] = ' ';
    }
    if (k >= sizeof out) k = sizeof out - 1;
    out[k] = '\0';
    fprintf(stderr, "%s: %s%s\n", prog_name, out, cut ? "..." : "");
}

void vdie_at(int code, const char *where, const char *fmt, va_list ap)
{
    vwarn_at(where, fmt, ap);
    exit(code);
}

void die(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdie_at(code, NULL, fmt, ap);
}

void warnx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vwarn_at(NULL, fmt, ap);
    va_end(ap);
}

void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) die(EXIT_RUNTIME, "out of memory (%zu bytes)", n);
    return p;
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) die(EXIT_RUNTIME, "out of memory (%zu x %zu bytes)", n, size);
    return p;
}

void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n ? n : 1);
    if (!p) die(EXIT_RUNTIME, "out of memory (%zu bytes)", n);
    return p;
}

char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

long parse_long(const char *opt, const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        die(EXIT_USAGE, "%s: '%s' is not an integer", opt, s);
    if (v < lo || v > hi)
        die(EXIT_USAGE, "%s: %ld is out of range [%ld, %ld]", opt, v, lo, hi);
    return v;
}

uint64_t parse_u64(const char *opt, const char *s)
{
    char *end;
    errno = 0;
    if (*s == '-') die(EXIT_USAGE, "%s: '%s' must not be negative", opt, s);
    unsigned long long v = strtoull(s, &end, 10);
    if (end == s || *end != '\0' || errno == ERANGE)
        die(EXIT_USAGE, "%s: '%s' is not a non-negative integer", opt, s);
    return (uint64_t)v;
}

double parse_double(const char *opt, const char *s, double lo, double hi)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || *end != '\0' || errno == ERANGE || !isfinite(v))
        die(EXIT_USAGE, "%s: '%s' is not a finite number", opt, s);
    if (v < lo || v > hi)
        die(EXIT_USAGE, "%s: %g is out of range [%g, %g]", opt, v, lo, hi);
    return v;
}

int split_list(const char *opt, const char *s, char ***out)
{
    char *buf = xstrdup(s);
    int n = 1;
    for (const char *p = s; *p; p++) n += (*p == ',');
    char **list = xmalloc((size_t)n * sizeof *list);
    int k = 0;
    for (char *p = buf;; ) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        if (*p == '\0') die(EXIT_USAGE, "%s: empty item in list '%s'", opt, s);
        list[k++] = p;
        if (!c) break;
        p = c + 1;
    }
    *out = list;
    return k;
}

double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void check_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout))
        die(EXIT_RUNTIME, "error writing standard output: %s", strerror(errno));
}
