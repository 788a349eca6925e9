// gan.cu — device twins of src/model/net.c (the layer-list walker) and src/model/gan.c (gan_init,
// gan_step), and the device training loop
// of gan-train and inference loop of gan-sample (see gcu.h).
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <cub/device/device_radix_sort.cuh>

#include "cuda/common.cuh"
#include "cuda/gcu.h"
extern "C" {
#include "model/gan.h"   // gan_layouts: the same networks as the CPU's
#include "model/net.h"   // net_layout, net_cache_plan: the same layout and buffers
#include "model/nn.h"
}

cudaStream_t gcu_stream(GcuCtx *c);   // nn.cu

// ---- networks and caches (net_init / net_cache_init: the same layout and plan) --------------

extern "C" void gcu_net_init(GcuNet *m, const NetLayout *lay)
{
    m->lay = *lay;
    const char *why = net_layout(&m->lay);   // net.h: the one parameter layout
    if (why) gcu_fail("net_layout", __func__, __FILE__, __LINE__, why);
    m->p = (float *)gcu_malloc((size_t)m->lay.nparams * sizeof(float));
    m->st = (float *)gcu_malloc((size_t)m->lay.nstate * sizeof(float));
}

extern "C" void gcu_net_free(GcuNet *m)
{
    gcu_free(m->p);
    gcu_free(m->st);
    std::memset(m, 0, sizeof *m);
}

extern "C" void gcu_net_upload(GcuCtx *ctx, GcuNet *m, const Net *host)
{
    if (host->lay.nparams != m->lay.nparams || host->lay.nstate != m->lay.nstate)
        gcu_fail("gcu_net_upload", __func__, __FILE__, __LINE__, "layouts differ");
    gcu_upload(ctx, m->p, host->p, (size_t)m->lay.nparams * sizeof(float));
    gcu_upload(ctx, m->st, host->st, (size_t)m->lay.nstate * sizeof(float));
}

extern "C" void gcu_net_download(GcuCtx *ctx, const GcuNet *m, Net *host)
{
    if (host->lay.nparams != m->lay.nparams || host->lay.nstate != m->lay.nstate)
        gcu_fail("gcu_net_download", __func__, __FILE__, __LINE__, "layouts differ");
    gcu_download(ctx, host->p, m->p, (size_t)m->lay.nparams * sizeof(float));
    gcu_download(ctx, host->st, m->st, (size_t)m->lay.nstate * sizeof(float));
}

static float *fbuf(size_t n) { return (float *)gcu_malloc(n * sizeof(float)); }

static float *dev_alloc(void *, size_t n) { return fbuf(n); }

extern "C" void gcu_cache_init(GcuCache *c, const GcuNet *m, int rows, int groups)
{
    net_cache_plan(c, &m->lay, rows, groups, dev_alloc, nullptr);
}

extern "C" void gcu_cache_free(GcuCache *c)
{
    for (int k = 0; k < c->nown; k++) gcu_free(c->own[k]);
    std::memset(c, 0, sizeof *c);
}

// ---- the walker (net_fwd_train, net_bwd, net_fwd_infer; no fused first block here) ---------

// Batch norm at layer i with a LeakyReLU right after it runs as one pass (slope 1: alone).
static int bn_span(const NetLayout *lay, int i, float *slope)
{
    if (i + 1 < lay->n && lay->L[i + 1].kind == NET_LEAKY) {
        *slope = lay->L[i + 1].slope;
        return 2;
    }
    *slope = 1.0f;
    return 1;
}

