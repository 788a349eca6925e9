/* surrogate.c — see surrogate.h. Dense linear algebra through LAPACKE (n <= a few hundred). */
#include "hpo/surrogate.h"
#include "base/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double dist(const double *a, const double *b, int d)
{
    double s = 0;
    for (int j = 0; j < d; j++) s += (a[j] - b[j]) * (a[j] - b[j]);
    return sqrt(s);
}

/* ---------------------------------------------------------------- RBF */

static int rbf_solve(Rbf *m, const double *y, const double *smooth, int tail)
{
    int n = m->n, d = m->d, p = tail ? d + 1 : 1, N = n + p;
    double *A = xcalloc((size_t)N * N, sizeof *A), *b = xcalloc((size_t)N, sizeof *b);
    lapack_int *piv = xmalloc((size_t)N * sizeof *piv);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
            double r = dist(m->x + (size_t)i * d, m->x + (size_t)k * d, d);
            A[(size_t)i * N + k] = r * r * r;
        }
        A[(size_t)i * N + i] += smooth ? smooth[i] : 0;
        A[(size_t)i * N + n] = A[(size_t)n * N + i] = 1;
        for (int j = 0; tail && j < d; j++)
            A[(size_t)i * N + n + 1 + j] = A[(size_t)(n + 1 + j) * N + i] = m->x[(size_t)i * d + j];
        b[i] = y[i];
    }
    int info = (int)LAPACKE_dgesv(LAPACK_ROW_MAJOR, N, 1, A, N, piv, b, 1);
    /* A (nearly) singular system shows up as info > 0 or absurd coefficients. */
    for (int i = 0; info == 0 && i < N; i++)
        if (!isfinite(b[i])) info = -1;
    if (info == 0) {
        m->tail = tail;
        memcpy(m->lam, b, (size_t)n * sizeof *b);
        memset(m->c, 0, (size_t)(d + 1) * sizeof *m->c);
        memcpy(m->c, b + n, (size_t)p * sizeof *b);
    }
    free(A); free(b); free(piv);
    return info;
}

int rbf_fit(Rbf *m, const double *x, const double *y, const double *smooth, int n, int d)
{
    m->n = n;
    m->d = d;
    m->x = xmalloc((size_t)n * d * sizeof *m->x);
    memcpy(m->x, x, (size_t)n * d * sizeof *x);
    m->lam = xcalloc((size_t)n, sizeof *m->lam);
    m->c = xcalloc((size_t)d + 1, sizeof *m->c);
    /* The linear tail needs d+1 affinely independent points; fall back to a constant. */
    if (n >= d + 1 && rbf_solve(m, y, smooth, 1) == 0) return 0;
    if (rbf_solve(m, y, smooth, 0) == 0) return 0;
    double *s2 = xmalloc((size_t)n * sizeof *s2);
    for (int i = 0; i < n; i++) s2[i] = (smooth ? smooth[i] : 0) + 1e-6;
    int rc = rbf_solve(m, y, s2, 0);
    free(s2);
    if (rc != 0) {                       /* last resort: the mean */
        double s = 0;
        for (int i = 0; i < n; i++) s += y[i];
        memset(m->lam, 0, (size_t)n * sizeof *m->lam);
        m->tail = 0;
        m->c[0] = s / n;
    }
    return rc;
}

double rbf_eval(const Rbf *m, const double *u)
{
    double s = m->c[0];
    for (int j = 0; m->tail && j < m->d; j++) s += m->c[1 + j] * u[j];
    for (int i = 0; i < m->n; i++) {
        double r = dist(u, m->x + (size_t)i * m->d, m->d);
        s += m->lam[i] * r * r * r;
    }
    return s;
}

void rbf_free(Rbf *m)
{
    free(m->x); free(m->lam); free(m->c);
    memset(m, 0, sizeof *m);
}

/* ---------------------------------------------------------------- GP */

#define SQRT5 2.23606797749979

/* Matérn-5/2 correlation at scaled distance r, and (5/3)(1+a)e^-a used by the gradient. */
static double matern(double r2, double *dfac)
{
    double r = sqrt(r2), a = SQRT5 * r, e = exp(-a);
    if (dfac) *dfac = (5.0 / 3.0) * (1 + a) * e;
    return (1 + a + a * a / 3) * e;
}

