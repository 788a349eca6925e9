/* hpo-step — one step of the asynchronous HPO loop on a run directory (see hpo-step.1).
 *
 * Every change to the run directory's bookkeeping (proposals.csv, pending.csv, history.csv,
 * claims/) happens under an exclusive flock on RUNDIR/lock, and every file is rewritten whole
 * through atomic.h, so any number of slots may propose and finish at once and a kill -9 at any
 * point leaves each file either old or new. The few states a kill can leave between two renames
 * (a proposal not yet pending, a finished set still pending) are repaired by the next step. */
#define _DEFAULT_SOURCE   /* flock(2), readlink(2) */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/numfmt.h"
#include "base/proc.h"
#include "base/rng.h"
#include "base/util.h"
#include "hpo/cost.h"
#include "hpo/prune.h"
#include "hpo/rundir.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_BUDGET = 3 };   /* nothing left to issue: every set of the budget was proposed */

/* The seeds. Trial t (1-based) of set id trains with a seed that depends only on the study
 * seed, the id and t, so any trial is rerun identically from these three numbers. Kept below
 * 2^31 so that every trainer's option parser takes it. */
static uint64_t trial_seed(uint64_t study, long id, long t)
{
    return rng_mix(rng_mix(rng_mix(study) ^ (uint64_t)id) ^ (uint64_t)t) & 0x7fffffffULL;
}

/* The proposer's seed: the study seed at every step. surrogate-propose lays its initial Latin
 * hypercube out from the seed alone and takes later points in turn, so one design spans the
 * calls; it varies its other random streams with the history and pending counts, so distinct
 * steps differ while a rerun of the same step proposes the same points. */
static uint64_t proposer_seed(uint64_t study) { return study & 0x7fffffffULL; }



/* Split a tool's CSV output (no quoting: our tools never quote) into a table, by its header. */
static void table_parse(RdTable *t, char *text, const char *what)
{
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    if (!line) die(EXIT_RUNTIME, "%s: empty output", what);
    char **f = NULL;
    int nf = split_list(what, line, &f);
    rd_init(t, what, nf, f);
    free(f[0]);
    free(f);
    while ((line = strtok_r(NULL, "\n", &save))) {
        size_t l = strlen(line);
        if (l && line[l - 1] == '\r') line[--l] = '\0';
        if (!l) continue;
        char **row = xmalloc((size_t)nf * sizeof *row);
        int k = 0;
        for (char *p = line;; p++) {
            if (k == nf) die(EXIT_RUNTIME, "%s: a row has more than %d fields", what, nf);
            row[k++] = p;
            p = strchr(p, ',');
            if (!p) break;
            *p = '\0';
        }
        if (k != nf) die(EXIT_RUNTIME, "%s: a row has %d fields, expected %d", what, k, nf);
        rd_add(t, row);
        free(row);
    }
}

typedef struct {
    const char *dir;
    int nhp;
    char **hp;          /* hyperparameter names in space.csv order (sp->name) */
    Space *sp;
    RunConf *conf;
    uint64_t seed;
    long trials, budget;
    RdTable prop, pend, hist;
} Run;

/* run.conf and space.csv: enough for --best, --focus-space and --seed. */
static void run_load_conf(Run *r)
{
    r->conf = runconf_load(r->dir);
    r->seed = runconf_u64(r->conf, "seed");
    r->trials = runconf_long(r->conf, "trials");
    r->budget = runconf_long(r->conf, "budget");
}

static void run_load(Run *r)
{
    run_load_conf(r);
    r->sp = rundir_space(r->dir);
    r->nhp = r->sp->d;
    r->hp = r->sp->name;
    rd_load(&r->prop, r->dir, RD_PROPOSALS, r->sp);
    rd_load(&r->pend, r->dir, RD_PENDING, r->sp);
    rd_load(&r->hist, r->dir, RD_HISTORY, r->sp);
}

/* Repair what a kill between two renames can leave: a proposal neither pending nor finished
 * becomes pending again; a set both finished and pending is dropped from pending. Returns
 * whether pending changed. */
static int run_repair(Run *r)
{
    int changed = 0;
    for (int i = r->pend.nrows - 1; i >= 0; i--)
        if (rd_find_id(&r->hist, strtol(r->pend.rows[i][0], NULL, 10)) >= 0) {
            rd_del(&r->pend, i);
            changed = 1;
        }
    for (int i = 0; i < r->prop.nrows; i++) {
        long id = strtol(r->prop.rows[i][0], NULL, 10);
        if (rd_find_id(&r->pend, id) < 0 && rd_find_id(&r->hist, id) < 0) {
            rd_add(&r->pend, r->prop.rows[i]);   /* the extra proposed_at column is dropped */
            changed = 1;
        }
    }
    return changed;
}

static void run_free(Run *r)
{
    runconf_free(r->conf);
    space_free(r->sp);
    rd_free(&r->prop), rd_free(&r->pend), rd_free(&r->hist);
}

static int lock_run(const char *dir)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/lock", dir);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) die(EXIT_RUNTIME, "%s: %s", p, strerror(errno));
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR) die(EXIT_RUNTIME, "%s: flock: %s", p, strerror(errno));
    return fd;   /* released when the process exits */
}

static int claimed(Run *r, long id)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/claims/%ld", r->dir, id);
    return access(p, F_OK) == 0;
}

