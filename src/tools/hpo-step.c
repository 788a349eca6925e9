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
#include "base/proc.h"
#include "base/rng.h"
#include "base/util.h"

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

/* A small CSV held as strings: values are copied verbatim so hyperparameters round-trip. */
typedef struct {
    int ncols;
    char **names;
    int nrows, cap;
    char ***rows;
} Table;

static void table_init(Table *t, int ncols, char **names)
{
    memset(t, 0, sizeof *t);
    t->ncols = ncols;
    t->names = xmalloc((size_t)ncols * sizeof *t->names);
    for (int j = 0; j < ncols; j++) t->names[j] = xstrdup(names[j]);
}

static void table_add(Table *t, char **row)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->rows = xrealloc(t->rows, (size_t)t->cap * sizeof *t->rows);
    }
    char **r = xmalloc((size_t)t->ncols * sizeof *r);
    for (int j = 0; j < t->ncols; j++) r[j] = xstrdup(row[j]);
    t->rows[t->nrows++] = r;
}

static void table_del(Table *t, int i)
{
    for (int j = 0; j < t->ncols; j++) free(t->rows[i][j]);
    free(t->rows[i]);
    memmove(t->rows + i, t->rows + i + 1, (size_t)(t->nrows - i - 1) * sizeof *t->rows);
    t->nrows--;
}

static void table_free(Table *t)
{
    while (t->nrows) table_del(t, t->nrows - 1);
    for (int j = 0; j < t->ncols; j++) free(t->names[j]);
    free(t->names);
    free(t->rows);
}

static int table_col(const Table *t, const char *name)
{
    for (int j = 0; j < t->ncols; j++)
        if (strcmp(t->names[j], name) == 0) return j;
    return -1;
}

/* Load a whole file; a missing file is an empty table with the expected header. The header
 * must be exactly `want` (these files are ours: anything else is a corrupt run directory). */
static void table_load(Table *t, const char *path, int nwant, char **want)
{
    table_init(t, nwant, want);
    if (access(path, F_OK) != 0) return;
    CsvReader *r = csv_open(path);
    if (csv_ncols(r) != nwant)
        csv_fail(r, "expected %d columns, found %d", nwant, csv_ncols(r));
    for (int j = 0; j < nwant; j++)
        if (strcmp(csv_name(r, j), want[j]) != 0)
            csv_fail(r, "column %d is '%s', expected '%s'", j + 1, csv_name(r, j), want[j]);
    char **row = xmalloc((size_t)nwant * sizeof *row);
    while (csv_next(r)) {
        for (int j = 0; j < nwant; j++) row[j] = (char *)csv_str(r, j);
        table_add(t, row);
    }
    free(row);
    csv_close(r);
}

static void table_save(const Table *t, const char *path)
{
    AtomicOut *o = aout_open(path);
    for (int j = 0; j < t->ncols; j++) aout_printf(o, "%s%s", j ? "," : "", t->names[j]);
    aout_printf(o, "\n");
    for (int i = 0; i < t->nrows; i++) {
        for (int j = 0; j < t->ncols; j++) aout_printf(o, "%s%s", j ? "," : "", t->rows[i][j]);
        aout_printf(o, "\n");
    }
    aout_commit(o);
}

/* Row index whose first column (the id) equals id, or -1. */
static int table_find_id(const Table *t, long id)
{
    for (int i = 0; i < t->nrows; i++)
        if (strtol(t->rows[i][0], NULL, 10) == id) return i;
    return -1;
}

/* run.conf: key=value lines, '#' comments. */
typedef struct {
    int n;
    char *key[64], *val[64];
} Conf;

static void conf_load(Conf *c, const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die(EXIT_RUNTIME, "%s: %s", path, strerror(errno));
    char line[4096];
    long ln = 0;
    c->n = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        char *eq = strchr(line, '=');
        if (!eq || eq == line) die(EXIT_RUNTIME, "%s:%ld: expected key=value", path, ln);
        if (c->n == 64) die(EXIT_RUNTIME, "%s:%ld: too many keys", path, ln);
        *eq = '\0';
        c->key[c->n] = xstrdup(line);
        c->val[c->n++] = xstrdup(eq + 1);
    }
    fclose(f);
}