extern "C" void gcu_net_fwd_train(GcuCtx *ctx, GcuNet *m, GcuCache *c, int B, int groups,
                                  int update_running)
{
    const NetLayout *lay = &m->lay;
    const int R = B * groups;
    float *p = m->p;
    for (int i = 0; i < lay->n;) {
        const NetLayer *l = &lay->L[i];
        const int n = l->nout;
        switch (l->kind) {
        case NET_DENSE:
            gcu_dense_fwd(ctx, R, l->nin, n, c->act[i], p + l->p0,
                          l->p1 >= 0 ? p + l->p1 : nullptr, c->act[i + 1]);
            i++;
            break;
        case NET_BATCHNORM: {
            float slope;
            const int span = bn_span(lay, i, &slope);
            const size_t gs = (size_t)B * n;
            float *rm = update_running ? m->st + l->s0 : nullptr;
            float *rv = update_running ? m->st + l->s0 + n : nullptr;
            for (int g = 0; g < groups; g++)
                gcu_bn_act_train_fwd(ctx, B, n, c->act[i] + g * gs, p + l->p0, p + l->p1, slope,
                                     c->xhat[i] + g * gs, c->mean[i] + g * n, c->inv[i] + g * n,
                                     rm, rv);
            i += span;
            break;
        }
        case NET_LEAKY:
            gcu_leaky_fwd(ctx, (int64_t)R * n, c->act[i], l->slope);
            i++;
            break;
        case NET_TANH:
            gcu_tanh_fwd(ctx, (int64_t)R * n, c->act[i]);
            i++;
            break;
        case NET_CONV:
        case NET_CONVT:
            (l->kind == NET_CONV ? gcu_conv2d_fwd : gcu_convt2d_fwd)(ctx, &l->conv, R, c->act[i],
                                                                    p + l->p0, p + l->p1,
                                                                    c->act[i + 1], c->cwork);
            i++;
            break;
        }
    }
}

__global__ void k_add2(int n, float *a, const float *da, float *b, const float *db)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < n) a[j] += da[j], b[j] += db[j];
}

// bn_bwd_groups of net.c: group 0 writes dgam/dbet, later groups go to scratch and are added.
static void bn_bwd_groups(GcuCtx *ctx, GcuCache *c, int B, int groups, int w, float *da,
                          const float *xh, const float *gamma, const float *beta,
                          const float *inv, float slope, float *dgam, float *dbet)
{
    size_t gs = (size_t)B * w;
    for (int g = 0; g < groups; g++) {
        bool first = dgam && g == 0;
        float *pg = first ? dgam : c->dg, *pb = first ? dbet : c->db;
        gcu_bn_act_train_bwd(ctx, B, w, da + g * gs, xh + g * gs, gamma, beta, inv + g * w,
                             slope, pg, pb);
        if (dgam && g > 0) {
            k_add2<<<gcu_blocks(w, 256), 256, 0, gcu_stream(ctx)>>>(w, dgam, c->dg, dbet,
                                                                     c->db);
            CUDA_LAUNCH_CHECK();
        }
    }
}

extern "C" void gcu_net_bwd(GcuCtx *ctx, GcuNet *m, GcuCache *c, int B, int groups,
                            float *dout, float *grad, int ndx)
{
    const NetLayout *lay = &m->lay;
    const int R = B * groups;
    const float *p = m->p;
#define GP(off) (grad && (off) >= 0 ? grad + (off) : nullptr)
    float *d = dout;
    int i = lay->n - 1;
    while (i >= 0) {
        const NetLayer *l = &lay->L[i];
        const int n = l->nout;
        const int bn = l->kind == NET_BATCHNORM ? i
                       : l->kind == NET_LEAKY && i > 0 && lay->L[i - 1].kind == NET_BATCHNORM
                           ? i - 1
                           : -1;
        if (bn >= 0) {
            const NetLayer *b = &lay->L[bn];
            float slope;
            bn_span(lay, bn, &slope);
            bn_bwd_groups(ctx, c, B, groups, n, d, c->xhat[bn], p + b->p0, p + b->p1,
                          c->inv[bn], slope, GP(b->p0), GP(b->p1));
            i = bn - 1;
            continue;
        }
        switch (l->kind) {
        case NET_LEAKY:
            gcu_leaky_bwd(ctx, (int64_t)R * n, c->act[i + 1], d, l->slope);
            break;
        case NET_TANH:
            gcu_tanh_bwd(ctx, (int64_t)R * n, c->act[i + 1], d);
            break;
        case NET_DENSE:
            if (i == 0) {   // the whole input gradient when any is asked (no dx_lead kernel)
                gcu_dense_bwd(ctx, R, l->nin, n, c->act[0], p + l->p0, d,
                              ndx ? c->grad[0] : nullptr, GP(l->p0), GP(l->p1));
            } else {
                gcu_dense_bwd(ctx, R, l->nin, n, c->act[i], p + l->p0, d, c->grad[i],
                              GP(l->p0), GP(l->p1));
                d = c->grad[i];
            }
            break;
        case NET_CONV:
        case NET_CONVT: {   // as a first layer the whole input gradient when any is asked
            float *dx = i > 0 ? c->grad[i] : ndx ? c->grad[0] : nullptr;
            if (dx || grad)
                (l->kind == NET_CONV ? gcu_conv2d_bwd : gcu_convt2d_bwd)(
                    ctx, &l->conv, R, c->act[i], p + l->p0, d, dx, GP(l->p0), GP(l->p1), c->cwork);
            if (i > 0) d = c->grad[i];
            break;
        }
        case NET_BATCHNORM:
            break;   // handled above
        }
        i--;
    }
#undef GP
}

