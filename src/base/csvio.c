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
#define INCHUNK (1 << 17)

struct CsvReader {
    char *path;
    int fd, own_fd;         /* own_fd: close on csv_close (not standard input) */
    int gz;                 /* the file starts with the gzip magic: inflated here */
    z_stream zs;
    unsigned char *in;      /* raw bytes read from fd, not yet consumed */
    int in_eof, member_end; /* fd at end; the last gzip member ended (its trailer checked) */
    char *buf;              /* decoded bytes read so far */
    size_t cap, len, pos;   /* buffer capacity, bytes held, start of unread data */
    int eof;
    long lineno;            /* line number of the current record */
    long next_line;         /* line number of the next line to be read */
    int ncols;
    char **names;           /* header names (point into hdr) */
    char *hdr;
    char **fields;          /* current record's fields (point into buf) */
};

const char *csv_cut(const char *s, char *buf, size_t n)
{
    size_t len = strlen(s), k = 0, i = 0;
    int clean = len <= CSV_CUT_KEEP;
    for (size_t j = 0; clean && j < len; j++) clean = (unsigned char)s[j] >= 0x20 && s[j] != 0x7f;
    if (clean) return s;
    /* control bytes as \xNN (a message stays one readable line); at most CSV_CUT_KEEP bytes */
    for (; s[i] && i < CSV_CUT_KEEP && k + 5 < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f) k += (size_t)snprintf(buf + k, n - k, "\\x%02x", c);
        else buf[k++] = (char)c;
    }
    buf[k] = '\0';
    if (i < len) snprintf(buf + k, n - k, "... (%zu bytes)", len);
    return buf;
}

void csv_fail(const CsvReader *r, const char *fmt, ...)
{
    char where[4200];
    snprintf(where, sizeof where, "%s:%ld", r->path, r->lineno);
    va_list ap;
    va_start(ap, fmt);
    vdie_at(EXIT_RUNTIME, where, fmt, ap);
}

