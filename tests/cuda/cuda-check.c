/* cuda-check — run every CPU layer (nn.h, gan.h) and its CUDA twin (gcu.h) on the same weights
 * and inputs and compare outputs and gradients, and the device's layer-list walker against the
 * CPU's on a list other than the study's (the ggml test-backend-ops idea), and the
 * convolutions (nn_conv2d / nn_convt2d) at CaloGAN's shapes. Built by
 * `make cuda` as bin/cuda/cuda-check; needs a GPU. Exit 0 when everything agrees, 1 on any
 * failure or when no GPU can be used.
 *
 * An element passes when |gpu - cpu| <= atol * scale + rtol * |cpu|, scale = max |cpu| over the
 * array (so a tolerance means the same for tiny and large gradients). Per-op tolerances:
 *   dense, elementwise, BCE              atol 1e-5  rtol 1e-4  (FP32 sums in another order)
 *   batch norm forward and backward      atol 1e-4  rtol 1e-3  (1/sigma amplifies rounding)
 *   Adam moments                         atol 1e-5  rtol 1e-4
 *   whole step 1: activations, grads     atol 1e-3  rtol 1e-2  (errors compound over layers)
 *   whole step, every step: losses       atol 1e-5  rtol 1e-3
 *   whole step: parameters               atol 2 lr t / scale (+1e-5): an Adam step moves a
 *       parameter by at most ~lr, and for a gradient at rounding level the sign of m/sqrt(v)
 *       may differ between devices, so 2 lr per step is the honest bound.
 * Every input comes from a fixed seed (printed), so a failure reproduces. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cuda/gcu.h"
#include "model/device.h"
#include "model/gan.h"
#include "model/net.h"
#include "model/nn.h"
#include "base/rng.h"
#include "base/util.h"

static int n_ok, n_fail;
static GcuCtx *ctx;

/* Compare n floats; prints one line per array. */
static void compare(const char *what, const float *gpu, const float *cpu, size_t n, double atol,
                    double rtol)
{
    double scale = 0, worst = 0;
    size_t bad = 0, first = 0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(cpu[i]));
    if (scale == 0) scale = 1;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)gpu[i] - cpu[i]), tol = atol * scale + rtol * fabs(cpu[i]);
        int fin_ok = !isfinite(gpu[i]) == !isfinite(cpu[i]);
        if (!(d <= tol) || !fin_ok) {
            if (!bad) first = i;
            bad++;
        }
        if (isfinite(d) && d / scale > worst) worst = d / scale;
    }
    if (bad) {
        n_fail++;
        printf("FAIL %-28s %zu/%zu elements out of tolerance; first [%zu] gpu %.9g cpu %.9g\n",
               what, bad, n, first, gpu[first], cpu[first]);
    } else {
        n_ok++;
        printf("ok   %-28s n=%-7zu max |err|/scale %.2e\n", what, n, worst);
    }
}

static void compare_d(const char *what, double gpu, double cpu, double atol, double rtol)
{
    int ok = fabs(gpu - cpu) <= atol + rtol * fabs(cpu);
    ok ? n_ok++ : n_fail++;
    printf("%s %-28s gpu %.9g cpu %.9g\n", ok ? "ok  " : "FAIL", what, gpu, cpu);
}

/* device copies of host arrays, and back */
static float *up(const float *h, size_t n)
{
    float *d = gcu_malloc(n * sizeof *d);
    gcu_upload(ctx, d, h, n * sizeof *d);
    return d;
}

static float *down(const float *d, size_t n)
{
    float *h = xmalloc((n ? n : 1) * sizeof *h);
    gcu_download(ctx, h, d, n * sizeof *h);
    return h;
}

static float *randn(Rng *r, size_t n, float s)
{
    float *x = xmalloc((n + 1) * sizeof *x);
    rng_normal_fill(r, x, n);
    for (size_t i = 0; i < n; i++) x[i] *= s;
    return x;
}

static void cmp_dev(const char *what, const float *dev, const float *cpu, size_t n, double atol,
                    double rtol)
{
    float *h = down(dev, n);
    compare(what, h, cpu, n, atol, rtol);
    free(h);
}

#define TOL_DENSE 1e-5, 1e-4
#define TOL_BN 1e-4, 1e-3

