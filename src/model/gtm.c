/* gtm.c — model file (see gtm.h). */
#include "model/gtm.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base/atomic.h"
#include "base/util.h"
#include "model/transform.h"

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

int gtm_needs_v2(const GtmModel *m)
{
    if (m->tail_q != 0 || m->range01) return 1;
    for (int j = 0; j < m->nout; j++)
        if ((m->out_tf && m->out_tf[j].kind != TF_NONE) || (m->out_cut && m->out_cut[j] != INFINITY))
            return 1;
    return 0;
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
    const uint32_t version = m->arch != GAN_ARCH_MLP ? 3u : gtm_needs_v2(m) ? 2u : 1u;
    if (version >= 2) {
        put_f64(&b, m->tail_q);
        put_u32(&b, m->range01 ? 1u : 0u);
        for (int j = 0; j < m->nout; j++) {
            const Transform none = {TF_NONE, 0, 0}, *t = m->out_tf ? &m->out_tf[j] : &none;
            put_u32(&b, (uint32_t)t->kind), put_f64(&b, t->a), put_f64(&b, t->b);
            put_f64(&b, m->out_cut ? m->out_cut[j] : INFINITY);
        }
    }
    if (version >= 3)
        put_u32(&b, (uint32_t)m->arch), put_u32(&b, (uint32_t)m->filters),
            put_u32(&b, (uint32_t)m->kernel);
    put_f32s(&b, G->p, (size_t)G->lay.nparams);
    put_f32s(&b, G->st, (size_t)G->lay.nstate);

    uLongf clen = compressBound(b.n);
    unsigned char *z = xmalloc(clen);
    if (compress2(z, &clen, b.p, b.n, 6) != Z_OK) die(EXIT_RUNTIME, "%s: compression failed", path);
    Buf h = {0};
    put(&h, gtm_magic, 8);
    put_u32(&h, version);
    put_u32(&h, (uint32_t)crc32(0L, b.p, (uInt)b.n));
    put_u64(&h, b.n);
    put_u64(&h, clen);
    AtomicOut *o = aout_open(path);
    aout_write(o, h.p, h.n);
    aout_write(o, z, clen);
    aout_commit(o);
    free(h.p), free(z), free(b.p);
}

/* Reading never exits: every problem is a message in the caller's buffer (gtm_read), so the
 * public library (include/gantune.h) can refuse a bad file without ending its caller's
 * process. Allocation is plain malloc for the same reason; sizes are checked against the
 * payload before anything large is allocated. */
typedef struct {
    const unsigned char *p;
    size_t n, at;
    int bad;             /* sticky: set by the first short read; getters then return 0 */
} Rd;

static int need(Rd *r, size_t n)
{
    if (r->bad || n > r->n - r->at) r->bad = 1;
    return !r->bad;
}
static uint32_t get_u32(Rd *r)
{
    if (!need(r, 4)) return 0;
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
    if (!need(r, 4 * n)) return;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = get_u32(r);
        memcpy(&f[i], &v, 4);
    }
}

typedef struct {
    char *buf;
    size_t len;
    const char *path;
    int code;            /* gtm_read's result when it fails: GTM_EFORMAT unless set before */
    long at;             /* the byte a format error is at (-1: none), in the file or payload */
    int payload;         /* at counts in the decompressed payload */
} Err;

/* A model file has no lines: a format error names its byte, "FILE: what (at byte N)" (or
 * "payload byte N", counted in the decompressed payload). */
static Err *at(Err *e, size_t byte, int payload)
{
    e->at = (long)byte, e->payload = payload;
    return e;
}

static Err *as(Err *e, int code)
{
    e->code = code;
    return e;
}

