/* hpo-report — a study's analysis as pictures: reads run directories (the BRIEF's layout), computes
 * summary numbers, best set, Pareto front, slot busy time, convergence curves and histograms,
 * writes gnuplot data files and one gnuplot script per picture, runs gnuplot (pngcairo) and
 * writes index.html. Everything is built in a temp directory beside the target and renamed into
 * place, so a failed or killed report never leaves a half-made one. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "hpo/rundir.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NHIST 20       /* bins of the W1 histogram above the WD-sigma scatter */
#define NGENBINS 30    /* bins of the generated-vs-truth histograms */
#define NCONDBINS 3    /* condition bins (quantiles) for conditional studies */
#define MAX_NOTES 32

typedef struct {
    char *dir, *label;
    RunConf *conf;               /* run.conf through rundir.h; ckey/cval/nconf are its lines */
    char **ckey, **cval;
    int nconf;
    int d;                       /* hyperparameters, from space.csv */
    char **hp;
    double *lo, *hi, *scal;      /* lattice bounds k in [lo, hi], value k*scal */
    int n;                       /* history rows, in completion order */
    int *id, *ok, *ntr, *nfail;
    double *x;                   /* n x d hyperparameter values */
    double *mean, *sd, *params;  /* params NaN when no trial record names it */
    int best;                    /* index into history, -1 if no set finished ok */
    int npending;
    int nt;                      /* timeline rows */
    int *t_id, *t_trial, *t_slot;
    double *t_start, *t_end;
} Run;

typedef struct {
    char *html;                  /* notes collected for index.html (already HTML) */
    size_t len, cap;
} Notes;

/* A run.conf value, NULL when unset (rundir.h: an empty value is unset). */
static const char *conf_get(const Run *r, const char *key) { return runconf_get(r->conf, key); }



/* Append an HTML fragment (printf style) to the notes. */
static void note(Notes *nt, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(Notes *nt, const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    size_t k = strlen(buf);
    if (nt->len + k + 1 > nt->cap) {
        nt->cap = (nt->len + k + 1) * 2;
        nt->html = xrealloc(nt->html, nt->cap);
    }
    memcpy(nt->html + nt->len, buf, k + 1);
    nt->len += k;
}

/* Minimal HTML escaping for names and paths that go into index.html. */
static void html_esc(AtomicOut *o, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') aout_printf(o, "&lt;");
        else if (*s == '>') aout_printf(o, "&gt;");
        else if (*s == '&') aout_printf(o, "&amp;");
        else if (*s == '"') aout_printf(o, "&quot;");
        else aout_write(o, s, 1);
    }
}

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

/* history.csv by column name (rundir.h); the best set is rundir's best_set with run.conf's
 * kappa, the one the workflow narrows around. */
static void read_history(Run *r)
{
    Space *sp = rundir_space(r->dir);
    RdTable h;
    rd_load(&h, r->dir, RD_HISTORY, sp);
    space_free(sp);
    int n = h.nrows > 0 ? h.nrows : 1;
    r->id = xmalloc((size_t)n * sizeof *r->id);
    r->ok = xmalloc((size_t)n * sizeof *r->ok);
    r->ntr = xmalloc((size_t)n * sizeof *r->ntr);
    r->nfail = xmalloc((size_t)n * sizeof *r->nfail);
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
        if (r->ok[i] && !isfinite(r->sd[i])) r->sd[i] = 0;
    }
    r->n = h.nrows;
    r->best = best_set(&h, runconf_double_or(r->conf, "kappa", 0));
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

static void read_run(Run *r, const char *dir)
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
    snprintf(buf, sizeof buf, "%s%s%s", m ? m : dir, s ? " seed " : "", s ? s : "");
    r->label = xstrdup(buf);
}

/* ---------------------------------------------------------------- small statistics */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Quantile of the finite values (linear interpolation), NaN if none. */
static double quantile(const double *v, int n, double q)
{
    double *s = xmalloc((size_t)(n > 0 ? n : 1) * sizeof *s);
    int m = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) s[m++] = v[i];
    if (m == 0) { free(s); return NAN; }
    qsort(s, (size_t)m, sizeof *s, cmp_double);
    double pos = q * (m - 1);
    int k = (int)floor(pos);
    double res = k + 1 < m ? s[k] + (pos - k) * (s[k + 1] - s[k]) : s[m - 1];
    free(s);
    return res;
}

/* Learning rates are drawn on a log axis: their useful range spans decades. */
static int hp_log(const Run *r, int j)
{
    return strncmp(r->hp[j], "lr", 2) == 0 && r->lo[j] > 0 && r->hi[j] >= 10 * r->lo[j];
}

/* Units on axes: the study's hyperparameters and HEP output variables. */
static const char *hp_unit(const char *name)
{
    if (strncmp(name, "lr", 2) == 0) return "learning rate";
    if (strstr(name, "layersize")) return "nodes per layer";
    if (strcmp(name, "batch_size") == 0) return "events per batch";
    if (strcmp(name, "noise_dim") == 0) return "latent dimensions";
    return "value";
}

static const char *var_unit(const char *name)
{
    if (strncmp(name, "theta", 5) == 0 || strncmp(name, "phi", 3) == 0) return "rad";
    if (strncmp(name, "eta", 3) == 0 || strcmp(name, "y") == 0) return "dimensionless";
    if (strncmp(name, "pt", 2) == 0 || strcmp(name, "E") == 0 || strcmp(name, "e") == 0 || strcmp(name, "px") == 0 ||
        strcmp(name, "py") == 0 || strcmp(name, "pz") == 0 || name[0] == 'm') return "GeV";
    return "units of the data";
}

/* ---------------------------------------------------------------- processes */




/* ---------------------------------------------------------------- the temp report directory */

static char *g_tmpdir; /* removed at exit unless committed: die() paths must not leave it */


static void cleanup_tmpdir(void)
{
    if (g_tmpdir) rm_tree(g_tmpdir);
}

/* ---------------------------------------------------------------- pictures */

typedef struct {
    const char *png, *title, *caption;
    int made;
} Picture;

static void gp_header(AtomicOut *g, const char *png, int w, int h)
{
    aout_printf(g, "# made by hpo-report; rerun with: gnuplot %.*s.gp\n",
                (int)(strlen(png) - 4), png);
    aout_printf(g, "set terminal pngcairo size %d,%d noenhanced font 'DejaVu Sans,11'\n", w, h);
    aout_printf(g, "set output '%s'\nset datafile separator ' '\nset grid lc rgb '#dddddd'\n", png);
}

/* Run gnuplot on NAME.gp inside dir; the picture counts as made when gnuplot succeeded and the
 * PNG exists. */
static int gnuplot(const char *gp_exe, const char *dir, const char *gp, const char *png, Notes *nt)
{
    char *argv[] = {(char *)gp_exe, (char *)gp, NULL};
    char *err = path_join(dir, ".gnuplot.err");
    int rc = run_cmd(argv, dir, NULL, err);
    char line[512];
    first_line(err, line, sizeof line);
    unlink(err);
    free(err);
    char *p = path_join(dir, png);
    int ok = rc == 0 && file_exists(p);
    free(p);
    if (!ok) {
        note(nt, "<li>%s: gnuplot failed (exit %d): ", png, rc);
        note(nt, "%s</li>\n", line);
        warnx("%s: gnuplot failed (exit %d): %s", png, rc, line);
    }
    return ok;
}

