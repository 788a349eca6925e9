/* generated.c — picture 4: generated vs truth for the final phase (or the best set's models
 * elsewhere). Four steps: find the models, sample each with gan-sample (on the validation
 * events' conditions) and score each sample with gan-eval (generated_eval.csv, which the
 * summary table reads), add the study's derived observables (data/observables.h) as columns,
 * histogram truth and samples per column and condition bin, write the histograms and the
 * script. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/numfmt.h"
#include "base/proc.h"
#include "base/util.h"
#include "data/calo.h"
#include "data/observables.h"
#include "report/generated.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NGENBINS 30    /* bins of the generated-vs-truth histograms */
#define NCONDBINS 3    /* condition bins (quantiles) for conditional studies */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *resolve_data(const Run *r, const char *p)
{
    if (p[0] == '/' || file_exists(p)) return xstrdup(p);
    char *q = path_join(r->dir, p);
    if (file_exists(q)) return q;
    free(q);
    char *root = path_join(r->dir, "../../..");  /* runs/STUDY/PHASE: paths from the project root */
    q = path_join(root, p);
    free(root);
    if (file_exists(q)) return q;
    free(q);
    return NULL;
}

/* The models to sample, sorted: every one in the final phase, else the best set's. Returns their
 * number, -1 when the run has no models/ directory. */
