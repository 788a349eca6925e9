/* pareto.c — picture 5: the Pareto view, the non-dominated sets in (mean W1, sigma, parameters)
 * (summary.h's pareto_front) among all finished sets, labelled by set id. */
#include "base/atomic.h"
#include "base/util.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Axis ranges of both panels and the front in drawing order. */
typedef struct {
    int haveparams;              /* positive parameter counts: a log axis can show them */
    double pmin, pmax;           /* parameter counts, for the colour axis */
    double m0, m1, p0, p1;       /* the log panel's ranges (mean W1 > 0, counts > 0) */
    double s0, s1;               /* sigma, for its colour axis */
    double mx, sx;               /* the linear panel's upper ends */
    int *srt, nf;                /* the front sorted by parameter count */
} Pareto;

static Pareto pareto_of(const Run *r, const int *front, int nf)
{
    Pareto p;
    double pmin = INFINITY, pmax = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i] && isfinite(r->params[i]) && r->params[i] > 0)
            pmin = fmin(pmin, r->params[i]), pmax = fmax(pmax, r->params[i]);
    p.pmin = pmin, p.pmax = pmax;
    p.haveparams = pmax > 0;  /* a log axis needs positive counts */
    /* the front sorted by parameter count draws as a trade-off curve */
    p.nf = nf;
    p.srt = xmalloc((size_t)(nf > 0 ? nf : 1) * sizeof *p.srt);
    memcpy(p.srt, front, (size_t)nf * sizeof *p.srt);
    for (int a = 1; a < nf; a++)
        for (int b = a; b > 0 && r->params[p.srt[b]] < r->params[p.srt[b - 1]]; b--) {
            int t = p.srt[b]; p.srt[b] = p.srt[b - 1]; p.srt[b - 1] = t;
        }
    double m0 = INFINITY, m1 = 0, p0 = INFINITY, p1 = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i] && r->mean[i] > 0 && isfinite(r->params[i]) && r->params[i] > 0) {
            m0 = fmin(m0, r->mean[i]), m1 = fmax(m1, r->mean[i]);
            p0 = fmin(p0, r->params[i]), p1 = fmax(p1, r->params[i]);
        }
    p.m0 = m0, p.m1 = m1, p.p0 = p0, p.p1 = p1;
    double s0 = INFINITY, s1 = -INFINITY;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) s0 = fmin(s0, r->sd[i]), s1 = fmax(s1, r->sd[i]);
    p.s0 = s0, p.s1 = s1;
    double mx = 0, sx = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) mx = fmax(mx, r->mean[i]), sx = fmax(sx, r->sd[i]);
    p.mx = mx, p.sx = sx;
    return p;
}

static void write_data(const Run *r, const char *dir, const Pareto *p)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/pareto.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# all finished sets: id wd_mean wd_std params\n");
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) aout_printf(o, "%d %.9g %.9g %.9g\n", r->id[i], r->mean[i], r->sd[i], r->params[i]);
    aout_printf(o, "\n\n# non-dominated sets, by parameters\n");
    /* column 5: labels above (1) or below (-1), alternating along the front so neighbours
     * do not print over each other */
    const int *srt = p->srt;
    for (int a = 0; a < p->nf; a++)
        aout_printf(o, "%d %.9g %.9g %.9g %d\n", r->id[srt[a]], r->mean[srt[a]], r->sd[srt[a]],
                    r->params[srt[a]], a % 2 ? -1 : 1);
    aout_commit(o);
}

/* The picture's geometry, fixed so that labels can be placed in pixels: canvas W x H, each
 * panel's plot area in screen fractions (margins "at screen"), the key above each plot. */
#define PW 1500
#define PH 640
static const double panel_l[2] = {0.065, 0.565}, panel_r[2] = {0.405, 0.905};
#define PANEL_B 0.12
#define PANEL_T 0.84
#define CHAR_W 8.0    /* DejaVu Sans 11 in pngcairo: about 8 x 15 pixels a digit */
#define CHAR_H 15.0

typedef struct { double x0, y0, x1, y1; } Box;

static double overlap(Box a, Box b)
{
    double w = fmin(a.x1, b.x1) - fmax(a.x0, b.x0), h = fmin(a.y1, b.y1) - fmax(a.y0, b.y0);
    return w > 0 && h > 0 ? w * h : 0;
}

