/* gan.h — the study's GAN: generator and discriminator MLPs, their workspace (allocated once)
 * and one training step built from the nn.h layers, with no allocation inside a step.
 *
 * Each network: dense(nin->w, no bias) BN LeakyReLU, dense(w->w, no bias) BN LeakyReLU,
 * dense(w->nout, bias); the generator adds tanh. Generator input = conditions ++ noise,
 * discriminator input = sample ++ conditions (the reference's column order). */
#ifndef GANTUNE_GAN_H
#define GANTUNE_GAN_H
#include <stdint.h>

#include "base/rng.h"

/* One MLP's parameters in one contiguous block (so one Adam call updates them all). */
typedef struct {
    int nin, w, nout;
    int64_t nparams;                 /* floats in `p` */
    float *p;                        /* W1 g1 be1 W2 g2 be2 W3 b3 */
    float *W1, *g1, *be1, *W2, *g2, *be2, *W3, *b3;
    float *rm1, *rv1, *rm2, *rv2;    /* batch-norm running statistics */
} GanMlp;

/* Forward activations of `rows` rows, kept for the backward pass. */
typedef struct {
    int rows, groups;                /* capacity; batch-norm statistics per group */
    float *x;                        /* input [rows x nin] */
    float *h1, *xh1, *h2, *xh2;      /* post-activation and normalised [rows x w] */
    float *mean1, *inv1, *mean2, *inv2; /* [groups x w] */
    float *out;                      /* [rows x nout] */
    float *da1, *da2;                /* backward scratch [rows x w] */
    float *dx;                       /* input gradient [rows x nin] */
    float *dg, *db;                  /* scratch for BN parameter gradients of untrained nets */
    float *xmom, *work;              /* first block with few inputs (nin <= NN_FEW_IN, nn.h):
                                      * input moments [groups x (nin + nin^2)], dW scratch
                                      * [nin x w] */
} GanCache;

typedef struct {
    int ncond, nnoise, nout, gw, dw, batch;
    float lr_g, lr_d;
    GanMlp G, D;
    float *gG, *mG, *vG, *gD, *mD, *vD;  /* gradients and Adam moments, same layout as p */
    float *dfake;                    /* generator output gradient [batch x nout] */
    long tG, tD;                     /* Adam step counters */
    GanCache cG, cD;                 /* cG: batch rows; cD: 2 x batch rows (real ++ fake) */
} Gan;

/* gan-train's random streams: rng_seed2(seed, GAN_STREAM_...) each, so that one purpose's
 * draws (say the epoch count's) never shift another's. bench/gan_streams.c replays them. */
enum { GAN_STREAM_INIT = 1, GAN_STREAM_SHUFFLE = 2, GAN_STREAM_NOISE = 3, GAN_STREAM_VAL = 4 };

/* Parameter count as the reference counts it (including the biases before batch norm). */
int64_t gan_mlp_params_reference(int nin, int w, int nout);

void gan_mlp_init(GanMlp *m, int nin, int w, int nout);     /* allocates; zero parameters */
void gan_mlp_free(GanMlp *m);
void gan_mlp_glorot(GanMlp *m, Rng *rng);                  /* Glorot W, zero b, gamma 1, var 1 */
void gan_cache_init(GanCache *c, const GanMlp *m, int rows, int groups);
void gan_cache_free(GanCache *c);

/* Training-mode forward of rows [0, groups*B) of c->x, batch-norm statistics per group of B
 * rows; running statistics updated when update_running. Output in c->out. */
void gan_mlp_fwd_train(GanMlp *m, GanCache *c, int B, int groups, int update_running);
/* Backward of the last gan_mlp_fwd_train given dout [groups*B x nout] (overwritten).
 * grad: parameter gradients (NULL: skipped); ndx: fill the first ndx columns of c->dx (the
 * input gradient; 0: none). */
void gan_mlp_bwd(GanMlp *m, GanCache *c, int B, int groups, float *dout, float *grad, int ndx);
/* Inference-mode forward (running statistics) of B rows of x into out, using h1/h2 [B x w]. */
void gan_mlp_fwd_infer(const GanMlp *m, int B, const float *x, float *h1, float *h2,
                       float *out);

void gan_init(Gan *g, int ncond, int nnoise, int nout, int gw, int dw, int batch, float lr_g,
              float lr_d, Rng *init_rng);
void gan_free(Gan *g);

/* One training step on a batch of B <= batch rows: x [B x nout] scaled real samples,
 * c [B x ncond] conditions, z [B x nnoise] noise. Discriminator step on real and fake
 * separately, then generator step through the updated discriminator. Returns losses. */
void gan_step(Gan *g, int B, const float *x, const float *c, const float *z, double *d_loss,
              double *g_loss);
#endif
