/* rundir.c — see rundir.h. */
#include "hpo/rundir.h"
#include "hpo/surrogate.h"
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- run.conf */

typedef enum { K_STR, K_LONG, K_REAL, K_U64 } KeyType;

/* Every key a run.conf may hold: what workflows/anp writes (init_run) and the programs read.
 * A new key is one line here; run.conf files with anything else are refused. */
static const struct {
    const char *key;
    KeyType type;
    double lo, hi;
} KEYS[] = {
    {"study", K_STR, 0, 0},          /* workflows/studies/NAME */
    {"phase", K_STR, 0, 0},          /* broad, focus or final */
    {"method", K_STR, 0, 0},         /* surrogate-propose --method */
    {"seed", K_U64, 0, 0},           /* study seed: trial and proposer seeds derive from it */
    {"trials", K_LONG, 1, 100000},   /* trials per set */
    {"epochs", K_LONG, 1, 1073741824.0},
    {"budget", K_LONG, 0, 100000000},
    {"n_init", K_LONG, 0, 100000000},
    {"kappa", K_REAL, 0, 1e6},       /* objective wd_mean + kappa * wd_std */
    {"slots", K_LONG, 1, 100000},    /* set slots of the driver */
    {"threads", K_LONG, 1, 1024},    /* gan-train --threads */
    {"train", K_STR, 0, 0},
    {"val", K_STR, 0, 0},
    {"data", K_STR, 0, 0},           /* DATA=: the one file train and val were split from */
    {"val_fraction", K_REAL, 1e-12, 1 - 1e-12},   /* its fraction for validation */
    {"split_seed", K_U64, 0, 0},     /* data-split --seed */
    {"out_cols", K_STR, 0, 0},
    {"cond_cols", K_STR, 0, 0},
    {"max_events", K_LONG, 1, 1099511627776.0},
    /* the data as the model sees it (gan-train --transform, --tail-cut, --tail-cols,
     * --scale-range; transform.h) and each column's unit for the report (COL=UNIT,...) */
    {"transform", K_STR, 0, 0},
    {"tail_cut", K_REAL, 1e-12, 1 - 1e-12},
    {"tail_cols", K_STR, 0, 0},
    {"scale_range", K_STR, 0, 0},
    {"units", K_STR, 0, 0},
    {"trainer", K_STR, 0, 0},        /* command words of the trainer */
    {"extra_args", K_STR, 0, 0},     /* more trainer words */
    {"started", K_REAL, 0, 1e12},    /* unix seconds the run was created */
    /* pruning at rungs (prune.h): none or asha; eta keeps the best 1/eta at a rung; rungs the
     * epochs (empty: the geometric default); min the sets a rung needs before it prunes; z the
     * trial-spread allowance of the lower bound mean - z*sd/sqrt(n) */
    {"prune", K_STR, 0, 0},
    {"prune_eta", K_REAL, 1.0001, 1000},
    {"prune_rungs", K_STR, 0, 0},
    {"prune_min", K_LONG, 1, 100000},
    {"prune_z", K_REAL, 0, 100},
    {"recommend", K_STR, 0, 0},      /* best_pick's rule: smoothed (default) or observed */
};
enum { NKEYS = sizeof KEYS / sizeof *KEYS };

static int key_index(const char *key)
{
    for (int k = 0; k < NKEYS; k++)
        if (strcmp(KEYS[k].key, key) == 0) return k;
    return -1;
}

