/* c2st.c — classifier two-sample test (see c2st.h). */
#include "model/c2st.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/rng.h"
#include "base/util.h"
#include "model/net.h"
#include "model/nn.h"

C2stConfig c2st_defaults(void)
{
    return (C2stConfig){.hidden = 64, .epochs = 10, .batch = 512, .lr = 1e-3, .max_rows = 100000,
                        .seed = 1};
}

typedef struct { float s; int label; } Scored;

static int cmp_scored(const void *x, const void *y)
{
    float a = ((const Scored *)x)->s, b = ((const Scored *)y)->s;
    return (a > b) - (a < b);
}

double c2st_auc_scores(const float *s1, size_t n1, const float *s0, size_t n0)
{
    size_t n = n1 + n0;
    if (!n1 || !n0) return 0.5;
    Scored *v = xmalloc(n * sizeof *v);
    for (size_t i = 0; i < n1; i++) v[i] = (Scored){s1[i], 1};
    for (size_t i = 0; i < n0; i++) v[n1 + i] = (Scored){s0[i], 0};
    qsort(v, n, sizeof *v, cmp_scored);
    /* sum of the label-1 ranks (1-based), a run of ties sharing its mean rank */
    double rsum = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        long ones = 0;
        while (j < n && v[j].s == v[i].s) ones += v[j++].label;
        rsum += (double)ones * 0.5 * ((double)(i + 1) + (double)j);
        i = j;
    }
    free(v);
    double u = rsum - 0.5 * (double)n1 * ((double)n1 + 1);
    return u / ((double)n1 * (double)n0);
}

/* m distinct row indices of [0, n) in random order: a partial Fisher-Yates shuffle */
static uint32_t *pick(Rng *r, size_t n, size_t m)
{
    uint32_t *idx = xmalloc(n * sizeof *idx);
    for (size_t i = 0; i < n; i++) idx[i] = (uint32_t)i;
    for (size_t i = 0; i < m; i++) {
        size_t j = i + (size_t)rng_below(r, n - i);
        uint32_t t = idx[i]; idx[i] = idx[j]; idx[j] = t;
    }
    return idx;
}

static void features(const double *x, const uint32_t *idx, size_t m, int nc, const double *mu,
                     const double *isd, float *out)
{
    for (size_t i = 0; i < m; i++)
        for (int j = 0; j < nc; j++)
            out[i * nc + j] = (float)((x[(size_t)idx[i] * nc + j] - mu[j]) * isd[j]);
}

double c2st_auc(const double *a, size_t na, const double *b, size_t nb, int ncols,
                const C2stConfig *cfg, size_t *used)
{
    size_t m = na < nb ? na : nb;
    if (m > cfg->max_rows) m = cfg->max_rows;
    if (m < 4) die(EXIT_RUNTIME, "classifier test: %zu rows, needs 4 from each sample", m);
    if (m > UINT32_MAX) m = UINT32_MAX;
    if (used) *used = m;
    const int nc = ncols, half_b = cfg->batch / 2;
    const size_t ntr = m / 2, nte = m - ntr;
    Rng r;
    rng_seed2(&r, cfg->seed, 1);
    uint32_t *ia = pick(&r, na, m), *ib = pick(&r, nb, m);

    /* standardise with B's training half */
    double *mu = xcalloc(2 * (size_t)nc, sizeof *mu), *isd = mu + nc;
    for (size_t i = 0; i < ntr; i++)
        for (int j = 0; j < nc; j++) mu[j] += b[(size_t)ib[i] * nc + j];
    for (int j = 0; j < nc; j++) mu[j] /= (double)ntr;
    for (size_t i = 0; i < ntr; i++)
        for (int j = 0; j < nc; j++) {
            double d = b[(size_t)ib[i] * nc + j] - mu[j];
            isd[j] += d * d;
        }
    for (int j = 0; j < nc; j++) {
        double sd = sqrt(isd[j] / (double)ntr);
        isd[j] = sd > 0 ? 1.0 / sd : 1.0;
    }
    float *fa = xmalloc(m * (size_t)nc * sizeof *fa), *fb = xmalloc(m * (size_t)nc * sizeof *fb);
    features(a, ia, m, nc, mu, isd, fa);
    features(b, ib, m, nc, mu, isd, fb);
    free(ia), free(ib), free(mu);

    NetLayout lay;
    net_begin(&lay, nc);
    net_dense(&lay, cfg->hidden, 1);
    net_leaky(&lay, NN_LEAKY_SLOPE);
    net_dense(&lay, cfg->hidden, 1);
    net_leaky(&lay, NN_LEAKY_SLOPE);
    net_dense(&lay, 1, 1);
    Net net;
    net_init(&net, &lay);   /* lays the list out, dies if invalid */
    net_glorot(&net, &r);
    const int64_t np = net.lay.nparams;
    float *grad = xcalloc(3 * (size_t)np, sizeof *grad), *mom = grad + np, *var = grad + 2 * np;
    const int B = 2 * half_b;
    NetCache c;
    net_cache_init(&c, &net, B, 1);
    uint32_t *pa = xmalloc((ntr + 1) * sizeof *pa), *pb = xmalloc((ntr + 1) * sizeof *pb);
    for (size_t i = 0; i < ntr; i++) pa[i] = pb[i] = (uint32_t)i;
    long t = 0;
    for (int ep = 0; ep < cfg->epochs; ep++) {
        rng_shuffle_u32(&r, pa, ntr);
        rng_shuffle_u32(&r, pb, ntr);
        for (size_t s = 0; s + 2 <= ntr; s += (size_t)half_b) {
            int h = ntr - s < (size_t)half_b ? (int)(ntr - s) : half_b;
            float *in = c.act[0];
            for (int i = 0; i < h; i++) {
                memcpy(in + (size_t)i * nc, fa + (size_t)pa[s + i] * nc, nc * sizeof(float));
                memcpy(in + (size_t)(h + i) * nc, fb + (size_t)pb[s + i] * nc, nc * sizeof(float));
            }
            net_fwd_train(&net, &c, 2 * h, 1, 0);
            float *z = c.act[net.lay.n];
            nn_bce_logits(h, z, 1.0f, z);
            nn_bce_logits(h, z + h, 0.0f, z + h);
            net_bwd(&net, &c, 2 * h, 1, z, grad, 0);
            nn_adam_step(np, net.p, grad, mom, var, (float)cfg->lr, NN_ADAM_BETA1, NN_ADAM_BETA2,
                         NN_ADAM_EPS, ++t);
        }
    }

    /* scores of the held-out halves */
    const int chunk = 4096;
    float *work = xmalloc((size_t)net_infer_floats(&net.lay, chunk) * sizeof *work);
    float *sa = xmalloc(nte * sizeof *sa), *sb = xmalloc(nte * sizeof *sb);
    for (size_t s = 0; s < nte; s += (size_t)chunk) {
        int n = nte - s < (size_t)chunk ? (int)(nte - s) : chunk;
        net_fwd_infer(&net, n, fa + (ntr + s) * nc, work, sa + s);
        net_fwd_infer(&net, n, fb + (ntr + s) * nc, work, sb + s);
    }
    double auc = c2st_auc_scores(sa, nte, sb, nte);
    free(work), free(sa), free(sb), free(pa), free(pb), free(fa), free(fb), free(grad);
    net_cache_free(&c);
    net_free(&net);
    return auc;
}
