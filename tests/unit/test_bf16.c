/* test_bf16.c — --precision bf16 against its float32 twins: rounding to bfloat16; each bf16
 * dense GEMM (forward, input and weight gradient) within the bfloat16 bound and equal to the
 * product of the rounded operands; the batch-norm, first-block, inference and Adam passes
 * computing bit for bit what their float32 twins do while writing the rounded copy; a whole
 * gan_step and an inference pass close to float32; no GEMM primitive made inside a step.
 *
 * Tolerance of a bf16 dot product of length K: each operand is rounded with relative error at
 * most 2^-8 (8 significant bits, half an ulp), so each product is off by at most about 2^-7 of
 * its magnitude, and the sum by at most 2^-7 sum_k |x_k w_k| (<= 2^-7 K max|term|), plus
 * float32 accumulation. Where bf16 cannot
 * run (no oneDNN, no bfloat16 ISA) only the rounding checks run, and the rest is reported
 * skipped. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "base/rng.h"
#include "model/bf16.h"
#include "model/gan.h"
#include "model/net.h"
#include "model/nn.h"

static Rng rng;

static float *rnd(size_t n, float scale)
{
    float *v = malloc(n * sizeof *v + 4);
    for (size_t i = 0; i < n; i++) v[i] = scale * (float)rng_normal(&rng);
    return v;
}

static uint16_t *rounded(const float *x, size_t n)
{
    uint16_t *h = malloc(n * sizeof *h + 2);
    bf16_from_f32((int64_t)n, x, h);
    return h;
}

static void check_rounding(void)
{
    CHECK(bf16_round(1.0f) == 0x3f80, "1.0");
    CHECK(bf16_round(-2.0f) == 0xc000, "-2.0");
    /* halfway cases go to even: 1 + 2^-8 (tie, even below) and 1 + 3 2^-8 (tie, even above) */
    CHECK(bf16_round(1.0f + 0x1p-8f) == 0x3f80, "tie to even, down");
    CHECK(bf16_round(1.0f + 3 * 0x1p-8f) == 0x3f82, "tie to even, up");
    CHECK(bf16_round(1.0f + 0x1p-8f + 0x1p-20f) == 0x3f81, "above the tie rounds up");
    CHECK(bf16_round(INFINITY) == 0x7f80 && bf16_round(-INFINITY) == 0xff80, "infinities");
    CHECK(isnan(bf16_float(bf16_round(NAN))), "NaN stays NaN");
    CHECK(bf16_round(3.4e38f) == 0x7f80, "past the largest bf16: infinity");
    float *x = rnd(1001, 3);
    uint16_t *h = rounded(x, 1001);
    int same = 1;
    double worst = 0;
    for (int i = 0; i < 1001; i++) {
        same &= h[i] == bf16_round(x[i]);
        double e = fabs(bf16_float(h[i]) - x[i]) / fabs(x[i]);
        if (e > worst) worst = e;
    }
    CHECK(same, "bf16_from_f32 equals bf16_round element by element");
    CHECK(worst <= 0x1p-8, "relative rounding error %g <= 2^-8", worst);
    free(x), free(h);
}

/* C = op(A) op(B) against (1) the float32 product within 2^-7 sum|terms| and (2) the exact
 * product of the rounded operands within float32 accumulation (K 2^-23 sum|terms|); op(A) is
 * [M x K], stored transposed when ta, op(B) [K x N], stored transposed when tb */
static void check_product(const char *what, int M, int N, int K, const float *C,
                          const float *A, int ta, const float *B, int tb, const float *bias)
{
    double worst_ref = 0, worst_exact = 0;
    int differs = 0;
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            double ref = bias ? bias[j] : 0, ex = ref, mag = 0;
            for (int k = 0; k < K; k++) {
                float a = ta ? A[(size_t)k * M + i] : A[(size_t)i * K + k];
                float b = tb ? B[(size_t)j * K + k] : B[(size_t)k * N + j];
                ref += (double)a * b;
                ex += (double)bf16_float(bf16_round(a)) * bf16_float(bf16_round(b));
                mag += fabs((double)a * b);
            }
            double c = C[(size_t)i * N + j];
            double er = fabs(c - ref) / (0x1p-7 * mag + 1e-30);
            double ee = fabs(c - ex) / (K * 0x1p-23 * mag + 1e-30);
            if (er > worst_ref) worst_ref = er;
            if (ee > worst_exact) worst_exact = ee;
            differs |= c != (float)ref;
        }
    CHECK(worst_ref <= 1.0, "%s: error against float32 %.3g of the 2^-7 sum|terms| bound", what,
          worst_ref);
    CHECK(worst_exact <= 1.0, "%s: error against the rounded operands' product %.3g of K 2^-23 "
          "sum|terms|", what, worst_exact);
    CHECK(differs, "%s: differs from float32 somewhere (the bf16 path ran)", what);
}