static _Noreturn void conf_fail(const char *path, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static _Noreturn void conf_fail(const char *path, long line, const char *fmt, ...)
{
    char where[4200];
    snprintf(where, sizeof where, "%s:%ld", path, line);
    va_list ap;
    va_start(ap, fmt);
    vdie_at(EXIT_RUNTIME, where, fmt, ap);
}

/* Whether v is a valid value of key k; a non-empty message otherwise. */
static int value_ok(int k, const char *v, char *why, size_t n)
{
    char *end;
    errno = 0;
    switch (KEYS[k].type) {
    case K_STR: return 1;
    case K_LONG: {
        long x = strtol(v, &end, 10);
        if (*end || end == v || errno || x < KEYS[k].lo || x > KEYS[k].hi) {
            snprintf(why, n, "'%s' is not an integer in [%.0f, %.0f]", v, KEYS[k].lo, KEYS[k].hi);
            return 0;
        }
        return 1;
    }
    case K_REAL: {
        double x = strtod(v, &end);
        if (*end || end == v || !isfinite(x) || x < KEYS[k].lo || x > KEYS[k].hi) {
            snprintf(why, n, "'%s' is not a number in [%g, %g]", v, KEYS[k].lo, KEYS[k].hi);
            return 0;
        }
        return 1;
    }
    case K_U64:
        strtoull(v, &end, 10);
        if (*end || end == v || errno || v[0] == '-' || v[0] == '+' || v[0] == ' ') {
            snprintf(why, n, "'%s' is not an integer in [0, 2^64)", v);
            return 0;
        }
        return 1;
    }
    return 0;
}

RunConf *runconf_read(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) die(EXIT_RUNTIME, "%s: cannot open: %s", path, strerror(errno));
    RunConf *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    char *line = NULL;
    size_t cap = 0;
    long ln = 0;
    int ncap = 0;
    while (getline(&line, &cap, f) >= 0) {
        ln++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') continue;
        char *eq = strchr(line, '=');
        if (!eq || eq == line) conf_fail(path, ln, "expected key=value");
        *eq = '\0';
        int k = key_index(line);
        if (k < 0) conf_fail(path, ln, "unknown key '%s'", line);
        for (int i = 0; i < c->n; i++)
            if (strcmp(c->key[i], line) == 0)
                conf_fail(path, ln, "duplicate key '%s' (first on line %ld)", line, c->line[i]);
        char why[160];
        if (eq[1] && !value_ok(k, eq + 1, why, sizeof why)) conf_fail(path, ln, "%s: %s", line, why);
        if (c->n == ncap) {
            ncap = ncap ? 2 * ncap : 32;
            c->key = xrealloc(c->key, (size_t)ncap * sizeof *c->key);
            c->val = xrealloc(c->val, (size_t)ncap * sizeof *c->val);
            c->line = xrealloc(c->line, (size_t)ncap * sizeof *c->line);
        }
        c->key[c->n] = xstrdup(line);
        c->val[c->n] = xstrdup(eq + 1);
        c->line[c->n++] = ln;
    }
    if (ferror(f)) die(EXIT_RUNTIME, "%s: read error: %s", path, strerror(errno));
    free(line);
    fclose(f);
    return c;
}

RunConf *runconf_load(const char *dir)
{
    char *p = path_join(dir, "run.conf");
    RunConf *c = runconf_read(p);
    free(p);
    return c;
}

void runconf_free(RunConf *c)
{
    if (!c) return;
    for (int i = 0; i < c->n; i++) { free(c->key[i]); free(c->val[i]); }
    free(c->key); free(c->val); free(c->line); free(c->path);
    free(c);
}

const char *runconf_get(const RunConf *c, const char *key)
{
    if (key_index(key) < 0) die(EXIT_RUNTIME, "run.conf key '%s' is not in rundir.c's table", key);
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->key[i], key) == 0) return c->val[i][0] ? c->val[i] : NULL;
    return NULL;
}

const char *runconf_need(const RunConf *c, const char *key)
{
    const char *v = runconf_get(c, key);
    if (!v) die(EXIT_RUNTIME, "%s: missing key '%s'", c->path, key);
    return v;
}

/* The values were checked against the table when read: these only convert. */
long runconf_long(const RunConf *c, const char *key) { return strtol(runconf_need(c, key), NULL, 10); }

long runconf_long_or(const RunConf *c, const char *key, long dflt)
{
    const char *v = runconf_get(c, key);
    return v ? strtol(v, NULL, 10) : dflt;
}