static const char *conf_get(const Conf *c, const char *key, const char *dflt)
{
    for (int i = c->n - 1; i >= 0; i--)   /* the last assignment wins, as in the shell */
        if (strcmp(c->key[i], key) == 0) return c->val[i];
    if (!dflt) die(EXIT_RUNTIME, "run.conf: missing key '%s'", key);
    return dflt;
}

static long conf_long(const Conf *c, const char *key, const char *dflt, long lo, long hi)
{
    char opt[80];
    snprintf(opt, sizeof opt, "run.conf %s", key);
    return parse_long(opt, conf_get(c, key, dflt), lo, hi);
}

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



/* Split CSV text (no quoting: our tools never quote) into a Table. */
static void table_parse(Table *t, char *text, const char *what)
{
    char *save = NULL, *line = strtok_r(text, "\n", &save);
    if (!line) die(EXIT_RUNTIME, "%s: empty output", what);
    char **f = NULL;
    int nf = split_list(what, line, &f);
    table_init(t, nf, f);
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
        table_add(t, row);
        free(row);
    }
}

typedef struct {
    const char *dir;
    char path[4096];
    int nhp;
    char **hp;          /* hyperparameter names in space.csv order */
    Conf conf;
    uint64_t seed;
    long trials, budget;
    Table prop, pend, hist;
} Run;

static const char *rpath(Run *r, const char *name)
{
    snprintf(r->path, sizeof r->path, "%s/%s", r->dir, name);
    return r->path;
}

static char **names_with(int nhp, char **hp, const char *first, int nextra, const char **extra)
{
    char **n = xmalloc((size_t)(1 + nhp + nextra) * sizeof *n);
    int k = 0;
    if (first) n[k++] = (char *)first;
    for (int j = 0; j < nhp; j++) n[k++] = hp[j];
    for (int j = 0; j < nextra; j++) n[k++] = (char *)extra[j];
    return n;
}

static const char *HIST_EXTRA[] = {"wd_mean", "wd_std", "n_trials", "n_failed", "status"};
static const char *PROP_EXTRA[] = {"proposed_at"};

static void run_load(Run *r)
{
    conf_load(&r->conf, rpath(r, "run.conf"));
    r->seed = parse_u64("run.conf seed", conf_get(&r->conf, "seed", NULL));
    r->trials = conf_long(&r->conf, "trials", NULL, 1, 100000);
    r->budget = conf_long(&r->conf, "budget", NULL, 0, 100000000);

    CsvReader *s = csv_open(rpath(r, "space.csv"));
    int cn = csv_require(s, "name");
    r->nhp = 0;
    r->hp = NULL;
    while (csv_next(s)) {
        r->hp = xrealloc(r->hp, (size_t)(r->nhp + 1) * sizeof *r->hp);
        r->hp[r->nhp++] = xstrdup(csv_str(s, cn));
    }
    if (r->nhp == 0) csv_fail(s, "no hyperparameters");
    csv_close(s);

    char **n = names_with(r->nhp, r->hp, "id", 1, PROP_EXTRA);
    table_load(&r->prop, rpath(r, "proposals.csv"), r->nhp + 2, n);
    table_load(&r->pend, rpath(r, "pending.csv"), r->nhp + 1, n);
    free(n);
    n = names_with(r->nhp, r->hp, "id", 5, HIST_EXTRA);
    table_load(&r->hist, rpath(r, "history.csv"), r->nhp + 6, n);
    free(n);
}

/* Repair what a kill between two renames can leave: a proposal neither pending nor finished
 * becomes pending again; a set both finished and pending is dropped from pending. Returns
 * whether pending changed. */
