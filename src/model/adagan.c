/* adagan.c — AdaGAN's training-row weights and beta rules (see adagan.h). */
#include "model/adagan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/csvio.h"
#include "base/rng.h"
#include "base/util.h"
#include "model/gan.h"
#include "model/net.h"
#include "model/nn.h"

float *adagan_load_weights(const char *path, const char *col, size_t max_rows, size_t nrows)
{
    CsvReader *r = csv_open(path);
    int j = csv_find(r, col);
    if (j < 0) csv_fail(r, "no weight column '%s' in the header", col);
    float *w = xmalloc((nrows + 1) * sizeof *w);
    double *wd = xmalloc((nrows + 1) * sizeof *wd);
    size_t n = 0;
    double sum = 0;
    while ((max_rows == 0 || n < max_rows) && csv_next(r)) {
        double v = csv_num(r, j);   /* dies on a non-number, NaN or infinity */
        if (v < 0) csv_fail(r, "weight %g is negative", v);
        if (n == nrows) csv_fail(r, "more weights than the %zu training rows", nrows);
        wd[n++] = v, sum += v;
    }
    if (n < nrows)
        csv_fail(r, "%zu weights for %zu training rows (one per row)", n, nrows);
    if (!(sum > 0)) csv_fail(r, "every weight is zero");
    if (!isfinite(sum)) csv_fail(r, "the weights' sum overflows");
    /* mean 1: equal weights become exactly 1.0f (x / (n x / n) rounds to 1 in double, far
     * inside float's half ulp) */
    const double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++) w[i] = (float)(wd[i] / mean);
    free(wd);
    csv_close(r);
    return w;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double adagan_weights(size_t n, const double *logit, double beta, double *w, double *h)
{
    /* h_i = (1 - beta) (1 - D_i) / D_i = (1 - beta) exp(-logit_i) */
    for (size_t i = 0; i < n; i++) h[i] = (1.0 - beta) * exp(-logit[i]);
    qsort(h, n, sizeof *h, cmp_double);
    /* the largest k whose lambda_k = (N beta + sum of the k smallest h) / k exceeds h_k; the
     * sum of weights at lambda is (1 / (N beta)) sum (lambda - h_i)_+, 1 exactly at lambda_k
     * when precisely the k smallest are below it */
    const double nb = (double)n * beta;
    double s = 0, lambda = 0;
    for (size_t k = 1; k <= n; k++) {
        s += h[k - 1];
        double lk = (nb + s) / (double)k;
        if (!(lk > h[k - 1])) break;   /* h infinite (D = 0) or past lambda: stop */
        lambda = lk;
    }
    for (size_t i = 0; i < n; i++) {
        double hi = (1.0 - beta) * exp(-logit[i]);
        w[i] = hi < lambda ? (lambda - hi) / nb : 0.0;
    }
    return lambda;
}

int adagan_rule_check(const char *rule)
{
    if (strcmp(rule, "uniform") == 0) return 0;
    if (strncmp(rule, "const:", 6) == 0) {
        char *end;
        double b = strtod(rule + 6, &end);
        if (end != rule + 6 && !*end && b > 0 && b < 1) return 0;
    }
    return -1;
}

double adagan_beta(const char *rule, int t)
{
    if (strncmp(rule, "const:", 6) == 0) return strtod(rule + 6, NULL);
    return 1.0 / (t + 1);
}

void adagan_mix(const char *rule, int T, double *mix)
{
    mix[0] = 1.0;
    for (int t = 1; t <= T; t++) {
        double b = adagan_beta(rule, t);
        for (int k = 0; k < t; k++) mix[k] *= 1.0 - b;
        mix[t] = b;
    }
}

/* Logits of every row of x [n x nd] as the discriminator was trained: each in a batch of B of
 * them and B rows of y [ny x nd] (real ++ generated, or generated ++ real as mine_first says),
 * with that batch's batch-norm statistics. Not inference mode: running statistics (momentum
 * 0.01) lag weights that Adam moves at every step, and the lag biases every logit. A short last
 * chunk is filled up from the start of x; only its own rows are kept. */
