/* test_net.c — the layer list and its one parameter layout (net.h): offsets contiguous, the
 * study's networks laid out as the model file has always stored them (W1 g1 be1 W2 g2 be2 W3
 * b3, running statistics rm1 rv1 rm2 rv2: the hand-written layout of c82b079), the reference
 * parameter count gan-train reports as `params`, a model file that stores p and st in exactly
 * that order; invalid lists refused; and the walker's gradients by finite differences on lists
 * other than the study's (LeakyReLU alone, batch norm alone, tanh inside, a biased first layer,
 * the fused first block with batch norm alone). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "model/gan.h"
#include "model/gtm.h"
#include "model/net.h"
#include "model/nn.h"
#include "base/rng.h"

/* every tensor starts where the previous one ended; the state likewise */
static void check_contiguous(const NetLayout *lay, const char *what)
{
    int64_t p = 0, s = 0;
    for (int i = 0; i < lay->n; i++) {
        const NetLayer *l = &lay->L[i];
        if (l->kind == NET_DENSE) {
            CHECK(l->p0 == p, "%s layer %d: W at %lld, expected %lld", what, i, (long long)l->p0,
                  (long long)p);
            p += (int64_t)l->nin * l->nout;
            CHECK(l->bias ? l->p1 == p : l->p1 == -1, "%s layer %d: bias offset", what, i);
            if (l->bias) p += l->nout;
        } else if (l->kind == NET_BATCHNORM) {
            CHECK(l->p0 == p && l->p1 == p + l->nout, "%s layer %d: gamma, beta", what, i);
            CHECK(l->s0 == s, "%s layer %d: running statistics at %lld", what, i, (long long)l->s0);
            p += 2 * (int64_t)l->nout, s += 2 * (int64_t)l->nout;
        } else {
            CHECK(l->p0 == -1 && l->p1 == -1 && l->s0 == -1, "%s layer %d: no parameters", what, i);
        }
        if (i > 0) CHECK(l->nin == lay->L[i - 1].nout, "%s layer %d: sizes chain", what, i);
    }
    CHECK(p == lay->nparams && s == lay->nstate, "%s: %lld params %lld state, counted %lld %lld",
          what, (long long)lay->nparams, (long long)lay->nstate, (long long)p, (long long)s);
}

/* c82b079's gan_mlp_init layout and gan_mlp_params_reference, written out */
static void check_study_layout(const NetLayout *lay, int nin, int w, int nout, int tanh_out)
{
    const int64_t W1 = 0, g1 = W1 + (int64_t)nin * w, be1 = g1 + w, W2 = be1 + w,
                  g2 = W2 + (int64_t)w * w, be2 = g2 + w, W3 = be2 + w, b3 = W3 + (int64_t)w * nout;
    CHECK(lay->n == 7 + tanh_out && lay->nin == nin && lay->nout == nout && lay->wmax == w,
          "study MLP %d-%d-%d: %d layers", nin, w, nout, lay->n);
    const NetLayer *L = lay->L;
    CHECK(L[0].kind == NET_DENSE && L[0].p0 == W1 && L[0].p1 == -1, "W1 at 0, no bias");
    CHECK(L[1].kind == NET_BATCHNORM && L[1].p0 == g1 && L[1].p1 == be1 && L[1].s0 == 0, "g1 be1 rm1");
    CHECK(L[2].kind == NET_LEAKY && L[2].slope == NN_LEAKY_SLOPE, "LeakyReLU 0.3");
    CHECK(L[3].kind == NET_DENSE && L[3].p0 == W2 && L[3].p1 == -1, "W2");
    CHECK(L[4].kind == NET_BATCHNORM && L[4].p0 == g2 && L[4].p1 == be2 && L[4].s0 == 2 * w,
          "g2 be2, rm2 at 2w (rv1 at w, rv2 at 3w)");
    CHECK(L[5].kind == NET_LEAKY, "LeakyReLU");
    CHECK(L[6].kind == NET_DENSE && L[6].p0 == W3 && L[6].p1 == b3 && L[6].bias, "W3 b3");
    if (tanh_out) CHECK(L[7].kind == NET_TANH, "tanh last");
    CHECK(lay->nparams == b3 + nout && lay->nstate == 4 * (int64_t)w, "sizes");
    const int64_t ref = (int64_t)nin * w + w + 2 * w + (int64_t)w * w + w + 2 * w +
                        (int64_t)w * nout + nout;
    CHECK(lay->nparams_ref == ref, "reference count %lld, expected %lld",
          (long long)lay->nparams_ref, (long long)ref);
}

