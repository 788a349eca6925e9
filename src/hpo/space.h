/* space.h — the hyperparameter lattice: a space file (name,lower,upper,scaling[,axis]) where
 * each hyperparameter takes the values k*scaling for integers k in [lower, upper]. Tools read
 * and write actual values; internally points are lattice integers k, mapped to the unit cube
 * u = (k - lower) / (upper - lower) for distances and kernels, or with axis "log" (an optional
 * column; empty or "linear" is the default) u = log(k / lower) / log(upper / lower), so that
 * the surrogate and the proposals give each factor of a learning rate the same room (lower
 * must then be >= 1: a non-positive bound has no logarithm). Also reads the point files
 * (history, pending) whose hyperparameter columns must lie on the lattice. */
#ifndef GANTUNE_SPACE_H
#define GANTUNE_SPACE_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct {
    int d;
    char **name;
    long *lo, *hi;
    double *scale;
    char **scale_text;   /* scaling as written in the file, to write a derived space verbatim */
    int *logax;          /* 1: the unit cube is taken in log k (axis "log") */
} Space;

Space *space_read(const char *path);      /* dies "FILE:LINE: ..." on a bad row */
void space_free(Space *s);

double space_value(const Space *s, int j, long k);           /* k * scaling */
/* The lattice integer of value v: 0, or -1 if v is not (within rounding) k*scaling with k in
 * [lower, upper]. */
int space_lattice(const Space *s, int j, double v, long *k);
double space_unit(const Space *s, int j, long k);              /* [0,1]; 0.5 if one level */
int space_has_log(const Space *s);                             /* any axis "log" */
long space_from_unit(const Space *s, int j, double u);         /* nearest level, clamped */
/* A whole lattice point to the unit cube and back (nearest level, clamped). */
void point_to_unit(const Space *sp, const long *k, double *u);
void point_from_unit(const Space *sp, const double *u, long *k);
double space_size(const Space *s);                             /* number of lattice points */
/* A unique key of a lattice point (mixed radix); the space must have < 2^63 points. */
uint64_t space_key(const Space *s, const long *k);

/* Shortest decimal that reads back as v to 1e-13 relative (integers without exponent), so a
 * printed lattice value maps back to the same lattice point. */
void space_fmt(char *buf, size_t n, double v);
/* Print "name1,name2,..." and one point's values, comma-separated, newline-terminated. */
void space_print_header(const Space *s, FILE *f);
void space_print_point(const Space *s, const long *k, FILE *f);

/* Rows of a history or pending file. k is n x d lattice integers. With an objective column
 * name, y holds mean + kappa*std of each row (NaN for a failed row: status neither ok nor
 * pruned, or a non-finite objective; a pruned row's partial value is a pessimistic observation), var the trial variance of the mean std^2 / n_trials (0 if the std or
 * n_trials columns are absent), nt its finished trial count n_trials - n_failed (1 when the
 * columns are absent; nt may be
 * NULL in a PointSet built by hand: counts unknown), ok whether the row finished, pruned
 * whether it is a pruned set's partial value (status pruned: y bounds its final value from
 * above; surrogate_fit widens its variance); pruned may be NULL in a PointSet built by hand:
 * no row is pruned. */
typedef struct {
    size_t n;
    long *k;
    double *y, *var, *nt;
    int *ok, *pruned;
} PointSet;

void space_read_points(const Space *s, const char *path, const char *objective,
                       const char *stdcol, double kappa, PointSet *ps);
void pointset_free(PointSet *ps);

/* A set of lattice keys (open addressing), for "already evaluated, pending or proposed". */
typedef struct { uint64_t *slot; size_t cap, n; } KeySet;
void keyset_init(KeySet *ks);
int keyset_has(const KeySet *ks, uint64_t key);
int keyset_add(KeySet *ks, uint64_t key);     /* 1 if added, 0 if already present */
void keyset_free(KeySet *ks);
#endif
