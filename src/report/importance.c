/* importance.c — picture 2b: importance from the surrogate. `surrogate-propose --importance`
 * prints name,S1,ST (first-order and total Sobol indices of the fitted surrogate),
 * `--interactions` prints name_a,name_b,S2 with the strongest pair first. Nothing is drawn when it
 * is unavailable: the report says why instead. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/rng.h"
#include "base/util.h"
#include "hpo/rundir.h"
#include "hpo/surrogate.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The surrogate fitted for the report: the run's own method when it models the objective, else
 * the table's default model (random and lhs fit nothing). The method table decides. */
static const SurrogateMethod *report_method(const Run *r)
{
    return surrogate_method_model(surrogate_method_find(conf_get(r, "method")));
}

/* surrogate-propose with its own defaults (seed included) and the run's method only: the
 * report's indices and strongest interaction are what a user gets running the same command
 * on the same history (tests/hpo-report.bats compares them). */
static int run_surrogate_on(const char *exe, const Run *r, const char *history, const char *mode,
                            const char *out, const char *err, char *msg, size_t msgn)
{
    char *space = path_join(r->dir, "space.csv"), *hist = xstrdup(history);
    char *argv[] = {(char *)exe, "--space", space, "--history", hist, (char *)mode, "--method",
                    (char *)report_method(r)->name, NULL};
    int rc = run_cmd(argv, NULL, out, err);
    first_line(err, msg, msgn);
    free(space), free(hist);
    return rc;
}

static int run_surrogate(const char *exe, const Run *r, const char *mode, const char *out,
                         const char *err, char *msg, size_t msgn)
{
    char *hist = path_join(r->dir, "history.csv");
    int rc = run_surrogate_on(exe, r, hist, mode, out, err, msg, msgn);
    free(hist);
    return rc;
}

/* The rows of --importance's output. */
typedef struct {
    int n;
    char **name;
    double *s1, *st;             /* NaN where not a number (ST: or no column) */
} Indices;

/* Read path into ix; -1 when it lacks the name and S1 columns. */
static int read_indices(const char *path, Indices *ix)
{
    memset(ix, 0, sizeof *ix);
    CsvReader *c = csv_open(path);
    int cn = csv_find(c, "name"), c1 = csv_find(c, "S1"), ct = csv_find(c, "ST");
    if (cn < 0 || c1 < 0) {
        csv_close(c);
        return -1;
    }
    int cap = 0;
    while (csv_next(c)) {
        const char *nm = csv_str(c, cn);
        for (const char *q = nm; *q; q++)
            if (*q == ' ' || *q == '"' || *q == '\'') csv_fail(c, "odd hyperparameter name '%s'", nm);
        double v1, vt;
        if (csv_parse_double(csv_str(c, c1), &v1) != 0) v1 = NAN;
        if (ct < 0 || csv_parse_double(csv_str(c, ct), &vt) != 0) vt = NAN;
        if (ix->n == cap) {
            cap = cap ? 2 * cap : 16;
            ix->name = xrealloc(ix->name, (size_t)cap * sizeof *ix->name);
            ix->s1 = xrealloc(ix->s1, (size_t)cap * sizeof *ix->s1);
            ix->st = xrealloc(ix->st, (size_t)cap * sizeof *ix->st);
        }
        ix->name[ix->n] = xstrdup(nm), ix->s1[ix->n] = v1, ix->st[ix->n] = vt;
        ix->n++;
    }
    csv_close(c);
    return 0;
}

static void free_indices(Indices *ix)
{
    for (int i = 0; i < ix->n; i++) free(ix->name[i]);
    free(ix->name), free(ix->s1), free(ix->st);
}

/* The strongest interacting pair, "a x b (second-order index S2)": the first row of
 * --interactions' output, left empty when there is none. */
static void read_pair(const char *path, char *pair, size_t pairn)
{
    CsvReader *c = csv_open(path);
    int ca = csv_find(c, "name_a"), cb = csv_find(c, "name_b"), c2 = csv_find(c, "S2");
    double v;
    if (ca >= 0 && cb >= 0 && c2 >= 0 && csv_next(c) && csv_parse_double(csv_str(c, c2), &v) == 0)
        snprintf(pair, pairn, "%s x %s (second-order index %.3g)", csv_str(c, ca), csv_str(c, cb), v);
    csv_close(c);
}

