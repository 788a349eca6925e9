/* score.c — gan-train's selectable per-epoch scores (see score.h). */
#include "data/score.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "data/calo.h"
#include "data/gof.h"
#include "data/observables.h"
#include "data/wasserstein.h"

enum { SC_W1, SC_W1_OBS, SC_CHI2, SC_KS, SC_CALO, SC_N };
static const char *const NAMES[] = {"w1", "w1-obs", "chi2", "ks", "calo"};
enum { BINS = 20 };

struct EpochScore {
    int kind, no;
    size_t n;
    double *vsorted;       /* chi2, ks: validation columns sorted (scaled); w1-obs: observables */
    double *edges;         /* chi2: BINS-1 edges per column */
    long *vcount, *gcount; /* chi2: validation counts per column, generated counts */
    double *col, *tmp;     /* one column and the sort's scratch */
    /* w1-obs */
    const ObsKind *obs;
    int src[OBS_MAX_IN];   /* input i: output column src (>= 0) or condition -1 - src */
    const double *cva, *lo, *hi;
    int nc;
    double *orow, *scale;  /* generated observables [n x nout]; 2 / validation range */
    /* calo: the validation's shower shapes, the generated ones, one physical shower, E0 */
    double *vshape, *gshape, *work;
    float *cells;
    int e0;
};

int score_known(const char *name)
{
    for (size_t k = 0; k < sizeof NAMES / sizeof NAMES[0]; k++)
        if (strcmp(name, NAMES[k]) == 0) return 1;
    return 0;
}

const char *score_names(void) { return "w1|w1-obs|chi2|ks|calo"; }

static double unscale(double f, double lo, double hi)
{
    return lo + 0.5 * (f + 1.0) * (hi > lo ? hi - lo : 1.0);
}

/* the observables' inputs of row i: from an output column (physical x) or a condition */
static void obs_inputs(const EpochScore *s, const double *x, size_t i, double *in)
{
    for (int k = 0; k < s->obs->nin; k++)
        in[k] = s->src[k] >= 0 ? x[i * s->no + s->src[k]] : s->cva[i * s->nc + (-1 - s->src[k])];
}

EpochScore *score_create(const char *name, const ScoreData *d)
{
    EpochScore *s = xcalloc(1, sizeof *s);
    s->kind = -1;
    for (int k = 0; k < SC_N; k++) if (strcmp(name, NAMES[k]) == 0) s->kind = k;
    if (s->kind <= SC_W1) die(EXIT_USAGE, "--score: no per-epoch score '%s' here (%s)", name, score_names());
    const size_t n = d->nva;
    s->no = d->nout, s->n = n, s->nc = d->ncond;
    s->col = xmalloc(n * sizeof *s->col), s->tmp = xmalloc(n * sizeof *s->tmp);
    if (s->kind == SC_CALO) {
        /* the outputs are the 504 cells in event-gen calo's order, E0 a condition */
        s->e0 = -1;
        for (int j = 0; j < d->ncond; j++) if (strcmp(d->cond_names[j], "E0") == 0) s->e0 = j;
        if (d->nout != CALO_NCELL || s->e0 < 0)
            die(EXIT_USAGE, "--score calo: needs the %d cells as --out-cols and E0 among --cond-cols",
                CALO_NCELL);
        s->cva = d->cva, s->lo = d->out_lo, s->hi = d->out_hi;
        s->vshape = xmalloc(n * CALO_NSHAPE * sizeof *s->vshape);
        s->gshape = xmalloc(n * CALO_NSHAPE * sizeof *s->gshape);
        s->work = xmalloc(3 * n * sizeof *s->work);
        s->cells = xmalloc(CALO_NCELL * sizeof *s->cells);
        for (size_t i = 0; i < n; i++) {
            for (int j = 0; j < CALO_NCELL; j++) s->cells[j] = (float)d->xva[i * CALO_NCELL + j];
            calo_shapes(s->cells, d->cva[i * s->nc + s->e0], s->vshape + i * CALO_NSHAPE);
        }
        return s;
    }
    if (s->kind == SC_W1_OBS) {
        int js[OBS_MAX_IN];
        s->obs = obs_detect_cols(d->nout, d->out_names, d->ncond, d->cond_names, js, NULL);
        if (!s->obs)
            die(EXIT_USAGE, "--score w1-obs: no kind of observables (%s) has its columns among "
                "--out-cols and --cond-cols", obs_kind_names());
        for (int k = 0; k < s->obs->nin; k++) s->src[k] = js[k] < d->nout ? js[k] : -1 - (js[k] - d->nout);
        const int m = s->obs->nout;
        s->cva = d->cva, s->lo = d->out_lo, s->hi = d->out_hi;
        s->orow = xmalloc(n * (size_t)(m > d->nout ? m : d->nout) * sizeof *s->orow);
        s->vsorted = xmalloc(n * (size_t)m * sizeof *s->vsorted);
        s->scale = xmalloc((size_t)m * sizeof *s->scale);
        for (size_t i = 0; i < n; i++) {
            double in[OBS_MAX_IN];
            obs_inputs(s, d->xva, i, in);
            s->obs->compute(in, s->orow + i * m);
        }
        for (int k = 0; k < m; k++) {
            double *v = s->vsorted + (size_t)k * n;
            for (size_t i = 0; i < n; i++) v[i] = s->orow[i * m + k];
            w1_sort(v, n, s->tmp);
            double w = v[n - 1] - v[0];
            s->scale[k] = 2.0 / (w > 0 ? w : 1.0);
        }
        return s;
    }
    /* chi2, ks: the validation outputs in the generator's scaled units */
    s->vsorted = xmalloc(n * (size_t)d->nout * sizeof *s->vsorted);
    for (int j = 0; j < d->nout; j++) {
        double *v = s->vsorted + (size_t)j * n, w = d->out_hi[j] > d->out_lo[j] ? d->out_hi[j] - d->out_lo[j] : 1.0;
        for (size_t i = 0; i < n; i++) v[i] = (double)(float)(2.0 * (d->xva[i * d->nout + j] - d->out_lo[j]) / w - 1.0);
        w1_sort(v, n, s->tmp);
    }
    if (s->kind == SC_CHI2) {
        s->edges = xmalloc((size_t)d->nout * BINS * sizeof *s->edges);
        s->vcount = xmalloc((size_t)d->nout * BINS * sizeof *s->vcount);
        s->gcount = xmalloc(BINS * sizeof *s->gcount);
        for (int j = 0; j < d->nout; j++) {
            gof_edges(s->vsorted + (size_t)j * n, n, BINS, s->edges + (size_t)j * BINS);
            gof_count_sorted(s->vsorted + (size_t)j * n, n, s->edges + (size_t)j * BINS, BINS,
                             s->vcount + (size_t)j * BINS);
        }
    }
    return s;
}

