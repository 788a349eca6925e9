/* test_nn.c — finite-difference gradient checks of every layer (dense on both its GEMM and
 * narrow-loop paths, batch norm in training mode, LeakyReLU, tanh, BCE from logits) and of a
 * whole discriminator and generator step; Adam against hand-computed values; batch norm in
 * inference mode against the training statistics. Central differences in float: each check
 * compares whole gradient vectors by relative error, which stays robust to the rare
 * finite-difference step that straddles a LeakyReLU kink. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/gan.h"
#include "model/nn.h"
#include "base/rng.h"

static Rng rng;

static float *rnd(size_t n, float scale)
{
    float *v = malloc(n * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = scale * (float)rng_normal(&rng);
    return v;
}

/* ||a - b|| / max(||b||, tiny) */
static double rel_err(const float *a, const double *b, size_t n)
{
    double d = 0, nb = 0;
    for (size_t i = 0; i < n; i++) d += (a[i] - b[i]) * (a[i] - b[i]), nb += b[i] * b[i];
    return sqrt(d) / fmax(sqrt(nb), 1e-12);
}

static double dot(const float *a, const float *b, size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* ---- dense: loss = <R, x W + b> ---- */
static double dense_loss(int B, int nin, int nout, const float *x, const float *W,
                         const float *b, const float *R, float *y)
{
    nn_dense_fwd(B, nin, nout, x, W, b, y);
    return dot(y, R, (size_t)B * nout);
}

static void check_dense(int B, int nin, int nout)
{
    float *x = rnd((size_t)B * nin, 1), *W = rnd((size_t)nin * nout, 0.5f), *b = rnd(nout, 1);
    float *R = rnd((size_t)B * nout, 1), *y = malloc((size_t)B * nout * sizeof *y);
    float *dx = malloc((size_t)B * nin * sizeof *dx), *dW = malloc((size_t)nin * nout * sizeof *dW);
    float *db = malloc(nout * sizeof *db);
    nn_dense_bwd(B, nin, nout, x, W, R, dx, dW, db);
    const float eps = 1e-2f;
    struct { float *v, *g; size_t n; const char *what; } t[3] = {
        {x, dx, (size_t)B * nin, "dense dx"}, {W, dW, (size_t)nin * nout, "dense dW"},
        {b, db, (size_t)nout, "dense db"}};
    for (int k = 0; k < 3; k++) {
        double *fd = malloc(t[k].n * sizeof *fd);
        for (size_t i = 0; i < t[k].n; i++) {
            float s = t[k].v[i];
            t[k].v[i] = s + eps;
            double lp = dense_loss(B, nin, nout, x, W, b, R, y);
            t[k].v[i] = s - eps;
            double lm = dense_loss(B, nin, nout, x, W, b, R, y);
            t[k].v[i] = s;
            fd[i] = (lp - lm) / (2 * eps);
        }
        double e = rel_err(t[k].g, fd, t[k].n);
        CHECK(e < 1e-3, "%s (B %d, %d->%d): relative error %g", t[k].what, B, nin, nout, e);
        free(fd);
    }
    /* NULL outputs are skipped, the others unchanged */
    float *dW2 = malloc((size_t)nin * nout * sizeof *dW2);
    nn_dense_bwd(B, nin, nout, x, W, R, NULL, dW2, NULL);
    CHECK(memcmp(dW, dW2, (size_t)nin * nout * sizeof *dW) == 0, "dW alone equals dW with dx");
    free(x), free(W), free(b), free(R), free(y), free(dx), free(dW), free(db), free(dW2);
}

/* ---- batch norm (training mode) + activation: loss = <R, act(BN(h))> ---- */
static double bn_loss(int B, int n, const float *h0, const float *g, const float *be,
                      float slope, const float *R, float *work, float *xh, float *mean,
                      float *inv)
{
    memcpy(work, h0, (size_t)B * n * sizeof *work);
    nn_bn_act_train_fwd(B, n, work, g, be, slope, xh, mean, inv, NULL, NULL);
    return dot(work, R, (size_t)B * n);
}

static void check_bn(int B, int n, float slope)
{
    size_t N = (size_t)B * n;
    float *h = rnd(N, 2), *g = rnd(n, 1), *be = rnd(n, 0.3f), *R = rnd(N, 1);
    float *work = malloc(N * sizeof *work), *xh = malloc(N * sizeof *xh);
    float *mean = malloc(n * sizeof *mean), *inv = malloc(n * sizeof *inv);
    float *da = malloc(N * sizeof *da), *dg = malloc(n * sizeof *dg), *db = malloc(n * sizeof *db);
    for (int j = 0; j < n; j++) h[j] += 3.0f * j;   /* columns with different means */
    bn_loss(B, n, h, g, be, slope, R, work, xh, mean, inv);
    memcpy(da, R, N * sizeof *da);
    nn_bn_act_train_bwd(B, n, da, xh, g, be, inv, slope, dg, db);
    const float eps = 1e-3f;
    struct { float *v, *gr; size_t n; const char *what; } t[3] = {
        {h, da, N, "bn dh"}, {g, dg, (size_t)n, "bn dgamma"}, {be, db, (size_t)n, "bn dbeta"}};
    for (int k = 0; k < 3; k++) {
        double *fd = malloc(t[k].n * sizeof *fd);
        for (size_t i = 0; i < t[k].n; i++) {
            float s = t[k].v[i];
            t[k].v[i] = s + eps;
            double lp = bn_loss(B, n, h, g, be, slope, R, work, xh, mean, inv);
            t[k].v[i] = s - eps;
            double lm = bn_loss(B, n, h, g, be, slope, R, work, xh, mean, inv);
            t[k].v[i] = s;
            fd[i] = (lp - lm) / (2 * eps);
        }
        double e = rel_err(t[k].gr, fd, t[k].n);
        CHECK(e < (slope == 1.0f ? 5e-3 : 3e-2), "%s (slope %g): relative error %g", t[k].what,
              slope, e);
        free(fd);
    }
    free(h), free(g), free(be), free(R), free(work), free(xh), free(mean), free(inv);
    free(da), free(dg), free(db);
}

/* ---- first block with few inputs: nn_dense_bn_act_fwd/bwd against the composition of
 * nn_dense_fwd and nn_bn_act_train_fwd (and their backwards), then by finite differences of
 * loss = <R, act(BN(x W))>; the input gradient of leading columns, nn_dense_dx_lead, against
 * nn_dense_bwd's dx ---- */
static double first_loss(int B, int nin, int n, const float *x, const float *W, const float *g,
                         const float *be, const float *R, float *a, float *xh, float *xmom,
                         float *inv)
{
    nn_dense_bn_act_fwd(B, nin, n, x, W, g, be, NN_LEAKY_SLOPE, a, xh, xmom, inv, NULL, NULL);
    return dot(a, R, (size_t)B * n);
}

static double max_rel(const float *a, const float *b, size_t n)
{
    double d = 0, m = 0;
    for (size_t i = 0; i < n; i++) d = fmax(d, fabs(a[i] - b[i])), m = fmax(m, fabs(b[i]));
    return d / fmax(m, 1e-30);
}

static void check_first_block(int B, int nin, int n)
{
    const size_t N = (size_t)B * n, NW = (size_t)nin * n;
    float *x = rnd((size_t)B * nin, 1), *W = rnd(NW, 0.5f), *g = rnd(n, 0.5f), *be = rnd(n, 0.3f);
    float *R = rnd(N, 1);
    for (int r = 0; r < B; r++)   /* inputs with means away from zero, as min-max scaled ones */
        for (int k = 0; k < nin; k++) x[r * nin + k] += 0.5f * (float)(k % 3) - 0.4f;
    for (int j = 0; j < n; j++) g[j] += 1.0f;
    float *a = malloc(N * 4), *xh = malloc(N * 4), *h = malloc(N * 4), *xh2 = malloc(N * 4);
    float *xmom = malloc((size_t)(nin + nin * nin) * 4), *inv = malloc(n * 4), *inv2 = malloc(n * 4);
    float *mean = malloc(n * 4), *rm = calloc(n, 4), *rv = calloc(n, 4), *rm2 = calloc(n, 4);
    float *rv2 = calloc(n, 4), *work = malloc(NW * 4), *dW = malloc(NW * 4), *dW2 = malloc(NW * 4);
    float *dg = malloc(n * 4), *db = malloc(n * 4), *dg2 = malloc(n * 4), *db2 = malloc(n * 4);
    float *da = malloc(N * 4), *dx = malloc((size_t)B * nin * 4), *dx2 = malloc((size_t)B * nin * 4);

    nn_dense_bn_act_fwd(B, nin, n, x, W, g, be, NN_LEAKY_SLOPE, a, xh, xmom, inv, rm, rv);
    nn_dense_fwd(B, nin, n, x, W, NULL, h);
    nn_bn_act_train_fwd(B, n, h, g, be, NN_LEAKY_SLOPE, xh2, mean, inv2, rm2, rv2);
    double e = fmax(fmax(max_rel(a, h, N), max_rel(xh, xh2, N)), max_rel(inv, inv2, n));
    e = fmax(e, fmax(max_rel(rm, rm2, n), max_rel(rv, rv2, n)));
    CHECK(e < 1e-4, "first block forward (B %d, %d->%d) equals dense then batch norm: %g", B,
          nin, n, e);

    nn_dense_bn_act_bwd(B, nin, n, x, W, R, xh, g, be, xmom, inv, NN_LEAKY_SLOPE, dW, 0, work,
                        dg, db);
    memcpy(da, R, N * 4);
    nn_bn_act_train_bwd(B, n, da, xh2, g, be, inv2, NN_LEAKY_SLOPE, dg2, db2);
    nn_dense_bwd(B, nin, n, x, W, da, dx, dW2, NULL);
    e = fmax(max_rel(dW, dW2, NW), fmax(max_rel(dg, dg2, n), max_rel(db, db2, n)));
    CHECK(e < 1e-4, "first block backward (B %d, %d->%d) equals the composition's: %g", B, nin,
          n, e);
    for (int ndx = 1; ndx <= nin; ndx += nin - 1 > 0 ? nin - 1 : 1) {
        for (size_t i = 0; i < (size_t)B * nin; i++) dx2[i] = -7.0f;
        nn_dense_dx_lead(B, nin, n, W, da, dx2, ndx);
        int rest = 1;
        double ed = 0, m = 0;
        for (int r = 0; r < B; r++)
            for (int k = 0; k < nin; k++) {
                float v = dx2[r * nin + k], ref = dx[r * nin + k];
                if (k < ndx) ed = fmax(ed, fabs(v - ref)), m = fmax(m, fabs(ref));
                else rest &= v == -7.0f;
            }
        CHECK(ed <= 1e-5 * fmax(m, 1e-30) && rest,
              "dx of the first %d of %d inputs: max rel diff %g, others untouched %d", ndx, nin,
              ed / fmax(m, 1e-30), rest);
    }
    /* accumulate adds to what dW holds */
    memcpy(dW2, dW, NW * 4);
    nn_dense_bn_act_bwd(B, nin, n, x, W, R, xh, g, be, xmom, inv, NN_LEAKY_SLOPE, dW2, 1, work,
                        dg2, db2);
    double ea = 0;
    for (size_t i = 0; i < NW; i++) ea = fmax(ea, fabs(dW2[i] - 2 * dW[i]) / (fabs(dW[i]) + 1e-6));
    CHECK(ea < 1e-5, "first block dW accumulates (rel %g)", ea);

    const float eps = 1e-3f;
    struct { float *v, *gr; size_t n; const char *what; } t[3] = {
        {W, dW, NW, "first block dW"}, {g, dg, (size_t)n, "first block dgamma"},
        {be, db, (size_t)n, "first block dbeta"}};
    for (int k = 0; k < 3; k++) {
        double *fd = malloc(t[k].n * sizeof *fd);
        for (size_t i = 0; i < t[k].n; i++) {
            float sv = t[k].v[i];
            t[k].v[i] = sv + eps;
            double lp = first_loss(B, nin, n, x, W, g, be, R, a, xh2, xmom, inv2);
            t[k].v[i] = sv - eps;
            double lm = first_loss(B, nin, n, x, W, g, be, R, a, xh2, xmom, inv2);
            t[k].v[i] = sv;
            fd[i] = (lp - lm) / (2 * eps);
        }
        double er = rel_err(t[k].gr, fd, t[k].n);
        CHECK(er < 3e-2, "%s (B %d, %d->%d): relative error %g", t[k].what, B, nin, n, er);
        free(fd);
    }
    free(x), free(W), free(g), free(be), free(R), free(a), free(xh), free(h), free(xh2);
    free(xmom), free(inv), free(inv2), free(mean), free(rm), free(rv), free(rm2), free(rv2);
    free(work), free(dW), free(dW2), free(dg), free(db), free(dg2), free(db2), free(da);
    free(dx), free(dx2);
}

static void check_bn_running_and_inference(void)
{
    enum { B = 64, n = 5 };
    float *h = rnd(B * n, 1.5f), g[n], be[n], xh[B * n], mean[n], inv[n], rm[n], rv[n];
    for (int j = 0; j < n; j++) {
        g[j] = 0.5f + 0.25f * j, be[j] = 0.1f * j - 0.2f, rm[j] = 0.0f, rv[j] = 1.0f;
        for (int r = 0; r < B; r++) h[r * n + j] += (float)j - 2.0f;
    }
    float htrain[B * n], hinf[B * n];
    memcpy(htrain, h, sizeof htrain);
    memcpy(hinf, h, sizeof hinf);
    nn_bn_act_train_fwd(B, n, htrain, g, be, NN_LEAKY_SLOPE, xh, mean, inv, rm, rv);
    for (int j = 0; j < n; j++) {
        double m = 0, v = 0;
        for (int r = 0; r < B; r++) m += h[r * n + j];
        m /= B;
        for (int r = 0; r < B; r++) v += (h[r * n + j] - m) * (h[r * n + j] - m);
        CHECK_CLOSE(mean[j], m, 1e-5, 1e-5, "batch mean");
        CHECK_CLOSE(inv[j], 1 / sqrt(v / B + NN_BN_EPS), 1e-5, 1e-4, "batch invstd (biased var)");
        CHECK_CLOSE(rm[j], 0.01 * m, 1e-6, 1e-5, "running mean, momentum 0.01");
        CHECK_CLOSE(rv[j], 0.99 + 0.01 * v / (B - 1), 1e-6, 1e-5, "running var, unbiased");
        /* inference with running statistics equal to the batch's (biased) statistics must
         * reproduce the training-mode output */
        rm[j] = (float)m, rv[j] = (float)(v / B);
    }
    nn_bn_act_infer_fwd(B, n, hinf, g, be, rm, rv, NN_LEAKY_SLOPE);
    double maxd = 0;
    for (int i = 0; i < B * n; i++) maxd = fmax(maxd, fabs(hinf[i] - htrain[i]));
    CHECK(maxd < 1e-5, "inference with batch statistics equals training output (max diff %g)", maxd);
    free(h);
}

static void check_elementwise(void)
{
    enum { N = 200 };
    float *x = rnd(N, 1.5f), y[N], d[N], R[N];
    for (int i = 0; i < N; i++) {
        if (fabsf(x[i]) < 0.05f) x[i] = 0.3f;  /* keep the FD step off LeakyReLU's kink */
        R[i] = (float)rng_normal(&rng);
    }
    const float eps = 1e-3f;
    for (int which = 0; which < 2; which++) {
        memcpy(y, x, sizeof y);
        if (which == 0) nn_leaky_fwd(N, y, 0.3f); else nn_tanh_fwd(N, y);
        memcpy(d, R, sizeof d);
        if (which == 0) nn_leaky_bwd(N, y, d, 0.3f); else nn_tanh_bwd(N, y, d);
        double fd[N];
        for (int i = 0; i < N; i++) {
            float p = x[i] + eps, m = x[i] - eps;
            if (which == 0) nn_leaky_fwd(1, &p, 0.3f), nn_leaky_fwd(1, &m, 0.3f);
            else nn_tanh_fwd(1, &p), nn_tanh_fwd(1, &m);
            fd[i] = R[i] * ((double)p - m) / (2 * eps);
        }
        double e = rel_err(d, fd, N);
        CHECK(e < 2e-3, "%s backward: relative error %g", which ? "tanh" : "leaky", e);
        if (which == 0) CHECK(y[0] == (x[0] > 0 ? x[0] : 0.3f * x[0]), "leaky forward value");
        else CHECK_CLOSE(y[1], tanh(x[1]), 1e-6, 1e-6, "tanh forward value");
    }
    free(x);
}

static void check_bce(void)
{
    enum { B = 40 };
    float z[B], dz[B];
    for (int i = 0; i < B; i++) z[i] = (float)(4 * rng_normal(&rng));
    for (int t = 0; t <= 1; t++) {
        double want = 0;
        for (int i = 0; i < B; i++) {
            double s = 1 / (1 + exp(-(double)z[i]));
            want -= t ? log(s) : log(1 - s);
        }
        double got = nn_bce_logits(B, z, (float)t, dz);
        CHECK_CLOSE(got, want / B, 1e-6, 1e-5, "bce loss equals -mean log sigmoid");
        double fd[B];
        const float eps = 1e-2f;
        for (int i = 0; i < B; i++) {
            float s = z[i];
            z[i] = s + eps;
            double lp = nn_bce_logits(B, z, (float)t, NULL);
            z[i] = s - eps;
            double lm = nn_bce_logits(B, z, (float)t, NULL);
            z[i] = s;
            fd[i] = (lp - lm) / (2 * eps);
        }
        double e = rel_err(dz, fd, B);
        CHECK(e < 1e-3, "bce gradient (target %d): relative error %g", t, e);
    }
    float big[2] = {-100.0f, 100.0f}, dbig[2];
    double l1 = nn_bce_logits(2, big, 1.0f, dbig);
    CHECK(isfinite(l1) && fabs(l1 - 50.0) < 1e-3, "bce stable for |z| = 100 (loss %g)", l1);
    CHECK(isfinite(dbig[0]) && fabsf(dbig[0] + 0.5f) < 1e-6 && fabsf(dbig[1]) < 1e-6,
          "bce gradient saturates cleanly");
}

static void check_adam(void)
{
    /* by hand: t=1, g=0.5: m=0.05, v=0.00025, mhat=0.5, vhat=0.25 -> p = 1 - 0.1*0.5/(0.5+1e-7)
     * t=2, g=-0.2: m=0.025, v=0.00028975, mhat=0.025/0.19=0.131578947,
     *   vhat=0.00028975/0.001999=0.144947474, sqrt=0.380719..., p -= 0.1*0.131578947/0.3807195 */
    float p = 1.0f, m = 0.0f, v = 0.0f, g = 0.5f;
    nn_adam_step(1, &p, &g, &m, &v, 0.1f, 0.9f, 0.999f, 1e-7f, 1);
    CHECK_CLOSE(m, 0.05, 1e-8, 1e-6, "adam m after step 1");
    CHECK_CLOSE(v, 0.00025, 1e-10, 1e-4, "adam v after step 1 (1 - 0.999 rounded in float)");
    double p1 = 1.0 - 0.1 * 0.5 / (0.5 + 1e-7);
    CHECK_CLOSE(p, p1, 1e-7, 1e-6, "adam p after step 1");
    g = -0.2f;
    nn_adam_step(1, &p, &g, &m, &v, 0.1f, 0.9f, 0.999f, 1e-7f, 2);
    double p2 = p1 - 0.1 * (0.025 / 0.19) / (sqrt(0.00028975 / 0.001999) + 1e-7);
    CHECK_CLOSE(m, 0.025, 1e-8, 1e-5, "adam m after step 2");
    CHECK_CLOSE(p, p2, 1e-6, 1e-5, "adam p after step 2");
}

/* ---- whole networks inside gan_step ---- */
enum { GB = 8, NC = 2, NO = 2, GW = 6, DW = 7 };
static int NZ = 3;   /* noise inputs: the generator's first block takes nn.h's few-input path
                      * up to NN_FEW_IN inputs, the general one past it */

static double loss_d(Gan *g, const float *x, const float *c, const float *fake)
{
    NetCache *cd = &g->cD;
    float *out = cd->act[g->D.lay.n];
    for (int r = 0; r < GB; r++) {
        float *a = cd->act[0] + r * (NO + NC), *b = cd->act[0] + (GB + r) * (NO + NC);
        memcpy(a, x + r * NO, NO * 4), memcpy(a + NO, c + r * NC, NC * 4);
        memcpy(b, fake + r * NO, NO * 4), memcpy(b + NO, c + r * NC, NC * 4);
    }
    net_fwd_train(&g->D, cd, GB, 2, 0);
    return nn_bce_logits(GB, out, 1, NULL) + nn_bce_logits(GB, out + GB, 0, NULL);
}

static double loss_g(Gan *g, const float *c, const float *z)
{
    NetCache *cg = &g->cG, *cd = &g->cD;
    float *gout = cg->act[g->G.lay.n], *dout = cd->act[g->D.lay.n];
    for (int r = 0; r < GB; r++)
        memcpy(cg->act[0] + r * (NC + NZ), c + r * NC, NC * 4),
            memcpy(cg->act[0] + r * (NC + NZ) + NC, z + r * NZ, NZ * 4);
    net_fwd_train(&g->G, cg, GB, 1, 0);   /* tanh is G's last layer */
    for (int r = 0; r < GB; r++)
        memcpy(cd->act[0] + r * (NO + NC), gout + r * NO, NO * 4),
            memcpy(cd->act[0] + r * (NO + NC) + NO, c + r * NC, NC * 4);
    net_fwd_train(&g->D, cd, GB, 1, 0);
    return nn_bce_logits(GB, dout, 1, NULL);
}

static void check_gan_step(void)
{
    Gan g;
    Rng init;
    rng_seed(&init, 7);
    GanConfig cfg = {.ncond = NC, .nnoise = NZ, .nout = NO, .gen_width = GW, .disc_width = DW,
                     .batch = GB, .lr_g = 1e-2, .lr_d = 1e-2};
    gan_init(&g, &cfg, &init);
    /* give the batch-norm parameters non-trivial values so their gradients are exercised
     * (layers 1 and 4 are the two batch norms: gamma at p0, beta at p1) */
    const NetLayer *gl1 = &g.G.lay.L[1], *gl4 = &g.G.lay.L[4];
    const NetLayer *dl1 = &g.D.lay.L[1], *dl4 = &g.D.lay.L[4];
    CHECK(gl1->kind == NET_BATCHNORM && gl4->kind == NET_BATCHNORM &&
          dl1->kind == NET_BATCHNORM && dl4->kind == NET_BATCHNORM, "batch norms at layers 1, 4");
    for (int j = 0; j < GW; j++) g.G.p[gl1->p0 + j] = 1 + 0.1f * j, g.G.p[gl4->p1 + j] = 0.05f * j;
    for (int j = 0; j < DW; j++) g.D.p[dl4->p0 + j] = 1 - 0.05f * j, g.D.p[dl1->p1 + j] = -0.03f * j;
    float *x = rnd(GB * NO, 0.5f), *c = rnd(GB * NC, 0.5f), *z = rnd(GB * NZ, 1);
    size_t ng = g.G.lay.nparams, nd = g.D.lay.nparams;
    float *G0 = malloc(ng * 4), *D0 = malloc(nd * 4), *fake = malloc(GB * NO * 4);
    memcpy(G0, g.G.p, ng * 4), memcpy(D0, g.D.p, nd * 4);
    /* the fake batch the step will see: G in training mode on [c, z] */
    loss_g(&g, c, z);
    memcpy(fake, g.cG.act[g.G.lay.n], GB * NO * 4);
    double dl, gl;
    gan_step(&g, GB, x, c, z, &dl, &gl);
    float *D1 = malloc(nd * 4);
    memcpy(D1, g.D.p, nd * 4);
    CHECK(memcmp(D0, D1, nd * 4) != 0 && memcmp(G0, g.G.p, ng * 4) != 0, "step updates both nets");

    /* discriminator gradient at the parameters before the step */
    memcpy(g.D.p, D0, nd * 4);
    CHECK_CLOSE(loss_d(&g, x, c, fake), dl, 1e-6, 1e-5, "reported D loss");
    const float eps = 2e-3f;
    double *fd = malloc((ng > nd ? ng : nd) * sizeof *fd);
    for (size_t i = 0; i < nd; i++) {
        float s = g.D.p[i];
        g.D.p[i] = s + eps;
        double lp = loss_d(&g, x, c, fake);
        g.D.p[i] = s - eps;
        double lm = loss_d(&g, x, c, fake);
        g.D.p[i] = s;
        fd[i] = (lp - lm) / (2 * eps);
    }
    double e = rel_err(g.gD, fd, nd);
    CHECK(e < 2e-2, "discriminator step gradient (noise %d): relative error %g", NZ, e);

    /* generator gradient: G before its update, through D after its update */
    memcpy(g.D.p, D1, nd * 4);
    memcpy(g.G.p, G0, ng * 4);
    CHECK_CLOSE(loss_g(&g, c, z), gl, 1e-6, 1e-5, "reported G loss");
    for (size_t i = 0; i < ng; i++) {
        float s = g.G.p[i];
        g.G.p[i] = s + eps;
        double lp = loss_g(&g, c, z);
        g.G.p[i] = s - eps;
        double lm = loss_g(&g, c, z);
        g.G.p[i] = s;
        fd[i] = (lp - lm) / (2 * eps);
    }
    e = rel_err(g.gG, fd, ng);
    CHECK(e < 2e-2, "generator step gradient through D (noise %d): relative error %g", NZ, e);
    free(x), free(c), free(z), free(G0), free(D0), free(D1), free(fake), free(fd);
    gan_free(&g);
}

int main(void)
{
    rng_seed(&rng, 12345);
    check_dense(9, 20, 24);   /* GEMM path */
    check_dense(7, 5, 11);    /* few inputs (sgemm too) */
    check_dense(10, 13, 1);   /* single output: direct loops */
    check_dense(6, 30, 2);    /* few outputs: direct loops */
    check_dense(5, 1030, 3);  /* few outputs, inputs past one stack chunk (KCHUNK) */
    check_bn(12, 6, 1.0f);
    check_bn(12, 6, NN_LEAKY_SLOPE);
    check_bn(11, 19, NN_LEAKY_SLOPE);   /* rows past the last group of four */
    check_bn_running_and_inference();
    check_first_block(12, 5, 19);   /* one 16-column chunk and a scalar tail */
    check_first_block(9, 3, 70);    /* a 64-column chain block; rows past the last four */
    check_first_block(6, 16, 33);   /* NN_FEW_IN inputs */
    check_elementwise();
    check_bce();
    check_adam();
    check_gan_step();
    NZ = NN_FEW_IN + 1 - NC;   /* one input past the few-input block: the general path */
    check_gan_step();
    return check_done("test_nn");
}