extern "C" void gcu_net_fwd_infer(GcuCtx *ctx, const GcuNet *m, int B, const float *x,
                                  float *work, float *out)
{
    const NetLayout *lay = &m->lay;
    const float *p = m->p;
    int last = 0;
    for (int i = 0; i < lay->n; i++)
        if (lay->L[i].kind == NET_DENSE || lay->L[i].kind == NET_CONV || lay->L[i].kind == NET_CONVT)
            last = i;
    const float *in = x;
    float *cur = out;
    int k = 0;
    // the convolutions' scratch at the end of work, as net.c's fwd_infer
    float *cwork = work + net_infer_floats(lay, B) - net_conv_work(lay);
    for (int i = 0; i < lay->n;) {
        const NetLayer *l = &lay->L[i];
        const int n = l->nout;
        switch (l->kind) {
        case NET_DENSE:
            cur = i == last ? out : work + (size_t)(k++ & 1) * B * lay->wmax;
            gcu_dense_fwd(ctx, B, l->nin, n, in, p + l->p0, l->p1 >= 0 ? p + l->p1 : nullptr,
                          cur);
            in = cur;
            i++;
            break;
        case NET_BATCHNORM: {
            float slope;
            const int span = bn_span(lay, i, &slope);
            gcu_bn_act_infer_fwd(ctx, B, n, cur, p + l->p0, p + l->p1, m->st + l->s0,
                                 m->st + l->s0 + n, slope);
            i += span;
            break;
        }
        case NET_LEAKY:
            gcu_leaky_fwd(ctx, (int64_t)B * n, cur, l->slope);
            i++;
            break;
        case NET_TANH:
            gcu_tanh_fwd(ctx, (int64_t)B * n, cur);
            i++;
            break;
        case NET_CONV:
        case NET_CONVT:
            cur = i == last ? out : work + (size_t)(k++ & 1) * B * lay->wmax;
            (l->kind == NET_CONV ? gcu_conv2d_fwd : gcu_convt2d_fwd)(ctx, &l->conv, B, in, p + l->p0,
                                                                    p + l->p1, cur, cwork);
            in = cur;
            i++;
            break;
        }
    }
}

// ---- the GAN and its step (gan_init, gan_step) --------------------------------------------