static void check_dense(Bf16Ctx *ctx, int B, int nin, int nout, int bias)
{
    char what[80];
    float *x = rnd((size_t)B * nin, 1), *W = rnd((size_t)nin * nout, 0.3f);
    float *b = bias ? rnd(nout, 1) : NULL, *dy = rnd((size_t)B * nout, 1);
    uint16_t *xb = rounded(x, (size_t)B * nin), *Wb = rounded(W, (size_t)nin * nout);
    uint16_t *dyb = rounded(dy, (size_t)B * nout);
    float *y = malloc((size_t)B * nout * 4), *dx = malloc((size_t)B * nin * 4);
    float *dW = malloc((size_t)nin * nout * 4), *db = malloc(nout * 4), *db32 = malloc(nout * 4);
    bf16_gemm_prepare(ctx, B, nout, nin, 0, 0, bias);
    nn_dense_fwd_bf16(ctx, B, nin, nout, xb, Wb, b, y);
    snprintf(what, sizeof what, "dense %dx%d->%d%s forward", B, nin, nout, bias ? " +bias" : "");
    check_product(what, B, nout, nin, y, x, 0, W, 0, b);
    nn_dense_bwd_bf16(ctx, B, nin, nout, xb, Wb, dyb, dy, dx, dW, db);
    snprintf(what, sizeof what, "dense %dx%d->%d dx = dy W^T", B, nin, nout);
    check_product(what, B, nin, nout, dx, dy, 0, W, 1, NULL);
    snprintf(what, sizeof what, "dense %dx%d->%d dW = x^T dy", B, nin, nout);
    check_product(what, nin, nout, B, dW, x, 1, dy, 0, NULL);
    nn_dense_bwd(B, nin, nout, x, W, dy, NULL, NULL, db32);
    CHECK(memcmp(db, db32, nout * 4) == 0, "dense db: the float32 column sums");
    free(x), free(W), free(b), free(dy), free(xb), free(Wb), free(dyb), free(y), free(dx);
    free(dW), free(db), free(db32);
}

static int copy_is_rounded(const uint16_t *h, const float *x, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (h[i] != bf16_round(x[i])) return 0;
    return 1;
}