/* How much the indices move with the sets they come from: the delete-d jackknife (Shao and Wu
 * 1989), refitted on NSUB random subsets that each leave out d = ceil(n/5) of the n finished
 * sets (sampling without replacement: a bootstrap's repeated points would make an
 * interpolating surrogate singular). Its standard error sqrt((n-d)/d * var over subsets) is
 * drawn as +-2 SE around the estimate from all sets; the subsets' median is drawn beside it:
 * Sobol estimates from few points are biased (a subset's estimate is not centred on the full
 * one), so a median away from the bar says that bias is of the size of the bar itself. An
 * interval centred on the subsets (their percentiles) would not contain the estimate then,
 * which is why it is not drawn. */
#define NSUB 40
#define SUB_SEED 20211   /* fixed: the same history gives the same picture */

typedef struct {
    int nsub, n, d;              /* subsets refitted, sets, sets left out of each */
    double *s1se, *stse, *s1med, *stmed;   /* per hyperparameter, NaN when not computed */
} Spread;

static double median_of(double *v, int n) { return quantile(v, n, 0.5); }

static void spread_of(const char *exe, const Run *r, const Indices *ix, const char *dir, Spread *sp)
{
    memset(sp, 0, sizeof *sp);
    int k = ix->n;
    sp->s1se = xmalloc(4 * (size_t)(k > 0 ? k : 1) * sizeof(double));
    sp->stse = sp->s1se + k, sp->s1med = sp->stse + k, sp->stmed = sp->s1med + k;
    for (int j = 0; j < 4 * k; j++) sp->s1se[j] = NAN;
    Space *space = rundir_space(r->dir);
    RdTable h;
    rd_load(&h, r->dir, RD_HISTORY, space);
    int *okrow = xmalloc((size_t)(h.nrows > 0 ? h.nrows : 1) * sizeof *okrow), n = 0;
    for (int i = 0; i < h.nrows; i++) {
        HistRow hr;
        hist_row(&h, i, &hr);
        if (hr.ok) okrow[n++] = i;
    }
    sp->n = n, sp->d = (n + 4) / 5;
    if (n < 5 || k == 0) goto out;   /* 4 sets or fewer: nothing to leave out and refit */
    double *v1 = xmalloc((size_t)NSUB * k * sizeof *v1), *vt = xmalloc((size_t)NSUB * k * sizeof *vt);
    char *hp = path_join(dir, ".subset-history.csv"), *out = path_join(dir, ".subset.csv");
    char *err = path_join(dir, ".subset.err");
    char *drop = xmalloc((size_t)h.nrows);
    Rng rng;
    rng_seed(&rng, SUB_SEED);
    for (int b = 0; b < NSUB; b++) {
        /* leave out d of the ok rows: a partial Fisher-Yates shuffle */
        memset(drop, 0, (size_t)h.nrows);
        for (int q = 0; q < sp->d; q++) {
            int t = q + (int)rng_below(&rng, (uint64_t)(n - q));
            int tmp = okrow[q]; okrow[q] = okrow[t]; okrow[t] = tmp;
            drop[okrow[q]] = 1;
        }
        RdTable sub;
        rd_init(&sub, hp, h.ncols, h.names);
        for (int i = 0; i < h.nrows; i++)
            if (!drop[i]) rd_add(&sub, h.rows[i]);
        rd_save(&sub);
        rd_free(&sub);
        char line[512];
        Indices si;
        if (run_surrogate_on(exe, r, hp, "--importance", out, err, line, sizeof line) != 0 ||
            read_indices(out, &si) != 0)
            continue;   /* a subset the surrogate could not fit: left out of the spread */
        for (int j = 0; j < k; j++) {
            v1[(size_t)sp->nsub * k + j] = vt[(size_t)sp->nsub * k + j] = NAN;
            for (int q = 0; q < si.n; q++)
                if (strcmp(si.name[q], ix->name[j]) == 0)
                    v1[(size_t)sp->nsub * k + j] = si.s1[q], vt[(size_t)sp->nsub * k + j] = si.st[q];
        }
        free_indices(&si);
        sp->nsub++;
    }
    double f = (double)(n - sp->d) / sp->d;
    double *col = xmalloc((size_t)NSUB * sizeof *col);
    for (int j = 0; j < k && sp->nsub >= 2; j++)
        for (int w = 0; w < 2; w++) {
            const double *v = w ? vt : v1;
            int m = 0;
            double s = 0, s2 = 0;
            for (int b = 0; b < sp->nsub; b++) {
                double x = v[(size_t)b * k + j];
                if (!isfinite(x)) continue;
                col[m++] = x, s += x, s2 += x * x;
            }
            if (m < 2) continue;
            double mu = s / m, var = s2 / m - mu * mu;
            (w ? sp->stse : sp->s1se)[j] = sqrt(f * (var > 0 ? var : 0));
            (w ? sp->stmed : sp->s1med)[j] = median_of(col, m);
        }
    free(col), free(drop), free(v1), free(vt);
    unlink(hp), unlink(out), unlink(err);
    free(hp), free(out), free(err);
out:
    free(okrow);
    rd_free(&h);
    space_free(space);
}