/* 1. WD vs sigma scatter with the W1 histogram above, one column per run. */
static void pic_wd_sigma(Run *runs, int nr, const char *dir, const char *color_by, int *cidx)
{
    double xmin = INFINITY, xmax = -INFINITY, ymax = 0, cmin = INFINITY, cmax = -INFINITY;
    for (int k = 0; k < nr; k++)
        for (int i = 0; i < runs[k].n; i++) {
            if (!runs[k].ok[i]) continue;
            xmin = fmin(xmin, runs[k].mean[i]);
            xmax = fmax(xmax, runs[k].mean[i]);
            ymax = fmax(ymax, runs[k].sd[i]);
            double c = runs[k].x[(size_t)i * runs[k].d + cidx[k]];
            cmin = fmin(cmin, c);
            cmax = fmax(cmax, c);
        }
    if (!isfinite(xmin)) xmin = 0, xmax = 1;
    double pad = fmax(0.04 * (xmax - xmin), fmax(0.1 * fabs(xmax), 1e-3));
    xmin -= pad, xmax += pad;
    if (xmin < 0) xmin = 0;
    if (cmax <= cmin) {  /* one value: a narrow range around it, positive for a log scale */
        double v = cmin;
        cmin = v > 0 ? v / 1.25 : v - 1, cmax = v > 0 ? v * 1.25 : v + 1;
    }
    ymax = ymax * 1.1 + 1e-9;
    int hmax = 1;
    char name[4200];
    for (int k = 0; k < nr; k++) {
        Run *r = &runs[k];
        snprintf(name, sizeof name, "%s/wd-sigma-%d.dat", dir, k + 1);
        AtomicOut *o = aout_open(name);
        aout_printf(o, "# id wd_mean wd_std %s\n", color_by);
        for (int i = 0; i < r->n; i++)
            if (r->ok[i])
                aout_printf(o, "%d %.9g %.9g %.9g\n", r->id[i], r->mean[i], r->sd[i],
                            r->x[(size_t)i * r->d + cidx[k]]);
        if (r->best >= 0)
            aout_printf(o, "\n\n%d %.9g %.9g\n", r->id[r->best], r->mean[r->best], r->sd[r->best]);
        aout_commit(o);
        int cnt[NHIST] = {0};
        for (int i = 0; i < r->n; i++) {
            if (!r->ok[i]) continue;
            int b = (int)((r->mean[i] - xmin) / (xmax - xmin) * NHIST);
            b = b < 0 ? 0 : b >= NHIST ? NHIST - 1 : b;
            if (++cnt[b] > hmax) hmax = cnt[b];
        }
        snprintf(name, sizeof name, "%s/wd-hist-%d.dat", dir, k + 1);
        o = aout_open(name);
        aout_printf(o, "# bin_centre sets\n");
        for (int b = 0; b < NHIST; b++)
            aout_printf(o, "%.9g %d\n", xmin + (b + 0.5) * (xmax - xmin) / NHIST, cnt[b]);
        aout_commit(o);
    }
    snprintf(name, sizeof name, "%s/wd-sigma.gp", dir);
    AtomicOut *g = aout_open(name);
    int w = 760;
    gp_header(g, "wd-sigma.png", w * nr, 860);
    aout_printf(g, "set multiplot\nset xrange [%.9g:%.9g]\n", xmin, xmax);
    aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n");
    for (int k = 0; k < nr; k++) {
        Run *r = &runs[k];
        double ox = (double)k / nr, sx = 1.0 / nr;
        aout_printf(g, "set origin %g,0.68\nset size %g,0.30\nunset colorbox\nset rmargin 14\n"
                       "set key inside top right vertical\n", ox, sx);
        int nok = 0;
        for (int i = 0; i < r->n; i++) nok += r->ok[i];
        aout_printf(g, "set title '%s: %d set%s evaluated, %d finished ok'\n", r->label, r->n,
                    r->n == 1 ? "" : "s", nok);
        aout_printf(g, "set xlabel ''\nset format x ''\nset ylabel 'sets per bin'\n"
                       "set yrange [0:%d]\nset ytics %d\nset style fill solid 0.6 border lc rgb '#333333'\n",
                    hmax + 1, hmax <= 8 ? 1 : (hmax + 5) / 6);
        aout_printf(g, "plot 'wd-hist-%d.dat' u 1:2:(%.9g) w boxes lc rgb '#6a8caf' "
                       "title 'histogram of sampled mean W1'\n", k + 1, (xmax - xmin) / NHIST);
        aout_printf(g, "set origin %g,0.0\nset size %g,0.70\nset title ''\nset format x '%%g'\nset ytics autofreq\n", ox, sx);
        aout_printf(g, "set xlabel 'mean W1 over trials (scaled units)'\n"
                       "set ylabel 'σ of W1 over trials (scaled units)'\nset yrange [0:%.9g]\n",
                    ymax);
        int lg = hp_log(r, cidx[k]) && cmin > 0;
        aout_printf(g, "set colorbox\n%s\nset cbrange [%.9g:%.9g]\nset cblabel '%s (%s%s)'\n",
                    lg ? "set logscale cb\nset cbtics (1e-6, 2e-6, 5e-6, 1e-5, 2e-5, 5e-5, 1e-4, 2e-4, "
                         "5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1)"
                       : "unset logscale cb\nset cbtics autofreq", cmin, cmax, color_by,
                    hp_unit(color_by), lg ? ", log scale" : "");
        aout_printf(g, "set key below\nset rmargin 14\n");
        aout_printf(g, "plot 'wd-sigma-%d.dat' index 0 u 2:3:4 w p pt 7 ps 1.4 lc palette "
                       "title 'hyperparameter set'", k + 1);
        if (r->best >= 0)
            aout_printf(g, ", '' index 1 u 2:3 w p pt 6 ps 4 lw 2.5 lc rgb 'black' "
                           "title 'best set #%d'", r->id[r->best]);
        aout_printf(g, "\n");
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
}

/* Threshold used for the "good sets" column of the sensitivity figure. */
static double default_threshold(const Run *r)
{
    double *v = xmalloc((size_t)r->n * sizeof *v);
    for (int i = 0; i < r->n; i++) v[i] = r->ok[i] ? r->mean[i] : NAN;
    double q = quantile(v, r->n, 0.25);
    free(v);
    return q;
}

/* 2. Sensitivity: per hyperparameter W1 +- sigma vs value (all, under threshold) and the
 * sampling histogram. */
static void pic_sensitivity(const Run *r, const char *dir, double thr)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/sensitivity.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# one block per hyperparameter: value wd_mean wd_std id under_threshold\n");
    for (int j = 0; j < r->d; j++) {
        aout_printf(o, "# %s\n", r->hp[j]);
        for (int i = 0; i < r->n; i++)
            if (r->ok[i])
                aout_printf(o, "%.9g %.9g %.9g %d %d\n", r->x[(size_t)i * r->d + j], r->mean[i],
                            r->sd[i], r->id[i], r->mean[i] <= thr);
        aout_printf(o, "\n\n");
    }
    aout_commit(o);
    snprintf(name, sizeof name, "%s/sampling.dat", dir);
    o = aout_open(name);
    aout_printf(o, "# one block per hyperparameter: bin centre, low, high, sets sampled\n");
    double *wid = xmalloc((size_t)r->d * sizeof *wid);
    for (int j = 0; j < r->d; j++) {
        double lo = r->lo[j] * r->scal[j], hi = r->hi[j] * r->scal[j];
        int nv = (int)(r->hi[j] - r->lo[j]) + 1, lg = hp_log(r, j);
        int nb = nv <= 30 && !lg ? nv : 20;
        /* bins: one per lattice value when few, else 20 equal (log-equal for learning rates) */
        double a = lg ? log(lo) : nv <= 30 ? lo - 0.5 * r->scal[j] : lo;
        double w = ((lg ? log(hi) : nv <= 30 ? hi + 0.5 * r->scal[j] : hi) - a) / nb;
        if (!(w > 0)) { nb = 1; a = lo - 0.5 * r->scal[j]; w = r->scal[j]; lg = 0; }
        int *cnt = xcalloc((size_t)nb, sizeof *cnt);
        for (int i = 0; i < r->n; i++) {
            double v = r->x[(size_t)i * r->d + j];
            int b = (int)floor(((lg ? log(v) : v) - a) / w);
            cnt[b < 0 ? 0 : b >= nb ? nb - 1 : b]++;
        }
        aout_printf(o, "# %s: centre low high sets\n", r->hp[j]);
        for (int b = 0; b < nb; b++) {
            double l = a + b * w, h = l + w;
            if (lg) l = exp(l), h = exp(h);
            aout_printf(o, "%.9g %.9g %.9g %d\n", lg ? sqrt(l * h) : 0.5 * (l + h), l, h, cnt[b]);
        }
        aout_printf(o, "\n\n");
        int cmax = 0;
        for (int b = 0; b < nb; b++) cmax = cnt[b] > cmax ? cnt[b] : cmax;
        wid[j] = cmax;  /* tallest bin: whole-number tics for small counts */
        free(cnt);
    }
    aout_commit(o);
    double ymax = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) ymax = fmax(ymax, r->mean[i] + r->sd[i]);
    double ythr = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i] && r->mean[i] <= thr) ythr = fmax(ythr, r->mean[i] + r->sd[i]);
    snprintf(name, sizeof name, "%s/sensitivity.gp", dir);
    AtomicOut *g = aout_open(name);
    int rowh = 300;
    gp_header(g, "sensitivity.png", 1500, rowh * r->d + 60);
    aout_printf(g, "set multiplot layout %d,3 title '%s: sensitivity of mean W1 to each "
                   "hyperparameter (error bars: σ over trials)'\n", r->d, r->label);
    aout_printf(g, "set style fill solid 0.6 border lc rgb '#333333'\n");
    for (int j = 0; j < r->d; j++) {
        double lo = r->lo[j] * r->scal[j], hi = r->hi[j] * r->scal[j];
        double pad = 0.03 * (hi - lo) + 0.5 * r->scal[j];
        if (hp_log(r, j))
            aout_printf(g, "set logscale x\nset xrange [%.9g:%.9g]\n", lo / 1.3, hi * 1.3);
        else
            aout_printf(g, "unset logscale x\nset xrange [%.9g:%.9g]\n", lo - pad, hi + pad);
        aout_printf(g, "set xlabel '%s (%s%s)'\n", r->hp[j], hp_unit(r->hp[j]),
                    hp_log(r, j) ? ", log scale" : "");
        aout_printf(g, "set ylabel 'mean W1 (scaled units)'\nset yrange [0:%.9g]\n", ymax * 1.05 + 1e-9);
        aout_printf(g, "set title 'all finished sets'\n");
        aout_printf(g, "plot 'sensitivity.dat' index %d u 1:2:3 w yerrorbars pt 7 ps 0.8 "
                       "lc rgb '#2c7bb6' notitle\n", j);
        aout_printf(g, "set yrange [0:%.9g]\n", ythr * 1.05 + 1e-9);
        aout_printf(g, "set title 'sets with mean W1 <= %.4g'\n", thr);
        aout_printf(g, "plot 'sensitivity.dat' index %d u ($5 != 0 ? $1 : NaN):2:3 w yerrorbars pt 7 "
                       "ps 0.8 lc rgb '#d7191c' notitle\n", j);
        aout_printf(g, "set yrange [0:*]\nset ylabel 'sets sampled'\nset title 'sampling histogram'\n"
                       "set ytics %d\n", wid[j] <= 8 ? 1 : (int)ceil(wid[j] / 6));
        aout_printf(g, "plot 'sampling.dat' index %d u 1:4:2:3:(0):4 w boxxyerror lc rgb '#6a8caf' "
                       "notitle\nset ytics autofreq\n", j);
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
    free(wid);
}

/* 2b. Importance from the surrogate: `surrogate-propose --importance` prints name,S1,ST (first-
 * order and total Sobol indices of the fitted surrogate), `--interactions` prints
 * name_a,name_b,S2 with the strongest pair first. Nothing is drawn when it is unavailable: the
 * report says why instead. Returns 1 when the chart was set up. */
static int run_surrogate(const char *exe, const Run *r, const char *mode, const char *out,
                         const char *err, char *msg, size_t msgn)
{
    char *space = path_join(r->dir, "space.csv"), *hist = path_join(r->dir, "history.csv");
    const char *method = conf_get(r, "method");
    int gp = method && strcmp(method, "gp") == 0;
    char *argv[] = {(char *)exe, "--space", space, "--history", hist, (char *)mode, "--method",
                    gp ? "gp" : "rbf", "--seed", "1", NULL};
    int rc = run_cmd(argv, NULL, out, err);
    first_line(err, msg, msgn);
    free(space), free(hist);
    return rc;
}

