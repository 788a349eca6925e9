/* gp.h — a Gaussian process with a Matérn-5/2 ARD kernel (hyperparameters by marginal
 * likelihood) on points of the unit cube; gp.c also defines the "gp" surrogate method
 * (surrogate.h). */
#ifndef GANTUNE_GP_H
#define GANTUNE_GP_H
#include "base/rng.h"

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
#endif