static int find_models(const Run *r, int final, char ***out)
{
    char *md = path_join(r->dir, "models");
    DIR *dp = opendir(md);
    if (!dp) {
        free(md);
        return -1;
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%d-", r->id[r->best]);
    char **models = NULL;
    int nm = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t k = strlen(e->d_name);
        if (k < 5 || strcmp(e->d_name + k - 4, ".gtm") != 0 || e->d_name[0] == '.') continue;
        if (!final && strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        models = xrealloc(models, (size_t)(nm + 1) * sizeof *models);
        models[nm++] = path_join(md, e->d_name);
    }
    closedir(dp);
    free(md);
    if (nm) qsort(models, (size_t)nm, sizeof *models, cmp_str);
    *out = models;
    return nm;
}

/* gan-eval beside the sampler when it is a path, else on PATH; NULL when there is none */
static char *find_eval(const char *sampler)
{
    const char *slash = strrchr(sampler, '/');
    if (slash) {
        char *d = xstrdup(sampler);
        d[slash - sampler] = 0;
        char *p = path_join(d, "gan-eval");
        free(d);
        if (access(p, X_OK) == 0) return p;
        free(p);
    }
    return find_exec("gan-eval");
}

/* gan-eval of model m's sample gfile against the validation rows vfile, its record appended to
 * dir/generated_eval.csv with the model's file name first (the header once). A failure is a
 * note and -1, the table removed (it would not hold every model); the picture goes on. */
static int eval_model(const char *geval, const char *model, int m, const char *gfile,
                       const char *vfile, const char *train, const Samples *s, const char *dir,
                       Notes *nt)
{
    char *efile = path_join(dir, ".eval.csv"), *eerr = path_join(dir, ".eval.err");
    char *table = path_join(dir, "generated_eval.csv");
    size_t len = 1;
    for (int j = 0; j < s->nout; j++) len += strlen(s->outc[j]) + 1;
    char *cols = xcalloc(len, 1), sbuf[32];
    for (int j = 0; j < s->nout; j++) strcat(strcat(cols, j ? "," : ""), s->outc[j]);
    snprintf(sbuf, sizeof sbuf, "%d", m + 1);
    char *argv[14];
    int a = 0;
    argv[a++] = (char *)geval, argv[a++] = "--cols", argv[a++] = cols, argv[a++] = "--seed";
    argv[a++] = sbuf;
    if (train) argv[a++] = "--scale-from", argv[a++] = (char *)train;
    argv[a++] = "-o", argv[a++] = efile, argv[a++] = (char *)gfile, argv[a++] = (char *)vfile;
    argv[a] = NULL;
    int rc = run_cmd(argv, NULL, NULL, eerr);
    if (rc != 0) {
        char line[512];
        first_line(eerr, line, sizeof line);
        note(nt, "<li>gan-eval of %s failed (exit %d: %s); the summary has no gan-eval rows.</li>\n",
             model, rc, line);
        unlink(table);
    } else {
        int have = m > 0 && file_exists(table);
        /* the table so far, then this record (a temp and a rename, as every output) */
        AtomicOut *o = aout_open(table);
        CsvReader *r = csv_open(efile);
        if (have) {
            FILE *f = fopen(table, "r");
            char buf[4096];
            size_t k;
            while (f && (k = fread(buf, 1, sizeof buf, f)) > 0) aout_write(o, buf, k);
            if (f) fclose(f);
        } else {
            aout_printf(o, "model");
            for (int j = 0; j < csv_ncols(r); j++) aout_printf(o, ",%s", csv_name(r, j));
            aout_printf(o, "\n");
        }
        const char *base = strrchr(model, '/');
        aout_printf(o, "%s", base ? base + 1 : model);
        if (csv_next(r))
            for (int j = 0; j < csv_ncols(r); j++) aout_printf(o, ",%s", csv_str(r, j));
        aout_printf(o, "\n");
        csv_close(r);
        aout_commit(o);
    }
    unlink(efile), unlink(eerr);
    free(efile), free(eerr), free(table), free(cols);
    return rc == 0 ? 0 : -1;
}

int generated_sample_one(const char *exe, const char *model, const char *cfile, size_t nv, int nout,
                         char **outc, int seed, const char *gfile, const char *gerr, double *dst,
                         int stride, const char *what, Notes *nt)
{
    char nbuf[32], sbuf[32];
    snprintf(nbuf, sizeof nbuf, "%zu", nv);
    snprintf(sbuf, sizeof sbuf, "%d", seed);
    char *argv[12];
    int a = 0;
    argv[a++] = (char *)exe, argv[a++] = "--model", argv[a++] = (char *)model, argv[a++] = "--events";
    argv[a++] = nbuf, argv[a++] = "--seed", argv[a++] = sbuf;
    if (cfile) argv[a++] = "--cond", argv[a++] = (char *)cfile;
    argv[a++] = "-o", argv[a++] = (char *)gfile, argv[a] = NULL;
    int rc = run_cmd(argv, NULL, NULL, gerr);
    if (rc != 0) {
        char line[512];
        first_line(gerr, line, sizeof line);
        note(nt, "<li>%s omitted: <code>%s</code> failed on %s (exit %d", what, exe, model, rc);
        note(nt, ": %s).</li>\n", line);
        return -1;
    }
    size_t ng;
    double *gd = csv_load_cols(gfile, nout, outc, 0, &ng);
    int res = -1;
    if (ng != nv) {
        note(nt, "<li>%s omitted: %s gave %zu events for %zu asked.</li>\n", what, model, ng, nv);
    } else {
        for (size_t i = 0; i < nv; i++)
            memcpy(dst + i * (size_t)stride, gd + i * (size_t)nout, (size_t)nout * sizeof *gd);
        res = 0;
    }
    free(gd);
    return res;
}

/* Sample every model with exe, one event per validation row, on the validation events'
 * conditions, and score each sample with geval (when not NULL). 0 on success, -1 with a note
 * when a model fails. */
static int sample_models(const char *exe, const char *geval, const char *train, char **models,
                         const char *dir, Samples *s, const char *what, Notes *nt)
{
    int nm = s->nm, nout = s->nout, ncond = s->ncond;
    size_t nv = s->nv;
    s->gen = xmalloc((size_t)nm * nv * (size_t)nout * sizeof *s->gen);
    char *gfile = path_join(dir, ".generated.csv"), *gerr = path_join(dir, ".generated.err");
    char *cfile = NULL;
    if (ncond) {  /* the conditions the truth was made with, in a file of their own */
        cfile = path_join(dir, ".conditions.csv");
        AtomicOut *o = aout_open(cfile);
        for (int j = 0; j < ncond; j++) aout_printf(o, "%s%s", j ? "," : "", s->condc[j]);
        aout_printf(o, "\n");
        for (size_t i = 0; i < nv; i++)
            for (int j = 0; j < ncond; j++)
                aout_printf(o, "%.9g%s", s->vdat[i * (nout + ncond) + nout + j], j + 1 < ncond ? "," : "\n");
        aout_commit(o);
    }
    char *vfile = NULL;
    if (geval) {  /* the validation rows the models were sampled on, for gan-eval */
        vfile = path_join(dir, ".validation.csv");
        AtomicOut *o = aout_open(vfile);
        int nc = nout + ncond;
        for (int j = 0; j < nc; j++)
            aout_printf(o, "%s%s", j ? "," : "", j < nout ? s->outc[j] : s->condc[j - nout]);
        aout_printf(o, "\n");
        for (size_t i = 0; i < nv; i++)
            for (int j = 0; j < nc; j++)
                aout_printf(o, "%.9g%s", s->vdat[i * nc + j], j + 1 < nc ? "," : "\n");
        aout_commit(o);
    }
    int fail = 0;
    for (int m = 0; m < nm && !fail; m++) {
        fail = generated_sample_one(exe, models[m], cfile, nv, nout, s->outc, m + 1, gfile, gerr,
                                    s->gen + (size_t)m * nv * nout, nout, what, nt) != 0;
        if (!fail && geval && eval_model(geval, models[m], m, gfile, vfile, train, s, dir, nt) != 0)
            geval = NULL;
        unlink(gfile);
    }
    unlink(gerr);
    if (cfile) unlink(cfile);
    if (vfile) unlink(vfile);
    free(gfile), free(gerr), free(cfile), free(vfile);
    return fail ? -1 : 0;
}

/* The study's derived observables (the kind whose inputs are among the columns; its key ones)
 * appended to the output columns of the truth and of every model's sample, so that they get
 * panels and ratio panels like the columns. Nothing when no kind fits. */
static void add_observables(Samples *s)
{
    int nout = s->nout, ncond = s->ncond, nc = nout + ncond, src[OBS_MAX_IN], key[4];
    const ObsKind *k = obs_detect_cols(nout, s->outc, ncond, s->condc, src, key);
    if (!k) return;
    int nk = k->nkey, n2 = nout + nk;
    size_t nv = s->nv;
    double *vd = xmalloc(nv * (size_t)(n2 + ncond) * sizeof *vd);
    double *gd = xmalloc((size_t)s->nm * nv * (size_t)n2 * sizeof *gd);
    for (size_t i = 0; i < nv; i++) {
        const double *row = s->vdat + i * nc;
        for (int m = -1; m < s->nm; m++) {   /* -1: the truth */
            const double *g = m < 0 ? row : s->gen + ((size_t)m * nv + i) * nout;
            double *d = m < 0 ? vd + i * (n2 + ncond) : gd + ((size_t)m * nv + i) * n2;
            memcpy(d, g, (size_t)nout * sizeof *d);
            obs_key_values(k, src, key, nout, g, row + nout, d + nout);
            if (m < 0) memcpy(d + n2, row + nout, (size_t)ncond * sizeof *d);
        }
    }
    free(s->vdat), free(s->gen);
    s->vdat = vd, s->gen = gd;
    s->outc = xrealloc(s->outc, (size_t)n2 * sizeof *s->outc);
    for (int q = 0; q < nk; q++) s->outc[nout + q] = (char *)k->key[q];
    s->nout = n2;
}

/* A calorimeter study (event-gen calo's 504 cells l0_c0..., conditioned on E0): panels of
 * CaloGAN's shower shapes (data/calo.h) instead of one per cell, which would be 504 panels
 * (gnuplot's canvas refuses that size) and say little: physicists judge showers by these. */
int generated_calo_e0(int nout, char *const *outc, int ncond, char *const *condc)
{
    int e0 = -1;
    for (int j = 0; j < ncond; j++)
        if (strcmp(condc[j], "E0") == 0) e0 = j;
    return nout == CALO_NCELL && strcmp(outc[0], "l0_c0") == 0 ? e0 : -1;
}

static int calo_view(Samples *s)
{
    int e0 = generated_calo_e0(s->nout, s->outc, s->ncond, s->condc);
    if (e0 < 0) return 0;
    int nout = s->nout, ncond = s->ncond, nc = nout + ncond, n2 = CALO_NSHAPE;
    size_t nv = s->nv;
    double *vd = xmalloc(nv * (size_t)(n2 + ncond) * sizeof *vd);
    double *gd = xmalloc((size_t)s->nm * nv * (size_t)n2 * sizeof *gd);
    float *cell = xmalloc(CALO_NCELL * sizeof *cell);
    for (size_t i = 0; i < nv; i++) {
        const double *row = s->vdat + i * nc;
        for (int m = -1; m < s->nm; m++) {   /* -1: the truth */
            const double *g = m < 0 ? row : s->gen + ((size_t)m * nv + i) * nout;
            for (int c = 0; c < CALO_NCELL; c++) cell[c] = (float)g[c];
            double *d = m < 0 ? vd + i * (n2 + ncond) : gd + ((size_t)m * nv + i) * n2;
            calo_shapes(cell, row[nout + e0], d);
            if (m < 0) memcpy(d + n2, row + nout, (size_t)ncond * sizeof *d);
        }
    }
    free(cell);
    free(s->vdat), free(s->gen);
    s->vdat = vd, s->gen = gd;
    for (int k = 0; k < n2; k++) s->outc[k] = (char *)calo_shape_names[k];
    s->nout = n2;
    return 1;
}

/* The histograms: blocks for each condition bin (all events first), each output column. */
typedef struct {
    int nbins;                   /* 1 + NCONDBINS when conditional, else 1 */
    int ci;                      /* the condition column binned in */
    double edges[NCONDBINS + 1];
    double *xlo, *xhi;           /* per output column: the range every panel shares */
    /* per block and bin (block * NGENBINS + b): bin centre, truth density, the models' mean
     * density and its sigma across models */
    double *x, *t, *mu, *sg;
    double *rr;                  /* per block: half-range of the ratio axis */
    double *ytop;                /* per block: top of the density axis */
    int *logy;                   /* per output column: a sparse tail, drawn on a log density axis */
    double *ymin;                /* per output column: the smallest non-zero truth density */
} GenHist;

static GenHist gen_hist_of(const Samples *s)
{
    GenHist gh;
    int nm = s->nm, nout = s->nout, ncond = s->ncond;
    size_t nv = s->nv;
    const double *vdat = s->vdat, *gen = s->gen;
    /* condition bins: quantiles of the energy condition (E) when there is one, else of the
     * first condition column, plus "all events" */
    int nbins = ncond ? 1 + NCONDBINS : 1, ci = 0;
    for (int j = 0; j < ncond; j++)
        if (strcmp(s->condc[j], "E") == 0 || strcmp(s->condc[j], "e") == 0) ci = j;
    gh.nbins = nbins, gh.ci = ci;
    if (ncond) {
        double *cv = xmalloc(nv * sizeof *cv);
        for (size_t i = 0; i < nv; i++) cv[i] = vdat[i * (nout + ncond) + nout + ci];
        for (int b = 0; b <= NCONDBINS; b++) gh.edges[b] = quantile(cv, (int)nv, (double)b / NCONDBINS);
        free(cv);
    }
    double *h = xmalloc((size_t)(nm + 1) * NGENBINS * sizeof *h);
    /* every panel of a column shares one range, from the validation data */
    double *xlo = gh.xlo = xmalloc((size_t)nout * sizeof *xlo), *xhi = gh.xhi = xmalloc((size_t)nout * sizeof *xhi);
    double *col = xmalloc(nv * sizeof *col);
    for (int j = 0; j < nout; j++) {
        /* the whole range of the validation sample: the tail of a falling spectrum (pT) is
         * what a physicist checks first; a sparse tail is shown on a log density axis (logy) */
        for (size_t i = 0; i < nv; i++) col[i] = vdat[i * (nout + ncond) + j];
        xlo[j] = quantile(col, (int)nv, 0), xhi[j] = quantile(col, (int)nv, 1);
        if (!(xhi[j] > xlo[j])) xhi[j] = xlo[j] + 1;
    }
    free(col);
    size_t nblk = (size_t)nbins * nout;
    gh.x = xmalloc(nblk * NGENBINS * sizeof *gh.x);
    gh.t = xmalloc(nblk * NGENBINS * sizeof *gh.t);
    gh.mu = xmalloc(nblk * NGENBINS * sizeof *gh.mu);
    gh.sg = xmalloc(nblk * NGENBINS * sizeof *gh.sg);
    /* ratio axis per panel: wide enough for 90% of the bins, 1 +- 0.2 at least */
    double *rr = gh.rr = xmalloc(nblk * sizeof *rr), dev[NGENBINS];
    double *ytop = gh.ytop = xcalloc(nblk, sizeof *ytop);  /* histeps escape autoscale */
    gh.logy = xcalloc((size_t)nout, sizeof *gh.logy);
    gh.ymin = xcalloc((size_t)nout, sizeof *gh.ymin);
    for (int cb = 0; cb < nbins; cb++)
        for (int j = 0; j < nout; j++) {
            int blk = cb * nout + j;
            double lo = xlo[j], hi = xhi[j];
            int nd = 0;
            double w = (hi - lo) / NGENBINS;
            memset(h, 0, (size_t)(nm + 1) * NGENBINS * sizeof *h);
            double *tot = xcalloc((size_t)nm + 1, sizeof *tot);
            for (size_t i = 0; i < nv; i++) {
                if (cb > 0) {
                    double c = vdat[i * (nout + ncond) + nout + ci];
                    if (c < gh.edges[cb - 1] || (cb < NCONDBINS ? c >= gh.edges[cb] : c > gh.edges[cb])) continue;
                }
                for (int m = 0; m <= nm; m++) {
                    double v = m == 0 ? vdat[i * (nout + ncond) + j] : gen[((size_t)(m - 1) * nv + i) * nout + j];
                    int b = (int)floor((v - lo) / w);
                    tot[m]++;
                    /* generated events beyond the sample's range go to the edge bins (under-
                     * and overflow), so a generator's stray tail shows instead of vanishing */
                    b = b < 0 ? 0 : b >= NGENBINS ? NGENBINS - 1 : b;
                    h[m * NGENBINS + b]++;
                }
            }
            for (int b = 0; b < NGENBINS; b++) {
                double t = tot[0] > 0 ? h[b] / (tot[0] * w) : 0, s = 0, s2 = 0;
                for (int m = 1; m <= nm; m++) {
                    double d = tot[m] > 0 ? h[m * NGENBINS + b] / (tot[m] * w) : 0;
                    s += d, s2 += d * d;
                }
                double mu = s / nm, var = nm > 1 ? (s2 - nm * mu * mu) / (nm - 1) : 0;
                double sg = sqrt(var > 0 ? var : 0);
                if (t > 0) dev[nd++] = fabs(mu / t - 1);
                ytop[blk] = fmax(ytop[blk], fmax(t, mu + sg));
                size_t q = (size_t)blk * NGENBINS + b;
                gh.x[q] = lo + (b + 0.5) * w, gh.t[q] = t, gh.mu[q] = mu, gh.sg[q] = sg;
            }
            free(tot);
            double q = nd ? quantile(dev, nd, 0.9) : 0.5;
            rr[blk] = fmin(1.5, fmax(0.2, ceil(11.5 * q) / 10));
            /* a tail: a fifth of the bins or more hold data at under 2% of the peak density,
             * invisible on a linear axis */
            if (cb == 0) {
                double peak = 0, pos = INFINITY;
                int sparse = 0;
                for (int b = 0; b < NGENBINS; b++) peak = fmax(peak, gh.t[(size_t)blk * NGENBINS + b]);
                for (int b = 0; b < NGENBINS; b++) {
                    double t = gh.t[(size_t)blk * NGENBINS + b];
                    if (t > 0) pos = fmin(pos, t);
                    sparse += t > 0 && t < 0.02 * peak;
                }
                gh.logy[j] = sparse * 5 >= NGENBINS;
                gh.ymin[j] = pos;
            }
        }
    free(h);
    return gh;
}

static void free_gen_hist(GenHist *gh)
{
    free(gh->xlo), free(gh->xhi), free(gh->x), free(gh->t), free(gh->mu), free(gh->sg);
    free(gh->rr), free(gh->ytop), free(gh->logy), free(gh->ymin);
}

static void write_data(const char *dir, const Samples *s, const GenHist *gh)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/generated.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# blocks: for each condition bin (all events first), each output column:\n"
                   "# x truth_density ens_mean ens_minus_sigma ens_plus_sigma ratio ratio_lo ratio_hi\n");
    for (int cb = 0; cb < gh->nbins; cb++)
        for (int j = 0; j < s->nout; j++) {
            aout_printf(o, "# bin %d column %s\n", cb, s->outc[j]);
            for (int b = 0; b < NGENBINS; b++) {
                size_t q = (size_t)(cb * s->nout + j) * NGENBINS + b;
                double x = gh->x[q], t = gh->t[q], mu = gh->mu[q], sg = gh->sg[q];
                if (t > 0)
                    aout_printf(o, "%.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", x,
                                t, mu, mu - sg, mu + sg, mu / t, (mu - sg) / t, (mu + sg) / t);
                else
                    aout_printf(o, "%.9g %.9g %.9g %.9g %.9g NaN NaN NaN\n", x, t, mu, mu - sg, mu + sg);
            }
            aout_printf(o, "\n\n");
        }
    aout_commit(o);
}

