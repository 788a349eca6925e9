/* surrogate.c — see surrogate.h: the method table, and fitting a method's model to a history. */
#include "hpo/surrogate.h"
#include "hpo/sobol.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Each entry is defined in its own file, src/hpo/NAME.c. */
extern const SurrogateMethod surrogate_rbf, surrogate_gp, surrogate_random, surrogate_lhs;

static const SurrogateMethod *const methods[] = {
    &surrogate_rbf,          /* the default */
    &surrogate_gp,
    &surrogate_random,
    &surrogate_lhs,
};

int surrogate_method_count(void) { return (int)(sizeof methods / sizeof methods[0]); }

const SurrogateMethod *surrogate_method_at(int i)
{
    return i >= 0 && i < surrogate_method_count() ? methods[i] : NULL;
}

const SurrogateMethod *surrogate_method_find(const char *name)
{
    for (int i = 0; name && i < surrogate_method_count(); i++)
        if (strcmp(methods[i]->name, name) == 0) return methods[i];
    return NULL;
}

void surrogate_method_names(char *buf, size_t n, const char *sep)
{
    size_t used = 0;
    if (n) buf[0] = 0;
    for (int i = 0; i < surrogate_method_count() && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%s%s", i ? sep : "", methods[i]->name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

const SurrogateMethod *surrogate_method_model(const SurrogateMethod *m)
{
    return m && m->fit ? m : methods[0];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

double surrogate_noise(const PointSet *h, double prior_dof, double *out)
{
    double ss = 0, dof = 0;
    for (size_t i = 0; h->nt && i < h->n; i++)
        if (h->ok[i] && h->nt[i] > 1 && isfinite(h->var[i])) {
            ss += h->var[i] * h->nt[i] * (h->nt[i] - 1);
            dof += h->nt[i] - 1;
        }
    double sp2 = dof > 0 ? ss / dof : 0;
    for (size_t i = 0; i < h->n; i++) {
        if (!h->ok[i]) { out[i] = 0; continue; }
        if (!h->nt || prior_dof <= 0 || dof <= 0) { out[i] = h->var[i]; continue; }
        double n = h->nt[i] >= 1 ? h->nt[i] : 1, s2 = isfinite(h->var[i]) ? h->var[i] * n : 0;
        out[i] = (prior_dof * sp2 + (n - 1) * s2) / (prior_dof + n - 1) / n;
    }
    return sp2;
}

void *surrogate_fit(const SurrogateMethod *m, const Space *sp, const PointSet *h, int cap,
                    double smoothing, double prior_dof, double pruned_sd, Rng *r)
{
    int n = (int)h->n, d = sp->d;
    double *X = xmalloc((size_t)n * d * sizeof *X), *y = xmalloc((size_t)n * sizeof *y);
    double *var = xmalloc((size_t)n * sizeof *var), *t = xmalloc((size_t)n * sizeof *t);
    double worst = -INFINITY;
    for (size_t i = 0; i < h->n; i++)
        if (h->ok[i]) worst = fmax(worst, h->y[i]);
    for (size_t i = 0; i < h->n; i++) {
        point_to_unit(sp, h->k + i * d, X + i * d);
        y[i] = h->ok[i] ? h->y[i] : worst;
    }
    surrogate_noise(h, prior_dof, var);
    /* Large values far from the optimum would dominate the fit: cap them at the median. */
    memcpy(t, y, (size_t)n * sizeof *t);
    qsort(t, (size_t)n, sizeof *t, cmp_double);
    double med = t[n / 2];
    if (cap)
        for (int i = 0; i < n; i++) y[i] = fmin(y[i], med);
    /* A pruned row's value b bounds its final value: the variance grows by the square of its
     * error as an estimate, pruned_sd * b, less the part a cap absorbs (capped at the median m,
     * the value moves only if the final value falls more than b - m). */
    for (int i = 0; h->pruned && pruned_sd > 0 && i < n; i++)
        if (h->ok[i] && h->pruned[i]) {
            double e = fmax(0, pruned_sd * h->y[i] - (h->y[i] - y[i]));
            var[i] += e * e;
        }
    SurrogateData data = { .x = X, .y = y, .var = var, .n = n, .d = d, .ymin = t[0],
                           .ymax = cap ? med : t[n - 1], .smoothing = smoothing };
    void *model = m->fit(&data, r);
    free(X); free(y); free(var); free(t);
    return model;
}

double surrogate_importance(const SurrogateMethod *m, const Space *sp, const PointSet *h,
                            int cap, double smoothing, double prior_dof, double pruned_sd, Rng *r,
                            double *S1, double *ST, double *S2, double *se)
{
    void *model = surrogate_fit(m, sp, h, cap, smoothing, prior_dof, pruned_sd, r);
    double v = sobol_indices(m->predict, model, sp->d, 4096, r, S1, ST, S2, se);
    m->free(model);
    return v;
}