int runconf_pair(const RunConf *c, const char *key, const char *name, char *buf, size_t n)
{
    const char *v = runconf_get(c, key);
    size_t nl = strlen(name);
    if (n) buf[0] = 0;
    for (const char *p = v; p && *p;) {
        const char *end = strchr(p, ','), *eq = memchr(p, '=', end ? (size_t)(end - p) : strlen(p));
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (eq && (size_t)(eq - p) == nl && strncmp(p, name, nl) == 0) {
            size_t k = len - nl - 1;
            if (n) {
                if (k >= n) k = n - 1;
                memcpy(buf, eq + 1, k);
                buf[k] = 0;
            }
            return 1;
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

double runconf_double_or(const RunConf *c, const char *key, double dflt)
{
    const char *v = runconf_get(c, key);
    return v ? strtod(v, NULL) : dflt;
}

uint64_t runconf_u64(const RunConf *c, const char *key)
{
    return strtoull(runconf_need(c, key), NULL, 10);
}

void runconf_print(const RunConf *c, FILE *f)
{
    for (int i = 0; i < c->n; i++) fprintf(f, "%s=%s\n", c->key[i], c->val[i]);
}

/* ---------------------------------------------------------------- space.csv */

Space *rundir_space(const char *dir)
{
    char *p = path_join(dir, "space.csv");
    Space *s = space_read(p);
    free(p);
    return s;
}

/* ---------------------------------------------------------------- bookkeeping files */

static const char *const PROP_EXTRA[] = {"proposed_at", NULL};
static const char *const PEND_EXTRA[] = {NULL};
static const char *const HIST_EXTRA[] = {"wd_mean", "wd_std", "n_trials", "n_failed", "status",
                                         "pruned_at", NULL};
/* Columns a schema gained later, with the value rows of older files read for them. */
static const char *optional_default(const char *col)
{
    return strcmp(col, "pruned_at") == 0 ? "0" : NULL;
}

const char *const *rd_extra_cols(RdKind kind)
{
    return kind == RD_PROPOSALS ? PROP_EXTRA : kind == RD_PENDING ? PEND_EXTRA : HIST_EXTRA;
}

const char *hist_col(int k) { return HIST_EXTRA[k]; }

static const char *rd_file(RdKind kind)
{
    return kind == RD_PROPOSALS ? "proposals.csv" : kind == RD_PENDING ? "pending.csv" : "history.csv";
}

void rd_init(RdTable *t, const char *path, int ncols, char *const *names)
{
    memset(t, 0, sizeof *t);
    t->path = xstrdup(path);
    t->ncols = ncols;
    t->names = xmalloc((size_t)ncols * sizeof *t->names);
    for (int j = 0; j < ncols; j++) t->names[j] = xstrdup(names[j]);
}

static void rd_add_at(RdTable *t, char *const *row, long line)
{
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->rows = xrealloc(t->rows, (size_t)t->cap * sizeof *t->rows);
        t->line = xrealloc(t->line, (size_t)t->cap * sizeof *t->line);
    }
    char **r = xmalloc((size_t)t->ncols * sizeof *r);
    for (int j = 0; j < t->ncols; j++) r[j] = xstrdup(row[j]);
    t->line[t->nrows] = line;
    t->rows[t->nrows++] = r;
}

void rd_add(RdTable *t, char *const *row) { rd_add_at(t, row, 0); }

void rd_del(RdTable *t, int i)
{
    for (int j = 0; j < t->ncols; j++) free(t->rows[i][j]);
    free(t->rows[i]);
    memmove(t->rows + i, t->rows + i + 1, (size_t)(t->nrows - i - 1) * sizeof *t->rows);
    memmove(t->line + i, t->line + i + 1, (size_t)(t->nrows - i - 1) * sizeof *t->line);
    t->nrows--;
}

void rd_free(RdTable *t)
{
    while (t->nrows) rd_del(t, t->nrows - 1);
    for (int j = 0; j < t->ncols; j++) free(t->names[j]);
    free(t->names); free(t->rows); free(t->line); free(t->path);
    memset(t, 0, sizeof *t);
}

int rd_col(const RdTable *t, const char *name)
{
    for (int j = 0; j < t->ncols; j++)
        if (strcmp(t->names[j], name) == 0) return j;
    return -1;
}

int rd_find_id(const RdTable *t, long id)
{
    for (int i = 0; i < t->nrows; i++)
        if (strtol(t->rows[i][0], NULL, 10) == id) return i;
    return -1;
}

void rd_fail(const RdTable *t, int i, const char *fmt, ...)
{
    char where[4200];
    snprintf(where, sizeof where, "%s:%ld", t->path, t->line[i]);
    va_list ap;
    va_start(ap, fmt);
    vdie_at(EXIT_RUNTIME, where, fmt, ap);
}

static long parse_count(const RdTable *t, int i, int col, long lo)
{
    const char *s = t->rows[i][col];
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (!*s || *end || errno || v < lo || v > 1000000000L) {
        char cut[CSV_CUT_BUF];
        rd_fail(t, i, "%s '%s' is not an integer >= %ld", t->names[col], csv_cut(s, cut, sizeof cut), lo);
    }
    return v;
}

static void load_rows(RdTable *t, CsvReader *r, const char *file, const char *tail);

void rd_load(RdTable *t, const char *dir, RdKind kind, const Space *sp)
{
    const char *const *extra = rd_extra_cols(kind);
    int nx = 0;
    while (extra[nx]) nx++;
    int n = 1 + sp->d + nx;
    char **names = xmalloc((size_t)n * sizeof *names);
    names[0] = "id";
    for (int j = 0; j < sp->d; j++) names[1 + j] = sp->name[j];
    for (int j = 0; j < nx; j++) names[1 + sp->d + j] = (char *)extra[j];
    char *path = path_join(dir, rd_file(kind));
    rd_init(t, path, n, names);
    free(names);
    if (!file_exists(path)) { free(path); return; }
    CsvReader *r = csv_open(path);
    free(path);
    load_rows(t, r, rd_file(kind), nx ? ", then its own columns" : "");
}

/* The rows of an open reader into t, whose columns are the schema: by name, a schema column
 * missing is an error unless it has a default, a column outside the schema is refused. */
static void load_rows(RdTable *t, CsvReader *r, const char *file, const char *tail)
{
    int n = t->ncols;
    int *col = xmalloc((size_t)n * sizeof *col);
    for (int j = 0; j < n; j++) {
        col[j] = optional_default(t->names[j]) ? csv_find(r, t->names[j]) : -1;
        if (col[j] < 0 && !optional_default(t->names[j])) col[j] = csv_require(r, t->names[j]);
    }
    /* csv_require found each schema column; anything else (or a name given twice) would be
     * dropped silently by the next rewrite. */
    for (int i = 0; i < csv_ncols(r); i++) {
        int j = rd_col(t, csv_name(r, i));
        if (j < 0) csv_fail(r, "column '%s' is not part of %s (id, the hyperparameters%s)",
                            csv_name(r, i), file, tail);
        if (col[j] != i) csv_fail(r, "column '%s' appears twice", csv_name(r, i));
    }
    char **row = xmalloc((size_t)n * sizeof *row);
    while (csv_next(r)) {
        for (int j = 0; j < n; j++)
            row[j] = col[j] >= 0 ? (char *)csv_str(r, col[j]) : (char *)optional_default(t->names[j]);
        rd_add_at(t, row, csv_lineno(r));
        parse_count(t, t->nrows - 1, 0, 1);   /* every kind is looked up by its id */
    }
    free(row);
    free(col);
    csv_close(r);
}

void rd_save(const RdTable *t)
{
    AtomicOut *o = aout_open(t->path);
    for (int j = 0; j < t->ncols; j++) aout_printf(o, "%s%s", j ? "," : "", t->names[j]);
    aout_printf(o, "\n");
    for (int i = 0; i < t->nrows; i++) {
        for (int j = 0; j < t->ncols; j++) aout_printf(o, "%s%s", j ? "," : "", t->rows[i][j]);
        aout_printf(o, "\n");
    }
    aout_commit(o);
}

/* A statistic: a number, or NaN for a failed set, which says nan, inf or nothing (what
 * trial-aggregate writes); anything else is a damaged file, not a failed set. */
static double parse_stat(const RdTable *t, int i, int col)
{
    const char *s = t->rows[i][col];
    double v;
    int rc = csv_parse_double(s, &v);
    if (rc == 0) return v;
    if (rc == -2 || s[strspn(s, " \t")] == '\0') return NAN;
    char cut[CSV_CUT_BUF];
    rd_fail(t, i, "%s '%s' is not a number (a failed set says nan or nothing)", t->names[col],
            csv_cut(s, cut, sizeof cut));
}

void hist_row(const RdTable *hist, int i, HistRow *h)
{
    int c[HIST_NSTATS];
    for (int k = 0; k < HIST_NSTATS; k++)
        if ((c[k] = rd_col(hist, HIST_EXTRA[k])) < 0)
            die(EXIT_RUNTIME, "%s: not a history table (no column '%s')", hist->path, HIST_EXTRA[k]);
    h->id = parse_count(hist, i, 0, 1);
    h->ntrials = parse_count(hist, i, c[HIST_NTRIALS], 0);
    h->nfailed = parse_count(hist, i, c[HIST_NFAILED], 0);
    h->mean = parse_stat(hist, i, c[HIST_MEAN]);
    h->sd = parse_stat(hist, i, c[HIST_STD]);
    h->ok = strcmp(hist->rows[i][c[HIST_STATUS]], "ok") == 0 && isfinite(h->mean);
    h->pruned = strcmp(hist->rows[i][c[HIST_STATUS]], "pruned") == 0;
    h->pruned_at = parse_count(hist, i, c[HIST_PRUNED], 0);
}

double hist_objective(const HistRow *h, double kappa)
{
    if (!h->ok) return INFINITY;
    return h->mean + (kappa != 0 && isfinite(h->sd) ? kappa * h->sd : 0);
}

int best_set(const RdTable *hist, double kappa)
{
    int best = -1;
    double bo = INFINITY;
    long bid = 0;
    for (int i = 0; i < hist->nrows; i++) {
        HistRow h;
        hist_row(hist, i, &h);
        if (!h.ok) continue;
        double o = hist_objective(&h, kappa);
        if (best < 0 || o < bo || (o == bo && h.id < bid)) { best = i; bo = o; bid = h.id; }
    }
    return best;
}

void best_pick(const RdTable *hist, const Space *sp, const RunConf *conf, BestPick *p,
               double *smoothed)
{
    double kappa = runconf_double_or(conf, "kappa", 0);
    const char *rule = runconf_get(conf, "recommend");
    if (rule && strcmp(rule, "smoothed") != 0 && strcmp(rule, "observed") != 0)
        die(EXIT_RUNTIME, "%s: recommend=%s: expected smoothed or observed", conf->path, rule);
    p->observed = p->row = best_set(hist, kappa);
    p->rule = "observed";
    p->value = NAN;
    int n = hist->nrows, d = sp->d, nok = 0;
    for (int i = 0; smoothed && i < n; i++) smoothed[i] = NAN;
    if (p->row < 0) return;
    HistRow b;
    hist_row(hist, p->row, &b);
    p->value = hist_objective(&b, kappa);
    /* The history as the proposer reads it (space_read_points): pruned rows are pessimistic
     * observations (their variance widened by surrogate_fit), failed ones imputed by it. */
    PointSet ps = { .n = (size_t)n };
    ps.k = xmalloc(((size_t)n * d + 1) * sizeof *ps.k);
    ps.y = xmalloc(((size_t)n + 1) * sizeof *ps.y);
    ps.var = xmalloc(((size_t)n + 1) * sizeof *ps.var);
    ps.nt = xmalloc(((size_t)n + 1) * sizeof *ps.nt);
    ps.ok = xmalloc(((size_t)n + 1) * sizeof *ps.ok);
    ps.pruned = xmalloc(((size_t)n + 1) * sizeof *ps.pruned);
    for (int i = 0; i < n; i++) {
        HistRow h;
        hist_row(hist, i, &h);
        for (int j = 0; j < d; j++) {
            int c = rd_col(hist, sp->name[j]);
            double v;
            if (c < 0 || csv_parse_double(hist->rows[i][c], &v) != 0 ||
                space_lattice(sp, j, v, &ps.k[(size_t)i * d + j]) != 0)
                rd_fail(hist, i, "%s is off the lattice of space.csv", sp->name[j]);
        }
        double sd = isfinite(h.sd) ? h.sd : 0;
        ps.ok[i] = (h.ok || h.pruned) && isfinite(h.mean);
        ps.y[i] = ps.ok[i] ? h.mean + kappa * sd : NAN;
        ps.pruned[i] = ps.ok[i] && h.pruned;
        /* the mean and sd are over the trials that finished */
        ps.nt[i] = h.ntrials - h.nfailed >= 1 ? (double)(h.ntrials - h.nfailed) : 1;
        ps.var[i] = ps.ok[i] ? sd * sd / ps.nt[i] : 0;
        nok += h.ok;
    }
    if (!(rule && strcmp(rule, "observed") == 0) && nok >= d + 2 && d <= 64) {
        /* The GP whatever the method: its amplitude, length scales and nugget are fitted by
         * marginal likelihood, so its mean at a set weighs the set's trials against its
         * neighbours; the cubic RBF's smoothing term has no fitted amplitude to weigh it
         * against (in 6-D with 20 sets it barely moves a value). */
        const SurrogateMethod *m = surrogate_method_find("gp");
        Rng r;
        rng_seed(&r, runconf_get(conf, "seed") ? runconf_u64(conf, "seed") : 0);
        void *model = surrogate_fit(m, sp, &ps, m->cap, 1.0, NOISE_PRIOR_DOF, PRUNED_SD, &r);
        double u[64], bv = INFINITY;
        long bid = 0;
        for (int i = 0; i < n; i++) {
            HistRow h;
            hist_row(hist, i, &h);
            if (!h.ok) continue;
            point_to_unit(sp, ps.k + (size_t)i * d, u);
            double v = m->predict(model, u);
            if (smoothed) smoothed[i] = v;
            /* ties (and a model that failed to fit: NaN everywhere) as best_set's */
            if (isfinite(v) && (v < bv || (v == bv && h.id < bid))) { p->row = i; bv = v; bid = h.id; }
        }
        m->free(model);
        if (isfinite(bv)) { p->rule = "smoothed"; p->value = bv; }
    }
    pointset_free(&ps);
}

/* ---------------------------------------------------------------- trial records */

int record_known_col(const char *c)
{
    static const char *const k[] = {"id", "trial", "seed",                         /* hpo-step */
                                    "best_wd", "best_epoch", "epochs", "seconds",  /* gan-train */
                                    "epochs_per_s", "params", "status",
                                    "precision", "score", "best_score",
                                    "tail_cut", "train_kept", "val_kept",   /* --tail-cut */
                                    "slot", "host", NULL};                         /* older runs */
    for (int i = 0; k[i]; i++)
        if (strcmp(c, k[i]) == 0) return 1;
    return strncmp(c, "wd_", 3) == 0;    /* gan-train's W1 per output variable */
}

void rundir_record_params(const char *dir, void (*fn)(long id, double params, void *ctx), void *ctx)
{
    char *td = path_join(dir, "trials");
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
            double v;
            /* a failed trial's record says params 0: only a real count is passed on */
            if (csv_parse_double(csv_str(c, cp), &v) == 0 && v > 0) fn((long)csv_num(c, cid), v, ctx);
        }
        csv_close(c);
        free(p);
    }
    closedir(dp);
    free(td);
}

