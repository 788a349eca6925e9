/* rbf.h — a cubic radial basis function model with a linear tail and noise-aware smoothing, on
 * points of the unit cube; rbf.c also defines the "rbf" surrogate method (surrogate.h). */
#ifndef GANTUNE_RBF_H
#define GANTUNE_RBF_H

/* s(x) = sum_i lam_i |x - x_i|^3 + c_0 + c^T x. The system gets smooth_i on its diagonal:
 * 0 interpolates point i exactly, larger values let the fit pass off a noisy value. */
typedef struct { int n, d, tail; double *x, *lam, *c; } Rbf;
int rbf_fit(Rbf *m, const double *x, const double *y, const double *smooth, int n, int d);
double rbf_eval(const Rbf *m, const double *u);
void rbf_free(Rbf *m);
#endif