static void spread_free(Spread *sp) { free(sp->s1se); }

static void write_data(const char *dir, const Indices *ix, const Spread *sp)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/importance.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# hyperparameter S1 ST S1_lo S1_hi ST_lo ST_hi S1_subset_median ST_subset_median\n"
                   "# lo, hi: the estimate -+ 2 SE of the delete-%d jackknife over %d subsets of %d of the "
                   "%d sets (NaN: not computed)\n", sp->d, sp->nsub, sp->n - sp->d, sp->n);
    for (int i = 0; i < ix->n; i++) {
        double e1 = sp->s1se[i], et = sp->stse[i];
        aout_printf(o, "\"%s\" %.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", ix->name[i], ix->s1[i], ix->st[i],
                    fmax(0, ix->s1[i] - 2 * e1), fmin(1, ix->s1[i] + 2 * e1), fmax(0, ix->st[i] - 2 * et),
                    fmin(1, ix->st[i] + 2 * et), sp->s1med[i], sp->stmed[i]);
    }
    aout_commit(o);
}

/* Sets the surrogate is fitted to: the finished ones with a result. Below 10 per dimension
 * (Loeppky, Sacks and Welch 2009's n = 10 d for a GP-like surrogate) its indices are a sketch. */
static int fitted_sets(const Run *r)
{
    int n = 0;
    for (int i = 0; i < r->n; i++) n += r->ok[i];
    return n;
}

static void write_script(const Run *r, const char *dir, const char *pair, const Spread *sp)
{
    const char *method = report_method(r)->label;
    char name[4200];
    snprintf(name, sizeof name, "%s/importance.gp", dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "importance.png", 960, 560);
    int n = fitted_sets(r);
    aout_printf(g, "set title \"%s: Sobol indices of the %s surrogate fitted to %d sets in %d dimensions%s%s%s\"\n",
                r->label, method, n, r->d, n < 10 * r->d ? " (few: a sketch)" : "",
                pair[0] ? "\\nstrongest interaction: " : "", pair);
    /* S1 and ST side by side at each hyperparameter (row r at x = r): bars, their +-2 SE and
     * the subsets' median beside */
    aout_printf(g, "set style fill solid 0.75 border lc rgb '#333333'\nset yrange [0:*]\n"
                   "set xrange [-0.6:%d.6]\nset xtics rotate by -25\nset key outside top center horizontal maxrows 2 box opaque\n"
                   "set ylabel 'Sobol index (share of the variance of mean W1)'\n"
                   "set xlabel 'hyperparameter'\nset boxwidth 0.34\n", r->d > 0 ? r->d - 1 : 0);
    aout_printf(g, "plot 'importance.dat' u ($0-0.18):2:xtic(1) w boxes lc rgb '#2c7bb6' title 'first order S1 (alone)', "
                   "'' u ($0+0.18):3 w boxes lc rgb '#fdae61' title 'total ST (with interactions)'");
    if (sp->nsub >= 2) {
        aout_printf(g, ", \\\n     '' u ($0-0.18):2:4:5 w yerrorbars pt 0 lw 1.5 lc rgb 'black' "
                       "title '±2 SE: delete-%d jackknife, %d subsets of %d sets', "
                       "'' u ($0+0.18):3:6:7 w yerrorbars pt 0 lw 1.5 lc rgb 'black' notitle, \\\n"
                       "     '' u ($0-0.18+0.1):8 w p pt 13 ps 1.2 lc rgb '#333333' "
                       "title 'median over the subsets (bias: away from the bar)', "
                       "'' u ($0+0.18+0.1):9 w p pt 13 ps 1.2 lc rgb '#333333' notitle",
                    sp->d, sp->nsub, sp->n - sp->d);
    }
    aout_printf(g, "\n");
    aout_commit(g);
}