int rundir_trial_curves(const char *dir, long id, long ntrials,
                        void (*fn)(long trial, long epoch, double wd, void *ctx), void *ctx)
{
    int nlogs = 0;
    for (long t = 1; t <= ntrials; t++) {
        char name[64];
        snprintf(name, sizeof name, "trials/%ld-%ld.log", id, t);
        char *p = path_join(dir, name);
        if (!file_exists(p)) { free(p); continue; }
        CsvReader *c = csv_open(p);
        int ce = csv_require(c, "epoch"), cw = csv_require(c, "wd_mean");
        while (csv_next(c)) {
            double e, w;
            if (csv_parse_double(csv_str(c, ce), &e) == 0 && csv_parse_double(csv_str(c, cw), &w) == 0)
                fn(t, (long)e, w, ctx);
        }
        csv_close(c);
        free(p);
        nlogs++;
    }
    return nlogs;
}

/* ---------------------------------------------------------------- pruning (rungs) */

static const char *const RUNG_COLS[] = {"id", "epoch", "values", "mean", "sd", "lcb", "n_sets",
                                        "threshold", "best", "decision", NULL};

const char *const *rd_rung_cols(void) { return RUNG_COLS; }

void rd_load_rungs(RdTable *t, const char *dir)
{
    char *path = path_join(dir, "rungs.csv");
    rd_init(t, path, RUNG_NCOLS, (char *const *)RUNG_COLS);
    if (file_exists(path)) load_rows(t, csv_open(path), "rungs.csv", "");
    free(path);
    for (int i = 0; i < t->nrows; i++) {
        parse_count(t, i, RUNG_ID, 1);
        parse_count(t, i, RUNG_EPOCH, 1);
        const char *d = t->rows[i][RUNG_DECISION];
        if (strcmp(d, "continue") != 0 && strcmp(d, "prune") != 0)
            rd_fail(t, i, "decision '%s' is neither continue nor prune", d);
    }
}