static int pic_importance(const Run *r, const char *dir, const char *surrogate, Notes *nt,
                          char *pair, size_t pairn)
{
    char *exe = find_exec(surrogate);
    if (!exe) {
        note(nt, "<li>Surrogate importance omitted: <code>%s</code> not found on PATH.</li>\n",
             surrogate);
        return 0;
    }
    char *out = path_join(dir, ".importance.csv"), *err = path_join(dir, ".importance.err");
    const char *method = conf_get(r, "method");
    int gp = method && strcmp(method, "gp") == 0;
    char line[512];
    int made = 0, rc = run_surrogate(exe, r, "--importance", out, err, line, sizeof line);
    if (rc != 0) {
        note(nt, "<li>Surrogate importance omitted: <code>%s --importance</code> exited %d", exe, rc);
        note(nt, " (%s).</li>\n", line);
        goto done;
    }
    {
        CsvReader *c = csv_open(out);
        int cn = csv_find(c, "name"), c1 = csv_find(c, "S1"), ct = csv_find(c, "ST");
        if (cn < 0 || c1 < 0) {
            csv_close(c);
            note(nt, "<li>Surrogate importance omitted: output of <code>%s --importance</code> "
                     "has no name and S1 columns.</li>\n", exe);
            goto done;
        }
        char name[4200];
        snprintf(name, sizeof name, "%s/importance.dat", dir);
        AtomicOut *o = aout_open(name);
        aout_printf(o, "# hyperparameter S1 ST\n");
        int nrow = 0;
        while (csv_next(c)) {
            const char *nm = csv_str(c, cn);
            for (const char *q = nm; *q; q++)
                if (*q == ' ' || *q == '"' || *q == '\'') csv_fail(c, "odd hyperparameter name '%s'", nm);
            double v1, vt;
            if (csv_parse_double(csv_str(c, c1), &v1) != 0) v1 = NAN;
            if (ct < 0 || csv_parse_double(csv_str(c, ct), &vt) != 0) vt = NAN;
            aout_printf(o, "\"%s\" %.9g %.9g\n", nm, v1, vt);
            nrow++;
        }
        csv_close(c);
        aout_commit(o);
        if (nrow == 0) {
            note(nt, "<li>Surrogate importance omitted: no rows from <code>%s</code>.</li>\n", exe);
            goto done;
        }
        /* the strongest interacting pair: first row of --interactions */
        rc = run_surrogate(exe, r, "--interactions", out, err, line, sizeof line);
        if (rc == 0) {
            c = csv_open(out);
            int ca = csv_find(c, "name_a"), cb = csv_find(c, "name_b"), c2 = csv_find(c, "S2");
            double v;
            if (ca >= 0 && cb >= 0 && c2 >= 0 && csv_next(c) && csv_parse_double(csv_str(c, c2), &v) == 0)
                snprintf(pair, pairn, "%s x %s (second-order index %.3g)", csv_str(c, ca), csv_str(c, cb), v);
            csv_close(c);
        }
        if (!pair[0]) {
            note(nt, "<li>Strongest interaction omitted: <code>%s --interactions</code> gave none "
                     "(exit %d", exe, rc);
            note(nt, "%s%s).</li>\n", line[0] ? ": " : "", line);
        }
        snprintf(name, sizeof name, "%s/importance.gp", dir);
        AtomicOut *g = aout_open(name);
        gp_header(g, "importance.png", 960, 560);
        aout_printf(g, "set title \"%s: Sobol indices of the %s surrogate fitted to the history%s%s\"\n",
                    r->label, gp ? "GP" : "RBF", pair[0] ? "\\nstrongest interaction: " : "", pair);
        aout_printf(g, "set style data histograms\nset style histogram clustered gap 1\n"
                       "set style fill solid 0.75 border lc rgb '#333333'\nset yrange [0:*]\n"
                       "set xtics rotate by -25\nset key top right box opaque\n"
                       "set ylabel 'Sobol index (share of the variance of mean W1)'\n"
                       "set xlabel 'hyperparameter'\n");
        aout_printf(g, "plot 'importance.dat' u 2:xtic(1) lc rgb '#2c7bb6' title 'first order S1 (alone)', "
                       "'' u 3 lc rgb '#fdae61' title 'total ST (with interactions)'\n");
        aout_commit(g);
        made = 1;
    }
done:
    unlink(out);
    unlink(err);
    free(out), free(err), free(exe);
    return made;
}

/* 3. Convergence: best W1 so far vs evaluations, one curve per method, mean +- 1 sigma over runs
 * of the same method. */
static void pic_convergence(Run *runs, int nr, const char *dir)
{
    int *group = xmalloc((size_t)nr * sizeof *group);
    const char **gname = xmalloc((size_t)nr * sizeof *gname);
    int ng = 0;
    for (int k = 0; k < nr; k++) {
        const char *m = conf_get(&runs[k], "method");
        if (!m) m = "unknown";
        int g = -1;
        for (int q = 0; q < ng; q++)
            if (strcmp(gname[q], m) == 0) g = q;
        if (g < 0) { g = ng; gname[ng++] = m; }
        group[k] = g;
    }
    char name[4200];
    snprintf(name, sizeof name, "%s/convergence.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# one block per method: evaluation best_so_far_mean minus_sigma plus_sigma runs\n");
    /* the band as steps like the curves: each value held from e to e+1 */
    snprintf(name, sizeof name, "%s/convergence-band.dat", dir);
    AtomicOut *ob = aout_open(name);
    aout_printf(ob, "# one block per method: x minus_sigma plus_sigma (each evaluation twice)\n");
    int nmax = 0;
    int *gruns = xcalloc((size_t)ng, sizeof *gruns);
    for (int q = 0; q < ng; q++) {
        int len = -1;
        for (int k = 0; k < nr; k++)
            if (group[k] == q) {
                gruns[q]++;
                if (len < 0 || runs[k].n < len) len = runs[k].n;
            }
        if (len > nmax) nmax = len;
        aout_printf(o, "# %s\n", gname[q]);
        double *best = xmalloc((size_t)nr * sizeof *best);
        for (int k = 0; k < nr; k++) best[k] = INFINITY;
        for (int e = 0; e < len; e++) {
            double s = 0, s2 = 0;
            int m = 0;
            for (int k = 0; k < nr; k++) {
                if (group[k] != q) continue;
                if (runs[k].ok[e] && runs[k].mean[e] < best[k]) best[k] = runs[k].mean[e];
                if (isfinite(best[k])) s += best[k], s2 += best[k] * best[k], m++;
            }
            if (m < gruns[q]) continue;  /* a run with no finished set yet: no curve */
            double mu = s / m, var = m > 1 ? (s2 - m * mu * mu) / (m - 1) : 0;
            double sg = sqrt(var > 0 ? var : 0);
            aout_printf(o, "%d %.9g %.9g %.9g %d\n", e + 1, mu, mu - sg, mu + sg, m);
            aout_printf(ob, "%d %.9g %.9g\n%d %.9g %.9g\n", e + 1, mu - sg, mu + sg,
                        e + 1 < len ? e + 2 : e + 1, mu - sg, mu + sg);
        }
        aout_printf(o, "\n\n");
        aout_printf(ob, "\n\n");
        free(best);
    }
    aout_commit(o);
    aout_commit(ob);
    /* each run's own curve, thin beneath its method's mean: a band from two runs says little */
    snprintf(name, sizeof name, "%s/convergence-runs.dat", dir);
    o = aout_open(name);
    aout_printf(o, "# one block per run directory: evaluation best_so_far\n");
    for (int k = 0; k < nr; k++) {
        aout_printf(o, "# %s\n", runs[k].dir);
        double b = INFINITY;
        for (int e = 0; e < runs[k].n; e++) {
            if (runs[k].ok[e] && runs[k].mean[e] < b) b = runs[k].mean[e];
            if (isfinite(b)) aout_printf(o, "%d %.9g\n", e + 1, b);
        }
        aout_printf(o, "\n\n");
    }
    aout_commit(o);
    snprintf(name, sizeof name, "%s/convergence.gp", dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "convergence.png", 1000, 620);
    aout_printf(g, "set title 'Convergence: best mean W1 found so far (band: ±1σ over repeated runs)'\n");
    aout_printf(g, "set xlabel 'evaluations (hyperparameter sets finished)'\n"
                   "set ylabel 'best mean W1 so far (scaled units)'\nset xrange [0.5:%d.5]\n"
                   "set key top right box opaque\nset style fill transparent solid 0.25 noborder\n",
                nmax);
    /* the end of the initial design, per distinct n_init */
    int marked[16], nm = 0;
    for (int k = 0; k < nr; k++) {
        const char *s = conf_get(&runs[k], "n_init");
        int v = s ? atoi(s) : 0;
        int seen = 0;
        for (int q = 0; q < nm; q++) seen |= marked[q] == v;
        if (v <= 0 || seen || nm == 16) continue;
        marked[nm++] = v;
        aout_printf(g, "set arrow from %g, graph 0 to %g, graph 1 nohead dt 2 lw 1.5 lc rgb '#555555'\n",
                    v + 0.5, v + 0.5);
        aout_printf(g, "set label 'end of initial design (n_init=%d)' at %g, graph 0.04 left "
                       "offset 0.5,0 tc rgb '#555555'\n", v, v + 0.5);
    }
    static const char *col[] = {"#d7191c", "#2c7bb6", "#1a9641", "#7b3294", "#fdae61", "#555555"};
    aout_printf(g, "plot ");
    for (int q = 0; q < ng; q++) {
        const char *c = col[q % 6];
        if (q) aout_printf(g, ", \\\n     ");
        if (gruns[q] > 1) {
            aout_printf(g, "'convergence-band.dat' index %d u 1:2:3 w filledcurves lc rgb '%s' "
                           "title '%s ±1σ', ", q, c, gname[q]);
            for (int k = 0, first = 1; k < nr; k++)
                if (group[k] == q) {
                    aout_printf(g, "'convergence-runs.dat' index %d u 1:2 w steps lw 0.8 dt 3 lc rgb '%s' "
                                   "%s%s%s, ", k, c, first ? "title '" : "notitle", first ? gname[q] : "",
                                first ? " single runs'" : "");
                    first = 0;
                }
        }
        aout_printf(g, "'convergence.dat' index %d u 1:2 w steps lw 2.5 lc rgb '%s' "
                       "title '%s (%s of %d run%s)'", q, c, gname[q], gruns[q] > 1 ? "mean" : "one",
                    gruns[q], gruns[q] > 1 ? "s" : "");
    }
    aout_printf(g, "\n");
    aout_commit(g);
    free(group), free(gname), free(gruns);
}

