/* csvio.c — see csvio.h. Lines are split in place in a growable buffer fed by gzread, so a
 * file is streamed once with no per-field allocation. */
#include "base/csvio.h"
#include "base/util.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1 << 18)

struct CsvReader {
    char *path;
    gzFile gz;
    char *buf;              /* raw bytes read so far */
    size_t cap, len, pos;   /* buffer capacity, bytes held, start of unread data */
    int eof;
    long lineno;            /* line number of the current record */
    long next_line;         /* line number of the next line to be read */
    int ncols;
    char **names;           /* header names (point into hdr) */
    char *hdr;
    char **fields;          /* current record's fields (point into buf) */
};

void csv_fail(const CsvReader *r, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: %s:%ld: ", progname(), r->path, r->lineno);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(EXIT_RUNTIME);
}

/* Next line (without newline or trailing CR), NUL-terminated in place; NULL at EOF. */
static char *read_line(CsvReader *r)
{
    for (;;) {
        char *start = r->buf + r->pos;
        char *nl = memchr(start, '\n', r->len - r->pos);
        if (nl || (r->eof && r->pos < r->len)) {
            char *end = nl ? nl : r->buf + r->len;
            if (end > start && end[-1] == '\r') end--;
            *end = '\0';
            r->pos = nl ? (size_t)(nl - r->buf) + 1 : r->len;
            r->lineno = r->next_line++;
            return start;
        }
        if (r->eof) return NULL;
        /* Move the partial line to the front and read more. */
        memmove(r->buf, start, r->len - r->pos);
        r->len -= r->pos;
        r->pos = 0;
        if (r->cap - r->len < CHUNK + 1) {
            r->cap = 2 * r->cap + CHUNK + 1;
            r->buf = xrealloc(r->buf, r->cap);
        }
        int n = gzread(r->gz, r->buf + r->len, CHUNK);
        int e = Z_OK;
        const char *msg = n <= 0 ? gzerror(r->gz, &e) : NULL;
        /* A truncated gzip stream ends with Z_BUF_ERROR, not an error return: without this
         * check a cut file would read as a shorter sample. */
        if (n < 0 || (e != Z_OK && e != Z_STREAM_END)) {
            if (e == Z_ERRNO) msg = strerror(errno);
            else if (msg && strncmp(msg, r->path, strlen(r->path)) == 0 && msg[strlen(r->path)] == ':')
                msg += strlen(r->path) + 2;     /* zlib prefixes the path; we already do */
            fprintf(stderr, "%s: %s:%ld: read error: %s\n", progname(), r->path, r->next_line, msg);
            exit(EXIT_RUNTIME);
        }
        if (n == 0) r->eof = 1;
        r->len += (size_t)n;
        r->buf[r->len] = '\0';
    }
}

static int count_fields(const char *s)
{
    int n = 1;
    for (; *s; s++) n += (*s == ',');
    return n;
}

static void trim_inplace(char **s)
{
    char *p = *s;
    while (*p == ' ' || *p == '\t') p++;
    char *e = p + strlen(p);
    while (e > p && (e[-1] == ' ' || e[-1] == '\t')) *--e = '\0';
    *s = p;
}

CsvReader *csv_open(const char *path)
{
    CsvReader *r = xcalloc(1, sizeof *r);
    r->path = xstrdup(strcmp(path, "-") == 0 ? "<stdin>" : path);
    r->next_line = 1;
    if (strcmp(path, "-") == 0) r->gz = gzdopen(dup(STDIN_FILENO), "rb");
    else r->gz = gzopen(path, "rb");
    if (!r->gz) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", progname(), path,
                errno ? strerror(errno) : "out of memory");
        exit(EXIT_RUNTIME);
    }
    gzbuffer(r->gz, 1 << 17);
    r->cap = 2 * CHUNK + 1;
    r->buf = xmalloc(r->cap);
    r->buf[0] = '\0';
    char *line;
    while ((line = read_line(r)) && line[strspn(line, " \t")] == '\0') {}
    if (!line) {
        fprintf(stderr, "%s: %s: empty file (no header row)\n", progname(), r->path);
        exit(EXIT_RUNTIME);
    }
    r->hdr = xstrdup(line);
    r->ncols = count_fields(r->hdr);
    r->names = xmalloc((size_t)r->ncols * sizeof *r->names);
    r->fields = xmalloc((size_t)r->ncols * sizeof *r->fields);
    char *p = r->hdr;
    for (int i = 0; i < r->ncols; i++) {
        char *c = strchr(p, ',');
        if (c) *c = '\0';
        r->names[i] = p;
        trim_inplace(&r->names[i]);
        if (r->names[i][0] == '\0') csv_fail(r, "header column %d has no name", i + 1);
        p = c ? c + 1 : p + strlen(p);
    }
    return r;
}

void csv_close(CsvReader *r)
{
    if (!r) return;
    gzclose(r->gz);
    free(r->buf);
    free(r->hdr);
    free(r->names);
    free(r->fields);
    free(r->path);
    free(r);
}

int csv_ncols(const CsvReader *r) { return r->ncols; }
const char *csv_name(const CsvReader *r, int col) { return r->names[col]; }
long csv_lineno(const CsvReader *r) { return r->lineno; }
const char *csv_path(const CsvReader *r) { return r->path; }

int csv_find(const CsvReader *r, const char *name)
{
    for (int i = 0; i < r->ncols; i++)
        if (strcmp(r->names[i], name) == 0) return i;
    return -1;
}

int csv_require(const CsvReader *r, const char *name)
{
    int c = csv_find(r, name);
    if (c < 0) {
        fprintf(stderr, "%s: %s:1: no column '%s' in the header\n", progname(), r->path, name);
        exit(EXIT_RUNTIME);
    }
    return c;
}

