/* adagan.c — the AdaGAN ensemble against truth. When the run directory has an adagan/ folder
 * beside it (runs/STUDY/adagan/, written by workflows/adagan), its ensemble.gte (model/
 * ensemble.h) and each of its components are sampled with gan-sample, one event per validation
 * row (on that row's conditions), the study's derived observables are added as columns, and
 * every column is histogrammed: the validation data, the ensemble, each component thin; the
 * ensemble's ratio to the data below. Without an adagan folder there is no picture and no note:
 * most studies have none. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "data/observables.h"
#include "model/ensemble.h"
#include "report/generated.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NBINS 30       /* bins of each column's histogram, as generated vs truth */

char *adagan_dir(const Run *r)
{
    /* the sibling by name (runs/STUDY/adagan, as the captions show it), by .. for . or .. */
    char *d = xstrdup(r->dir);
    size_t k = strlen(d);
    while (k > 1 && d[k - 1] == '/') d[--k] = '\0';
    char *slash = strrchr(d, '/'), *base = slash ? slash + 1 : d;
    if (strcmp(base, ".") == 0 || strcmp(base, "..") == 0 || slash == d) {
        free(d);
        d = path_join(r->dir, "../adagan");
    } else {
        *base = '\0';
        char *p = xmalloc(strlen(d) + 8);
        sprintf(p, "%sadagan", d);
        free(d);
        d = p;
    }
    char *e = path_join(d, "ensemble.gte");
    int ok = file_exists(e);
    free(e);
    if (!ok) free(d);
    return ok ? d : NULL;
}

/* The truth and the samples, every column (outputs, then the derived observables). */
typedef struct {
    int nout, ncond, ncol;       /* ncol: nout + the observables */
    char **name;                 /* ncol names (not owned) */
    size_t nv;
    double *truth;               /* nv x ncol */
    int ns;                      /* samples: the ensemble, then each component */
    double *gen;                 /* ns x nv x ncol */
} EnsSamples;

/* Densities of column j of the truth and every sample over the truth's whole range (NBINS
 * bins; samples beyond it in the edge bins, as generated vs truth), into h[(s + 1) * NBINS + b]
 * (s = -1: the truth); *lo, *w: the first edge and the bin width. */
static void col_hist(const EnsSamples *e, int j, double *h, double *lo, double *w)
{
    double mn = INFINITY, mx = -INFINITY;
    for (size_t i = 0; i < e->nv; i++) {
        double v = e->truth[i * (size_t)e->ncol + j];
        mn = fmin(mn, v), mx = fmax(mx, v);
    }
    if (!(mx > mn)) mx = mn + 1;
    *lo = mn, *w = (mx - mn) / NBINS;
    memset(h, 0, (size_t)(e->ns + 1) * NBINS * sizeof *h);
    for (int s = -1; s < e->ns; s++) {
        const double *d = s < 0 ? e->truth : e->gen + (size_t)s * e->nv * (size_t)e->ncol;
        for (size_t i = 0; i < e->nv; i++) {
            double b = floor((d[i * (size_t)e->ncol + j] - mn) / *w);
            int k = !(b >= 0) ? 0 : b >= NBINS ? NBINS - 1 : (int)b;   /* NaN: the first bin */
            h[(size_t)(s + 1) * NBINS + k] += 1.0 / ((double)e->nv * *w);
        }
    }
}

/* adagan.dat: a block per column, "x truth ensemble ratio comp_0 ... comp_T-1" (ratio NaN
 * where the truth is empty); and adagan.gp. */
