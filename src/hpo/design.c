/* design.c — see design.h. */
#include "hpo/design.h"
#include "base/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

double unit_dist(const double *a, const double *b, int d)
{
    double s = 0;
    for (int j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

int design_rank(const double *u, int n, int d)
{
    int p = d + 1, m = n < p ? n : p;
    double *A = xmalloc((size_t)n * p * sizeof *A), *sv = xmalloc((size_t)m * sizeof *sv);
    double *sup = xmalloc((size_t)m * sizeof *sup);
    for (int i = 0; i < n; i++) {
        A[(size_t)i * p] = 1;
        for (int j = 0; j < d; j++) A[(size_t)i * p + 1 + j] = u[(size_t)i * d + j];
    }
    int rank = 0;
    if (LAPACKE_dgesvd(LAPACK_ROW_MAJOR, 'N', 'N', n, p, A, p, sv, NULL, 1, NULL, 1, sup) == 0)
        for (int i = 0; i < m; i++) rank += sv[i] > 1e-9 * sv[0];
    free(A); free(sv); free(sup);
    return rank;
}

static double min_dist(const double *u, int n, int d)
{
    double best = INFINITY;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < i; k++) best = fmin(best, unit_dist(u + (size_t)i * d, u + (size_t)k * d, d));
    return best;
}

/* One random symmetric LHD: pairs of points mirrored through the centre (Ye et al. 2000). */
static void slhd_one(Rng *r, int n, int d, double *u)
{
    int h = n / 2;
    uint32_t *perm = xmalloc((size_t)(h + 1) * sizeof *perm);
    for (int j = 0; j < d; j++) {
        for (int i = 0; i < h; i++) perm[i] = (uint32_t)i;
        rng_shuffle_u32(r, perm, (size_t)h);
        for (int i = 0; i < h; i++) {
            int lv = (int)perm[i];                       /* levels 0..h-1 or mirrored */
            if (rng_below(r, 2)) lv = n - 1 - lv;
            u[(size_t)i * d + j] = (lv + 0.5) / n;
            u[(size_t)(n - 1 - i) * d + j] = (n - 1 - lv + 0.5) / n;
        }
        if (n % 2) u[(size_t)h * d + j] = 0.5;              /* odd n: the centre */
    }
    free(perm);
}

void slhd(Rng *r, int n, int d, int tries, double *u)
{
    double *t = xmalloc((size_t)n * d * sizeof *t), best = -1;
    int need = n >= d + 1 ? d + 1 : n;
    for (int k = 0; k < tries || best < 0; k++) {
        slhd_one(r, n, d, t);
        double md = n > 1 ? min_dist(t, n, d) : 1;
        if (md > best && (k > 50 * tries || design_rank(t, n, d) >= need)) {
            best = md;
            memcpy(u, t, (size_t)n * d * sizeof *t);
        }
    }
    free(t);
}
