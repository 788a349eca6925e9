/* summary.c — numbers shared by the pictures and index.html (summary.h). */
#include "report/summary.h"

#include "base/csvio.h"
#include "base/util.h"
#include "report/picture.h"

#include <math.h>
#include <stdlib.h>

double default_threshold(const Run *r)
{
    double *v = xmalloc((size_t)r->n * sizeof *v);
    for (int i = 0; i < r->n; i++) v[i] = r->ok[i] ? r->mean[i] : NAN;
    double q = quantile(v, r->n, 0.25);
    free(v);
    return q;
}

int pareto_front(const Run *r, int *front)
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

static int cmp_interval(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (x[0] > y[0]) - (x[0] < y[0]);
}

double slot_busy(const Run *r, int sl)
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

Timing timing_of(const Run *r)
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
