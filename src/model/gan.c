/* gan.c — networks, workspace and the training step (see gan.h). */
#include "model/gan.h"

#include <stdlib.h>
#include <string.h>

#include "model/nn.h"
#include "base/util.h"

int64_t gan_mlp_params_reference(int nin, int w, int nout)
{
    /* two Linear+BatchNorm blocks (weight, bias, gamma, beta) and the output Linear */
    return (int64_t)nin * w + w + 2 * w + (int64_t)w * w + w + 2 * w + (int64_t)w * nout + nout;
}

void gan_mlp_init(GanMlp *m, int nin, int w, int nout)
{
    m->nin = nin, m->w = w, m->nout = nout;
    m->nparams = (int64_t)nin * w + 2 * w + (int64_t)w * w + 2 * w + (int64_t)w * nout + nout;
    m->p = xcalloc((size_t)m->nparams, sizeof *m->p);
    float *q = m->p;
    m->W1 = q, q += (size_t)nin * w;
    m->g1 = q, q += w;
    m->be1 = q, q += w;
    m->W2 = q, q += (size_t)w * w;
    m->g2 = q, q += w;
    m->be2 = q, q += w;
    m->W3 = q, q += (size_t)w * nout;
    m->b3 = q;
    m->rm1 = xcalloc((size_t)4 * w, sizeof *m->rm1);
    m->rv1 = m->rm1 + w, m->rm2 = m->rm1 + 2 * w, m->rv2 = m->rm1 + 3 * w;
}

void gan_mlp_free(GanMlp *m)
{
    free(m->p);
    free(m->rm1);
    memset(m, 0, sizeof *m);
}

void gan_mlp_glorot(GanMlp *m, Rng *rng)
{
    int w = m->w;
    nn_glorot_uniform(m->nin, w, m->W1, rng);
    nn_glorot_uniform(w, w, m->W2, rng);
    nn_glorot_uniform(w, m->nout, m->W3, rng);
    for (int j = 0; j < w; j++) {
        m->g1[j] = m->g2[j] = 1.0f;
        m->be1[j] = m->be2[j] = 0.0f;
        m->rm1[j] = m->rm2[j] = 0.0f;
        m->rv1[j] = m->rv2[j] = 1.0f;
    }
    memset(m->b3, 0, (size_t)m->nout * sizeof *m->b3);
}

void gan_cache_init(GanCache *c, const GanMlp *m, int rows, int groups)
{
    size_t R = (size_t)rows, w = (size_t)m->w;
    c->rows = rows, c->groups = groups;
    c->x = xcalloc(R * (size_t)m->nin, sizeof(float));
    c->h1 = xcalloc(R * w, sizeof(float));
    c->xh1 = xcalloc(R * w, sizeof(float));
    c->h2 = xcalloc(R * w, sizeof(float));
    c->xh2 = xcalloc(R * w, sizeof(float));
    c->mean1 = xcalloc(4 * (size_t)groups * w, sizeof(float));
    c->inv1 = c->mean1 + groups * w;
    c->mean2 = c->mean1 + 2 * groups * w;
    c->inv2 = c->mean1 + 3 * groups * w;
    c->out = xcalloc(R * (size_t)m->nout, sizeof(float));
    c->da1 = xcalloc(R * w, sizeof(float));
    c->da2 = xcalloc(R * w, sizeof(float));
    c->dx = xcalloc(R * (size_t)m->nin, sizeof(float));
    c->dg = xcalloc(2 * w, sizeof(float));
    c->db = c->dg + w;
    size_t nin = (size_t)m->nin;
    c->xmom = nin <= NN_FEW_IN ? xcalloc((size_t)groups * (nin + nin * nin), sizeof(float)) : NULL;
    c->work = nin <= NN_FEW_IN ? xcalloc(nin * w, sizeof(float)) : NULL;
}

void gan_cache_free(GanCache *c)
{
    free(c->x), free(c->h1), free(c->xh1), free(c->h2), free(c->xh2), free(c->mean1);
    free(c->out), free(c->da1), free(c->da2), free(c->dx), free(c->dg), free(c->xmom);
    free(c->work);
    memset(c, 0, sizeof *c);
}