static void write_files(const Run *r, const char *dir, const EnsSamples *e, const Ensemble *en)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/adagan.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# blocks: one per column: x truth_density ensemble_density ensemble/truth"
                   " component_0_density ... (%d components)\n", e->ns - 1);
    double *h = xmalloc((size_t)(e->ns + 1) * NBINS * sizeof *h);
    double *ytop = xcalloc((size_t)e->ncol, sizeof *ytop), *ymin = xcalloc((size_t)e->ncol, sizeof *ymin);
    int *logy = xcalloc((size_t)e->ncol, sizeof *logy);
    for (int j = 0; j < e->ncol; j++) {
        double lo, w, peak = 0, pos = INFINITY;
        col_hist(e, j, h, &lo, &w);
        aout_printf(o, "# column %s\n", e->name[j]);
        for (int b = 0; b < NBINS; b++) {
            double t = h[b], en0 = h[NBINS + b];
            aout_printf(o, "%.9g %.9g %.9g ", lo + (b + 0.5) * w, t, en0);
            if (t > 0) aout_printf(o, "%.9g", en0 / t);
            else aout_printf(o, "NaN");
            for (int s = 1; s < e->ns; s++) {
                aout_printf(o, " %.9g", h[(size_t)(s + 1) * NBINS + b]);
                ytop[j] = fmax(ytop[j], h[(size_t)(s + 1) * NBINS + b]);
            }
            aout_printf(o, "\n");
            ytop[j] = fmax(ytop[j], fmax(t, en0));
            peak = fmax(peak, t);
            if (t > 0) pos = fmin(pos, t);
        }
        aout_printf(o, "\n\n");
        /* a sparse tail (a fifth of the bins under 2% of the peak) on a log axis, as generated
         * vs truth */
        int sparse = 0;
        for (int b = 0; b < NBINS; b++) sparse += h[b] > 0 && h[b] < 0.02 * peak;
        logy[j] = sparse * 5 >= NBINS;
        ymin[j] = pos;
    }
    aout_commit(o);
    free(h);

    snprintf(name, sizeof name, "%s/adagan.gp", dir);
    AtomicOut *g = aout_open(name);
    int pw = 560, ph = 460, ncp = e->ncol < 3 ? e->ncol : 3, nrows = (e->ncol + ncp - 1) / ncp;
    gp_header(g, "adagan.png", pw * ncp, ph * nrows + 50);
    aout_printf(g, "set multiplot title 'Validation data vs the AdaGAN ensemble of %d components "
                   "(thin: each component alone)'\n", e->ns - 1);
    aout_printf(g, "set key top right box opaque font ',9'\n");
    static const char *const col[] = {"#1f78b4", "#33a02c", "#ff7f00", "#6a3d9a", "#b15928",
                                      "#a6cee3", "#b2df8a", "#fdbf6f", "#cab2d6", "#fb9a99"};
    for (int j = 0; j < e->ncol; j++) {
        double ox = (double)(j % ncp) / ncp, sx = 1.0 / ncp;
        double oy = 1.0 - (double)(j / ncp + 1) / nrows * 0.95 - 0.03, sy = 0.95 / nrows;
        char u[64];
        var_unit(r, e->name[j], u, sizeof u);
        aout_printf(g, "set origin %g,%g\nset size %g,%g\n", ox, oy + 0.32 * sy, sx, 0.68 * sy);
        aout_printf(g, "set title '%s'\nset xlabel ''\nset format x ''\n", e->name[j]);
        aout_printf(g, "set ylabel 'normalised density%s%s%s%s'\n", *u ? " (1/" : "", u, *u ? ")" : "",
                    logy[j] ? ", log scale" : "");
        if (logy[j])
            aout_printf(g, "set logscale y\nset yrange [%.9g:%.9g]\nset format y '%%g'\n", ymin[j] / 3,
                        30 * ytop[j] + 1e-12);
        else
            aout_printf(g, "unset logscale y\nset yrange [0:%.9g]\n", 1.4 * ytop[j] + 1e-12);
        aout_printf(g, "set bmargin 0.5\nset lmargin 10\n");
        /* the legend once, in the first panel: ten components would crowd every one */
        if (j == 0) aout_printf(g, "set key\n");
        else aout_printf(g, "unset key\n");
        aout_printf(g, "plot ");
        for (int s = 1; s < e->ns; s++)
            aout_printf(g, "'adagan.dat' index %d u 1:%d w histeps lw 1 lc rgb '%s' title 'component %d (mix %.3g)', ",
                        j, 4 + s, col[(s - 1) % 10], s - 1, en->mix[s - 1]);
        aout_printf(g, "'adagan.dat' index %d u 1:3 w histeps lw 3 lc rgb '#d7191c' title 'ensemble', "
                       "'' index %d u 1:2 w histeps lw 2 lc rgb 'black' title 'validation data'\n", j, j);
        aout_printf(g, "set origin %g,%g\nset size %g,%g\nset title ''\nset format x '%%g'\nunset logscale y\n",
                    ox, oy, sx, 0.32 * sy);
        aout_printf(g, "set xlabel '%s%s%s%s'\nset ylabel 'ensemble / data'\nset yrange [0:2]\nset ytics 0.5\n"
                       "set tmargin 0.5\nset bmargin 3.5\nunset key\n", e->name[j], *u ? " (" : "", u, *u ? ")" : "");
        aout_printf(g, "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2\n");
        aout_printf(g, "plot 'adagan.dat' index %d u 1:4 w histeps lw 2 lc rgb '#d7191c' notitle\n", j);
        aout_printf(g, "unset arrow 1\nset tmargin\nset bmargin\nset ytics autofreq\n");
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
    free(ytop), free(ymin), free(logy);
}

