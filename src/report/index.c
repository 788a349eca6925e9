/* index.c — index.html (index.h). */
#include "report/index.h"

#include "base/atomic.h"
#include "base/numfmt.h"
#include "base/proc.h"
#include "base/util.h"
#include "report/summary.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { ST_FAILED, ST_TRIALS, ST_TRIALS_FAILED, ST_MEDIAN, ST_UNDER, ST_SPEEDUP, ST_UTIL, ST_SLOTBUSY,
       ST_PRUNED, ST_TRAIN_H, ST_SAVED_H };

/* One summary number of a run (NaN where it cannot be computed). */
static double stat_of(const Run *r, double thr, int what)
{
    double s = 0;
    switch (what) {
    case ST_FAILED: for (int i = 0; i < r->n; i++) s += !r->ok[i] && !r->pruned_at[i]; return s;
    case ST_PRUNED: for (int i = 0; i < r->n; i++) s += r->pruned_at[i] > 0; return s;
    case ST_TRAIN_H: case ST_SAVED_H: {
        /* trainer hours from the timeline; saved: what each pruned set's trials would have
         * taken for the remaining epochs at the speed they trained with up to the rung */
        if (r->nt == 0) return NAN;
        const char *e = conf_get(r, "epochs");
        double epochs = e ? atof(e) : NAN;
        for (int t = 0; t < r->nt; t++) {
            double d = r->t_end[t] - r->t_start[t];
            if (what == ST_TRAIN_H) { s += d; continue; }
            for (int i = 0; i < r->n; i++)
                if (r->id[i] == r->t_id[t] && r->pruned_at[i] > 0) s += d * (epochs / r->pruned_at[i] - 1);
        }
        return s / 3600;
    }
    case ST_TRIALS: for (int i = 0; i < r->n; i++) s += r->ntr[i]; return s;
    case ST_TRIALS_FAILED: for (int i = 0; i < r->n; i++) s += r->nfail[i]; return s;
    case ST_UNDER: for (int i = 0; i < r->n; i++) s += r->ok[i] && r->mean[i] <= thr; return s;
    case ST_MEDIAN: {
        double *v = xmalloc((size_t)r->n * sizeof *v);
        for (int i = 0; i < r->n; i++) v[i] = r->ok[i] ? r->mean[i] : NAN;
        s = quantile(v, r->n, 0.5);
        free(v);
        return s;
    }
    default: {
        if (r->nt == 0) return NAN;
        Timing t = timing_of(r);
        if (t.wall <= 0) return NAN;
        if (what == ST_SLOTBUSY) return 100 * t.busy / (t.nslots * t.wall);
        return what == ST_SPEEDUP ? t.sum / t.wall
                                  : 100 * t.sum / (t.nslots * (t.trials > 0 ? t.trials : 1) * t.wall);
    }
    }
}

/* What a setting or an outcome means, said before any number: a search the initial design
 * filled, and one whose sets mostly failed. */
static void write_warnings(AtomicOut *o, const Report *rp)
{
    int any = 0;
    for (int k = 0; k < rp->nr; k++) {
        const Run *r = &rp->runs[k];
        int failed = (int)stat_of(r, rp->thr[k], ST_FAILED);
        int design = run_design_only(r), most = 2 * failed > r->n;
        if (!design && !most) continue;
        if (!any) aout_printf(o, "<ul id=\"warnings\">\n");
        any = 1;
        if (design) {
            aout_printf(o, "<li class=\"warning\">Warning: ");
            html_esc(o, r->dir);
            aout_printf(o, ": budget %s &le; n_init %s: every set came from the initial design, the %s "
                           "surrogate never chose one; the pictures show a space-filling design, not a "
                           "guided search (raise BUDGET above n_init).</li>\n",
                        conf_get(r, "budget"), conf_get(r, "n_init"), conf_get(r, "method"));
        }
        if (most) {
            aout_printf(o, "<li class=\"warning\">Warning: ");
            html_esc(o, r->dir);
            aout_printf(o, ": %d of %d sets failed (no trial gave a result; see trials/*.err): the "
                           "results rest on the other %d.</li>\n", failed, r->n, r->n - failed);
        }
    }
    if (any) aout_printf(o, "</ul>\n");
}