/* Place each front point's label (its set id) beside it, in pixels: the first of eight
 * positions around the point that overlaps no label placed before, no point, and stays inside
 * the plot; where none is free, the one that overlaps least. The key is outside the plot, above
 * it, so labels cannot hit it. px, py: every finished set's pixel position (n of them); the
 * front's are fr[0..nf). Writes "set label" lines. */
static void place_labels(AtomicOut *g, const Run *r, const int *fr, int nf, const double *px,
                         const double *py, const int *pidx, int n, int panel,
                         double (*xv)(const Run *, int), double (*yv)(const Run *, int))
{
    double L = panel_l[panel] * PW, R = panel_r[panel] * PW, B = PANEL_B * PH, T = PANEL_T * PH;
    Box *placed = xmalloc((size_t)(nf > 0 ? nf : 1) * sizeof *placed);
    static const double cand[8][2] = {{0, 1}, {1, 0}, {0, -1}, {-1, 0}, {1, 1}, {-1, 1}, {1, -1}, {-1, -1}};
    for (int a = 0; a < nf; a++) {
        int i = fr[a], me = -1;
        for (int q = 0; q < n; q++)
            if (pidx[q] == i) me = q;
        if (me < 0) continue;
        char lab[16];
        snprintf(lab, sizeof lab, "%d", r->id[i]);
        double w = CHAR_W * (double)strlen(lab) + 4, h = CHAR_H, gap = 13;   /* circle radius */
        double best = INFINITY;
        Box bb = {0, 0, 0, 0};
        for (int c = 0; c < 8; c++) {
            double cx = px[me] + cand[c][0] * (gap + w / 2), cy = py[me] + cand[c][1] * (gap + h / 2);
            Box b = {cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2};
            double cost = 0;
            for (int q = 0; q < a; q++) cost += 4 * overlap(b, placed[q]);
            for (int q = 0; q < n; q++) {
                double rad = q == me ? gap : 6;
                cost += overlap(b, (Box){px[q] - rad, py[q] - rad, px[q] + rad, py[q] + rad});
            }
            /* outside the plot area: as bad as covering a label */
            double inside = overlap(b, (Box){L, B, R, T});
            cost += 4 * (w * h - inside);
            if (cost < best - 1e-9) best = cost, bb = b;
        }
        placed[a] = bb;
        /* the label's centre as an offset from the point, in screen fractions */
        aout_printf(g, "set label %d '%s' at first %.9g, first %.9g center front offset screen %.5f, %.5f "
                       "tc rgb 'black'\n", 100 + a, lab, xv(r, i), yv(r, i),
                    ((bb.x0 + bb.x1) / 2 - px[me]) / PW, ((bb.y0 + bb.y1) / 2 - py[me]) / PH);
    }
    free(placed);
}

static double x_params(const Run *r, int i) { return r->params[i]; }
static double y_mean(const Run *r, int i) { return r->mean[i]; }
static double y_sd(const Run *r, int i) { return r->sd[i]; }

