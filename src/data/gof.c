/* gof.c — KS and binned chi2 (see gof.h). */
#include "data/gof.h"

double gof_ks_sorted(const double *a, size_t na, const double *b, size_t nb)
{
    if (!na || !nb) return 0;
    size_t i = 0, j = 0;
    double d = 0;
    /* step both CDFs past each distinct value, then compare */
    while (i < na && j < nb) {
        double x = a[i] < b[j] ? a[i] : b[j];
        while (i < na && a[i] <= x) i++;
        while (j < nb && b[j] <= x) j++;
        double g = (double)i / (double)na - (double)j / (double)nb;
        if (g < 0) g = -g;
        if (g > d) d = g;
    }
    /* one sample is used up: its CDF is 1, the other's is the last value compared */
    return d;
}

void gof_edges(const double *ref, size_t n, int k, double *edges)
{
    for (int m = 1; m < k; m++) {
        size_t at = (size_t)m * n / (size_t)k;   /* floor(m n / k), exact in integers */
        edges[m - 1] = ref[at];
    }
}

int gof_bin(const double *edges, int k, double x)
{
    int lo = 0, hi = k - 1;   /* the number of edges <= x, by bisection */
    while (lo < hi) {
        int m = (lo + hi) / 2;
        if (edges[m] <= x) lo = m + 1; else hi = m;
    }
    return lo;
}

void gof_count_sorted(const double *x, size_t n, const double *edges, int k, long *counts)
{
    for (int m = 0; m < k; m++) counts[m] = 0;
    int bin = 0;
    for (size_t i = 0; i < n; i++) {
        while (bin < k - 1 && edges[bin] <= x[i]) bin++;
        counts[bin]++;
    }
}

double gof_chi2(const long *a, const long *b, int k, int *ndf)
{
    double na = 0, nb = 0;
    for (int i = 0; i < k; i++) na += (double)a[i], nb += (double)b[i];
    int kept = 0;
    double s = 0;
    for (int i = 0; i < k; i++) {
        double t = (double)a[i] + (double)b[i];
        if (t == 0) continue;
        kept++;
        double d = nb * (double)a[i] - na * (double)b[i];
        s += d * d / t;
    }
    *ndf = kept - 1;
    return kept > 1 && na > 0 && nb > 0 ? s / (na * nb) : 0.0;
}
