/* gtm.c — model file (see gtm.h). */
#include "model/gtm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/atomic.h"
#include "base/util.h"

static const char gtm_magic[8] = {'G', 'A', 'N', 'T', 'U', 'N', 'E', 'M'};
enum { HEADER = 32 };

typedef struct { unsigned char *p; size_t n, cap; } Buf;

static void put(Buf *b, const void *v, size_t n)
{
    if (b->n + n > b->cap) {
        b->cap = (b->n + n) * 2 + 256;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, v, n);
    b->n += n;
}
static void put_u32(Buf *b, uint32_t v)
{
    unsigned char c[4] = {v & 255, (v >> 8) & 255, (v >> 16) & 255, v >> 24};
    put(b, c, 4);
}
static void put_u64(Buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}
static void put_f64(Buf *b, double d)
{
    uint64_t v;
    memcpy(&v, &d, 8);
    put_u64(b, v);
}
static void put_f32s(Buf *b, const float *f, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t v;
        memcpy(&v, &f[i], 4);
        put_u32(b, v);
    }
}
static void put_str(Buf *b, const char *s)
{
    put_u32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

void gtm_save(const char *path, const GtmModel *m)
{
    Buf b = {0};
    const Net *G = &m->G;
    put_u32(&b, (uint32_t)m->ncond), put_u32(&b, (uint32_t)m->nnoise);
    put_u32(&b, (uint32_t)m->nout), put_u32(&b, (uint32_t)m->gw), put_u32(&b, (uint32_t)m->dw);
    put_u32(&b, (uint32_t)m->best_epoch);
    put_f64(&b, m->best_wd);
    for (int j = 0; j < m->nout; j++)
        put_str(&b, m->out_names[j]), put_f64(&b, m->out_lo[j]), put_f64(&b, m->out_hi[j]);
    for (int j = 0; j < m->ncond; j++)
        put_str(&b, m->cond_names[j]), put_f64(&b, m->cond_lo[j]), put_f64(&b, m->cond_hi[j]);
    put_f32s(&b, G->p, (size_t)G->lay.nparams);
    put_f32s(&b, G->st, (size_t)G->lay.nstate);

    uLongf clen = compressBound(b.n);
    unsigned char *z = xmalloc(clen);
    if (compress2(z, &clen, b.p, b.n, 6) != Z_OK) die(EXIT_RUNTIME, "%s: compression failed", path);
    Buf h = {0};
    put(&h, gtm_magic, 8);
    put_u32(&h, GTM_VERSION);
    put_u32(&h, (uint32_t)crc32(0L, b.p, (uInt)b.n));
    put_u64(&h, b.n);
    put_u64(&h, clen);
    AtomicOut *o = aout_open(path);
    aout_write(o, h.p, h.n);
    aout_write(o, z, clen);
    aout_commit(o);
    free(h.p), free(z), free(b.p);
}

/* base: the file offset of p[0] (0 for the file, HEADER for the payload: an offset into the
 * decompressed payload is named as such). */
typedef struct { const unsigned char *p; size_t n, at; const char *path; int payload; } Rd;

/* A model file has no lines: errors name the byte, "prog: FILE: byte N: what" (N counted in
 * the file, or in the decompressed payload). */
static _Noreturn void rd_die(const Rd *r, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static _Noreturn void rd_die(const Rd *r, size_t at, const char *fmt, ...)
{
    char where[4200];
    snprintf(where, sizeof where, "%s: %sbyte %zu", r->path, r->payload ? "payload " : "", at);
    va_list ap;
    va_start(ap, fmt);
    vdie_at(EXIT_RUNTIME, where, fmt, ap);
}

static void need(Rd *r, size_t n)
{
    if (n > r->n - r->at) rd_die(r, r->at, "model payload is truncated or inconsistent");
}
static uint32_t get_u32(Rd *r)
{
    need(r, 4);
    const unsigned char *c = r->p + r->at;
    r->at += 4;
    return (uint32_t)c[0] | (uint32_t)c[1] << 8 | (uint32_t)c[2] << 16 | (uint32_t)c[3] << 24;
}
static uint64_t get_u64(Rd *r)
{
    uint64_t lo = get_u32(r);
    return lo | (uint64_t)get_u32(r) << 32;
}
static double get_f64(Rd *r)
{
    uint64_t v = get_u64(r);
    double d;
    memcpy(&d, &v, 8);
    return d;
}
static void get_f32s(Rd *r, float *f, size_t n)
{
    need(r, 4 * n);
    for (size_t i = 0; i < n; i++) {
        uint32_t v = get_u32(r);
        memcpy(&f[i], &v, 4);
    }
}
static char *get_str(Rd *r)
{
    uint32_t n = get_u32(r);
    need(r, n);
    char *s = xmalloc((size_t)n + 1);
    memcpy(s, r->p + r->at, n);
    s[n] = 0;
    r->at += n;
    if (strlen(s) != n) rd_die(r, r->at - n, "bad column name in model");
    return s;
}
static int get_dim(Rd *r, const char *what, uint32_t lo, uint32_t hi)
{
    uint32_t v = get_u32(r);
    if (v < lo || v > hi) rd_die(r, r->at - 4, "model has an invalid %s (%u)", what, v);
    return (int)v;
}

void gtm_load(const char *path, GtmModel *m)
{
    FILE *f = fopen(path, "rb");
    if (!f) die(EXIT_RUNTIME, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *file = xmalloc(cap);
    for (;;) {
        if (n == cap) file = xrealloc(file, cap *= 2);
        size_t k = fread(file + n, 1, cap - n, f);
        if (k == 0) break;
        n += k;
    }
    if (ferror(f)) die(EXIT_RUNTIME, "%s: read error: %s", path, strerror(errno));
    fclose(f);
    Rd h = {file, n, 8, path, 0};
    if (n < HEADER || memcmp(file, gtm_magic, 8) != 0)
        rd_die(&h, 0, "not a gantune model file (bad magic%s)", n < HEADER ? ", or shorter than a header" : "");
    uint32_t version = get_u32(&h), crc = get_u32(&h);
    uint64_t rawlen = get_u64(&h), clen = get_u64(&h);
    if (version != GTM_VERSION)
        rd_die(&h, 8, "model format version %u, this program reads %u", version, GTM_VERSION);
    if (clen != n - HEADER)
        rd_die(&h, 24, "model file is truncated or has trailing bytes (%zu of %llu bytes)",
               n - HEADER, (unsigned long long)clen);
    /* zlib expands at most ~1032:1: a larger claim is a damaged header, not a huge model */
    if (rawlen > ((uint64_t)1 << 34) || rawlen > 1100 * clen + 64)
        rd_die(&h, 16, "model header is corrupted (payload size %llu)", (unsigned long long)rawlen);
    unsigned char *raw = xmalloc(rawlen ? rawlen : 1);
    uLongf got = rawlen;
    if (uncompress(raw, &got, file + HEADER, clen) != Z_OK || got != rawlen)
        rd_die(&h, HEADER, "model data is corrupted (decompression failed)");
    if ((uint32_t)crc32(0L, raw, (uInt)rawlen) != crc)
        rd_die(&h, 12, "model data is corrupted (CRC mismatch)");
    free(file);

    Rd r = {raw, rawlen, 0, path, 1};
    memset(m, 0, sizeof *m);
    m->ncond = get_dim(&r, "condition count", 0, 1 << 16);
    m->nnoise = get_dim(&r, "noise dimension", 1, 1 << 16);
    m->nout = get_dim(&r, "output count", 1, 1 << 16);
    m->gw = get_dim(&r, "generator width", 1, 1 << 16);
    m->dw = get_dim(&r, "discriminator width", 1, 1 << 16);
    m->best_epoch = get_dim(&r, "best epoch", 0, UINT32_MAX >> 1);
    m->best_wd = get_f64(&r);
    m->out_names = xcalloc((size_t)m->nout, sizeof(char *));
    m->cond_names = xcalloc((size_t)m->ncond + 1, sizeof(char *));
    m->out_lo = xcalloc(2 * (size_t)(m->nout + m->ncond), sizeof(double));
    m->out_hi = m->out_lo + m->nout;
    m->cond_lo = m->out_lo + 2 * m->nout;
    m->cond_hi = m->cond_lo + m->ncond;
    for (int j = 0; j < m->nout; j++)
        m->out_names[j] = get_str(&r), m->out_lo[j] = get_f64(&r), m->out_hi[j] = get_f64(&r);
    for (int j = 0; j < m->ncond; j++)
        m->cond_names[j] = get_str(&r), m->cond_lo[j] = get_f64(&r), m->cond_hi[j] = get_f64(&r);
    /* the sizes must fit what is left before the layout is computed or anything allocated
     * (64-bit: a damaged width must not become a 16 GB allocation) */
    uint64_t gw = (uint64_t)m->gw, est = (uint64_t)(m->ncond + m->nnoise) * gw + gw * gw + gw * (uint64_t)m->nout;
    if (4 * est > r.n - r.at) rd_die(&r, r.at, "model payload is truncated or inconsistent (sizes %d/%d/%d/%d)",
                                     m->ncond + m->nnoise, m->gw, m->gw, m->nout);
    NetLayout lay;
    gan_generator_layout(&lay, m->ncond + m->nnoise, m->gw, m->nout);
    net_init(&m->G, &lay);
    get_f32s(&r, m->G.p, (size_t)m->G.lay.nparams);
    get_f32s(&r, m->G.st, (size_t)m->G.lay.nstate);
    if (r.at != r.n) rd_die(&r, r.at, "model payload has unexpected trailing data");
    free(raw);
}

void gtm_free(GtmModel *m)
{
    for (int j = 0; j < m->nout; j++) free(m->out_names[j]);
    for (int j = 0; j < m->ncond; j++) free(m->cond_names[j]);
    free(m->out_names), free(m->cond_names), free(m->out_lo);
    net_free(&m->G);
    memset(m, 0, sizeof *m);
}