extern "C" void gcu_gan_init(GcuCtx *ctx, GcuGan *g, const GanConfig *cfg)
{
    (void)ctx;
    std::memset(g, 0, sizeof *g);
    g->ncond = cfg->ncond, g->nnoise = cfg->nnoise, g->nout = cfg->nout;
    g->batch = cfg->batch, g->lr_g = (float)cfg->lr_g, g->lr_d = (float)cfg->lr_d;
    NetLayout G, D;
    gan_layouts(cfg, &G, &D);   // gan.c: the networks gan_init builds
    gcu_net_init(&g->G, &G);
    gcu_net_init(&g->D, &D);
    size_t ng = (size_t)G.nparams, nd = (size_t)D.nparams;
    g->gG = fbuf(3 * ng);
    g->mG = g->gG + ng, g->vG = g->gG + 2 * ng;
    g->gD = fbuf(3 * nd);
    g->mD = g->gD + nd, g->vD = g->gD + 2 * nd;
    g->dfake = fbuf((size_t)g->batch * g->nout);
    g->tG = (long *)gcu_malloc(2 * sizeof(long));
    g->tD = g->tG + 1;
    gcu_cache_init(&g->cG, &g->G, g->batch, 1);
    gcu_cache_init(&g->cD, &g->D, 2 * g->batch, 2);
}

extern "C" void gcu_gan_free(GcuGan *g)
{
    gcu_net_free(&g->G), gcu_net_free(&g->D);
    gcu_free(g->gG), gcu_free(g->gD), gcu_free(g->dfake), gcu_free(g->tG);
    gcu_cache_free(&g->cG), gcu_cache_free(&g->cD);
}

// Row-block copy dst[r][0..w) = src[r][0..w) with row pitches in floats (the memcpy loops of
// gan_step); a 2-D memcpy node, no kernel needed.
static void copy_rows(GcuCtx *ctx, float *dst, int dpitch, const float *src, int spitch, int w,
                      int rows)
{
    if (w <= 0 || rows <= 0) return;
    CUDA_CHECK(cudaMemcpy2DAsync(dst, (size_t)dpitch * sizeof(float), src,
                                 (size_t)spitch * sizeof(float), (size_t)w * sizeof(float),
                                 (size_t)rows, cudaMemcpyDeviceToDevice, gcu_stream(ctx)));
}

extern "C" void gcu_gan_step(GcuCtx *ctx, GcuGan *g, int B, const float *x, const float *c,
                             const float *z, const float *w, double *d_loss_acc,
                             double *g_loss_acc)
{
    const int nc = g->ncond, nz = g->nnoise, no = g->nout, ngi = nc + nz, ndi = no + nc;
    GcuCache *cg = &g->cG, *cd = &g->cD;
    float *gin = cg->act[0], *gout = cg->act[g->G.lay.n];
    float *din = cd->act[0], *dout = cd->act[g->D.lay.n];

    // generator forward on [c, z] (training mode, running statistics updated; tanh is its
    // last layer)
    copy_rows(ctx, gin, ngi, c, nc, nc, B);
    copy_rows(ctx, gin + nc, ngi, z, nz, nz, B);
    gcu_net_fwd_train(ctx, &g->G, cg, B, 1, 1);

    // discriminator step: rows [0,B) real [x, c], rows [B,2B) fake [G(z), c]
    float *fake = din + (size_t)B * ndi;
    copy_rows(ctx, din, ndi, x, no, no, B);
    copy_rows(ctx, din + no, ndi, c, nc, nc, B);
    copy_rows(ctx, fake, ndi, gout, no, no, B);
    copy_rows(ctx, fake + no, ndi, c, nc, nc, B);
    gcu_net_fwd_train(ctx, &g->D, cd, B, 2, 0);
    float *dz = dout;
    gcu_bce_logits(ctx, B, dout, 1.0f, w, dz, d_loss_acc);   // the real term weighted
    gcu_bce_logits(ctx, B, dout + B, 0.0f, nullptr, dz + B, d_loss_acc);
    gcu_net_bwd(ctx, &g->D, cd, B, 2, dz, g->gD, 0);
    gcu_counter_inc(ctx, g->tD);
    gcu_adam_step(ctx, g->D.lay.nparams, g->D.p, g->gD, g->mD, g->vD, g->lr_d, NN_ADAM_BETA1,
                  NN_ADAM_BETA2, NN_ADAM_EPS, g->tD);

    // generator step through the updated discriminator (no D weight gradients)
    CUDA_CHECK(cudaMemcpyAsync(din, fake, (size_t)B * ndi * sizeof(float),
                               cudaMemcpyDeviceToDevice, gcu_stream(ctx)));
    gcu_net_fwd_train(ctx, &g->D, cd, B, 1, 0);
    gcu_bce_logits(ctx, B, dout, 1.0f, nullptr, dz, g_loss_acc);
    gcu_net_bwd(ctx, &g->D, cd, B, 1, dz, nullptr, no);
    copy_rows(ctx, g->dfake, no, cd->grad[0], ndi, no, B);
    gcu_net_bwd(ctx, &g->G, cg, B, 1, g->dfake, g->gG, 0);   // through tanh first
    gcu_counter_inc(ctx, g->tG);
    gcu_adam_step(ctx, g->G.lay.nparams, g->G.p, g->gG, g->mG, g->vG, g->lr_g, NN_ADAM_BETA1,
                  NN_ADAM_BETA2, NN_ADAM_EPS, g->tG);
}

