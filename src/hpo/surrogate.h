/* surrogate.h — the surrogate methods (surrogate-propose --method, run.conf's method=) as one
 * table. An entry is a name and functions: a method that models the objective has fit, predict
 * and free, and the acquisition hooks (score, merit, condition) that the shared proposal loop
 * of propose.c calls; a method without a model (random, lhs) has only propose.
 *
 * A new method is one file src/hpo/NAME.c defining `const SurrogateMethod surrogate_NAME` with
 * its functions, and one line in the table of surrogate.c; --method, --help and the error for
 * an unknown name follow from the table. */
#ifndef GANTUNE_SURROGATE_H
#define GANTUNE_SURROGATE_H
#include "base/rng.h"
#include "hpo/space.h"

#include <stddef.h>

typedef struct Proposer Proposer;              /* propose.h */

/* What a model is fitted to: n points x (n x d, unit cube), their objective y (failed rows
 * imputed with the worst finished value, capped at the median when asked), trial variance var
 * of each mean, the smallest and largest y, and the noise smoothing factor (--smoothing). */
typedef struct {
    const double *x, *y, *var;
    int n, d;
    double ymin, ymax, smoothing;
} SurrogateData;

typedef struct SurrogateMethod SurrogateMethod;
struct SurrogateMethod {
    const char *name;      /* --method NAME */
    const char *label;     /* in titles, e.g. "Sobol indices of the RBF surrogate" */
    int cap;               /* default of --cap/--no-cap: cap values above the median at it */
    /* The model, NULL for a method without one. predict is the mean at u (a SobolFn). */
    void *(*fit)(const SurrogateData *data, Rng *r);
    double (*predict)(const void *model, const double *u);
    void (*free)(void *model);
    /* Acquisition over the n candidate points u (n x d): score[i], lower is better; then merit[i]
     * from the scores and each candidate's distance to the nearest evaluated, pending or chosen
     * point, the lowest merit wins; step counts the evaluations so far (finished, pending,
     * chosen). condition tells the model that n points u are being evaluated (pending, or
     * chosen just now); NULL where the model ignores them. */
    void (*score)(const void *model, const double *u, int n, double *score);
    void (*merit)(const double *score, const double *dist, int n, int step, double *merit);
    void (*condition)(void *model, const double *u, int n);
    /* All of a call's proposals: p->n points into p->out (propose.h). A model method uses
     * propose_with_model, which calls the hooks above. */
    void (*propose)(Proposer *p, const SurrogateMethod *self);
};

/* The table, in the order of --help; entry 0 is the default. */
int surrogate_method_count(void);
const SurrogateMethod *surrogate_method_at(int i);
/* The entry named name, NULL if there is none. */
const SurrogateMethod *surrogate_method_find(const char *name);
/* The names joined by sep ("rbf, gp, random, lhs"), truncated to fit n bytes. */
void surrogate_method_names(char *buf, size_t n, const char *sep);
/* The method whose model stands for m: m itself if it has one, else (m without a model, or
 * NULL for an unknown name) the default. This is the model --importance fits, and the one a
 * report should fit to draw the surrogate of a run whose run.conf says method=m. */
const SurrogateMethod *surrogate_method_model(const SurrogateMethod *m);

/* The trial variance of each mean that the models are given: a set's sample variance s_i^2
 * over n_i trials has only n_i - 1 degrees of freedom (two trials that agree by chance say
 * s_i = 0), so it is shrunk towards the pooled variance s_p^2 = sum (n_i-1) s_i^2 / sum (n_i-1)
 * of the finished sets, as by a scaled inverse-chi^2 prior worth prior_dof degrees of freedom:
 *   out[i] = (prior_dof * s_p^2 + (n_i - 1) s_i^2) / (prior_dof + n_i - 1) / n_i.
 * prior_dof 0 keeps the per-set variances (h->var) as they are; so does a PointSet without
 * trial counts (h->nt NULL). Failed rows get 0. Returns s_p^2 (0 when nothing pools). */
#define NOISE_PRIOR_DOF 4.0
double surrogate_noise(const PointSet *h, double prior_dof, double *out);

/* A pruned row (h->pruned) holds its trials' best W1 up to the rung it stopped at, b. Best W1
 * so far only falls, so b bounds the final value f from above; on the real curves (BENCHMARKS.md,
 * issue 15) f was mostly b itself (the median b/f 1.00: a set pruned had stopped improving)
 * with a tail of sets that would still have gained, the root mean square of (b - f)/b being
 * 0.04-0.20 by seed, about 0.1 pooled. So b stays the value (pessimistic: a pruned set never
 * looks better than it was measured) and its variance grows by the mean square error of b as
 * an estimate of f, (pruned_sd * b)^2 (less what a cap absorbs): the GP's noise at that row,
 * the RBF's smoothing term,
 * so the fit leans on it less and moves less when b changes; the row still pulls the fit up
 * (a finite variance), so it does not draw the search towards itself. */
#define PRUNED_SD 0.1

/* Fit m's model (m must have one) to the history h: every row, failed ones imputed with the
 * worst finished value so that they repel the search without bending the fit, values above
 * the median capped at it when cap, trial variances by surrogate_noise(prior_dof), a pruned
 * row's widened by (pruned_sd * value)^2 (0: a plain observation; a history without pruned
 * rows fits the same whatever pruned_sd). h needs at least one finished row. m->predict gives
 * values in h's units. Free with m->free. */
void *surrogate_fit(const SurrogateMethod *m, const Space *sp, const PointSet *h, int cap,
                    double smoothing, double prior_dof, double pruned_sd, Rng *r);
/* Sobol indices (S1, ST, and S2 and their standard errors se when not NULL; sobol.h) of the
 * model of m fitted to h, on 4096 base samples; m must have a model. Returns the variance of
 * the model's mean. */
double surrogate_importance(const SurrogateMethod *m, const Space *sp, const PointSet *h,
                            int cap, double smoothing, double prior_dof, double pruned_sd, Rng *r,
                            double *S1, double *ST, double *S2, double *se);
#endif
