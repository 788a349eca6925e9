/* test_calogan.c — the CaloGAN-like model (calogan.h): its lists' shapes (504 cells out, >= 0),
 * the whole step's gradients by finite differences on a tiny instance (the discriminator's
 * loss w.r.t. D1 and D2, the generator's adversarial + auxiliary loss w.r.t. G, through D,
 * the energy features and the auxiliary term), and a model file that saves and loads it
 * (version 3) while an MLP file stays version 1. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "data/calo.h"
#include "model/calogan.h"
#include "model/gan.h"
#include "model/gtm.h"
#include "base/rng.h"

enum { B = 4, NC = 1, NZ = 3 };

static GanConfig tiny(void)
{
    return (GanConfig){.ncond = NC, .nnoise = NZ, .nout = CALO_NCELL, .gen_width = 6,
                       .disc_width = 5, .batch = B, .lr_g = 1e-3, .lr_d = 1e-3,
                       .arch = GAN_ARCH_CALO, .filters = 2, .kernel = 3,
                       .precision = PREC_FP32, .threads = 1};
}

static int positives(const Gan *g)
{
    const float *y = g->cG.act[g->G.lay.n];
    int n = 0;
    for (int i = 0; i < B * CALO_NCELL; i++) n += y[i] > 0;
    return n;
}

/* up to k parameters of every layer that has any (indices into p), drawn at random */
static int pick(const NetLayout *lay, Rng *r, int k, int64_t *idx)
{
    int n = 0;
    for (int i = 0; i < lay->n; i++) {
        if (lay->L[i].p0 < 0) continue;
        int64_t lo = lay->L[i].p0, hi = lay->nparams;
        for (int j = i + 1; j < lay->n; j++)
            if (lay->L[j].p0 >= 0) { hi = lay->L[j].p0; break; }
        for (int t = 0; t < k; t++) idx[n++] = lo + (int64_t)(rng_uniform(r) * (double)(hi - lo));
    }
    return n;
}

typedef struct { Gan *g; const float *x, *c, *z; int which; } Ctx;   /* which: 0 D, 1 G */

static double loss(Ctx *t)
{
    return t->which ? calogan_g_grad(t->g, B, t->c, t->z, 1)
                    : calogan_d_grad(t->g, B, t->x, t->c, t->z, NULL);
}

/* relative L2 error of an analytic gradient an[] at parameters p[idx] against central
 * differences; parameters whose perturbation flips a generated cell across 0 (the ReLU's kink
 * and a jump of the sparsity feature) are skipped and counted */
static double fd_error(Ctx *t, float *p, const float *an, const int64_t *idx, int n, float eps,
                       int *skipped)
{
    double d = 0, nb = 0;
    *skipped = 0;
    for (int i = 0; i < n; i++) {
        float *v = &p[idx[i]], s = *v;
        *v = s + eps;
        double lp = loss(t);
        int hp = positives(t->g);
        *v = s - eps;
        double lm = loss(t);
        int hm = positives(t->g);
        *v = s;
        if (hp != hm) {
            (*skipped)++;
            continue;
        }
        double fd = (lp - lm) / (2 * eps), a = an[idx[i]];
        d += (a - fd) * (a - fd), nb += fd * fd;
    }
    return sqrt(d) / fmax(sqrt(nb), 1e-12);
}