static _Noreturn void read_fail(const CsvReader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static _Noreturn void read_fail(const CsvReader *r, const char *fmt, ...)
{
    char where[4200];
    snprintf(where, sizeof where, "%s:%ld: read error", r->path, r->next_line);
    va_list ap;
    va_start(ap, fmt);
    vdie_at(EXIT_RUNTIME, where, fmt, ap);
}

/* Raw bytes into r->in when it is used up: 0 at end of file. */
static size_t refill(CsvReader *r)
{
    if (r->zs.avail_in) return r->zs.avail_in;
    if (r->in_eof) return 0;
    ssize_t n;
    do n = read(r->fd, r->in, INCHUNK); while (n < 0 && errno == EINTR);
    if (n < 0) read_fail(r, "%s", strerror(errno));
    r->zs.next_in = r->in;
    r->zs.avail_in = (uInt)n;
    if (n == 0) r->in_eof = 1;
    return (size_t)n;
}

/* Up to n decoded bytes into dst; 0 at the end of the data. zlib's gzread would ignore bytes
 * after the last gzip member (a file with something appended would read as valid), so members
 * are inflated here and anything after the last one that is not another member is an error. */
static size_t fill(CsvReader *r, char *dst, size_t n)
{
    if (!r->gz) {
        size_t got = 0;
        if (r->zs.avail_in) {   /* the bytes read to look for the gzip magic */
            got = r->zs.avail_in < n ? r->zs.avail_in : n;
            memcpy(dst, r->zs.next_in, got);
            r->zs.next_in += got;
            r->zs.avail_in -= (uInt)got;
            return got;
        }
        if (r->in_eof) return 0;
        ssize_t k;
        do k = read(r->fd, dst, n); while (k < 0 && errno == EINTR);
        if (k < 0) read_fail(r, "%s", strerror(errno));
        if (k == 0) r->in_eof = 1;
        return (size_t)k;
    }
    for (;;) {
        size_t avail = refill(r);
        if (r->member_end) {
            if (avail == 0) return 0;
            /* what follows a member must be another one (gzip -c a b > ab, or cat a.gz b.gz) */
            if (r->zs.next_in[0] != 0x1f || (avail > 1 && r->zs.next_in[1] != 0x8b))
                read_fail(r, "bytes after the end of the gzip stream");
            if (inflateReset(&r->zs) != Z_OK) read_fail(r, "inflateReset failed");
            r->member_end = 0;
        }
        r->zs.next_out = (unsigned char *)dst;
        r->zs.avail_out = (uInt)n;
        int rc = inflate(&r->zs, Z_NO_FLUSH);
        size_t got = n - r->zs.avail_out;
        if (rc == Z_STREAM_END) r->member_end = 1;
        else if (rc == Z_DATA_ERROR) read_fail(r, "%s", r->zs.msg ? r->zs.msg : "corrupt gzip data");
        else if (rc == Z_MEM_ERROR) read_fail(r, "out of memory");
        else if (rc != Z_OK && rc != Z_BUF_ERROR) read_fail(r, "inflate error %d", rc);
        if (!r->member_end && got == 0 && r->zs.avail_in == 0 && r->in_eof)
            read_fail(r, "unexpected end of file");
        if (got) return got;
    }
}

/* Next line (without newline or trailing CR), NUL-terminated in place; NULL at EOF. A line is
 * one record: a NUL byte or a lone CR inside it would cut it silently (a C string ends at the
 * NUL; a file with CR-only line ends would read as one long header), so both are errors. */
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
            const char *bad = memchr(start, '\0', (size_t)(end - start));
            if (bad) {
                int col = 1;
                for (const char *p = start; p < bad; p++) col += *p == ',';
                if (r->names && col <= r->ncols)
                    csv_fail(r, "column '%s': a NUL byte in the field (not a text file?)",
                             r->names[col - 1]);
                csv_fail(r, "field %d: a NUL byte (not a text file?)", col);
            }
            if (memchr(start, '\r', (size_t)(end - start)))
                csv_fail(r, "a carriage return inside the line (CR-only line ends? convert them "
                            "with tr '\\r' '\\n')");
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
        size_t n = fill(r, r->buf + r->len, CHUNK);
        if (n == 0) r->eof = 1;
        r->len += n;
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

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_unique_names(CsvReader *r)
{
    /* sorted copy: O(n log n), a header of 10^5 columns must not take 10^10 steps */
    int n = r->ncols;
    char **s = xmalloc((size_t)n * sizeof *s);
    memcpy(s, r->names, (size_t)n * sizeof *s);
    qsort(s, (size_t)n, sizeof *s, cmp_str);
    for (int i = 1; i < n; i++)
        if (strcmp(s[i - 1], s[i]) == 0) {
            int first = -1, second = -1;
            for (int j = 0; j < n && second < 0; j++)
                if (strcmp(r->names[j], s[i]) == 0) { if (first < 0) first = j; else second = j; }
            char cut[CSV_CUT_BUF];
            csv_fail(r, "column '%s' appears twice in the header (columns %d and %d)",
                     csv_cut(s[i], cut, sizeof cut), first + 1, second + 1);
        }
    free(s);
}

/* zlib's memory through xmalloc: running out is the one clear line of every other allocation
 * (and the fuzz harness, which tracks xmalloc, can release it after a refused input) */
static voidpf z_alloc(voidpf opaque, uInt n, uInt size)
{
    (void)opaque;
    return xmalloc((size_t)n * size);
}
static void z_free(voidpf opaque, voidpf p) { (void)opaque, free(p); }

CsvReader *csv_open(const char *path)
{
    CsvReader *r = xcalloc(1, sizeof *r);
    int is_stdin = strcmp(path, "-") == 0;
    r->path = xstrdup(is_stdin ? "<stdin>" : path);
    r->next_line = 1;
    if (is_stdin) r->fd = STDIN_FILENO;
    else if ((r->fd = open(path, O_RDONLY)) < 0) {
        fprintf(stderr, "%s: %s: cannot open: %s\n", progname(), path, strerror(errno));
        exit(EXIT_RUNTIME);
    }
    r->own_fd = !is_stdin;
    r->in = xmalloc(INCHUNK);
    /* gzip or plain, from the first two bytes (what gzread does) */
    while (r->zs.avail_in < 2 && !r->in_eof) {
        ssize_t k;
        do k = read(r->fd, r->in + r->zs.avail_in, INCHUNK - r->zs.avail_in); while (k < 0 && errno == EINTR);
        if (k < 0) read_fail(r, "%s", strerror(errno));
        if (k == 0) r->in_eof = 1;
        r->zs.avail_in += (uInt)k;
    }
    r->zs.next_in = r->in;
    r->gz = r->zs.avail_in >= 2 && r->in[0] == 0x1f && r->in[1] == 0x8b;
    r->zs.zalloc = z_alloc;
    r->zs.zfree = z_free;
    if (r->gz && inflateInit2(&r->zs, 15 + 16) != Z_OK) read_fail(r, "inflateInit failed");
    r->cap = 2 * CHUNK + 1;
    r->buf = xmalloc(r->cap);
    r->buf[0] = '\0';
    char *line;
    while ((line = read_line(r)) && line[strspn(line, " \t")] == '\0') {}
    if (!line) {
        fprintf(stderr, "%s: %s:%ld: empty file (no header row)\n", progname(), r->path,
                r->next_line > 1 ? r->next_line - 1 : 1);
        exit(EXIT_RUNTIME);
    }
    /* a UTF-8 byte order mark (spreadsheets write one) is not part of the first name */
    if ((unsigned char)line[0] == 0xef && (unsigned char)line[1] == 0xbb && (unsigned char)line[2] == 0xbf)
        line += 3;
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
    check_unique_names(r);
    return r;
}

void csv_close(CsvReader *r)
{
    if (!r) return;
    if (r->gz) inflateEnd(&r->zs);
    if (r->own_fd) close(r->fd);
    free(r->in);
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
        char cut[CSV_CUT_BUF];
        fprintf(stderr, "%s: %s:1: no column '%s' in the header\n", progname(), r->path,
                csv_cut(name, cut, sizeof cut));
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
    char a[CSV_CUT_BUF], b[CSV_CUT_BUF];
    if (rc == -1)
        csv_fail(r, "column '%s': '%s' is not a number", csv_cut(r->names[col], a, sizeof a),
                 csv_cut(r->fields[col], b, sizeof b));
    if (rc == -2)
        csv_fail(r, "column '%s': '%s' is not finite", csv_cut(r->names[col], a, sizeof a),
                 csv_cut(r->fields[col], b, sizeof b));
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
