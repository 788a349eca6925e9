/* gan.c — the study's networks, their workspace and the training step (see gan.h). */
#include "model/gan.h"

#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/calogan.h"
#include "model/nn.h"

/* two dense(no bias) + batch norm + LeakyReLU blocks, then the output layer */
static void mlp(NetLayout *lay, int nin, int w, int nout)
{
    net_begin(lay, nin);
    for (int k = 0; k < 2; k++) {
        net_dense(lay, w, 0);
        net_batchnorm(lay);
        net_leaky(lay, NN_LEAKY_SLOPE);
    }
    net_dense(lay, nout, 1);
}

static void laid_out(NetLayout *lay)
{
    const char *why = net_layout(lay);
    if (why) die(EXIT_RUNTIME, "invalid network: %s", why);
}

void gan_generator_layout(NetLayout *lay, int nin, int w, int nout)
{
    mlp(lay, nin, w, nout);
    net_tanh(lay);
    laid_out(lay);
}

void gan_discriminator_layout(NetLayout *lay, int nin, int w)
{
    mlp(lay, nin, w, 1);
    laid_out(lay);
}

void gan_generator_layout_arch(NetLayout *lay, int arch, int nin, int w, int nout, int filters,
                               int kernel)
{
    if (arch == GAN_ARCH_CALO) calogan_generator_layout(lay, nin, w, filters, kernel);
    else gan_generator_layout(lay, nin, w, nout);
}

void gan_layouts(const GanConfig *cfg, NetLayout *G, NetLayout *D)
{
    if (cfg->arch == GAN_ARCH_CALO) {
        NetLayout d2;
        calogan_generator_layout(G, cfg->ncond + cfg->nnoise, cfg->gen_width, cfg->filters,
                                 cfg->kernel);
        calogan_discriminator_layouts(D, &d2, cfg->ncond, cfg->disc_width, cfg->filters,
                                      cfg->kernel);
        return;
    }
    gan_generator_layout(G, cfg->ncond + cfg->nnoise, cfg->gen_width, cfg->nout);
    gan_discriminator_layout(D, cfg->nout + cfg->ncond, cfg->disc_width);
}

int64_t gan_params_reference(const GanConfig *cfg)
{
    NetLayout G, D;
    gan_layouts(cfg, &G, &D);
    int64_t n = G.nparams_ref + D.nparams_ref;
    if (cfg->arch == GAN_ARCH_CALO) {
        NetLayout d1, d2;
        calogan_discriminator_layouts(&d1, &d2, cfg->ncond, cfg->disc_width, cfg->filters,
                                      cfg->kernel);
        n += d2.nparams_ref;
    }
    return n;
}

void gan_init(Gan *g, const GanConfig *cfg, Rng *init_rng)
{
    memset(g, 0, sizeof *g);
    g->ncond = cfg->ncond, g->nnoise = cfg->nnoise, g->nout = cfg->nout;
    g->batch = cfg->batch, g->lr_g = (float)cfg->lr_g, g->lr_d = (float)cfg->lr_d;
    NetLayout G, D;
    gan_layouts(cfg, &G, &D);
    net_init(&g->G, &G);
    net_init(&g->D, &D);
    net_glorot(&g->G, init_rng);
    net_glorot(&g->D, init_rng);
    if (cfg->arch == GAN_ARCH_CALO) calogan_init(g, cfg, init_rng);
    size_t ng = (size_t)G.nparams, nd = (size_t)D.nparams;
    g->gG = xcalloc(3 * ng, sizeof(float));
    g->mG = g->gG + ng, g->vG = g->gG + 2 * ng;
    g->gD = xcalloc(3 * nd, sizeof(float));
    g->mD = g->gD + nd, g->vD = g->gD + 2 * nd;
    g->dfake = xcalloc((size_t)g->batch * g->nout, sizeof(float));
    net_cache_init(&g->cG, &g->G, g->batch, 1);
    net_cache_init(&g->cD, &g->D, 2 * g->batch, 2);
    if (cfg->precision == PREC_BF16) {
        /* master weights, Adam and batch norm stay float32; the GEMMs read bf16 copies */
        g->bf = bf16_ctx_create(cfg->threads);
        net_bf16_enable(&g->G), net_bf16_enable(&g->D);
        net_cache_bf16(&g->cG, &g->G, g->bf);
        net_cache_bf16(&g->cD, &g->D, g->bf);
        gan_prepare_rows(g, g->batch);
    }
}