// ---- the device training loop ------------------------------------------------------------

struct GcuTrainer {
    GcuCtx *ctx;
    GcuGan g;
    size_t ntr, nva;
    uint64_t seed;
    float *Xtr, *Ctr, *bx, *bc, *bz;      // data and the current batch
    float *Wtr, *bw;                      // row weights and the batch's (NULL: unweighted)
    uint32_t *perm;
    long *ctr;                            // [0] batch index in the epoch, [1] noise draw
    double *acc;                          // [0] d_loss sum, [1] g_loss sum, [2..] W1
    float *vin, *vwork, *vout, *cols, *sorted;
    double *vsorted;
    void *sort_tmp;
    size_t sort_tmp_bytes;
    int tail;                             // rows of the last, short batch (0: none)
    cudaGraphExec_t full, part;           // one step of `batch` rows / of `tail` rows
};

// Batch rows perm[s + i], s = ctr[0] * batch, gathered into bx, bc (gan-train's memcpy loop).
__global__ void k_gather(int rows, int batch, int no, int nc, const uint32_t *__restrict__ perm,
                         const long *__restrict__ ctr, const float *__restrict__ X,
                         const float *__restrict__ C, const float *__restrict__ W,
                         float *__restrict__ bx, float *__restrict__ bc, float *__restrict__ bw)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= rows) return;
    size_t p = perm[(size_t)ctr[0] * batch + i];
    for (int j = 0; j < no; j++) bx[(size_t)i * no + j] = X[p * no + j];
    for (int j = 0; j < nc; j++) bc[(size_t)i * nc + j] = C[p * nc + j];
    if (W) bw[i] = W[p];
}

__global__ void k_step_end(long *ctr) { ctr[0]++, ctr[1]++; }

// Queue one training step of `rows` rows on the trainer's stream (captured by the caller).
static void trainer_step(GcuTrainer *t, int rows)
{
    GcuGan *g = &t->g;
    cudaStream_t s = gcu_stream(t->ctx);
    k_gather<<<gcu_blocks(rows, 128), 128, 0, s>>>(rows, g->batch, g->nout, g->ncond, t->perm,
                                                   t->ctr, t->Xtr, t->Ctr, t->Wtr, t->bx,
                                                   t->bc, t->bw);
    CUDA_LAUNCH_CHECK();
    gcu_normal_fill(t->ctx, t->bz, (int64_t)rows * g->nnoise, t->seed, t->ctr + 1);
    gcu_gan_step(t->ctx, g, rows, t->bx, t->bc, t->bz, t->bw, t->acc, t->acc + 1);
    k_step_end<<<1, 1, 0, s>>>(t->ctr);
    CUDA_LAUNCH_CHECK();
}