static void check_dense(Rng *r, int B, int nin, int nout)
{
    float *x = randn(r, (size_t)B * nin, 1), *W = randn(r, (size_t)nin * nout, 0.3f);
    float *b = randn(r, nout, 1), *dy = randn(r, (size_t)B * nout, 1);
    float *y = xmalloc((size_t)B * nout * 4), *dx = xmalloc((size_t)B * nin * 4);
    float *dW = xmalloc((size_t)nin * nout * 4), *db = xmalloc((size_t)nout * 4);
    float *gx = up(x, (size_t)B * nin), *gW = up(W, (size_t)nin * nout), *gb = up(b, nout);
    float *gdy = up(dy, (size_t)B * nout), *gy = gcu_malloc((size_t)B * nout * 4);
    float *gdx = gcu_malloc((size_t)B * nin * 4), *gdW = gcu_malloc((size_t)nin * nout * 4);
    float *gdb = gcu_malloc((size_t)nout * 4);
    char name[64];
    nn_dense_fwd(B, nin, nout, x, W, b, y);
    gcu_dense_fwd(ctx, B, nin, nout, gx, gW, gb, gy);
    snprintf(name, sizeof name, "dense_fwd %dx%d->%d", B, nin, nout);
    cmp_dev(name, gy, y, (size_t)B * nout, TOL_DENSE);
    nn_dense_fwd(B, nin, nout, x, W, NULL, y);
    gcu_dense_fwd(ctx, B, nin, nout, gx, gW, NULL, gy);
    snprintf(name, sizeof name, "dense_fwd nobias %dx%d", B, nin);
    cmp_dev(name, gy, y, (size_t)B * nout, TOL_DENSE);
    nn_dense_bwd(B, nin, nout, x, W, dy, dx, dW, db);
    gcu_dense_bwd(ctx, B, nin, nout, gx, gW, gdy, gdx, gdW, gdb);
    cmp_dev("dense_bwd dx", gdx, dx, (size_t)B * nin, TOL_DENSE);
    cmp_dev("dense_bwd dW", gdW, dW, (size_t)nin * nout, TOL_DENSE);
    cmp_dev("dense_bwd db", gdb, db, nout, TOL_DENSE);
    free(x), free(W), free(b), free(dy), free(y), free(dx), free(dW), free(db);
    gcu_free(gx), gcu_free(gW), gcu_free(gb), gcu_free(gdy), gcu_free(gy), gcu_free(gdx);
    gcu_free(gdW), gcu_free(gdb);
}

/* A convolution (tr 0) or transposed convolution (tr 1) forward and backward, bias and not. */
static void check_conv(Rng *r, int tr, NnConv g, int oph, int opw, int B)
{
    if ((tr ? nn_convt_geom(&g, oph, opw) : nn_conv_geom(&g)) != 0) die(EXIT_RUNTIME, "bad conv geometry");
    size_t nx = (size_t)B * g.cin * g.h * g.w, ny = (size_t)B * g.cout * g.oh * g.ow;
    size_t nw = (size_t)g.cout * g.cin * g.kh * g.kw, nk = (size_t)g.cout, nwork = nn_conv_work(&g);
    float *x = randn(r, nx, 1), *W = randn(r, nw, 0.3f), *b = randn(r, nk, 1), *dy = randn(r, ny, 1);
    float *y = xmalloc(ny * 4), *dx = xmalloc(nx * 4), *dW = xmalloc(nw * 4), *db = xmalloc(nk * 4);
    float *work = xmalloc(nwork * 4);
    float *gx = up(x, nx), *gW = up(W, nw), *gb = up(b, nk), *gdy = up(dy, ny);
    float *gy = gcu_malloc(ny * 4), *gdx = gcu_malloc(nx * 4), *gdW = gcu_malloc(nw * 4);
    float *gdb = gcu_malloc(nk * 4), *gwork = gcu_malloc(nwork * 4);
    char name[96];
    const char *k = tr ? "convt" : "conv";
    for (int bias = 1; bias >= 0; bias--) {
        (tr ? nn_convt2d_fwd : nn_conv2d_fwd)(&g, B, x, W, bias ? b : NULL, y, work);
        (tr ? gcu_convt2d_fwd : gcu_conv2d_fwd)(ctx, &g, B, gx, gW, bias ? gb : NULL, gy, gwork);
        snprintf(name, sizeof name, "%s_fwd%s %dx%dx%d->%d s%d", k, bias ? "" : " nobias", g.cin, g.h, g.w,
                 g.cout, g.sh);
        cmp_dev(name, gy, y, ny, TOL_DENSE);
    }
    (tr ? nn_convt2d_bwd : nn_conv2d_bwd)(&g, B, x, W, dy, dx, dW, db, work);
    (tr ? gcu_convt2d_bwd : gcu_conv2d_bwd)(ctx, &g, B, gx, gW, gdy, gdx, gdW, gdb, gwork);
    snprintf(name, sizeof name, "%s_bwd dx", k);
    cmp_dev(name, gdx, dx, nx, TOL_DENSE);
    snprintf(name, sizeof name, "%s_bwd dW", k);
    cmp_dev(name, gdW, dW, nw, TOL_DENSE);
    snprintf(name, sizeof name, "%s_bwd db", k);
    cmp_dev(name, gdb, db, nk, TOL_DENSE);
    free(x), free(W), free(b), free(dy), free(y), free(dx), free(dW), free(db), free(work);
    gcu_free(gx), gcu_free(gW), gcu_free(gb), gcu_free(gdy), gcu_free(gy), gcu_free(gdx);
    gcu_free(gdW), gcu_free(gdb), gcu_free(gwork);
}