void gan_prepare_rows(Gan *g, int B)
{
    if (!g->bf || B < 2 || B > g->batch) return;
    net_bf16_prepare(&g->G, &g->cG, B, 1, 1);
    net_bf16_prepare(&g->D, &g->cD, 2 * B, 1, 1);   /* discriminator step */
    net_bf16_prepare(&g->D, &g->cD, B, 1, 0);       /* generator step through D */
}

void gan_free(Gan *g)
{
    net_free(&g->G), net_free(&g->D);
    free(g->gG), free(g->gD), free(g->dfake);
    net_cache_free(&g->cG), net_cache_free(&g->cD);
    bf16_ctx_free(g->bf);
    calogan_free(g);
}

void gan_step(Gan *g, int B, const float *x, const float *c, const float *z, double *d_loss,
              double *g_loss)
{
    gan_step_w(g, B, x, c, z, NULL, d_loss, g_loss);
}

void gan_step_w(Gan *g, int B, const float *x, const float *c, const float *z, const float *w,
                double *d_loss, double *g_loss)
{
    if (g->calo) {
        calogan_step(g, B, x, c, z, w, d_loss, g_loss);
        return;
    }
    const int nc = g->ncond, nz = g->nnoise, no = g->nout, ngi = nc + nz, ndi = no + nc;
    NetCache *cg = &g->cG, *cd = &g->cD;
    float *gin = cg->act[0], *gout = cg->act[g->G.lay.n];
    float *din = cd->act[0], *dout = cd->act[g->D.lay.n];

    /* generator forward on [c, z] (training mode, running statistics updated; tanh is its
     * last layer) */
    for (int r = 0; r < B; r++) {
        float *xi = gin + (size_t)r * ngi;
        memcpy(xi, c + (size_t)r * nc, (size_t)nc * sizeof(float));
        memcpy(xi + nc, z + (size_t)r * nz, (size_t)nz * sizeof(float));
    }
    net_fwd_train(&g->G, cg, B, 1, 1);

    /* discriminator step: rows [0,B) real [x, c], rows [B,2B) fake [G(z), c]; one GEMM per
     * layer over both halves, batch-norm statistics per half as in two separate calls */
    for (int r = 0; r < B; r++) {
        float *real = din + (size_t)r * ndi, *fake = din + (size_t)(B + r) * ndi;
        memcpy(real, x + (size_t)r * no, (size_t)no * sizeof(float));
        memcpy(real + no, c + (size_t)r * nc, (size_t)nc * sizeof(float));
        memcpy(fake, gout + (size_t)r * no, (size_t)no * sizeof(float));
        memcpy(fake + no, c + (size_t)r * nc, (size_t)nc * sizeof(float));
    }
    /* the discriminator's running statistics are never used (it is never run in inference
     * mode, nor saved), so they are not updated */
    net_fwd_train(&g->D, cd, B, 2, 0);
    float *dz = dout;   /* logits are consumed by the loss: reuse them for the gradient */
    *d_loss = nn_bce_logits_w(B, dout, 1.0f, w, dz) + nn_bce_logits(B, dout + B, 0.0f, dz + B);
    net_bwd(&g->D, cd, B, 2, dz, g->gD, 0);
    nn_adam_step_bf16(g->D.lay.nparams, g->D.p, g->gD, g->mD, g->vD, g->lr_d, NN_ADAM_BETA1,
                      NN_ADAM_BETA2, NN_ADAM_EPS, ++g->tD, g->D.pb);   /* pb NULL in fp32 */

    /* generator step through the updated discriminator: fake rows moved to the front, only
     * input gradients through D (its weight gradients are not needed) */
    memmove(din, din + (size_t)B * ndi, (size_t)B * ndi * sizeof(float));
    net_fwd_train(&g->D, cd, B, 1, 0);
    *g_loss = nn_bce_logits(B, dout, 1.0f, dz);
    net_bwd(&g->D, cd, B, 1, dz, NULL, no);   /* input gradient of the generated columns */
    float *dfake = g->dfake;
    const float *ddx = cd->grad[0];
    for (int r = 0; r < B; r++)
        memcpy(dfake + (size_t)r * no, ddx + (size_t)r * ndi, (size_t)no * sizeof(float));
    net_bwd(&g->G, cg, B, 1, dfake, g->gG, 0);   /* through tanh first */
    nn_adam_step_bf16(g->G.lay.nparams, g->G.p, g->gG, g->mG, g->vG, g->lr_g, NN_ADAM_BETA1,
                      NN_ADAM_BETA2, NN_ADAM_EPS, ++g->tG, g->G.pb);
}