/* 5. Pareto view: non-dominated sets in (mean W1, sigma, parameters). Returns the front size;
 * front[] gets history indices. */
static int pareto_front(const Run *r, int *front)
{
    int nf = 0;
    for (int i = 0; i < r->n; i++) {
        if (!r->ok[i]) continue;
        int dom = 0;
        for (int j = 0; j < r->n && !dom; j++) {
            if (j == i || !r->ok[j]) continue;
            double pi = isfinite(r->params[i]) ? r->params[i] : 0,
                   pj = isfinite(r->params[j]) ? r->params[j] : 0;
            int le = r->mean[j] <= r->mean[i] && r->sd[j] <= r->sd[i] && pj <= pi;
            int lt = r->mean[j] < r->mean[i] || r->sd[j] < r->sd[i] || pj < pi;
            dom = le && lt;
        }
        if (!dom) front[nf++] = i;
    }
    return nf;
}

static void pic_pareto(const Run *r, const char *dir, const int *front, int nf)
{
    char name[4200];
    snprintf(name, sizeof name, "%s/pareto.dat", dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# all finished sets: id wd_mean wd_std params\n");
    int haveparams = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) {
            aout_printf(o, "%d %.9g %.9g %.9g\n", r->id[i], r->mean[i], r->sd[i], r->params[i]);
            haveparams |= isfinite(r->params[i]);
        }
    double pmin = INFINITY, pmax = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i] && isfinite(r->params[i]) && r->params[i] > 0)
            pmin = fmin(pmin, r->params[i]), pmax = fmax(pmax, r->params[i]);
    haveparams = pmax > 0;  /* a log axis needs positive counts */
    aout_printf(o, "\n\n# non-dominated sets, by parameters\n");
    /* the front sorted by parameter count draws as a trade-off curve */
    int *srt = xmalloc((size_t)(nf > 0 ? nf : 1) * sizeof *srt);
    memcpy(srt, front, (size_t)nf * sizeof *srt);
    for (int a = 1; a < nf; a++)
        for (int b = a; b > 0 && r->params[srt[b]] < r->params[srt[b - 1]]; b--) {
            int t = srt[b]; srt[b] = srt[b - 1]; srt[b - 1] = t;
        }
    /* column 5: labels above (1) or below (-1), alternating along the front so neighbours
     * do not print over each other */
    for (int a = 0; a < nf; a++)
        aout_printf(o, "%d %.9g %.9g %.9g %d\n", r->id[srt[a]], r->mean[srt[a]], r->sd[srt[a]],
                    r->params[srt[a]], a % 2 ? -1 : 1);
    aout_commit(o);
    free(srt);
    snprintf(name, sizeof name, "%s/pareto.gp", dir);
    AtomicOut *g = aout_open(name);
    gp_header(g, "pareto.png", 1500, 620);
    aout_printf(g, "set multiplot layout 1,2 title '%s: %d non-dominated sets in (mean W1, σ, "
                   "parameter count), labelled by set id'\n", r->label, nf);
    aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#ffffbf', 1 '#d7191c')\n"
                   "set key bottom right box opaque\nset lmargin 10\nset rmargin 18\n");
    if (haveparams) {
        aout_printf(g, "set logscale xy\nset xlabel 'trainable parameters (generator + discriminator, count)'\n"
                       "set ylabel 'mean W1 (scaled units, log scale)'\nset cblabel 'σ of W1 (scaled units)'\n"
                       "set key top left box opaque\n");
        double m0 = INFINITY, m1 = 0, p0 = INFINITY, p1 = 0;
        for (int i = 0; i < r->n; i++)
            if (r->ok[i] && r->mean[i] > 0 && isfinite(r->params[i]) && r->params[i] > 0) {
                m0 = fmin(m0, r->mean[i]), m1 = fmax(m1, r->mean[i]);
                p0 = fmin(p0, r->params[i]), p1 = fmax(p1, r->params[i]);
            }
        double s0 = INFINITY, s1 = -INFINITY;
        for (int i = 0; i < r->n; i++)
            if (r->ok[i]) s0 = fmin(s0, r->sd[i]), s1 = fmax(s1, r->sd[i]);
        if (isfinite(s0))  /* explicit: a single value would leave gnuplot an empty range */
            aout_printf(g, "set cbrange [%.9g:%.9g]\n", s0, s1 > s0 ? s1 : s0 + 1e-3);
        if (m1 > 0)  /* tight log ranges: autoscaling pads to whole decades */
            aout_printf(g, "set xrange [%.9g:%.9g]\nset yrange [%.9g:%.9g]\n"
                           "set ytics (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)\n",
                        p0 / 1.6, p1 * 1.6, m0 / 1.25, m1 * 1.6);
        aout_printf(g, "plot 'pareto.dat' index 0 u 4:2:3 w p pt 7 ps 1.2 lc palette title 'finished set', "
                       "'' index 1 u 4:2 w p pt 6 ps 3 lw 2 lc rgb 'black' title 'non-dominated', "
                       "'' index 1 u 4:($5 > 0 ? $2 : NaN):(sprintf('%%d',$1)) w labels offset 0,1.3 tc rgb 'black' notitle");
        /* gnuplot 5.4 crashes on a labels plot without a valid point: only when there is one */
        if (nf > 1)
            aout_printf(g, ", '' index 1 u 4:($5 < 0 ? $2 : NaN):(sprintf('%%d',$1)) w labels offset 0,-1.3 "
                           "tc rgb 'black' notitle");
        aout_printf(g, "\n");
        aout_printf(g, "unset logscale xy\nset key bottom right box opaque\nset autoscale xy\nset ytics autofreq\n");
    } else {
        aout_printf(g, "set title 'no parameter counts in trials/: front in (mean W1, σ) only'\n"
                       "unset xtics\nunset ytics\nplot NaN notitle\nset xtics\nset ytics\nset title ''\n");
    }
    double mx = 0, sx = 0;
    for (int i = 0; i < r->n; i++)
        if (r->ok[i]) mx = fmax(mx, r->mean[i]), sx = fmax(sx, r->sd[i]);
    aout_printf(g, "set xlabel 'mean W1 (scaled units)'\nset ylabel 'σ of W1 (scaled units)'\n"
                   "set xrange [0:%.9g]\nset yrange [0:%.9g]\n", mx * 1.08 + 1e-9, sx * 1.12 + 1e-9);
    if (haveparams)
        aout_printf(g, "set logscale cb\nset cblabel 'trainable parameters (count)'\n"
                       "set cbrange [%.9g:%.9g]\n", pmin / 1.2, pmax * 1.2);
    if (haveparams)
        aout_printf(g, ""
                       "plot 'pareto.dat' index 0 u 2:3:4 w p pt 7 ps 1.2 lc palette title 'finished set', ");
    else
        aout_printf(g, "plot 'pareto.dat' index 0 u 2:3 w p pt 7 ps 1.2 lc rgb '#2c7bb6' title 'finished set', ");
    aout_printf(g, "'' index 1 u 2:3 w p pt 6 ps 3 lw 2 lc rgb 'black' title 'non-dominated', "
                   "'' index 1 u 2:($5 > 0 ? $3 : NaN):(sprintf('%%d',$1)) w labels offset 1.8,0 tc rgb 'black' notitle");
    if (nf > 1)
        aout_printf(g, ", '' index 1 u 2:($5 < 0 ? $3 : NaN):(sprintf('%%d',$1)) w labels offset -1.8,0 "
                       "tc rgb 'black' notitle");
    aout_printf(g, "\n");
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
}

/* 6. Timing. timeline.csv's slot is the set slot (workflows/anp): a set's trials run side by side
 * on it, so a slot is busy while any of its trials runs (the union of their intervals), and the
 * run's capacity in trial time is slots x trials per set x wall time. */
typedef struct {
    double wall, sum, t0, busy;    /* busy: summed over slots, union of each slot's trials */
    int nslots, slot_min, slot_max, trials;
} Timing;

static int cmp_interval(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

/* Seconds during which slot sl had at least one trial running. */
static double slot_busy(const Run *r, int sl)
{
    double *iv = xmalloc(2 * (size_t)(r->nt > 0 ? r->nt : 1) * sizeof *iv);
    int n = 0;
    for (int i = 0; i < r->nt; i++)
        if (r->t_slot[i] == sl) iv[2 * n] = r->t_start[i], iv[2 * n + 1] = r->t_end[i], n++;
    qsort(iv, (size_t)n, 2 * sizeof *iv, cmp_interval);
    double busy = 0, a = 0, b = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (iv[2 * i] > b) {
            if (isfinite(b)) busy += b - a;
            a = iv[2 * i], b = iv[2 * i + 1];
        } else if (iv[2 * i + 1] > b) {
            b = iv[2 * i + 1];
        }
    }
    if (isfinite(b)) busy += b - a;
    free(iv);
    return busy;
}