static void claim(Run *r, long id)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/claims", r->dir);
    if (mkdir(p, 0755) != 0 && errno != EEXIST) die(EXIT_RUNTIME, "%s: %s", p, strerror(errno));
    snprintf(p, sizeof p, "%s/claims/%ld", r->dir, id);
    int fd = open(p, O_WRONLY | O_CREAT, 0644);
    if (fd < 0) die(EXIT_RUNTIME, "%s: %s", p, strerror(errno));
    close(fd);
}

static void unclaim(Run *r, long id)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/claims/%ld", r->dir, id);
    if (unlink(p) != 0 && errno != ENOENT) die(EXIT_RUNTIME, "%s: %s", p, strerror(errno));
}

static void print_set(const Run *r, const RdTable *pend, int i, int per_trial)
{
    long id = strtol(pend->rows[i][0], NULL, 10);
    if (!per_trial) {
        printf("%ld", id);
        for (int j = 0; j < r->nhp; j++) printf(",%s", pend->rows[i][1 + j]);
        for (long t = 1; t <= r->trials; t++) printf(",%llu", (unsigned long long)trial_seed(r->seed, id, t));
        printf("\n");
        return;
    }
    for (long t = 1; t <= r->trials; t++) {
        printf("%ld,%ld,%llu", id, t, (unsigned long long)trial_seed(r->seed, id, t));
        for (int j = 0; j < r->nhp; j++) printf(",%s", pend->rows[i][1 + j]);
        printf("\n");
    }
}

static void print_header(const Run *r, int per_trial)
{
    printf(per_trial ? "id,trial,seed" : "id");
    for (int j = 0; j < r->nhp; j++) printf(",%s", r->hp[j]);
    if (!per_trial)
        for (long t = 1; t <= r->trials; t++) printf(",seed_%ld", t);
    printf("\n");
}

/* Issue up to n sets: pending sets nobody works on first (a resumed run), then new proposals
 * while the budget allows. Each issued set is claimed. */
static int do_propose(Run *r, long n, int per_trial)
{
    int changed = run_repair(r);
    int *issue = xmalloc((size_t)(r->pend.nrows + n + 1) * sizeof *issue);
    int nissue = 0;
    for (int i = 0; i < r->pend.nrows && nissue < n; i++)
        if (!claimed(r, strtol(r->pend.rows[i][0], NULL, 10))) issue[nissue++] = i;

    long want = n - nissue;
    if (want > r->budget - r->prop.nrows) want = r->budget - r->prop.nrows;
    if (want > 0) {
        long next = r->prop.nrows ? strtol(r->prop.rows[r->prop.nrows - 1][0], NULL, 10) + 1 : 1;
        char sn[32], sseed[32], sninit[32], spath[3][4096];
        snprintf(sn, sizeof sn, "%ld", want);
        snprintf(sseed, sizeof sseed, "%llu", (unsigned long long)proposer_seed(r->seed));
        long ninit = runconf_long_or(r->conf, "n_init", 0);
        snprintf(sninit, sizeof sninit, "%ld", ninit);
        snprintf(spath[0], sizeof spath[0], "%s/space.csv", r->dir);
        snprintf(spath[1], sizeof spath[1], "%s/history.csv", r->dir);
        snprintf(spath[2], sizeof spath[2], "%s/pending.csv", r->dir);
        char *tool = tool_path("surrogate-propose");
        char *argv[32];
        int a = 0;
        argv[a++] = tool;
        argv[a++] = "--space";   argv[a++] = spath[0];
        /* The proposer sees the files as last committed; pending.csv must be up to date
         * before it runs (a repair may have changed it). */
        if (changed) { rd_save(&r->pend); changed = 0; }
        if (r->hist.nrows) { argv[a++] = "--history"; argv[a++] = spath[1]; }
        if (r->pend.nrows) { argv[a++] = "--pending"; argv[a++] = spath[2]; }
        const char *method = runconf_get(r->conf, "method");
        argv[a++] = "--method";  argv[a++] = (char *)(method ? method : "rbf");
        argv[a++] = "--n";       argv[a++] = sn;
        if (ninit > 0) { argv[a++] = "--n-init"; argv[a++] = sninit; }
        argv[a++] = "--seed";    argv[a++] = sseed;
        char sbudget[32];   /* the proposer's exploration schedule runs over the whole budget */
        snprintf(sbudget, sizeof sbudget, "%ld", r->budget);
        argv[a++] = "--budget";  argv[a++] = sbudget;
        const char *kappa = runconf_get(r->conf, "kappa");   /* verbatim, as written */
        if (kappa) { argv[a++] = "--kappa"; argv[a++] = (char *)kappa; }
        argv[a] = NULL;
        char *out = run_capture(argv);
        RdTable got;
        table_parse(&got, out, "surrogate-propose output");
        free(out);
        int *col = xmalloc((size_t)r->nhp * sizeof *col);
        for (int j = 0; j < r->nhp; j++)
            if ((col[j] = rd_col(&got, r->hp[j])) < 0)
                die(EXIT_RUNTIME, "surrogate-propose output lacks column '%s'", r->hp[j]);
        if (got.nrows == 0) die(EXIT_RUNTIME, "surrogate-propose proposed nothing");
        char stamp[32];
        snprintf(stamp, sizeof stamp, "%ld", (long)time(NULL));
        char **row = xmalloc((size_t)(r->nhp + 2) * sizeof *row);
        for (int i = 0; i < got.nrows && i < want; i++) {
            char sid[32];
            snprintf(sid, sizeof sid, "%ld", next + i);
            row[0] = sid;
            for (int j = 0; j < r->nhp; j++) row[1 + j] = got.rows[i][col[j]];
            row[1 + r->nhp] = stamp;
            rd_add(&r->prop, row);
            rd_add(&r->pend, row);
            issue[nissue++] = r->pend.nrows - 1;
        }
        free(row);
        free(col);
        rd_free(&got);
        free(tool);
        /* proposals first: a kill after this rename is repaired into pending next time. */
        rd_save(&r->prop);
        changed = 1;
    }
    if (changed) rd_save(&r->pend);
    for (int k = 0; k < nissue; k++) claim(r, strtol(r->pend.rows[issue[k]][0], NULL, 10));
    if (nissue == 0) {
        free(issue);
        return EXIT_BUDGET;
    }
    print_header(r, per_trial);
    for (int k = 0; k < nissue; k++) print_set(r, &r->pend, issue[k], per_trial);
    free(issue);
    return EXIT_OK;
}