int rd_find_rung(const RdTable *t, long id, long epoch)
{
    for (int i = 0; i < t->nrows; i++)
        if (strtol(t->rows[i][RUNG_ID], NULL, 10) == id && strtol(t->rows[i][RUNG_EPOCH], NULL, 10) == epoch)
            return i;
    return -1;
}

char *rd_rung_report_path(const char *dir, long id, long trial, long epoch)
{
    size_t n = strlen(dir) + 80;
    char *p = xmalloc(n);
    snprintf(p, n, "%s/rungs/%ld-%ld-%ld", dir, id, trial, epoch);
    return p;
}

/* ---------------------------------------------------------------- timeline.csv */

void timeline_load(Timeline *tl, const char *dir)
{
    memset(tl, 0, sizeof *tl);
    char *p = path_join(dir, "timeline.csv");
    if (!file_exists(p)) { free(p); return; }
    CsvReader *c = csv_open(p);
    free(p);
    int cid = csv_require(c, "id"), ct = csv_require(c, "trial"), cs = csv_require(c, "slot"),
        cb = csv_require(c, "start"), ce = csv_require(c, "end");
    int cap = 0;
    while (csv_next(c)) {
        if (tl->n == cap) {
            cap = cap ? 2 * cap : 64;
            tl->id = xrealloc(tl->id, (size_t)cap * sizeof *tl->id);
            tl->trial = xrealloc(tl->trial, (size_t)cap * sizeof *tl->trial);
            tl->slot = xrealloc(tl->slot, (size_t)cap * sizeof *tl->slot);
            tl->start = xrealloc(tl->start, (size_t)cap * sizeof *tl->start);
            tl->end = xrealloc(tl->end, (size_t)cap * sizeof *tl->end);
        }
        tl->id[tl->n] = (long)csv_num(c, cid);
        tl->trial[tl->n] = (long)csv_num(c, ct);
        tl->slot[tl->n] = (long)csv_num(c, cs);
        tl->start[tl->n] = csv_num(c, cb);
        tl->end[tl->n] = csv_num(c, ce);
        if (tl->end[tl->n] < tl->start[tl->n]) csv_fail(c, "end before start");
        tl->n++;
    }
    csv_close(c);
}

void timeline_free(Timeline *tl)
{
    free(tl->id); free(tl->trial); free(tl->slot); free(tl->start); free(tl->end);
    memset(tl, 0, sizeof *tl);
}