static void write_script(const Run *r, const char *dir, const Samples *s, const GenHist *gh)
{
    int nout = s->nout, nm = s->nm, nbins = gh->nbins, ci = gh->ci;
    char **outc = s->outc, **condc = s->condc;
    const double *edges = gh->edges, *rr = gh->rr;
    char name[4200];
    snprintf(name, sizeof name, "%s/generated.gp", dir);
    AtomicOut *g = aout_open(name);
    int pw = 560, ph = 460;
    /* at most 3 panels a row: six dimuon variables make two rows */
    int ncp = nout < 3 ? nout : 3, rps = (nout + ncp - 1) / ncp, nrows = nbins * rps;
    gp_header(g, "generated.png", pw * ncp, ph * nrows + 50);
    aout_printf(g, "set multiplot title 'Set #%d: validation data vs %d trained generators "
                   "(band: ±1σ across models)'\n", r->id[r->best], nm);
    aout_printf(g, "set style fill transparent solid 0.3 noborder\nset key top right box opaque font ',9'\n");
    for (int cb = 0; cb < nbins; cb++)
        for (int j = 0; j < nout; j++) {
            int blk = cb * nout + j;
            int prow = cb * rps + j / ncp;
            double ox = (double)(j % ncp) / ncp, sx = 1.0 / ncp;
            double oy = 1.0 - (double)(prow + 1) / nrows * 0.95 - 0.03, sy = 0.95 / nrows;
            char cond[128] = "all events", u[64], cu[64];
            if (cb > 0) {
                var_unit(r, condc[ci], cu, sizeof cu);
                snprintf(cond, sizeof cond, "%.3g <= %s %s %.3g%s%s", edges[cb - 1], condc[ci],
                         cb < NCONDBINS ? "<" : "<=", edges[cb], *cu ? " " : "", cu);
            }
            aout_printf(g, "set origin %g,%g\nset size %g,%g\n", ox, oy + 0.32 * sy, sx, 0.68 * sy);
            aout_printf(g, "set title '%s (%s)'\nset xlabel ''\nset format x ''\n", outc[j], cond);
            var_unit(r, outc[j], u, sizeof u);   /* none: no unit on either axis */
            aout_printf(g, "set ylabel 'normalised density%s%s%s%s'\n", *u ? " (1/" : "", u, *u ? ")" : "",
                        gh->logy[j] ? ", log scale" : "");
            if (gh->logy[j])   /* headroom: the key sits above the data */
                aout_printf(g, "set logscale y\nset yrange [%.9g:%.9g]\nset format y '%%g'\n",
                            gh->ymin[j] / 3, 30 * gh->ytop[blk] + 1e-12);
            else
                aout_printf(g, "unset logscale y\nset yrange [0:%.9g]\n", 1.4 * gh->ytop[blk] + 1e-12);
            /* the sample's whole range, min to max */
            aout_printf(g, "set xrange [%.9g:%.9g]\n", gh->xlo[j], gh->xhi[j]);
            aout_printf(g, "set bmargin 0.5\nset lmargin 10\n");
            aout_printf(g, "plot 'generated.dat' index %d u 1:4:5 w filledcurves lc rgb '#d7191c' "
                           "title 'generated ±1σ', '' index %d u 1:3 w histeps lw 2 lc rgb '#d7191c' "
                           "title 'generated (mean of %d)', '' index %d u 1:2 w histeps lw 2 lc rgb 'black' "
                           "title 'validation data'\n", blk, blk, nm, blk);
            aout_printf(g, "set origin %g,%g\nset size %g,%g\nset title ''\nset format x '%%g'\n",
                        ox, oy, sx, 0.32 * sy);
            aout_printf(g, "unset logscale y\n");
            aout_printf(g, "set xlabel '%s%s%s%s'\nset ylabel 'generated / data'\nset yrange [%g:%g]\n"
                           "set ytics %g\nset tmargin 0.5\nset bmargin 3.5\n", outc[j], *u ? " (" : "", u,
                        *u ? ")" : "",
                        fmax(0, 1 - rr[blk]), 1 + rr[blk], rr[blk] > 0.5 ? 0.5 : rr[blk] > 0.25 ? 0.2 : 0.1);
            aout_printf(g, "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2\nunset key\n");
            aout_printf(g, "plot 'generated.dat' index %d u 1:7:8 w filledcurves lc rgb '#d7191c' notitle, "
                           "'' index %d u 1:6 w histeps lw 2 lc rgb '#d7191c' notitle\n", blk, blk);
            aout_printf(g, "unset arrow 1\nset tmargin\nset bmargin\nset key\nset ytics autofreq\n");
        }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
}

