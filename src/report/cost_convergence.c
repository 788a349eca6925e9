/* cost_convergence.c — picture: best W1 so far against the trainer hours spent (the sum of the
 * trial times of the sets finished so far, timeline.csv), one curve per run: a pruned and an
 * unpruned search of the same seed compared at equal compute (COMPARE=). */
#include "base/atomic.h"
#include "base/util.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>

int draw_cost_convergence(const Report *rp, Notes *nt, char *more, size_t n)
{
    (void)more, (void)n;
    int have = 0;
    for (int k = 0; k < rp->nr; k++) have += rp->runs[k].nt > 0;
    if (!have) {
        note(nt, "<li>Convergence against trainer hours omitted: no timeline.csv with finished trials.</li>\n");
        return 0;
    }
    char name[4200];
    snprintf(name, sizeof name, "%s/cost-convergence.dat", rp->dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# one block per run: trainer_hours best_so_far (after each finished set, in history order)\n");
    double ylo = INFINITY, yhi = -INFINITY;
    for (int k = 0; k < rp->nr; k++) {
        const Run *r = &rp->runs[k];
        aout_printf(o, "# %s\n", r->dir);
        double hours = 0, b = INFINITY;
        for (int e = 0; e < r->n; e++) {
            for (int t = 0; t < r->nt; t++)
                if (r->t_id[t] == r->id[e]) hours += (r->t_end[t] - r->t_start[t]) / 3600;
            if (r->ok[e] && r->mean[e] < b) b = r->mean[e];
            if (!isfinite(b)) continue;
            aout_printf(o, "%.9g %.9g\n", hours, b);
            ylo = fmin(ylo, b), yhi = fmax(yhi, b);
        }
        aout_printf(o, "\n\n");
    }
    aout_commit(o);
    snprintf(name, sizeof name, "%s/cost-convergence.gp", rp->dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "cost-convergence.png", 1000, 620);
    aout_printf(g, "set title 'Best mean W1 so far against the trainer hours spent'\n"
                   "set xlabel 'trainer hours (sum of trial times of the finished sets)'\n"
                   "set ylabel 'best mean W1 so far (scaled units)'\nset key top right box opaque\n");
    gp_flat_range(g, "y", ylo, yhi);
    static const char *col[] = {"#d7191c", "#2c7bb6", "#1a9641", "#7b3294", "#fdae61", "#555555"};
    aout_printf(g, "plot ");
    for (int k = 0; k < rp->nr; k++) {
        const char *pr = conf_get(&rp->runs[k], "prune");
        aout_printf(g, "%s'cost-convergence.dat' index %d u 1:2 w steps lw 2.5 lc rgb '%s' title '%s (prune %s)'",
                    k ? ", \\\n     " : "", k, col[k % 6], rp->runs[k].label, pr ? pr : "none");
    }
    aout_printf(g, "\n");
    aout_commit(g);
    return 1;
}
