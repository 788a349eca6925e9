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

static void write_script(const Run *r, const char *dir, const Pareto *p)
{
    int nf = p->nf, haveparams = p->haveparams;
    char name[4200];
    snprintf(name, sizeof name, "%s/pareto.gp", dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "pareto.png", 1500, 620);
    aout_printf(g, "set multiplot layout 1,2 title '%s: %d non-dominated sets in (mean W1, σ, "
                   "parameter count), labelled by set id'\n", r->label, nf);
    aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n"
                   "set key bottom right box opaque\nset lmargin 10\nset rmargin 18\n");
    if (haveparams) {
        aout_printf(g, "set logscale xy\nset xlabel 'trainable parameters (generator + discriminator, count)'\n"
                       "set ylabel 'mean W1 (scaled units, log scale)'\nset cblabel 'σ of W1 (scaled units)'\n"
                       "set key top left box opaque\n");
        if (isfinite(p->s0))  /* explicit: a single value would leave gnuplot an empty range */
            aout_printf(g, "set cbrange [%.9g:%.9g]\n", p->s0, p->s1 > p->s0 ? p->s1 : p->s0 + 1e-3);
        if (p->m1 > 0)  /* tight log ranges: autoscaling pads to whole decades */
            aout_printf(g, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n"
                           "set ytics (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)\n",
                        p->p0 / 1.6, p->p1 * 1.6, p->m0 / 1.25, p->m1 * 1.6);
        aout_printf(g, "plot 'pareto.dat' index 0 u 4:2:3 w p pt 7 ps 1.2 lc palette title 'finished set', "
                       "'' index 1 u 4:2 w p pt 6 ps 3 lw 2 lc rgb 'black' title 'non-dominated', "
                       "'' index 1 u 4:($5 > 0 ? $2 : NaN):(sprintf('%%d',$1)) w labels offset 0,1.3 tc rgb 'black' notitle");
        /* gnuplot 5.4 crashes on a labels plot without a valid point: only when there is one */
        if (nf > 1)
            aout_printf(g, ", '' index 1 u 4:($5 < 0 ? $2 : NaN):(sprintf('%%d',$1)) w labels offset 0,-1.3 "
                           "tc rgb 'black' notitle");
        aout_printf(g, "\n");
        aout_printf(g, "unset logscale xy\nset key bottom right box opaque\nset autoscale xy\nset ytics autofreq\n");
    } else {
        aout_printf(g, "set title 'no parameter counts in trials/: front in (mean W1, σ) only'\n"
                       "unset xtics\nunset ytics\nplot NaN notitle\nset xtics\nset ytics\nset title ''\n");
    }
    aout_printf(g, "set xlabel 'mean W1 (scaled units)'\nset ylabel 'σ of W1 (scaled units)'\n"
                   "set xrange [0:%.9g]\nset yrange [0:%.9g]\n", p->mx * 1.08 + 1e-9, p->sx * 1.12 + 1e-9);
    if (haveparams)
        aout_printf(g, "set logscale cb\nset cblabel 'trainable parameters (count)'\n"
                       "set cbrange [%.9g:%.9g]\n", p->pmin / 1.2, p->pmax * 1.2);
    if (haveparams)
        aout_printf(g, "plot 'pareto.dat' index 0 u 2:3:4 w p pt 7 ps 1.2 lc palette title 'finished set', ");
    else
        aout_printf(g, "plot 'pareto.dat' index 0 u 2:3 w p pt 7 ps 1.2 lc rgb '#2c7bb6' title 'finished set', ");
    aout_printf(g, "'' index 1 u 2:3 w p pt 6 ps 3 lw 2 lc rgb 'black' title 'non-dominated', "
                   "'' index 1 u 2:($5 > 0 ? $3 : NaN):(sprintf('%%d',$1)) w labels offset 1.8,0 tc rgb 'black' notitle");
    if (nf > 1)
        aout_printf(g, ", '' index 1 u 2:($5 < 0 ? $3 : NaN):(sprintf('%%d',$1)) w labels offset -1.8,0 "
                       "tc rgb 'black' notitle");
    aout_printf(g, "\n");
    aout_printf(g, "unset multiplot\n");
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