static int fail(Err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(Err *e, const char *fmt, ...)
{
    if (e->len) {
        int k = snprintf(e->buf, e->len, "%s: ", e->path);
        va_list ap;
        va_start(ap, fmt);
        if (k >= 0 && (size_t)k < e->len) k += vsnprintf(e->buf + k, e->len - (size_t)k, fmt, ap);
        va_end(ap);
        if (e->at >= 0 && k >= 0 && (size_t)k < e->len)
            snprintf(e->buf + k, e->len - (size_t)k, " (at %sbyte %ld)", e->payload ? "payload " : "", e->at);
    }
    return -1;
}

/* NULL on a short read, a bad name or no memory (*oom set) */
static char *get_str(Rd *r, int *oom)
{
    uint32_t n = get_u32(r);
    if (!need(r, n)) return NULL;
    char *s = malloc((size_t)n + 1);
    if (!s) {
        *oom = 1;
        return NULL;
    }
    memcpy(s, r->p + r->at, n);
    s[n] = 0;
    r->at += n;
    if (strlen(s) != n) {
        free(s);
        return NULL;
    }
    return s;
}
/* -1 (and the message) when short or outside [lo, hi] */
static int get_dim(Rd *r, Err *e, const char *what, uint32_t lo, uint32_t hi, int *out)
{
    uint32_t v = get_u32(r);
    if (r->bad) return fail(at(e, r->n, 1), "model payload is truncated or inconsistent");
    if (v < lo || v > hi) return fail(at(e, r->at - 4, 1), "model has an invalid %s (%u)", what, v);
    *out = (int)v;
    return 0;
}

/* The whole file into memory; -1 with the message. */
static int read_file(Err *e, unsigned char **out, size_t *len)
{
    FILE *f = fopen(e->path, "rb");
    if (!f) return fail(as(e, GTM_EIO), "%s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    unsigned char *file = malloc(cap);
    for (;;) {
        if (!file) break;
        if (n == cap) {
            unsigned char *q = cap > SIZE_MAX / 2 ? NULL : realloc(file, cap * 2);
            if (!q) {
                free(file), file = NULL;
                break;
            }
            file = q, cap *= 2;
        }
        size_t k = fread(file + n, 1, cap - n, f);
        if (k == 0) break;
        n += k;
    }
    int err = ferror(f);
    fclose(f);
    if (!file) return fail(as(e, GTM_ENOMEM), "out of memory reading the model");
    if (err) {
        free(file);
        return fail(as(e, GTM_EIO), "read error");
    }
    *out = file, *len = n;
    return 0;
}

/* Header, decompression and CRC: the payload in *raw; -1 with the message. */
static int read_payload(Err *e, unsigned char **raw, uint64_t *rawlen, uint32_t *version_out)
{
    unsigned char *file = NULL;
    size_t n = 0;
    if (read_file(e, &file, &n)) return -1;
    int rc = -1;
    *raw = NULL;
    Rd h = {file, n, 8, 0};
    if (n < HEADER || memcmp(file, gtm_magic, 8) != 0) {
        fail(at(e, 0, 0), "not a gantune model file (bad magic%s)", n < HEADER ? ", or shorter than a header" : "");
        goto out;
    }
    uint32_t version = get_u32(&h), crc = get_u32(&h);
    *rawlen = get_u64(&h);
    uint64_t clen = get_u64(&h);
    *version_out = version;
    if (version < 1 || version > GTM_VERSION) {
        fail(at(e, 8, 0), "model format version %u, this program reads 1 to %u", version, GTM_VERSION);
        goto out;
    }
    if (clen != n - HEADER) {
        fail(at(e, 24, 0), "model file is truncated or has trailing bytes (%zu of %llu bytes)", n - HEADER,
             (unsigned long long)clen);
        goto out;
    }
    /* zlib expands at most ~1032:1: a larger claim is a damaged header, not a huge model */
    if (*rawlen > ((uint64_t)1 << 34) || *rawlen > 1100 * clen + 64) {
        fail(at(e, 16, 0), "model header is corrupted (payload size %llu)", (unsigned long long)*rawlen);
        goto out;
    }
    *raw = malloc(*rawlen ? (size_t)*rawlen : 1);
    if (!*raw) {
        fail(as(e, GTM_ENOMEM), "out of memory (%llu bytes of model data)", (unsigned long long)*rawlen);
        goto out;
    }
    uLongf got = (uLongf)*rawlen;
    if (uncompress(*raw, &got, file + HEADER, (uLong)clen) != Z_OK || got != *rawlen) {
        fail(at(e, HEADER, 0), "model data is corrupted (decompression failed)");
        goto out;
    }
    if ((uint32_t)crc32(0L, *raw, (uInt)*rawlen) != crc) {
        fail(at(e, 12, 0), "model data is corrupted (CRC mismatch)");
        goto out;
    }
    rc = 0;
out:
    free(file);
    if (rc) free(*raw), *raw = NULL;
    return rc;
}

static int read_model(Err *e, Rd *r, GtmModel *m, uint32_t version)
{
    int oom = 0;
    if (get_dim(r, e, "condition count", 0, 1 << 16, &m->ncond) ||
        get_dim(r, e, "noise dimension", 1, 1 << 16, &m->nnoise) ||
        get_dim(r, e, "output count", 1, 1 << 16, &m->nout) ||
        get_dim(r, e, "generator width", 1, 1 << 16, &m->gw) ||
        get_dim(r, e, "discriminator width", 1, 1 << 16, &m->dw) ||
        get_dim(r, e, "best epoch", 0, UINT32_MAX >> 1, &m->best_epoch))
        return -1;
    m->best_wd = get_f64(r);
    m->out_names = calloc((size_t)m->nout, sizeof(char *));
    m->cond_names = calloc((size_t)m->ncond + 1, sizeof(char *));
    m->out_lo = calloc(2 * (size_t)(m->nout + m->ncond), sizeof(double));
    if (!m->out_names || !m->cond_names || !m->out_lo) return fail(as(e, GTM_ENOMEM), "out of memory");
    m->out_hi = m->out_lo + m->nout;
    m->cond_lo = m->out_lo + 2 * m->nout;
    m->cond_hi = m->cond_lo + m->ncond;
    for (int j = 0; j < m->nout + m->ncond; j++) {
        char *s = get_str(r, &oom);
        if (!s) {
            if (oom) return fail(as(e, GTM_ENOMEM), "out of memory");
            return fail(at(e, r->bad ? r->n : r->at, 1), r->bad ? "model payload is truncated or inconsistent"
                                  : "bad column name in model");
        }
        double lo = get_f64(r), hi = get_f64(r);
        if (j < m->nout)
            m->out_names[j] = s, m->out_lo[j] = lo, m->out_hi[j] = hi;
        else
            m->cond_names[j - m->nout] = s, m->cond_lo[j - m->nout] = lo,
                                  m->cond_hi[j - m->nout] = hi;
    }
    if (version >= 2) {
        m->out_tf = calloc((size_t)m->nout, sizeof *m->out_tf);
        m->out_cut = calloc((size_t)m->nout, sizeof *m->out_cut);
        if (!m->out_tf || !m->out_cut) return fail(as(e, GTM_ENOMEM), "out of memory");
        size_t at0 = r->at;
        m->tail_q = get_f64(r);
        uint32_t r01 = get_u32(r);
        if (r->bad) return fail(at(e, r->n, 1), "model payload is truncated or inconsistent");
        if (!(m->tail_q == 0 || (m->tail_q > 0 && m->tail_q < 1)))
            return fail(at(e, at0, 1), "model has an invalid tail-cut quantile (%g)", m->tail_q);
        if (r01 > 1) return fail(at(e, at0 + 8, 1), "model has an invalid scaling range (%u)", r01);
        m->range01 = (int)r01;
        for (int j = 0; j < m->nout; j++) {
            size_t atj = r->at;
            uint32_t k = get_u32(r);
            Transform t = {(int)(k < TF_COUNT ? k : TF_COUNT), 0, 0};
            t.a = get_f64(r);   /* one at a time: an initializer list has no order */
            t.b = get_f64(r);
            m->out_cut[j] = get_f64(r);
            if (r->bad) return fail(at(e, r->n, 1), "model payload is truncated or inconsistent");
            if (!tf_valid(&t))
                return fail(at(e, atj, 1), "model has an invalid transform (%u, %g, %g) of column %s", k,
                            t.a, t.b, m->out_names[j]);
            if (isnan(m->out_cut[j]))
                return fail(at(e, atj + 20, 1), "model has an invalid tail cut of column %s", m->out_names[j]);
            m->out_tf[j] = t;
        }
    }
    if (version >= 3 &&
        (get_dim(r, e, "model kind", GAN_ARCH_CALO, GAN_ARCH_CALO, &m->arch) ||
         get_dim(r, e, "filter count", 1, 1 << 10, &m->filters) ||
         get_dim(r, e, "kernel size", 2, 5, &m->kernel)))
        return -1;
    if (m->arch == GAN_ARCH_CALO && m->nout != 504)
        return fail(at(e, 0, 1), "calo model with %d outputs, not 504 cells", m->nout);
    NetLayout lay;
    gan_generator_layout_arch(&lay, m->arch, m->ncond + m->nnoise, m->gw, m->nout, m->filters,
                              m->kernel);
    /* the parameters must fill the rest of the payload exactly: checked before allocating,
     * so a corrupted size cannot ask for gigabytes */
    uint64_t floats = (uint64_t)lay.nparams + (uint64_t)lay.nstate;
    if (r->bad || floats > (r->n - r->at) / 4)
        return fail(at(e, r->n, 1), "model payload is truncated or inconsistent");
    if (floats * 4 != r->n - r->at)
        return fail(at(e, r->at + 4 * floats, 1), "model payload has unexpected trailing data");
    m->G.lay = lay;
    m->G.p = calloc((size_t)lay.nparams + 1, sizeof(float));
    m->G.st = calloc((size_t)lay.nstate + 1, sizeof(float));
    if (!m->G.p || !m->G.st) return fail(as(e, GTM_ENOMEM), "out of memory");
    get_f32s(r, m->G.p, (size_t)lay.nparams);
    get_f32s(r, m->G.st, (size_t)lay.nstate);
    return 0;
}

int gtm_read(const char *path, GtmModel *m, char *err, size_t errlen)
{
    Err e = {err, errlen, path, GTM_EFORMAT, -1, 0};
    if (errlen) err[0] = 0;
    memset(m, 0, sizeof *m);
    unsigned char *raw;
    uint64_t rawlen;
    uint32_t version;
    if (read_payload(&e, &raw, &rawlen, &version)) return e.code;
    Rd r = {raw, (size_t)rawlen, 0, 0};
    int rc = read_model(&e, &r, m, version);
    free(raw);
    if (rc) gtm_free(m);
    return rc ? e.code : 0;
}

void gtm_load(const char *path, GtmModel *m)
{
    char err[512];
    if (gtm_read(path, m, err, sizeof err)) die(EXIT_RUNTIME, "%s", err);
}

void gtm_free(GtmModel *m)
{
    /* also a partly read model (gtm_read's failure paths): NULL lists and names are skipped */
    for (int j = 0; m->out_names && j < m->nout; j++) free(m->out_names[j]);
    for (int j = 0; m->cond_names && j < m->ncond; j++) free(m->cond_names[j]);
    free(m->out_names), free(m->cond_names), free(m->out_lo), free(m->out_tf), free(m->out_cut);
    net_free(&m->G);
    memset(m, 0, sizeof *m);
}
