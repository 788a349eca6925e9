/* gof.h — two-sample goodness-of-fit statistics beside wasserstein.h's W1, shared by gan-eval
 * and gan-train --score (chi2, ks). Definitions follow scipy so that the fixtures of
 * tests/golden/make_gof_golden.py check them:
 *   KS: sup_x |F_A(x) - F_B(x)|, scipy.stats.ks_2samp(a, b).statistic.
 *   binned chi2: Pearson's chi2 of the 2 x k table of counts (sample A, sample B) over k bins,
 *     bins where both counts are 0 left out, ndf = (bins kept) - 1: scipy.stats.
 *     chi2_contingency(table, correction=False) on the kept bins. For sizes N_A, N_B it is
 *     sum_i (N_B a_i - N_A b_i)^2 / (N_A N_B (a_i + b_i)), the unweighted two-sample test.
 *   bins: equal-population bins of the reference sample (B, the validation): the k-1 interior
 *     edges e_m = sorted_B[floor(m n_B / k)], m = 1..k-1; x falls in bin #{m : e_m <= x}
 *     (numpy.searchsorted(edges, x, 'right')), so the outer bins are open and every event
 *     counts. Ties can make bins empty in both samples: those are the ones left out.
 * Quantile bins and KS are unchanged by any increasing map of the columns, so scaled and
 * physical units give the same values. No allocation. */
#ifndef GANTUNE_GOF_H
#define GANTUNE_GOF_H
#include <stddef.h>

/* KS distance of two samples sorted ascending; 0 if either is empty. */
double gof_ks_sorted(const double *a, size_t na, const double *b, size_t nb);
/* The k-1 interior edges of k equal-population bins of ref (sorted ascending, n >= 1). */
void gof_edges(const double *ref, size_t n, int k, double *edges);
/* The bin of x among k bins with edges (k-1 of them). */
int gof_bin(const double *edges, int k, double x);
/* counts[0..k) of a sorted sample in one merge pass (counts are set, not added). */
void gof_count_sorted(const double *x, size_t n, const double *edges, int k, long *counts);
/* chi2 of the 2 x k table (a[i], b[i]); *ndf = kept bins - 1 (0 or less: the chi2 is 0). */
double gof_chi2(const long *a, const long *b, int k, int *ndf);
#endif