void gan_mlp_fwd_train(GanMlp *m, GanCache *c, int B, int groups, int update_running)
{
    int w = m->w, R = B * groups, nin = m->nin;
    size_t gs = (size_t)B * w;
    if (nin <= NN_FEW_IN) {   /* the first block without forming x W1 (nn.h) */
        for (int g = 0; g < groups; g++)
            nn_dense_bn_act_fwd(B, nin, w, c->x + (size_t)g * B * nin, m->W1, m->g1, m->be1,
                                NN_LEAKY_SLOPE, c->h1 + g * gs, c->xh1 + g * gs,
                                c->xmom + (size_t)g * (nin + nin * nin), c->inv1 + g * w,
                                update_running ? m->rm1 : NULL, update_running ? m->rv1 : NULL);
    } else {
        nn_dense_fwd(R, nin, w, c->x, m->W1, NULL, c->h1);
        for (int g = 0; g < groups; g++)
            nn_bn_act_train_fwd(B, w, c->h1 + g * gs, m->g1, m->be1, NN_LEAKY_SLOPE,
                                c->xh1 + g * gs, c->mean1 + g * w, c->inv1 + g * w,
                                update_running ? m->rm1 : NULL, update_running ? m->rv1 : NULL);
    }
    nn_dense_fwd(R, w, w, c->h1, m->W2, NULL, c->h2);
    for (int g = 0; g < groups; g++)
        nn_bn_act_train_fwd(B, w, c->h2 + g * gs, m->g2, m->be2, NN_LEAKY_SLOPE, c->xh2 + g * gs,
                            c->mean2 + g * w, c->inv2 + g * w,
                            update_running ? m->rm2 : NULL, update_running ? m->rv2 : NULL);
    nn_dense_fwd(R, w, m->nout, c->h2, m->W3, m->b3, c->out);
}

/* Batch-norm parameter gradients summed over groups into dgam/dbet: group g's backward writes
 * to *pg and *pb (dgam/dbet for the first group; the cache's scratch for the others, and for all
 * when they are not wanted), then bn_grads_add adds the scratch in. */
static void bn_grad_targets(GanCache *c, int g, float *dgam, float *dbet, float **pg, float **pb)
{
    int first = dgam && g == 0;
    *pg = first ? dgam : c->dg, *pb = first ? dbet : c->db;
}

static void bn_grads_add(const GanCache *c, int g, int w, float *dgam, float *dbet)
{
    if (dgam && g > 0)
        for (int j = 0; j < w; j++) dgam[j] += c->dg[j], dbet[j] += c->db[j];
}

/* Batch-norm backward over `groups` groups. */
static void bn_bwd_groups(GanCache *c, int B, int groups, int w, float *da, const float *xh,
                          const float *gamma, const float *beta, const float *inv, float *dgam,
                          float *dbet)
{
    size_t gs = (size_t)B * w;
    for (int g = 0; g < groups; g++) {
        float *pg, *pb;
        bn_grad_targets(c, g, dgam, dbet, &pg, &pb);
        nn_bn_act_train_bwd(B, w, da + g * gs, xh + g * gs, gamma, beta, inv + g * w,
                            NN_LEAKY_SLOPE, pg, pb);
        bn_grads_add(c, g, w, dgam, dbet);
    }
}

void gan_mlp_bwd(GanMlp *m, GanCache *c, int B, int groups, float *dout, float *grad, int ndx)
{
    int w = m->w, R = B * groups, nin = m->nin;
    /* gradient pointers at the same offsets as the parameters */
#define GP(f) (grad ? grad + (m->f - m->p) : NULL)
    nn_dense_bwd(R, w, m->nout, c->h2, m->W3, dout, c->da2, GP(W3), GP(b3));
    bn_bwd_groups(c, B, groups, w, c->da2, c->xh2, m->g2, m->be2, c->inv2, GP(g2), GP(be2));
    nn_dense_bwd(R, w, w, c->h1, m->W2, c->da2, c->da1, GP(W2), NULL);
    if (nin <= NN_FEW_IN && !ndx) {   /* parameter gradients without forming dh (nn.h) */
        size_t gs = (size_t)B * w;
        for (int g = 0; g < groups; g++) {
            float *pg, *pb;
            bn_grad_targets(c, g, GP(g1), GP(be1), &pg, &pb);
            nn_dense_bn_act_bwd(B, nin, w, c->x + (size_t)g * B * nin, m->W1, c->da1 + g * gs,
                                c->xh1 + g * gs, m->g1, m->be1,
                                c->xmom + (size_t)g * (nin + nin * nin), c->inv1 + g * w,
                                NN_LEAKY_SLOPE, GP(W1), g > 0, c->work, pg, pb);
            bn_grads_add(c, g, w, GP(g1), GP(be1));
        }
    } else {
        bn_bwd_groups(c, B, groups, w, c->da1, c->xh1, m->g1, m->be1, c->inv1, GP(g1), GP(be1));
        if (GP(W1)) nn_dense_bwd(R, nin, w, c->x, m->W1, c->da1, NULL, GP(W1), NULL);
        if (ndx) nn_dense_dx_lead(R, nin, w, m->W1, c->da1, c->dx, ndx);
    }
#undef GP
}

void gan_mlp_fwd_infer(const GanMlp *m, int B, const float *x, float *h1, float *h2,
                       float *out)
{
    int w = m->w;
    nn_dense_fwd(B, m->nin, w, x, m->W1, NULL, h1);
    nn_bn_act_infer_fwd(B, w, h1, m->g1, m->be1, m->rm1, m->rv1, NN_LEAKY_SLOPE);
    nn_dense_fwd(B, w, w, h1, m->W2, NULL, h2);
    nn_bn_act_infer_fwd(B, w, h2, m->g2, m->be2, m->rm2, m->rv2, NN_LEAKY_SLOPE);
    nn_dense_fwd(B, w, m->nout, h2, m->W3, m->b3, out);
}