static int run_repair(Run *r)
{
    int changed = 0;
    for (int i = r->pend.nrows - 1; i >= 0; i--)
        if (table_find_id(&r->hist, strtol(r->pend.rows[i][0], NULL, 10)) >= 0) {
            table_del(&r->pend, i);
            changed = 1;
        }
    for (int i = 0; i < r->prop.nrows; i++) {
        long id = strtol(r->prop.rows[i][0], NULL, 10);
        if (table_find_id(&r->pend, id) < 0 && table_find_id(&r->hist, id) < 0) {
            table_add(&r->pend, r->prop.rows[i]);   /* the extra proposed_at column is dropped */
            changed = 1;
        }
    }
    return changed;
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

static void print_set(const Run *r, const Table *pend, int i, int per_trial)
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
        long ninit = conf_long(&r->conf, "n_init", "0", 0, 100000000);
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
        if (changed) { table_save(&r->pend, spath[2]); changed = 0; }
        if (r->hist.nrows) { argv[a++] = "--history"; argv[a++] = spath[1]; }
        if (r->pend.nrows) { argv[a++] = "--pending"; argv[a++] = spath[2]; }
        argv[a++] = "--method";  argv[a++] = (char *)conf_get(&r->conf, "method", "rbf");
        argv[a++] = "--n";       argv[a++] = sn;
        if (ninit > 0) { argv[a++] = "--n-init"; argv[a++] = sninit; }
        argv[a++] = "--seed";    argv[a++] = sseed;
        char sbudget[32];   /* the proposer's exploration schedule runs over the whole budget */
        snprintf(sbudget, sizeof sbudget, "%ld", r->budget);
        argv[a++] = "--budget";  argv[a++] = sbudget;
        const char *kappa = conf_get(&r->conf, "kappa", "");
        if (kappa[0]) { argv[a++] = "--kappa"; argv[a++] = (char *)kappa; }
        argv[a] = NULL;
        char *out = run_capture(argv);
        Table got;
        table_parse(&got, out, "surrogate-propose output");
        free(out);
        int *col = xmalloc((size_t)r->nhp * sizeof *col);
        for (int j = 0; j < r->nhp; j++)
            if ((col[j] = table_col(&got, r->hp[j])) < 0)
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
            table_add(&r->prop, row);
            table_add(&r->pend, row);
            issue[nissue++] = r->pend.nrows - 1;
        }
        free(row);
        free(col);
        table_free(&got);
        free(tool);
        /* proposals first: a kill after this rename is repaired into pending next time. */
        table_save(&r->prop, rpath(r, "proposals.csv"));
        changed = 1;
    }
    if (changed) table_save(&r->pend, rpath(r, "pending.csv"));
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

static double objective(const Run *r, int i, double kappa)
{
    const Table *h = &r->hist;
    if (strcmp(h->rows[i][r->nhp + 5], "ok") != 0) return INFINITY;
    double m, s = 0;
    if (csv_parse_double(h->rows[i][r->nhp + 1], &m) != 0) return INFINITY;
    if (kappa != 0 && csv_parse_double(h->rows[i][r->nhp + 2], &s) != 0) s = 0;
    return m + kappa * s;
}

static void fmt_dur(char *buf, size_t n, double s)
{
    if (!(s >= 0) || s > 1e8) { snprintf(buf, n, "?"); return; }
    long t = (long)(s + 0.5);
    if (t >= 3600) snprintf(buf, n, "%ldh%02ldm", t / 3600, t / 60 % 60);
    else if (t >= 60) snprintf(buf, n, "%ldm%02lds", t / 60, t % 60);
    else snprintf(buf, n, "%lds", t);
}

/* Aggregate set id's trial records into history and drop it from pending. Idempotent: a set
 * already in history is not added twice. */
