/* transform.h — per-column transforms of output columns, carried by the model file (gtm.h):
 * gan-train maps each physical value x to t(x) before the min-max scaling, gan-sample and
 * libgantune (sample.c) map the generator's values back with t^-1 after it, so a heavy-tailed
 * column (a pT, a mass) is learnt on a log scale and comes out in physical units.
 *
 *   none         t(x) = x
 *   log          t(x) = ln x                 x > 0          t^-1(y) = e^y
 *   log1p        t(x) = ln(1 + x)            x > -1         t^-1(y) = e^y - 1
 *   logit[:A:B]  t(x) = ln((x-A) / (B-x))    A < x < B      t^-1(y) = A + (B-A) / (1 + e^-y)
 *
 * logit's bounds are the column's physical bounds, given by the user (default 0 and 1, e.g.
 * logit:-1:1 for a cos theta); they are never taken from the data, since the smallest and
 * largest value seen would map to -inf and +inf. A value on or outside a bound is refused.
 *
 * A table of entries (name, domain, forward, inverse): a new transform is one row. */
#ifndef GANTUNE_TRANSFORM_H
#define GANTUNE_TRANSFORM_H
#include <stddef.h>

enum { TF_NONE = 0, TF_LOG = 1, TF_LOG1P = 2, TF_LOGIT = 3, TF_COUNT = 4 };

/* One column's transform: the kind and, for logit, its bounds (a < b; 0 otherwise). */
typedef struct {
    int kind;
    double a, b;
} Transform;

/* spec ("log", "logit:-1:1", ...) into *t: 0, or -1 with why (a short phrase) set. */
int tf_parse(const char *spec, Transform *t, const char **why);
const char *tf_name(int kind);
/* The domain in words ("x > 0", "-1 < x < 1") into buf, for messages. */
const char *tf_domain(const Transform *t, char *buf, size_t n);
/* Whether the stored kind and bounds make a transform (a model file's check). */
int tf_valid(const Transform *t);
/* t(x) into *y: 0, or -1 when x is outside the domain (y untouched). */
int tf_fwd(const Transform *t, double x, double *y);
double tf_inv(const Transform *t, double y);

/* gan-train --tail-cut Q: the largest value kept of column j of the row-major x [rows x n],
 * the k-th smallest with k = ceil(Q * rows) (at least 1), so that with distinct values exactly
 * k events are kept (those <= the cut) and rows - k dropped. 0 < Q < 1, rows >= 1. */
double tf_tail_cut(const double *x, size_t rows, int n, int j, double q);
#endif