static Timing timing_of(const Run *r)
{
    Timing t = {0, 0, 0, 0, 0, 0, 0, 0};
    if (r->nt == 0) return t;
    const char *st = conf_get(r, "started");
    double t0 = INFINITY, t1 = -INFINITY;
    for (int i = 0; i < r->nt; i++) {
        t0 = fmin(t0, r->t_start[i]);
        t1 = fmax(t1, r->t_end[i]);
        t.sum += r->t_end[i] - r->t_start[i];
        if (r->t_trial[i] > t.trials) t.trials = r->t_trial[i];
    }
    const char *tc = conf_get(r, "trials");
    if (tc && atoi(tc) > 0) t.trials = atoi(tc);
    double s;
    if (st && csv_parse_double(st, &s) == 0 && s <= t0) t0 = s;
    t.t0 = t0;
    t.wall = t1 - t0;
    t.slot_min = t.slot_max = r->t_slot[0];
    for (int i = 0; i < r->nt; i++) {
        if (r->t_slot[i] < t.slot_min) t.slot_min = r->t_slot[i];
        if (r->t_slot[i] > t.slot_max) t.slot_max = r->t_slot[i];
    }
    for (int sl = t.slot_min; sl <= t.slot_max; sl++)
        for (int i = 0; i < r->nt; i++)
            if (r->t_slot[i] == sl) {
                t.nslots++;
                t.busy += slot_busy(r, sl);
                break;
            }
    return t;
}

