/* gantune.c — libgantune, the public library (include/gantune.h), on the internal model code:
 * gtm_read (loads without exiting) and the sampler (model/sample.h, gan-sample's own
 * definition of conditions + noise -> events). Nothing here may exit or print: the internal
 * die() paths are not reachable from these calls (gtm_read and sampler_init report instead;
 * the layer kernels and net_fwd_infer never fail). */
#include <gantune.h>   /* the public header, include/ (not a src/ folder) */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/gtm.h"
#include "model/sample.h"

_Static_assert(GANTUNE_BLOCK == SAMPLE_BLOCK, "gantune.h's block is the sampler's");

struct gantune_model {
    GtmModel m;
    Sampler s;
    char err[512];
};

static int status_of(int gtm_code)
{
    return gtm_code == GTM_EIO ? GANTUNE_ERR_IO
           : gtm_code == GTM_ENOMEM ? GANTUNE_ERR_NOMEM
                                    : GANTUNE_ERR_FORMAT;
}

static void put_err(char *err, size_t errlen, const char *msg)
{
    if (err && errlen) snprintf(err, errlen, "%s", msg);
}

int gantune_open(const char *path, gantune_model **model, char *err, size_t errlen)
{
    if (err && errlen) err[0] = 0;
    if (!model) {
        put_err(err, errlen, "gantune_open: model is NULL");
        return GANTUNE_ERR_ARG;
    }
    *model = NULL;
    if (!path) {
        put_err(err, errlen, "gantune_open: path is NULL");
        return GANTUNE_ERR_ARG;
    }
    gantune_model *h = calloc(1, sizeof *h);
    if (!h) {
        put_err(err, errlen, "out of memory");
        return GANTUNE_ERR_NOMEM;
    }
    int rc = gtm_read(path, &h->m, h->err, sizeof h->err);
    if (rc) {
        put_err(err, errlen, h->err);
        free(h);
        return status_of(rc);
    }
    if (sampler_init(&h->s, &h->m)) {
        snprintf(h->err, sizeof h->err, "%s: out of memory", path);
        put_err(err, errlen, h->err);
        gtm_free(&h->m);
        free(h);
        return GANTUNE_ERR_NOMEM;
    }
    sampler_seed(&h->s, 1);
    h->err[0] = 0;
    *model = h;
    return GANTUNE_OK;
}

void gantune_close(gantune_model *h)
{
    if (!h) return;
    sampler_free(&h->s);
    gtm_free(&h->m);
    free(h);
}

const char *gantune_errmsg(const gantune_model *h)
{
    return h ? h->err : "no model (NULL handle)";
}

const char *gantune_strerror(int status)
{
    switch (status) {
    case GANTUNE_OK: return "ok";
    case GANTUNE_ERR_IO: return "the model file cannot be read";
    case GANTUNE_ERR_FORMAT: return "not a valid gantune model file";
    case GANTUNE_ERR_ARG: return "invalid argument";
    case GANTUNE_ERR_NOMEM: return "out of memory";
    }
    return "unknown status";
}

int gantune_ncond(const gantune_model *h) { return h ? h->m.ncond : 0; }
int gantune_noise_dim(const gantune_model *h) { return h ? h->m.nnoise : 0; }
int gantune_nout(const gantune_model *h) { return h ? h->m.nout : 0; }

const char *gantune_cond_name(const gantune_model *h, int j)
{
    return h && j >= 0 && j < h->m.ncond ? h->m.cond_names[j] : NULL;
}

const char *gantune_out_name(const gantune_model *h, int j)
{
    return h && j >= 0 && j < h->m.nout ? h->m.out_names[j] : NULL;
}

void gantune_seed(gantune_model *h, uint64_t seed)
{
    if (h) sampler_seed(&h->s, seed);
}

static int check(gantune_model *h, size_t n, const double *cond, const void *noise, int need_noise,
                 double *events, const char *fn)
{
    if (!h) return GANTUNE_ERR_ARG;
    h->err[0] = 0;
    const char *why = !events && n ? "events is NULL"
                      : !cond && n && h->m.ncond ? "the model is conditional: cond is NULL"
                      : !noise && n && need_noise ? "noise is NULL"
                                                  : NULL;
    if (!why) return GANTUNE_OK;
    snprintf(h->err, sizeof h->err, "%s: %s", fn, why);
    return GANTUNE_ERR_ARG;
}

/* In blocks of SAMPLE_BLOCK rows (the sampler's buffers); no allocation. */
int gantune_generate(gantune_model *h, size_t n, const double *cond, double *events)
{
    int rc = check(h, n, cond, NULL, 0, events, "gantune_generate");
    if (rc) return rc;
    const size_t nc = (size_t)h->m.ncond, no = (size_t)h->m.nout;
    for (size_t s = 0; s < n; s += SAMPLE_BLOCK) {
        int b = n - s < SAMPLE_BLOCK ? (int)(n - s) : SAMPLE_BLOCK;
        sampler_noise(&h->s, (size_t)b, h->s.z);
        sampler_run(&h->s, b, nc ? cond + s * nc : NULL, h->s.z, events + s * no);
    }
    return GANTUNE_OK;
}

int gantune_generate_noise(gantune_model *h, size_t n, const double *cond, const float *noise,
                           double *events)
{
    int rc = check(h, n, cond, noise, 1, events, "gantune_generate_noise");
    if (rc) return rc;
    const size_t nc = (size_t)h->m.ncond, nz = (size_t)h->m.nnoise, no = (size_t)h->m.nout;
    for (size_t s = 0; s < n; s += SAMPLE_BLOCK) {
        int b = n - s < SAMPLE_BLOCK ? (int)(n - s) : SAMPLE_BLOCK;
        sampler_run(&h->s, b, nc ? cond + s * nc : NULL, noise + s * nz, events + s * no);
    }
    return GANTUNE_OK;
}
