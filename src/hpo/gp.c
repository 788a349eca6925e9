/* gp.c — see gp.h. Dense linear algebra through LAPACKE (n <= a few hundred). */
#include "hpo/gp.h"
#include "hpo/propose.h"
#include "hpo/surrogate.h"
#include "base/util.h"

#include <lapacke.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- the "gp" method: the model on standardised y, with the data it was last factored on;
 * points being evaluated enter as kriging-believer fantasies (their predicted mean), and a
 * candidate's merit is its negative expected improvement over the lowest predicted mean at a
 * data point. */

typedef struct {
    Gp gp;
    double *x, *y, *v;     /* the data, fantasies appended */
    int n, cap;
    double mu, sd;         /* y was standardised by these: predict answers in y's units */
} GpModel;

static void *gp_m_fit(const SurrogateData *s, Rng *r)
{
    int n = s->n, d = s->d;
    double mu = 0, s2 = 0;
    for (int i = 0; i < n; i++) mu += s->y[i];
    mu /= n;
    for (int i = 0; i < n; i++) s2 += (s->y[i] - mu) * (s->y[i] - mu);
    double sd = n > 1 && s2 > 0 ? sqrt(s2 / (n - 1)) : 1;
    GpModel *m = xcalloc(1, sizeof *m);
    m->n = m->cap = n;
    m->mu = mu;
    m->sd = sd;
    m->x = xmalloc((size_t)n * d * sizeof *m->x);
    m->y = xmalloc((size_t)n * sizeof *m->y);
    m->v = xmalloc((size_t)n * sizeof *m->v);
    memcpy(m->x, s->x, (size_t)n * d * sizeof *m->x);
    for (int i = 0; i < n; i++) {
        m->y[i] = (s->y[i] - mu) / sd;
        m->v[i] = s->var[i] / (sd * sd);
    }
    gp_fit(&m->gp, m->x, m->y, m->v, n, d, r, 4);
    return m;
}

static double gp_m_predict(const void *model, const double *u)
{
    const GpModel *m = model;
    double mu;
    gp_predict(&m->gp, u, &mu, NULL);
    return m->mu + m->sd * mu;
}

static void gp_m_free(void *model)
{
    GpModel *m = model;
    gp_free(&m->gp);
    free(m->x); free(m->y); free(m->v); free(m);
}

/* Kriging believer: each point takes the mean predicted before any of them is added, then one
 * refactorisation with theta kept. */
static void gp_m_condition(void *model, const double *u, int n)
{
    GpModel *m = model;
    int d = m->gp.d;
    if (m->n + n > m->cap) {
        m->cap = 2 * (m->n + n);
        m->x = xrealloc(m->x, (size_t)m->cap * d * sizeof *m->x);
        m->y = xrealloc(m->y, (size_t)m->cap * sizeof *m->y);
        m->v = xrealloc(m->v, (size_t)m->cap * sizeof *m->v);
    }
    for (int i = 0; i < n; i++, m->n++) {
        memcpy(m->x + (size_t)m->n * d, u + (size_t)i * d, (size_t)d * sizeof *u);
        gp_predict(&m->gp, m->x + (size_t)m->n * d, &m->y[m->n], NULL);
        m->v[m->n] = 0;
    }
    if (n > 0) gp_refit(&m->gp, m->x, m->y, m->v, m->n);
}

static double norm_cdf(double z) { return 0.5 * erfc(-z / sqrt(2.0)); }
static double norm_pdf(double z) { return exp(-0.5 * z * z) / sqrt(2 * 3.14159265358979323846); }

static void gp_m_score(const void *model, const double *u, int n, double *s)
{
    const GpModel *m = model;
    int d = m->gp.d;
    double best = INFINITY;        /* the incumbent: lowest predicted mean at a data point */
    for (int i = 0; i < m->n; i++) {
        double mu;
        gp_predict(&m->gp, m->x + (size_t)i * d, &mu, NULL);
        best = fmin(best, mu);
    }
    for (int i = 0; i < n; i++) {
        double mu, sd;
        gp_predict(&m->gp, u + (size_t)i * d, &mu, &sd);
        double z = (best - mu) / sd;
        s[i] = -((best - mu) * norm_cdf(z) + sd * norm_pdf(z));   /* -EI */
    }
}

static void gp_m_merit(const double *score, const double *dist, int n, int step, double *merit)
{
    (void)dist; (void)step;       /* EI weighs exploration itself */
    memcpy(merit, score, (size_t)n * sizeof *merit);
}

/* Capped by default: the stationary kernel suffers from a few huge values (BENCHMARKS.md). */
const SurrogateMethod surrogate_gp = {
    .name = "gp", .label = "GP", .cap = 1,
    .fit = gp_m_fit, .predict = gp_m_predict, .free = gp_m_free,
    .score = gp_m_score, .merit = gp_m_merit, .condition = gp_m_condition,
    .propose = propose_with_model,
};