static void check_bn(Rng *r, int B, int n)
{
    size_t N = (size_t)B * n;
    float *h = randn(r, N, 2), *gam = randn(r, n, 1), *bet = randn(r, n, 0.5f);
    for (int j = 0; j < n; j++) h[j] += 3.0f;   /* an outlier row */
    float *rm = randn(r, n, 0.1f), *rv = xmalloc((size_t)n * 4);
    for (int j = 0; j < n; j++) rv[j] = 1.0f + 0.5f * fabsf(rm[j]);
    float *xh = xmalloc(N * 4), *mean = xmalloc((size_t)n * 4), *inv = xmalloc((size_t)n * 4);
    float *gh = up(h, N), *ggam = up(gam, n), *gbet = up(bet, n), *grm = up(rm, n);
    float *grv = up(rv, n), *gxh = gcu_malloc(N * 4), *gmean = gcu_malloc((size_t)n * 4);
    float *ginv = gcu_malloc((size_t)n * 4);
    char name[64];

    float *hi = xmalloc(N * 4);   /* inference input: a copy of h before it is overwritten */
    memcpy(hi, h, N * 4);
    float *ghi = up(hi, N);
    nn_bn_act_infer_fwd(B, n, hi, gam, bet, rm, rv, NN_LEAKY_SLOPE);
    gcu_bn_act_infer_fwd(ctx, B, n, ghi, ggam, gbet, grm, grv, NN_LEAKY_SLOPE);
    snprintf(name, sizeof name, "bn_act_infer_fwd %dx%d", B, n);
    cmp_dev(name, ghi, hi, N, TOL_BN);

    nn_bn_act_train_fwd(B, n, h, gam, bet, NN_LEAKY_SLOPE, xh, mean, inv, rm, rv);
    gcu_bn_act_train_fwd(ctx, B, n, gh, ggam, gbet, NN_LEAKY_SLOPE, gxh, gmean, ginv, grm, grv);
    snprintf(name, sizeof name, "bn_act_train_fwd %dx%d", B, n);
    cmp_dev(name, gh, h, N, TOL_BN);
    cmp_dev("bn_act_train_fwd xhat", gxh, xh, N, TOL_BN);
    cmp_dev("bn_act_train_fwd mean", gmean, mean, n, TOL_BN);
    cmp_dev("bn_act_train_fwd invstd", ginv, inv, n, TOL_BN);
    cmp_dev("bn_act_train_fwd run_mean", grm, rm, n, TOL_BN);
    cmp_dev("bn_act_train_fwd run_var", grv, rv, n, TOL_BN);

    float *da = randn(r, N, 1), *dg = xmalloc((size_t)n * 4), *db = xmalloc((size_t)n * 4);
    float *gda = up(da, N), *gdg = gcu_malloc((size_t)n * 4), *gdb = gcu_malloc((size_t)n * 4);
    nn_bn_act_train_bwd(B, n, da, xh, gam, bet, inv, NN_LEAKY_SLOPE, dg, db);
    gcu_bn_act_train_bwd(ctx, B, n, gda, gxh, ggam, gbet, ginv, NN_LEAKY_SLOPE, gdg, gdb);
    snprintf(name, sizeof name, "bn_act_train_bwd dh %dx%d", B, n);
    cmp_dev(name, gda, da, N, TOL_BN);
    cmp_dev("bn_act_train_bwd dgamma", gdg, dg, n, TOL_BN);
    cmp_dev("bn_act_train_bwd dbeta", gdb, db, n, TOL_BN);

    free(h), free(gam), free(bet), free(rm), free(rv), free(xh), free(mean), free(inv), free(hi);
    free(da), free(dg), free(db);
    gcu_free(gh), gcu_free(ggam), gcu_free(gbet), gcu_free(grm), gcu_free(grv), gcu_free(gxh);
    gcu_free(gmean), gcu_free(ginv), gcu_free(ghi), gcu_free(gda), gcu_free(gdg), gcu_free(gdb);
}

