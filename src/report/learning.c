/* learning.c — the learning curves: W1 after every epoch of each trial of the first run's best
 * sets (the trial logs, through rundir.h), with the pruning rungs: where the run judged its
 * sets (PRUNE=asha), or where run.conf's rule would have (PRUNE=none), and the curves of the
 * sets pruned there, cut at their rung. */
#include "base/atomic.h"
#include "base/numfmt.h"
#include "base/util.h"
#include "hpo/prune.h"
#include "hpo/rundir.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NBEST 5        /* best sets drawn in colour */
#define NPRUNED 8      /* pruned sets drawn in grey, best first */

typedef struct {
    AtomicOut *o;
    long id, trial;              /* the set and trial whose block is open (trial 0: none) */
    int blocks;                  /* blocks written (gnuplot indices) */
    double lo, hi;               /* W1 range drawn */
    long emax;
} Curves;

static void add_point(long trial, long epoch, double wd, void *ctx)
{
    Curves *c = ctx;
    if (trial != c->trial) {   /* a new block: blank lines only between blocks */
        aout_printf(c->o, "%s# set %ld trial %ld\n", c->blocks ? "\n\n" : "", c->id, trial);
        c->trial = trial;
        c->blocks++;
    }
    aout_printf(c->o, "%ld %.9g\n", epoch, wd);
    if (isfinite(wd) && wd > 0) c->lo = fmin(c->lo, wd), c->hi = fmax(c->hi, wd);
    if (epoch > c->emax) c->emax = epoch;
}

/* The sets of r (finished ok, or pruned: pruned = 1) with the lowest mean W1, at most max of
 * them, best first; returns how many. */
static int pick(const Run *r, int max, int pruned, int *out)
{
    int n = 0;
    for (int i = 0; i < r->n; i++) {
        if (pruned ? !(r->pruned_at[i] > 0 && isfinite(r->mean[i])) : !r->ok[i]) continue;
        int k = n;
        if (n < max) n++;
        else if (r->mean[i] >= r->mean[out[max - 1]]) continue;
        else k = max - 1;
        out[k] = i;
        for (; k > 0 && r->mean[out[k]] < r->mean[out[k - 1]]; k--) {
            int t = out[k]; out[k] = out[k - 1]; out[k - 1] = t;
        }
    }
    return n;
}