static double sq_scaled(const double *a, const double *b, const double *ell, int d)
{
    double s = 0;
    for (int j = 0; j < d; j++) {
        double t = (a[j] - b[j]) / ell[j];
        s += t * t;
    }
    return s;
}

/* Kernel matrix with noise on the diagonal (lower triangle filled, row major). */
static void gp_kernel(const double *x, const double *noise, int n, int d, const double *theta,
                      double *K)
{
    double ell[64], sf2 = exp(theta[d]), sn2 = exp(theta[d + 1]);
    for (int j = 0; j < d; j++) ell[j] = exp(theta[j]);
    for (int i = 0; i < n; i++) {
        for (int k = 0; k <= i; k++)
            K[(size_t)i * n + k] = K[(size_t)k * n + i] =
                sf2 * matern(sq_scaled(x + (size_t)i * d, x + (size_t)k * d, ell, d), NULL);
        K[(size_t)i * n + i] += sn2 + (noise ? noise[i] : 0);
    }
}

double gp_nll(const double *x, const double *y, const double *noise, int n, int d,
              const double *theta, double *grad)
{
    double *K = xmalloc((size_t)n * n * sizeof *K), *a = xmalloc((size_t)n * sizeof *a);
    gp_kernel(x, noise, n, d, theta, K);
    double nll = INFINITY;
    if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, K, n) != 0) goto out;
    memcpy(a, y, (size_t)n * sizeof *a);
    LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', n, 1, K, n, a, 1);
    nll = 0.5 * n * log(2 * 3.14159265358979323846);
    for (int i = 0; i < n; i++) nll += 0.5 * y[i] * a[i] + log(K[(size_t)i * n + i]);
    if (grad) {
        /* dNLL/dtheta = 0.5 tr((K^-1 - a a^T) dK/dtheta); W = K^-1 - a a^T. */
        if (LAPACKE_dpotri(LAPACK_ROW_MAJOR, 'L', n, K, n) != 0) { nll = INFINITY; goto out; }
        double ell[64], sf2 = exp(theta[d]), sn2 = exp(theta[d + 1]);
        for (int j = 0; j < d; j++) ell[j] = exp(theta[j]);
        memset(grad, 0, (size_t)(d + 2) * sizeof *grad);
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                double w = K[(size_t)i * n + k] - a[i] * a[k], mult = i == k ? 0.5 : 1.0, dfac;
                const double *xi = x + (size_t)i * d, *xk = x + (size_t)k * d;
                double m = matern(sq_scaled(xi, xk, ell, d), &dfac);
                grad[d] += mult * w * sf2 * m;
                if (i == k) grad[d + 1] += mult * w * sn2;
                for (int j = 0; i != k && j < d; j++) {
                    double t = (xi[j] - xk[j]) / ell[j];
                    grad[j] += mult * w * sf2 * dfac * t * t;
                }
            }
        }
    }
out:
    free(K); free(a);
    return nll;
}

static void gp_bounds(int d, double *lo, double *hi)
{
    for (int j = 0; j < d; j++) { lo[j] = log(0.03); hi[j] = log(5.0); }
    lo[d] = log(0.05); hi[d] = log(20.0);
    lo[d + 1] = log(1e-6); hi[d + 1] = log(1.0);
}

