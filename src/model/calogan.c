/* calogan.c — the CaloGAN-like model: its layer lists and its step (see calogan.h). */
#include "model/calogan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "data/calo.h"
#include "model/nn.h"

/* The part of a Gan only this model has (Gan.calo). */
struct CaloGan {
    Net D2;
    NetCache cD2;                   /* 2 x batch rows, as Gan.cD */
    float *gD2, *mD2, *vD2;
    float *dh;                      /* D1's output gradient [2 batch x wd] */
    float *dcell;                   /* the generated cells' gradient [batch x 504] */
    float *feat;                    /* features of the rows of the last D pass [2 batch x 7] */
    int e0_col;
    double e0_lo, e0_hi, tpg, fs;   /* calogan_set_data */
    double unit[CALO_NLAYER];       /* a scaled cell of layer l is unit[l] energy units */
    double lfs[CALO_NLAYER];        /* layer l's feature scale: its training mean energy */
};

/* output size 12 from 6 (transposed) and 6 from 12: padding (K-1)/2, output padding 2+2p-K */
static NnConv geom(int cin, int hw, int filters, int kernel)
{
    int p = (kernel - 1) / 2;
    return (NnConv){.cin = cin, .h = hw, .w = hw, .cout = filters, .kh = kernel, .kw = kernel,
                    .sh = 2, .sw = 2, .ph = p, .pw = p};
}

static void laid_out(NetLayout *lay, const char *what)
{
    const char *why = net_layout(lay);
    if (why) die(EXIT_RUNTIME, "invalid calo %s: %s", what, why);
}

void calogan_generator_layout(NetLayout *lay, int nin, int w, int filters, int kernel)
{
    const int p = (kernel - 1) / 2, op = 2 + 2 * p - kernel;
    net_begin(lay, nin);
    net_dense(lay, w, 0);
    net_batchnorm(lay);
    net_leaky(lay, NN_LEAKY_SLOPE);
    net_dense(lay, filters * 36, 1);
    net_leaky(lay, NN_LEAKY_SLOPE);
    net_conv(lay, geom(filters, 6, filters, kernel), 1, op, op);
    net_leaky(lay, NN_LEAKY_SLOPE);
    net_dense(lay, CALO_NCELL, 1);
    net_leaky(lay, 0.0f);   /* ReLU: cell energies >= 0 */
    laid_out(lay, "generator");
}

void calogan_discriminator_layouts(NetLayout *d1, NetLayout *d2, int ncond, int w, int filters,
                                   int kernel)
{
    net_begin(d1, CALO_NCELL);
    net_dense(d1, filters * 144, 1);
    net_leaky(d1, NN_LEAKY_SLOPE);
    net_conv(d1, geom(filters, 12, filters, kernel), 0, 0, 0);
    net_leaky(d1, NN_LEAKY_SLOPE);
    net_dense(d1, w, 1);
    net_leaky(d1, NN_LEAKY_SLOPE);
    laid_out(d1, "discriminator");
    net_begin(d2, w + CALOGAN_NFEAT + ncond);
    net_dense(d2, w, 1);
    net_leaky(d2, NN_LEAKY_SLOPE);
    net_dense(d2, 1, 1);
    laid_out(d2, "discriminator head");
}

void calogan_init(Gan *g, const GanConfig *cfg, Rng *init_rng)
{
    if (cfg->nout != CALO_NCELL)
        die(EXIT_USAGE, "--model calo: %d output columns, not event-gen calo's %d cells", cfg->nout,
            CALO_NCELL);
    CaloGan *k = xcalloc(1, sizeof *k);
    NetLayout d1, d2;
    calogan_discriminator_layouts(&d1, &d2, cfg->ncond, cfg->disc_width, cfg->filters, cfg->kernel);
    net_init(&k->D2, &d2);
    net_glorot(&k->D2, init_rng);   /* after G and D1 */
    size_t n2 = (size_t)d2.nparams;
    k->gD2 = xcalloc(3 * n2, sizeof(float));
    k->mD2 = k->gD2 + n2, k->vD2 = k->gD2 + 2 * n2;
    net_cache_init(&k->cD2, &k->D2, 2 * cfg->batch, 2);
    k->dh = xcalloc((size_t)2 * cfg->batch * cfg->disc_width, sizeof(float));
    k->dcell = xcalloc((size_t)cfg->batch * CALO_NCELL, sizeof(float));
    k->feat = xcalloc((size_t)2 * cfg->batch * CALOGAN_NFEAT, sizeof(float));
    k->e0_col = -1, k->tpg = 0, k->fs = 1;
    for (int l = 0; l < CALO_NLAYER; l++) k->unit[l] = 1, k->lfs[l] = 1;
    g->calo = k;
}

