/* run.c — loading a run directory into a Run (run.h). */
#include "report/run.h"

#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *conf_get(const Run *r, const char *key)
{
    for (int i = 0; i < r->nconf; i++)
        if (strcmp(r->ckey[i], key) == 0) return r->cval[i];
    return NULL;
}

/* ---------------------------------------------------------------- reading a run directory */

static void read_conf(Run *r)
{
    char *p = path_join(r->dir, "run.conf");
    FILE *f = fopen(p, "r");
    if (!f) die(EXIT_RUNTIME, "%s: cannot open: %s", p, strerror(errno));
    char line[4096];
    long ln = 0;
    int cap = 32;
    r->ckey = xmalloc((size_t)cap * sizeof *r->ckey);
    r->cval = xmalloc((size_t)cap * sizeof *r->cval);
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        char *eq = strchr(line, '=');
        if (!eq || eq == line) die(EXIT_RUNTIME, "%s:%ld: expected key=value", p, ln);
        *eq = '\0';
        if (r->nconf == cap) {
            cap *= 2;
            r->ckey = xrealloc(r->ckey, (size_t)cap * sizeof *r->ckey);
            r->cval = xrealloc(r->cval, (size_t)cap * sizeof *r->cval);
        }
        r->ckey[r->nconf] = xstrdup(line);
        r->cval[r->nconf] = xstrdup(eq + 1);
        r->nconf++;
    }
    fclose(f);
    free(p);
}

static void read_space(Run *r)
{
    char *p = path_join(r->dir, "space.csv");
    CsvReader *c = csv_open(p);
    int cn = csv_require(c, "name"), cl = csv_require(c, "lower"), cu = csv_require(c, "upper"),
        cs = csv_require(c, "scaling");
    int cap = 8;
    r->hp = xmalloc((size_t)cap * sizeof *r->hp);
    r->lo = xmalloc((size_t)cap * sizeof *r->lo);
    r->hi = xmalloc((size_t)cap * sizeof *r->hi);
    r->scal = xmalloc((size_t)cap * sizeof *r->scal);
    while (csv_next(c)) {
        if (r->d == cap) {
            cap *= 2;
            r->hp = xrealloc(r->hp, (size_t)cap * sizeof *r->hp);
            r->lo = xrealloc(r->lo, (size_t)cap * sizeof *r->lo);
            r->hi = xrealloc(r->hi, (size_t)cap * sizeof *r->hi);
            r->scal = xrealloc(r->scal, (size_t)cap * sizeof *r->scal);
        }
        r->hp[r->d] = xstrdup(csv_str(c, cn));
        r->lo[r->d] = csv_num(c, cl);
        r->hi[r->d] = csv_num(c, cu);
        r->scal[r->d] = csv_num(c, cs);
        if (r->lo[r->d] > r->hi[r->d] || r->scal[r->d] <= 0)
            csv_fail(c, "hyperparameter '%s': need lower <= upper and scaling > 0", r->hp[r->d]);
        r->d++;
    }
    if (r->d == 0) die(EXIT_RUNTIME, "%s: no hyperparameters", p);
    csv_close(c);
    free(p);
}

/* A failed set's wd_mean may be written as inf, nan or left empty: all read as NaN. */
static double num_or_nan(const CsvReader *c, int col)
{
    double v;
    return csv_parse_double(csv_str(c, col), &v) == 0 ? v : NAN;
}

static void read_history(Run *r)
{
    char *p = path_join(r->dir, "history.csv");
    CsvReader *c = csv_open(p);
    int cid = csv_require(c, "id"), cm = csv_require(c, "wd_mean"), cs = csv_require(c, "wd_std"),
        cn = csv_require(c, "n_trials"), cf = csv_require(c, "n_failed"),
        cst = csv_require(c, "status");
    int *chp = xmalloc((size_t)r->d * sizeof *chp);
    for (int j = 0; j < r->d; j++) chp[j] = csv_require(c, r->hp[j]);
    int cap = 64;
    r->id = xmalloc((size_t)cap * sizeof *r->id);
    r->ok = xmalloc((size_t)cap * sizeof *r->ok);
    r->ntr = xmalloc((size_t)cap * sizeof *r->ntr);
    r->nfail = xmalloc((size_t)cap * sizeof *r->nfail);
    r->mean = xmalloc((size_t)cap * sizeof *r->mean);
    r->sd = xmalloc((size_t)cap * sizeof *r->sd);
    r->x = xmalloc((size_t)cap * (size_t)r->d * sizeof *r->x);
    r->best = -1;
    while (csv_next(c)) {
        if (r->n == cap) {
            cap *= 2;
            r->id = xrealloc(r->id, (size_t)cap * sizeof *r->id);
            r->ok = xrealloc(r->ok, (size_t)cap * sizeof *r->ok);
            r->ntr = xrealloc(r->ntr, (size_t)cap * sizeof *r->ntr);
            r->nfail = xrealloc(r->nfail, (size_t)cap * sizeof *r->nfail);
            r->mean = xrealloc(r->mean, (size_t)cap * sizeof *r->mean);
            r->sd = xrealloc(r->sd, (size_t)cap * sizeof *r->sd);
            r->x = xrealloc(r->x, (size_t)cap * (size_t)r->d * sizeof *r->x);
        }
        int i = r->n;
        double idv = csv_num(c, cid);
        if (idv < 1 || idv != floor(idv) || idv > 1e9) csv_fail(c, "id '%s' is not a positive integer", csv_str(c, cid));
        r->id[i] = (int)idv;
        for (int j = 0; j < r->d; j++) r->x[(size_t)i * r->d + j] = csv_num(c, chp[j]);
        r->mean[i] = num_or_nan(c, cm);
        r->sd[i] = num_or_nan(c, cs);
        r->ntr[i] = (int)csv_num(c, cn);
        r->nfail[i] = (int)csv_num(c, cf);
        r->ok[i] = strcmp(csv_str(c, cst), "ok") == 0 && isfinite(r->mean[i]);
        if (r->ok[i] && !isfinite(r->sd[i])) r->sd[i] = 0;
        if (r->ok[i] && (r->best < 0 || r->mean[i] < r->mean[r->best])) r->best = i;
        r->n++;
    }
    csv_close(c);
    free(chp);
    free(p);
    if (r->n == 0) die(EXIT_RUNTIME, "%s/history.csv: no finished sets yet", r->dir);
}

