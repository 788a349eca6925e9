/* test_adagan.c — AdaGAN's weights against a hand computation (clipping at 0, normalisation),
 * the beta rules' mixtures, nn_bce_logits_w, and the ensemble's component draws against its
 * mixture weights (chi-square). */
#include "check.h"
#include "base/rng.h"
#include "model/adagan.h"
#include "model/ensemble.h"
#include "model/nn.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double logit(double d) { return log(d / (1 - d)); }

static void hand_weights(void)
{
    /* N = 4, beta = 1/2, D = 0.5 0.8 0.2 0.9: h = (1-beta)(1-D)/D = 1/2 1/8 2 1/18. Sorted
     * 1/18 1/8 1/2 2; lambda_k = (N beta + sum of the k smallest) / k: k=3 gives
     * (2 + 49/72) / 3 = 193/216 > 1/2, k=4 gives (2 + 193/72) / 4 = 1.17 < 2, so lambda* =
     * 193/216 and w = (lambda - h) / (N beta): 85/432, 166/432, 0 (clipped: h = 2 > lambda),
     * 181/432; they sum to 432/432. */
    double z[4] = {logit(0.5), logit(0.8), logit(0.2), logit(0.9)}, w[4], tmp[4];
    double lambda = adagan_weights(4, z, 0.5, w, tmp);
    CHECK_CLOSE(lambda, 193.0 / 216, 1e-12, 0, "lambda*");
    CHECK_CLOSE(w[0], 85.0 / 432, 1e-12, 0, "w (D=0.5)");
    CHECK_CLOSE(w[1], 166.0 / 432, 1e-12, 0, "w (D=0.8)");
    CHECK(w[2] == 0.0, "w (D=0.2) clipped to 0: %g", w[2]);
    CHECK_CLOSE(w[3], 181.0 / 432, 1e-12, 0, "w (D=0.9)");
    CHECK_CLOSE(w[0] + w[1] + w[2] + w[3], 1.0, 1e-12, 0, "weights sum to 1");
    /* D = 1/2 everywhere (the ensemble is the data): every row 1/N */
    double e[5] = {0, 0, 0, 0, 0}, we[5], t5[5];
    adagan_weights(5, e, 0.3, we, t5);
    int eq = 1;
    for (int i = 0; i < 5; i++) eq &= fabs(we[i] - 0.2) < 1e-12;
    CHECK(eq, "D = 1/2 everywhere: weights 1/N");
    /* beta = 1: (p/beta) lambda, h = 0: uniform whatever D says */
    adagan_weights(4, z, 1.0, w, tmp);
    CHECK_CLOSE(w[2], 0.25, 1e-12, 0, "beta 1: uniform");
    /* many random rows: sum 1, non-negative, larger for larger D */
    enum { N = 1000 };
    double *zz = malloc(N * sizeof *zz), *ww = malloc(N * sizeof *ww), *tt = malloc(N * sizeof *tt);
    Rng r;
    rng_seed(&r, 5);
    for (int i = 0; i < N; i++) zz[i] = 3 * rng_normal(&r);
    adagan_weights(N, zz, 0.25, ww, tt);
    double s = 0;
    int mono = 1, neg = 0, zeros = 0;
    for (int i = 0; i < N; i++) {
        s += ww[i], neg += ww[i] < 0, zeros += ww[i] == 0;
        for (int j = 0; j < 20; j++)
            if (zz[j] < zz[i] && ww[j] > ww[i]) mono = 0;
    }
    CHECK_CLOSE(s, 1.0, 1e-9, 0, "1000 rows: sum 1");
    CHECK(neg == 0, "no negative weight (%d)", neg);
    CHECK(zeros > 0 && zeros < N, "some rows clipped, not all (%d)", zeros);
    CHECK(mono, "weight grows with D");
    free(zz), free(ww), free(tt);
}

static void rules(void)
{
    double m[4];
    CHECK(adagan_rule_check("uniform") == 0, "uniform");
    CHECK(adagan_rule_check("const:0.5") == 0, "const:0.5");
    CHECK(adagan_rule_check("const:1") != 0, "const:1 refused");
    CHECK(adagan_rule_check("const:") != 0, "const: refused");
    CHECK(adagan_rule_check("geometric") != 0, "unknown refused");
    adagan_mix("uniform", 3, m);
    CHECK(fabs(m[0] - 0.25) < 1e-15 && fabs(m[3] - 0.25) < 1e-15, "uniform: 1/(T+1) each");
    CHECK_CLOSE(adagan_beta("uniform", 3), 0.25, 1e-15, 0, "beta_3 = 1/4");
    adagan_mix("const:0.5", 3, m);
    CHECK_CLOSE(m[0], 0.125, 1e-15, 0, "const:0.5 component 0: (1-B)^T");
    CHECK_CLOSE(m[1], 0.125, 1e-15, 0, "const:0.5 component 1: B(1-B)^2");
    CHECK_CLOSE(m[3], 0.5, 1e-15, 0, "const:0.5 last: B");
}

static void weighted_bce(void)
{
    float z[3] = {0.3f, -2.0f, 5.0f}, w1[3] = {1, 1, 1}, w[3] = {2, 0, 0.5f}, d0[3], d1[3], dw[3];
    double l0 = nn_bce_logits(3, z, 1.0f, d0), l1 = nn_bce_logits_w(3, z, 1.0f, w1, d1);
    CHECK(l0 == l1 && memcmp(d0, d1, sizeof d0) == 0, "weights of 1: the same bits");
    double lw = nn_bce_logits_w(3, z, 1.0f, w, dw);
    double want = 0;
    for (int i = 0; i < 3; i++) want += w[i] * log1p(exp(-(double)z[i])) / 3;
    CHECK_CLOSE(lw, want, 1e-6, 1e-6, "weighted loss = mean of w_i loss_i");
    CHECK(dw[1] == 0.0f && fabsf(dw[0] - 2 * d0[0]) < 1e-7f, "weighted gradient");
}

static void picks(void)
{
    /* 4 components, mix 0.1 0.2 0.3 0.4 (given unnormalised): 100000 draws, chi-square with 3
     * degrees of freedom below 16.27 (p = 0.001) */
    const char *paths[4] = {"a", "b", "c", "d"};
    double mix[4] = {1, 2, 3, 4};
    Ensemble e;
    ensemble_make(&e, 4, paths, mix);
    Rng r;
    rng_seed2(&r, 9, ENSEMBLE_STREAM_PICK);
    long cnt[4] = {0};
    enum { N = 100000 };
    for (int i = 0; i < N; i++) cnt[ensemble_pick(&e, rng_uniform(&r))]++;
    double chi2 = 0;
    for (int k = 0; k < 4; k++) {
        double ex = N * (k + 1) / 10.0;
        chi2 += (cnt[k] - ex) * (cnt[k] - ex) / ex;
    }
    CHECK(chi2 < 16.27, "draws match the mixture: chi2 %.2f (3 dof)", chi2);
    CHECK(ensemble_pick(&e, 0.0) == 0 && ensemble_pick(&e, 0.0999) == 0, "u < 0.1: first");
    CHECK(ensemble_pick(&e, 0.1001) == 1 && ensemble_pick(&e, 0.9999999) == 3, "boundaries");
    CHECK(ensemble_component_seed(1, 0) != ensemble_component_seed(1, 1), "component seeds differ");
    CHECK(ensemble_component_seed(1, 1) != ensemble_component_seed(2, 0), "seed+1 is not the next component");
    ensemble_free(&e);
}

int main(void)
{
    hand_weights();
    rules();
    weighted_bce();
    picks();
    return check_done("test_adagan");
}