int draw_importance(const Report *rp, Notes *nt, char *more, size_t n)
{
    const Run *r = &rp->runs[0];
    const char *dir = rp->dir;
    char *exe = find_exec(rp->surrogate);
    if (!exe) {
        note(nt, "<li>Surrogate importance omitted: <code>%s</code> not found on PATH.</li>\n",
             rp->surrogate);
        return 0;
    }
    char *out = path_join(dir, ".importance.csv"), *err = path_join(dir, ".importance.err");
    char line[512], pair[256] = "";
    Indices ix = {0, NULL, NULL, NULL};
    int made = 0, rc = run_surrogate(exe, r, "--importance", out, err, line, sizeof line);
    if (rc != 0) {
        note(nt, "<li>Surrogate importance omitted: <code>%s --importance</code> exited %d", exe, rc);
        note(nt, " (%s).</li>\n", line);
        goto done;
    }
    if (read_indices(out, &ix) != 0) {
        note(nt, "<li>Surrogate importance omitted: output of <code>%s --importance</code> "
                 "has no name and S1 columns.</li>\n", exe);
        goto done;
    }
    Spread sp;
    spread_of(exe, r, &ix, dir, &sp);
    write_data(dir, &ix, &sp);
    if (ix.n == 0) {
        spread_free(&sp);
        note(nt, "<li>Surrogate importance omitted: no rows from <code>%s</code>.</li>\n", exe);
        goto done;
    }
    rc = run_surrogate(exe, r, "--interactions", out, err, line, sizeof line);
    if (rc == 0) read_pair(out, pair, sizeof pair);
    if (!pair[0]) {
        note(nt, "<li>Strongest interaction omitted: <code>%s --interactions</code> gave none "
                 "(exit %d", exe, rc);
        note(nt, "%s%s).</li>\n", line[0] ? ": " : "", line);
    }
    write_script(r, dir, pair, &sp);
    if (fitted_sets(r) < 10 * r->d)
        note(nt, "<li class=\"warning\">Warning: the importance indices and the strongest interaction come "
                 "from a surrogate fitted to %d sets in %d dimensions, fewer than the 10 per dimension "
                 "(%d) a surrogate needs to rank hyperparameters reliably; read them as a sketch.</li>\n",
             fitted_sets(r), r->d, 10 * r->d);
    {
        char sm[512];
        if (sp.nsub >= 2)
            snprintf(sm, sizeof sm, " From %d sets. Whiskers: ±2 standard errors of the delete-%d "
                     "jackknife (refitted on %d random subsets of %d sets); diamonds: the subsets' median. "
                     "Sobol indices from few sets are biased, so the median can sit away from the bar: "
                     "then the bar's value is uncertain by at least that much.", sp.n, sp.d, sp.nsub, sp.n - sp.d);
        else
            snprintf(sm, sizeof sm, " From %d sets: too few to refit on subsets, no error shown.", sp.n);
        snprintf(more, n, "%s", sm);
    }
    spread_free(&sp);
    if (pair[0]) {
        char esc[sizeof pair * 6];
        size_t used = strlen(more);
        html_esc_str(esc, sizeof esc, pair);
        snprintf(more + used, n - used, " Strongest interaction: %s, from %d sets%s.", esc, fitted_sets(r),
                 fitted_sets(r) < 10 * r->d ? " (fewer than 10 per dimension: a sketch)" : "");
    }
    made = 1;
done:
    free_indices(&ix);
    unlink(out);
    unlink(err);
    free(out), free(err), free(exe);
    return made;
}