static int hist_index(const Run *r, int id)
{
    for (int i = 0; i < r->n; i++)
        if (r->id[i] == id) return i;
    return -1;
}

/* Parameter counts come from the trial records (gan-train's params column). */
static void read_trials(Run *r)
{
    r->params = xmalloc((size_t)r->n * sizeof *r->params);
    for (int i = 0; i < r->n; i++) r->params[i] = NAN;
    char *td = path_join(r->dir, "trials");
    DIR *dp = opendir(td);
    if (!dp) { free(td); return; }
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t k = strlen(e->d_name);
        if (k < 5 || strcmp(e->d_name + k - 4, ".csv") != 0 || e->d_name[0] == '.') continue;
        char *p = path_join(td, e->d_name);
        CsvReader *c = csv_open(p);
        int cid = csv_require(c, "id"), cp = csv_find(c, "params");
        while (cp >= 0 && csv_next(c)) {
            int i = hist_index(r, (int)csv_num(c, cid));
            double v;
            /* a failed trial's record says params 0: take a real count */
            if (i >= 0 && !isfinite(r->params[i]) && csv_parse_double(csv_str(c, cp), &v) == 0 && v > 0)
                r->params[i] = v;
        }
        csv_close(c);
        free(p);
    }
    closedir(dp);
    free(td);
}

static void read_timeline(Run *r)
{
    char *p = path_join(r->dir, "timeline.csv");
    if (!file_exists(p)) { free(p); return; }
    CsvReader *c = csv_open(p);
    int cid = csv_require(c, "id"), ct = csv_require(c, "trial"), cs = csv_require(c, "slot"),
        cb = csv_require(c, "start"),
        ce = csv_require(c, "end");
    int cap = 64;
    r->t_id = xmalloc((size_t)cap * sizeof *r->t_id);
    r->t_slot = xmalloc((size_t)cap * sizeof *r->t_slot);
    r->t_trial = xmalloc((size_t)cap * sizeof *r->t_trial);
    r->t_start = xmalloc((size_t)cap * sizeof *r->t_start);
    r->t_end = xmalloc((size_t)cap * sizeof *r->t_end);
    while (csv_next(c)) {
        if (r->nt == cap) {
            cap *= 2;
            r->t_id = xrealloc(r->t_id, (size_t)cap * sizeof *r->t_id);
            r->t_slot = xrealloc(r->t_slot, (size_t)cap * sizeof *r->t_slot);
            r->t_trial = xrealloc(r->t_trial, (size_t)cap * sizeof *r->t_trial);
            r->t_start = xrealloc(r->t_start, (size_t)cap * sizeof *r->t_start);
            r->t_end = xrealloc(r->t_end, (size_t)cap * sizeof *r->t_end);
        }
        r->t_id[r->nt] = (int)csv_num(c, cid);
        r->t_slot[r->nt] = (int)csv_num(c, cs);
        r->t_trial[r->nt] = (int)csv_num(c, ct);
        r->t_start[r->nt] = csv_num(c, cb);
        r->t_end[r->nt] = csv_num(c, ce);
        if (r->t_end[r->nt] < r->t_start[r->nt]) csv_fail(c, "end before start");
        r->nt++;
    }
    csv_close(c);
    free(p);
}

static int count_rows(const char *path)
{
    if (!file_exists(path)) return 0;
    CsvReader *c = csv_open(path);
    int n = 0;
    while (csv_next(c)) n++;
    csv_close(c);
    return n;
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
    char *pp = path_join(dir, "pending.csv");
    r->npending = count_rows(pp);
    free(pp);
    const char *m = conf_get(r, "method"), *s = conf_get(r, "seed");
    char buf[256];
    snprintf(buf, sizeof buf, "%s%s%s", m ? m : dir, s ? " seed " : "", s ? s : "");
    r->label = xstrdup(buf);
}
