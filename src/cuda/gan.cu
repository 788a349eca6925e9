// gan.cu — device twins of src/gan.c (networks, caches, gan_step) and the device training loop
// of gan-train and inference loop of gan-sample (see gcu.h).
#include <cmath>
#include <cstdlib>
#include <cstring>

#include <cub/device/device_radix_sort.cuh>

#include "cuda/common.cuh"
#include "cuda/gcu.h"
extern "C" {
#include "model/nn.h"
}

cudaStream_t gcu_stream(GcuCtx *c);   // nn.cu

// ---- networks and caches (gan_mlp_init / gan_cache_init layouts) ---------------------------

extern "C" void gcu_mlp_init(GcuMlp *m, int nin, int w, int nout)
{
    m->nin = nin, m->w = w, m->nout = nout;
    m->nparams = (int64_t)nin * w + 2 * w + (int64_t)w * w + 2 * w + (int64_t)w * nout + nout;
    m->p = (float *)gcu_malloc((size_t)m->nparams * sizeof(float));
    float *q = m->p;
    m->W1 = q, q += (size_t)nin * w;
    m->g1 = q, q += w;
    m->be1 = q, q += w;
    m->W2 = q, q += (size_t)w * w;
    m->g2 = q, q += w;
    m->be2 = q, q += w;
    m->W3 = q, q += (size_t)w * nout;
    m->b3 = q;
    m->rm1 = (float *)gcu_malloc((size_t)4 * w * sizeof(float));
    m->rv1 = m->rm1 + w, m->rm2 = m->rm1 + 2 * w, m->rv2 = m->rm1 + 3 * w;
}

extern "C" void gcu_mlp_free(GcuMlp *m)
{
    gcu_free(m->p);
    gcu_free(m->rm1);
    std::memset(m, 0, sizeof *m);
}

extern "C" void gcu_mlp_upload(GcuCtx *ctx, GcuMlp *m, const float *p, const float *rm1)
{
    gcu_upload(ctx, m->p, p, (size_t)m->nparams * sizeof(float));
    gcu_upload(ctx, m->rm1, rm1, (size_t)4 * m->w * sizeof(float));
}

extern "C" void gcu_mlp_download(GcuCtx *ctx, const GcuMlp *m, float *p, float *rm1)
{
    gcu_download(ctx, p, m->p, (size_t)m->nparams * sizeof(float));
    gcu_download(ctx, rm1, m->rm1, (size_t)4 * m->w * sizeof(float));
}

static float *fbuf(size_t n) { return (float *)gcu_malloc(n * sizeof(float)); }

extern "C" void gcu_cache_init(GcuCache *c, const GcuMlp *m, int rows, int groups)
{
    size_t R = (size_t)rows, w = (size_t)m->w;
    c->rows = rows, c->groups = groups;
    c->x = fbuf(R * (size_t)m->nin);
    c->h1 = fbuf(R * w);
    c->xh1 = fbuf(R * w);
    c->h2 = fbuf(R * w);
    c->xh2 = fbuf(R * w);
    c->mean1 = fbuf(4 * (size_t)groups * w);
    c->inv1 = c->mean1 + groups * w;
    c->mean2 = c->mean1 + 2 * groups * w;
    c->inv2 = c->mean1 + 3 * groups * w;
    c->out = fbuf(R * (size_t)m->nout);
    c->da1 = fbuf(R * w);
    c->da2 = fbuf(R * w);
    c->dx = fbuf(R * (size_t)m->nin);
    c->dg = fbuf(2 * w);
    c->db = c->dg + w;
}

extern "C" void gcu_cache_free(GcuCache *c)
{
    gcu_free(c->x), gcu_free(c->h1), gcu_free(c->xh1), gcu_free(c->h2), gcu_free(c->xh2);
    gcu_free(c->mean1), gcu_free(c->out), gcu_free(c->da1), gcu_free(c->da2);
    gcu_free(c->dx), gcu_free(c->dg);
    std::memset(c, 0, sizeof *c);
}

// ---- MLP forward / backward (gan_mlp_fwd_train, gan_mlp_bwd, gan_mlp_fwd_infer) ---------

