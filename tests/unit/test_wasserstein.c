/* test_wasserstein.c — radix sorts agree with qsort; w1_sorted agrees with a direct transcription
 * of scipy's algorithm (searchsorted CDFs over the merged support); known closed forms. */
#include "check.h"
#include "base/rng.h"
#include "data/wasserstein.h"

#include <stdlib.h>
#include <string.h>

static int cmpd(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

static size_t count_le(const double *s, size_t n, double x)   /* searchsorted 'right' */
{
    size_t lo = 0, hi = n;
    while (lo < hi) { size_t m = (lo + hi) / 2; if (s[m] <= x) lo = m + 1; else hi = m; }
    return lo;
}

/* scipy.stats._cdf_distance(p=1) written out: all = sort(concat); deltas = diff(all);
 * cdfs by searchsorted right at all[:-1]; sum |u - v| * delta. */
static double w1_reference(const double *a, size_t na, const double *b, size_t nb)
{
    double *sa = malloc(na * sizeof *sa), *sb = malloc(nb * sizeof *sb);
    double *all = malloc((na + nb) * sizeof *all);
    memcpy(sa, a, na * sizeof *sa);
    memcpy(sb, b, nb * sizeof *sb);
    qsort(sa, na, sizeof *sa, cmpd);
    qsort(sb, nb, sizeof *sb, cmpd);
    memcpy(all, a, na * sizeof *all);
    memcpy(all + na, b, nb * sizeof *all);
    qsort(all, na + nb, sizeof *all, cmpd);
    long double s = 0;
    for (size_t k = 0; k + 1 < na + nb; k++) {
        double u = (double)count_le(sa, na, all[k]) / na, v = (double)count_le(sb, nb, all[k]) / nb;
        s += fabsl((long double)u - v) * (all[k + 1] - all[k]);
    }
    free(sa); free(sb); free(all);
    return (double)s;
}

int main(void)
{
    Rng r;
    rng_seed(&r, 7);

    /* Sorting: random doubles over many magnitudes and both signs, with ties, +-0. */
    enum { N = 20000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    for (int i = 0; i < N; i++) {
        double v = (rng_uniform(&r) - 0.5) * pow(10, (int)rng_below(&r, 20) - 10);
        if (i % 97 == 0) v = 0.0;
        if (i % 101 == 0) v = -0.0;
        if (i % 13 == 0) v = 1.5;
        x[i] = y[i] = v;
    }
    w1_sort(x, N, NULL);
    qsort(y, N, sizeof *y, cmpd);
    int ok = 1;
    for (int i = 0; i < N; i++) ok &= x[i] == y[i];
    CHECK(ok, "w1_sort matches qsort");

    float *f = malloc(N * sizeof *f), *ft = malloc(N * sizeof *ft);
    for (int i = 0; i < N; i++) f[i] = (float)((rng_uniform(&r) - 0.5) * pow(10, (int)rng_below(&r, 10) - 5));
    w1_sort_f(f, N, ft);
    ok = 1;
    for (int i = 1; i < N; i++) ok &= f[i - 1] <= f[i];
    CHECK(ok, "w1_sort_f sorts ascending");

    /* Closed forms: a shift by c has W1 = c; a point mass vs a point mass. */
    double a[5] = {0, 1, 2, 3, 4}, b[5] = {0.5, 1.5, 2.5, 3.5, 4.5};
    CHECK_CLOSE(w1_sorted(a, 5, b, 5), 0.5, 0, 1e-15, "shift by 0.5");
    double p[1] = {3}, q[1] = {-2};
    CHECK_CLOSE(w1_sorted(p, 1, q, 1), 5.0, 0, 1e-15, "point masses");
    CHECK_CLOSE(w1_sorted(a, 5, a, 5), 0.0, 1e-300, 0, "identical samples");
    /* scipy docs example: wasserstein_distance([0,1,3],[5,6,8]) = 5 */
    double c[3] = {0, 1, 3}, d[3] = {5, 6, 8};
    CHECK_CLOSE(w1_sorted(c, 3, d, 3), 5.0, 0, 1e-15, "scipy doc example");
    /* Order of arguments does not matter. */
    CHECK_CLOSE(w1_sorted(c, 3, a, 5), w1_sorted(a, 5, c, 3), 0, 1e-15, "symmetry");

    /* Random unequal sizes with ties against the reference. */
    for (int t = 0; t < 30; t++) {
        size_t na = 1 + rng_below(&r, 500), nb = 1 + rng_below(&r, 700);
        double *u = malloc(na * sizeof *u), *v = malloc(nb * sizeof *v);
        float *uf = malloc(na * sizeof *uf), *vf = malloc(nb * sizeof *vf);
        for (size_t i = 0; i < na; i++) u[i] = t % 3 ? rng_normal(&r) : (double)rng_below(&r, 5);
        for (size_t i = 0; i < nb; i++) v[i] = t % 3 ? 0.3 + 1.2 * rng_normal(&r) : (double)rng_below(&r, 7);
        for (size_t i = 0; i < na; i++) uf[i] = (float)u[i];
        for (size_t i = 0; i < nb; i++) vf[i] = (float)v[i];
        double want = w1_reference(u, na, v, nb);
        double got = w1_distance(u, na, v, nb);
        CHECK_CLOSE(got, want, 1e-15, 1e-12, "random W1 vs reference");
        w1_sort_f(uf, na, NULL);
        w1_sort_f(vf, nb, NULL);
        CHECK_CLOSE(w1_sorted_f(uf, na, vf, nb), want, 1e-6, 1e-5, "float W1");
        CHECK_CLOSE(w1_sorted_fd(uf, na, v, nb), want, 1e-6, 1e-5, "float-double W1");
        free(u); free(v); free(uf); free(vf);
    }
    CHECK(w1_sorted(a, 0, b, 5) == 0.0, "empty sample gives 0");
    free(x); free(y); free(f); free(ft);
    return check_done("wasserstein");
}
