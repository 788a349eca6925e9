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
 * With --probe SD[,SD...]: instead, how much the pruned observations move the proposer (the
 * divergence issue 15's seed 3 showed): for every guided step of the run (a history prefix of
 * n_init or more sets, one of them pruned by the rule), the proposal and the fitted surrogate
 * from the run's own history (every set's final value) against those from the same prefix as a
 * pruned run records it (the pruned sets' values at their rung, status pruned), with
 * surrogate-propose's settings for the run, per method (rbf, gp) and --pruned-sd SD. One CSV
 * row per method and SD: the steps compared, the share of steps proposing the same set,
 * whether the first of them does (where a live pruned run first can part from the unpruned
 * one), the mean unit-cube distance between the two proposals, and the RMS difference of the two
 * surrogates over 512 random points relative to the spread of the unpruned one.
 *
 *   prune_replay [--probe SDS] RUNDIR EPOCHS ETA RUNGS MIN Z [TRIALS]   (RUNGS: 1,3 or "default") */
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "hpo/design.h"
#include "hpo/propose.h"
#include "hpo/prune.h"
#include "hpo/rundir.h"
#include "hpo/surrogate.h"

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

/* One step of surrogate-propose (its settings for a run of hpo-step) on the first len rows of
 * h: the proposed lattice point into k. */
static void propose_one(const SurrogateMethod *m, const Space *sp, const PointSet *h, size_t len,
                        const RunConf *c, double pruned_sd, long *k)
{
    PointSet pre = *h, pend = { 0 };
    pre.n = len;
    int d = sp->d;
    uint64_t seed = runconf_u64(c, "seed") & 0x7fffffffULL;   /* hpo-step's proposer_seed */
    Proposer p = { .sp = sp, .hist = &pre, .pend = &pend, .n = 1,
                   .n_init = (int)runconf_long_or(c, "n_init", 2 * (d + 1)),
                   .budget = (int)runconf_long(c, "budget"), .ncand = 100 * d < 5000 ? 100 * d : 5000,
                   .seed = seed, .cap = m->cap, .smoothing = 1.0, .noise_dof = NOISE_PRIOR_DOF,
                   .pruned_sd = pruned_sd };
    rng_seed2(&p.rng, seed, (uint64_t)len + 1);
    proposer_init(&p);
    m->propose(&p, m);
    memcpy(k, p.out, (size_t)d * sizeof *k);
    proposer_free(&p);
}

/* The probe (see the top): full is the run's history, pv the same rows as a pruned run records
 * them. */
static void probe(const char *dir, const char *sds, const Space *sp, const RunConf *c,
                  const PointSet *full, const PointSet *pv)
{
    int d = sp->d;
    long ninit = runconf_long_or(c, "n_init", 2 * (d + 1));
    enum { NU = 512 };
    double *U = xmalloc((size_t)NU * d * sizeof *U), *fa = xmalloc(NU * sizeof *fa);
    Rng ur;
    rng_seed(&ur, 12345);
    for (int i = 0; i < NU * d; i++) U[i] = rng_uniform(&ur);
    long *ka = xmalloc((size_t)d * sizeof *ka), *kb = xmalloc((size_t)d * sizeof *kb);
    double ua[64], ub[64];
    printf("run,method,pruned_sd,steps,same,first_same,mean_dist,rms_rel\n");
    for (int mi = 0; mi < 2; mi++) {
        const SurrogateMethod *m = surrogate_method_find(mi ? "gp" : "rbf");
        for (const char *q = sds; *q;) {
            char *end;
            double sd = strtod(q, &end);
            if (end == q || sd < 0) die(EXIT_USAGE, "--probe: '%s' is not a list of values >= 0", sds);
            q = *end ? end + 1 : end;
            int steps = 0, same = 0, first = -1;
            double dist = 0, rms = 0;
            for (size_t len = (size_t)ninit; len < full->n; len++) {
                int any = 0;
                for (size_t i = 0; i < len; i++) any |= pv->pruned[i];
                if (!any) continue;              /* the same history: the same proposal */
                propose_one(m, sp, full, len, c, sd, ka);
                propose_one(m, sp, pv, len, c, sd, kb);
                point_to_unit(sp, ka, ua);
                point_to_unit(sp, kb, ub);
                int eq = memcmp(ka, kb, (size_t)d * sizeof *ka) == 0;
                same += eq;
                if (first < 0) first = eq;
                dist += unit_dist(ua, ub, d);
                /* the two surrogates over random points */
                PointSet a = *full, b = *pv;
                a.n = b.n = len;
                Rng r1, r2;
                rng_seed2(&r1, 1, len), rng_seed2(&r2, 1, len);
                void *ma = surrogate_fit(m, sp, &a, m->cap, 1.0, NOISE_PRIOR_DOF, sd, &r1);
                void *mb = surrogate_fit(m, sp, &b, m->cap, 1.0, NOISE_PRIOR_DOF, sd, &r2);
                double s1 = 0, s2 = 0, e2 = 0;
                for (int i = 0; i < NU; i++) {
                    fa[i] = m->predict(ma, U + (size_t)i * d);
                    double e = m->predict(mb, U + (size_t)i * d) - fa[i];
                    s1 += fa[i], s2 += fa[i] * fa[i], e2 += e * e;
                }
                double var = s2 / NU - (s1 / NU) * (s1 / NU);
                rms += var > 0 ? sqrt(e2 / NU / var) : 0;
                m->free(ma);
                m->free(mb);
                steps++;
            }
            printf("%s,%s,%g,%d,%.3f,%s,%.4f,%.4f\n", dir, m->name, sd, steps, steps ? (double)same / steps : NAN,
                   first < 0 ? "" : first ? "yes" : "no",
                   steps ? dist / steps : NAN, steps ? rms / steps : NAN);
        }
    }
    free(U); free(fa); free(ka); free(kb);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    const char *sds = NULL;
    if (argc > 2 && strcmp(argv[1], "--probe") == 0) sds = argv[2], argv += 2, argc -= 2;
    if (argc < 7) die(EXIT_USAGE, "usage: prune_replay [--probe SDS] RUNDIR EPOCHS ETA RUNGS MIN Z [TRIALS]");
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
    double *obs_sd = xmalloc((size_t)n * sizeof *obs_sd);
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
            if (!d.keep) { stop[i] = p.rung[r], obs[i] = d.mean, obs_sd[i] = d.sd; break; }
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
    if (sds) {
        /* the history as surrogate-propose reads it, in its file's order, and as a pruned run
         * would have recorded it: a pruned set's trial values at its rung, status pruned */
        char *hp = path_join(dir, "history.csv");
        PointSet full, pv;
        space_read_points(sp, hp, "wd_mean", "wd_std", 0, &full);
        space_read_points(sp, hp, "wd_mean", "wd_std", 0, &pv);
        for (size_t r = 0; r < pv.n; r++) {
            long id = strtol(h.rows[r][0], NULL, 10);
            for (int i = 0; i < n; i++)
                if (ids[i] == id && stop[i] < epochs && pv.ok[r]) {
                    pv.y[r] = obs[i];
                    pv.var[r] = obs_sd[i] * obs_sd[i] / pv.nt[r];
                    pv.pruned[r] = 1;
                }
        }
        probe(dir, sds, sp, c, &full, &pv);
        pointset_free(&full);
        pointset_free(&pv);
        free(hp);
        return 0;
    }
    /* pruned sets: observed (rung) mean / final mean, median; the best final among them */
    double *ratio = xmalloc((size_t)n * sizeof *ratio), pr_best = INFINITY, g1 = 0, g2 = 0;
    int nr = 0;
    for (int i = 0; i < n; i++)
        if (stop[i] < epochs && isfinite(fin[i]) && fin[i] > 0) {
            ratio[nr++] = obs[i] / fin[i];
            if (fin[i] < pr_best) pr_best = fin[i];
            /* the relative gain it would have made after the rung (surrogate.h PRUNED_SD) */
            double g = 1 - fin[i] / obs[i];
            g1 += g, g2 += g * g;
        }
    double gmean = nr ? g1 / nr : NAN, grms = nr ? sqrt(g2 / nr) : NAN;
    for (int i = 1; i < nr; i++)
        for (int j = i; j > 0 && ratio[j] < ratio[j - 1]; j--) { double t = ratio[j]; ratio[j] = ratio[j - 1]; ratio[j - 1] = t; }
    double med = nr ? (nr % 2 ? ratio[nr / 2] : 0.5 * (ratio[nr / 2 - 1] + ratio[nr / 2])) : NAN;
    printf("run,eta,rungs,min,z,sets,epochs_full,epochs_pruned,saved,time_saved,full_pick,full_pick_wd,survives,pruned_pick,pruned_pick_wd,pruned_sets,obs_over_final_median,pruned_best_final,gain_mean,gain_rms,pruned_ids\n");
    printf("%s,%g,", dir, p.eta);
    for (int r = 0; r < p.nrungs; r++) printf("%s%ld", r ? ";" : "", p.rung[r]);
    printf(",%ld,%g,%d,%ld,%ld,%.3f,%.3f,%ld,%.6g,%s,%ld,%.6g,%d,%.3f,%.6g,%.4f,%.4f,", p.min_sets, p.z, n, ep_full, ep_pruned,
           ep_full ? 1.0 - (double)ep_pruned / (double)ep_full : 0, s_full > 0 ? 1.0 - s_pruned / s_full : 0, full_id, full_pick,
           full_pick_survives ? "yes" : "no", pruned_id, pruned_pick, nr, med, pr_best, gmean, grms);
    for (int i = 0, k = 0; i < n; i++)      /* the sets pruned, in id order */
        if (stop[i] < epochs) printf("%s%ld", k++ ? ";" : "", ids[i]);
    printf("\n");
    return 0;
}
