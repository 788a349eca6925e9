/* adagan.h — AdaGAN (Tolstikhin et al. 2017, "AdaGAN: Boosting generative models"): the
 * training-row weights gan-train reads (--weights, --weight-col), the reweighting formula
 * gan-mixdisc applies to its mixture discriminator, and the beta rules that set how much of
 * the ensemble each new component gets.
 *
 * Weights: w_i = (p_i / beta) (lambda* - (1 - beta) (1 - D_i) / D_i)_+ with p_i = 1/N and
 * lambda* the one value that makes them sum to 1. D_i = sigmoid(logit_i) is the mixture
 * discriminator's belief that training row i is real rather than the ensemble's; (1 - D)/D is
 * exp(-logit), computed from the logit so that D near 0 or 1 does not round to 0/0. The sum
 * is increasing in lambda, so the sorted closed form finds it exactly: with h_i = (1 - beta)
 * exp(-logit_i) sorted ascending, the k smallest rows carry weight and
 * lambda* = (N beta + h_1 + ... + h_k) / k for the largest k with h_k < lambda*.
 *
 * Beta rules (the share of the new component t = 1, 2, ... in the mixture; component 0 starts
 * alone, then every older component is scaled by 1 - beta_t):
 *   uniform   beta_t = 1/(t+1): after T+1 components each has 1/(T+1) (the CERN study's
 *             uniform mix; also AdaGAN's "beta_t = 1/t" counted from component 1)
 *   const:B   beta_t = B for every t (the AdaGAN paper's constant beta, e.g. 0.5): component
 *             k ends with B (1-B)^(T-k) (component 0: (1-B)^T). */
#ifndef GANTUNE_ADAGAN_H
#define GANTUNE_ADAGAN_H
#include <stddef.h>
#include <stdint.h>

/* A weight per training row for gan-train: column `col` of `path` (--weights FILE reads the
 * column "weight"; --weight-col NAME reads NAME of the training file), at most max_rows rows
 * (0: all) and exactly nrows of them. Each weight finite and >= 0, not all zero: otherwise
 * "prog: FILE:LINE: what is wrong", exit 1. Returns nrows floats scaled to mean 1
 * (w_i N / sum w), so that all-equal weights are exactly 1 (the unweighted step's bits). */
float *adagan_load_weights(const char *path, const char *col, size_t max_rows, size_t nrows);

/* The AdaGAN weights of n rows from the mixture discriminator's logits, for 0 < beta <= 1,
 * into w [n] (sum 1); returns lambda*. scratch holds n doubles. */
double adagan_weights(size_t n, const double *logit, double beta, double *w, double *scratch);

/* A beta rule by name ("uniform", "const:B" with 0 < B < 1): 0, or -1 when rule is not one. */
int adagan_rule_check(const char *rule);
/* beta_t for component t >= 1 under a checked rule (component 0 has no beta: it is 1). */
double adagan_beta(const char *rule, int t);
/* The final mixture weights of components 0..T (T+1 of them) under the rule, into mix. */
void adagan_mix(const char *rule, int T, double *mix);
/* The mixture discriminator (gan-mixdisc): the study's discriminator network
 * (gan_discriminator_layout(ndim, width)) trained by Adam with binary cross-entropy on
 * `real` [nreal x ndim] (target 1) against `gen` [ngen x ndim] (target 0), both scaled alike;
 * each step B real rows and B generated rows (1:1) in one batch, batch-norm statistics over
 * the 2B rows. An epoch is nreal / B steps over a fresh permutation of the real rows; the
 * generated rows cycle through their own permutations. Then the logits of every real row into
 * real_logit [nreal] and of every generated row into gen_logit [ngen], each computed as in
 * training: in a batch of B rows of its kind and B of the other, batch-norm statistics of that
 * batch (running statistics lag the weights and bias every logit). All draws from rng_seed2(seed,
 * ADAGAN_STREAM_*). B <= nreal and B <= ngen (the caller checks). */
enum { ADAGAN_STREAM_INIT = 11, ADAGAN_STREAM_SHUFFLE = 12 };
typedef struct {
    int ndim, width, batch;
    long epochs;
    double lr;
    uint64_t seed;
} MixDiscConfig;
void adagan_mixdisc(const MixDiscConfig *cfg, const float *real, size_t nreal, const float *gen,
                    size_t ngen, double *real_logit, double *gen_logit);
#endif