static int count_list(const char *s)
{
    int n = s && *s ? 1 : 0;
    for (; s && *s; s++) n += *s == ',';
    return n;
}

/* The progress line's ETA. With the run's cost model (cost.csv, make estimate), the elapsed
 * time scaled by the predicted trainer time left over the predicted time of the finished sets
 * (each by its own architecture and the epochs it trained: a pruned set costs less); the sets
 * still to come cost the model's mean set. Without it, the mean time of a finished set. */
static double eta_seconds(Run *r, double el)
{
    long done = r->hist.nrows;
    if (done <= 0) return NAN;
    CostModel m;
    double ev, set_s;
    GanConfig base;
    if (!cost_read(r->dir, &m, &ev, &set_s, &base)) return el / (double)done * (double)(r->budget - done);
    base.ncond = count_list(runconf_get(r->conf, "cond_cols"));
    base.nout = count_list(runconf_get(r->conf, "out_cols"));
    long epochs = runconf_long(r->conf, "epochs");
    double fin = 0, *v = xmalloc((size_t)r->nhp * sizeof *v);
    for (int i = 0; i < r->hist.nrows; i++) {
        HistRow h;
        hist_row(&r->hist, i, &h);
        for (int j = 0; j < r->nhp; j++)
            if (csv_parse_double(r->hist.rows[i][1 + j], &v[j]) != 0) v[j] = 0;
        double b, p = cost_params(&base, r->sp, v, &b);
        fin += cost_epoch(&m, p, b, ev) * (double)r->trials * (double)(h.pruned ? h.pruned_at : epochs);
    }
    free(v);
    return fin > 0 ? el * set_s * (double)(r->budget - done) / fin : NAN;
}

/* The hyperparameters of a progress line in at most width columns: NAME=VALUE with the names
 * in full, else abbreviated to the initials of their words (lr_gen: lg), else the values alone
 * (in space order), else cut with an ellipsis. Values to 3 significant digits. */
static void progress_hps(const Run *r, char **h, int width, char *out, size_t n)
{
    for (int tier = 0; tier < 3; tier++) {
        size_t len = 0;
        out[0] = '\0';
        for (int j = 0; j < r->nhp && len + 64 < n; j++) {
            char v[NUMFMT_MAX], name[64];
            double x;
            if (csv_parse_double(h[1 + j], &x) != 0) snprintf(v, sizeof v, "%.20s", h[1 + j]);
            else if (x == floor(x) && fabs(x) < 1e7) snprintf(v, sizeof v, "%.0f", x);   /* sizes */
            else numfmt_g(v, x, 3);
            size_t k = 0;
            for (const char *q = r->hp[j]; *q && k < sizeof name - 1; q++)
                if (tier == 0 || q == r->hp[j] || q[-1] == '_') name[k++] = *q;
            name[k] = '\0';
            len += (size_t)snprintf(out + len, n - len, "%s%s%s%s", j ? " " : "", tier < 2 ? name : "",
                                    tier < 2 ? "=" : "", v);
        }
        if (numfmt_cols(out) <= width) return;
    }
    /* the values alone are still too long: cut at width - 3 columns, then "…" */
    int c = 0;
    char *p = out;
    for (; *p && c < width - 3; p++) c += ((unsigned char)*p & 0xC0) != 0x80;
    while (((unsigned char)*p & 0xC0) == 0x80) p++;
    snprintf(p, n - (size_t)(p - out), "…");
}

/* The line printed when a set finishes, for a person watching: at most PROGRESS_COLS columns,
 * numbers rounded for reading (numfmt_pm: the sd to two digits); history.csv keeps them all. */
