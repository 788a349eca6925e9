/* cost.c — see cost.h. */
#include "hpo/cost.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "model/gan.h"
#include "model/ganconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double cost_params(const Space *sp, const double *v, int ncond, int nout, double *batch)
{
    GanConfig c = {.nnoise = 4, .batch = 512, .gen_width = 256, .disc_width = 256};
    for (int j = 0; j < sp->d; j++) {
        int x = (int)lround(v[j]);
        if (strcmp(sp->name[j], "noise_dim") == 0) c.nnoise = x;
        else if (strcmp(sp->name[j], "batch_size") == 0) c.batch = x;
        else if (strcmp(sp->name[j], "gen_layersize") == 0) c.gen_width = x;
        else if (strcmp(sp->name[j], "disc_layersize") == 0) c.disc_width = x;
    }
    c.ncond = ncond, c.nout = nout;
    *batch = c.batch;
    return (double)gan_params_reference(&c);
}

/* Weighted least squares over the terms in use (mask), by the normal equations. */
static int fit_masked(const double *params, const double *batch, const double *y, int n, int mask, double *coef)
{
    double A[3][4] = {{0}};
    int idx[3], k = 0;
    for (int t = 0; t < 3; t++)
        if (mask & (1 << t)) idx[k++] = t;
    for (int i = 0; i < n; i++) {
        double all[3] = {1, params[i], 1 / batch[i]}, x[3], w = 1 / (y[i] * y[i]);
        for (int r = 0; r < k; r++) x[r] = all[idx[r]];
        for (int r = 0; r < k; r++) {
            for (int c = 0; c < k; c++) A[r][c] += w * x[r] * x[c];
            A[r][3] += w * x[r] * y[i];
        }
    }
    /* Gauss-Jordan with partial pivoting */
    for (int c = 0; c < k; c++) {
        int p = c;
        for (int r = c + 1; r < k; r++)
            if (fabs(A[r][c]) > fabs(A[p][c])) p = r;
        if (fabs(A[p][c]) < 1e-300) return -1;
        for (int q = 0; q < 4; q++) { double t = A[c][q]; A[c][q] = A[p][q]; A[p][q] = t; }
        for (int r = 0; r < k; r++) {
            if (r == c) continue;
            double f = A[r][c] / A[c][c];
            for (int q = c; q < 4; q++) A[r][q] -= f * A[c][q];
        }
    }
    coef[0] = coef[1] = coef[2] = 0;
    for (int r = 0; r < k; r++) coef[idx[r]] = A[r][3] / A[r][r];
    return 0;
}

int cost_fit(const double *params, const double *batch, const double *y, int n, CostModel *m)
{
    /* a cost is never negative: a term whose coefficient comes out below 0 (timing noise on a
     * loaded machine) is dropped and the rest refitted */
    double c[3];
    for (int mask = 7; mask; ) {
        if (fit_masked(params, batch, y, n, mask, c) != 0) return -1;
        int neg = -1;
        for (int t = 0; t < 3; t++)
            if ((mask & (1 << t)) && c[t] < 0 && (neg < 0 || c[t] < c[neg])) neg = t;
        if (neg < 0) {
            m->a = c[0], m->b = c[1], m->c = c[2];
            return isfinite(m->a) && isfinite(m->b) && isfinite(m->c) ? 0 : -1;
        }
        mask &= ~(1 << neg);
    }
    return -1;
}

double cost_epoch(const CostModel *m, double params, double batch, double events)
{
    return events * (m->a + m->b * params + m->c / batch);
}

double cost_expected_epochs(const PruneConf *p, long epochs, long nsets)
{
    if (!p->on || p->nrungs == 0 || nsets <= 0) return (double)epochs;
    double reached[PRUNE_MAX_RUNGS] = {0}, total = 0;
    for (long i = 0; i < nsets; i++) {
        double alive = 1, ep = 0;
        long prev = 0;
        for (int j = 0; j < p->nrungs; j++) {
            ep += alive * (double)(p->rung[j] - prev);
            prev = p->rung[j];
            double n = reached[j] + 1, keep = floor(n / p->eta);
            if (keep < 1) keep = 1;
            double q = n < (double)p->min_sets ? 1 : fmin(1, keep / n);
            reached[j] += alive;
            alive *= q;
        }
        ep += alive * (double)(epochs - prev);
        total += ep;
    }
    return total / (double)nsets;
}

int cost_read(const char *dir, CostModel *m, double *events, double *set_seconds)
{
    char *p = path_join(dir, "cost.csv");
    if (!file_exists(p)) { free(p); return 0; }
    CsvReader *r = csv_open(p);
    free(p);
    int ca = csv_require(r, "a"), cb = csv_require(r, "b"), cc = csv_require(r, "c"),
        ce = csv_require(r, "events"), cs = csv_require(r, "set_seconds");
    if (!csv_next(r)) csv_fail(r, "no model row");
    m->a = csv_num(r, ca), m->b = csv_num(r, cb), m->c = csv_num(r, cc);
    *events = csv_num(r, ce), *set_seconds = csv_num(r, cs);
    csv_close(r);
    return 1;
}