static cudaGraphExec_t capture_step(GcuTrainer *t, int rows)
{
    cudaStream_t s = gcu_stream(t->ctx);
    cudaGraph_t graph;
    cudaGraphExec_t exec;
    CUDA_CHECK(cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal));
    trainer_step(t, rows);
    CUDA_CHECK(cudaStreamEndCapture(s, &graph));
    CUDA_CHECK(cudaGraphInstantiate(&exec, graph, 0));
    CUDA_CHECK(cudaGraphDestroy(graph));
    return exec;
}

extern "C" GcuTrainer *gcu_trainer_create(const GanConfig *cfg, const GcuTrainData *data)
{
    GcuTrainer *t = (GcuTrainer *)std::calloc(1, sizeof *t);
    if (!t) gcu_fail("calloc", __func__, __FILE__, __LINE__, "out of memory");
    t->ctx = gcu_ctx_create();
    GcuCtx *ctx = t->ctx;
    gcu_gan_init(ctx, &t->g, cfg);
    if (cfg->precision == PREC_BF16) {   // before the step graphs are captured
        size_t eg = gcu_bf16_elems(&t->g.G.lay, cfg->batch);
        size_t ed = gcu_bf16_elems(&t->g.D.lay, 2 * cfg->batch);
        gcu_ctx_bf16(ctx, eg > ed ? eg : ed);
    }
    gcu_net_upload(ctx, &t->g.G, data->G);
    gcu_net_upload(ctx, &t->g.D, data->D);
    const int ncond = cfg->ncond, nnoise = cfg->nnoise, nout = cfg->nout, batch = cfg->batch;
    const size_t ntr = data->ntr, nva = data->nva;
    const float *Xtr = data->Xtr, *Ctr = data->Ctr, *vin = data->vin;
    const double *vsorted = data->vsorted;
    t->ntr = ntr, t->nva = nva, t->seed = data->noise_seed;
    const int ngi = ncond + nnoise;
    t->Xtr = fbuf(ntr * nout);
    t->Ctr = fbuf(ntr * ncond);
    gcu_upload(ctx, t->Xtr, Xtr, ntr * nout * sizeof(float));
    gcu_upload(ctx, t->Ctr, Ctr, ntr * ncond * sizeof(float));
    t->bx = fbuf((size_t)batch * nout);
    t->bc = fbuf((size_t)batch * ncond);
    t->bz = fbuf((size_t)batch * nnoise);
    if (data->Wtr) {
        t->Wtr = fbuf(ntr);
        gcu_upload(ctx, t->Wtr, data->Wtr, ntr * sizeof(float));
        t->bw = fbuf((size_t)batch);
    }
    t->perm = (uint32_t *)gcu_malloc(ntr * sizeof(uint32_t));
    t->ctr = (long *)gcu_malloc(2 * sizeof(long));
    t->acc = (double *)gcu_malloc((2 + (size_t)nout) * sizeof(double));
    t->vin = fbuf(nva * ngi);
    gcu_upload(ctx, t->vin, vin, nva * ngi * sizeof(float));
    t->vwork = fbuf((size_t)net_infer_floats(&t->g.G.lay, (int)nva));
    t->vout = fbuf(nva * nout);
    t->cols = fbuf(nva * nout);
    t->sorted = fbuf(nva * nout);
    t->vsorted = (double *)gcu_malloc(nva * nout * sizeof(double));
    gcu_upload(ctx, t->vsorted, vsorted, nva * nout * sizeof(double));
    CUDA_CHECK(cub::DeviceRadixSort::SortKeys(nullptr, t->sort_tmp_bytes, t->cols, t->sorted,
                                              (int)nva));
    t->sort_tmp = gcu_malloc(t->sort_tmp_bytes);
    size_t tail = ntr % (size_t)batch;
    t->tail = tail >= 2 ? (int)tail : 0;   // a batch of one row is skipped, as on the CPU
    // One eager step of each size first, so that every kernel (ours and cuBLAS's choice for
    // these shapes) is loaded outside the capture; then the state the steps touched is reset.
    trainer_step(t, batch);
    if (t->tail) trainer_step(t, t->tail);
    gcu_sync(ctx);
    GcuGan *g = &t->g;
    gcu_net_upload(ctx, &g->G, data->G);
    gcu_net_upload(ctx, &g->D, data->D);
    cudaStream_t s = gcu_stream(ctx);
    CUDA_CHECK(cudaMemsetAsync(g->gG, 0, 3 * (size_t)g->G.lay.nparams * sizeof(float), s));
    CUDA_CHECK(cudaMemsetAsync(g->gD, 0, 3 * (size_t)g->D.lay.nparams * sizeof(float), s));
    CUDA_CHECK(cudaMemsetAsync(g->tG, 0, 2 * sizeof(long), s));
    CUDA_CHECK(cudaMemsetAsync(t->ctr, 0, 2 * sizeof(long), s));
    t->full = capture_step(t, batch);
    t->part = t->tail ? capture_step(t, t->tail) : nullptr;
    gcu_sync(ctx);
    return t;
}