int generated_sample(const Report *rp, Notes *nt, const char *what, int eval, Samples *s,
                     char *desc, size_t n)
{
    const Run *r = &rp->runs[0];
    const char *phase = conf_get(r, "phase");
    int final = phase && strcmp(phase, "final") == 0;
    memset(s, 0, sizeof *s);
    if (r->best < 0) return 0;
    char **models = NULL;
    int nm = find_models(r, final, &models);
    if (nm < 0) {
        note(nt, "<li>%s omitted: no models/ in %s%s.</li>\n", what, r->dir,
             final ? "" : " (drawn for the final phase, or the best set's saved models)");
        return 0;
    }
    int made = 0;
    char *exe = NULL, *val = NULL, *geval = NULL, *train = NULL;
    s->nm = nm;
    if (nm == 0) {
        note(nt, "<li>%s omitted: no models of set #%d in models/.</li>\n", what, r->id[r->best]);
        goto done;
    }
    exe = find_exec(rp->sampler);
    if (!exe) {
        note(nt, "<li>%s omitted: <code>%s</code> not found on PATH.</li>\n", what, rp->sampler);
        goto done;
    }
    const char *vconf = conf_get(r, "val"), *oc = conf_get(r, "out_cols"), *cc = conf_get(r, "cond_cols");
    if (!vconf || !oc || !*oc) {
        note(nt, "<li>%s omitted: run.conf names no val file or out_cols.</li>\n", what);
        goto done;
    }
    val = resolve_data(r, vconf);
    if (!val) {
        note(nt, "<li>%s omitted: validation file <code>%s</code> not found.</li>\n", what, vconf);
        goto done;
    }
    s->nout = split_list("out_cols", oc, &s->outc);
    s->outbuf = s->outc[0];
    s->ncond = cc && *cc ? split_list("cond_cols", cc, &s->condc) : 0;
    {
        int nc = s->nout + s->ncond;
        char **all = xmalloc((size_t)nc * sizeof *all);
        for (int j = 0; j < s->nout; j++) all[j] = s->outc[j];
        for (int j = 0; j < s->ncond; j++) all[s->nout + j] = s->condc[j];
        s->vdat = csv_load_cols(val, nc, all, (size_t)rp->events, &s->nv);
        free(all);
    }
    if (eval) {
        geval = find_eval(rp->sampler);
        if (!geval) note(nt, "<li>No <code>gan-eval</code> beside the sampler or on PATH: the summary has no gan-eval rows.</li>\n");
        const char *tconf = conf_get(r, "train");
        train = tconf ? resolve_data(r, tconf) : NULL;   /* W1 in the study's scaled units */
    }
    if (sample_models(exe, geval, train, models, rp->dir, s, what, nt) != 0) goto done;
    snprintf(desc, n, "%d models of set #%d sampled with <code>%s</code>, %zu events each%s",
             nm, r->id[r->best], exe, s->nv, s->ncond ? ", conditioned on the validation events" : "");
    made = 1;
done:
    for (int m = 0; m < nm; m++) free(models[m]);
    free(models);
    free(exe), free(val), free(geval), free(train);
    if (!made) generated_free(s);
    return made;
}