int draw_learning(const Report *rp, Notes *nt, char *more, size_t n)
{
    const Run *r = &rp->runs[0];
    int best[NBEST], pr[NPRUNED];
    for (int k = 0; k < NBEST; k++) best[k] = -1;
    for (int k = 0; k < NPRUNED; k++) pr[k] = -1;
    int nb = pick(r, NBEST, 0, best), np = pick(r, NPRUNED, 1, pr);
    char name[4200];
    snprintf(name, sizeof name, "%s/learning.dat", rp->dir);
    Curves c = {.o = aout_open(name), .lo = INFINITY, .hi = 0};
    aout_printf(c.o, "# one block per trial: epoch wd_mean (the trial's log, trials/ID-T.log)\n");
    /* per drawn set: its first block and block count */
    int first[NBEST + NPRUNED], cnt[NBEST + NPRUNED], set[NBEST + NPRUNED], ns = 0, logs = 0;
    for (int k = 0; k < nb + np; k++) {
        int i = k < nb ? best[k] : pr[k - nb];
        c.id = r->id[i], c.trial = 0;
        int before = c.blocks;
        logs += rundir_trial_curves(r->dir, r->id[i], r->ntr[i] > 0 ? r->ntr[i] : 1, add_point, &c);
        if (c.blocks > before) first[ns] = before, cnt[ns] = c.blocks - before, set[ns++] = k;
    }
    aout_commit(c.o);
    if (logs == 0) {
        note(nt, "<li>Learning curves omitted: no trial logs (trials/ID-T.log) in %s.</li>\n", r->dir);
        return 0;
    }
    /* the rungs: the run's own, or those PRUNE=asha would use with its run.conf (its
     * prune_rungs as the study wrote them, else the geometric default with its eta) */
    PruneConf pc;
    prune_conf_load(r->conf, &pc);
    long rung[PRUNE_MAX_RUNGS];
    int nr = pc.nrungs;
    memcpy(rung, pc.rung, (size_t)nr * sizeof *rung);
    const char *ep = conf_get(r, "epochs");
    long epochs = ep ? atol(ep) : c.emax;
    snprintf(name, sizeof name, "%s/learning.gp", rp->dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "learning.png", 1100, 640);
    aout_printf(g, "set title '%s: W1 after every epoch, each trial of the %d best set%s%s'\n", r->label,
                nb, nb == 1 ? "" : "s", np ? " and of sets pruned at a rung (grey)" : "");
    long ex = epochs > c.emax ? epochs : c.emax;
    /* whole epochs only: about ten ticks */
    aout_printf(g, "set xlabel 'epoch'\nset xrange [0.5:%ld.5]\nset xtics %ld\n", ex, ex > 10 ? (ex + 9) / 10 : 1);
    int lg = c.hi > 0 && c.lo > 0 && c.hi > 4 * c.lo;   /* falling over decades: a log axis */
    if (lg) {
        aout_printf(g, "set logscale y\nset yrange [%.9g:%.9g]\n", c.lo / 1.2, c.hi * 1.2);
        gp_log_tics(g, "y", c.lo / 1.2, c.hi * 1.2);
    }
    aout_printf(g, "set ylabel 'W1 of the epoch (scaled units%s)'\n", lg ? ", log scale" : "");
    /* the key beside the plot: room for its longest title ("set N: W1 m ± s (best)", "pruned
     * sets (at their rung)") and the sample line, so the box does not overlap the plot */
    aout_printf(g, "set key outside right top vertical box\nset rmargin 44\n");
    for (int q = 0; q < nr; q++) {
        aout_printf(g, "set arrow from %ld, graph 0 to %ld, graph 1 nohead dt %d lw 1.5 lc rgb '#555555'\n",
                    rung[q], rung[q], pc.on ? 2 : 3);
        aout_printf(g, "set label 'rung %ld' at %ld, graph 0.97 left offset 0.4,0 tc rgb '#555555'\n",
                    rung[q], rung[q]);
    }
    static const char *col[NBEST] = {"#d7191c", "#2c7bb6", "#1a9641", "#7b3294", "#fdae61"};
    aout_printf(g, "plot ");
    int grey_titled = 0;   /* one key entry for all the pruned sets */
    for (int s = 0; s < ns; s++) {
        int k = set[s], i = k < nb ? best[k] : pr[k - nb];
        for (int b = 0; b < cnt[s]; b++) {
            if (s || b) aout_printf(g, ", \\\n     ");
            if (k < nb) {
                char pm[96];
                numfmt_pm(pm, sizeof pm, r->mean[i], r->sd[i]);
                aout_printf(g, "'learning.dat' index %d u 1:2 w lp pt 7 ps 0.6 lw 1.8 lc rgb '%s' ", first[s] + b, col[k]);
                if (b == 0) aout_printf(g, "title 'set %d: W1 %s%s'", r->id[i], pm, k == 0 ? " (best)" : "");
                else aout_printf(g, "notitle");
            } else {
                aout_printf(g, "'learning.dat' index %d u 1:2 w lp pt 2 ps 0.6 lw 1 lc rgb '#999999' ", first[s] + b);
                if (!grey_titled) aout_printf(g, "title 'pruned sets (at their rung)'");
                else aout_printf(g, "notitle");
                grey_titled = 1;
            }
        }
    }
    if (ns == 0) aout_printf(g, "NaN notitle");
    aout_printf(g, "\n");
    aout_commit(g);
    char rl[256] = "";
    size_t len = 0;
    for (int q = 0; q < nr && len < sizeof rl; q++)
        len += (size_t)snprintf(rl + len, sizeof rl - len, "%s%ld", q ? ", " : "", rung[q]);
    if (nr && pc.on)
        snprintf(more, n, " Dashed: the run's rungs (epochs %s), where its sets were judged (PRUNE=asha).", rl);
    else if (nr)
        snprintf(more, n, " Dotted: the rungs PRUNE=asha would use for %ld epochs (epochs %s); "
                          "this run did not prune.", epochs, rl);
    return 1;
}