extern "C" void gcu_trainer_destroy(GcuTrainer *t)
{
    if (!t) return;
    CUDA_CHECK(cudaGraphExecDestroy(t->full));
    if (t->part) CUDA_CHECK(cudaGraphExecDestroy(t->part));
    gcu_gan_free(&t->g);
    void *bufs[] = {t->Xtr, t->Ctr, t->Wtr, t->bw, t->bx, t->bc, t->bz, t->perm, t->ctr, t->acc, t->vin,
                    t->vwork, t->vout, t->cols, t->sorted, t->vsorted, t->sort_tmp};
    for (void *p : bufs) gcu_free(p);
    gcu_ctx_destroy(t->ctx);
    std::free(t);
}

// out [n x no] row-major -> cols [no x n], one column per contiguous run for the sort.
__global__ void k_transpose(int64_t n, int no, const float *__restrict__ out,
                            float *__restrict__ cols)
{
    int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n * no) return;
    int64_t r = i / no;
    int j = (int)(i % no);
    cols[(int64_t)j * n + r] = out[i];
}

// W1 of two equal-size samples = mean |a_(i) - b_(i)| over the order statistics; one block per
// column, double partials, fixed-order tree (as gan-train's w1_sorted_equal).
enum { W1_THREADS = 512 };
__global__ void k_w1_sorted(int64_t n, const float *__restrict__ a,
                            const double *__restrict__ b, double *__restrict__ wd)
{
    __shared__ double s[W1_THREADS];
    const float *aj = a + (int64_t)blockIdx.x * n;
    const double *bj = b + (int64_t)blockIdx.x * n;
    double acc = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += W1_THREADS) acc += fabs((double)aj[i] - bj[i]);
    s[threadIdx.x] = acc;
    __syncthreads();
    for (int k = W1_THREADS / 2; k > 0; k >>= 1) {
        if ((int)threadIdx.x < k) s[threadIdx.x] += s[threadIdx.x + k];
        __syncthreads();
    }
    if (threadIdx.x == 0) wd[blockIdx.x] = s[0] / (double)n;
}

