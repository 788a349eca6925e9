/* cost.c — see cost.h. */
#include "hpo/cost.h"
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "model/gan.h"
#include "model/ganconf.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void cost_base(GanConfig *base, const char *words, int ncond, int nout)
{
    char *buf = xstrdup(words ? words : "");
    size_t cap = strlen(buf) / 2 + 2;
    char **argv = xmalloc((cap + 1) * sizeof *argv);
    int argc = 0;
    argv[argc++] = (char *)progname();
    char *save = NULL;
    for (char *t = strtok_r(buf, " \t\n", &save); t; t = strtok_r(NULL, " \t\n", &save))
        argv[argc++] = t;
    argv[argc] = NULL;
    GanConfig c;
    gan_config_parse_part(&c, GAN_TRAIN, argc, argv);
    *base = (GanConfig){.ncond = ncond, .nout = nout, .nnoise = c.nnoise, .batch = c.batch,
                        .gen_width = c.gen_width, .disc_width = c.disc_width, .arch = c.arch,
                        .arch_name = c.arch == GAN_ARCH_CALO ? "calo" : "mlp",
                        .filters = c.filters, .kernel = c.kernel};
    free(argv), free(buf);
}

double cost_params(const GanConfig *base, const Space *sp, const double *v, double *batch)
{
    GanConfig c = *base;
    for (int j = 0; j < sp->d; j++) {
        int x = (int)lround(v[j]);
        if (strcmp(sp->name[j], "noise_dim") == 0) c.nnoise = x;
        else if (strcmp(sp->name[j], "batch_size") == 0) c.batch = x;
        else if (strcmp(sp->name[j], "gen_layersize") == 0) c.gen_width = x;
        else if (strcmp(sp->name[j], "disc_layersize") == 0) c.disc_width = x;
        else if (strcmp(sp->name[j], "filters") == 0) c.filters = x;
        else if (strcmp(sp->name[j], "kernel") == 0) c.kernel = x;
    }
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

int cost_read(const char *dir, CostModel *m, double *events, double *set_seconds, GanConfig *base)
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
    if (base) {
        /* the networks counted; a file from before they were written counted gan-train's MLP */
        char words[512] = "";
        static const char *const opt[] = {"model", "noise_dim", "batch_size", "gen_layersize",
                                          "disc_layersize", "filters", "kernel"};
        for (size_t k = 0; k < sizeof opt / sizeof *opt; k++) {
            int j = csv_find(r, opt[k]);
            if (j < 0) continue;
            size_t len = strlen(words);
            snprintf(words + len, sizeof words - len, " --%s %s", opt[k], csv_str(r, j));
            for (char *q = words + len + 3; *q && *q != ' '; q++) if (*q == '_') *q = '-';
        }
        cost_base(base, words, 0, 0);
    }
    csv_close(r);
    return 1;
}

void cost_write(const char *path, const CostModel *m, long events, double set_seconds,
                const GanConfig *base)
{
    AtomicOut *o = aout_open(path);
    aout_printf(o, "a,b,c,events,set_seconds,model,noise_dim,batch_size,gen_layersize,"
                   "disc_layersize,filters,kernel\n");
    aout_printf(o, "%.9g,%.9g,%.9g,%ld,%.6g,%s,%d,%d,%d,%d,%d,%d\n", m->a, m->b, m->c, events,
                set_seconds, base->arch == GAN_ARCH_CALO ? "calo" : "mlp", base->nnoise,
                base->batch, base->gen_width, base->disc_width, base->filters, base->kernel);
    aout_commit(o);
}
