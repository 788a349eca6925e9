/* convergence.c — picture 3: best W1 so far vs evaluations, one curve per method, mean +- 1 sigma
 * over runs of the same method. */
#include "base/atomic.h"
#include "base/util.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MARKS 16   /* distinct ends of the initial design marked */

/* One point of a method's curve: after evaluation e, the mean and sigma over its m runs. */
typedef struct {
    int e, m;
    double mu, sg;
} Step;

typedef struct {
    int ng;                      /* methods */
    int *group;                  /* per run: its method */
    const char **gname;          /* per method */
    int *gruns, *len;            /* per method: runs, evaluations all of them have */
    Step **pts;                  /* per method: its curve */
    int *npts;
    int nmax;                    /* longest curve */
    int marked[MAX_MARKS], nm;   /* distinct n_init values */
} Convergence;

static Convergence convergence_of(const Run *runs, int nr)
{
    Convergence cv;
    cv.group = xmalloc((size_t)nr * sizeof *cv.group);
    cv.gname = xmalloc((size_t)nr * sizeof *cv.gname);
    int ng = 0;
    for (int k = 0; k < nr; k++) {
        const char *m = conf_get(&runs[k], "method");
        if (!m) m = "unknown";
        int g = -1;
        for (int q = 0; q < ng; q++)
            if (strcmp(cv.gname[q], m) == 0) g = q;
        if (g < 0) { g = ng; cv.gname[ng++] = m; }
        cv.group[k] = g;
    }
    cv.ng = ng;
    cv.nmax = 0;
    cv.gruns = xcalloc((size_t)ng, sizeof *cv.gruns);
    cv.len = xcalloc((size_t)ng, sizeof *cv.len);
    cv.pts = xcalloc((size_t)ng, sizeof *cv.pts);
    cv.npts = xcalloc((size_t)ng, sizeof *cv.npts);
    for (int q = 0; q < ng; q++) {
        int len = -1;
        for (int k = 0; k < nr; k++)
            if (cv.group[k] == q) {
                cv.gruns[q]++;
                if (len < 0 || runs[k].n < len) len = runs[k].n;
            }
        if (len > cv.nmax) cv.nmax = len;
        cv.len[q] = len;
        cv.pts[q] = xmalloc((size_t)(len > 0 ? len : 1) * sizeof **cv.pts);
        double *best = xmalloc((size_t)nr * sizeof *best);
        for (int k = 0; k < nr; k++) best[k] = INFINITY;
        for (int e = 0; e < len; e++) {
            double s = 0, s2 = 0;
            int m = 0;
            for (int k = 0; k < nr; k++) {
                if (cv.group[k] != q) continue;
                if (runs[k].ok[e] && runs[k].mean[e] < best[k]) best[k] = runs[k].mean[e];
                if (isfinite(best[k])) s += best[k], s2 += best[k] * best[k], m++;
            }
            if (m < cv.gruns[q]) continue;  /* a run with no finished set yet: no curve */
            double mu = s / m, var = m > 1 ? (s2 - m * mu * mu) / (m - 1) : 0;
            double sg = sqrt(var > 0 ? var : 0);
            cv.pts[q][cv.npts[q]++] = (Step){e, m, mu, sg};
        }
        free(best);
    }
    /* the end of the initial design, per distinct n_init */
    cv.nm = 0;
    for (int k = 0; k < nr; k++) {
        const char *s = conf_get(&runs[k], "n_init");
        int v = s ? atoi(s) : 0;
        int seen = 0;
        for (int q = 0; q < cv.nm; q++) seen |= cv.marked[q] == v;
        if (v <= 0 || seen || cv.nm == MAX_MARKS) continue;
        cv.marked[cv.nm++] = v;
    }
    return cv;
}

static void free_convergence(Convergence *cv)
{
    for (int q = 0; q < cv->ng; q++) free(cv->pts[q]);
    free(cv->group), free(cv->gname), free(cv->gruns), free(cv->len), free(cv->pts), free(cv->npts);
}