enum { PROGRESS_COLS = 120 };
static void progress_line(Run *r)
{
    const RdTable *ht = &r->hist;
    int best = best_set(ht, runconf_double_or(r->conf, "kappa", 0)), last = ht->nrows - 1;
    HistRow h;
    hist_row(ht, last, &h);
    char wd[96], tail[512], st[96] = "", hps[1024];
    numfmt_pm(wd, sizeof wd, h.mean, h.sd);
    /* the trial count is the run's (the banner says it): only what went wrong is shown */
    char nf[48] = "";
    if (h.nfailed) snprintf(nf, sizeof nf, "%ld of %ld failed", h.nfailed, h.ntrials);
    if (h.pruned) snprintf(st, sizeof st, " (pruned at epoch %ld%s%s)", h.pruned_at, *nf ? ", " : "", nf);
    else if (!h.ok) snprintf(st, sizeof st, " (set failed: %s)", *nf ? nf : "no result");
    else if (*nf) snprintf(st, sizeof st, " (%s)", nf);
    int tl = snprintf(tail, sizeof tail, "wd %s%s", h.ok || h.pruned ? wd : "nan", st);
    if (best >= 0) {
        HistRow b;
        hist_row(ht, best, &b);
        char bm[NUMFMT_MAX + 8];
        numfmt_pm(bm, sizeof bm, b.mean, b.sd);
        char *pm = strstr(bm, " ±");   /* the best's mean alone, to its own sd's place */
        if (pm) *pm = '\0';
        tl += snprintf(tail + tl, sizeof tail - (size_t)tl, " | best %s (set %ld)", bm, b.id);
    } else {
        tl += snprintf(tail + tl, sizeof tail - (size_t)tl, " | best none yet");
    }
    double started = runconf_double_or(r->conf, "started", 0);
    double el = started > 0 ? (double)time(NULL) - started : NAN;
    char e1[32], e2[32];
    numfmt_dur(e1, sizeof e1, el);
    numfmt_dur(e2, sizeof e2, eta_seconds(r, el));
    snprintf(tail + tl, sizeof tail - (size_t)tl, " | %d/%ld done, %s, ETA %s", ht->nrows, r->budget, e1, e2);
    char head[48];
    snprintf(head, sizeof head, "set %ld [", h.id);
    progress_hps(r, ht->rows[last], PROGRESS_COLS - numfmt_cols(head) - 2 - numfmt_cols(tail), hps, sizeof hps);
    printf("%s%s] %s\n", head, hps, tail);
}

/* Aggregate set id's trial records into history and drop it from pending. Idempotent: a set
 * already in history is not added twice. */
static int do_finish(Run *r, long id)
{
    int changed = run_repair(r);
    if (rd_find_id(&r->hist, id) >= 0) {
        if (changed) rd_save(&r->pend);
        unclaim(r, id);
        warnx("set %ld is already in history.csv", id);
        return EXIT_OK;
    }
    int pi = rd_find_id(&r->pend, id);
    if (pi < 0) die(EXIT_RUNTIME, "set %ld is not pending in %s", id, r->dir);

    char **argv = xmalloc((size_t)(r->trials + 4) * sizeof *argv);
    char *tool = tool_path("trial-aggregate"), space[4096];
    snprintf(space, sizeof space, "%s/space.csv", r->dir);
    argv[0] = tool;
    argv[1] = "--space";
    argv[2] = space;
    argv += 2;   /* trial files go in argv[1..trials] of the shifted view */
    for (long t = 1; t <= r->trials; t++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/trials/%ld-%ld.csv", r->dir, id, t);
        if (access(p, F_OK) != 0)
            die(EXIT_RUNTIME, "set %ld is incomplete: %s is missing", id, p);
        argv[t] = xstrdup(p);
    }
    argv[r->trials + 1] = NULL;
    argv -= 2;
    char *out = run_capture(argv);
    for (long t = 1; t <= r->trials; t++) free(argv[t + 2]);
    free(argv);
    free(tool);
    RdTable agg;
    table_parse(&agg, out, "trial-aggregate output");
    free(out);
    if (agg.nrows != 1) die(EXIT_RUNTIME, "trial-aggregate gave %d rows for set %ld, expected 1", agg.nrows, id);
    char **row = xmalloc((size_t)(1 + r->nhp + HIST_NSTATS) * sizeof *row);
    char sid[32];
    snprintf(sid, sizeof sid, "%ld", id);
    row[0] = sid;
    for (int j = 0; j < r->nhp; j++) row[1 + j] = r->pend.rows[pi][1 + j];
    for (int k = 0; k < HIST_NSTATS; k++) {
        int c = rd_col(&agg, hist_col(k));
        if (c < 0) die(EXIT_RUNTIME, "trial-aggregate output lacks column '%s'", hist_col(k));
        row[1 + r->nhp + k] = agg.rows[0][c];
    }
    rd_add(&r->hist, row);
    free(row);
    rd_free(&agg);
    /* history first: a kill after this rename leaves the set pending, repaired next time. */
    rd_save(&r->hist);
    rd_del(&r->pend, rd_find_id(&r->pend, id));
    rd_save(&r->pend);
    unclaim(r, id);

    progress_line(r);
    return EXIT_OK;
}