static void write_script(const Run *r, const char *dir, const Pareto *p)
{
    int nf = p->nf, haveparams = p->haveparams;
    char name[4200];
    snprintf(name, sizeof name, "%s/pareto.gp", dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "pareto.png", PW, PH);
    aout_printf(g, "set multiplot title '%s: %d non-dominated sets in (mean W1, σ, "
                   "parameter count), labelled by set id'\n", r->label, nf);
    aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n"
                   "set bmargin at screen %g\nset tmargin at screen %g\n", PANEL_B, PANEL_T);
    /* every finished set's pixel position in each panel, for the labels */
    int *pidx = xmalloc((size_t)(r->n > 0 ? r->n : 1) * sizeof *pidx), n = 0;
    double *px = xmalloc((size_t)(r->n > 0 ? r->n : 1) * sizeof *px);
    double *py = xmalloc((size_t)(r->n > 0 ? r->n : 1) * sizeof *py);
    double L, R, B = PANEL_B * PH, T = PANEL_T * PH;
    aout_printf(g, "set lmargin at screen %g\nset rmargin at screen %g\n", panel_l[0], panel_r[0]);
    aout_printf(g, "set key at screen %g, 0.915 center center horizontal box opaque\n",
                (panel_l[0] + panel_r[0]) / 2);
    if (haveparams && p->m1 > 0) {
        double x0 = p->p0 / 1.6, x1 = p->p1 * 1.6, y0 = p->m0 / 1.25, y1 = p->m1 * 1.6;
        aout_printf(g, "set logscale xy\nset xlabel 'trainable parameters (generator + discriminator, count, log scale)'\n"
                       "set ylabel 'mean W1 (scaled units, log scale)'\nset cblabel 'σ of W1 (scaled units)' offset 1.5,0\n");
        if (isfinite(p->s0))  /* explicit: a single value would leave gnuplot an empty range */
            aout_printf(g, "set cbrange [%.9g:%.9g]\nset cbtics autofreq\nset mcbtics 2\n", p->s0,
                        p->s1 > p->s0 ? p->s1 : p->s0 + 1e-3);
        /* tight log ranges (autoscaling pads to whole decades), ticks on both */
        aout_printf(g, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n", x0, x1, y0, y1);
        gp_log_tics(g, "x", x0, x1);
        gp_log_tics(g, "y", y0, y1);
        L = panel_l[0] * PW, R = panel_r[0] * PW;
        for (int i = 0; i < r->n; i++)
            if (r->ok[i] && r->mean[i] > 0 && isfinite(r->params[i]) && r->params[i] > 0) {
                pidx[n] = i;
                px[n] = L + (R - L) * log(r->params[i] / x0) / log(x1 / x0);
                py[n] = B + (T - B) * log(r->mean[i] / y0) / log(y1 / y0);
                n++;
            }
        place_labels(g, r, p->srt, nf, px, py, pidx, n, 0, x_params, y_mean);
        aout_printf(g, "plot 'pareto.dat' index 0 u 4:2:3 w p pt 7 ps 1.2 lc palette title 'finished set', "
                       "'' index 1 u 4:2 w p pt 6 ps 3 lw 2 lc rgb 'black' title 'non-dominated'\n");
        aout_printf(g, "unset label\nunset logscale xy\nset autoscale xy\nset xtics autofreq\nset ytics autofreq\n");
    } else {
        aout_printf(g, "set xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\nunset key\n"
                       "set label 1 'no parameter counts in trials/: the front in (mean W1, σ) only' "
                       "at graph 0.5, 0.5 center\nplot 2 notitle\nunset label 1\nset xtics\nset ytics\n"
                       "set key\n");
    }
    aout_printf(g, "set lmargin at screen %g\nset rmargin at screen %g\n", panel_l[1], panel_r[1]);
    aout_printf(g, "set key at screen %g, 0.915 center center horizontal box opaque\n",
                (panel_l[1] + panel_r[1]) / 2);
    double xm = p->mx * 1.08 + 1e-9, ym = p->sx * 1.12 + 1e-9;
    aout_printf(g, "set xlabel 'mean W1 (scaled units)'\nset ylabel 'σ of W1 (scaled units)'\n"
                   "set xrange [0:%.9g]\nset yrange [0:%.9g]\n", xm, ym);
    if (haveparams) {
        aout_printf(g, "set logscale cb\nset cblabel 'trainable parameters (count, log scale)' offset 2,0\n"
                       "set cbrange [%.9g:%.9g]\n", p->pmin / 1.2, p->pmax * 1.2);
        gp_log_tics(g, "cb", p->pmin / 1.2, p->pmax * 1.2);
    }
    L = panel_l[1] * PW, R = panel_r[1] * PW, n = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) {
            pidx[n] = i;
            px[n] = L + (R - L) * r->mean[i] / xm;
            py[n] = B + (T - B) * r->sd[i] / ym;
            n++;
        }
    place_labels(g, r, p->srt, nf, px, py, pidx, n, 1, y_mean, y_sd);
    if (haveparams)
        aout_printf(g, "plot 'pareto.dat' index 0 u 2:3:4 w p pt 7 ps 1.2 lc palette title 'finished set', ");
    else
        aout_printf(g, "plot 'pareto.dat' index 0 u 2:3 w p pt 7 ps 1.2 lc rgb '#2c7bb6' title 'finished set', ");
    aout_printf(g, "'' index 1 u 2:3 w p pt 6 ps 3 lw 2 lc rgb 'black' title 'non-dominated'\n");
    aout_printf(g, "unset label\nunset multiplot\n");
    free(pidx), free(px), free(py);
    aout_commit(g);
}

int draw_pareto(const Report *rp, Notes *nt, char *more, size_t n)
{
    (void)nt, (void)more, (void)n;
    const Run *r = &rp->runs[0];
    Pareto p = pareto_of(r, rp->front, rp->nf);
    write_data(r, rp->dir, &p);
    write_script(r, rp->dir, &p);
    free(p.srt);
    return 1;
}