void calogan_set_data(Gan *g, int e0_col, double e0_lo, double e0_hi, double target_per_gev,
                      double feat_scale, const double *unit, const double *layer_scale)
{
    CaloGan *k = g->calo;
    k->e0_col = e0_col, k->e0_lo = e0_lo, k->e0_hi = e0_hi, k->tpg = target_per_gev;
    k->fs = feat_scale > 0 ? feat_scale : 1;
    for (int l = 0; l < CALO_NLAYER; l++) {
        k->unit[l] = unit && unit[l] > 0 ? unit[l] : 1;
        k->lfs[l] = layer_scale && layer_scale[l] > 0 ? layer_scale[l] : k->fs;
    }
}

float *calogan_d2_params(Gan *g, int64_t *n)
{
    *n = g->calo->D2.lay.nparams;
    return g->calo->D2.p;
}

float *calogan_d2_grads(Gan *g) { return g->calo->gD2; }

void calogan_free(Gan *g)
{
    CaloGan *k = g->calo;
    if (!k) return;
    net_free(&k->D2);
    net_cache_free(&k->cD2);
    free(k->gD2), free(k->dh), free(k->dcell), free(k->feat);
    free(k);
    g->calo = NULL;
}

/* the 7 features of one shower of scaled cells: E_tot over fs, each layer's E over its own
 * scale (so that a layer holding 1% of the energy weighs as much as one holding 90%), sparsity */
static void features(const CaloGan *k, const float *cell, float *f)
{
    double tot = 0;
    for (int l = 0; l < CALO_NLAYER; l++) {
        const CaloLayer *L = &calo_layers[l];
        const int n = L->rows * L->cols;
        double e = 0;
        int hit = 0;
        for (int j = 0; j < n; j++) {
            float v = cell[L->first + j];
            e += v;
            hit += v > 0;
        }
        e *= k->unit[l];
        tot += e;
        f[1 + l] = (float)(e / k->lfs[l]);
        f[4 + l] = (float)hit / (float)n;
    }
    f[0] = (float)(tot / k->fs);
}

/* D2's input rows [r0, r0+R) from D1's output, the cells' features and the conditions */
static void head_input(Gan *g, int r0, int R, const float *cells, const float *c)
{
    CaloGan *k = g->calo;
    const int wd = g->D.lay.nout, nc = g->ncond, n2 = k->D2.lay.nin;
    const float *h = g->cD.act[g->D.lay.n];
    float *in = k->cD2.act[0];
    for (int r = 0; r < R; r++) {
        float *row = in + (size_t)(r0 + r) * n2, *f = k->feat + (size_t)(r0 + r) * CALOGAN_NFEAT;
        features(k, cells + (size_t)r * CALO_NCELL, f);
        memcpy(row, h + (size_t)(r0 + r) * wd, (size_t)wd * sizeof(float));
        memcpy(row + wd, f, CALOGAN_NFEAT * sizeof(float));
        memcpy(row + wd + CALOGAN_NFEAT, c + (size_t)r * nc, (size_t)nc * sizeof(float));
    }
}

static void gen_forward(Gan *g, int B, const float *c, const float *z)
{
    const int nc = g->ncond, nz = g->nnoise, ngi = nc + nz;
    float *gin = g->cG.act[0];
    for (int r = 0; r < B; r++) {
        memcpy(gin + (size_t)r * ngi, c + (size_t)r * nc, (size_t)nc * sizeof(float));
        memcpy(gin + (size_t)r * ngi + nc, z + (size_t)r * nz, (size_t)nz * sizeof(float));
    }
    net_fwd_train(&g->G, &g->cG, B, 1, 1);
}

double calogan_d_grad(Gan *g, int B, const float *x, const float *c, const float *z,
                      const float *w)
{
    CaloGan *k = g->calo;
    const int no = CALO_NCELL, wd = g->D.lay.nout;
    gen_forward(g, B, c, z);
    const float *gout = g->cG.act[g->G.lay.n];
    float *din = g->cD.act[0];
    memcpy(din, x, (size_t)B * no * sizeof(float));
    memcpy(din + (size_t)B * no, gout, (size_t)B * no * sizeof(float));
    net_fwd_train(&g->D, &g->cD, B, 2, 0);
    head_input(g, 0, B, x, c);
    head_input(g, B, B, gout, c);
    net_fwd_train(&k->D2, &k->cD2, B, 2, 0);
    float *dz = k->cD2.act[k->D2.lay.n];
    double loss = nn_bce_logits_w(B, dz, 1.0f, w, dz) + nn_bce_logits(B, dz + B, 0.0f, dz + B);
    net_bwd(&k->D2, &k->cD2, B, 2, dz, k->gD2, wd);
    const int n2 = k->D2.lay.nin;
    for (int r = 0; r < 2 * B; r++)
        memcpy(k->dh + (size_t)r * wd, k->cD2.grad[0] + (size_t)r * n2, (size_t)wd * sizeof(float));
    net_bwd(&g->D, &g->cD, B, 2, k->dh, g->gD, 0);
    return loss;
}