int draw_adagan(const Report *rp, Notes *nt, char *more, size_t n)
{
    const Run *r = &rp->runs[0];
    char *ad = adagan_dir(r);
    if (!ad) return 0;
    int made = 0;
    char *ens = path_join(ad, "ensemble.gte"), *exe = NULL, *val = NULL, *cfile = NULL;
    char **outc = NULL, **condc = NULL;
    Ensemble en;
    ensemble_load(ens, &en);
    EnsSamples e;
    memset(&e, 0, sizeof e);
    exe = find_exec(rp->sampler);
    const char *vconf = conf_get(r, "val"), *oc = conf_get(r, "out_cols"), *cc = conf_get(r, "cond_cols");
    if (!exe) {
        note(nt, "<li>AdaGAN ensemble vs truth omitted: <code>%s</code> not found on PATH.</li>\n", rp->sampler);
        goto done;
    }
    if (!vconf || !oc || !*oc || !(val = resolve_data(r, vconf))) {
        note(nt, "<li>AdaGAN ensemble vs truth omitted: run.conf names no validation file that exists, "
                 "or no out_cols.</li>\n");
        goto done;
    }
    e.nout = split_list("out_cols", oc, &outc);
    e.ncond = cc && *cc ? split_list("cond_cols", cc, &condc) : 0;
    int src[OBS_MAX_IN], key[4];
    const ObsKind *k = obs_detect_cols(e.nout, outc, e.ncond, condc, src, key);
    e.ncol = e.nout + (k ? k->nkey : 0);
    e.name = xmalloc((size_t)e.ncol * sizeof *e.name);
    for (int j = 0; j < e.ncol; j++) e.name[j] = j < e.nout ? outc[j] : (char *)k->key[j - e.nout];
    int nc = e.nout + e.ncond;
    char **all = xmalloc((size_t)nc * sizeof *all);
    for (int j = 0; j < nc; j++) all[j] = j < e.nout ? outc[j] : condc[j - e.nout];
    double *vd = csv_load_cols(val, nc, all, (size_t)rp->events, &e.nv);
    free(all);
    e.ns = 1 + en.n;
    e.truth = xmalloc(e.nv * (size_t)e.ncol * sizeof *e.truth);
    e.gen = xmalloc((size_t)e.ns * e.nv * (size_t)e.ncol * sizeof *e.gen);
    for (size_t i = 0; i < e.nv; i++) memcpy(e.truth + i * e.ncol, vd + i * nc, (size_t)e.nout * sizeof *vd);
    if (e.ncond) {   /* the validation rows' conditions, for every sample */
        cfile = path_join(rp->dir, ".adagan-cond.csv");
        AtomicOut *o = aout_open(cfile);
        for (int j = 0; j < e.ncond; j++) aout_printf(o, "%s%s", j ? "," : "", condc[j]);
        aout_printf(o, "\n");
        for (size_t i = 0; i < e.nv; i++)
            for (int j = 0; j < e.ncond; j++)
                aout_printf(o, "%.9g%s", vd[i * nc + e.nout + j], j + 1 < e.ncond ? "," : "\n");
        aout_commit(o);
    }
    int fail = 0;
    char *gfile = path_join(rp->dir, ".adagan.csv"), *gerr = path_join(rp->dir, ".adagan.err");
    for (int s = 0; s < e.ns && !fail; s++)
        fail = generated_sample_one(exe, s == 0 ? ens : en.paths[s - 1], cfile, e.nv, e.nout, outc, 1,
                                    gfile, gerr, e.gen + (size_t)s * e.nv * e.ncol, e.ncol,
                                    "AdaGAN ensemble vs truth", nt) != 0;
    unlink(gfile), unlink(gerr);
    free(gfile), free(gerr);
    if (!fail) {
        if (k)
            for (size_t i = 0; i < e.nv; i++) {
                const double *c = vd + i * nc + e.nout;
                double *t = e.truth + i * e.ncol;
                obs_key_values(k, src, key, e.nout, t, c, t + e.nout);
                for (int s = 0; s < e.ns; s++) {
                    double *g = e.gen + ((size_t)s * e.nv + i) * e.ncol;
                    obs_key_values(k, src, key, e.nout, g, c, g + e.nout);
                }
            }
        write_files(r, rp->dir, &e, &en);
        snprintf(more, n, " <code>%s</code>: %d components (mixture", ens, en.n);
        for (int c = 0; c < en.n && strlen(more) + 16 < n; c++)
            snprintf(more + strlen(more), n - strlen(more), "%s%.3g", c ? ", " : " ", en.mix[c]);
        snprintf(more + strlen(more), n - strlen(more), "), %zu events each, sampled with "
                 "<code>%s --seed 1</code>%s.", e.nv, exe, e.ncond ? " on the validation events' conditions" : "");
        made = 1;
    }
    if (cfile) unlink(cfile);
    free(vd);
done:
    ensemble_free(&en);
    free(ad), free(ens), free(exe), free(val), free(cfile), free(e.name), free(e.truth), free(e.gen);
    if (outc) free(outc[0]), free(outc);
    if (condc) free(condc[0]), free(condc);
    return made;
}