extern "C" void gcu_mlp_fwd_train(GcuCtx *ctx, GcuMlp *m, GcuCache *c, int B, int groups,
                                  int update_running)
{
    int w = m->w, R = B * groups;
    size_t gs = (size_t)B * w;
    gcu_dense_fwd(ctx, R, m->nin, w, c->x, m->W1, nullptr, c->h1);
    for (int g = 0; g < groups; g++)
        gcu_bn_act_train_fwd(ctx, B, w, c->h1 + g * gs, m->g1, m->be1, NN_LEAKY_SLOPE,
                             c->xh1 + g * gs, c->mean1 + g * w, c->inv1 + g * w,
                             update_running ? m->rm1 : nullptr,
                             update_running ? m->rv1 : nullptr);
    gcu_dense_fwd(ctx, R, w, w, c->h1, m->W2, nullptr, c->h2);
    for (int g = 0; g < groups; g++)
        gcu_bn_act_train_fwd(ctx, B, w, c->h2 + g * gs, m->g2, m->be2, NN_LEAKY_SLOPE,
                             c->xh2 + g * gs, c->mean2 + g * w, c->inv2 + g * w,
                             update_running ? m->rm2 : nullptr,
                             update_running ? m->rv2 : nullptr);
    gcu_dense_fwd(ctx, R, w, m->nout, c->h2, m->W3, m->b3, c->out);
}

__global__ void k_add2(int n, float *a, const float *da, float *b, const float *db)
{
    int j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j < n) a[j] += da[j], b[j] += db[j];
}

// bn_bwd_groups of gan.c: group 0 writes dgam/dbet, later groups go to scratch and are added.
static void bn_bwd_groups(GcuCtx *ctx, GcuCache *c, int B, int groups, int w, float *da,
                          const float *xh, const float *gamma, const float *beta,
                          const float *inv, float *dgam, float *dbet)
{
    size_t gs = (size_t)B * w;
    for (int g = 0; g < groups; g++) {
        bool first = dgam && g == 0;
        float *pg = first ? dgam : c->dg, *pb = first ? dbet : c->db;
        gcu_bn_act_train_bwd(ctx, B, w, da + g * gs, xh + g * gs, gamma, beta, inv + g * w,
                             NN_LEAKY_SLOPE, pg, pb);
        if (dgam && g > 0) {
            k_add2<<<gcu_blocks(w, 256), 256, 0, gcu_stream(ctx)>>>(w, dgam, c->dg, dbet,
                                                                     c->db);
            CUDA_LAUNCH_CHECK();
        }
    }
}

extern "C" void gcu_mlp_bwd(GcuCtx *ctx, GcuMlp *m, GcuCache *c, int B, int groups,
                            float *dout, float *grad, int want_dx)
{
    int w = m->w, R = B * groups;
#define GP(f) (grad ? grad + (m->f - m->p) : nullptr)
    gcu_dense_bwd(ctx, R, w, m->nout, c->h2, m->W3, dout, c->da2, GP(W3), GP(b3));
    bn_bwd_groups(ctx, c, B, groups, w, c->da2, c->xh2, m->g2, m->be2, c->inv2, GP(g2),
                  GP(be2));
    gcu_dense_bwd(ctx, R, w, w, c->h1, m->W2, c->da2, c->da1, GP(W2), nullptr);
    bn_bwd_groups(ctx, c, B, groups, w, c->da1, c->xh1, m->g1, m->be1, c->inv1, GP(g1),
                  GP(be1));
    gcu_dense_bwd(ctx, R, m->nin, w, c->x, m->W1, c->da1, want_dx ? c->dx : nullptr, GP(W1),
                  nullptr);
#undef GP
}

extern "C" void gcu_mlp_fwd_infer(GcuCtx *ctx, const GcuMlp *m, int B, const float *x,
                                  float *h1, float *h2, float *out)
{
    int w = m->w;
    gcu_dense_fwd(ctx, B, m->nin, w, x, m->W1, nullptr, h1);
    gcu_bn_act_infer_fwd(ctx, B, w, h1, m->g1, m->be1, m->rm1, m->rv1, NN_LEAKY_SLOPE);
    gcu_dense_fwd(ctx, B, w, w, h1, m->W2, nullptr, h2);
    gcu_bn_act_infer_fwd(ctx, B, w, h2, m->g2, m->be2, m->rm2, m->rv2, NN_LEAKY_SLOPE);
    gcu_dense_fwd(ctx, B, w, m->nout, h2, m->W3, m->b3, out);
}

