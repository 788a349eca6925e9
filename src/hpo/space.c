/* space.c — see space.h. */
#include "hpo/space.h"
#include "base/csvio.h"
#include "base/rng.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

Space *space_read(const char *path)
{
    CsvReader *r = csv_open(path);
    int cn = csv_require(r, "name"), cl = csv_require(r, "lower");
    int cu = csv_require(r, "upper"), cs = csv_require(r, "scaling"), ca = csv_find(r, "axis");
    Space *s = xcalloc(1, sizeof *s);
    int cap = 0;
    while (csv_next(r)) {
        const char *name = csv_str(r, cn);
        if (!*name) csv_fail(r, "empty hyperparameter name");
        for (int j = 0; j < s->d; j++)
            if (strcmp(s->name[j], name) == 0) csv_fail(r, "hyperparameter '%s' appears twice", name);
        double lo = csv_num(r, cl), hi = csv_num(r, cu), sc = csv_num(r, cs);
        if (lo != floor(lo) || hi != floor(hi) || fabs(lo) > 1e15 || fabs(hi) > 1e15)
            csv_fail(r, "%s: lower and upper must be integers", name);
        if (lo > hi) csv_fail(r, "%s: lower %g > upper %g", name, lo, hi);
        if (!(sc > 0)) csv_fail(r, "%s: scaling %g is not positive", name, sc);
        const char *ax = ca >= 0 ? csv_str(r, ca) : "";
        int lg = strcmp(ax, "log") == 0;
        if (!lg && *ax && strcmp(ax, "linear") != 0)
            csv_fail(r, "%s: axis '%s' is not linear or log", name, ax);
        if (lg && lo < 1)
            csv_fail(r, "%s: a log axis needs lower >= 1 (a positive bound), got %g", name, lo);
        if (s->d == cap) {
            cap = cap ? 2 * cap : 8;
            s->name = xrealloc(s->name, (size_t)cap * sizeof *s->name);
            s->lo = xrealloc(s->lo, (size_t)cap * sizeof *s->lo);
            s->hi = xrealloc(s->hi, (size_t)cap * sizeof *s->hi);
            s->scale = xrealloc(s->scale, (size_t)cap * sizeof *s->scale);
            s->scale_text = xrealloc(s->scale_text, (size_t)cap * sizeof *s->scale_text);
            s->logax = xrealloc(s->logax, (size_t)cap * sizeof *s->logax);
        }
        s->logax[s->d] = lg;
        s->name[s->d] = xstrdup(name);
        s->lo[s->d] = (long)lo;
        s->hi[s->d] = (long)hi;
        s->scale[s->d] = sc;
        s->scale_text[s->d] = xstrdup(csv_str(r, cs));
        s->d++;
    }
    if (s->d == 0) {
        fprintf(stderr, "%s: %s:%ld: no hyperparameters\n", progname(), path, csv_lineno(r));
        exit(EXIT_RUNTIME);
    }
    csv_close(r);
    if (space_size(s) > 9.2e18) die(EXIT_RUNTIME, "%s: the lattice has more than 2^63 points", path);
    return s;
}

void space_free(Space *s)
{
    if (!s) return;
    for (int j = 0; j < s->d; j++) { free(s->name[j]); free(s->scale_text[j]); }
    free(s->name); free(s->lo); free(s->hi); free(s->scale); free(s->scale_text); free(s->logax);
    free(s);
}

double space_value(const Space *s, int j, long k) { return (double)k * s->scale[j]; }

int space_lattice(const Space *s, int j, double v, long *k)
{
    double q = v / s->scale[j];
    if (!isfinite(q) || fabs(q) > 1e15) return -1;
    double kr = nearbyint(q);
    /* A value written with fewer digits (0.00012 for 24 * 5e-5) is on the lattice if it is
     * within rounding of k*scaling. */
    if (fabs(q - kr) > 1e-6) return -1;
    if (kr < (double)s->lo[j] || kr > (double)s->hi[j]) return -1;
    *k = (long)kr;
    return 0;
}

double space_unit(const Space *s, int j, long k)
{
    long w = s->hi[j] - s->lo[j];
    if (w > 0 && s->logax && s->logax[j])
        return log((double)k / (double)s->lo[j]) / log((double)s->hi[j] / (double)s->lo[j]);
    return w > 0 ? (double)(k - s->lo[j]) / (double)w : 0.5;
}

long space_from_unit(const Space *s, int j, double u)
{
    long w = s->hi[j] - s->lo[j];
    if (u < 0) u = 0;
    if (u > 1) u = 1;
    long k;
    if (w > 0 && s->logax && s->logax[j]) {
        /* the nearest level in log k: k or k+1 by the geometric midpoint */
        double x = (double)s->lo[j] * exp(u * log((double)s->hi[j] / (double)s->lo[j]));
        k = (long)floor(x);
        if ((double)k * (double)(k + 1) < x * x) k++;
    } else {
        k = s->lo[j] + (long)nearbyint(u * (double)w);
    }
    return k < s->lo[j] ? s->lo[j] : k > s->hi[j] ? s->hi[j] : k;
}