static void check_elementwise(Rng *r, int64_t n)
{
    float *x = randn(r, (size_t)n, 2), *d = randn(r, (size_t)n, 1);
    float *gx = up(x, (size_t)n), *gd = up(d, (size_t)n);
    nn_leaky_fwd(n, x, NN_LEAKY_SLOPE);
    gcu_leaky_fwd(ctx, n, gx, NN_LEAKY_SLOPE);
    cmp_dev("leaky_fwd", gx, x, (size_t)n, TOL_DENSE);
    nn_leaky_bwd(n, x, d, NN_LEAKY_SLOPE);
    gcu_leaky_bwd(ctx, n, gx, gd, NN_LEAKY_SLOPE);
    cmp_dev("leaky_bwd", gd, d, (size_t)n, TOL_DENSE);
    nn_tanh_fwd(n, x);
    gcu_tanh_fwd(ctx, n, gx);
    cmp_dev("tanh_fwd", gx, x, (size_t)n, TOL_DENSE);
    nn_tanh_bwd(n, x, d);
    gcu_tanh_bwd(ctx, n, gx, gd);
    cmp_dev("tanh_bwd", gd, d, (size_t)n, TOL_DENSE);
    free(x), free(d), gcu_free(gx), gcu_free(gd);
}

static void check_bce(Rng *r, int B)
{
    float *z = randn(r, (size_t)B, 3), *dz = xmalloc((size_t)B * 4);
    z[0] = 60.0f, z[1 % B] = -60.0f;   /* saturated logits must stay finite */
    float *gz = up(z, (size_t)B), *gdz = gcu_malloc((size_t)B * 4);
    double *gl = gcu_malloc(sizeof(double)), l_gpu;
    for (int t = 0; t <= 1; t++) {
        double l = nn_bce_logits(B, z, (float)t, dz);
        gcu_upload(ctx, gl, &(double){0}, sizeof(double));
        gcu_bce_logits(ctx, B, gz, (float)t, NULL, gdz, gl);
        gcu_download(ctx, &l_gpu, gl, sizeof l_gpu);
        compare_d(t ? "bce_logits loss (t=1)" : "bce_logits loss (t=0)", l_gpu, l, 1e-9, 1e-6);
        cmp_dev(t ? "bce_logits dz (t=1)" : "bce_logits dz (t=0)", gdz, dz, (size_t)B, TOL_DENSE);
    }
    /* gan-train --weights: the real term with a weight per row (some zero) */
    float *w = xmalloc((size_t)B * 4);
    for (int i = 0; i < B; i++) w[i] = (float)(i % 3) * 0.75f;
    float *gw = up(w, (size_t)B);
    double l = nn_bce_logits_w(B, z, 1.0f, w, dz);
    gcu_upload(ctx, gl, &(double){0}, sizeof(double));
    gcu_bce_logits(ctx, B, gz, 1.0f, gw, gdz, gl);
    gcu_download(ctx, &l_gpu, gl, sizeof l_gpu);
    compare_d("bce_logits weighted loss", l_gpu, l, 1e-9, 1e-6);
    cmp_dev("bce_logits weighted dz", gdz, dz, (size_t)B, TOL_DENSE);
    free(w), gcu_free(gw);
    free(z), free(dz), gcu_free(gz), gcu_free(gdz), gcu_free(gl);
}

static void check_adam(Rng *r, int64_t n)
{
    float *p = randn(r, (size_t)n, 1), *g = randn(r, (size_t)n, 1e-2f);
    float *m = randn(r, (size_t)n, 1e-3f), *v = xmalloc((size_t)n * 4);
    for (int64_t i = 0; i < n; i++) v[i] = 1e-5f * (float)(i % 7 + 1);
    float *gp = up(p, (size_t)n), *gg = up(g, (size_t)n), *gm = up(m, (size_t)n);
    float *gv = up(v, (size_t)n);
    long *gt = gcu_malloc(sizeof(long)), t = 0;
    for (int s = 0; s < 3; s++) {
        nn_adam_step(n, p, g, m, v, 1e-3f, NN_ADAM_BETA1, NN_ADAM_BETA2, NN_ADAM_EPS, ++t);
        gcu_counter_inc(ctx, gt);
        gcu_adam_step(ctx, n, gp, gg, gm, gv, 1e-3f, NN_ADAM_BETA1, NN_ADAM_BETA2, NN_ADAM_EPS,
                      gt);
    }
    cmp_dev("adam p (3 steps)", gp, p, (size_t)n, 1e-6, 1e-5);
    cmp_dev("adam m", gm, m, (size_t)n, TOL_DENSE);
    cmp_dev("adam v", gv, v, (size_t)n, TOL_DENSE);
    free(p), free(g), free(m), free(v);
    gcu_free(gp), gcu_free(gg), gcu_free(gm), gcu_free(gv), gcu_free(gt);
}

/* Philox noise: moments of a large draw, and a fresh draw after the counter moves. */
static void check_noise(void)
{
    const int64_t n = 1 << 20;
    float *gx = gcu_malloc((size_t)n * 4);
    long *gs = gcu_malloc(sizeof(long));
    gcu_normal_fill(ctx, gx, n, 42, gs);
    float *a = down(gx, (size_t)n);
    gcu_counter_inc(ctx, gs);
    gcu_normal_fill(ctx, gx, n, 42, gs);
    float *b = down(gx, (size_t)n);
    double s = 0, s2 = 0;
    int64_t same = 0;
    for (int64_t i = 0; i < n; i++) s += a[i], s2 += (double)a[i] * a[i], same += a[i] == b[i];
    compare_d("normal_fill mean", s / n, 0.0, 0.005, 0);
    compare_d("normal_fill variance", s2 / n, 1.0, 0.01, 0);
    compare_d("normal_fill fresh per step", (double)same, 0.0, 0.5, 0);
    free(a), free(b), gcu_free(gx), gcu_free(gs);
}

