/* score.h — gan-train's per-epoch score other than its own W1 (--score): the statistics of
 * gan-eval (gof.h, observables.h, wasserstein.h) on the generator's output for the validation
 * conditions and noise, against the validation sample; lower is better for every one.
 *   w1      gan-train's mean per-column W1 in scaled units (computed there, not here)
 *   w1-obs  mean W1 of the derived observables (kind detected from the output and condition
 *           names), each scaled by 2 / (the validation observable's max - min)
 *   chi2    mean per-column binned chi2/ndf on 20 equal-population validation bins
 *   ks      mean per-column KS distance
 *   calo    CaloGAN's shower-shape W1 (calo_shapes_w1, calo.h): the outputs are event-gen
 *           calo's 504 cells, E0 a condition; the default of gan-train --model calo
 * Everything is allocated by score_create; score_epoch allocates nothing. */
#ifndef GANTUNE_SCORE_H
#define GANTUNE_SCORE_H
#include <stddef.h>

typedef struct EpochScore EpochScore;

typedef struct {
    int nout, ncond;
    char *const *out_names, *const *cond_names;
    const double *out_lo, *out_hi;   /* the outputs' min-max scaling to [-1, 1] (training) */
    const double *xva, *cva;         /* validation outputs and conditions, physical, row-major */
    size_t nva;
} ScoreData;

/* 1 if name is a score (w1 included), else 0. */
int score_known(const char *name);
/* "w1|w1-obs|chi2|ks" */
const char *score_names(void);
/* The score `name` (not w1) on d's validation sample; w1-obs without a kind whose columns are
 * among the outputs and conditions is a usage error (exit 2). */
EpochScore *score_create(const char *name, const ScoreData *d);
/* The score of gen [nva x nout], the generator's scaled output for the validation rows. */
double score_epoch(EpochScore *s, const float *gen);
void score_free(EpochScore *s);
#endif