static void check_layouts(void)
{
    static const int sets[][5] = {{4, 3, 2, 65, 243}, {4, 4, 2, 256, 256}, {0, 8, 6, 64, 64},
                                  {3, 3, 2, 24, 24}, {4, 17, 14, 7, 1}};
    for (size_t k = 0; k < sizeof sets / sizeof sets[0]; k++) {
        GanConfig cfg = {.ncond = sets[k][0], .nnoise = sets[k][1], .nout = sets[k][2],
                         .gen_width = sets[k][3], .disc_width = sets[k][4]};
        NetLayout G, D;
        gan_layouts(&cfg, &G, &D);
        check_contiguous(&G, "G");
        check_contiguous(&D, "D");
        check_study_layout(&G, cfg.ncond + cfg.nnoise, cfg.gen_width, cfg.nout, 1);
        check_study_layout(&D, cfg.nout + cfg.ncond, cfg.disc_width, 1, 0);
        CHECK(gan_params_reference(&cfg) == G.nparams_ref + D.nparams_ref, "params = G + D");
    }
    /* the study's best set: c82b079's gan-train reported params 67411 for it */
    GanConfig best = {.ncond = 4, .nnoise = 3, .nout = 2, .gen_width = 65, .disc_width = 243};
    CHECK(gan_params_reference(&best) == 67411, "best set: params %lld, c82b079 reported 67411",
          (long long)gan_params_reference(&best));
}

static void check_invalid(void)
{
    NetLayout lay;
    net_begin(&lay, 4);
    net_dense(&lay, 8, 0);
    net_leaky(&lay, 0.3f);   /* a dense layer without bias not before batch norm */
    CHECK(net_layout(&lay) != NULL, "bias-free dense without batch norm refused");
    net_begin(&lay, 4);
    net_batchnorm(&lay);
    CHECK(net_layout(&lay) != NULL, "a list not starting with dense refused");
    net_begin(&lay, 4);
    for (int i = 0; i <= NET_MAX_LAYERS; i++) net_dense(&lay, 3, 1);
    CHECK(net_layout(&lay) != NULL, "more than NET_MAX_LAYERS refused");
    net_begin(&lay, 4);
    net_dense(&lay, 0, 1);
    CHECK(net_layout(&lay) != NULL, "a zero-width layer refused");
    net_begin(&lay, 12);
    net_conv(&lay, (NnConv){1, 3, 4, 2, 5, 5, 1, 1, 0, 0, 0, 0}, 0, 0, 0);
    CHECK(net_layout(&lay) != NULL, "a kernel larger than its input refused");
    net_begin(&lay, 12);
    net_conv(&lay, (NnConv){2, 3, 4, 2, 3, 3, 1, 1, 1, 1, 0, 0}, 0, 0, 0);
    CHECK(net_layout(&lay) != NULL, "planes that are not the input width refused");
}

/* gtm_save writes p then st, in the layout's order, at the end of the payload */
static void check_model_file(void)
{
    GtmModel m = {.ncond = 1, .nnoise = 2, .nout = 2, .gw = 5, .dw = 6, .best_epoch = 3,
                  .best_wd = 0.5};
    char *on[2] = {"a", "b"}, *cn[1] = {"c"};
    double lo[5] = {0, 1, 2, 3, 4}, hi[5] = {5, 6, 7, 8, 9};
    m.out_names = on, m.cond_names = cn, m.out_lo = lo, m.out_hi = hi, m.cond_lo = lo + 2,
    m.cond_hi = hi + 2;
    NetLayout lay;
    gan_generator_layout(&lay, 3, 5, 2);
    net_init(&m.G, &lay);
    for (int64_t i = 0; i < lay.nparams; i++) m.G.p[i] = (float)i;
    for (int64_t i = 0; i < lay.nstate; i++) m.G.st[i] = -(float)i - 1;
    char path[] = "/tmp/test_net_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "temp file");
    if (fd < 0) return;
    close(fd);
    gtm_save(path, &m);
    FILE *f = fopen(path, "rb");
    unsigned char file[1 << 14];
    size_t n = fread(file, 1, sizeof file, f);
    fclose(f);
    uint64_t rawlen = 0;
    for (int k = 0; k < 8; k++) rawlen |= (uint64_t)file[16 + k] << (8 * k);
    unsigned char raw[1 << 14];
    uLongf got = sizeof raw;
    CHECK(n > 32 && uncompress(raw, &got, file + 32, n - 32) == Z_OK && got == rawlen,
          "payload decompresses");
    size_t floats = (size_t)(lay.nparams + lay.nstate), at = got - 4 * floats;
    int ok = 1;
    for (size_t i = 0; i < floats; i++) {
        float v;
        memcpy(&v, raw + at + 4 * i, 4);
        float want = i < (size_t)lay.nparams ? (float)i : -(float)(i - lay.nparams) - 1;
        ok &= v == want;
    }
    CHECK(ok, "payload ends with p (%lld floats) then st (%lld)", (long long)lay.nparams,
          (long long)lay.nstate);
    GtmModel r;
    gtm_load(path, &r);
    CHECK(r.G.lay.nparams == lay.nparams && r.G.lay.nstate == lay.nstate &&
          memcmp(r.G.p, m.G.p, (size_t)lay.nparams * 4) == 0 &&
          memcmp(r.G.st, m.G.st, (size_t)lay.nstate * 4) == 0, "gtm_load reads the same layout");
    gtm_free(&r);
    net_free(&m.G);
    unlink(path);
}