static int do_finish(Run *r, long id)
{
    int changed = run_repair(r);
    if (table_find_id(&r->hist, id) >= 0) {
        if (changed) table_save(&r->pend, rpath(r, "pending.csv"));
        unclaim(r, id);
        warnx("set %ld is already in history.csv", id);
        return EXIT_OK;
    }
    int pi = table_find_id(&r->pend, id);
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
    Table agg;
    table_parse(&agg, out, "trial-aggregate output");
    free(out);
    if (agg.nrows != 1) die(EXIT_RUNTIME, "trial-aggregate gave %d rows for set %ld, expected 1", agg.nrows, id);
    char **row = xmalloc((size_t)(r->nhp + 6) * sizeof *row);
    char sid[32];
    snprintf(sid, sizeof sid, "%ld", id);
    row[0] = sid;
    for (int j = 0; j < r->nhp; j++) row[1 + j] = r->pend.rows[pi][1 + j];
    for (int k = 0; k < 5; k++) {
        int c = table_col(&agg, HIST_EXTRA[k]);
        if (c < 0) die(EXIT_RUNTIME, "trial-aggregate output lacks column '%s'", HIST_EXTRA[k]);
        row[1 + r->nhp + k] = agg.rows[0][c];
    }
    table_add(&r->hist, row);
    free(row);
    table_free(&agg);
    /* history first: a kill after this rename leaves the set pending, repaired next time. */
    table_save(&r->hist, rpath(r, "history.csv"));
    table_del(&r->pend, table_find_id(&r->pend, id));
    table_save(&r->pend, rpath(r, "pending.csv"));
    unclaim(r, id);

    /* The progress line. */
    double kappa = parse_double("run.conf kappa", conf_get(&r->conf, "kappa", "0"), 0, 1e6);
    int best = -1, last = r->hist.nrows - 1;
    for (int i = 0; i < r->hist.nrows; i++)
        if (isfinite(objective(r, i, kappa)) && (best < 0 || objective(r, i, kappa) < objective(r, best, kappa)))
            best = i;
    char **h = r->hist.rows[last];
    printf("set %s [", h[0]);
    for (int j = 0; j < r->nhp; j++) printf("%s%s=%s", j ? " " : "", r->hp[j], h[1 + j]);
    printf("] wd %s ± %s (%s trials, %s failed, %s)", h[r->nhp + 1], h[r->nhp + 2], h[r->nhp + 3],
           h[r->nhp + 4], h[r->nhp + 5]);
    if (best >= 0) printf(" | best %s ± %s (set %s)", r->hist.rows[best][r->nhp + 1],
                          r->hist.rows[best][r->nhp + 2], r->hist.rows[best][0]);
    else printf(" | best none yet");
    double started = parse_double("run.conf started", conf_get(&r->conf, "started", "0"), 0, 1e12);
    double el = started > 0 ? (double)time(NULL) - started : NAN;
    long done = r->hist.nrows;
    char e1[32], e2[32];
    fmt_dur(e1, sizeof e1, el);
    fmt_dur(e2, sizeof e2, done > 0 ? el / (double)done * (double)(r->budget - done) : NAN);
    printf(" | %ld/%ld done | elapsed %s | ETA %s\n", done, r->budget, e1, e2);
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
        if (changed) table_save(&r->pend, rpath(r, "pending.csv"));
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
        if (csv_parse_double(v[j], &x) != 0) die(EXIT_USAGE, "--add: '%s' is not a number", v[j]);
        row[1 + j] = v[j];
    }
    row[1 + r->nhp] = stamp;
    table_add(&r->prop, row);
    table_add(&r->pend, row);
    table_save(&r->prop, rpath(r, "proposals.csv"));
    table_save(&r->pend, rpath(r, "pending.csv"));
    printf("%ld\n", next);
    free(row);
    free(v[0]);
    free(v);
    return EXIT_OK;
}

static int do_status(Run *r)
{
    if (run_repair(r)) table_save(&r->pend, rpath(r, "pending.csv"));
    printf("proposed,finished,pending,budget\n%d,%d,%d,%ld\n", r->prop.nrows, r->hist.nrows,
           r->pend.nrows, r->budget);
    return r->hist.nrows >= r->budget && r->pend.nrows == 0 ? EXIT_OK : EXIT_BUDGET;
}