void generated_free(Samples *s)
{
    free(s->vdat), free(s->gen);
    if (s->outc) free(s->outbuf), free(s->outc);
    if (s->condc) free(s->condc[0]), free(s->condc);
    memset(s, 0, sizeof *s);
}

int draw_generated(const Report *rp, Notes *nt, char *more, size_t n)
{
    Samples s;
    char desc[512];  /* the caption's account of what was sampled */
    if (!generated_sample(rp, nt, "Generated vs truth", 1, &s, desc, sizeof desc)) return 0;
    int calo = calo_view(&s);
    if (!calo) add_observables(&s);
    GenHist gh = gen_hist_of(&s);
    write_data(rp->dir, &s, &gh);
    write_script(&rp->runs[0], rp->dir, &s, &gh);
    free_gen_hist(&gh);
    snprintf(more, n, " %s.%s", desc, calo ? " Showers are shown by CaloGAN's shower shapes"
             " (energy per layer, total over E0, layer 0's E-ratio, depth, width and sparsity"
             " per layer), computed from the 504 cells of each event." : "");
    generated_free(&s);
    return 1;
}

void generated_eval_rows(AtomicOut *o, const Report *rp)
{
    char *table = path_join(rp->dir, "generated_eval.csv");
    if (!file_exists(table)) { free(table); return; }
    static const char *const cols[] = {"wd_mean", "w1obs_mean", "chi2_mean", "chi2_2d_mean",
                                       "ks_max", "c2st_auc"};
    static const char *const label[] = {
        "W1, mean of the columns (scaled units)", "W1 of the derived observables (scaled, mean)",
        "binned χ²/ndf, mean of the columns", "2-D binned χ²/ndf, mean of the pairs",
        "KS distance, largest column", "classifier AUC (0.5: indistinguishable)"};
    enum { NC = sizeof cols / sizeof cols[0] };
    double sum[NC] = {0}, sum2[NC] = {0};
    int n[NC] = {0}, models = 0;
    CsvReader *r = csv_open(table);
    int idx[NC];
    for (int q = 0; q < NC; q++) idx[q] = csv_find(r, cols[q]);
    while (csv_next(r)) {
        models++;
        for (int q = 0; q < NC; q++) {
            double v;
            if (idx[q] >= 0 && csv_parse_double(csv_str(r, idx[q]), &v) == 0)
                sum[q] += v, sum2[q] += v * v, n[q]++;
        }
    }
    csv_close(r);
    free(table);
    for (int q = 0; q < NC; q++) {
        if (!n[q]) continue;
        double mu = sum[q] / n[q], var = n[q] > 1 ? (sum2[q] - n[q] * mu * mu) / (n[q] - 1) : 0;
        char t[96], id[64];
        numfmt_pm(t, sizeof t, mu, sqrt(var > 0 ? var : 0));
        aout_printf(o, "<tr><th>gan-eval of the %d sampled models: %s, mean ± σ</th>", models, label[q]);
        snprintf(id, sizeof id, "r1-eval-%s", cols[q]);
        html_cell(o, id, mu, t);
        for (int k = 1; k < rp->nr; k++) aout_printf(o, "<td>&ndash;</td>");
        aout_printf(o, "</tr>\n");
    }
}
