/* sobol.h — first-order, total and second-order Sobol indices of any function on the unit cube
 * by Saltelli's estimators. */
#ifndef GANTUNE_SOBOL_H
#define GANTUNE_SOBOL_H
#include "base/rng.h"

/* Sobol indices of f over the unit cube by Saltelli's scheme with N base samples: S1 (Saltelli
 * 2010), ST (Jansen), and if S2 is not NULL the d x d second-order indices (closed minus
 * first-order). If se is not NULL, se[2j] and se[2j+1] get the Monte Carlo standard errors of
 * S1[j] and ST[j] (each estimator is a mean of N terms over the variance: sd/sqrt(N)/var), so
 * that a reader can tell an estimate of ST below S1 (impossible for the true indices) from
 * sampling error. Returns the variance of f. */
typedef double (*SobolFn)(const void *ctx, const double *u);
double sobol_indices(SobolFn f, const void *ctx, int d, int N, Rng *r, double *S1, double *ST,
                     double *S2, double *se);
#endif