/* The first `cols` columns of each of `rows` rows (row stride `stride`) of a device array
 * against the CPU's: the discriminator's input gradient is wanted for the generated columns
 * only, which is all the CPU fills (nn_dense_dx_lead); the device fills every column. */
static void cmp_dev_cols(const char *what, const float *dev, const float *cpu, int rows,
                         int stride, int cols)
{
    float *h = down(dev, (size_t)rows * stride);
    float *a = xmalloc(((size_t)rows * cols + 1) * sizeof *a);
    float *b = xmalloc(((size_t)rows * cols + 1) * sizeof *b);
    for (int r = 0; r < rows; r++)
        for (int j = 0; j < cols; j++)
            a[(size_t)r * cols + j] = h[(size_t)r * stride + j],
            b[(size_t)r * cols + j] = cpu[(size_t)r * stride + j];
    compare(what, a, b, (size_t)rows * cols, 1e-3, 1e-2);
    free(h), free(a), free(b);
}

/* Activations, gradients and optimizer state after the first step, layer by layer (later steps
 * are compared through their losses and the parameters: see the Adam bound in the header).
 * The study's lists (gan.h): layers 0-2 and 3-5 dense, batch norm, LeakyReLU, so act[1] and
 * act[4] are the two hidden activations, xhat[1] and xhat[4] their normalised values. */
static void compare_step_state(const Gan *g, const GcuGan *d)
{
    const double ta = 1e-3, tr = 1e-2;
    const int B = g->batch, gw = g->G.lay.L[0].nout, dw = g->D.lay.L[0].nout, no = g->nout;
    const int nc = g->ncond, nG = g->G.lay.n;
    const size_t ng = (size_t)g->G.lay.nparams, nd = (size_t)g->D.lay.nparams;
    cmp_dev("G h1 (post-activation)", d->cG.act[1], g->cG.act[1], (size_t)B * gw, ta, tr);
    cmp_dev("G xhat1", d->cG.xhat[1], g->cG.xhat[1], (size_t)B * gw, ta, tr);
    cmp_dev("G h2", d->cG.act[4], g->cG.act[4], (size_t)B * gw, ta, tr);
    cmp_dev("G xhat2", d->cG.xhat[4], g->cG.xhat[4], (size_t)B * gw, ta, tr);
    cmp_dev("G out (tanh)", d->cG.act[nG], g->cG.act[nG], (size_t)B * no, ta, tr);
    cmp_dev("G da1 (input-side grad)", d->cG.grad[1], g->cG.grad[1], (size_t)B * gw, ta, tr);
    cmp_dev("G da2", d->cG.grad[4], g->cG.grad[4], (size_t)B * gw, ta, tr);
    cmp_dev("D h1 (G step)", d->cD.act[1], g->cD.act[1], (size_t)B * dw, ta, tr);
    cmp_dev("D h2 (G step)", d->cD.act[4], g->cD.act[4], (size_t)B * dw, ta, tr);
    cmp_dev_cols("D dx (G step)", d->cD.grad[0], g->cD.grad[0], B, no + nc, no);
    cmp_dev("dfake", d->dfake, g->dfake, (size_t)B * no, ta, tr);
    cmp_dev("G grad (all params)", d->gG, g->gG, ng, ta, tr);
    cmp_dev("D grad (all params)", d->gD, g->gD, nd, ta, tr);
    cmp_dev("G Adam m", d->mG, g->mG, ng, ta, tr);
    cmp_dev("D Adam m", d->mD, g->mD, nd, ta, tr);
    cmp_dev("G running stats", d->G.st, g->G.st, (size_t)g->G.lay.nstate, ta, tr);
}

/* A list that is not the study's (a biased first layer, LeakyReLU alone, batch norm alone,
 * tanh inside): the device walker against the CPU's, forward, backward and inference. */
static void walk_list(Rng *r, const NetLayout *list, const char *what);

