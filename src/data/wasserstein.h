/* wasserstein.h — exact 1-D Wasserstein-1 distance between two empirical samples, the same
 * definition as scipy.stats.wasserstein_distance (unit weights, sizes may differ):
 *   W1 = integral over the merged sorted support of |F_A(x) - F_B(x)| dx.
 * Sorting is an LSD radix sort on the IEEE bit patterns (O(n), no comparisons), the distance one
 * merge pass, so gan-train can afford it every epoch. No allocation when scratch is passed. */
#ifndef GANTUNE_WASSERSTEIN_H
#define GANTUNE_WASSERSTEIN_H
#include <stddef.h>

/* Sort ascending in place. tmp: scratch of n elements, or NULL to allocate (and free) one.
 * NaNs are not expected (the data layer refuses them). */
void w1_sort(double *x, size_t n, double *tmp);
void w1_sort_f(float *x, size_t n, float *tmp);

/* W1 of two samples already sorted ascending; 0 if either is empty. */
double w1_sorted(const double *a, size_t na, const double *b, size_t nb);
double w1_sorted_f(const float *a, size_t na, const float *b, size_t nb);
/* Mixed: a float sample (e.g. generated) against a double sample (e.g. validation). */
double w1_sorted_fd(const float *a, size_t na, const double *b, size_t nb);

/* Convenience: sorts a and b in place, then w1_sorted. */
double w1_distance(double *a, size_t na, double *b, size_t nb);
#endif
