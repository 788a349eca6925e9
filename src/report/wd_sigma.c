/* wd_sigma.c — picture 1: WD vs sigma scatter with the W1 histogram above, one column per run. */
#include "base/atomic.h"
#include "base/util.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NHIST 20       /* bins of the W1 histogram above the WD-sigma scatter */

/* Shared axes (every column alike) and each run's histogram of its sets' mean W1. */
typedef struct {
    double xmin, xmax, ymax, cmin, cmax;
    int no_spread;  /* every σ is 0 (one trial a set) */
    int hmax;                    /* tallest bin over all runs */
    int (*cnt)[NHIST];           /* per run */
} WdSigma;

static WdSigma wd_sigma_of(const Report *rp)
{
    const Run *runs = rp->runs;
    int nr = rp->nr;
    const int *cidx = rp->cidx;
    WdSigma s;
    double xmin = INFINITY, xmax = -INFINITY, ymax = 0, cmin = INFINITY, cmax = -INFINITY;
    for (int k = 0; k < nr; k++)
        for (int i = 0; i < runs[k].n; i++) {
            if (!runs[k].ok[i] && !(runs[k].pruned_at[i] && isfinite(runs[k].mean[i]))) continue;
            xmin = fmin(xmin, runs[k].mean[i]);
            xmax = fmax(xmax, runs[k].mean[i]);
            ymax = fmax(ymax, runs[k].sd[i]);
            double c = runs[k].x[(size_t)i * runs[k].d + cidx[k]];
            cmin = fmin(cmin, c);
            cmax = fmax(cmax, c);
        }
    if (!isfinite(xmin)) xmin = 0, xmax = 1;
    double pad = fmax(0.04 * (xmax - xmin), fmax(0.1 * fabs(xmax), 1e-3));
    xmin -= pad, xmax += pad;
    if (xmin < 0) xmin = 0;
    if (cmax <= cmin) {  /* one value: a narrow range around it, positive for a log scale */
        double v = cmin;
        cmin = v > 0 ? v / 1.25 : v - 1, cmax = v > 0 ? v * 1.25 : v + 1;
    }
    /* no spread at all (one trial a set): an axis of 1e-9 would print as noise; show σ = 0 on a
     * scale of the means instead, and say why in the label */
    s.no_spread = !(ymax > 0);
    ymax = s.no_spread ? 0.25 * (xmax - xmin) : ymax * 1.1 + 1e-9;
    int hmax = 1;
    s.cnt = xcalloc((size_t)nr, sizeof *s.cnt);
    for (int k = 0; k < nr; k++) {
        const Run *r = &runs[k];
        for (int i = 0; i < r->n; i++) {
            if (!r->ok[i]) continue;
            int b = (int)((r->mean[i] - xmin) / (xmax - xmin) * NHIST);
            b = b < 0 ? 0 : b >= NHIST ? NHIST - 1 : b;
            if (++s.cnt[k][b] > hmax) hmax = s.cnt[k][b];
        }
    }
    s.xmin = xmin, s.xmax = xmax, s.ymax = ymax, s.cmin = cmin, s.cmax = cmax, s.hmax = hmax;
    return s;
}

static void write_data(const Report *rp, const WdSigma *s)
{
    char name[4200];
    for (int k = 0; k < rp->nr; k++) {
        const Run *r = &rp->runs[k];
        snprintf(name, sizeof name, "%s/wd-sigma-%d.dat", rp->dir, k + 1);
        AtomicOut *o = aout_open(name);
        aout_printf(o, "# id wd_mean wd_std %s\n", rp->color_by);
        for (int i = 0; i < r->n; i++)
            if (r->ok[i])
                aout_printf(o, "%d %.9g %.9g %.9g\n", r->id[i], r->mean[i], r->sd[i],
                            r->x[(size_t)i * r->d + rp->cidx[k]]);
        aout_printf(o, "\n\n");
        if (r->best >= 0) aout_printf(o, "%d %.9g %.9g\n", r->id[r->best], r->mean[r->best], r->sd[r->best]);
        /* index 2: sets pruned at a rung, their trials' best W1 up to it (a partial value) */
        aout_printf(o, "\n\n# id wd_mean wd_std pruned_at\n");
        for (int i = 0; i < r->n; i++)
            if (r->pruned_at[i] && isfinite(r->mean[i]))
                aout_printf(o, "%d %.9g %.9g %d\n", r->id[i], r->mean[i], isfinite(r->sd[i]) ? r->sd[i] : 0, r->pruned_at[i]);
        aout_commit(o);
        snprintf(name, sizeof name, "%s/wd-hist-%d.dat", rp->dir, k + 1);
        o = aout_open(name);
        aout_printf(o, "# bin_centre sets\n");
        for (int b = 0; b < NHIST; b++)
            aout_printf(o, "%.9g %d\n", s->xmin + (b + 0.5) * (s->xmax - s->xmin) / NHIST, s->cnt[k][b]);
        aout_commit(o);
    }
}