/* The page head and the summary table: run.conf's settings and the numbers of every run. */
static void write_summary(AtomicOut *o, const Report *rp)
{
    const Run *runs = rp->runs;
    int nr = rp->nr;
    const double *thr = rp->thr;
    const char *study = conf_get(&runs[0], "study"), *phase = conf_get(&runs[0], "phase");
    aout_printf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n");
    /* a live page reloads itself; the workflow writes the last one, at the end, without it */
    if (rp->live) aout_printf(o, "<meta http-equiv=\"refresh\" content=\"%ld\">\n", rp->live);
    aout_printf(o, "<title>gantune report: ");
    html_esc(o, study ? study : runs[0].dir);
    aout_printf(o, " %s</title>\n<style>body{font-family:sans-serif;max-width:1500px;margin:1em auto}"
                   "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;"
                   "text-align:right}th{text-align:left;background:#f2f2f2}img{max-width:100%%;"
                   "border:1px solid #ddd}figcaption{color:#333;margin-bottom:2em}.warning{color:#a00000}.live{background:#fff6d0;padding:4px 8px}</style></head><body>\n",
                phase ? phase : "");
    aout_printf(o, "<h1>gantune report: ");
    html_esc(o, study ? study : "");
    aout_printf(o, " ");
    html_esc(o, phase ? phase : "");
    aout_printf(o, "</h1>\n");
    if (rp->live) {
        const Run *r = &runs[0];
        const char *b = conf_get(r, "budget");
        char when[64];
        time_t now = time(NULL);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
        aout_printf(o, "<p id=\"live\" class=\"live\">Live: the search is running, %d of %s sets "
                       "finished, %d pending. This page is rewritten after every finished set and "
                       "reloads itself every %ld s; it stops reloading when the search ends. "
                       "Written at <span id=\"live-time\">%s</span>.</p>\n",
                    r->n, b ? b : "?", r->npending, rp->live, when);
    }
    write_warnings(o, rp);
    aout_printf(o, "<h2>Summary</h2>\n<table id=\"summary\">\n<tr><th>run</th>");
    for (int k = 0; k < nr; k++) {
        aout_printf(o, "<td id=\"r%d-dir\">", k + 1);
        html_esc(o, runs[k].dir);
        aout_printf(o, "</td>");
    }
    aout_printf(o, "</tr>\n");
    static const char *keys[] = {"study", "phase", "method", "seed", "trials", "epochs", "budget", "n_init", "slots"};
    for (size_t q = 0; q < sizeof keys / sizeof *keys; q++) {
        aout_printf(o, "<tr><th>%s</th>", keys[q]);
        for (int k = 0; k < nr; k++) {
            const char *v = conf_get(&runs[k], keys[q]);
            aout_printf(o, "<td id=\"r%d-%s\">", k + 1, keys[q]);
            html_esc(o, v ? v : "");
            aout_printf(o, "</td>");
        }
        aout_printf(o, "</tr>\n");
    }
    char id[64];
    char txt[64];
    /* a row of durations (seconds; trainer hours are scaled to seconds for the text) */
#define ROW_DUR(label, key, expr, to_s) do { \
        aout_printf(o, "<tr><th>%s</th>", label); \
        for (int k = 0; k < nr; k++) { const Run *r = &runs[k]; (void)r; double v_ = (expr); \
            numfmt_dur(txt, sizeof txt, v_ * (to_s)); \
            snprintf(id, sizeof id, "r%d-%s", k + 1, key); html_cell(o, id, v_, txt); } \
        aout_printf(o, "</tr>\n"); } while (0)
#define ROW_PCT(label, key, expr) do { \
        aout_printf(o, "<tr><th>%s</th>", label); \
        for (int k = 0; k < nr; k++) { const Run *r = &runs[k]; (void)r; double v_ = (expr); \
            numfmt_pct(txt, sizeof txt, v_); \
            snprintf(id, sizeof id, "r%d-%s", k + 1, key); html_cell(o, id, v_, txt); } \
        aout_printf(o, "</tr>\n"); } while (0)