double score_epoch(EpochScore *s, const float *gen)
{
    const size_t n = s->n;
    const int no = s->no;
    double sum = 0;
    if (s->kind == SC_CALO) {
        for (size_t i = 0; i < n; i++) {
            for (int j = 0; j < no; j++)
                s->cells[j] = (float)unscale(gen[i * no + j], s->lo[j], s->hi[j]);
            calo_shapes(s->cells, s->cva[i * s->nc + s->e0], s->gshape + i * CALO_NSHAPE);
        }
        return calo_shapes_w1(s->gshape, n, s->vshape, n, NULL, s->work);
    }
    if (s->kind == SC_W1_OBS) {
        const int m = s->obs->nout;
        double *x = s->col;
        for (size_t i = 0; i < n; i++) {
            double in[OBS_MAX_IN];   /* the row's inputs in physical units */
            for (int k = 0; k < s->obs->nin; k++) {
                int j = s->src[k];
                in[k] = j >= 0 ? unscale(gen[i * no + j], s->lo[j], s->hi[j])
                               : s->cva[i * s->nc + (-1 - j)];
            }
            s->obs->compute(in, s->orow + i * m);
        }
        for (int k = 0; k < m; k++) {
            for (size_t i = 0; i < n; i++) x[i] = s->orow[i * m + k];
            w1_sort(x, n, s->tmp);
            sum += w1_sorted(x, n, s->vsorted + (size_t)k * n, n) * s->scale[k];
        }
        return sum / m;
    }
    for (int j = 0; j < no; j++) {
        for (size_t i = 0; i < n; i++) s->col[i] = gen[i * no + j];
        w1_sort(s->col, n, s->tmp);
        const double *v = s->vsorted + (size_t)j * n;
        if (s->kind == SC_KS) {
            sum += gof_ks_sorted(s->col, n, v, n);
        } else {
            int ndf;
            gof_count_sorted(s->col, n, s->edges + (size_t)j * BINS, BINS, s->gcount);
            double x2 = gof_chi2(s->gcount, s->vcount + (size_t)j * BINS, BINS, &ndf);
            sum += ndf > 0 ? x2 / ndf : 0;
        }
    }
    return sum / no;
}

void score_free(EpochScore *s)
{
    if (!s) return;
    free(s->vsorted), free(s->edges), free(s->vcount), free(s->gcount), free(s->col), free(s->tmp);
    free(s->orow), free(s->scale);
    free(s->vshape), free(s->gshape), free(s->work), free(s->cells);
    free(s);
}