static void check_gradients(void)
{
    GanConfig cfg = tiny();
    Rng r;
    rng_seed(&r, 7);
    Gan g;
    gan_init(&g, &cfg, &r);
    CHECK(g.calo != NULL, "calo part made");
    CHECK(g.G.lay.nout == CALO_NCELL && g.G.lay.L[g.G.lay.n - 1].kind == NET_LEAKY &&
          g.G.lay.L[g.G.lay.n - 1].slope == 0.0f, "generator ends in a ReLU over 504 cells");
    /* weights away from Glorot's so that the loss is not flat */
    for (int64_t i = 0; i < g.G.lay.nparams; i++) g.G.p[i] += 0.1f * (float)rng_normal(&r);
    int64_t n2;
    float *p2 = calogan_d2_params(&g, &n2);
    /* layers on scales of their own, so the check covers the per-layer units and features */
    const double unit[CALO_NLAYER] = {0.1, 1.0, 0.02}, lscale[CALO_NLAYER] = {0.15, 1.2, 0.01};
    calogan_set_data(&g, 0, 1.0, 100.0, 0.02, 1.5, unit, lscale);
    float x[B * CALO_NCELL], c[B * NC], z[B * NZ];
    for (int i = 0; i < B * CALO_NCELL; i++)
        x[i] = rng_uniform(&r) < 0.6 ? 0.0f : (float)(0.02 * -log(1 - rng_uniform(&r)));
    for (int i = 0; i < B * NC; i++) c[i] = (float)(2 * rng_uniform(&r) - 1);
    for (int i = 0; i < B * NZ; i++) z[i] = (float)rng_normal(&r);

    Ctx t = {&g, x, c, z, 0};
    int64_t idx[16 * 12];
    int skipped;
    /* the discriminator: D1's parameters, then D2's */
    loss(&t);
    float *a1 = malloc((size_t)g.D.lay.nparams * sizeof *a1), *a2 = malloc((size_t)n2 * sizeof *a2);
    memcpy(a1, g.gD, (size_t)g.D.lay.nparams * sizeof *a1);
    memcpy(a2, calogan_d2_grads(&g), (size_t)n2 * sizeof *a2);
    int n = pick(&g.D.lay, &r, 12, idx);
    double e = fd_error(&t, g.D.p, a1, idx, n, 1e-2f, &skipped);
    CHECK(e < 3e-2 && skipped == 0, "D1 gradient relative error %g (%d skipped)", e, skipped);
    NetLayout d1, d2;
    calogan_discriminator_layouts(&d1, &d2, NC, cfg.disc_width, cfg.filters, cfg.kernel);
    n = pick(&d2, &r, 12, idx);
    e = fd_error(&t, p2, a2, idx, n, 1e-2f, &skipped);
    CHECK(e < 3e-2 && skipped == 0, "D2 gradient relative error %g (%d skipped)", e, skipped);
    /* the generator, through D1, D2, the features and the auxiliary term */
    t.which = 1;
    loss(&t);
    float *ag = malloc((size_t)g.G.lay.nparams * sizeof *ag);
    memcpy(ag, g.gG, (size_t)g.G.lay.nparams * sizeof *ag);
    /* a smaller step: a generator parameter moves all 4 x 504 cells, and every one that
     * crosses 0 spoils the difference */
    n = pick(&g.G.lay, &r, 12, idx);
    e = fd_error(&t, g.G.p, ag, idx, n, 1e-3f, &skipped);
    CHECK(e < 2e-2 && skipped <= n / 4, "G gradient relative error %g (%d of %d skipped)", e,
          skipped, n);
    /* a step changes all three networks and reports finite losses */
    float g0 = g.G.p[0], d0 = g.D.p[0], q0 = p2[0];
    double dl, gl;
    gan_step(&g, B, x, c, z, &dl, &gl);
    CHECK(isfinite(dl) && isfinite(gl) && g.G.p[0] != g0 && g.D.p[0] != d0 && p2[0] != q0,
          "a step: losses %g %g, all networks updated", dl, gl);
    free(a1), free(a2), free(ag);
    gan_free(&g);
}

static void check_model_file(void)
{
    GanConfig cfg = tiny();
    Rng r;
    rng_seed(&r, 3);
    Gan g;
    gan_init(&g, &cfg, &r);
    char *names[CALO_NCELL + 1], buf[CALO_NCELL][12];
    for (int j = 0; j < CALO_NCELL; j++) snprintf(buf[j], sizeof buf[j], "c%d", j), names[j] = buf[j];
    char *cn[1] = {"E0"};
    double lohi[2 * (CALO_NCELL + 1)];
    for (int j = 0; j < CALO_NCELL + 1; j++) lohi[j] = -2, lohi[CALO_NCELL + 1 + j] = 2;
    GtmModel m = {.ncond = NC, .nnoise = NZ, .nout = CALO_NCELL, .gw = cfg.gen_width,
                  .dw = cfg.disc_width, .arch = GAN_ARCH_CALO, .filters = cfg.filters,
                  .kernel = cfg.kernel, .best_epoch = 3, .out_names = names, .cond_names = cn,
                  .out_lo = lohi, .out_hi = lohi + CALO_NCELL + 1, .cond_lo = lohi + CALO_NCELL,
                  .cond_hi = lohi + 2 * CALO_NCELL + 1, .G = g.G};
    char path[] = "/tmp/test_calogan_XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0, "temp file");
    if (fd < 0) return;
    close(fd);
    gtm_save(path, &m);
    FILE *f = fopen(path, "rb");
    unsigned char h[12] = {0};
    CHECK(f && fread(h, 1, 12, f) == 12 && h[8] == 3, "calo model: version 3");
    if (f) fclose(f);
    GtmModel back;
    char err[256];
    int rc = gtm_read(path, &back, err, sizeof err);
    CHECK(rc == 0, "calo model read back: %s", err);
    if (rc == 0) {
        CHECK(back.arch == GAN_ARCH_CALO && back.filters == 2 && back.kernel == 3, "model kind and sizes");
        CHECK(back.G.lay.n == g.G.lay.n && back.G.lay.nparams == g.G.lay.nparams &&
              memcmp(back.G.p, g.G.p, (size_t)g.G.lay.nparams * 4) == 0 &&
              memcmp(back.G.st, g.G.st, (size_t)g.G.lay.nstate * 4) == 0,
              "generator list and parameters round trip");
        gtm_free(&back);
    }
    unlink(path);
    gan_free(&g);
}

int main(void)
{
    check_gradients();
    check_model_file();
    return check_done("test_calogan");
}
