/* prune.c — see prune.h. */
#include "hpo/prune.h"
#include "base/util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int prune_default_rungs(long epochs, double eta, long *rung, int max)
{
    int n = 0;
    long tmp[PRUNE_MAX_RUNGS];
    for (double e = (double)epochs / eta; e >= 1 && n < max && n < PRUNE_MAX_RUNGS; e /= eta) {
        long r = lround(e);
        if (r >= epochs || (n && tmp[n - 1] == r)) continue;
        tmp[n++] = r;
    }
    for (int i = 0; i < n; i++) rung[i] = tmp[n - 1 - i];
    return n;
}

/* One item of a rung list, exactly as a rational: a whole epoch (*den 0, *num the epoch) or a
 * fraction of the phase's epochs, a/b or a decimal (digits over 10^k), strictly between 0 and 1.
 * Returns a message for a bad item, NULL for a good one. */
static const char *rung_item(const char *s, size_t len, long *num, long *den)
{
    char b[32];
    if (len == 0 || len >= sizeof b) return "is not an epoch (2) or a fraction of the epochs (1/4, 0.25)";
    memcpy(b, s, len);
    b[len] = 0;
    size_t nd = strspn(b, "0123456789");
    if (nd == len) {                                    /* a whole epoch */
        errno = 0;
        *num = strtol(b, NULL, 10), *den = 0;
        return errno ? "is not an epoch in range" : NULL;
    }
    /* after '/' or '.': 1 to 9 digits and nothing else (9 digits keep every product in a long) */
    size_t nf = len - nd - 1;
    int digits_after = nd <= 9 && nf >= 1 && nf <= 9 && strspn(b + nd + 1, "0123456789") == nf;
    if (b[nd] == '/' && nd > 0 && digits_after) {       /* a/b */
        *num = strtol(b, NULL, 10), *den = strtol(b + nd + 1, NULL, 10);
        return *den > 0 && *num > 0 && *num < *den ? NULL : "is not a fraction strictly between 0 and 1";
    }
    if (b[nd] == '.' && digits_after) {                 /* a decimal: digits / 10^k */
        long ip = nd ? strtol(b, NULL, 10) : 0, f = strtol(b + nd + 1, NULL, 10), p = 1;
        for (size_t i = nd + 1; i < len; i++) p *= 10;
        *num = ip * p + f, *den = p;
        return *num > 0 && *num < *den ? NULL : "is not a fraction strictly between 0 and 1 (a whole epoch has no point)";
    }
    return "is not an epoch (2) or a fraction of the epochs (1/4, 0.25)";
}

int prune_parse_rungs(const char *what, const char *list, long epochs, long *rung, int max)
{
    int n = 0;
    long double prev = 0;
    for (const char *p = list; *p;) {
        size_t len = strcspn(p, ",");
        long num, den;
        const char *bad = rung_item(p, len, &num, &den);
        if (bad) die(EXIT_RUNTIME, "%s: rung '%.*s' %s", what, (int)len, p, bad);
        /* the item's place on the epoch axis, to check the order: exact for whole epochs, and
         * correctly rounded (so equal fractions compare equal) for a/b */
        long double at = den ? (long double)num * (long double)epochs / (long double)den : (long double)num;
        long r;
        if (den == 0) {
            if (num < 1 || num >= epochs)
                die(EXIT_RUNTIME, "%s: rung %ld is not an epoch in [1, %ld) (epochs %ld)", what, num, epochs, epochs);
            r = num;
        } else {
            /* round(num/den * epochs), halves up, in integers: 1/8 of 20 is 2.5 -> 3 */
            r = (2 * num * epochs + den) / (2 * den);
        }
        if (p != list && at <= prev) die(EXIT_RUNTIME, "%s: rungs must ascend ('%s')", what, list);
        prev = at;
        /* a fraction that lands before epoch 1 or on the last epoch, or on the rung before it:
         * dropped (2 epochs: 1/8,1/4,1/2 is rung 1) */
        if (r >= 1 && r < epochs && !(n && rung[n - 1] == r)) {
            if (n == max) die(EXIT_RUNTIME, "%s: more than %d rungs", what, max);
            rung[n++] = r;
        }
        p += len;
        if (*p == ',') {
            p++;
            if (!*p) die(EXIT_RUNTIME, "%s: rung '' is not an epoch (2) or a fraction of the epochs (1/4, 0.25)", what);
        }
    }
    return n;
}

void prune_conf_load(const RunConf *c, PruneConf *p)
{
    memset(p, 0, sizeof *p);
    const char *mode = runconf_get(c, "prune");
    if (mode && strcmp(mode, "asha") != 0 && strcmp(mode, "none") != 0)
        die(EXIT_RUNTIME, "%s: prune '%s' is neither none nor asha", c->path, mode);
    p->on = mode && strcmp(mode, "asha") == 0;
    p->eta = runconf_double_or(c, "prune_eta", PRUNE_ETA);
    p->z = runconf_double_or(c, "prune_z", PRUNE_Z);
    p->min_sets = runconf_long_or(c, "prune_min", PRUNE_MIN);
    long epochs = runconf_long(c, "epochs");
    const char *rl = runconf_get(c, "prune_rungs");
    char what[4200];
    snprintf(what, sizeof what, "%s: prune_rungs", c->path);
    p->nrungs = rl ? prune_parse_rungs(what, rl, epochs, p->rung, PRUNE_MAX_RUNGS)
                   : prune_default_rungs(epochs, p->eta, p->rung, PRUNE_MAX_RUNGS);
}

int prune_is_rung(const PruneConf *p, long epoch)
{
    for (int i = 0; i < p->nrungs; i++)
        if (p->rung[i] == epoch) return 1;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

void prune_decide(const PruneConf *p, const double *vals, int n, const double *others,
                  int nothers, double best, PruneDecision *d)
{
    double s = 0, s2 = 0;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(vals[i])) s += vals[i], k++;
    d->mean = k ? s / k : NAN;
    for (int i = 0; i < n; i++)
        if (isfinite(vals[i])) s2 += (vals[i] - d->mean) * (vals[i] - d->mean);
    d->sd = k > 1 ? sqrt(s2 / (k - 1)) : 0;
    d->lcb = k ? d->mean - p->z * d->sd / sqrt((double)k) : NAN;
    /* the means at this rung, this set's included, sorted */
    double *m = xmalloc(((size_t)nothers + 1) * sizeof *m);
    int nm = 0;
    for (int i = 0; i < nothers; i++)
        if (isfinite(others[i])) m[nm++] = others[i];
    if (k) m[nm++] = d->mean;
    qsort(m, (size_t)nm, sizeof *m, cmp_double);
    d->n_sets = nm;
    long keep = (long)floor((double)nm / p->eta);
    if (keep < 1) keep = 1;
    d->threshold = nm ? m[keep - 1 < nm ? keep - 1 : nm - 1] : INFINITY;
    free(m);
    if (!k) d->keep = 1;                        /* nothing to judge: its trials have ended */
    else if (d->n_sets < p->min_sets) d->keep = 1;               /* too few sets to rank yet */
    else d->keep = d->lcb <= d->threshold || (isfinite(best) && d->mean <= best);
}