extern "C" void gcu_trainer_epoch(GcuTrainer *t, const uint32_t *perm, double *d_sum,
                                  double *g_sum, long *nbatches, double *wd)
{
    GcuCtx *ctx = t->ctx;
    cudaStream_t s = gcu_stream(ctx);
    GcuGan *g = &t->g;
    const int no = g->nout;
    CUDA_CHECK(cudaMemcpyAsync(t->perm, perm, t->ntr * sizeof(uint32_t), cudaMemcpyHostToDevice,
                               s));
    CUDA_CHECK(cudaMemsetAsync(t->ctr, 0, sizeof(long), s));   // batch index; noise runs on
    CUDA_CHECK(cudaMemsetAsync(t->acc, 0, 2 * sizeof(double), s));
    long nfull = (long)(t->ntr / (size_t)g->batch);
    for (long b = 0; b < nfull; b++) CUDA_CHECK(cudaGraphLaunch(t->full, s));
    if (t->part) CUDA_CHECK(cudaGraphLaunch(t->part, s));
    *nbatches = nfull + (t->part ? 1 : 0);

    // score: generator in inference mode on the validation inputs, per-column sort, W1
    const int64_t nva = (int64_t)t->nva;
    gcu_ctx_bf16_use(ctx, 0);   // what the W1 score reads stays FP32 (bf16: the CPU's rule)
    gcu_net_fwd_infer(ctx, &g->G, (int)nva, t->vin, t->vwork, t->vout);   // tanh included
    gcu_ctx_bf16_use(ctx, 1);
    k_transpose<<<gcu_blocks(nva * no, 256), 256, 0, s>>>(nva, no, t->vout, t->cols);
    CUDA_LAUNCH_CHECK();
    for (int j = 0; j < no; j++) {
        size_t bytes = t->sort_tmp_bytes;
        CUDA_CHECK(cub::DeviceRadixSort::SortKeys(t->sort_tmp, bytes, t->cols + j * nva,
                                                  t->sorted + j * nva, (int)nva, 0,
                                                  (int)(8 * sizeof(float)), s));
    }
    k_w1_sorted<<<no, W1_THREADS, 0, s>>>(nva, t->sorted, t->vsorted, t->acc + 2);
    CUDA_LAUNCH_CHECK();
    double host[2 + 64];
    double *h = no <= 64 ? host : (double *)std::malloc((2 + (size_t)no) * sizeof(double));
    if (!h) gcu_fail("malloc", __func__, __FILE__, __LINE__, "out of memory");
    gcu_download(ctx, h, t->acc, (2 + (size_t)no) * sizeof(double));
    *d_sum = h[0], *g_sum = h[1];
    std::memcpy(wd, h + 2, (size_t)no * sizeof(double));
    if (h != host) std::free(h);
}

extern "C" void gcu_trainer_get_generator(GcuTrainer *t, Net *G)
{
    gcu_net_download(t->ctx, &t->g.G, G);
}

// ---- gan-sample on the device ----------------------------------------------------------------

struct GcuSampler {
    GcuCtx *ctx;
    GcuNet G;
    int max_rows;
    float *in, *work, *out;
};

extern "C" GcuSampler *gcu_sampler_create(const Net *G, int max_rows)
{
    GcuSampler *s = (GcuSampler *)std::calloc(1, sizeof *s);
    if (!s) gcu_fail("calloc", __func__, __FILE__, __LINE__, "out of memory");
    s->ctx = gcu_ctx_create();
    gcu_net_init(&s->G, &G->lay);
    gcu_net_upload(s->ctx, &s->G, G);
    s->max_rows = max_rows;
    s->in = fbuf((size_t)max_rows * G->lay.nin);
    s->work = fbuf((size_t)net_infer_floats(&G->lay, max_rows));
    s->out = fbuf((size_t)max_rows * G->lay.nout);
    return s;
}

extern "C" void gcu_sampler_bf16(GcuSampler *s)
{
    gcu_ctx_bf16(s->ctx, gcu_bf16_elems(&s->G.lay, s->max_rows));
}

extern "C" void gcu_sampler_run(GcuSampler *s, int n, const float *in, float *out)
{
    const int nin = s->G.lay.nin, no = s->G.lay.nout;
    for (int r0 = 0; r0 < n; r0 += s->max_rows) {
        int m = n - r0 < s->max_rows ? n - r0 : s->max_rows;
        gcu_upload(s->ctx, s->in, in + (size_t)r0 * nin, (size_t)m * nin * sizeof(float));
        gcu_net_fwd_infer(s->ctx, &s->G, m, s->in, s->work, s->out);   // tanh included
        gcu_download(s->ctx, out + (size_t)r0 * no, s->out, (size_t)m * no * sizeof(float));
    }
}

extern "C" void gcu_sampler_destroy(GcuSampler *s)
{
    if (!s) return;
    gcu_net_free(&s->G);
    gcu_free(s->in), gcu_free(s->work), gcu_free(s->out);
    gcu_ctx_destroy(s->ctx);
    std::free(s);
}