/* Append a given set (values in space order) to proposals and pending, unclaimed. */
static int do_add(Run *r, const char *values)
{
    int changed = run_repair(r);
    char **v = NULL;
    int nv = split_list("--add", values, &v);
    if (nv != r->nhp) die(EXIT_USAGE, "--add: %d values given, the space has %d", nv, r->nhp);
    if (r->prop.nrows >= r->budget) {
        if (changed) rd_save(&r->pend);
        free(v[0]);
        free(v);
        warnx("budget of %ld sets reached", r->budget);
        return EXIT_BUDGET;
    }
    long next = r->prop.nrows ? strtol(r->prop.rows[r->prop.nrows - 1][0], NULL, 10) + 1 : 1;
    char sid[32], stamp[32];
    snprintf(sid, sizeof sid, "%ld", next);
    snprintf(stamp, sizeof stamp, "%ld", (long)time(NULL));
    char **row = xmalloc((size_t)(r->nhp + 2) * sizeof *row);
    row[0] = sid;
    for (int j = 0; j < r->nhp; j++) {
        double x;
        long k;
        if (csv_parse_double(v[j], &x) != 0) die(EXIT_USAGE, "--add: '%s' is not a number", v[j]);
        /* refused before anything is written: an off-lattice set in pending.csv would make
         * every later step of the run fail */
        if (space_lattice(r->sp, j, x, &k) != 0)
            die(EXIT_USAGE, "--add: %s=%s is off the lattice (k*%s, k in [%ld,%ld])", r->hp[j], v[j],
                r->sp->scale_text[j], r->sp->lo[j], r->sp->hi[j]);
        row[1 + j] = v[j];
    }
    row[1 + r->nhp] = stamp;
    rd_add(&r->prop, row);
    rd_add(&r->pend, row);
    rd_save(&r->prop);
    rd_save(&r->pend);
    printf("%ld\n", next);
    free(row);
    free(v[0]);
    free(v);
    return EXIT_OK;
}

static int do_status(Run *r)
{
    if (run_repair(r)) rd_save(&r->pend);
    /* failed: finished sets with no result (every trial failed), for the workflow's warning */
    int failed = 0;
    for (int i = 0; i < r->hist.nrows; i++) {
        HistRow h;
        hist_row(&r->hist, i, &h);
        failed += !h.ok && !h.pruned;
    }
    printf("proposed,finished,pending,budget,failed\n%d,%d,%d,%ld,%d\n", r->prop.nrows, r->hist.nrows,
           r->pend.nrows, r->budget, failed);
    return r->hist.nrows >= r->budget && r->pend.nrows == 0 ? EXIT_OK : EXIT_BUDGET;
}

static void do_reset(Run *r)
{
    /* Claims of sets no longer pending are stale too; the directory is ours alone. */
    for (int i = 0; i < r->prop.nrows; i++) unclaim(r, strtol(r->prop.rows[i][0], NULL, 10));
}

/* The read-only modes: run.conf, space.csv and history.csv as last committed (each file is
 * replaced by a rename, so a read sees it whole), no lock. */
static int load_pick(Run *r, BestPick *p)
{
    r->sp = rundir_space(r->dir);
    r->nhp = r->sp->d;
    r->hp = r->sp->name;
    rd_load(&r->hist, r->dir, RD_HISTORY, r->sp);
    /* none yet is exit 3 without a message, like --status: an answer, not an error */
    best_pick(&r->hist, r->sp, r->conf, p, NULL);
    return p->row;
}

static int load_best(Run *r)
{
    BestPick p;
    return load_pick(r, &p);
}

/* Both picks and the rule that made the recommendation (hpo-report shows the same). */
static int do_picks(Run *r)
{
    BestPick p;
    if (load_pick(r, &p) < 0) return EXIT_BUDGET;
    HistRow a, b;
    hist_row(&r->hist, p.row, &a);
    hist_row(&r->hist, p.observed, &b);
    double kappa = runconf_double_or(r->conf, "kappa", 0);
    printf("rule,id,value,objective,observed_id,observed_objective\n");
    printf("%s,%ld,%.10g,%.10g,%ld,%.10g\n", p.rule, a.id, p.value, hist_objective(&a, kappa), b.id,
           hist_objective(&b, kappa));
    return EXIT_OK;
}

/* The best set's W1 as a person reads it (numfmt_pm), then its failed trials when any. */
static int do_best_wd(Run *r)
{
    int b = load_best(r);
    if (b < 0) return EXIT_BUDGET;
    HistRow hr;
    hist_row(&r->hist, b, &hr);
    char wd[96];
    numfmt_pm(wd, sizeof wd, hr.mean, hr.sd);
    printf("%s", wd);
    if (hr.nfailed) printf(" (%ld of %ld trials failed)", hr.nfailed, hr.ntrials);
    printf("\n");
    return EXIT_OK;
}

/* The best set by run.conf's kappa: history's header and the set's row, plus its objective. */
static int do_best(Run *r)
{
    int b = load_best(r);
    if (b < 0) return EXIT_BUDGET;
    const RdTable *h = &r->hist;
    HistRow hr;
    hist_row(h, b, &hr);
    for (int j = 0; j < h->ncols; j++) printf("%s,", h->names[j]);
    printf("objective\n");
    for (int j = 0; j < h->ncols; j++) printf("%s,", h->rows[b][j]);
    printf("%.10g\n", hist_objective(&hr, runconf_double_or(r->conf, "kappa", 0)));
    return EXIT_OK;
}

/* The focus space around the best set p: per hyperparameter the lattice levels within
 * [p - eps, p + eps], intersected with the run's space (1e-9 of a level absorbs rounding of
 * p / scaling). EPS is name=value,...; a hyperparameter not named keeps eps 0. */