/* the _bf16 passes: the float32 twin's results bit for bit, plus the rounded copy */
static void check_passes(void)
{
    enum { B = 13, N = 37, NIN = 5 };
    const size_t BN = (size_t)B * N;
    float *h0 = rnd(BN, 2), *g = rnd(N, 0.3f), *be = rnd(N, 0.3f);
    for (int j = 0; j < N; j++) g[j] += 1;
    float *h1 = malloc(BN * 4), *h2 = malloc(BN * 4), *x1 = malloc(BN * 4), *x2 = malloc(BN * 4);
    float m1[N], m2[N], i1[N], i2[N], rm1[N], rm2[N], rv1[N], rv2[N];
    uint16_t *hb = malloc(BN * 2);
    for (int j = 0; j < N; j++) rm1[j] = rm2[j] = 0.1f * j, rv1[j] = rv2[j] = 1 + 0.01f * j;
    memcpy(h1, h0, BN * 4), memcpy(h2, h0, BN * 4);
    nn_bn_act_train_fwd(B, N, h1, g, be, NN_LEAKY_SLOPE, x1, m1, i1, rm1, rv1);
    nn_bn_act_train_fwd_bf16(B, N, h2, g, be, NN_LEAKY_SLOPE, x2, m2, i2, rm2, rv2, hb);
    CHECK(!memcmp(h1, h2, BN * 4) && !memcmp(x1, x2, BN * 4) && !memcmp(i1, i2, sizeof i1) &&
          !memcmp(rm1, rm2, sizeof rm1) && !memcmp(rv1, rv2, sizeof rv1),
          "batch norm forward: float32 results unchanged");
    CHECK(copy_is_rounded(hb, h2, BN), "batch norm forward: bf16 copy of the output");

    float *d1 = rnd(BN, 1), *d2 = malloc(BN * 4), dg1[N], dg2[N], db1[N], db2[N];
    memcpy(d2, d1, BN * 4);
    nn_bn_act_train_bwd(B, N, d1, x1, g, be, i1, NN_LEAKY_SLOPE, dg1, db1);
    nn_bn_act_train_bwd_bf16(B, N, d2, x1, g, be, i1, NN_LEAKY_SLOPE, dg2, db2, hb);
    CHECK(!memcmp(d1, d2, BN * 4) && !memcmp(dg1, dg2, sizeof dg1) && !memcmp(db1, db2, sizeof db1),
          "batch norm backward: float32 results unchanged");
    CHECK(copy_is_rounded(hb, d2, BN), "batch norm backward: bf16 copy of the input gradient");

    float *x = rnd((size_t)B * NIN, 1), *W = rnd((size_t)NIN * N, 0.5f);
    float xm1[NIN + NIN * NIN], xm2[NIN + NIN * NIN];
    nn_dense_bn_act_fwd(B, NIN, N, x, W, g, be, NN_LEAKY_SLOPE, h1, x1, xm1, i1, NULL, NULL);
    nn_dense_bn_act_fwd_bf16(B, NIN, N, x, W, g, be, NN_LEAKY_SLOPE, h2, x2, xm2, i2, NULL, NULL,
                             hb);
    CHECK(!memcmp(h1, h2, BN * 4) && !memcmp(x1, x2, BN * 4) && !memcmp(xm1, xm2, sizeof xm1),
          "first block forward: float32 results unchanged");
    CHECK(copy_is_rounded(hb, h2, BN), "first block forward: bf16 copy of the output");

    memcpy(h1, h0, BN * 4), memcpy(h2, h0, BN * 4);
    nn_bn_act_infer_fwd(B, N, h1, g, be, rm1, rv1, NN_LEAKY_SLOPE);
    nn_bn_act_infer_fwd_bf16(B, N, h2, g, be, rm1, rv1, NN_LEAKY_SLOPE, hb);
    CHECK(!memcmp(h1, h2, BN * 4), "inference batch norm: float32 results unchanged");
    CHECK(copy_is_rounded(hb, h2, BN), "inference batch norm: bf16 copy");

    float *p1 = rnd(BN, 1), *p2 = malloc(BN * 4), *gr = rnd(BN, 1);
    float *mo = calloc(BN, 4), *vo = calloc(BN, 4), *mo2 = calloc(BN, 4), *vo2 = calloc(BN, 4);
    memcpy(p2, p1, BN * 4);
    nn_adam_step(BN, p1, gr, mo, vo, 1e-3f, NN_ADAM_BETA1, NN_ADAM_BETA2, NN_ADAM_EPS, 1);
    nn_adam_step_bf16(BN, p2, gr, mo2, vo2, 1e-3f, NN_ADAM_BETA1, NN_ADAM_BETA2, NN_ADAM_EPS, 1,
                      hb);
    CHECK(!memcmp(p1, p2, BN * 4) && !memcmp(mo, mo2, BN * 4) && !memcmp(vo, vo2, BN * 4),
          "Adam: float32 master weights and moments unchanged");
    CHECK(copy_is_rounded(hb, p2, BN), "Adam: bf16 copy of the updated parameters");
    free(h0), free(g), free(be), free(h1), free(h2), free(x1), free(x2), free(hb), free(d1);
    free(d2), free(x), free(W), free(p1), free(p2), free(gr), free(mo), free(vo), free(mo2);
    free(vo2);
}

static double rel(const float *a, const float *b, size_t n)
{
    double d = 0, nb = 0;
    for (size_t i = 0; i < n; i++) d += ((double)a[i] - b[i]) * ((double)a[i] - b[i]), nb += (double)b[i] * b[i];
    return sqrt(d) / fmax(sqrt(nb), 1e-30);
}

/* one gan_step from the same start in fp32 and bf16: gradients and losses close; a shorter
 * batch prepared by gan_prepare_rows; no primitive made inside the steps. The learning rates
 * are tiny so that D's update does not move the generator's gradient: Adam's first step moves
 * every weight by lr times the sign of its gradient, and the signs of the smallest gradients
 * differ between the precisions. */