/* ---- the walker's gradients on other lists: loss = <R, net(x)> ---- */
static Rng rng;

static double loss(Net *net, NetCache *c, int B, int G, const float *x, const float *R)
{
    const NetLayout *lay = &net->lay;
    memcpy(c->act[0], x, (size_t)G * B * lay->nin * sizeof *x);
    net_fwd_train(net, c, B, G, 0);
    double s = 0;
    for (size_t i = 0; i < (size_t)G * B * lay->nout; i++) s += (double)c->act[lay->n][i] * R[i];
    return s;
}

static void check_walk(NetLayout *lay, const char *what, int fused)
{
    enum { B = 7, G = 2 };
    Net net;
    net_init(&net, lay);
    net_glorot(&net, &rng);
    for (int64_t i = 0; i < net.lay.nparams; i++) net.p[i] += 0.2f * (float)rng_normal(&rng);
    NetCache c;
    net_cache_init(&c, &net, G * B, G);
    CHECK(c.fused_first == fused, "%s: first block fused %d", what, c.fused_first);
    const int nin = net.lay.nin, no = net.lay.nout;
    const size_t nx = (size_t)G * B * nin, ny = (size_t)G * B * no, np = (size_t)net.lay.nparams;
    float *x = malloc(nx * 4), *R = malloc(ny * 4), *dout = malloc(ny * 4);
    float *grad = calloc(np, 4), *dx = malloc(nx * 4);
    for (size_t i = 0; i < nx; i++) x[i] = (float)rng_normal(&rng);
    for (size_t i = 0; i < ny; i++) R[i] = (float)rng_normal(&rng);
    for (int pass = 0; pass < 2; pass++) {   /* parameter gradients alone, then with dx */
        loss(&net, &c, B, G, x, R);
        memcpy(dout, R, ny * 4);
        net_bwd(&net, &c, B, G, dout, grad, pass ? nin : 0);
        if (pass) memcpy(dx, c.grad[0], nx * 4);
        const float eps = 1e-2f;
        double d = 0, nb = 0;
        for (size_t i = 0; i < (pass ? nx : np); i++) {
            float *v = pass ? &x[i] : &net.p[i], s = *v;
            *v = s + eps;
            double lp = loss(&net, &c, B, G, x, R);
            *v = s - eps;
            double lm = loss(&net, &c, B, G, x, R);
            *v = s;
            double fd = (lp - lm) / (2 * eps), an = pass ? dx[i] : grad[i];
            d += (an - fd) * (an - fd), nb += fd * fd;
        }
        double e = sqrt(d) / fmax(sqrt(nb), 1e-12);
        CHECK(e < 2e-2, "%s: %s gradient relative error %g", what, pass ? "input" : "parameter", e);
    }
    free(x), free(R), free(dout), free(grad), free(dx);
    net_cache_free(&c);
    net_free(&net);
}