static int do_focus_space(Run *r, const char *epsarg)
{
    int b = load_best(r);
    if (b < 0) return EXIT_BUDGET;
    double *eps = xcalloc((size_t)r->nhp, sizeof *eps);
    char **v = NULL;
    int nv = epsarg[0] ? split_list("--focus-space", epsarg, &v) : 0;
    for (int i = 0; i < nv; i++) {
        char *eq = strchr(v[i], '=');
        if (!eq) die(EXIT_USAGE, "--focus-space: '%s' is not NAME=EPS", v[i]);
        *eq = '\0';
        int j = 0;
        while (j < r->nhp && strcmp(r->hp[j], v[i]) != 0) j++;
        if (j == r->nhp) die(EXIT_USAGE, "--focus-space: '%s' is not a hyperparameter of %s/space.csv", v[i], r->dir);
        eps[j] = parse_double("--focus-space", eq + 1, 0, INFINITY);
    }
    if (nv) { free(v[0]); free(v); }
    int lg = space_has_log(r->sp);   /* the axis column only where a space has one */
    printf("name,lower,upper,scaling%s\n", lg ? ",axis" : "");
    for (int j = 0; j < r->nhp; j++) {
        double p;
        const char *ps = r->hist.rows[b][rd_col(&r->hist, r->hp[j])];
        if (csv_parse_double(ps, &p) != 0) rd_fail(&r->hist, b, "%s '%s' is not a number", r->hp[j], ps);
        double s = r->sp->scale[j];
        double lo = ceil((p - eps[j]) / s - 1e-9), hi = floor((p + eps[j]) / s + 1e-9);
        if (lo < (double)r->sp->lo[j]) lo = (double)r->sp->lo[j];
        if (hi > (double)r->sp->hi[j]) hi = (double)r->sp->hi[j];
        printf("%s,%.0f,%.0f,%s%s\n", r->hp[j], lo, hi, r->sp->scale_text[j],
               lg ? (r->sp->logax[j] ? ",log" : ",linear") : "");
    }
    free(eps);
    return EXIT_OK;
}

/* The value of a rung report file (one number), NAN when it holds none. */
static double read_report(const char *path)
{
    char buf[128];
    first_line(path, buf, sizeof buf);
    double v;
    return csv_parse_double(buf, &v) == 0 ? v : NAN;
}

/* Trial TRIAL of set ID after epoch EPOCH (a rung) with best W1 so far WD: report it in
 * rungs/ID-TRIAL-EPOCH, then answer "continue" or "prune" for the whole set. The set is judged
 * once all of its trials have reported at this rung or ended before it (their record exists):
 * until then this waits, polling, without holding the lock. The decision is made under the
 * lock from what rungs.csv and history.csv hold at that moment (prune.h's rule: no waiting for
 * other sets), appended to rungs.csv with its inputs, and read back by every later ask (the
 * set's other trials, a resumed run, make trial): it is never made twice. */