// ---- the GAN and its step (gan_init, gan_step) --------------------------------------------

extern "C" void gcu_gan_init(GcuCtx *ctx, GcuGan *g, int ncond, int nnoise, int nout, int gw,
                             int dw, int batch, float lr_g, float lr_d)
{
    (void)ctx;
    std::memset(g, 0, sizeof *g);
    g->ncond = ncond, g->nnoise = nnoise, g->nout = nout, g->gw = gw, g->dw = dw;
    g->batch = batch, g->lr_g = lr_g, g->lr_d = lr_d;
    gcu_mlp_init(&g->G, ncond + nnoise, gw, nout);
    gcu_mlp_init(&g->D, nout + ncond, dw, 1);
    size_t ng = (size_t)g->G.nparams, nd = (size_t)g->D.nparams;
    g->gG = fbuf(3 * ng);
    g->mG = g->gG + ng, g->vG = g->gG + 2 * ng;
    g->gD = fbuf(3 * nd);
    g->mD = g->gD + nd, g->vD = g->gD + 2 * nd;
    g->dfake = fbuf((size_t)batch * nout);
    g->tG = (long *)gcu_malloc(2 * sizeof(long));
    g->tD = g->tG + 1;
    gcu_cache_init(&g->cG, &g->G, batch, 1);
    gcu_cache_init(&g->cD, &g->D, 2 * batch, 2);
}

extern "C" void gcu_gan_free(GcuGan *g)
{
    gcu_mlp_free(&g->G), gcu_mlp_free(&g->D);
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
                             const float *z, double *d_loss_acc, double *g_loss_acc)
{
    const int nc = g->ncond, nz = g->nnoise, no = g->nout, ngi = nc + nz, ndi = no + nc;
    GcuCache *cg = &g->cG, *cd = &g->cD;

    // generator forward on [c, z] (training mode, running statistics updated)
    copy_rows(ctx, cg->x, ngi, c, nc, nc, B);
    copy_rows(ctx, cg->x + nc, ngi, z, nz, nz, B);
    gcu_mlp_fwd_train(ctx, &g->G, cg, B, 1, 1);
    gcu_tanh_fwd(ctx, (int64_t)B * no, cg->out);

    // discriminator step: rows [0,B) real [x, c], rows [B,2B) fake [G(z), c]
    float *fake = cd->x + (size_t)B * ndi;
    copy_rows(ctx, cd->x, ndi, x, no, no, B);
    copy_rows(ctx, cd->x + no, ndi, c, nc, nc, B);
    copy_rows(ctx, fake, ndi, cg->out, no, no, B);
    copy_rows(ctx, fake + no, ndi, c, nc, nc, B);
    gcu_mlp_fwd_train(ctx, &g->D, cd, B, 2, 0);
    float *dz = cd->out;
    gcu_bce_logits(ctx, B, cd->out, 1.0f, dz, d_loss_acc);
    gcu_bce_logits(ctx, B, cd->out + B, 0.0f, dz + B, d_loss_acc);
    gcu_mlp_bwd(ctx, &g->D, cd, B, 2, dz, g->gD, 0);
    gcu_counter_inc(ctx, g->tD);
    gcu_adam_step(ctx, g->D.nparams, g->D.p, g->gD, g->mD, g->vD, g->lr_d, NN_ADAM_BETA1,
                  NN_ADAM_BETA2, NN_ADAM_EPS, g->tD);

    // generator step through the updated discriminator (no D weight gradients)
    CUDA_CHECK(cudaMemcpyAsync(cd->x, fake, (size_t)B * ndi * sizeof(float),
                               cudaMemcpyDeviceToDevice, gcu_stream(ctx)));
    gcu_mlp_fwd_train(ctx, &g->D, cd, B, 1, 0);
    gcu_bce_logits(ctx, B, cd->out, 1.0f, dz, g_loss_acc);
    gcu_mlp_bwd(ctx, &g->D, cd, B, 1, dz, nullptr, 1);
    copy_rows(ctx, g->dfake, no, cd->dx, ndi, no, B);
    gcu_tanh_bwd(ctx, (int64_t)B * no, cg->out, g->dfake);
    gcu_mlp_bwd(ctx, &g->G, cg, B, 1, g->dfake, g->gG, 0);
    gcu_counter_inc(ctx, g->tG);
    gcu_adam_step(ctx, g->G.nparams, g->G.p, g->gG, g->mG, g->vG, g->lr_g, NN_ADAM_BETA1,
                  NN_ADAM_BETA2, NN_ADAM_EPS, g->tG);
}