void gan_init(Gan *g, int ncond, int nnoise, int nout, int gw, int dw, int batch, float lr_g,
              float lr_d, Rng *init_rng)
{
    memset(g, 0, sizeof *g);
    g->ncond = ncond, g->nnoise = nnoise, g->nout = nout, g->gw = gw, g->dw = dw;
    g->batch = batch, g->lr_g = lr_g, g->lr_d = lr_d;
    gan_mlp_init(&g->G, ncond + nnoise, gw, nout);
    gan_mlp_init(&g->D, nout + ncond, dw, 1);
    gan_mlp_glorot(&g->G, init_rng);
    gan_mlp_glorot(&g->D, init_rng);
    size_t ng = (size_t)g->G.nparams, nd = (size_t)g->D.nparams;
    g->gG = xcalloc(3 * ng, sizeof(float));
    g->mG = g->gG + ng, g->vG = g->gG + 2 * ng;
    g->gD = xcalloc(3 * nd, sizeof(float));
    g->mD = g->gD + nd, g->vD = g->gD + 2 * nd;
    g->dfake = xcalloc((size_t)batch * nout, sizeof(float));
    gan_cache_init(&g->cG, &g->G, batch, 1);
    gan_cache_init(&g->cD, &g->D, 2 * batch, 2);
}

void gan_free(Gan *g)
{
    gan_mlp_free(&g->G), gan_mlp_free(&g->D);
    free(g->gG), free(g->gD), free(g->dfake);
    gan_cache_free(&g->cG), gan_cache_free(&g->cD);
}

void gan_step(Gan *g, int B, const float *x, const float *c, const float *z, double *d_loss,
              double *g_loss)
{
    const int nc = g->ncond, nz = g->nnoise, no = g->nout, ngi = nc + nz, ndi = no + nc;
    GanCache *cg = &g->cG, *cd = &g->cD;

    /* generator forward on [c, z] (training mode, running statistics updated) */
    for (int r = 0; r < B; r++) {
        float *xi = cg->x + (size_t)r * ngi;
        memcpy(xi, c + (size_t)r * nc, (size_t)nc * sizeof(float));
        memcpy(xi + nc, z + (size_t)r * nz, (size_t)nz * sizeof(float));
    }
    gan_mlp_fwd_train(&g->G, cg, B, 1, 1);
    nn_tanh_fwd((int64_t)B * no, cg->out);

    /* discriminator step: rows [0,B) real [x, c], rows [B,2B) fake [G(z), c]; one GEMM per
     * layer over both halves, batch-norm statistics per half as in two separate calls */
    for (int r = 0; r < B; r++) {
        float *real = cd->x + (size_t)r * ndi, *fake = cd->x + (size_t)(B + r) * ndi;
        memcpy(real, x + (size_t)r * no, (size_t)no * sizeof(float));
        memcpy(real + no, c + (size_t)r * nc, (size_t)nc * sizeof(float));
        memcpy(fake, cg->out + (size_t)r * no, (size_t)no * sizeof(float));
        memcpy(fake + no, c + (size_t)r * nc, (size_t)nc * sizeof(float));
    }
    /* the discriminator's running statistics are never used (it is never run in inference
     * mode, nor saved), so they are not updated */
    gan_mlp_fwd_train(&g->D, cd, B, 2, 0);
    float *dz = cd->out;   /* logits are consumed by the loss: reuse them for the gradient */
    *d_loss = nn_bce_logits(B, cd->out, 1.0f, dz) + nn_bce_logits(B, cd->out + B, 0.0f, dz + B);
    gan_mlp_bwd(&g->D, cd, B, 2, dz, g->gD, 0);
    nn_adam_step(g->D.nparams, g->D.p, g->gD, g->mD, g->vD, g->lr_d, NN_ADAM_BETA1,
                 NN_ADAM_BETA2, NN_ADAM_EPS, ++g->tD);

    /* generator step through the updated discriminator: fake rows moved to the front, only
     * input gradients through D (its weight gradients are not needed) */
    memmove(cd->x, cd->x + (size_t)B * ndi, (size_t)B * ndi * sizeof(float));
    gan_mlp_fwd_train(&g->D, cd, B, 1, 0);
    *g_loss = nn_bce_logits(B, cd->out, 1.0f, dz);
    gan_mlp_bwd(&g->D, cd, B, 1, dz, NULL, no);   /* input gradient of the generated columns */
    float *dfake = g->dfake;
    for (int r = 0; r < B; r++)
        memcpy(dfake + (size_t)r * no, cd->dx + (size_t)r * ndi, (size_t)no * sizeof(float));
    nn_tanh_bwd((int64_t)B * no, cg->out, dfake);
    gan_mlp_bwd(&g->G, cg, B, 1, dfake, g->gG, 0);
    nn_adam_step(g->G.nparams, g->G.p, g->gG, g->mG, g->vG, g->lr_g, NN_ADAM_BETA1,
                 NN_ADAM_BETA2, NN_ADAM_EPS, ++g->tG);
}