#define ROW(label, key, expr) do { \
        aout_printf(o, "<tr><th>%s</th>", label); \
        for (int k = 0; k < nr; k++) { const Run *r = &runs[k]; (void)r; \
            snprintf(id, sizeof id, "r%d-%s", k + 1, key); html_num(o, id, (expr)); } \
        aout_printf(o, "</tr>\n"); } while (0)
    ROW("sets finished", "sets", r->n);
    ROW("sets failed (no ok trial)", "failed-sets", stat_of(r, thr[k], ST_FAILED));
    ROW("sets still pending", "pending", r->npending);
    ROW("sets pruned at a rung", "pruned-sets", stat_of(r, thr[k], ST_PRUNED));
    ROW("trials run", "trials-run", stat_of(r, thr[k], ST_TRIALS));
    ROW_DUR("trainer time (sum of trial times)", "trainer-hours", stat_of(r, thr[k], ST_TRAIN_H), 3600);
    ROW_DUR("trainer time saved by pruning (estimated)", "saved-hours", stat_of(r, thr[k], ST_SAVED_H), 3600);
    ROW("trials failed or diverged", "trials-failed", stat_of(r, thr[k], ST_TRIALS_FAILED));
    ROW("best set id", "best-id", r->best >= 0 ? r->id[r->best] : NAN);
    /* the recommendation rule (rundir.h, best_pick) and the pick it may differ from */
    aout_printf(o, "<tr><th>best set chosen by</th>");
    for (int k = 0; k < nr; k++) {
        const Run *r = &runs[k];
        snprintf(id, sizeof id, "r%d-best-rule", k + 1);
        aout_printf(o, "<td id=\"%s\">%s</td>", id, r->best < 0 ? "&ndash;"
                    : strcmp(r->rule, "smoothed") == 0
                    ? "smoothed (lowest GP mean at a finished set, pooled noise)"
                    : "observed (lowest mean W1 + κσ)");
    }
    aout_printf(o, "</tr>\n");
    ROW("its smoothed W1 (scaled units)", "best-smoothed", r->best >= 0 ? r->best_smoothed : NAN);
    ROW("lowest observed mean set id", "observed-id", r->best_obs >= 0 ? r->id[r->best_obs] : NAN);
    /* W1 as mean ± σ, the σ to two digits (numfmt_pm); every digit in data-mean, data-sd */
    aout_printf(o, "<tr><th>best W1, mean ± σ over its trials (scaled units)</th>");
    for (int k = 0; k < nr; k++) {
        const Run *r = &runs[k];
        if (r->best < 0) { aout_printf(o, "<td id=\"r%d-best-wd\">&ndash;</td>", k + 1); continue; }
        char t[96];
        numfmt_pm(t, sizeof t, r->mean[r->best], r->sd[r->best]);
        aout_printf(o, "<td id=\"r%d-best-wd\" data-mean=\"%.10g\" data-sd=\"%.10g\">%s</td>", k + 1,
                    r->mean[r->best], r->sd[r->best], t);
    }
    aout_printf(o, "</tr>\n");
    ROW("best set parameters (count)", "best-params", r->best >= 0 ? r->params[r->best] : NAN);
    for (int j = 0; j < runs[0].d; j++) {
        aout_printf(o, "<tr><th>best ");
        html_esc(o, runs[0].hp[j]);
        aout_printf(o, "</th>");
        for (int k = 0; k < nr; k++) {
            const Run *r = &runs[k];
            int jj = -1;
            for (int q = 0; q < r->d; q++)
                if (strcmp(r->hp[q], runs[0].hp[j]) == 0) jj = q;
            snprintf(id, sizeof id, "r%d-best-%s", k + 1, runs[0].hp[j]);
            html_num(o, id, r->best >= 0 && jj >= 0 ? r->x[(size_t)r->best * r->d + jj] : NAN);
        }
        aout_printf(o, "</tr>\n");
    }
    ROW("median mean W1 of finished sets", "median-wd", stat_of(r, thr[k], ST_MEDIAN));
    ROW("sensitivity threshold on mean W1", "threshold", thr[k]);
    ROW("sets under the threshold", "under-threshold", stat_of(r, thr[k], ST_UNDER));
    ROW_DUR("run wall time", "wall-s", r->nt ? timing_of(r).wall : NAN, 1);
    ROW_DUR("sum of trial times", "trial-sum-s", r->nt ? timing_of(r).sum : NAN, 1);
    ROW("set slots used (timeline.csv)", "slots-used", r->nt ? timing_of(r).nslots : NAN);
    aout_printf(o, "<tr><th>speed-up (sum of trial times / wall time)</th>");
    for (int k = 0; k < nr; k++) {
        double v = stat_of(&runs[k], thr[k], ST_SPEEDUP);
        snprintf(txt, sizeof txt, "%.2f×", v);
        snprintf(id, sizeof id, "r%d-speedup", k + 1);
        html_cell(o, id, v, txt);
    }
    aout_printf(o, "</tr>\n");
    ROW_PCT("set slots busy (of slots x wall time)", "slot-busy", stat_of(r, thr[k], ST_SLOTBUSY));
    ROW_PCT("trial utilisation (of slots x trials x wall time)", "utilisation", stat_of(r, thr[k], ST_UTIL));