// ---- the device training loop ------------------------------------------------------------

struct GcuTrainer {
    GcuCtx *ctx;
    GcuGan g;
    size_t ntr, nva;
    uint64_t seed;
    float *Xtr, *Ctr, *bx, *bc, *bz;      // data and the current batch
    uint32_t *perm;
    long *ctr;                            // [0] batch index in the epoch, [1] noise draw
    double *acc;                          // [0] d_loss sum, [1] g_loss sum, [2..] W1
    float *vin, *vh1, *vh2, *vout, *cols, *sorted;
    double *vsorted;
    void *sort_tmp;
    size_t sort_tmp_bytes;
    int tail;                             // rows of the last, short batch (0: none)
    cudaGraphExec_t full, part;           // one step of `batch` rows / of `tail` rows
};

// Batch rows perm[s + i], s = ctr[0] * batch, gathered into bx, bc (gan-train's memcpy loop).
__global__ void k_gather(int rows, int batch, int no, int nc, const uint32_t *__restrict__ perm,
                         const long *__restrict__ ctr, const float *__restrict__ X,
                         const float *__restrict__ C, float *__restrict__ bx,
                         float *__restrict__ bc)
{
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= rows) return;
    size_t p = perm[(size_t)ctr[0] * batch + i];
    for (int j = 0; j < no; j++) bx[(size_t)i * no + j] = X[p * no + j];
    for (int j = 0; j < nc; j++) bc[(size_t)i * nc + j] = C[p * nc + j];
}

__global__ void k_step_end(long *ctr) { ctr[0]++, ctr[1]++; }