int space_has_log(const Space *s)
{
    for (int j = 0; s->logax && j < s->d; j++)
        if (s->logax[j]) return 1;
    return 0;
}

void point_to_unit(const Space *sp, const long *k, double *u)
{
    for (int j = 0; j < sp->d; j++) u[j] = space_unit(sp, j, k[j]);
}

void point_from_unit(const Space *sp, const double *u, long *k)
{
    for (int j = 0; j < sp->d; j++) k[j] = space_from_unit(sp, j, u[j]);
}

double space_size(const Space *s)
{
    double n = 1;
    for (int j = 0; j < s->d; j++) n *= (double)(s->hi[j] - s->lo[j] + 1);
    return n;
}

uint64_t space_key(const Space *s, const long *k)
{
    uint64_t key = 0;
    for (int j = 0; j < s->d; j++)
        key = key * (uint64_t)(s->hi[j] - s->lo[j] + 1) + (uint64_t)(k[j] - s->lo[j]);
    return key;
}

void space_fmt(char *buf, size_t n, double v)
{
    if (v == floor(v) && fabs(v) < 1e15) {      /* integers plainly: 1600, not 1.6e+03 */
        snprintf(buf, n, "%.0f", v);
        return;
    }
    /* Fewest digits that read back within 1e-13 relative: 93 * 5e-5 prints as 0.00465, which
     * maps to the same lattice point (the product's last-ulp error is not information). */
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, n, "%.*g", p, v);
        double b = strtod(buf, NULL);
        if (b == v || fabs(b - v) <= 1e-13 * fabs(v)) return;
    }
}

void space_print_header(const Space *s, FILE *f)
{
    for (int j = 0; j < s->d; j++) fprintf(f, "%s%s", j ? "," : "", s->name[j]);
    fputc('\n', f);
}

void space_print_point(const Space *s, const long *k, FILE *f)
{
    char b[40];
    for (int j = 0; j < s->d; j++) {
        space_fmt(b, sizeof b, space_value(s, j, k[j]));
        fprintf(f, "%s%s", j ? "," : "", b);
    }
    fputc('\n', f);
}

/* A count column: an integer >= lo. */
static void check_count(const CsvReader *r, int col, long lo)
{
    const char *v = csv_str(r, col);
    char *end, cut[CSV_CUT_BUF];
    errno = 0;
    long x = strtol(v, &end, 10);
    if (!*v || *end || errno || x < lo || x > 1000000000L)
        csv_fail(r, "%s '%s' is not an integer >= %ld", csv_name(r, col), csv_cut(v, cut, sizeof cut), lo);
}

/* A statistic column: a number, or nan, inf or nothing (a failed set). */
static void check_stat(const CsvReader *r, int col)
{
    const char *v = csv_str(r, col);
    double x;
    char cut[CSV_CUT_BUF];
    if (csv_parse_double(v, &x) == -1 && v[strspn(v, " \t")] != '\0')
        csv_fail(r, "%s '%s' is not a number (a failed set says nan or nothing)", csv_name(r, col),
                 csv_cut(v, cut, sizeof cut));
}