static void do_reset(Run *r)
{
    /* Claims of sets no longer pending are stale too; the directory is ours alone. */
    for (int i = 0; i < r->prop.nrows; i++) unclaim(r, strtol(r->prop.rows[i][0], NULL, 10));
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: hpo-step RUNDIR [--n K] [--per-set]\n"
            "       hpo-step RUNDIR --finish ID\n"
            "       hpo-step RUNDIR --add V1,V2,...\n"
            "       hpo-step RUNDIR --status | --reset-claims | --seed ID,TRIAL\n"
            "One step of the asynchronous HPO loop on a run directory, under a lock on RUNDIR/lock.\n"
            "  (default)        issue up to K sets (default 1): unclaimed pending sets first, then\n"
            "                   new ones from surrogate-propose; prints id,trial,seed,<hps> per trial\n"
            "                   (--per-set: id,<hps>,seed_1..seed_T per set); exit 3 when the\n"
            "                   budget is spent and nothing is left to issue\n"
            "  --finish ID      aggregate trials/ID-*.csv into history.csv, drop ID from pending,\n"
            "                   print a progress line\n"
            "  --add VALUES     append a given set (space order) to proposals and pending\n"
            "  --status         print proposed,finished,pending,budget (exit 0 when all done, else 3)\n"
            "  --reset-claims   forget which sets are being worked on (start of a resumed run)\n"
            "  --seed ID,TRIAL  print the seed of trial TRIAL of set ID\n");
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    enum { O_FINISH = 256, O_ADD, O_STATUS, O_RESET, O_SEED, O_PERSET };
    static const struct option opts[] = {
        {"n", required_argument, 0, 'n'},
        {"finish", required_argument, 0, O_FINISH},
        {"add", required_argument, 0, O_ADD},
        {"status", no_argument, 0, O_STATUS},
        {"reset-claims", no_argument, 0, O_RESET},
        {"seed", required_argument, 0, O_SEED},
        {"per-set", no_argument, 0, O_PERSET},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0},
    };
    long n = 1, finish = 0;
    int mode = 0, per_trial = 1;
    const char *add = NULL, *seedarg = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "n:h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': n = parse_long("--n", optarg, 1, 100000); break;
        case O_FINISH: finish = parse_long("--finish", optarg, 1, 1000000000); mode = c; break;
        case O_ADD: add = optarg; mode = c; break;
        case O_STATUS: case O_RESET: mode = c; break;
        case O_SEED: seedarg = optarg; mode = c; break;
        case O_PERSET: per_trial = 0; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "%s: expected one run directory (try --help)\n", progname());
        return EXIT_USAGE;
    }
    Run r;
    memset(&r, 0, sizeof r);
    r.dir = argv[optind];
    struct stat st;
    if (stat(r.dir, &st) != 0 || !S_ISDIR(st.st_mode))
        die(EXIT_RUNTIME, "%s: not a run directory", r.dir);
    if (mode == O_SEED) {
        char **v = NULL;
        if (split_list("--seed", seedarg, &v) != 2) die(EXIT_USAGE, "--seed: expected ID,TRIAL");
        long id = parse_long("--seed", v[0], 1, 1000000000), t = parse_long("--seed", v[1], 1, 100000);
        conf_load(&r.conf, rpath(&r, "run.conf"));
        printf("%llu\n", (unsigned long long)trial_seed(parse_u64("run.conf seed", conf_get(&r.conf, "seed", NULL)), id, t));
        check_stdout();
        return EXIT_OK;
    }
    lock_run(r.dir);
    run_load(&r);
    int rc = EXIT_OK;
    switch (mode) {
    case O_FINISH: rc = do_finish(&r, finish); break;
    case O_ADD: rc = do_add(&r, add); break;
    case O_STATUS: rc = do_status(&r); break;
    case O_RESET:
        if (run_repair(&r)) table_save(&r.pend, rpath(&r, "pending.csv"));
        do_reset(&r);
        break;
    default: rc = do_propose(&r, n, per_trial); break;
    }
    check_stdout();
    return rc;
}