static void check_walks(void)
{
    NetLayout lay;
    /* biased first layer (general path), LeakyReLU alone, batch norm alone, tanh inside */
    net_begin(&lay, 5);
    net_dense(&lay, 9, 1);
    net_leaky(&lay, 0.2f);
    net_dense(&lay, 7, 0);
    net_batchnorm(&lay);
    net_tanh(&lay);
    net_dense(&lay, 3, 1);
    CHECK(net_layout(&lay) == NULL, "list 1 valid");
    check_walk(&lay, "dense+leaky, dense+bn, tanh, dense", 0);
    /* the fused first block with batch norm alone (slope 1), then batch norm + LeakyReLU */
    net_begin(&lay, 4);
    net_dense(&lay, 6, 0);
    net_batchnorm(&lay);
    net_dense(&lay, 5, 0);
    net_batchnorm(&lay);
    net_leaky(&lay, 0.1f);
    net_dense(&lay, 2, 1);
    net_tanh(&lay);
    CHECK(net_layout(&lay) == NULL, "list 2 valid");
    check_walk(&lay, "fused dense+bn, dense+bn+leaky, dense, tanh", 1);
    /* convolutions (issue 19): a convolution first (the whole input gradient), batch norm
     * and LeakyReLU on its planes, a strided one, tanh, dense */
    net_begin(&lay, 36);
    net_conv(&lay, (NnConv){1, 6, 6, 3, 3, 3, 1, 1, 1, 1, 0, 0}, 0, 0, 0);
    net_batchnorm(&lay);
    net_leaky(&lay, 0.2f);
    net_conv(&lay, (NnConv){3, 6, 6, 2, 4, 4, 2, 2, 1, 1, 0, 0}, 0, 0, 0);
    net_tanh(&lay);
    net_dense(&lay, 2, 1);
    CHECK(net_layout(&lay) == NULL, "conv list valid");
    CHECK(lay.L[0].nout == 108 && lay.L[3].nout == 18, "conv widths %d %d", lay.L[0].nout, lay.L[3].nout);
    CHECK(lay.nparams == 27 + 3 + 2 * 108 + 96 + 2 + 36 + 2, "conv list parameters %lld", (long long)lay.nparams);
    CHECK(lay.L[0].p1 == 27 && lay.L[3].p0 == 30 + 216, "conv offsets %lld %lld", (long long)lay.L[0].p1,
          (long long)lay.L[3].p0);
    check_walk(&lay, "conv+bn+leaky, conv s2, tanh, dense", 0);
    /* a generator's shape: dense to planes, a transposed 2x upsampling with output padding,
     * batch norm, a same-padded convolution; tanh where a LeakyReLU's kink within +-eps of
     * the many normalised values would spoil the finite differences */
    net_begin(&lay, 4);
    net_dense(&lay, 27, 1);
    net_tanh(&lay);
    net_conv(&lay, (NnConv){3, 3, 3, 2, 3, 3, 2, 2, 1, 1, 0, 0}, 1, 1, 1);
    net_batchnorm(&lay);
    net_tanh(&lay);   /* (batch norm + LeakyReLU after a convolution: the first conv list) */
    net_conv(&lay, (NnConv){2, 6, 6, 1, 3, 3, 1, 1, 1, 1, 0, 0}, 0, 0, 0);
    CHECK(net_layout(&lay) == NULL, "convt list valid");
    CHECK(lay.L[2].nout == 72 && lay.nout == 36, "convt widths %d %d", lay.L[2].nout, lay.nout);
    check_walk(&lay, "dense+tanh, convt+bn+tanh, conv", 0);
}

/* Without batch norm, inference and training forwards are the same function of x. */
static void check_conv_infer(void)
{
    NetLayout lay;
    net_begin(&lay, 3);
    net_dense(&lay, 32, 1);
    net_leaky(&lay, 0.2f);
    net_conv(&lay, (NnConv){2, 4, 4, 3, 4, 4, 2, 2, 1, 1, 0, 0}, 1, 0, 0);
    net_tanh(&lay);
    net_conv(&lay, (NnConv){3, 8, 8, 1, 3, 3, 1, 1, 1, 1, 0, 0}, 0, 0, 0);
    Net net;
    net_init(&net, &lay);
    net_glorot(&net, &rng);
    for (int64_t i = 0; i < net.lay.nparams; i++) net.p[i] += 0.1f * (float)rng_normal(&rng);
    enum { B = 5 };
    NetCache c;
    net_cache_init(&c, &net, B, 1);
    for (int i = 0; i < B * 3; i++) c.act[0][i] = (float)rng_normal(&rng);
    net_fwd_train(&net, &c, B, 1, 0);
    float *work = malloc((size_t)net_infer_floats(&net.lay, B) * sizeof *work), out[B * 64];
    net_fwd_infer(&net, B, c.act[0], work, out);
    CHECK(memcmp(out, c.act[net.lay.n], sizeof out) == 0, "conv list: inference differs from training");
    free(work);
    net_cache_free(&c);
    net_free(&net);
}

int main(void)
{
    rng_seed(&rng, 4242);
    check_layouts();
    check_invalid();
    check_model_file();
    check_walks();
    check_conv_infer();
    return check_done("test_net");
}