static void write_data(const Run *runs, int nr, const char *dir, const Convergence *cv)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/convergence.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# one block per method: evaluation best_so_far_mean minus_sigma plus_sigma runs\n");
    /* the band as steps like the curves: each value held from e to e+1 */
    snprintf(name, sizeof name, "%s/convergence-band.dat", dir);
    AtomicOut *ob = aout_open(name);
    aout_printf(ob, "# one block per method: x minus_sigma plus_sigma (each evaluation twice)\n");
    for (int q = 0; q < cv->ng; q++) {
        aout_printf(o, "# %s\n", cv->gname[q]);
        for (int p = 0; p < cv->npts[q]; p++) {
            const Step *st = &cv->pts[q][p];
            int e = st->e;
            double mu = st->mu, sg = st->sg;
            aout_printf(o, "%d %.9g %.9g %.9g %d\n", e + 1, mu, mu - sg, mu + sg, st->m);
            aout_printf(ob, "%d %.9g %.9g\n%d %.9g %.9g\n", e + 1, mu - sg, mu + sg,
                        e + 1 < cv->len[q] ? e + 2 : e + 1, mu - sg, mu + sg);
        }
        aout_printf(o, "\n\n");
        aout_printf(ob, "\n\n");
    }
    aout_commit(o);
    aout_commit(ob);
    /* each run's own curve, thin beneath its method's mean: a band from two runs says little */
    snprintf(name, sizeof name, "%s/convergence-runs.dat", dir);
    o = aout_open(name);
    aout_printf(o, "# one block per run directory: evaluation best_so_far\n");
    for (int k = 0; k < nr; k++) {
        aout_printf(o, "# %s\n", runs[k].dir);
        double b = INFINITY;
        for (int e = 0; e < runs[k].n; e++) {
            if (runs[k].ok[e] && runs[k].mean[e] < b) b = runs[k].mean[e];
            if (isfinite(b)) aout_printf(o, "%d %.9g\n", e + 1, b);
        }
        aout_printf(o, "\n\n");
    }
    aout_commit(o);
}

static void write_script(int nr, const char *dir, const Convergence *cv)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/convergence.gp", dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "convergence.png", 1000, 620);
    aout_printf(g, "set title 'Convergence: best mean W1 found so far (band: ±1σ over repeated runs)'\n");
    aout_printf(g, "set xlabel 'evaluations (hyperparameter sets finished)'\n"
                   "set ylabel 'best mean W1 so far (scaled units)'\n"
                   "set key top right box opaque\nset style fill transparent solid 0.25 noborder\n");
    /* the x axis reaches the end of the initial design even when no run got past it (a budget
     * the design fills): the dashed line is then drawn beyond the last set, saying so */
    int xmax = cv->nmax;
    for (int q = 0; q < cv->nm; q++)
        if (cv->marked[q] + 1 > xmax) xmax = cv->marked[q] + 1;
    aout_printf(g, "set xrange [0.5:%d.5]\n", xmax);
    double ylo = INFINITY, yhi = -INFINITY;
    for (int q = 0; q < cv->ng; q++)
        for (int p = 0; p < cv->npts[q]; p++) {
            const Step *st = &cv->pts[q][p];
            ylo = fmin(ylo, st->mu - st->sg), yhi = fmax(yhi, st->mu + st->sg);
        }
    gp_flat_range(g, "y", ylo, yhi);
    for (int q = 0; q < cv->nm; q++) {
        int v = cv->marked[q], reached = v < cv->nmax;
        aout_printf(g, "set arrow from %d.5, graph 0 to %d.5, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555'\n",
                    v, v);
        aout_printf(g, "set label 'end of initial design (n_init=%d)%s' at %d.5, graph %.2f %s "
                       "offset %s,0 tc rgb '#555555'\n", v, reached ? "" : ": not reached",
                    v, 0.04 + 0.05 * q, reached ? "left" : "right", reached ? "0.5" : "-0.5");
    }
    static const char *col[] = {"#d7191c", "#2c7bb6", "#1a9641", "#7b3294", "#fdae61", "#555555"};
    aout_printf(g, "plot ");
    for (int q = 0; q < cv->ng; q++) {
        const char *c = col[q % 6];
        const char *gname = cv->gname[q];
        int gruns = cv->gruns[q];
        if (q) aout_printf(g, ", \\\n     ");
        if (gruns > 1) {
            aout_printf(g, "'convergence-band.dat' index %d u 1:2:3 w filledcurves lc rgb '%s' "
                           "title '%s ±1σ', ", q, c, gname);
            for (int k = 0, first = 1; k < nr; k++)
                if (cv->group[k] == q) {
                    aout_printf(g, "'convergence-runs.dat' index %d u 1:2 w steps lw 0.8 dt 3 lc rgb '%s' "
                                   "%s%s%s, ", k, c, first ? "title '" : "notitle", first ? gname : "",
                                first ? " single runs'" : "");
                    first = 0;
                }
        }
        aout_printf(g, "'convergence.dat' index %d u 1:2 w steps lw 2.5 lc rgb '%s' "
                       "title '%s (%s of %d run%s)'", q, c, gname, gruns > 1 ? "mean" : "one",
                    gruns, gruns > 1 ? "s" : "");
    }
    aout_printf(g, "\n");
    aout_commit(g);
}

int draw_convergence(const Report *rp, Notes *nt, char *more, size_t n)
{
    (void)nt, (void)more, (void)n;
    Convergence cv = convergence_of(rp->runs, rp->nr);
    write_data(rp->runs, rp->nr, rp->dir, &cv);
    write_script(rp->nr, rp->dir, &cv);
    free_convergence(&cv);
    return 1;
}
