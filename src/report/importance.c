/* importance.c — picture 2b: importance from the surrogate. `surrogate-propose --importance`
 * prints name,S1,ST (first-order and total Sobol indices of the fitted surrogate),
 * `--interactions` prints name_a,name_b,S2 with the strongest pair first. Nothing is drawn when it
 * is unavailable: the report says why instead. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
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
static int run_surrogate(const char *exe, const Run *r, const char *mode, const char *out,
                         const char *err, char *msg, size_t msgn)
{
    char *space = path_join(r->dir, "space.csv"), *hist = path_join(r->dir, "history.csv");
    char *argv[] = {(char *)exe, "--space", space, "--history", hist, (char *)mode, "--method",
                    (char *)report_method(r)->name, NULL};
    int rc = run_cmd(argv, NULL, out, err);
    first_line(err, msg, msgn);
    free(space), free(hist);
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

static void write_data(const char *dir, const Indices *ix)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/importance.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# hyperparameter S1 ST\n");
    for (int i = 0; i < ix->n; i++) aout_printf(o, "\"%s\" %.9g %.9g\n", ix->name[i], ix->s1[i], ix->st[i]);
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

static void write_script(const Run *r, const char *dir, const char *pair)
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
    aout_printf(g, "set style data histograms\nset style histogram clustered gap 1\n"
                   "set style fill solid 0.75 border lc rgb '#333333'\nset yrange [0:*]\n"
                   "set xtics rotate by -25\nset key top right box opaque\n"
                   "set ylabel 'Sobol index (share of the variance of mean W1)'\n"
                   "set xlabel 'hyperparameter'\n");
    aout_printf(g, "plot 'importance.dat' u 2:xtic(1) lc rgb '#2c7bb6' title 'first order S1 (alone)', "
                   "'' u 3 lc rgb '#fdae61' title 'total ST (with interactions)'\n");
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
    write_data(dir, &ix);
    if (ix.n == 0) {
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
    write_script(r, dir, pair);
    if (fitted_sets(r) < 10 * r->d)
        note(nt, "<li class=\"warning\">Warning: the importance indices and the strongest interaction come "
                 "from a surrogate fitted to %d sets in %d dimensions, fewer than the 10 per dimension "
                 "(%d) a surrogate needs to rank hyperparameters reliably; read them as a sketch.</li>\n",
             fitted_sets(r), r->d, 10 * r->d);
    if (pair[0]) {
        char esc[sizeof pair * 6];
        html_esc_str(esc, sizeof esc, pair);
        snprintf(more, n, " Strongest interaction: %s, from %d sets%s.", esc, fitted_sets(r),
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