int csv_next(CsvReader *r)
{
    char *line;
    while ((line = read_line(r)) && line[strspn(line, " \t")] == '\0') {}
    if (!line) return 0;
    int n = 0;
    char *p = line;
    for (;;) {
        char *c = strchr(p, ',');
        if (n < r->ncols) r->fields[n] = p;
        n++;
        if (!c) break;
        *c = '\0';
        p = c + 1;
    }
    if (n != r->ncols)
        csv_fail(r, "%d fields, but the header has %d", n, r->ncols);
    return 1;
}

const char *csv_str(const CsvReader *r, int col) { return r->fields[col]; }

/* Exact fast path (Clinger): a decimal with at most 19 significant digits whose mantissa fits
 * in 53 bits and whose power of ten is at most 22 converts with one correctly rounded multiply
 * or divide, since both operands are exact doubles. Everything else (long mantissas, large
 * exponents, hex, nan, inf, garbage) goes to strtod, so results are always strtod's. */
static const double pow10_exact[23] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
    1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int parse_fast(const char *p, double *out)
{
    int neg = 0, nd = 0, any = 0, e10 = 0;
    uint64_t m = 0;
    if (*p == '-' || *p == '+') neg = *p++ == '-';
    for (; (unsigned)(*p - '0') < 10; p++, any = 1) {
        if (m || *p != '0') { if (++nd > 19) return 0; m = m * 10 + (uint64_t)(*p - '0'); }
    }
    if (*p == '.') {
        for (p++; (unsigned)(*p - '0') < 10; p++, any = 1) {
            if (m || *p != '0') { if (++nd > 19) return 0; m = m * 10 + (uint64_t)(*p - '0'); }
            e10--;
        }
    }
    if (!any) return 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        int eneg = 0, ex = 0, ed = 0;
        if (*p == '-' || *p == '+') eneg = *p++ == '-';
        for (; (unsigned)(*p - '0') < 10; p++, ed++) if (ex < 10000) ex = ex * 10 + (*p - '0');
        if (!ed) return 0;
        e10 += eneg ? -ex : ex;
    }
    while (*p == ' ' || *p == '\t') p++;
    if (*p != '\0') return 0;
    if (m > (1ull << 53)) return 0;
    double v = (double)m;
    if (m == 0) v = 0.0;
    else if (e10 < 0) { if (e10 < -22) return 0; v /= pow10_exact[-e10]; }
    else { if (e10 > 22) return 0; v *= pow10_exact[e10]; }
    *out = neg ? -v : v;
    return 1;
}

int csv_parse_double(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t') s++;
    if (parse_fast(s, out)) return 0;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s) return -1;
    while (*end == ' ' || *end == '\t') end++;
    if (*end != '\0') return -1;
    if (!isfinite(v)) return -2;
    *out = v;
    return 0;
}

double csv_num(const CsvReader *r, int col)
{
    double v;
    int rc = csv_parse_double(r->fields[col], &v);
    if (rc == -1)
        csv_fail(r, "column '%s': '%s' is not a number", r->names[col], r->fields[col]);
    if (rc == -2)
        csv_fail(r, "column '%s': '%s' is not finite", r->names[col], r->fields[col]);
    return v;
}

/* The shared ends of the whole-file loaders: open and find the columns; refuse a file without
 * data rows, then release the reader. */
static CsvReader *load_open(const char *path, int ncols, char *const *names, int **idx)
{
    CsvReader *r = csv_open(path);
    *idx = xmalloc((size_t)ncols * sizeof **idx);
    for (int j = 0; j < ncols; j++) (*idx)[j] = csv_require(r, names[j]);
    return r;
}

static void load_close(CsvReader *r, int *idx, size_t n)
{
    if (n == 0) {
        fprintf(stderr, "%s: %s:%ld: no data rows\n", progname(), r->path, r->next_line - 1);
        exit(EXIT_RUNTIME);
    }
    free(idx);
    csv_close(r);
}

double *csv_load_cols(const char *path, int ncols, char *const *names, size_t max_rows,
                      size_t *nrows)
{
    int *idx;
    CsvReader *r = load_open(path, ncols, names, &idx);
    size_t cap = 1024, n = 0;
    double *v = xmalloc(cap * (size_t)ncols * sizeof *v);
    while ((max_rows == 0 || n < max_rows) && csv_next(r)) {
        if (n == cap) {
            cap *= 2;
            v = xrealloc(v, cap * (size_t)ncols * sizeof *v);
        }
        for (int j = 0; j < ncols; j++) v[n * (size_t)ncols + (size_t)j] = csv_num(r, idx[j]);
        n++;
    }
    load_close(r, idx, n);
    *nrows = n;
    return v;
}

double **csv_load_columns(const char *path, int ncols, char *const *names, size_t max_rows,
                          size_t *nrows)
{
    int *idx;
    CsvReader *r = load_open(path, ncols, names, &idx);
    size_t cap = 4096, n = 0;
    double **cols = xmalloc((size_t)ncols * sizeof *cols);
    for (int j = 0; j < ncols; j++) cols[j] = xmalloc(cap * sizeof **cols);
    while ((max_rows == 0 || n < max_rows) && csv_next(r)) {
        if (n == cap) {
            cap *= 2;
            for (int j = 0; j < ncols; j++) cols[j] = xrealloc(cols[j], cap * sizeof **cols);
        }
        for (int j = 0; j < ncols; j++) cols[j][n] = csv_num(r, idx[j]);
        n++;
    }
    load_close(r, idx, n);
    *nrows = n;
    return cols;
}
