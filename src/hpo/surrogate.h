/* surrogate.h — the models and designs behind surrogate-propose, on points of the unit cube:
 * a cubic RBF with a linear tail (noise-aware smoothing), a Gaussian process with a Matérn-5/2
 * ARD kernel (hyperparameters by marginal likelihood), a maximin symmetric Latin hypercube,
 * and first-order/total/second-order Sobol indices of any model by Saltelli's estimators. */
#ifndef GANTUNE_SURROGATE_H
#define GANTUNE_SURROGATE_H
#include "base/rng.h"

/* s(x) = sum_i lam_i |x - x_i|^3 + c_0 + c^T x. The system gets smooth_i on its diagonal:
 * 0 interpolates point i exactly, larger values let the fit pass off a noisy value. */
typedef struct { int n, d, tail; double *x, *lam, *c; } Rbf;
int rbf_fit(Rbf *m, const double *x, const double *y, const double *smooth, int n, int d);
double rbf_eval(const Rbf *m, const double *u);
void rbf_free(Rbf *m);

/* theta = (log l_1..l_d, log signal variance, log nugget); per-point noise adds to the nugget. */
typedef struct {
    int n, d;
    double *x, *theta, *noise, *L, *alpha;
} Gp;
/* Negative log marginal likelihood of y (zero mean) and, when grad is not NULL, its gradient
 * in theta. Returns +inf where the Cholesky factorization fails. */
double gp_nll(const double *x, const double *y, const double *noise, int n, int d,
              const double *theta, double *grad);
/* Fit theta by gradient descent (BFGS, box bounds) from several starts; y must be centred. */
void gp_fit(Gp *g, const double *x, const double *y, const double *noise, int n, int d,
            Rng *r, int starts);
/* Refactor with theta kept (for kriging-believer fantasies). 0 on success. */
int gp_refit(Gp *g, const double *x, const double *y, const double *noise, int n);
void gp_predict(const Gp *g, const double *u, double *mean, double *sd);
void gp_free(Gp *g);

/* Maximin symmetric Latin hypercube of n points (cell centres in (0,1)) in d dimensions, the
 * best of `tries` random ones whose [1 X] has full column rank (when n >= d+1). */
void slhd(Rng *r, int n, int d, int tries, double *u);
/* Numerical rank of [1 X] for n points. */
int design_rank(const double *u, int n, int d);

/* Sobol indices of f over the unit cube by Saltelli's scheme with N base samples: S1 (Saltelli
 * 2010), ST (Jansen), and if S2 is not NULL the d x d second-order indices (closed minus
 * first-order). Returns the variance of f. */
typedef double (*SobolFn)(const void *ctx, const double *u);
double sobol_indices(SobolFn f, const void *ctx, int d, int N, Rng *r, double *S1, double *ST,
                     double *S2);
#endif