void space_read_points(const Space *s, const char *path, const char *objective,
                       const char *stdcol, double kappa, PointSet *ps)
{
    CsvReader *r = csv_open(path);
    int d = s->d;
    int *col = xmalloc((size_t)d * sizeof *col);
    for (int j = 0; j < d; j++) col[j] = csv_require(r, s->name[j]);
    int cy = -1, csd = -1, cnt = -1, cst = -1;
    if (objective) {
        cy = csv_require(r, objective);
        csd = kappa != 0 ? csv_require(r, stdcol) : csv_find(r, stdcol);
        cnt = csv_find(r, "n_trials");
        cst = csv_find(r, "status");
    }
    size_t cap = 64;
    memset(ps, 0, sizeof *ps);
    ps->k = xmalloc(cap * (size_t)d * sizeof *ps->k);
    ps->y = xmalloc(cap * sizeof *ps->y);
    ps->var = xmalloc(cap * sizeof *ps->var);
    ps->nt = xmalloc(cap * sizeof *ps->nt);
    ps->ok = xmalloc(cap * sizeof *ps->ok);
    ps->pruned = xmalloc(cap * sizeof *ps->pruned);
    int cid = csv_find(r, "id"), cnf = objective ? csv_find(r, "n_failed") : -1;
    char cut[CSV_CUT_BUF];
    while (csv_next(r)) {
        /* the bookkeeping columns, when there, are checked as rundir checks them: a damaged
         * history must not read as a set of failed points */
        if (cid >= 0) check_count(r, cid, 1);
        if (cnt >= 0) check_count(r, cnt, 0);
        if (cnf >= 0) check_count(r, cnf, 0);
        if (objective) check_stat(r, cy);
        if (csd >= 0) check_stat(r, csd);
        if (ps->n == cap) {
            cap *= 2;
            ps->k = xrealloc(ps->k, cap * (size_t)d * sizeof *ps->k);
            ps->y = xrealloc(ps->y, cap * sizeof *ps->y);
            ps->var = xrealloc(ps->var, cap * sizeof *ps->var);
            ps->nt = xrealloc(ps->nt, cap * sizeof *ps->nt);
            ps->ok = xrealloc(ps->ok, cap * sizeof *ps->ok);
            ps->pruned = xrealloc(ps->pruned, cap * sizeof *ps->pruned);
        }
        size_t i = ps->n++;
        for (int j = 0; j < d; j++) {
            double v;
            if (csv_parse_double(csv_str(r, col[j]), &v) != 0 ||
                space_lattice(s, j, v, &ps->k[i * (size_t)d + (size_t)j]) != 0)
                csv_fail(r, "%s=%s is off the lattice (k*%g, k in [%ld,%ld])", s->name[j],
                         csv_cut(csv_str(r, col[j]), cut, sizeof cut), s->scale[j], s->lo[j], s->hi[j]);
        }
        ps->y[i] = NAN;
        ps->var[i] = 0;
        ps->nt[i] = 1;
        ps->ok[i] = 0;
        ps->pruned[i] = 0;
        if (!objective) continue;
        double y, sd = 0, nt = 1;
        int ok = csv_parse_double(csv_str(r, cy), &y) == 0;
        /* A pruned set's mean is over its trials' best W1 up to the rung it stopped at; best
         * W1 so far only falls with epochs, so it bounds the set's final value from above: a
         * pessimistic observation, kept (failed sets are imputed instead). */
        if (cst >= 0 && strcmp(csv_str(r, cst), "ok") != 0 && strcmp(csv_str(r, cst), "pruned") != 0)
            ok = 0;
        if (ok && csd >= 0) {
            int rc = csv_parse_double(csv_str(r, csd), &sd);
            if (rc != 0) {
                if (kappa != 0) ok = 0;
                sd = 0;
            }
        }
        if (ok && cnt >= 0 && (csv_parse_double(csv_str(r, cnt), &nt) != 0 || nt < 1)) nt = 1;
        /* the mean and std are over the trials that finished: n_trials counts the failed too */
        double nf = 0;
        if (ok && cnf >= 0 && csv_parse_double(csv_str(r, cnf), &nf) == 0 && nf > 0 && nt - nf >= 1) nt -= nf;
        if (ok) {
            ps->y[i] = y + kappa * sd;
            ps->var[i] = sd * sd / nt;
            ps->nt[i] = nt;
            ps->ok[i] = 1;
            ps->pruned[i] = cst >= 0 && strcmp(csv_str(r, cst), "pruned") == 0;
        }
    }
    free(col);
    csv_close(r);
}

void pointset_free(PointSet *ps)
{
    free(ps->k); free(ps->y); free(ps->var); free(ps->nt); free(ps->ok); free(ps->pruned);
    memset(ps, 0, sizeof *ps);
}

void keyset_init(KeySet *ks)
{
    ks->cap = 256;
    ks->n = 0;
    ks->slot = xcalloc(ks->cap, sizeof *ks->slot);
}

/* Slots hold key+1 so that 0 marks an empty slot. */
static size_t keyset_find(const KeySet *ks, uint64_t key)
{
    size_t m = ks->cap - 1, i = (size_t)rng_mix(key) & m;
    while (ks->slot[i] && ks->slot[i] != key + 1) i = (i + 1) & m;
    return i;
}

int keyset_has(const KeySet *ks, uint64_t key) { return ks->slot[keyset_find(ks, key)] != 0; }

int keyset_add(KeySet *ks, uint64_t key)
{
    if (2 * (ks->n + 1) > ks->cap) {
        KeySet big = { xcalloc(2 * ks->cap, sizeof(uint64_t)), 2 * ks->cap, 0 };
        for (size_t i = 0; i < ks->cap; i++)
            if (ks->slot[i]) { big.slot[keyset_find(&big, ks->slot[i] - 1)] = ks->slot[i]; big.n++; }
        free(ks->slot);
        *ks = big;
    }
    size_t i = keyset_find(ks, key);
    if (ks->slot[i]) return 0;
    ks->slot[i] = key + 1;
    ks->n++;
    return 1;
}

void keyset_free(KeySet *ks) { free(ks->slot); ks->slot = NULL; ks->cap = ks->n = 0; }