static void check_net_walk(Rng *r)
{
    NetLayout lay;
    net_begin(&lay, 5);
    net_dense(&lay, 9, 1);
    net_leaky(&lay, 0.2f);
    net_dense(&lay, 7, 0);
    net_batchnorm(&lay);
    net_tanh(&lay);
    net_dense(&lay, 3, 1);
    net_batchnorm(&lay);
    net_leaky(&lay, 0.1f);
    walk_list(r, &lay, "walk");
    /* the convolution kinds (issue 19): a convolution first, batch norm + LeakyReLU on its
     * planes, a transposed one, dense */
    net_begin(&lay, 2 * 6 * 6);
    net_conv(&lay, (NnConv){2, 6, 6, 4, 3, 3, 1, 1, 1, 1, 0, 0}, 0, 0, 0);
    net_batchnorm(&lay);
    net_leaky(&lay, 0.2f);
    net_conv(&lay, (NnConv){4, 6, 6, 3, 4, 4, 2, 2, 1, 1, 0, 0}, 0, 0, 0);
    net_tanh(&lay);
    net_conv(&lay, (NnConv){3, 3, 3, 2, 3, 3, 2, 2, 1, 1, 0, 0}, 1, 1, 1);
    net_dense(&lay, 3, 1);
    walk_list(r, &lay, "conv walk");
}

static void walk_list(Rng *r, const NetLayout *list, const char *what)
{
    enum { B = 29, G = 2 };
    NetLayout lay = *list;
    char name[64];
    Net h;
    net_init(&h, &lay);
    net_glorot(&h, r);
    for (int64_t i = 0; i < h.lay.nparams; i++) h.p[i] += 0.05f * (float)rng_normal(r);
    GcuNet d;
    gcu_net_init(&d, &lay);
    gcu_net_upload(ctx, &d, &h);
    NetCache hc;
    GcuCache dc;
    net_cache_init(&hc, &h, G * B, G);
    gcu_cache_init(&dc, &d, G * B, G);
    const int n = h.lay.n, nin = h.lay.nin, no = h.lay.nout;
    float *x = randn(r, (size_t)G * B * nin, 1), *dy = randn(r, (size_t)G * B * no, 1);
    memcpy(hc.act[0], x, (size_t)G * B * nin * sizeof *x);
    gcu_upload(ctx, dc.act[0], x, (size_t)G * B * nin * sizeof *x);
    net_fwd_train(&h, &hc, B, G, 1);
    gcu_net_fwd_train(ctx, &d, &dc, B, G, 1);
    snprintf(name, sizeof name, "%s fwd out", what);
    cmp_dev(name, dc.act[n], hc.act[n], (size_t)G * B * no, TOL_BN);
    snprintf(name, sizeof name, "%s running stats", what);
    cmp_dev(name, d.st, h.st, (size_t)h.lay.nstate, TOL_BN);
    float *hg = xcalloc((size_t)h.lay.nparams, sizeof *hg), *dg = gcu_malloc(h.lay.nparams * 4);
    float *ddy = up(dy, (size_t)G * B * no);
    net_bwd(&h, &hc, B, G, dy, hg, nin);
    gcu_net_bwd(ctx, &d, &dc, B, G, ddy, dg, nin);
    snprintf(name, sizeof name, "%s param grads", what);
    cmp_dev(name, dg, hg, (size_t)h.lay.nparams, TOL_BN);
    snprintf(name, sizeof name, "%s input grad", what);
    cmp_dev(name, dc.grad[0], hc.grad[0], (size_t)G * B * nin, TOL_BN);
    float *work = xmalloc((size_t)net_infer_floats(&lay, B) * 4), *out = xmalloc((size_t)B * no * 4);
    float *dwork = gcu_malloc((size_t)net_infer_floats(&lay, B) * 4), *dout = gcu_malloc((size_t)B * no * 4);
    net_fwd_infer(&h, B, x, work, out);
    gcu_net_fwd_infer(ctx, &d, B, dc.act[0], dwork, dout);
    snprintf(name, sizeof name, "%s inference", what);
    cmp_dev(name, dout, out, (size_t)B * no, TOL_BN);
    free(x), free(dy), free(hg), free(work), free(out);
    gcu_free(dg), gcu_free(ddy), gcu_free(dwork), gcu_free(dout);
    net_cache_free(&hc), gcu_cache_free(&dc), net_free(&h), gcu_net_free(&d);
}

