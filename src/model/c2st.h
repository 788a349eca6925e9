/* c2st.h — the classifier two-sample test (gan-eval's c2st_auc): a small MLP, built from
 * net.h's layers and trained with nn.h's Adam and BCE, learns to tell sample A (label 1) from
 * sample B (label 0) on one half of each; its AUC on the other halves is the statistic. 0.5: the
 * classifier cannot tell them apart (AUC below 0.5 is chance too); 1: it always can.
 *
 * Rows: m = min(na, nb, max_rows) drawn without replacement from each sample with the seed's
 * stream, the first m/2 of each to train on, the rest to test. Features are the columns
 * standardised with B's training half (mean, sd; a constant column is only shifted).
 * Network: dense(ncols -> hidden) LeakyReLU(0.3), dense(hidden -> hidden) LeakyReLU, dense(->1),
 * Glorot-initialised; each step a batch of batch/2 rows of A and batch/2 of B. The same seed
 * (and thread count) gives the same AUC. */
#ifndef GANTUNE_C2ST_H
#define GANTUNE_C2ST_H
#include <stddef.h>
#include <stdint.h>

typedef struct {
    int hidden, epochs, batch;   /* batch: rows per step, half from each sample (even, >= 4) */
    double lr;
    size_t max_rows;             /* rows used from each sample, at most */
    uint64_t seed;
} C2stConfig;

/* Defaults: hidden 64, 10 epochs, batch 512, lr 1e-3, max_rows 100000, seed 1. */
C2stConfig c2st_defaults(void);
/* a [na x ncols], b [nb x ncols], row-major. Needs min(na, nb, max_rows) >= 4; returns the
 * held-out AUC, and the rows used from each sample in *used when not NULL. */
double c2st_auc(const double *a, size_t na, const double *b, size_t nb, int ncols,
                const C2stConfig *cfg, size_t *used);
/* AUC of scores s1[n1] (label 1) against s0[n0] (label 0), ties counted half (the
 * Mann-Whitney U over n1 n0); sorts copies. */
double c2st_auc_scores(const float *s1, size_t n1, const float *s0, size_t n0);
#endif
