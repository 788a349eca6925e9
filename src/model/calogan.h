/* calogan.h — the CaloGAN-like model (gan-train --model calo; Paganini, de Oliveira, Nachman,
 * PRD 97 014021): a generator of event-gen calo's 504 cells conditioned on E0, and a
 * discriminator with CaloGAN's energy-sum features, built from net.h's layers.
 *
 * Generator, input conditions ++ noise (nin), width w = --gen-layersize, F = --filters,
 * K = --kernel (2-5):
 *   dense(nin -> w, no bias) BN LeakyReLU, dense(w -> F*6*6) LeakyReLU,
 *   transposed conv F x 6x6 -> F x 12x12 (K x K, stride 2) LeakyReLU, dense(F*144 -> 504), ReLU
 * so every cell is >= 0 (in the scaled units of gan-train: cell / s_l, s_l the training set's
 * largest cell of the cell's layer, so 0 is an empty cell). No batch norm after a convolution (net.h's batch norm
 * is per pixel, not per plane), so the per-plane question does not arise here.
 * Discriminator in two lists, the features joining before the last layers:
 *   D1 (Gan.D): dense(504 -> F*144) LeakyReLU, conv F x 12x12 -> F x 6x6 (K x K, stride 2)
 *       LeakyReLU, dense(F*36 -> wd) LeakyReLU, wd = --disc-layersize
 *   D2: [D1's wd ++ 7 features ++ conditions] -> dense(wd) LeakyReLU -> dense(1), a logit.
 * The features (CaloGAN's): total energy over its training mean, the energy of each layer over
 * that layer's training mean, and each layer's sparsity (the fraction of cells > 0, gradient 0
 * as in CaloGAN). The generator's loss adds the auxiliary energy term
 *   CALOGAN_AUX_WEIGHT * mean |E_tot - r E0| / (r E0 at the middle of its range)
 * (E_tot the generated total, r the training set's mean E_tot / E0: the visible fraction). */
#ifndef GANTUNE_CALOGAN_H
#define GANTUNE_CALOGAN_H
#include "model/gan.h"

#define CALOGAN_NFEAT 7
#define CALOGAN_AUX_WEIGHT 1.0

/* The generator's list (as the model file rebuilds it) and the discriminator's two. */
void calogan_generator_layout(NetLayout *lay, int nin, int w, int filters, int kernel);
void calogan_discriminator_layouts(NetLayout *d1, NetLayout *d2, int ncond, int w, int filters,
                                   int kernel);

/* gan_init's part for --model calo: D2 (Glorot, drawn after G and D1), its Adam state and
 * cache, Gan.calo. calogan_free undoes it. */
void calogan_init(Gan *g, const GanConfig *cfg, Rng *init_rng);

/* The data's constants, from gan-train: the condition column of E0 and its min-max scaling
 * (scaled = 2 (E0 - lo)/(hi - lo) - 1), the target per GeV of E0 r / s and the feature scale
 * mean(E_tot)/s, in energy units of s (the largest training cell). unit[l]: a scaled cell of
 * layer l is unit[l] energy units (s_l / s, s_l the largest training cell of layer l: each
 * layer is scaled by its own largest cell); layer_scale[l]: layer l's mean training energy in
 * energy units, its feature's scale. NULL: units 1 and layer scales feat_scale (one shared
 * scale). Called once after gan_init. */
void calogan_set_data(Gan *g, int e0_col, double e0_lo, double e0_hi, double target_per_gev,
                      double feat_scale, const double *unit, const double *layer_scale);

/* The parts of a step (gan_step_w calls them for --model calo), exposed for the gradient
 * check. calogan_d_grad: the generator forward on [c, z] and the discriminator's loss and
 * parameter gradients (Gan.gD for D1, then D2's) on real x and fake rows, nothing updated.
 * calogan_g_grad: the generator loss (adversarial + auxiliary) and its parameter gradients
 * (Gan.gG); fwd 0 reuses the generator forward of the last calogan_d_grad. */
double calogan_d_grad(Gan *g, int B, const float *x, const float *c, const float *z,
                      const float *w);
double calogan_g_grad(Gan *g, int B, const float *c, const float *z, int fwd);
/* D2's parameters and their gradients (the gradient check perturbs them). */
float *calogan_d2_params(Gan *g, int64_t *n);
float *calogan_d2_grads(Gan *g);
/* The step: calogan_d_grad, Adam on D1 and D2, calogan_g_grad through the updated
 * discriminator, Adam on G. */
void calogan_step(Gan *g, int B, const float *x, const float *c, const float *z,
                  const float *w, double *d_loss, double *g_loss);
void calogan_free(Gan *g);
#endif
