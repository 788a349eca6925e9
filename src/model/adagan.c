/* adagan.c — AdaGAN's training-row weights and beta rules (see adagan.h). */
#include "model/adagan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvio.h"
#include "base/util.h"

float *adagan_load_weights(const char *path, const char *col, size_t max_rows, size_t nrows)
{
    CsvReader *r = csv_open(path);
    int j = csv_find(r, col);
    if (j < 0) csv_fail(r, "no weight column '%s' in the header", col);
    float *w = xmalloc((nrows + 1) * sizeof *w);
    double *wd = xmalloc((nrows + 1) * sizeof *wd);
    size_t n = 0;
    double sum = 0;
    while ((max_rows == 0 || n < max_rows) && csv_next(r)) {
        double v = csv_num(r, j);   /* dies on a non-number, NaN or infinity */
        if (v < 0) csv_fail(r, "weight %g is negative", v);
        if (n == nrows) csv_fail(r, "more weights than the %zu training rows", nrows);
        wd[n++] = v, sum += v;
    }
    if (n < nrows)
        csv_fail(r, "%zu weights for %zu training rows (one per row)", n, nrows);
    if (!(sum > 0)) csv_fail(r, "every weight is zero");
    if (!isfinite(sum)) csv_fail(r, "the weights' sum overflows");
    /* mean 1: equal weights become exactly 1.0f (x / (n x / n) rounds to 1 in double, far
     * inside float's half ulp) */
    const double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) w[i] = (float)(wd[i] / mean);
    free(wd);
    csv_close(r);
    return w;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double adagan_weights(size_t n, const double *logit, double beta, double *w, double *h)
{
    /* h_i = (1 - beta) (1 - D_i) / D_i = (1 - beta) exp(-logit_i) */
    for (size_t i = 0; i < n; i++) h[i] = (1.0 - beta) * exp(-logit[i]);
    qsort(h, n, sizeof *h, cmp_double);
    /* the largest k whose lambda_k = (N beta + sum of the k smallest h) / k exceeds h_k; the
     * sum of weights at lambda is (1 / (N beta)) sum (lambda - h_i)_+, 1 exactly at lambda_k
     * when precisely the k smallest are below it */
    const double nb = (double)n * beta;
    double s = 0, lambda = 0;
    for (size_t k = 1; k <= n; k++) {
        s += h[k - 1];
        double lk = (nb + s) / (double)k;
        if (!(lk > h[k - 1])) break;   /* h infinite (D = 0) or past lambda: stop */
        lambda = lk;
    }
    for (size_t i = 0; i < n; i++) {
        double hi = (1.0 - beta) * exp(-logit[i]);
        w[i] = hi < lambda ? (lambda - hi) / nb : 0.0;
    }
    return lambda;
}

int adagan_rule_check(const char *rule)
{
    if (strcmp(rule, "uniform") == 0) return 0;
    if (strncmp(rule, "const:", 6) == 0) {
        char *end;
        double b = strtod(rule + 6, &end);
        if (end != rule + 6 && !*end && b > 0 && b < 1) return 0;
    }
    return -1;
}

double adagan_beta(const char *rule, int t)
{
    if (strncmp(rule, "const:", 6) == 0) return strtod(rule + 6, NULL);
    return 1.0 / (t + 1);
}

void adagan_mix(const char *rule, int T, double *mix)
{
    mix[0] = 1.0;
    for (int t = 1; t <= T; t++) {
        double b = adagan_beta(rule, t);
        for (int k = 0; k < t; k++) mix[k] *= 1.0 - b;
        mix[t] = b;
    }
}