static void write_script(const Report *rp, const WdSigma *s)
{
    int nr = rp->nr;
    const char *color_by = rp->color_by;
    double xmin = s->xmin, xmax = s->xmax, cmin = s->cmin, cmax = s->cmax;
    int hmax = s->hmax;
    char name[4200];
    snprintf(name, sizeof name, "%s/wd-sigma.gp", rp->dir);
    AtomicOut *g = aout_open(name);
    int w = 760;
    gp_header(g, "wd-sigma.png", w * nr, 860);
    aout_printf(g, "set multiplot\nset xrange [%.9g:%.9g]\n", xmin, xmax);
    aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n");
    for (int k = 0; k < nr; k++) {
        const Run *r = &rp->runs[k];
        double ox = (double)k / nr, sx = 1.0 / nr;
        /* the histogram and the scatter share their x axis to the pixel: both plot areas have
         * the same left and right edges, fixed in screen coordinates (the colour box of the
         * scatter sits in the right margin, which the histogram leaves empty) */
        double xl = ox + 0.10 * sx, xr = ox + 0.80 * sx;
        aout_printf(g, "set lmargin at screen %.6f\nset rmargin at screen %.6f\n", xl, xr);
        aout_printf(g, "set bmargin at screen 0.715\nset tmargin at screen 0.93\nunset colorbox\n"
                       "set key inside top right vertical\n");
        int nok = 0;
        for (int i = 0; i < r->n; i++) nok += r->ok[i];
        aout_printf(g, "set title '%s: %d set%s evaluated, %d finished ok'\n", r->label, r->n,
                    r->n == 1 ? "" : "s", nok);
        aout_printf(g, "set xlabel ''\nset format x '%%g'\nset xtics autofreq\nset ylabel 'sets per bin'\n"
                       "set yrange [0:%d]\nset ytics %d\nset style fill solid 0.6 border lc rgb '#333333'\n",
                    hmax + 1, hmax <= 8 ? 1 : (hmax + 5) / 6);
        aout_printf(g, "plot 'wd-hist-%d.dat' u 1:2:(%.9g) w boxes lc rgb '#6a8caf' "
                       "title 'histogram of sampled mean W1'\n", k + 1, (xmax - xmin) / NHIST);
        aout_printf(g, "set bmargin at screen 0.14\nset tmargin at screen 0.64\nset title ''\n"
                       "set ytics autofreq\n");
        aout_printf(g, "set xlabel 'mean W1 over trials (scaled units)'\n"
                       "set ylabel 'σ of W1 over trials (scaled units)%s'\nset yrange [0:%.9g]\n",
                    s->no_spread ? ": all 0 (one trial a set has none)" : "", s->ymax);
        int lg = hp_log(r, rp->cidx[k]) && cmin > 0;
        aout_printf(g, "set colorbox\n%s\nset cbrange [%.9g:%.9g]\nset cblabel '%s (%s%s)' offset 1,0\n",
                    lg ? "set logscale cb" : "unset logscale cb\nset cbtics autofreq", cmin, cmax, color_by,
                    hp_unit(color_by), lg ? ", log scale" : "");
        if (lg) gp_log_tics(g, "cb", cmin, cmax);
        aout_printf(g, "set key at screen %.6f, 0.015 center bottom horizontal\n", ox + 0.45 * sx);
        aout_printf(g, "plot 'wd-sigma-%d.dat' index 0 u 2:3:4 w p pt 7 ps 1.4 lc palette "
                       "title 'hyperparameter set'", k + 1);
        if (r->best >= 0)
            aout_printf(g, ", '' index 1 u 2:3 w p pt 6 ps 4 lw 2.5 lc rgb 'black' "
                           "title 'best set #%d'", r->id[r->best]);
        int npr = 0;
        for (int i = 0; i < r->n; i++) npr += r->pruned_at[i] && isfinite(r->mean[i]);
        if (npr)
            aout_printf(g, ", '' index 2 u 2:3 w p pt 2 ps 1.2 lw 1.5 lc rgb '#777777' "
                           "title 'pruned at a rung (%d; W1 so far)'", npr);
        aout_printf(g, "\n");
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
}

int draw_wd_sigma(const Report *rp, Notes *nt, char *more, size_t n)
{
    (void)nt, (void)more, (void)n;
    WdSigma s = wd_sigma_of(rp);
    write_data(rp, &s);
    write_script(rp, &s);
    free(s.cnt);
    return 1;
}
