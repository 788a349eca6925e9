/* gan.h — the study's GAN: its two networks as layer lists (net.h), their workspace (allocated
 * once) and one training step, with no allocation inside a step.
 *
 * Each network: dense(nin->w, no bias) BN LeakyReLU, dense(w->w, no bias) BN LeakyReLU,
 * dense(w->nout, bias); the generator adds tanh. Generator input = conditions ++ noise,
 * discriminator input = sample ++ conditions (the reference's column order). A new layer
 * goes into net.h's list and gan_generator_layout/gan_discriminator_layout. */
#ifndef GANTUNE_GAN_H
#define GANTUNE_GAN_H
#include <stdint.h>

#include "base/rng.h"
#include "model/ganconf.h"
#include "model/net.h"

typedef struct CaloGan CaloGan;   /* --model calo's discriminator head (calogan.h) */

typedef struct {
    int ncond, nnoise, nout, batch;
    float lr_g, lr_d;
    Net G, D;
    float *gG, *mG, *vG, *gD, *mD, *vD;  /* gradients and Adam moments, same layout as p */
    float *dfake;                    /* generator output gradient [batch x nout] */
    long tG, tD;                     /* Adam step counters */
    NetCache cG, cD;                 /* cG: batch rows; cD: 2 x batch rows (real ++ fake) */
    Bf16Ctx *bf;                     /* --precision bf16: the GEMM context; NULL in fp32 */
    CaloGan *calo;                   /* --model calo: D is its D1, this the rest; else NULL */
} Gan;

/* gan-train's random streams: rng_seed2(seed, GAN_STREAM_...) each, so that one purpose's
 * draws (say the epoch count's) never shift another's. bench/gan_streams.c replays them. */
enum { GAN_STREAM_INIT = 1, GAN_STREAM_SHUFFLE = 2, GAN_STREAM_NOISE = 3, GAN_STREAM_VAL = 4 };

/* The study's networks as layer lists, laid out (net_layout): the generator nin -> w -> nout
 * ending in tanh, the discriminator nin -> w -> 1 (a logit). The model file's generator is
 * gan_generator_layout(ncond + nnoise, gen width, nout). */
void gan_generator_layout(NetLayout *lay, int nin, int w, int nout);
void gan_discriminator_layout(NetLayout *lay, int nin, int w);
/* Both, from a config's sizes and model (--model calo: the generator and D1, calogan.h). */
void gan_layouts(const GanConfig *cfg, NetLayout *G, NetLayout *D);
/* The model file's generator: gan_generator_layout for GAN_ARCH_MLP, calogan's for calo. */
void gan_generator_layout_arch(NetLayout *lay, int arch, int nin, int w, int nout, int filters,
                               int kernel);
/* Parameters of both networks as the reference counts them (gan-train's `params`). */
int64_t gan_params_reference(const GanConfig *cfg);

/* Networks from cfg's sizes (Glorot-initialised from init_rng, G then D), Adam state, caches
 * for cfg->batch rows; learning rates from cfg. */
void gan_init(Gan *g, const GanConfig *cfg, Rng *init_rng);
/* bf16: makes the GEMMs of a step on B rows (gan_init makes those of cfg->batch), so that a
 * shorter last batch of an epoch allocates nothing either. Nothing in fp32. */
void gan_prepare_rows(Gan *g, int B);
void gan_free(Gan *g);

/* One training step on a batch (--model calo: calogan_step) of B <= batch rows: x [B x nout] scaled real samples,
 * c [B x ncond] conditions, z [B x nnoise] noise. Discriminator step on real and fake
 * separately, then generator step through the updated discriminator. Returns losses. */
void gan_step(Gan *g, int B, const float *x, const float *c, const float *z, double *d_loss,
              double *g_loss);
/* The same with a weight per real row, w [B] (gan-train --weights, AdaGAN): the
 * discriminator's real term is the weighted mean; the fake term and the generator step are
 * unchanged. w NULL is gan_step; weights of exactly 1 give gan_step's bits. */
void gan_step_w(Gan *g, int B, const float *x, const float *c, const float *z, const float *w,
                double *d_loss, double *g_loss);
#endif