static int do_rung(Run *r, const char *idtrial, const char *sepoch, const char *swd)
{
    char **v = NULL;
    if (split_list("--rung", idtrial, &v) != 2) die(EXIT_USAGE, "--rung: expected ID,TRIAL");
    long id = parse_long("--rung", v[0], 1, 1000000000), trial = parse_long("--rung", v[1], 1, 100000);
    free(v[0]);
    free(v);
    long epoch = parse_long("--rung epoch", sepoch, 1, 1L << 30);
    double wd;
    if (csv_parse_double(swd, &wd) != 0) die(EXIT_USAGE, "--rung: '%s' is not a number", swd);
    run_load_conf(r);
    PruneConf pc;
    prune_conf_load(r->conf, &pc);
    if (!pc.on) die(EXIT_RUNTIME, "%s/run.conf: pruning is off (prune=%s)", r->dir,
                    runconf_get(r->conf, "prune") ? runconf_get(r->conf, "prune") : "");
    if (!prune_is_rung(&pc, epoch)) die(EXIT_USAGE, "--rung: epoch %ld is not a rung of %s", epoch, r->dir);
    if (trial > r->trials) die(EXIT_USAGE, "--rung: trial %ld of %ld", trial, r->trials);

    char *rd = path_join(r->dir, "rungs");
    if (mkdir(rd, 0755) != 0 && errno != EEXIST) die(EXIT_RUNTIME, "%s: %s", rd, strerror(errno));
    free(rd);
    char *mine = rd_rung_report_path(r->dir, id, trial, epoch);
    AtomicOut *o = aout_open(mine);
    aout_printf(o, "%s\n", swd);   /* verbatim: a rerun reports the same bytes */
    aout_commit(o);
    free(mine);

    double *vals = xmalloc((size_t)r->trials * sizeof *vals);
    for (useconds_t nap = 20000;; nap = nap < 500000 ? nap * 2 : nap) {
        int fd = lock_run(r->dir);
        RdTable rt;
        rd_load_rungs(&rt, r->dir);
        int i = rd_find_rung(&rt, id, epoch);
        if (i < 0) {
            int waiting = 0;
            for (long t = 1; t <= r->trials && !waiting; t++) {
                char *p = rd_rung_report_path(r->dir, id, t, epoch), rec[4096];
                snprintf(rec, sizeof rec, "%s/trials/%ld-%ld.csv", r->dir, id, t);
                if (file_exists(p)) vals[t - 1] = read_report(p);
                else if (file_exists(rec)) vals[t - 1] = NAN;   /* ended before the rung */
                else waiting = 1;
                free(p);
            }
            if (waiting) {
                rd_free(&rt);
                close(fd);
                usleep(nap);
                continue;
            }
            double *others = xmalloc(((size_t)rt.nrows + 1) * sizeof *others);
            int no = 0;
            for (int k = 0; k < rt.nrows; k++)
                if (strtol(rt.rows[k][RUNG_EPOCH], NULL, 10) == epoch) {
                    double m;
                    others[no++] = csv_parse_double(rt.rows[k][RUNG_MEAN], &m) == 0 ? m : NAN;
                }
            r->sp = rundir_space(r->dir);
            rd_load(&r->hist, r->dir, RD_HISTORY, r->sp);
            double kappa = runconf_double_or(r->conf, "kappa", 0), best = INFINITY;
            int b = best_set(&r->hist, kappa);
            if (b >= 0) {
                HistRow hr;
                hist_row(&r->hist, b, &hr);
                best = hist_objective(&hr, kappa);
            }
            PruneDecision d;
            prune_decide(&pc, vals, (int)r->trials, others, no, best, &d);
            free(others);
            char c[RUNG_NCOLS][64], *row[RUNG_NCOLS];
            snprintf(c[RUNG_ID], 64, "%ld", id);
            snprintf(c[RUNG_EPOCH], 64, "%ld", epoch);
            char *vs = xmalloc((size_t)r->trials * 32 + 1);
            vs[0] = '\0';
            for (long t = 0; t < r->trials; t++)
                snprintf(vs + strlen(vs), 32, "%s%.9g", t ? ";" : "", vals[t]);
            snprintf(c[RUNG_MEAN], 64, "%.9g", d.mean);
            snprintf(c[RUNG_SD], 64, "%.9g", d.sd);
            snprintf(c[RUNG_LCB], 64, "%.9g", d.lcb);
            snprintf(c[RUNG_NSETS], 64, "%ld", d.n_sets);
            snprintf(c[RUNG_THRESHOLD], 64, "%.9g", d.threshold);
            snprintf(c[RUNG_BEST], 64, "%.9g", best);
            snprintf(c[RUNG_DECISION], 64, "%s", d.keep ? "continue" : "prune");
            for (int k = 0; k < RUNG_NCOLS; k++) row[k] = c[k];
            row[RUNG_VALUES] = vs;
            rd_add(&rt, row);
            free(vs);
            rd_save(&rt);
            i = rt.nrows - 1;
        }
        const char *const *rc = (const char *const *)rt.rows[i];
        fprintf(stderr, "%s: set %ld at epoch %ld: mean %s (lcb %s) against %s, the cut of %s sets "
                "(best finished %s): %s\n", progname(), id, epoch, rc[RUNG_MEAN], rc[RUNG_LCB],
                rc[RUNG_THRESHOLD], rc[RUNG_NSETS], rc[RUNG_BEST], rc[RUNG_DECISION]);
        printf("%s\n", rc[RUNG_DECISION]);
        rd_free(&rt);
        close(fd);
        break;
    }
    free(vals);
    return EXIT_OK;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hpo-step RUNDIR [--n K] [--per-set]\n"
            "       hpo-step RUNDIR --finish ID\n"
            "       hpo-step RUNDIR --add V1,V2,...\n"
            "       hpo-step RUNDIR --status | --reset-claims | --seed ID,TRIAL\n"
            "       hpo-step RUNDIR --best | --best-wd | --picks | --focus-space NAME=EPS,... | --conf\n"
            "       hpo-step RUNDIR --rung ID,TRIAL EPOCH WD | --rungs\n"
            "One step of the asynchronous HPO loop on a run directory, under a lock on RUNDIR/lock.\n"
            "  (default)        issue up to K sets (default 1): unclaimed pending sets first, then\n"
            "                   new ones from surrogate-propose; prints id,trial,seed,<hps> per trial\n"
            "                   (--per-set: id,<hps>,seed_1..seed_T per set); exit 3 when the\n"
            "                   budget is spent and nothing is left to issue\n"
            "  --finish ID      aggregate trials/ID-*.csv into history.csv, drop ID from pending,\n"
            "                   print a progress line\n"
            "  --add VALUES     append a given set (space order) to proposals and pending\n"
            "  --status         print proposed,finished,pending,budget,failed (failed: finished sets\n"
            "                   whose every trial failed; exit 0 when all done, else 3)\n"
            "  --reset-claims   forget which sets are being worked on (start of a resumed run)\n"
            "  --seed ID,TRIAL  print the seed of trial TRIAL of set ID\n"
            "  --best           print history's header and the recommended set's row with\n"
            "                   ,objective (wd_mean + kappa*wd_std); the set, status ok, whose\n"
            "                   value under the GP fitted with pooled noise is lowest\n"
            "                   (run.conf recommend=observed, or fewer than d+2 sets: the lowest\n"
            "                   objective; ties: lowest id); exit 3 when no set has finished ok\n"
            "  --picks          print rule,id,value,objective,observed_id,observed_objective:\n"
            "                   the recommended set, the rule that chose it, its smoothed value,\n"
            "                   and the set of the lowest observed objective (exit 3: none)\n"
            "  --best-wd        print the best set's W1 for reading: mean ± sd, the sd to two\n"
            "                   significant digits, the mean to its decimal place (exit 3: none)\n"
            "  --focus-space E  print the space [best - eps, best + eps] on the run's lattice,\n"
            "                   E = name=eps,... (unnamed: eps 0)\n"
            "  --conf           check run.conf and print its key=value lines\n"
            "  --rung ID,TRIAL EPOCH WD  trial TRIAL of set ID reached rung EPOCH with best W1\n"
            "                   WD: wait for the set's other trials, print continue or prune\n"
            "                   (the decision, once made, is in rungs.csv and read back)\n"
            "  --rungs          print the run's rung epochs (2,7; nothing when pruning is off)\n");
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    enum { O_FINISH = 256, O_ADD, O_STATUS, O_RESET, O_SEED, O_PERSET, O_BEST, O_FOCUS, O_CONF,
           O_RUNG, O_RUNGS, O_BEST_WD, O_PICKS };
    static const struct option opts[] = {
        {"n", required_argument, 0, 'n'},
        {"finish", required_argument, 0, O_FINISH},
        {"add", required_argument, 0, O_ADD},
        {"status", no_argument, 0, O_STATUS},
        {"reset-claims", no_argument, 0, O_RESET},
        {"seed", required_argument, 0, O_SEED},
        {"per-set", no_argument, 0, O_PERSET},
        {"best", no_argument, 0, O_BEST},
        {"best-wd", no_argument, 0, O_BEST_WD},
        {"picks", no_argument, 0, O_PICKS},
        {"focus-space", required_argument, 0, O_FOCUS},
        {"conf", no_argument, 0, O_CONF},
        {"rung", required_argument, 0, O_RUNG},
        {"rungs", no_argument, 0, O_RUNGS},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long n = 1, finish = 0;
    int mode = 0, per_trial = 1;
    const char *add = NULL, *seedarg = NULL, *epsarg = NULL, *rungarg = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n = parse_long("--n", optarg, 1, 100000); break;
        case O_FINISH: finish = parse_long("--finish", optarg, 1, 1000000000); mode = c; break;
        case O_ADD: add = optarg; mode = c; break;
        case O_STATUS: case O_RESET: case O_BEST: case O_BEST_WD: case O_PICKS: case O_CONF: case O_RUNGS: mode = c; break;
        case O_FOCUS: epsarg = optarg; mode = c; break;
        case O_SEED: seedarg = optarg; mode = c; break;
        case O_RUNG: rungarg = optarg; mode = c; break;
        case O_PERSET: per_trial = 0; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'hpo-step --help'");
        }
    }
    /* --rung takes the epoch and the value after RUNDIR: gan-train appends them */
    if (optind != argc - 1 - (mode == O_RUNG ? 2 : 0)) {
        fprintf(stderr, mode == O_RUNG ? "%s: expected RUNDIR EPOCH WD (try --help)\n"
                                       : "%s: expected one run directory (try --help)\n", progname());
        return EXIT_USAGE;
    }
    Run r;
    memset(&r, 0, sizeof r);
    r.dir = argv[optind];
    struct stat st;
    if (stat(r.dir, &st) != 0 || !S_ISDIR(st.st_mode))
        die(EXIT_RUNTIME, "%s: not a run directory", r.dir);
    if (mode == O_RUNG) {
        int rc = do_rung(&r, rungarg, argv[optind + 1], argv[optind + 2]);
        check_stdout();
        run_free(&r);
        return rc;
    }
    if (mode == O_RUNGS) {
        r.conf = runconf_load(r.dir);
        PruneConf pc;
        prune_conf_load(r.conf, &pc);
        for (int i = 0; pc.on && i < pc.nrungs; i++) printf("%s%ld", i ? "," : "", pc.rung[i]);
        printf("\n");
        check_stdout();
        run_free(&r);
        return EXIT_OK;
    }
    if (mode == O_SEED) {
        char **v = NULL;
        if (split_list("--seed", seedarg, &v) != 2) die(EXIT_USAGE, "--seed: expected ID,TRIAL");
        long id = parse_long("--seed", v[0], 1, 1000000000), t = parse_long("--seed", v[1], 1, 100000);
        r.conf = runconf_load(r.dir);
        printf("%llu\n", (unsigned long long)trial_seed(runconf_u64(r.conf, "seed"), id, t));
        check_stdout();
        free(v[0]), free(v);
        run_free(&r);
        return EXIT_OK;
    }
    if (mode == O_BEST || mode == O_BEST_WD || mode == O_PICKS || mode == O_FOCUS || mode == O_CONF) {
        r.conf = runconf_load(r.dir);
        int rc = EXIT_OK;
        if (mode == O_BEST) rc = do_best(&r);
        else if (mode == O_BEST_WD) rc = do_best_wd(&r);
        else if (mode == O_PICKS) rc = do_picks(&r);
        else if (mode == O_FOCUS) rc = do_focus_space(&r, epsarg);
        else runconf_print(r.conf, stdout);
        check_stdout();
        run_free(&r);
        return rc;
    }
    lock_run(r.dir);
    run_load(&r);
    int rc = EXIT_OK;
    switch (mode) {
    case O_FINISH: rc = do_finish(&r, finish); break;
    case O_ADD: rc = do_add(&r, add); break;
    case O_STATUS: rc = do_status(&r); break;
    case O_RESET:
        if (run_repair(&r)) rd_save(&r.pend);
        do_reset(&r);
        break;
    default: rc = do_propose(&r, n, per_trial); break;
    }
    check_stdout();
    run_free(&r);
    return rc;
}
