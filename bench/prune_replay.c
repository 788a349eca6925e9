/* prune_replay — the pruning rule (hpo/prune.h) replayed on the per-epoch curves of a finished,
 * unpruned run: sets in id order as one set slot meets them, each trial's best W1 so far at a
 * rung read from its log (trials/ID-T.log, wd_mean per epoch). Prints one CSV row: the epochs a
 * pruned run would have trained against the run's, the share saved (of epochs, and of the
 * trials' logged seconds, which weighs big networks as they cost), the set the unpruned run
 * picks (lowest final mean) and whether it survives every rung, and the set the pruned run
 * would pick with its final mean; and how pessimistic a pruned set's observation (its mean at
 * the rung it stopped at, what the surrogate is fed) is against its final mean had it trained
 * on: the median ratio over pruned sets, and the best final mean among them.
 *
 *   prune_replay RUNDIR EPOCHS ETA RUNGS MIN Z [TRIALS]      (RUNGS: 1,3 or "default") */
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "hpo/prune.h"
#include "hpo/rundir.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAXE = 4096 };

/* best W1 so far after each epoch of one trial log, and the trial's seconds by then; returns
 * the epochs logged */
static int read_curve(const char *path, double *best, double *secs)
{
    if (!file_exists(path)) return 0;
    CsvReader *r = csv_open(path);
    int ce = csv_require(r, "epoch"), cw = csv_require(r, "wd_mean"), cs = csv_require(r, "seconds"), n = 0;
    double b = INFINITY;
    while (csv_next(r) && n < MAXE) {
        double w;
        if (csv_parse_double(csv_str(r, cw), &w) == 0 && w < b) b = w;
        best[(long)csv_num(r, ce) - 1] = b;
        secs[(long)csv_num(r, ce) - 1] = csv_num(r, cs);
        n = (int)csv_num(r, ce);
    }
    csv_close(r);
    return n;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc < 7) die(EXIT_USAGE, "usage: prune_replay RUNDIR EPOCHS ETA RUNGS MIN Z [TRIALS]");
    const char *dir = argv[1];
    PruneConf p = {.on = 1};
    long epochs = parse_long("EPOCHS", argv[2], 1, MAXE);
    p.eta = parse_double("ETA", argv[3], 1.0001, 1000);
    p.nrungs = strcmp(argv[4], "default") == 0 ? prune_default_rungs(epochs, p.eta, p.rung, PRUNE_MAX_RUNGS)
                                               : prune_parse_rungs("RUNGS", argv[4], epochs, p.rung, PRUNE_MAX_RUNGS);
    p.min_sets = parse_long("MIN", argv[5], 1, 100000);
    p.z = parse_double("Z", argv[6], 0, 100);
    Space *sp = rundir_space(dir);
    RdTable h;
    rd_load(&h, dir, RD_HISTORY, sp);
    RunConf *c = runconf_load(dir);
    long T = argc > 7 ? parse_long("TRIALS", argv[7], 1, 1000) : runconf_long(c, "trials");
    int n = h.nrows;
    long *ids = xmalloc((size_t)n * sizeof *ids);
    for (int i = 0; i < n; i++) ids[i] = strtol(h.rows[i][0], NULL, 10);
    /* id order: a single slot meets the sets in the order they were proposed */
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && ids[j] < ids[j - 1]; j--) { long t = ids[j]; ids[j] = ids[j - 1]; ids[j - 1] = t; }
    double *at = xmalloc((size_t)p.nrungs * (size_t)n * sizeof *at);   /* means at each rung */
    int *nat = xcalloc((size_t)p.nrungs, sizeof *nat);
    double *curve = xmalloc((size_t)T * MAXE * sizeof *curve), best_fin = INFINITY;
    double *secs = xmalloc((size_t)T * MAXE * sizeof *secs), s_full = 0, s_pruned = 0;
    double full_pick = INFINITY, pruned_pick = INFINITY;
    long full_id = -1, pruned_id = -1, ep_full = 0, ep_pruned = 0;
    int full_pick_survives = 1;
    long *stop = xmalloc((size_t)n * sizeof *stop);
    double *fin = xmalloc((size_t)n * sizeof *fin), *obs = xmalloc((size_t)n * sizeof *obs);
    for (int i = 0; i < n; i++) {
        int len[1000];
        long elen = epochs;
        for (long t = 0; t < T; t++) {
            char rel[64];
            snprintf(rel, sizeof rel, "trials/%ld-%ld.log", ids[i], t + 1);
            char *pth = path_join(dir, rel);
            len[t] = read_curve(pth, curve + t * MAXE, secs + t * MAXE);
            free(pth);
            ep_full += len[t];
            if (len[t]) s_full += secs[t * MAXE + len[t] - 1];
        }
        /* the final mean over trials that trained to the end (a diverged one is left out) */
        double s = 0;
        int k = 0;
        for (long t = 0; t < T; t++)
            if (len[t] == epochs && isfinite(curve[t * MAXE + epochs - 1])) s += curve[t * MAXE + epochs - 1], k++;
        fin[i] = k ? s / k : NAN;
        if (k && fin[i] < full_pick) full_pick = fin[i], full_id = ids[i];
        stop[i] = elen;
        for (int r = 0; r < p.nrungs; r++) {
            double v[1000];
            for (long t = 0; t < T; t++) v[t] = len[t] >= p.rung[r] ? curve[t * MAXE + p.rung[r] - 1] : NAN;
            PruneDecision d;
            prune_decide(&p, v, (int)T, at + (size_t)r * n, nat[r], best_fin, &d);
            if (isfinite(d.mean)) at[(size_t)r * n + nat[r]++] = d.mean;
            if (!d.keep) { stop[i] = p.rung[r], obs[i] = d.mean; break; }
        }
        for (long t = 0; t < T; t++) {
            long e = len[t] < stop[i] ? len[t] : stop[i];
            ep_pruned += e;
            if (e) s_pruned += secs[t * MAXE + e - 1];
        }
        if (stop[i] == epochs && isfinite(fin[i])) {
            if (fin[i] < best_fin) best_fin = fin[i];
            if (fin[i] < pruned_pick) pruned_pick = fin[i], pruned_id = ids[i];
        }
    }
    for (int i = 0; i < n; i++)
        if (ids[i] == full_id) full_pick_survives = stop[i] == epochs;
    /* pruned sets: observed (rung) mean / final mean, median; the best final among them */
    double *ratio = xmalloc((size_t)n * sizeof *ratio), pr_best = INFINITY;
    int nr = 0;
    for (int i = 0; i < n; i++)
        if (stop[i] < epochs && isfinite(fin[i]) && fin[i] > 0) {
            ratio[nr++] = obs[i] / fin[i];
            if (fin[i] < pr_best) pr_best = fin[i];
        }
    for (int i = 1; i < nr; i++)
        for (int j = i; j > 0 && ratio[j] < ratio[j - 1]; j--) { double t = ratio[j]; ratio[j] = ratio[j - 1]; ratio[j - 1] = t; }
    double med = nr ? (nr % 2 ? ratio[nr / 2] : 0.5 * (ratio[nr / 2 - 1] + ratio[nr / 2])) : NAN;
    printf("run,eta,rungs,min,z,sets,epochs_full,epochs_pruned,saved,time_saved,full_pick,full_pick_wd,survives,pruned_pick,pruned_pick_wd,pruned_sets,obs_over_final_median,pruned_best_final\n");
    printf("%s,%g,", dir, p.eta);
    for (int r = 0; r < p.nrungs; r++) printf("%s%ld", r ? ";" : "", p.rung[r]);
    printf(",%ld,%g,%d,%ld,%ld,%.3f,%.3f,%ld,%.6g,%s,%ld,%.6g,%d,%.3f,%.6g\n", p.min_sets, p.z, n, ep_full, ep_pruned,
           ep_full ? 1.0 - (double)ep_pruned / (double)ep_full : 0, s_full > 0 ? 1.0 - s_pruned / s_full : 0, full_id, full_pick,
           full_pick_survives ? "yes" : "no", pruned_id, pruned_pick, nr, med, pr_best);
    return 0;
}