static void check_step(int nnoise, int w)
{
    enum { BATCH = 64, NC = 3, NO = 2 };
    GanConfig cfg = {.ncond = NC, .nnoise = nnoise, .nout = NO, .gen_width = w, .disc_width = w,
                     .batch = BATCH, .lr_g = 1e-9, .lr_d = 1e-9, .threads = 1};
    Gan a, b, q;
    Rng i1, i2, i3;
    rng_seed(&i1, 3), rng_seed(&i2, 3), rng_seed(&i3, 3);
    gan_init(&a, &cfg, &i1);
    gan_init(&q, &cfg, &i3);
    cfg.precision = PREC_BF16;
    gan_init(&b, &cfg, &i2);
    /* q: float32 with every weight moved by 2^-8 of itself, up or down at random (the size
     * of a bf16 rounding): how far this step's gradients move under such a change alone */
    for (int64_t i = 0; i < q.D.lay.nparams; i++)
        q.D.p[i] *= 1 + (rng_uniform(&rng) < 0.5 ? -0x1p-8f : 0x1p-8f);
    for (int64_t i = 0; i < q.G.lay.nparams; i++)
        q.G.p[i] *= 1 + (rng_uniform(&rng) < 0.5 ? -0x1p-8f : 0x1p-8f);
    CHECK(!a.bf && b.bf, "fp32 has no GEMM context, bf16 has one");
    CHECK(!memcmp(a.G.p, b.G.p, a.G.lay.nparams * 4), "same initial generator");
    float *x = rnd(BATCH * NO, 0.5f), *c = rnd(BATCH * NC, 0.5f), *z = rnd(BATCH * nnoise, 1);
    double dla, gla, dlb, glb, dlq, glq;
    gan_step(&a, BATCH, x, c, z, &dla, &gla);
    gan_step(&b, BATCH, x, c, z, &dlb, &glb);
    gan_step(&q, BATCH, x, c, z, &dlq, &glq);
    double eD = rel(b.gD, a.gD, a.D.lay.nparams), eG = rel(b.gG, a.gG, a.G.lay.nparams);
    double sD = rel(q.gD, a.gD, a.D.lay.nparams), sG = rel(q.gG, a.gG, a.G.lay.nparams);
    printf("step noise %d width %d: relative gradient error D %.3g G %.3g; fp32 with weights "
           "moved 2^-8: D %.3g G %.3g\n", nnoise, w, eD, eG, sD, sG);
    CHECK(fabs(dla - dlb) < 1e-2 * fabs(dla) && fabs(gla - glb) < 1e-2 * fabs(gla),
          "noise %d width %d: losses fp32 %g %g, bf16 %g %g", nnoise, w, dla, gla, dlb, glb);
    /* a step's gradient passes through several GEMMs and batch-norm backwards, which subtract
     * batch means and so amplify relative errors (G's through all of D: up to tens of percent
     * in a net this small, as much as the float32 step moves when its weights move by a bf16
     * rounding): bf16 may be off by no more than twice that sensitivity, plus 1% */
    CHECK(eD < 2 * sD + 1e-2 && eG < 2 * sG + 1e-2, "noise %d width %d: step gradients off by D "
          "%.3g, G %.3g, past twice the float32 sensitivity (%.3g, %.3g) + 1e-2", nnoise, w, eD,
          eG, sD, sG);
    CHECK(eD > 0 && eG > 0, "noise %d width %d: bf16 gradients differ from fp32 (the bf16 GEMMs "
          "ran)", nnoise, w);
    int same_pb = 1;
    for (int64_t i = 0; i < b.G.lay.nparams; i++) same_pb &= b.G.pb[i] == bf16_round(b.G.p[i]);
    CHECK(same_pb, "bf16 copy of the generator follows its updated master weights");
    gan_prepare_rows(&b, 37);
    gan_step(&b, 37, x, c, z, &dlb, &glb);
    CHECK(isfinite(dlb) && isfinite(glb), "a prepared shorter batch runs");
    CHECK(bf16_gemm_unprepared(b.bf) == 0, "no GEMM primitive made inside a step (%d were)",
          bf16_gemm_unprepared(b.bf));

    /* inference in bf16 against fp32 on the same trained generator */
    enum { R = 50 };
    const int nin = NC + nnoise;
    float *in = rnd((size_t)R * nin, 1), *o1 = malloc(R * NO * 4), *o2 = malloc(R * NO * 4);
    float *work = malloc((size_t)net_infer_floats(&b.G.lay, R) * 4);
    net_fwd_infer(&b.G, R, in, work, o1);
    net_infer_bf16_prepare(&b.G, b.bf, R);
    net_fwd_infer_bf16(&b.G, b.bf, R, in, work, o2);
    double e = rel(o2, o1, R * NO);
    CHECK(e < 2e-2 && e > 0, "inference bf16 within 2e-2 of fp32 (%.3g)", e);
    free(x), free(c), free(z), free(in), free(o1), free(o2), free(work);
    gan_free(&a), gan_free(&b), gan_free(&q);
}

int main(void)
{
    rng_seed(&rng, 4242);
    check_rounding();
    const char *why = bf16_unavailable();
    if (why) {
        printf("test_bf16: bf16 GEMM checks skipped: %s\n", why);
        return check_done("test_bf16");
    }
    printf("test_bf16: oneDNN ISA %s\n", bf16_isa());
    Bf16Ctx *ctx = bf16_ctx_create(1);
    check_dense(ctx, 37, 50, 29, 0);
    check_dense(ctx, 19, 33, 7, 1);       /* the output layer's shape with a bias */
    check_dense(ctx, 128, 256, 256, 0);   /* K = 256 for each product */
    bf16_ctx_free(ctx);
    check_passes();
    check_step(3, 24);                    /* G's first block fused (few inputs) */
    check_step(NN_FEW_IN, 40);            /* G's first layer a bf16 GEMM too */
    return check_done("test_bf16");
}
