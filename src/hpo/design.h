/* design.h — point sets in the unit cube: distances, a maximin symmetric Latin hypercube and
 * the rank test it must pass. */
#ifndef GANTUNE_DESIGN_H
#define GANTUNE_DESIGN_H
#include "base/rng.h"

double unit_dist(const double *a, const double *b, int d);      /* Euclidean */
/* Maximin symmetric Latin hypercube of n points (cell centres in (0,1)) in d dimensions, the
 * best of `tries` random ones whose [1 X] has full column rank (when n >= d+1). */
void slhd(Rng *r, int n, int d, int tries, double *u);
/* Numerical rank of [1 X] for n points. */
int design_rank(const double *u, int n, int d);
#endif