static void batch_logits(Net *D, NetCache *c, int B, const float *x, size_t n, const float *y,
                         size_t ny, int mine_first, double *logit)
{
    const int nd = D->lay.nin;
    float *in = c->act[0], *out = c->act[D->lay.n];
    size_t yp = 0;
    for (size_t s = 0; s < n; s += (size_t)B) {
        const size_t mine = mine_first ? 0 : (size_t)B, other = mine_first ? (size_t)B : 0;
        for (int i = 0; i < B; i++) {
            memcpy(in + (mine + (size_t)i) * nd, x + ((s + (size_t)i) % n) * nd, (size_t)nd * sizeof(float));
            memcpy(in + (other + (size_t)i) * nd, y + yp * nd, (size_t)nd * sizeof(float));
            yp = (yp + 1) % ny;
        }
        net_fwd_train(D, c, 2 * B, 1, 0);
        for (int i = 0; i < B && s + (size_t)i < n; i++) logit[s + (size_t)i] = out[mine + (size_t)i];
    }
}

void adagan_mixdisc(const MixDiscConfig *cfg, const float *real, size_t nreal, const float *gen,
                    size_t ngen, double *real_logit, double *gen_logit)
{
    const int nd = cfg->ndim, B = cfg->batch;
    NetLayout lay;
    gan_discriminator_layout(&lay, nd, cfg->width);
    Net D;
    net_init(&D, &lay);
    Rng r_init, r_shuf;
    rng_seed2(&r_init, cfg->seed, ADAGAN_STREAM_INIT);
    rng_seed2(&r_shuf, cfg->seed, ADAGAN_STREAM_SHUFFLE);
    net_glorot(&D, &r_init);
    const size_t np = (size_t)lay.nparams;
    float *grad = xcalloc(3 * np, sizeof(float)), *m = grad + np, *v = grad + 2 * np;
    NetCache c;
    net_cache_init(&c, &D, 2 * B, 1);
    uint32_t *pr = xmalloc(nreal * sizeof *pr), *pg = xmalloc(ngen * sizeof *pg);
    for (size_t i = 0; i < nreal; i++) pr[i] = (uint32_t)i;
    for (size_t i = 0; i < ngen; i++) pg[i] = (uint32_t)i;
    size_t gpos = ngen;   /* the generated rows' permutation is due */
    float *in = c.act[0], *out = c.act[lay.n];
    long t = 0;
    for (long ep = 0; ep < cfg->epochs; ep++) {
        rng_shuffle_u32(&r_shuf, pr, nreal);
        for (size_t s = 0; s + (size_t)B <= nreal; s += (size_t)B) {
            for (int i = 0; i < B; i++) {
                if (gpos == ngen) rng_shuffle_u32(&r_shuf, pg, ngen), gpos = 0;
                memcpy(in + (size_t)i * nd, real + (size_t)pr[s + i] * nd, (size_t)nd * sizeof(float));
                memcpy(in + (size_t)(B + i) * nd, gen + (size_t)pg[gpos++] * nd,
                       (size_t)nd * sizeof(float));
            }
            net_fwd_train(&D, &c, 2 * B, 1, 0);
            nn_bce_logits(B, out, 1.0f, out);
            nn_bce_logits(B, out + B, 0.0f, out + B);
            net_bwd(&D, &c, 2 * B, 1, out, grad, 0);
            nn_adam_step(lay.nparams, D.p, grad, m, v, (float)cfg->lr, NN_ADAM_BETA1, NN_ADAM_BETA2,
                         NN_ADAM_EPS, ++t);
        }
    }
    batch_logits(&D, &c, B, real, nreal, gen, ngen, 1, real_logit);
    batch_logits(&D, &c, B, gen, ngen, real, nreal, 0, gen_logit);
    free(pr), free(pg), free(grad);
    net_cache_free(&c);
    net_free(&D);
}