/* The whole gan_step against gcu_gan_step from the same weights, batch and noise. */
static void check_step(int nc, int nz, int no, int gw, int dw, int B, int steps)
{
    Rng r, init;
    rng_seed2(&r, 7, 1);
    rng_seed2(&init, 7, 2);
    const float lr = 1e-3f;
    Gan g;
    GcuGan d;
    GanConfig cfg = {.ncond = nc, .nnoise = nz, .nout = no, .gen_width = gw, .disc_width = dw,
                     .batch = B, .lr_g = lr, .lr_d = lr};
    gan_init(&g, &cfg, &init);
    gcu_gan_init(ctx, &d, &cfg);
    gcu_net_upload(ctx, &d.G, &g.G);
    gcu_net_upload(ctx, &d.D, &g.D);
    float *x = randn(&r, (size_t)B * no, 0.5f), *c = randn(&r, (size_t)B * nc, 0.5f);
    float *z = randn(&r, (size_t)B * nz, 1);
    float *gx = up(x, (size_t)B * no), *gc = up(c, (size_t)B * nc), *gz = up(z, (size_t)B * nz);
    double *gl = gcu_malloc(2 * sizeof(double)), l[2];
    printf("-- whole step: cond %d noise %d out %d gen %d disc %d batch %d, %d steps\n", nc, nz,
           no, gw, dw, B, steps);
    for (int s = 1; s <= steps; s++) {
        double dl, gloss;
        gan_step(&g, B, x, c, z, &dl, &gloss);
        gcu_upload(ctx, gl, (double[2]){0, 0}, sizeof l);
        gcu_gan_step(ctx, &d, B, gx, gc, gz, NULL, gl, gl + 1);
        gcu_download(ctx, l, gl, sizeof l);
        char name[64];
        snprintf(name, sizeof name, "step %d d_loss", s);
        compare_d(name, l[0], dl, 1e-5, 1e-3);
        snprintf(name, sizeof name, "step %d g_loss", s);
        compare_d(name, l[1], gloss, 1e-5, 1e-3);
        if (s == 1) compare_step_state(&g, &d);
    }
    const size_t ng = (size_t)g.G.lay.nparams, nd = (size_t)g.D.lay.nparams;
    /* parameters: see the header for the Adam bound */
    float *pG = down(d.G.p, ng), *pD = down(d.D.p, nd);
    double sG = 0, sD = 0;
    for (size_t i = 0; i < ng; i++) sG = fmax(sG, fabs(g.G.p[i]));
    for (size_t i = 0; i < nd; i++) sD = fmax(sD, fabs(g.D.p[i]));
    compare("G params", pG, g.G.p, ng, (1e-5 + 2.0 * lr * steps) / sG, 1e-4);
    compare("D params", pD, g.D.p, nd, (1e-5 + 2.0 * lr * steps) / sD, 1e-4);
    long t[2];
    gcu_download(ctx, t, d.tG, sizeof t);
    compare_d("Adam step counters", (double)(t[0] + t[1]), (double)(g.tG + g.tD), 0, 0);
    free(pG), free(pD), free(x), free(c), free(z);
    gcu_free(gx), gcu_free(gc), gcu_free(gz), gcu_free(gl);
    gan_free(&g);
    gcu_gan_free(&d);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The graph-captured trainer: W1 scoring against the CPU scoring of the same generator, the
 * generator moves, and a second trainer with the same seed reproduces the first bit for bit. */
static void check_trainer(void)
{
    enum { NC = 2, NZ = 3, NO = 3, GW = 32, DW = 48, BATCH = 64 };
    const size_t ntr = 64 * 20 + 17, nva = 1000;   /* a short last batch of 17 rows */
    Rng r, init;
    rng_seed2(&r, 11, 1);
    rng_seed2(&init, 11, 2);
    float *X = randn(&r, ntr * NO, 0.4f), *C = randn(&r, ntr * NC, 0.4f);
    float *vin = randn(&r, nva * (NC + NZ), 1), *Xva = randn(&r, nva * NO, 0.4f);
    double *vs = xmalloc(nva * NO * sizeof *vs);
    for (int j = 0; j < NO; j++) {
        for (size_t i = 0; i < nva; i++) vs[j * nva + i] = Xva[i * NO + j];
        qsort(vs + j * nva, nva, sizeof *vs, cmp_double);
    }
    Gan g;
    GanConfig cfg = {.ncond = NC, .nnoise = NZ, .nout = NO, .gen_width = GW, .disc_width = DW,
                     .batch = BATCH, .lr_g = 1e-3, .lr_d = 1e-3};
    gan_init(&g, &cfg, &init);
    const GcuTrainData data = {.G = &g.G, .D = &g.D, .Xtr = X, .Ctr = C, .ntr = ntr,
                               .vin = vin, .vsorted = vs, .nva = nva, .noise_seed = 5};
    GcuTrainer *t1 = gcu_trainer_create(&cfg, &data);
    GcuTrainer *t2 = gcu_trainer_create(&cfg, &data);
    uint32_t *perm = xmalloc(ntr * sizeof *perm);
    for (size_t i = 0; i < ntr; i++) perm[i] = (uint32_t)i;
    double ds1 = 0, gs1 = 0, ds2 = 0, gs2 = 0, wd1[NO], wd2[NO];
    long nb1 = 0, nb2 = 0;
    for (int ep = 0; ep < 2; ep++) {
        rng_shuffle_u32(&r, perm, ntr);
        gcu_trainer_epoch(t1, perm, &ds1, &gs1, &nb1, wd1);
        gcu_trainer_epoch(t2, perm, &ds2, &gs2, &nb2, wd2);
    }
    compare_d("trainer batches per epoch", (double)nb1, 21.0, 0, 0);
    compare_d("trainer losses finite", isfinite(ds1) && isfinite(gs1), 1, 0, 0);
    compare_d("trainer reproducible d_loss", ds2, ds1, 0, 0);
    compare_d("trainer reproducible W1", wd2[0] + wd2[1] + wd2[2], wd1[0] + wd1[1] + wd1[2], 0,
              0);
    /* the device's W1 of its generator == the CPU's W1 of the same generator */
    Net G;
    net_init(&G, &g.G.lay);
    gcu_trainer_get_generator(t1, &G);
    double moved = 0;
    for (int64_t i = 0; i < G.lay.nparams; i++) moved = fmax(moved, fabs(G.p[i] - g.G.p[i]));
    compare_d("trainer generator moved", moved > 1e-4, 1, 0, 0);
    float *work = xmalloc((size_t)net_infer_floats(&G.lay, (int)nva) * 4);
    float *out = xmalloc(nva * NO * 4);
    net_fwd_infer(&G, (int)nva, vin, work, out);   /* tanh included */
    double *col = xmalloc(nva * sizeof *col);
    for (int j = 0; j < NO; j++) {
        for (size_t i = 0; i < nva; i++) col[i] = out[i * NO + j];
        qsort(col, nva, sizeof *col, cmp_double);
        double s = 0;
        for (size_t i = 0; i < nva; i++) s += fabs(col[i] - vs[j * nva + i]);
        char name[64];
        snprintf(name, sizeof name, "trainer W1 column %d", j);
        compare_d(name, wd1[j], s / nva, 1e-6, 1e-4);
    }
    /* gan-sample's path: the sampler's output == the CPU inference of the same generator */
    GcuSampler *smp = gcu_sampler_create(&G, 384);
    float *sout = xmalloc(nva * NO * 4);
    gcu_sampler_run(smp, (int)nva, vin, sout);
    compare("sampler output (3 chunks)", sout, out, nva * NO, TOL_DENSE);
    gcu_sampler_destroy(smp);
    gcu_trainer_destroy(t1);
    gcu_trainer_destroy(t2);
    net_free(&G);
    gan_free(&g);
    free(X), free(C), free(vin), free(Xva), free(vs), free(perm), free(work), free(out);
    free(col), free(sout);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    if (argc > 1) {
        if (strcmp(argv[1], "--help") == 0) {
            puts("usage: cuda-check\nCompares every CUDA layer of gan-train with its CPU twin; "
                 "exit 0 if all agree, 1 otherwise or without a GPU.");
            return EXIT_OK;
        }
        die(EXIT_USAGE, "unexpected argument '%s'", argv[1]);
    }
    char why[256], desc[256];
    if (device_cuda_probe(why, sizeof why) != 0) die(EXIT_RUNTIME, "no usable CUDA GPU: %s", why);
    gcu_device_desc(desc, sizeof desc);
    printf("device: %s; seeds fixed (7, 11, 12345)\n", desc);
    ctx = gcu_ctx_create();
    Rng r;
    rng_seed(&r, 12345);
    /* odd sizes (not multiples of the 32-column tiles or 16 row slices) and the study's */
    check_dense(&r, 37, 13, 45);
    check_dense(&r, 642, 65, 243);
    /* CaloGAN's shapes: 12x12 same-padded, the 3x96 strips strided, a 2x transposed upsampling
     * and an odd one with output padding (cin h w cout kh kw sh sw ph pw) */
    check_conv(&r, 0, (NnConv){5, 12, 12, 16, 3, 3, 1, 1, 1, 1, 0, 0}, 0, 0, 7);
    check_conv(&r, 0, (NnConv){3, 3, 96, 8, 3, 4, 1, 4, 1, 0, 0, 0}, 0, 0, 5);
    check_conv(&r, 1, (NnConv){16, 6, 6, 8, 4, 4, 2, 2, 1, 1, 0, 0}, 0, 0, 5);
    check_conv(&r, 1, (NnConv){3, 5, 4, 2, 3, 2, 2, 3, 1, 0, 0, 0}, 1, 2, 3);
    check_bn(&r, 37, 45);
    check_bn(&r, 642, 243);
    check_bn(&r, 2, 5);
    check_elementwise(&r, 12345);
    check_bce(&r, 37);
    check_bce(&r, 1031);
    check_adam(&r, 10007);
    check_noise();
    check_net_walk(&r);
    check_step(2, 3, 3, 24, 40, 37, 3);
    check_step(0, 8, 2, 64, 64, 256, 2);
    check_trainer();
    gcu_ctx_destroy(ctx);
    printf("cuda-check: %d passed, %d failed\n", n_ok, n_fail);
    return n_fail ? EXIT_RUNTIME : EXIT_OK;
}
