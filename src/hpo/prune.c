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

int prune_parse_rungs(const char *what, const char *list, long epochs, long *rung, int max)
{
    int n = 0;
    const char *p = list;
    while (*p) {
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || (*end && *end != ','))
            die(EXIT_RUNTIME, "%s: '%s' is not a list of epochs like 2,7", what, list);
        if (v < 1 || v >= epochs)
            die(EXIT_RUNTIME, "%s: rung %ld is not an epoch in [1, %ld) (epochs %ld)", what, v, epochs, epochs);
        if (n && v <= rung[n - 1]) die(EXIT_RUNTIME, "%s: rungs must ascend ('%s')", what, list);
        if (n == max) die(EXIT_RUNTIME, "%s: more than %d rungs", what, max);
        rung[n++] = v;
        p = *end ? end + 1 : end;
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
