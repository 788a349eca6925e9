/* sensitivity.c — picture 2: per hyperparameter W1 +- sigma vs value (all, under threshold) and
 * the sampling histogram. */
#include "base/atomic.h"
#include "base/util.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The sampling histogram of one hyperparameter: nb bins of width w from a, on a log axis when lg. */
typedef struct {
    int nb, lg;
    double a, w;
    int *cnt;
    int cmax;                    /* tallest bin: whole-number tics for small counts */
} Sampling;

static Sampling sampling_of(const Run *r, int j)
{
    Sampling s;
    double lo = r->lo[j] * r->scal[j], hi = r->hi[j] * r->scal[j];
    int nv = (int)(r->hi[j] - r->lo[j]) + 1, lg = hp_log(r, j);
    int nb = nv <= 30 && !lg ? nv : 20;
    /* bins: one per lattice value when few, else 20 equal (log-equal for learning rates) */
    double a = lg ? log(lo) : nv <= 30 ? lo - 0.5 * r->scal[j] : lo;
    double w = ((lg ? log(hi) : nv <= 30 ? hi + 0.5 * r->scal[j] : hi) - a) / nb;
    if (!(w > 0)) { nb = 1; a = lo - 0.5 * r->scal[j]; w = r->scal[j]; lg = 0; }
    int *cnt = xcalloc((size_t)nb, sizeof *cnt);
    for (int i = 0; i < r->n; i++) {
        double v = r->x[(size_t)i * r->d + j];
        int b = (int)floor(((lg ? log(v) : v) - a) / w);
        cnt[b < 0 ? 0 : b >= nb ? nb - 1 : b]++;
    }
    int cmax = 0;
    for (int b = 0; b < nb; b++) cmax = cnt[b] > cmax ? cnt[b] : cmax;
    s.nb = nb, s.lg = lg, s.a = a, s.w = w, s.cnt = cnt, s.cmax = cmax;
    return s;
}

static void write_data(const Run *r, const char *dir, double thr, const Sampling *smp)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/sensitivity.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# one block per hyperparameter: value wd_mean wd_std id under_threshold\n");
    for (int j = 0; j < r->d; j++) {
        aout_printf(o, "# %s\n", r->hp[j]);
        for (int i = 0; i < r->n; i++)
            if (r->ok[i])
                aout_printf(o, "%.9g %.9g %.9g %d %d\n", r->x[(size_t)i * r->d + j], r->mean[i],
                            r->sd[i], r->id[i], r->mean[i] <= thr);
        aout_printf(o, "\n\n");
    }
    aout_commit(o);
    snprintf(name, sizeof name, "%s/sampling.dat", dir);
    o = aout_open(name);
    aout_printf(o, "# one block per hyperparameter: bin centre, low, high, sets sampled\n");
    for (int j = 0; j < r->d; j++) {
        const Sampling *s = &smp[j];
        aout_printf(o, "# %s: centre low high sets\n", r->hp[j]);
        for (int b = 0; b < s->nb; b++) {
            double l = s->a + b * s->w, h = l + s->w;
            if (s->lg) l = exp(l), h = exp(h);
            aout_printf(o, "%.9g %.9g %.9g %d\n", s->lg ? sqrt(l * h) : 0.5 * (l + h), l, h, s->cnt[b]);
        }
        aout_printf(o, "\n\n");
    }
    aout_commit(o);
}

static void write_script(const Run *r, const char *dir, double thr, const Sampling *smp)
{
    double ymax = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) ymax = fmax(ymax, r->mean[i] + r->sd[i]);
    double ythr = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i] && r->mean[i] <= thr) ythr = fmax(ythr, r->mean[i] + r->sd[i]);
    char name[4200];
    snprintf(name, sizeof name, "%s/sensitivity.gp", dir);
    AtomicOut *g = aout_open(name);
    int rowh = 300;
    gp_header(g, "sensitivity.png", 1500, rowh * r->d + 60);
    aout_printf(g, "set multiplot layout %d,3 title '%s: sensitivity of mean W1 to each "
                   "hyperparameter (error bars: σ over trials)'\n", r->d, r->label);
    aout_printf(g, "set style fill solid 0.6 border lc rgb '#333333'\n");
    for (int j = 0; j < r->d; j++) {
        double lo = r->lo[j] * r->scal[j], hi = r->hi[j] * r->scal[j];
        double pad = 0.03 * (hi - lo) + 0.5 * r->scal[j];
        if (hp_log(r, j))
            aout_printf(g, "set logscale x\nset xrange [%.9g:%.9g]\n", lo / 1.3, hi * 1.3);
        else
            aout_printf(g, "unset logscale x\nset xrange [%.9g:%.9g]\n", lo - pad, hi + pad);
        aout_printf(g, "set xlabel '%s (%s%s)'\n", r->hp[j], hp_unit(r->hp[j]),
                    hp_log(r, j) ? ", log scale" : "");
        aout_printf(g, "set ylabel 'mean W1 (scaled units)'\nset yrange [0:%.9g]\n", ymax * 1.05 + 1e-9);
        aout_printf(g, "set title 'all finished sets'\n");
        aout_printf(g, "plot 'sensitivity.dat' index %d u 1:2:3 w yerrorbars pt 7 ps 0.8 "
                       "lc rgb '#2c7bb6' notitle\n", j);
        aout_printf(g, "set yrange [0:%.9g]\n", ythr * 1.05 + 1e-9);
        aout_printf(g, "set title 'sets with mean W1 <= %.4g'\n", thr);
        aout_printf(g, "plot 'sensitivity.dat' index %d u ($5 != 0 ? $1 : NaN):2:3 w yerrorbars pt 7 "
                       "ps 0.8 lc rgb '#d7191c' notitle\n", j);
        double cmax = smp[j].cmax;
        aout_printf(g, "set yrange [0:*]\nset ylabel 'sets sampled'\nset title 'sampling histogram'\n"
                       "set ytics %d\n", cmax <= 8 ? 1 : (int)ceil(cmax / 6));
        aout_printf(g, "plot 'sampling.dat' index %d u 1:4:2:3:(0):4 w boxxyerror lc rgb '#6a8caf' "
                       "notitle\nset ytics autofreq\n", j);
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
}

int draw_sensitivity(const Report *rp, Notes *nt, char *more, size_t n)
{
    (void)nt, (void)more, (void)n;
    const Run *r = &rp->runs[0];
    Sampling *smp = xmalloc((size_t)r->d * sizeof *smp);
    for (int j = 0; j < r->d; j++) smp[j] = sampling_of(r, j);
    write_data(r, rp->dir, rp->thr[0], smp);
    write_script(r, rp->dir, rp->thr[0], smp);
    for (int j = 0; j < r->d; j++) free(smp[j].cnt);
    free(smp);
    return 1;
}