#undef ROW
#undef ROW_DUR
#undef ROW_PCT
    generated_eval_rows(o, rp);
    aout_printf(o, "</table>\n");
    /* The smoothed W1 can sit far from the pick's observed mean (0.110 against 0.045 in a real
     * search); without a word the pick looks like a mistake. */
    int any_smoothed = 0;
    for (int k = 0; k < nr; k++) any_smoothed |= runs[k].best >= 0 && strcmp(runs[k].rule, "smoothed") == 0;
    if (any_smoothed)
        aout_printf(o, "<p id=\"best-rule-note\">Smoothed W1: the GP surrogate's posterior mean at the set "
                       "(its trials weighed against its neighbours', with pooled noise), which can differ much "
                       "from its observed mean; the pick is the lowest smoothed value, not the lowest observed "
                       "mean, since with a few trials per set the lowest mean can be a lucky draw that does not "
                       "hold up when retrained (recommend=observed in run.conf picks by the observed mean).</p>\n");
    if (nr > 1)
        aout_printf(o, "<p>Sensitivity, importance, Pareto and generated-vs-truth panels are drawn for "
                       "the first run (");
    if (nr > 1) { html_esc(o, runs[0].dir); aout_printf(o, ").</p>\n"); }
}

/* The first run's non-dominated sets, by mean W1. */
static void write_front(AtomicOut *o, const Report *rp)
{
    const Run *runs = rp->runs;
    const int *front = rp->front;
    int nf = rp->nf;
    aout_printf(o, "<h2>Non-dominated sets (mean W1, σ, parameters) of %s, by mean W1</h2>\n"
                   "<table id=\"pareto\">\n<tr><th>set</th><th>W1 (mean ± σ)</th><th>parameters</th>",
                runs[0].label);
    for (int j = 0; j < runs[0].d; j++) {
        aout_printf(o, "<th>");
        html_esc(o, runs[0].hp[j]);
        aout_printf(o, "</th>");
    }
    aout_printf(o, "</tr>\n");
    const Run *r0 = &runs[0];
    int *order = xmalloc((size_t)(nf > 0 ? nf : 1) * sizeof *order);
    memcpy(order, front, (size_t)nf * sizeof *order);
    for (int a = 1; a < nf; a++)
        for (int b = a; b > 0 && r0->mean[order[b]] < r0->mean[order[b - 1]]; b--) {
            int t = order[b]; order[b] = order[b - 1]; order[b - 1] = t;
        }
    for (int a = 0; a < nf; a++) {
        int i = order[a];
        char t[96];
        numfmt_pm(t, sizeof t, r0->mean[i], r0->sd[i]);
        aout_printf(o, "<tr><td>%d</td><td data-mean=\"%.10g\" data-sd=\"%.10g\">%s</td>", r0->id[i],
                    r0->mean[i], r0->sd[i], t);
        if (isfinite(r0->params[i])) aout_printf(o, "<td>%.0f</td>", r0->params[i]);
        else aout_printf(o, "<td>&ndash;</td>");
        for (int j = 0; j < r0->d; j++) {
            numfmt_g(t, r0->x[(size_t)i * r0->d + j], 4);
            aout_printf(o, "<td>%s</td>", t);
        }
        aout_printf(o, "</tr>\n");
    }
    free(order);
    aout_printf(o, "</table>\n");
}

void write_index(const Report *rp, const PicResult *res, const Notes *nt)
{
    char *p = path_join(rp->dir, "index.html");
    AtomicOut *o = aout_open(p);
    free(p);
    write_summary(o, rp);
    write_front(o, rp);
    aout_printf(o, "<h2>Figures</h2>\n");
    for (int q = 0; q < report_npictures; q++) {
        const PicDef *pic = &report_pictures[q];
        if (!res[q].made) continue;
        aout_printf(o, "<figure><h3>%s</h3><a href=\"%s.png\"><img src=\"%s.png\" alt=\"%s\"></a>\n"
                       "<figcaption>%s%s", pic->title, pic->name, pic->name, pic->title,
                    pic->caption, res[q].more);
        aout_printf(o, " Data and script: <code>%s.gp</code>.</figcaption></figure>\n", pic->name);
    }
    if (nt->len) aout_printf(o, "<h2>Omitted panels and notes</h2>\n<ul id=\"notes\">\n%s</ul>\n", nt->html);
    aout_printf(o, "</body></html>\n");
    aout_commit(o);
}