double calogan_g_grad(Gan *g, int B, const float *c, const float *z, int fwd)
{
    CaloGan *k = g->calo;
    const int no = CALO_NCELL, wd = g->D.lay.nout, n2 = k->D2.lay.nin;
    if (fwd) gen_forward(g, B, c, z);
    const float *gout = g->cG.act[g->G.lay.n];
    memcpy(g->cD.act[0], gout, (size_t)B * no * sizeof(float));
    net_fwd_train(&g->D, &g->cD, B, 1, 0);
    head_input(g, 0, B, gout, c);
    net_fwd_train(&k->D2, &k->cD2, B, 1, 0);
    float *dz = k->cD2.act[k->D2.lay.n];
    double loss = nn_bce_logits(B, dz, 1.0f, dz);
    net_bwd(&k->D2, &k->cD2, B, 1, dz, NULL, wd + CALOGAN_NFEAT);
    const float *d2x = k->cD2.grad[0];
    for (int r = 0; r < B; r++)
        memcpy(k->dh + (size_t)r * wd, d2x + (size_t)r * n2, (size_t)wd * sizeof(float));
    net_bwd(&g->D, &g->cD, B, 1, k->dh, NULL, no);
    /* the cells' gradient: through D1, through the energy features (each cell counts in E_tot
     * and in its layer's E, over fs; sparsity has none), and the auxiliary energy term */
    double aux = 0, tmean = k->tpg * 0.5 * (k->e0_lo + k->e0_hi);
    if (!(tmean > 0)) tmean = 1;
    const double sa = CALOGAN_AUX_WEIGHT / (B * tmean);
    for (int r = 0; r < B; r++) {
        const float *fg = d2x + (size_t)r * n2 + wd;
        const float *cell = gout + (size_t)r * no;
        float *dc = k->dcell + (size_t)r * no;
        memcpy(dc, g->cD.grad[0] + (size_t)r * no, (size_t)no * sizeof(float));
        double tot = 0;
        for (int l = 0; l < CALO_NLAYER; l++) {
            const CaloLayer *L = &calo_layers[l];
            double e = 0;
            for (int j = 0; j < L->rows * L->cols; j++) e += cell[L->first + j];
            tot += k->unit[l] * e;
        }
        double e0 = k->e0_lo + 0.5 * ((double)c[(size_t)r * g->ncond + k->e0_col] + 1.0) * (k->e0_hi - k->e0_lo);
        double dev = tot - k->tpg * e0;
        aux += fabs(dev);
        const double da = dev > 0 ? sa : dev < 0 ? -sa : 0.0;
        for (int l = 0; l < CALO_NLAYER; l++) {
            const CaloLayer *L = &calo_layers[l];
            const float d = (float)(k->unit[l] * (fg[0] / k->fs + fg[1 + l] / k->lfs[l] + da));
            for (int j = 0; j < L->rows * L->cols; j++) dc[L->first + j] += d;
        }
    }
    loss += CALOGAN_AUX_WEIGHT * aux / (B * tmean);
    net_bwd(&g->G, &g->cG, B, 1, k->dcell, g->gG, 0);
    return loss;
}

void calogan_step(Gan *g, int B, const float *x, const float *c, const float *z,
                  const float *w, double *d_loss, double *g_loss)
{
    CaloGan *k = g->calo;
    *d_loss = calogan_d_grad(g, B, x, c, z, w);
    nn_adam_step(g->D.lay.nparams, g->D.p, g->gD, g->mD, g->vD, g->lr_d, NN_ADAM_BETA1,
                 NN_ADAM_BETA2, NN_ADAM_EPS, ++g->tD);
    nn_adam_step(k->D2.lay.nparams, k->D2.p, k->gD2, k->mD2, k->vD2, g->lr_d, NN_ADAM_BETA1,
                 NN_ADAM_BETA2, NN_ADAM_EPS, g->tD);
    *g_loss = calogan_g_grad(g, B, c, z, 0);
    nn_adam_step(g->G.lay.nparams, g->G.p, g->gG, g->mG, g->vG, g->lr_g, NN_ADAM_BETA1,
                 NN_ADAM_BETA2, NN_ADAM_EPS, ++g->tG);
}
