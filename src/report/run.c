/* run.c — loading a run directory into a Run (run.h). */
#include "report/run.h"

#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "hpo/rundir.h"
#include "hpo/surrogate.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *conf_get(const Run *r, const char *key) { return runconf_get(r->conf, key); }

/* ---------------------------------------------------------------- reading a run directory */

static void read_conf(Run *r)
{
    r->conf = runconf_load(r->dir);
    r->ckey = r->conf->key;
    r->cval = r->conf->val;
    r->nconf = r->conf->n;
}

static void read_space(Run *r)
{
    Space *sp = rundir_space(r->dir);     /* integer bounds, positive scaling, unique names */
    r->d = sp->d;
    r->hp = xmalloc((size_t)r->d * sizeof *r->hp);
    r->lo = xmalloc((size_t)r->d * sizeof *r->lo);
    r->hi = xmalloc((size_t)r->d * sizeof *r->hi);
    r->scal = xmalloc((size_t)r->d * sizeof *r->scal);
    for (int j = 0; j < r->d; j++) {
        r->hp[j] = xstrdup(sp->name[j]);
        r->lo[j] = (double)sp->lo[j];
        r->hi[j] = (double)sp->hi[j];
        r->scal[j] = sp->scale[j];
    }
    space_free(sp);
}

/* history.csv by column name (rundir.h); the best set is rundir's best_pick with run.conf's
 * kappa and recommend, the one the workflow narrows around (best_set's shown beside it). */
static void read_history(Run *r)
{
    Space *sp = rundir_space(r->dir);
    RdTable h;
    rd_load(&h, r->dir, RD_HISTORY, sp);
    int n = h.nrows > 0 ? h.nrows : 1;
    r->id = xmalloc((size_t)n * sizeof *r->id);
    r->ok = xmalloc((size_t)n * sizeof *r->ok);
    r->ntr = xmalloc((size_t)n * sizeof *r->ntr);
    r->nfail = xmalloc((size_t)n * sizeof *r->nfail);
    r->pruned_at = xmalloc((size_t)n * sizeof *r->pruned_at);
    r->mean = xmalloc((size_t)n * sizeof *r->mean);
    r->sd = xmalloc((size_t)n * sizeof *r->sd);
    r->x = xmalloc((size_t)n * (size_t)r->d * sizeof *r->x);
    for (int i = 0; i < h.nrows; i++) {
        HistRow hr;
        hist_row(&h, i, &hr);
        r->id[i] = (int)hr.id;
        for (int j = 0; j < r->d; j++)
            if (csv_parse_double(h.rows[i][1 + j], &r->x[(size_t)i * r->d + j]) != 0)
                rd_fail(&h, i, "%s '%s' is not a number", r->hp[j], h.rows[i][1 + j]);
        r->mean[i] = hr.mean;
        r->sd[i] = hr.sd;
        r->ntr[i] = (int)hr.ntrials;
        r->nfail[i] = (int)hr.nfailed;
        r->ok[i] = hr.ok;
        r->pruned_at[i] = hr.pruned ? (int)hr.pruned_at : 0;
        if (r->ok[i] && !isfinite(r->sd[i])) r->sd[i] = 0;
    }
    r->n = h.nrows;
    BestPick pick;
    best_pick(&h, sp, r->conf, &pick, NULL);
    r->best = pick.row;
    r->best_obs = pick.observed;
    r->rule = pick.rule;
    r->best_smoothed = pick.value;
    space_free(sp);
    rd_free(&h);
    if (r->n == 0) die(EXIT_RUNTIME, "%s/history.csv: no finished sets yet", r->dir);
}

static int hist_index(const Run *r, int id)
{
    for (int i = 0; i < r->n; i++)
        if (r->id[i] == id) return i;
    return -1;
}

/* Parameter counts come from the trial records (gan-train's params column): the first real
 * count of each set. */
static void take_params(long id, double params, void *ctx)
{
    Run *r = ctx;
    int i = hist_index(r, (int)id);
    if (i >= 0 && !isfinite(r->params[i])) r->params[i] = params;
}

static void read_trials(Run *r)
{
    r->params = xmalloc((size_t)r->n * sizeof *r->params);
    for (int i = 0; i < r->n; i++) r->params[i] = NAN;
    rundir_record_params(r->dir, take_params, r);
}

static void read_timeline(Run *r)
{
    Timeline tl;
    timeline_load(&tl, r->dir);
    r->nt = tl.n;
    if (tl.n == 0) return;
    r->t_id = xmalloc((size_t)tl.n * sizeof *r->t_id);
    r->t_slot = xmalloc((size_t)tl.n * sizeof *r->t_slot);
    r->t_trial = xmalloc((size_t)tl.n * sizeof *r->t_trial);
    r->t_start = xmalloc((size_t)tl.n * sizeof *r->t_start);
    r->t_end = xmalloc((size_t)tl.n * sizeof *r->t_end);
    for (int i = 0; i < tl.n; i++) {
        r->t_id[i] = (int)tl.id[i];
        r->t_slot[i] = (int)tl.slot[i];
        r->t_trial[i] = (int)tl.trial[i];
        r->t_start[i] = tl.start[i];
        r->t_end[i] = tl.end[i];
    }
    timeline_free(&tl);
}

static int count_rows(const Run *r, RdKind kind)
{
    Space *sp = rundir_space(r->dir);
    RdTable t;
    rd_load(&t, r->dir, kind, sp);
    int n = t.nrows;
    rd_free(&t);
    space_free(sp);
    return n;
}

int run_design_only(const Run *r)
{
    const char *ph = conf_get(r, "phase"), *ni = conf_get(r, "n_init"), *b = conf_get(r, "budget");
    const SurrogateMethod *m = surrogate_method_find(conf_get(r, "method"));
    return ph && strcmp(ph, "final") != 0 && ni && b && m && m->fit && atol(ni) >= atol(b);
}

void read_run(Run *r, const char *dir)
{
    memset(r, 0, sizeof *r);
    r->dir = xstrdup(dir);
    read_conf(r);
    read_space(r);
    read_history(r);
    read_trials(r);
    read_timeline(r);
    r->npending = count_rows(r, RD_PENDING);
    const char *m = conf_get(r, "method"), *s = conf_get(r, "seed");
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s%s%s", m ? m : dir, s ? " seed " : "", s ? s : "",
             run_design_only(r) ? ", initial design only" : "");
    r->label = xstrdup(buf);
}

void run_free(Run *r)
{
    for (int j = 0; j < r->d; j++) free(r->hp[j]);
    free(r->hp); free(r->lo); free(r->hi); free(r->scal);
    free(r->id); free(r->ok); free(r->ntr); free(r->nfail); free(r->pruned_at); free(r->mean);
    free(r->sd); free(r->x);
    free(r->params);
    free(r->t_id); free(r->t_slot); free(r->t_trial); free(r->t_start); free(r->t_end);
    runconf_free(r->conf);
    free(r->dir); free(r->label);
    memset(r, 0, sizeof *r);
}