static int pic_timing(Run *runs, int nr, const char *dir, Notes *nt)
{
    int have = 0;
    for (int k = 0; k < nr; k++) have += runs[k].nt > 0;
    if (!have) {
        note(nt, "<li>Timing omitted: no timeline.csv with finished trials.</li>\n");
        return 0;
    }
    char name[4200];
    snprintf(name, sizeof name, "%s/timing.gp", dir);
    AtomicOut *g = aout_open(name);
    int rowpx = 560;
    gp_header(g, "timing.png", 1400, rowpx * have);
    aout_printf(g, "set multiplot\nset style fill solid 0.8 border lc rgb '#333333'\n");
    int row = 0;
    for (int k = 0; k < nr; k++) {
        Run *r = &runs[k];
        if (r->nt == 0) continue;
        Timing t = timing_of(r);
        double unit = t.wall > 2 * 3600 ? 3600 : t.wall > 120 ? 60 : 1;
        const char *uname = unit == 3600 ? "h" : unit == 60 ? "min" : "s";
        int T = t.trials > 0 ? t.trials : 1;
        snprintf(name, sizeof name, "%s/timeline-%d.dat", dir, k + 1);
        AtomicOut *o = aout_open(name);
        aout_printf(o, "# start_since_run_start(%s) duration(%s) y set_id slot trial\n", uname, uname);
        for (int i = 0; i < r->nt; i++) {
            /* a set's trials side by side within their slot's row */
            int tr = r->t_trial[i] >= 1 && r->t_trial[i] <= T ? r->t_trial[i] : 1;
            double y = r->t_slot[i] - 0.4 + (tr - 0.5) * 0.8 / T;
            aout_printf(o, "%.9g %.9g %.6g %d %d %d\n", (r->t_start[i] - t.t0) / unit,
                        (r->t_end[i] - r->t_start[i]) / unit, y, r->t_id[i], r->t_slot[i], tr);
        }
        aout_commit(o);
        snprintf(name, sizeof name, "%s/slots-%d.dat", dir, k + 1);
        o = aout_open(name);
        aout_printf(o, "# slot busy_seconds busy_percent_of_wall (busy: any of its trials running)\n");
        for (int sl = t.slot_min; sl <= t.slot_max; sl++) {
            int any = 0;
            for (int i = 0; i < r->nt && !any; i++) any = r->t_slot[i] == sl;
            if (!any) continue;
            double busy = slot_busy(r, sl);
            aout_printf(o, "%d %.9g %.9g\n", sl, busy, t.wall > 0 ? 100 * busy / t.wall : 0);
        }
        aout_commit(o);
        snprintf(name, sizeof name, "%s/walltime-%d.dat", dir, k + 1);
        o = aout_open(name);
        aout_printf(o, "# quantity %s\n", uname);
        aout_printf(o, "\"wall time\" %.9g\n\"sum of trial times\" %.9g\n\"capacity\" %.9g\n",
                    t.wall / unit, t.sum / unit, (double)t.nslots * T * t.wall / unit);
        aout_commit(o);
        double h = 1.0 / have, y0 = 1.0 - (row + 1) * h;
        /* bar thickness in pixels: the row's share of a slot, most of it */
        double ppu = 0.75 * rowpx / (t.slot_max - t.slot_min + 1.4);
        double lw = fmin(14, fmax(1.5, 0.75 * ppu * 0.8 / T));
        aout_printf(g, "set origin 0,%g\nset size 0.62,%g\nunset logscale\n", y0, h);
        aout_printf(g, "set title '%s: each trial on its set slot (%d trials per set side by side; "
                       "colour: set id)'\n", r->label, T);
        aout_printf(g, "set xlabel 'time since run start (%s)'\nset ylabel 'set slot'\n"
                       "set yrange [%g:%g]\nset xrange [0:*]\nset ytics 1\n", uname,
                    t.slot_min - 0.7, t.slot_max + 0.7);
        int id0 = r->t_id[0], id1 = r->t_id[0];
        for (int i = 0; i < r->nt; i++)
            id0 = r->t_id[i] < id0 ? r->t_id[i] : id0, id1 = r->t_id[i] > id1 ? r->t_id[i] : id1;
        aout_printf(g, "set palette defined (0 '#2c7bb6', 0.5 '#1a9641', 1 '#d7191c')\n"
                       "set cblabel 'set id' offset 1.5,0\nunset key\nset cbrange [%g:%g]\nset cbtics %d\n",
                    id0 - 0.5, id1 + 0.5, id1 - id0 < 10 ? 1 : (id1 - id0 + 9) / 10);
        aout_printf(g, "plot 'timeline-%d.dat' u 1:3:2:(0):4 w vectors nohead lw %.3g lc palette\n",
                    k + 1, lw);
        aout_printf(g, "unset colorbox\nset ytics autofreq\n");
        aout_printf(g, "set origin 0.62,%g\nset size 0.38,%g\n", y0 + h * 0.5, h * 0.5);
        aout_printf(g, "set title 'share of the wall time each set slot was busy'\n"
                       "set xlabel 'set slot'\nset ylabel 'busy (%% of wall time)'\nset xrange [%g:%g]\n"
                       "set yrange [0:110]\nset boxwidth 0.7\nset xtics 1\n",
                    t.slot_min - 0.7, t.slot_max + 0.7);
        aout_printf(g, "plot 'slots-%d.dat' u 1:3 w boxes lc rgb '#6a8caf' notitle\n", k + 1);
        aout_printf(g, "set xtics autofreq\nset origin 0.62,%g\nset size 0.38,%g\n", y0, h * 0.5);
        aout_printf(g, "set title \"speed-up %.2fx = sum of trial times / wall time\\n"
                       "utilisation %.0f%% = sum / capacity (%d slot%s x %d trial%s x wall)\"\n",
                    t.wall > 0 ? t.sum / t.wall : 0,
                    t.wall > 0 ? 100 * t.sum / (t.nslots * T * t.wall) : 0, t.nslots,
                    t.nslots == 1 ? "" : "s", T, T == 1 ? "" : "s");
        aout_printf(g, "set xlabel ''\nset ylabel 'time (%s)'\nset xrange [-0.6:2.6]\n"
                       "set yrange [0:*]\nset boxwidth 0.6\n", uname);
        aout_printf(g, "plot 'walltime-%d.dat' u 0:2:xtic(1) w boxes lc rgb '#fdae61' notitle\n", k + 1);
        aout_printf(g, "set colorbox\nset xtics autofreq\nset cbtics autofreq\nset autoscale cb\n");
        row++;
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
    return 1;
}

/* 4. Generated vs truth for the final phase (or the best set's models elsewhere). */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *resolve_data(const Run *r, const char *p)
{
    if (p[0] == '/' || file_exists(p)) return xstrdup(p);
    char *q = path_join(r->dir, p);
    if (file_exists(q)) return q;
    free(q);
    char *root = path_join(r->dir, "../../..");  /* runs/STUDY/PHASE: paths from the project root */
    q = path_join(root, p);
    free(root);
    if (file_exists(q)) return q;
    free(q);
    return NULL;
}

static int pic_generated(const Run *r, const char *dir, const char *sampler, long max_events,
                         Notes *nt, char *desc, size_t descn)
{
    const char *phase = conf_get(r, "phase");
    int final = phase && strcmp(phase, "final") == 0;
    if (r->best < 0) return 0;
    char *md = path_join(r->dir, "models");
    DIR *dp = opendir(md);
    if (!dp) {
        note(nt, "<li>Generated vs truth omitted: no models/ in %s%s.</li>\n", r->dir,
             final ? "" : " (drawn for the final phase, or the best set's saved models)");
        free(md);
        return 0;
    }
    char prefix[32];
    snprintf(prefix, sizeof prefix, "%d-", r->id[r->best]);
    char **models = NULL;
    int nm = 0;
    struct dirent *e;
    while ((e = readdir(dp))) {
        size_t k = strlen(e->d_name);
        if (k < 5 || strcmp(e->d_name + k - 4, ".gtm") != 0 || e->d_name[0] == '.') continue;
        if (!final && strncmp(e->d_name, prefix, strlen(prefix)) != 0) continue;
        models = xrealloc(models, (size_t)(nm + 1) * sizeof *models);
        models[nm++] = path_join(md, e->d_name);
    }
    closedir(dp);
    free(md);
    if (nm) qsort(models, (size_t)nm, sizeof *models, cmp_str);
    int made = 0;
    char *exe = NULL, *val = NULL;
    char **outc = NULL, **condc = NULL;
    int nout = 0, ncond = 0;
    double *vdat = NULL, *gen = NULL;
    size_t nv = 0;
    if (nm == 0) {
        note(nt, "<li>Generated vs truth omitted: no models of set #%d in models/.</li>\n",
             r->id[r->best]);
        goto done;
    }
    exe = find_exec(sampler);
    if (!exe) {
        note(nt, "<li>Generated vs truth omitted: <code>%s</code> not found on PATH.</li>\n", sampler);
        goto done;
    }
    const char *vconf = conf_get(r, "val"), *oc = conf_get(r, "out_cols"), *cc = conf_get(r, "cond_cols");
    if (!vconf || !oc || !*oc) {
        note(nt, "<li>Generated vs truth omitted: run.conf names no val file or out_cols.</li>\n");
        goto done;
    }
    val = resolve_data(r, vconf);
    if (!val) {
        note(nt, "<li>Generated vs truth omitted: validation file <code>%s</code> not found.</li>\n", vconf);
        goto done;
    }
    nout = split_list("out_cols", oc, &outc);
    ncond = cc && *cc ? split_list("cond_cols", cc, &condc) : 0;
    {
        int nc = nout + ncond;
        char **all = xmalloc((size_t)nc * sizeof *all);
        for (int j = 0; j < nout; j++) all[j] = outc[j];
        for (int j = 0; j < ncond; j++) all[nout + j] = condc[j];
        vdat = csv_load_cols(val, nc, all, (size_t)max_events, &nv);
        free(all);
    }
    /* one generated sample per model: gan-sample makes one event per condition row, in order */
    gen = xmalloc((size_t)nm * nv * (size_t)nout * sizeof *gen);
    char *gfile = path_join(dir, ".generated.csv"), *gerr = path_join(dir, ".generated.err");
    char *cfile = NULL;
    if (ncond) {  /* the conditions the truth was made with, in a file of their own */
        cfile = path_join(dir, ".conditions.csv");
        AtomicOut *o = aout_open(cfile);
        for (int j = 0; j < ncond; j++) aout_printf(o, "%s%s", j ? "," : "", condc[j]);
        aout_printf(o, "\n");
        for (size_t i = 0; i < nv; i++)
            for (int j = 0; j < ncond; j++)
                aout_printf(o, "%.9g%s", vdat[i * (nout + ncond) + nout + j], j + 1 < ncond ? "," : "\n");
        aout_commit(o);
    }
    int fail = 0;
    for (int m = 0; m < nm && !fail; m++) {
        char nbuf[32], sbuf[32];
        snprintf(nbuf, sizeof nbuf, "%zu", nv);
        snprintf(sbuf, sizeof sbuf, "%d", m + 1);
        char *argv[12];
        int a = 0;
        argv[a++] = exe, argv[a++] = "--model", argv[a++] = models[m], argv[a++] = "--events";
        argv[a++] = nbuf, argv[a++] = "--seed", argv[a++] = sbuf;
        if (cfile) argv[a++] = "--cond", argv[a++] = cfile;
        argv[a++] = "-o", argv[a++] = gfile, argv[a] = NULL;
        int rc = run_cmd(argv, NULL, NULL, gerr);
        if (rc != 0) {
            char line[512];
            first_line(gerr, line, sizeof line);
            note(nt, "<li>Generated vs truth omitted: <code>%s</code> failed on %s (exit %d", exe,
                 models[m], rc);
            note(nt, ": %s).</li>\n", line);
            fail = 1;
            break;
        }
        size_t ng;
        double *gd = csv_load_cols(gfile, nout, outc, 0, &ng);
        if (ng != nv) {
            note(nt, "<li>Generated vs truth omitted: %s gave %zu events for %zu asked.</li>\n",
                 models[m], ng, nv);
            fail = 1;
        } else {
            memcpy(gen + (size_t)m * nv * nout, gd, nv * (size_t)nout * sizeof *gd);
        }
        free(gd);
        unlink(gfile);
    }
    unlink(gerr);
    if (cfile) unlink(cfile);
    free(gfile), free(gerr), free(cfile);
    if (fail) goto done;
    {
        /* condition bins: quantiles of the energy condition (E) when there is one, else of the
         * first condition column, plus "all events" */
        int nbins = ncond ? 1 + NCONDBINS : 1, ci = 0;
        for (int j = 0; j < ncond; j++)
            if (strcmp(condc[j], "E") == 0 || strcmp(condc[j], "e") == 0) ci = j;
        double edges[NCONDBINS + 1];
        if (ncond) {
            double *cv = xmalloc(nv * sizeof *cv);
            for (size_t i = 0; i < nv; i++) cv[i] = vdat[i * (nout + ncond) + nout + ci];
            for (int b = 0; b <= NCONDBINS; b++) edges[b] = quantile(cv, (int)nv, (double)b / NCONDBINS);
            free(cv);
        }
        char name[4200];
        snprintf(name, sizeof name, "%s/generated.dat", dir);
        AtomicOut *o = aout_open(name);
        aout_printf(o, "# blocks: for each condition bin (all events first), each output column:\n"
                       "# x truth_density ens_mean ens_minus_sigma ens_plus_sigma ratio ratio_lo ratio_hi\n");
        double *h = xmalloc((size_t)(nm + 1) * NGENBINS * sizeof *h);
        /* every panel of a column shares one range, from the validation data */
        double *xlo = xmalloc((size_t)nout * sizeof *xlo), *xhi = xmalloc((size_t)nout * sizeof *xhi);
        double *col = xmalloc(nv * sizeof *col);
        for (int j = 0; j < nout; j++) {
            /* 0.1% to 99.9% of the data: a falling spectrum's sparse tail would squeeze the rest */
            for (size_t i = 0; i < nv; i++) col[i] = vdat[i * (nout + ncond) + j];
            xlo[j] = quantile(col, (int)nv, 0.001), xhi[j] = quantile(col, (int)nv, 0.999);
            if (!(xhi[j] > xlo[j])) xhi[j] = xlo[j] + 1;
        }
        free(col);
        /* ratio axis per panel: wide enough for 90% of the bins, 1 +- 0.2 at least */
        double *rr = xmalloc((size_t)nbins * nout * sizeof *rr), dev[NGENBINS];
        double *ytop = xcalloc((size_t)nbins * nout, sizeof *ytop);  /* histeps escape autoscale */
        for (int cb = 0; cb < nbins; cb++)
            for (int j = 0; j < nout; j++) {
                double lo = xlo[j], hi = xhi[j];
                int nd = 0;
                double w = (hi - lo) / NGENBINS;
                memset(h, 0, (size_t)(nm + 1) * NGENBINS * sizeof *h);
                double *tot = xcalloc((size_t)nm + 1, sizeof *tot);
                for (size_t i = 0; i < nv; i++) {
                    if (cb > 0) {
                        double c = vdat[i * (nout + ncond) + nout + ci];
                        if (c < edges[cb - 1] || (cb < NCONDBINS ? c >= edges[cb] : c > edges[cb])) continue;
                    }
                    for (int m = 0; m <= nm; m++) {
                        double v = m == 0 ? vdat[i * (nout + ncond) + j] : gen[((size_t)(m - 1) * nv + i) * nout + j];
                        int b = (int)floor((v - lo) / w);
                        tot[m]++;  /* events outside the truth's range still count: shape, not just overlap */
                        if (v == hi) b = NGENBINS - 1;
                        if (b >= 0 && b < NGENBINS) h[m * NGENBINS + b]++;
                    }
                }
                aout_printf(o, "# bin %d column %s\n", cb, outc[j]);
                for (int b = 0; b < NGENBINS; b++) {
                    double t = tot[0] > 0 ? h[b] / (tot[0] * w) : 0, s = 0, s2 = 0;
                    for (int m = 1; m <= nm; m++) {
                        double d = tot[m] > 0 ? h[m * NGENBINS + b] / (tot[m] * w) : 0;
                        s += d, s2 += d * d;
                    }
                    double mu = s / nm, var = nm > 1 ? (s2 - nm * mu * mu) / (nm - 1) : 0;
                    double sg = sqrt(var > 0 ? var : 0);
                    if (t > 0) dev[nd++] = fabs(mu / t - 1);
                    ytop[cb * nout + j] = fmax(ytop[cb * nout + j], fmax(t, mu + sg));
                    if (t > 0)
                        aout_printf(o, "%.9g %.9g %.9g %.9g %.9g %.9g %.9g %.9g\n", lo + (b + 0.5) * w,
                                    t, mu, mu - sg, mu + sg, mu / t, (mu - sg) / t, (mu + sg) / t);
                    else
                        aout_printf(o, "%.9g %.9g %.9g %.9g %.9g NaN NaN NaN\n", lo + (b + 0.5) * w,
                                    t, mu, mu - sg, mu + sg);
                }
                aout_printf(o, "\n\n");
                free(tot);
                double q = nd ? quantile(dev, nd, 0.9) : 0.5;
                rr[cb * nout + j] = fmin(1.5, fmax(0.2, ceil(11.5 * q) / 10));
            }
        aout_commit(o);
        free(h);
        snprintf(name, sizeof name, "%s/generated.gp", dir);
        AtomicOut *g = aout_open(name);
        int pw = 560, ph = 460;
        /* at most 3 panels a row: six dimuon variables make two rows */
        int ncp = nout < 3 ? nout : 3, rps = (nout + ncp - 1) / ncp, nrows = nbins * rps;
        gp_header(g, "generated.png", pw * ncp, ph * nrows + 50);
        aout_printf(g, "set multiplot title 'Set #%d: validation data vs %d trained generators "
                       "(band: ±1σ across models)'\n", r->id[r->best], nm);
        aout_printf(g, "set style fill transparent solid 0.3 noborder\nset key top right box opaque font ',9'\n");
        for (int cb = 0; cb < nbins; cb++)
            for (int j = 0; j < nout; j++) {
                int blk = cb * nout + j;
                int prow = cb * rps + j / ncp;
                double ox = (double)(j % ncp) / ncp, sx = 1.0 / ncp;
                double oy = 1.0 - (double)(prow + 1) / nrows * 0.95 - 0.03, sy = 0.95 / nrows;
                char cond[128] = "all events";
                if (cb > 0)
                    snprintf(cond, sizeof cond, "%.3g <= %s %s %.3g %s", edges[cb - 1], condc[ci],
                             cb < NCONDBINS ? "<" : "<=", edges[cb], var_unit(condc[ci]));
                aout_printf(g, "set origin %g,%g\nset size %g,%g\n", ox, oy + 0.32 * sy, sx, 0.68 * sy);
                aout_printf(g, "set title '%s (%s)'\nset xlabel ''\nset format x ''\n", outc[j], cond);
                const char *u = var_unit(outc[j]);
                aout_printf(g, "set ylabel 'normalised density%s%s%s'\nset yrange [0:%.9g]\n"
                               "set xrange [%.9g:%.9g]\n", strcmp(u, "dimensionless") ? " (1/" : "",
                            strcmp(u, "dimensionless") ? u : "", strcmp(u, "dimensionless") ? ")" : "",
                            1.4 * ytop[blk] + 1e-12,  /* headroom: the key sits above the data */
                            xlo[j], xhi[j]);
                aout_printf(g, "set bmargin 0.5\nset lmargin 10\n");
                aout_printf(g, "plot 'generated.dat' index %d u 1:4:5 w filledcurves lc rgb '#d7191c' "
                               "title 'generated ±1σ', '' index %d u 1:3 w histeps lw 2 lc rgb '#d7191c' "
                               "title 'generated (mean of %d)', '' index %d u 1:2 w histeps lw 2 lc rgb 'black' "
                               "title 'validation data'\n", blk, blk, nm, blk);
                aout_printf(g, "set origin %g,%g\nset size %g,%g\nset title ''\nset format x '%%g'\n",
                            ox, oy, sx, 0.32 * sy);
                aout_printf(g, "set xlabel '%s (%s)'\nset ylabel 'generated / data'\nset yrange [%g:%g]\n"
                               "set ytics %g\nset tmargin 0.5\nset bmargin 3.5\n", outc[j], var_unit(outc[j]),
                            fmax(0, 1 - rr[blk]), 1 + rr[blk], rr[blk] > 0.5 ? 0.5 : rr[blk] > 0.25 ? 0.2 : 0.1);
                aout_printf(g, "set arrow 1 from graph 0, first 1 to graph 1, first 1 nohead dt 2\nunset key\n");
                aout_printf(g, "plot 'generated.dat' index %d u 1:7:8 w filledcurves lc rgb '#d7191c' notitle, "
                               "'' index %d u 1:6 w histeps lw 2 lc rgb '#d7191c' notitle\n", blk, blk);
                aout_printf(g, "unset arrow 1\nset tmargin\nset bmargin\nset key\nset ytics autofreq\n");
            }
        aout_printf(g, "unset multiplot\n");
        aout_commit(g);
        free(xlo), free(xhi), free(rr), free(ytop);
        snprintf(desc, descn, "%d models of set #%d sampled with <code>%s</code>, %zu events each%s",
                 nm, r->id[r->best], exe, nv, ncond ? ", conditioned on the validation events" : "");
        made = 1;
    }
done:
    for (int m = 0; m < nm; m++) free(models[m]);
    free(models);
    free(exe), free(val), free(vdat), free(gen);
    if (outc) free(outc[0]), free(outc);
    if (condc) free(condc[0]), free(condc);
    return made;
}

/* ---------------------------------------------------------------- index.html */

enum { ST_FAILED, ST_TRIALS, ST_TRIALS_FAILED, ST_MEDIAN, ST_UNDER, ST_SPEEDUP, ST_UTIL, ST_SLOTBUSY };

/* One summary number of a run (NaN where it cannot be computed). */
static double stat_of(const Run *r, double thr, int what)
{
    double s = 0;
    switch (what) {
    case ST_FAILED: for (int i = 0; i < r->n; i++) s += !r->ok[i]; return s;
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

static void html_num(AtomicOut *o, const char *id, double v)
{
    aout_printf(o, "<td id=\"%s\">", id);
    if (isfinite(v)) aout_printf(o, "%.6g", v);
    else aout_printf(o, "&ndash;");
    aout_printf(o, "</td>");
}

static void write_index(Run *runs, int nr, const char *dir, double *thr, Picture *pics, int np,
                        const Notes *nt, const int *front, int nf, const char *pair, const char *gendesc)
{
    char *p = path_join(dir, "index.html");
    AtomicOut *o = aout_open(p);
    free(p);
    const char *study = conf_get(&runs[0], "study"), *phase = conf_get(&runs[0], "phase");
    aout_printf(o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>gantune report: ");
    html_esc(o, study ? study : runs[0].dir);
    aout_printf(o, " %s</title>\n<style>body{font-family:sans-serif;max-width:1500px;margin:1em auto}"
                   "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:3px 8px;"
                   "text-align:right}th{text-align:left;background:#f2f2f2}img{max-width:100%%;"
                   "border:1px solid #ddd}figcaption{color:#333;margin-bottom:2em}</style></head><body>\n",
                phase ? phase : "");
    aout_printf(o, "<h1>gantune report: ");
    html_esc(o, study ? study : "");
    aout_printf(o, " ");
    html_esc(o, phase ? phase : "");
    aout_printf(o, "</h1>\n<h2>Summary</h2>\n<table id=\"summary\">\n<tr><th>run</th>");
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
#define ROW(label, key, expr) do { \
        aout_printf(o, "<tr><th>%s</th>", label); \
        for (int k = 0; k < nr; k++) { Run *r = &runs[k]; (void)r; \
            snprintf(id, sizeof id, "r%d-%s", k + 1, key); html_num(o, id, (expr)); } \
        aout_printf(o, "</tr>\n"); } while (0)
    ROW("sets finished", "sets", r->n);
    ROW("sets failed (no ok trial)", "failed-sets", stat_of(r, thr[k], ST_FAILED));
    ROW("sets still pending", "pending", r->npending);
    ROW("trials run", "trials-run", stat_of(r, thr[k], ST_TRIALS));
    ROW("trials failed or diverged", "trials-failed", stat_of(r, thr[k], ST_TRIALS_FAILED));
    ROW("best set id", "best-id", r->best >= 0 ? r->id[r->best] : NAN);
    ROW("best mean W1 (scaled units)", "best-wd-mean", r->best >= 0 ? r->mean[r->best] : NAN);
    ROW("best σ of W1 (scaled units)", "best-wd-std", r->best >= 0 ? r->sd[r->best] : NAN);
    ROW("best set parameters (count)", "best-params", r->best >= 0 ? r->params[r->best] : NAN);
    for (int j = 0; j < runs[0].d; j++) {
        aout_printf(o, "<tr><th>best ");
        html_esc(o, runs[0].hp[j]);
        aout_printf(o, "</th>");
        for (int k = 0; k < nr; k++) {
            Run *r = &runs[k];
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
    ROW("run wall time (s)", "wall-s", r->nt ? timing_of(r).wall : NAN);
    ROW("sum of trial times (s)", "trial-sum-s", r->nt ? timing_of(r).sum : NAN);
    ROW("set slots used (timeline.csv)", "slots-used", r->nt ? timing_of(r).nslots : NAN);
    ROW("speed-up (sum of trial times / wall time)", "speedup", stat_of(r, thr[k], ST_SPEEDUP));
    ROW("set slots busy (% of slots x wall time)", "slot-busy", stat_of(r, thr[k], ST_SLOTBUSY));
    ROW("trial utilisation (% of slots x trials x wall time)", "utilisation", stat_of(r, thr[k], ST_UTIL));
#undef ROW
    aout_printf(o, "</table>\n");
    if (nr > 1)
        aout_printf(o, "<p>Sensitivity, importance, Pareto and generated-vs-truth panels are drawn for "
                       "the first run (");
    if (nr > 1) { html_esc(o, runs[0].dir); aout_printf(o, ").</p>\n"); }
    aout_printf(o, "<h2>Non-dominated sets (mean W1, σ, parameters) of %s, by mean W1</h2>\n"
                   "<table id=\"pareto\">\n<tr><th>set</th><th>mean W1</th><th>σ</th><th>parameters</th>",
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
        aout_printf(o, "<tr><td>%d</td><td>%.6g</td><td>%.6g</td>", r0->id[i], r0->mean[i], r0->sd[i]);
        if (isfinite(r0->params[i])) aout_printf(o, "<td>%.0f</td>", r0->params[i]);
        else aout_printf(o, "<td>&ndash;</td>");
        for (int j = 0; j < r0->d; j++) aout_printf(o, "<td>%.6g</td>", r0->x[(size_t)i * r0->d + j]);
        aout_printf(o, "</tr>\n");
    }
    free(order);
    aout_printf(o, "</table>\n<h2>Figures</h2>\n");
    for (int q = 0; q < np; q++) {
        if (!pics[q].made) continue;
        aout_printf(o, "<figure><h3>%s</h3><a href=\"%s\"><img src=\"%s\" alt=\"%s\"></a>\n"
                       "<figcaption>%s", pics[q].title, pics[q].png, pics[q].png, pics[q].title,
                    pics[q].caption);
        if (strcmp(pics[q].png, "importance.png") == 0 && pair[0]) {
            aout_printf(o, " Strongest interaction: ");
            html_esc(o, pair);
            aout_printf(o, ".");
        }
        if (strcmp(pics[q].png, "generated.png") == 0) aout_printf(o, " %s.", gendesc);
        aout_printf(o, " Data and script: <code>%.*s.gp</code>.</figcaption></figure>\n",
                    (int)(strlen(pics[q].png) - 4), pics[q].png);
    }
    if (nt->len) aout_printf(o, "<h2>Omitted panels and notes</h2>\n<ul id=\"notes\">\n%s</ul>\n", nt->html);
    aout_printf(o, "</body></html>\n");
    aout_commit(o);
}

/* ---------------------------------------------------------------- main */


static void usage(FILE *f)
{
    fprintf(f,
            "usage: hpo-report RUNDIR [RUNDIR...] [--color-by HP] [--threshold W] [-o DIR]\n"
            "                  [--events N] [--sampler PROG] [--surrogate PROG] [--gnuplot PROG]\n"
            "Draw a study's analysis from run directories into DIR (default RUNDIR/report of the\n"
            "first): wd-sigma.png, sensitivity.png, importance.png, convergence.png, generated.png,\n"
            "pareto.png, timing.png and index.html with a summary table. Several run directories\n"
            "are compared side by side; convergence curves are grouped by run.conf's method.\n"
            "  --color-by HP      hyperparameter colouring the WD-sigma scatter (default lr_gen)\n"
            "  --threshold W      mean-W1 threshold of the sensitivity's good-set column\n"
            "                     (default: lower quartile of the finished sets)\n"
            "  -o, --output DIR   report directory, replaced atomically\n"
            "  --events N         validation events used for generated vs truth (default 20000)\n"
            "  --sampler PROG     generator sampler (default gan-sample on PATH)\n"
            "  --surrogate PROG   importance provider (default surrogate-propose on PATH)\n"
            "  --gnuplot PROG     gnuplot executable (default gnuplot on PATH)\n"
            "  -h, --help         this help\n");
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option lo[] = {
        {"color-by", required_argument, 0, 'c'}, {"threshold", required_argument, 0, 't'},
        {"output", required_argument, 0, 'o'},   {"events", required_argument, 0, 'n'},
        {"sampler", required_argument, 0, 's'},  {"surrogate", required_argument, 0, 'S'},
        {"gnuplot", required_argument, 0, 'g'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *color_by = NULL, *outdir = NULL, *sampler = "gan-sample",
               *surrogate = "surrogate-propose", *gp_name = "gnuplot";
    double threshold = NAN;
    long events = 20000;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        switch (c) {
        case 'c': color_by = optarg; break;
        case 't': threshold = parse_double("--threshold", optarg, 0, 1e300); break;
        case 'o': outdir = optarg; break;
        case 'n': events = parse_long("--events", optarg, 10, 100000000L); break;
        case 's': sampler = optarg; break;
        case 'S': surrogate = optarg; break;
        case 'g': gp_name = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default:
            fprintf(stderr, "usage: hpo-report RUNDIR [RUNDIR...] [--color-by HP] [--threshold W] [-o DIR]\n");
            return EXIT_USAGE;
        }
    }
    int nr = argc - optind;
    if (nr < 1) {
        fprintf(stderr, "%s: no run directory given (hpo-report --help)\n", progname());
        return EXIT_USAGE;
    }
    char *gp_exe = find_exec(gp_name);
    if (!gp_exe) die(EXIT_RUNTIME, "%s: not found on PATH (make deps installs gnuplot-nox)", gp_name);
    if (gp_exe[0] != '/') {  /* gnuplot runs inside the report directory: make the path absolute */
        char cwd[4096];
        if (!getcwd(cwd, sizeof cwd)) die(EXIT_RUNTIME, "getcwd: %s", strerror(errno));
        char *abs = path_join(cwd, gp_exe);
        free(gp_exe);
        gp_exe = abs;
    }
    Run *runs = xcalloc((size_t)nr, sizeof *runs);
    for (int k = 0; k < nr; k++) read_run(&runs[k], argv[optind + k]);
    if (!color_by) color_by = "lr_gen";
    int *cidx = xmalloc((size_t)nr * sizeof *cidx);
    for (int k = 0; k < nr; k++) {
        cidx[k] = -1;
        for (int j = 0; j < runs[k].d; j++)
            if (strcmp(runs[k].hp[j], color_by) == 0) cidx[k] = j;
        if (cidx[k] < 0) {
            if (strcmp(color_by, "lr_gen") == 0 && k == 0 && runs[0].d > 0) {
                color_by = runs[0].hp[0];  /* a space without lr_gen: colour by its first */
                k = -1;
                continue;
            }
            die(EXIT_USAGE, "--color-by: '%s' is not a hyperparameter of %s/space.csv", color_by,
                runs[k].dir);
        }
    }
    double *thr = xmalloc((size_t)nr * sizeof *thr);
    for (int k = 0; k < nr; k++) thr[k] = isfinite(threshold) ? threshold : default_threshold(&runs[k]);

    /* the temp directory beside the target, renamed into place at the end */
    char *target = outdir ? xstrdup(outdir) : path_join(runs[0].dir, "report");
    size_t tl = strlen(target);
    while (tl > 1 && target[tl - 1] == '/') target[--tl] = '\0';
    char *tmpl = xmalloc(tl + 32);
    const char *slash = strrchr(target, '/');
    int dl = slash ? (int)(slash - target + 1) : 0;
    snprintf(tmpl, tl + 32, "%.*s.%s.tmp.XXXXXX", dl, target, target + dl);
    if (tl > 4000) die(EXIT_USAGE, "%s: report directory path too long", target);
    if (dl > 0) mkdir_parents(target, dl);
    if (!mkdtemp(tmpl)) die(EXIT_RUNTIME, "%s: cannot create a temp directory: %s", tmpl, strerror(errno));
    g_tmpdir = tmpl;
    atexit(cleanup_tmpdir);
    chmod(tmpl, 0755);

    Notes nt = {0};
    Picture pics[] = {
        {"wd-sigma.png", "Mean W1 against its spread over trials",
         "Each point is a finished hyperparameter set: mean W1 over its trials against their "
         "standard deviation, coloured by the chosen hyperparameter; the best set (lowest mean) is "
         "circled. Above: how the sampled sets' mean W1 is distributed.", 0},
        {"sensitivity.png", "Sensitivity to each hyperparameter",
         "Per hyperparameter: mean W1 ± σ of every finished set against its value; the same for the "
         "sets under the threshold; how often each value range was sampled.", 0},
        {"importance.png", "Surrogate importance",
         "Sobol indices of the surrogate fitted to the history: first order S1, the share of the "
         "variance of mean W1 a hyperparameter explains alone, and total ST, with its "
         "interactions.", 0},
        {"convergence.png", "Convergence",
         "Best mean W1 found so far against the number of finished sets, one curve per method "
         "(mean and ±1σ band over repeated runs); the dashed line ends the initial design.", 0},
        {"generated.png", "Generated events against validation data",
         "Each output variable's normalised histogram: validation data (black) against the mean of "
         "the trained generators (red, band ±1σ across models), ratio below; for conditional "
         "studies also in quantile bins of the energy condition (E, else the first condition).", 0},
        {"pareto.png", "Pareto view",
         "Sets not dominated in (mean W1, σ, parameter count) are circled and labelled: no other "
         "set is at least as good in all three and better in one.", 0},
        {"timing.png", "Timing",
         "Left: every trial as a bar on the set slot that ran it (a set's trials side by side), over "
         "the run. Right: the share of the wall time each set slot had a trial running; the wall "
         "time against the sum of the trial times and the capacity (slots × trials per set × wall "
         "time).", 0},
    };
    int np = (int)(sizeof pics / sizeof *pics);

    /* pictures of finished sets need at least one set with status ok */
    int anyok = 0, firstok = runs[0].best >= 0;
    for (int k = 0; k < nr; k++) anyok |= runs[k].best >= 0;
    if (!anyok)
        note(&nt, "<li>WD–σ scatter and convergence omitted: no set has finished with status ok.</li>\n");
    if (!firstok)
        note(&nt, "<li>Sensitivity, importance and Pareto view omitted: no set of %s has finished "
                  "with status ok.</li>\n", runs[0].dir);
    if (anyok) {
        pic_wd_sigma(runs, nr, tmpl, color_by, cidx);
        pics[0].made = gnuplot(gp_exe, tmpl, "wd-sigma.gp", "wd-sigma.png", &nt);
    }
    if (firstok) {
        pic_sensitivity(&runs[0], tmpl, thr[0]);
        pics[1].made = gnuplot(gp_exe, tmpl, "sensitivity.gp", "sensitivity.png", &nt);
    }
    char pair[256] = "";
    if (firstok && pic_importance(&runs[0], tmpl, surrogate, &nt, pair, sizeof pair))
        pics[2].made = gnuplot(gp_exe, tmpl, "importance.gp", "importance.png", &nt);
    if (anyok) {
        pic_convergence(runs, nr, tmpl);
        pics[3].made = gnuplot(gp_exe, tmpl, "convergence.gp", "convergence.png", &nt);
    }
    char gendesc[512] = "";
    if (pic_generated(&runs[0], tmpl, sampler, events, &nt, gendesc, sizeof gendesc))
        pics[4].made = gnuplot(gp_exe, tmpl, "generated.gp", "generated.png", &nt);
    int *front = xmalloc((size_t)runs[0].n * sizeof *front);
    int nf = pareto_front(&runs[0], front);
    if (firstok) {
        pic_pareto(&runs[0], tmpl, front, nf);
        pics[5].made = gnuplot(gp_exe, tmpl, "pareto.gp", "pareto.png", &nt);
    }
    if (pic_timing(runs, nr, tmpl, &nt))
        pics[6].made = gnuplot(gp_exe, tmpl, "timing.gp", "timing.png", &nt);
    write_index(runs, nr, tmpl, thr, pics, np, &nt, front, nf, pair, gendesc);
    for (int q = 0; q < np; q++)
        if (!pics[q].made && (((q == 0 || q == 3) && anyok) || ((q == 1 || q == 5) && firstok)))
            die(EXIT_RUNTIME, "%s: could not be drawn (see the message above)", pics[q].png);

    /* swap the new report in: the old one (if any) moves aside first, then goes */
    struct stat st;
    char *old = NULL;
    if (stat(target, &st) == 0) {
        old = xmalloc(tl + 32);
        snprintf(old, tl + 32, "%.*s.%s.old.tmp.XXXXXX", dl, target, target + dl);
        if (!mkdtemp(old)) die(EXIT_RUNTIME, "%s: cannot create: %s", old, strerror(errno));
        rmdir(old);
        if (rename(target, old) != 0) die(EXIT_RUNTIME, "%s: cannot move aside: %s", target, strerror(errno));
    }
    if (rename(tmpl, target) != 0) {
        int e = errno;
        if (old) rename(old, target);
        die(EXIT_RUNTIME, "%s: cannot rename from %s: %s", target, tmpl, strerror(e));
    }
    g_tmpdir = NULL;
    if (old) rm_tree(old);
    int made = 0;
    for (int q = 0; q < np; q++) made += pics[q].made;
    printf("%s/index.html: %d pictures\n", target, made);
    check_stdout();
    return EXIT_OK;
}