// Queue one training step of `rows` rows on the trainer's stream (captured by the caller).
static void trainer_step(GcuTrainer *t, int rows)
{
    GcuGan *g = &t->g;
    cudaStream_t s = gcu_stream(t->ctx);
    k_gather<<<gcu_blocks(rows, 128), 128, 0, s>>>(rows, g->batch, g->nout, g->ncond, t->perm,
                                                   t->ctr, t->Xtr, t->Ctr, t->bx, t->bc);
    CUDA_LAUNCH_CHECK();
    gcu_normal_fill(t->ctx, t->bz, (int64_t)rows * g->nnoise, t->seed, t->ctr + 1);
    gcu_gan_step(t->ctx, g, rows, t->bx, t->bc, t->bz, t->acc, t->acc + 1);
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

extern "C" GcuTrainer *gcu_trainer_create(int ncond, int nnoise, int nout, int gw, int dw,
                                          int batch, float lr_g, float lr_d, const float *G_p,
                                          const float *G_rm1, const float *D_p,
                                          const float *D_rm1, const float *Xtr,
                                          const float *Ctr, size_t ntr, const float *vin,
                                          const double *vsorted, size_t nva,
                                          uint64_t noise_seed)
{
    GcuTrainer *t = (GcuTrainer *)std::calloc(1, sizeof *t);
    if (!t) gcu_fail("calloc", __func__, __FILE__, __LINE__, "out of memory");
    t->ctx = gcu_ctx_create();
    GcuCtx *ctx = t->ctx;
    gcu_gan_init(ctx, &t->g, ncond, nnoise, nout, gw, dw, batch, lr_g, lr_d);
    gcu_mlp_upload(ctx, &t->g.G, G_p, G_rm1);
    gcu_mlp_upload(ctx, &t->g.D, D_p, D_rm1);
    t->ntr = ntr, t->nva = nva, t->seed = noise_seed;
    const int ngi = ncond + nnoise;
    t->Xtr = fbuf(ntr * nout);
    t->Ctr = fbuf(ntr * ncond);
    gcu_upload(ctx, t->Xtr, Xtr, ntr * nout * sizeof(float));
    gcu_upload(ctx, t->Ctr, Ctr, ntr * ncond * sizeof(float));
    t->bx = fbuf((size_t)batch * nout);
    t->bc = fbuf((size_t)batch * ncond);
    t->bz = fbuf((size_t)batch * nnoise);
    t->perm = (uint32_t *)gcu_malloc(ntr * sizeof(uint32_t));
    t->ctr = (long *)gcu_malloc(2 * sizeof(long));
    t->acc = (double *)gcu_malloc((2 + (size_t)nout) * sizeof(double));
    t->vin = fbuf(nva * ngi);
    gcu_upload(ctx, t->vin, vin, nva * ngi * sizeof(float));
    t->vh1 = fbuf(nva * gw);
    t->vh2 = fbuf(nva * gw);
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
    gcu_mlp_upload(ctx, &g->G, G_p, G_rm1);
    gcu_mlp_upload(ctx, &g->D, D_p, D_rm1);
    cudaStream_t s = gcu_stream(ctx);
    CUDA_CHECK(cudaMemsetAsync(g->gG, 0, 3 * (size_t)g->G.nparams * sizeof(float), s));
    CUDA_CHECK(cudaMemsetAsync(g->gD, 0, 3 * (size_t)g->D.nparams * sizeof(float), s));
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
    void *bufs[] = {t->Xtr, t->Ctr, t->bx, t->bc, t->bz, t->perm, t->ctr, t->acc, t->vin,
                    t->vh1, t->vh2, t->vout, t->cols, t->sorted, t->vsorted, t->sort_tmp};
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
    gcu_mlp_fwd_infer(ctx, &g->G, (int)nva, t->vin, t->vh1, t->vh2, t->vout);
    gcu_tanh_fwd(ctx, nva * no, t->vout);
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

extern "C" void gcu_trainer_get_generator(GcuTrainer *t, float *G_p, float *G_rm1)
{
    gcu_mlp_download(t->ctx, &t->g.G, G_p, G_rm1);
}

// ---- gan-sample on the device ----------------------------------------------------------------

struct GcuSampler {
    GcuCtx *ctx;
    GcuMlp G;
    int max_rows;
    float *in, *h1, *h2, *out;
};

extern "C" GcuSampler *gcu_sampler_create(int nin, int w, int nout, const float *G_p,
                                          const float *G_rm1, int max_rows)
{
    GcuSampler *s = (GcuSampler *)std::calloc(1, sizeof *s);
    if (!s) gcu_fail("calloc", __func__, __FILE__, __LINE__, "out of memory");
    s->ctx = gcu_ctx_create();
    gcu_mlp_init(&s->G, nin, w, nout);
    gcu_mlp_upload(s->ctx, &s->G, G_p, G_rm1);
    s->max_rows = max_rows;
    s->in = fbuf((size_t)max_rows * nin);
    s->h1 = fbuf((size_t)max_rows * w);
    s->h2 = fbuf((size_t)max_rows * w);
    s->out = fbuf((size_t)max_rows * nout);
    return s;
}

extern "C" void gcu_sampler_run(GcuSampler *s, int n, const float *in, float *out)
{
    const int nin = s->G.nin, no = s->G.nout;
    for (int r0 = 0; r0 < n; r0 += s->max_rows) {
        int m = n - r0 < s->max_rows ? n - r0 : s->max_rows;
        gcu_upload(s->ctx, s->in, in + (size_t)r0 * nin, (size_t)m * nin * sizeof(float));
        gcu_mlp_fwd_infer(s->ctx, &s->G, m, s->in, s->h1, s->h2, s->out);
        gcu_tanh_fwd(s->ctx, (int64_t)m * no, s->out);
        gcu_download(s->ctx, out + (size_t)r0 * no, s->out, (size_t)m * no * sizeof(float));
    }
}

extern "C" void gcu_sampler_destroy(GcuSampler *s)
{
    if (!s) return;
    gcu_mlp_free(&s->G);
    gcu_free(s->in), gcu_free(s->h1), gcu_free(s->h2), gcu_free(s->out);
    gcu_ctx_destroy(s->ctx);
    std::free(s);
}