/* BFGS with backtracking on the box-clamped parameters. */
static double gp_optimize(const double *x, const double *y, const double *noise, int n, int d,
                          double *th)
{
    int p = d + 2;
    double lo[66], hi[66], g[66], g2[66], t2[66], s[66], yv[66], dir[66];
    double *H = xmalloc((size_t)p * p * sizeof *H);
    gp_bounds(d, lo, hi);
    for (int j = 0; j < p; j++) th[j] = fmin(hi[j], fmax(lo[j], th[j]));
    double f = gp_nll(x, y, noise, n, d, th, g);
    if (!isfinite(f)) { free(H); return f; }
    for (int i = 0; i < p * p; i++) H[i] = i % (p + 1) == 0 ? 1 : 0;
    for (int it = 0; it < 40; it++) {
        for (int i = 0; i < p; i++) {
            dir[i] = 0;
            for (int j = 0; j < p; j++) dir[i] -= H[i * p + j] * g[j];
        }
        double gd = 0;
        for (int i = 0; i < p; i++) gd += g[i] * dir[i];
        if (gd >= 0) {               /* not a descent direction: restart from steepest */
            for (int i = 0; i < p * p; i++) H[i] = i % (p + 1) == 0 ? 1 : 0;
            for (int i = 0; i < p; i++) dir[i] = -g[i];
            gd = 0;
            for (int i = 0; i < p; i++) gd -= g[i] * g[i];
        }
        double step = 1, f2 = INFINITY;
        for (int ls = 0; ls < 20; ls++, step *= 0.5) {
            for (int i = 0; i < p; i++) t2[i] = fmin(hi[i], fmax(lo[i], th[i] + step * dir[i]));
            f2 = gp_nll(x, y, noise, n, d, t2, g2);
            if (f2 <= f + 1e-4 * step * gd) break;
        }
        if (!(f2 < f)) break;
        double sy = 0, yHy = 0, Hy[66];
        for (int i = 0; i < p; i++) { s[i] = t2[i] - th[i]; yv[i] = g2[i] - g[i]; sy += s[i] * yv[i]; }
        double df = f - f2;
        memcpy(th, t2, (size_t)p * sizeof *th);
        memcpy(g, g2, (size_t)p * sizeof *g);
        f = f2;
        if (df < 1e-7 * (1 + fabs(f))) break;
        if (sy <= 1e-12) continue;
        for (int i = 0; i < p; i++) {
            Hy[i] = 0;
            for (int j = 0; j < p; j++) Hy[i] += H[i * p + j] * yv[j];
            yHy += yv[i] * Hy[i];
        }
        for (int i = 0; i < p; i++)
            for (int j = 0; j < p; j++)
                H[i * p + j] += (sy + yHy) * s[i] * s[j] / (sy * sy) - (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
    }
    free(H);
    return f;
}

int gp_refit(Gp *g, const double *x, const double *y, const double *noise, int n)
{
    int d = g->d;
    free(g->x); free(g->noise); free(g->L); free(g->alpha);
    g->n = n;
    g->x = xmalloc((size_t)n * d * sizeof *g->x);
    memcpy(g->x, x, (size_t)n * d * sizeof *x);
    g->noise = xmalloc((size_t)n * sizeof *g->noise);
    for (int i = 0; i < n; i++) g->noise[i] = noise ? noise[i] : 0;
    g->L = xmalloc((size_t)n * n * sizeof *g->L);
    g->alpha = xmalloc((size_t)n * sizeof *g->alpha);
    for (int jitter = 0; jitter < 6; jitter++) {
        gp_kernel(g->x, g->noise, n, d, g->theta, g->L);
        double extra = jitter ? 1e-8 * pow(100, jitter) : 0;
        for (int i = 0; i < n; i++) g->L[(size_t)i * n + i] += extra;
        if (LAPACKE_dpotrf(LAPACK_ROW_MAJOR, 'L', n, g->L, n) == 0) {
            memcpy(g->alpha, y, (size_t)n * sizeof *y);
            LAPACKE_dpotrs(LAPACK_ROW_MAJOR, 'L', n, 1, g->L, n, g->alpha, 1);
            return 0;
        }
    }
    return -1;
}

void gp_fit(Gp *g, const double *x, const double *y, const double *noise, int n, int d,
            Rng *r, int starts)
{
    int p = d + 2;
    memset(g, 0, sizeof *g);
    g->d = d;
    g->theta = xmalloc((size_t)p * sizeof *g->theta);
    double lo[66], hi[66], th[66], best = INFINITY;
    gp_bounds(d, lo, hi);
    for (int s = 0; s < starts; s++) {
        for (int j = 0; j < p; j++)   /* the first start is a sensible default */
            th[j] = s == 0 ? (j < d ? log(0.3) : j == d ? 0 : log(1e-3))
                           : lo[j] + (hi[j] - lo[j]) * rng_uniform(r);
        double f = gp_optimize(x, y, noise, n, d, th);
        if (f < best || s == 0) {
            best = f;
            memcpy(g->theta, th, (size_t)p * sizeof *th);
        }
    }
    if (!isfinite(best)) {
        for (int j = 0; j < p; j++) g->theta[j] = j < d ? log(0.3) : j == d ? 0 : log(1e-2);
    }
    gp_refit(g, x, y, noise, n);
}

void gp_predict(const Gp *g, const double *u, double *mean, double *sd)
{
    int n = g->n, d = g->d;
    double ell[64], sf2 = exp(g->theta[d]);
    for (int j = 0; j < d; j++) ell[j] = exp(g->theta[j]);
    double kv[1024], *k = n <= 1024 ? kv : xmalloc((size_t)n * sizeof *k);
    double m = 0;
    for (int i = 0; i < n; i++) {
        k[i] = sf2 * matern(sq_scaled(u, g->x + (size_t)i * d, ell, d), NULL);
        m += k[i] * g->alpha[i];
    }
    *mean = m;
    if (sd) {  /* forward substitution L v = k; var = sf2 - v^T v */
        for (int i = 0; i < n; i++) {
            double s = k[i];
            for (int j = 0; j < i; j++) s -= g->L[(size_t)i * n + j] * k[j];
            k[i] = s / g->L[(size_t)i * n + i];
        }
        double v = sf2;
        for (int i = 0; i < n; i++) v -= k[i] * k[i];
        *sd = sqrt(fmax(v, 1e-12 * sf2));
    }
    if (k != kv) free(k);
}

void gp_free(Gp *g)
{
    free(g->x); free(g->theta); free(g->noise); free(g->L); free(g->alpha);
    memset(g, 0, sizeof *g);
}

/* ---------------------------------------------------------------- designs */

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
        for (int k = 0; k < i; k++) best = fmin(best, dist(u + (size_t)i * d, u + (size_t)k * d, d));
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

/* ---------------------------------------------------------------- Sobol */

double sobol_indices(SobolFn f, const void *ctx, int d, int N, Rng *r, double *S1, double *ST,
                     double *S2)
{
    double *A = xmalloc((size_t)N * d * sizeof *A), *B = xmalloc((size_t)N * d * sizeof *B);
    double *fA = xmalloc((size_t)N * sizeof *fA), *fB = xmalloc((size_t)N * sizeof *fB);
    double *fAB = xmalloc((size_t)N * d * sizeof *fAB), *x = xmalloc((size_t)d * sizeof *x);
    for (size_t i = 0; i < (size_t)N * d; i++) { A[i] = rng_uniform(r); B[i] = rng_uniform(r); }
    double mean = 0, var = 0;
    for (int i = 0; i < N; i++) {
        fA[i] = f(ctx, A + (size_t)i * d);
        fB[i] = f(ctx, B + (size_t)i * d);
        mean += fA[i] + fB[i];
    }
    mean /= 2.0 * N;
    for (int i = 0; i < N; i++) var += (fA[i] - mean) * (fA[i] - mean) + (fB[i] - mean) * (fB[i] - mean);
    var /= 2.0 * N - 1;
    for (int j = 0; j < d; j++) {
        double s1 = 0, st = 0;
        for (int i = 0; i < N; i++) {
            memcpy(x, A + (size_t)i * d, (size_t)d * sizeof *x);
            x[j] = B[(size_t)i * d + j];
            double v = fAB[(size_t)j * N + i] = f(ctx, x);
            s1 += fB[i] * (v - fA[i]);
            st += (fA[i] - v) * (fA[i] - v);
        }
        S1[j] = var > 0 ? s1 / N / var : 0;
        ST[j] = var > 0 ? st / (2.0 * N) / var : 0;
    }
    if (S2) {
        for (int j = 0; j < d * d; j++) S2[j] = 0;
        for (int j = 0; j < d; j++)
            for (int k = j + 1; k < d; k++) {
                double sc = 0;       /* closed index of {j,k}: A with columns j,k from B */
                for (int i = 0; i < N; i++) {
                    memcpy(x, A + (size_t)i * d, (size_t)d * sizeof *x);
                    x[j] = B[(size_t)i * d + j];
                    x[k] = B[(size_t)i * d + k];
                    sc += fB[i] * (f(ctx, x) - fA[i]);
                }
                double s2 = var > 0 ? sc / N / var - S1[j] - S1[k] : 0;
                S2[j * d + k] = S2[k * d + j] = s2;
            }
    }
    free(A); free(B); free(fA); free(fB); free(fAB); free(x);
    return var;
}
