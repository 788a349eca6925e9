/* test_surrogate.c — the RBF interpolates exactly without noise and smooths with it; the GP's
 * marginal-likelihood gradient matches finite differences and its fit beats its starting
 * point; the SLHD is Latin, symmetric and of full rank; Sobol indices of known functions; the
 * method table is complete and consistent, and every method proposes through it. */
#include "check.h"
#include "hpo/design.h"
#include "hpo/gp.h"
#include "hpo/propose.h"
#include "hpo/rbf.h"
#include "hpo/sobol.h"
#include "hpo/surrogate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double testf(const double *u, int d)
{
    double s = 0;
    for (int j = 0; j < d; j++) s += sin(3 * u[j]) + (u[j] - 0.3) * (u[j] - 0.3);
    return s;
}

/* Every entry of the method table has a unique name, a label and a propose; a method with a
 * model has all of fit, predict, free, score and merit, one without a model none of them; an
 * unknown name is not found; the model that stands for any method (or none) has a model. */
static void check_table(void)
{
    int n = surrogate_method_count();
    CHECK(n >= 4, "%d methods", n);
    CHECK(surrogate_method_at(-1) == NULL && surrogate_method_at(n) == NULL, "out of range");
    CHECK(surrogate_method_at(0)->fit != NULL, "the default method has a model");
    char names[512];
    surrogate_method_names(names, sizeof names, ",");
    for (int i = 0; i < n; i++) {
        const SurrogateMethod *m = surrogate_method_at(i);
        CHECK(m->name && m->name[0] && m->label && m->label[0], "entry %d named and labelled", i);
        CHECK(m->propose != NULL, "%s: propose", m->name);
        int model = m->fit != NULL;
        CHECK(model == (m->predict != NULL) && model == (m->free != NULL) &&
              model == (m->score != NULL) && model == (m->merit != NULL),
              "%s: fit, predict, free, score and merit all or none", m->name);
        CHECK(model || m->condition == NULL, "%s: condition only with a model", m->name);
        CHECK(surrogate_method_find(m->name) == m, "%s: found by its name", m->name);
        for (int k = 0; k < i; k++)
            CHECK(strcmp(surrogate_method_at(k)->name, m->name) != 0, "%s: name unique", m->name);
        CHECK(strchr(m->name, ',') == NULL && strchr(m->name, '|') == NULL, "%s: plain name", m->name);
        const SurrogateMethod *fm = surrogate_method_model(m);
        CHECK(fm->fit != NULL && (!model || fm == m), "%s: stood for by a model method", m->name);
        char *at = strstr(names, m->name);
        CHECK(at && (at == names || at[-1] == ',') && (at[strlen(m->name)] == ',' || !at[strlen(m->name)]),
              "%s in the list '%s'", m->name, names);
    }
    CHECK(surrogate_method_find("tpe") == NULL, "unknown name not found");
    CHECK(surrogate_method_find("") == NULL && surrogate_method_find(NULL) == NULL, "empty name");
    CHECK(surrogate_method_find("RBF") == NULL, "names are case-sensitive");
    CHECK(surrogate_method_model(NULL) == surrogate_method_at(0), "unknown: the default's model");
    surrogate_method_names(names, 4, ",");
    CHECK(strlen(names) == 3, "names truncated to the buffer");
}

/* Through the table alone: each model fits a bowl (its minimum predicted below a far corner),
 * and each method proposes points that are new and distinct. */
static void check_methods(void)
{
    enum { D = 2, H = 12, K = 5 };
    char *nm[D] = { "a", "b" };
    long lo[D] = { 0, 0 }, hi[D] = { 10, 10 }, hk[H * D];
    double sc[D] = { 1, 1 }, hy[H], hv[H];
    int ok[H];
    Space sp = { .d = D, .name = nm, .lo = lo, .hi = hi, .scale = sc };
    for (int i = 0; i < H; i++) {       /* distinct lattice points (i, 7i mod 11) */
        hk[i * D] = i % 11;
        hk[i * D + 1] = (7 * i + i / 11) % 11;
        double u0 = hk[i * D] / 10.0, u1 = hk[i * D + 1] / 10.0;
        hy[i] = (u0 - 0.3) * (u0 - 0.3) + (u1 - 0.7) * (u1 - 0.7);
        hv[i] = 1e-4;
        ok[i] = i != 5;                 /* one failed row */
    }
    PointSet h = { .n = H, .k = hk, .y = hy, .var = hv, .ok = ok }, none = { 0 };
    for (int i = 0; i < surrogate_method_count(); i++) {
        const SurrogateMethod *m = surrogate_method_at(i);
        Rng r;
        rng_seed(&r, 11);
        if (m->fit) {
            void *model = surrogate_fit(m, &sp, &h, m->cap, 1.0, NOISE_PRIOR_DOF, PRUNED_SD, &r);
            double best[D] = { 0.3, 0.7 }, far[D] = { 1, 0 };
            CHECK(m->predict(model, best) < m->predict(model, far), "%s: bowl minimum", m->name);
            m->free(model);
        }
        Proposer p = { .sp = &sp, .hist = &h, .pend = &none, .n = K, .n_init = 4, .budget = 30,
                       .ncand = 200, .seed = 3, .cap = surrogate_method_model(m)->cap,
                       .smoothing = 1.0 };
        rng_seed2(&p.rng, 3, H + 1);
        proposer_init(&p);
        m->propose(&p, m);
        CHECK(p.nout == K, "%s: %d of %d proposed", m->name, p.nout, K);
        KeySet seen;
        keyset_init(&seen);
        for (int k = 0; k < H; k++) keyset_add(&seen, space_key(&sp, hk + k * D));
        int fresh = 1;
        for (int k = 0; k < p.nout; k++) fresh &= keyset_add(&seen, space_key(&sp, p.out + k * D));
        CHECK(fresh, "%s: proposals new and distinct", m->name);
        keyset_free(&seen);
        proposer_free(&p);
    }
}

/* A pruned row (surrogate_fit's pruned_sd; surrogate.h PRUNED_SD), for each model: without
 * pruned rows the fit is the same to the bit whatever pruned_sd (and with a pruned array of
 * zeros); on the raw objective a pruned row whose bound lies above the bowl near its minimum
 * is fitted more loosely than a plain observation but still pulls the model up (the value
 * there lies between the fit without the row and the plain fit), and the model's minimum is no
 * nearer to it than without the row; capped at the median, a bound far above the cap is
 * fitted as the plain row is (the cap absorbs its error). */
static void check_pruned(void)
{
    enum { D = 2, H = 12, G = 41 };
    char *nm[D] = { "a", "b" };
    long lo[D] = { 0, 0 }, hi[D] = { 10, 10 }, hk[(H + 1) * D];
    double sc[D] = { 1, 1 }, hy[H + 1], hv[H + 1], nt[H + 1];
    int ok[H + 1], pr[H + 1];
    Space sp = { .d = D, .name = nm, .lo = lo, .hi = hi, .scale = sc };
    for (int i = 0; i < H; i++) {
        hk[i * D] = i % 11;
        hk[i * D + 1] = (7 * i + i / 11) % 11;
        double u0 = hk[i * D] / 10.0, u1 = hk[i * D + 1] / 10.0;
        hy[i] = 0.1 + (u0 - 0.3) * (u0 - 0.3) + (u1 - 0.7) * (u1 - 0.7);
        hv[i] = 1e-4;
        nt[i] = 2;
        ok[i] = 1;
        pr[i] = 0;
    }
    /* the pruned set at (0.5, 0.5), where the bowl is 0.18: bad at its rung, bound 0.4 */
    double at[D] = { 0.5, 0.5 };
    hk[H * D] = 5, hk[H * D + 1] = 5, hy[H] = 0.4, hv[H] = 1e-4, nt[H] = 2, ok[H] = 1, pr[H] = 1;
    PointSet plain = { .n = H, .k = hk, .y = hy, .var = hv, .nt = nt, .ok = ok };
    PointSet zeros = plain, with = plain, high;
    zeros.pruned = pr;
    with.pruned = pr;
    with.n = H + 1;
    /* the same row bounded at 0.9, far above the median (0.39) */
    double hy2[H + 1];
    memcpy(hy2, hy, sizeof hy2);
    hy2[H] = 0.9;
    high = with;
    high.y = hy2;
    for (int mi = 0; mi < surrogate_method_count(); mi++) {
        const SurrogateMethod *m = surrogate_method_at(mi);
        if (!m->fit) continue;
        void *f[7];
        const PointSet *hs[7] = { &plain, &plain, &zeros, &with, &with, &high, &high };
        double sds[7] = { 0, PRUNED_SD, PRUNED_SD, 0, PRUNED_SD, 0, PRUNED_SD };
        for (int k = 0; k < 7; k++) {
            Rng r;
            rng_seed(&r, 5);
            f[k] = surrogate_fit(m, &sp, hs[k], k >= 5, 1.0, NOISE_PRIOR_DOF, sds[k], &r);
        }
        int same = 1, capsame = 1;
        double amin[3][D], vmin[3] = { INFINITY, INFINITY, INFINITY };
        for (int g = 0; g < G * G; g++) {
            double u[D] = { (g % G) / (G - 1.0), (g / G) / (G - 1.0) }, v[7];
            for (int k = 0; k < 7; k++) v[k] = m->predict(f[k], u);
            same &= memcmp(&v[0], &v[1], sizeof v[0]) == 0 && memcmp(&v[0], &v[2], sizeof v[0]) == 0;
            capsame &= memcmp(&v[5], &v[6], sizeof v[5]) == 0;
            /* the minima without the row, with it plain, with it pruned */
            int which[3] = { 0, 3, 4 };
            for (int w = 0; w < 3; w++)
                if (v[which[w]] < vmin[w]) vmin[w] = v[which[w]], memcpy(amin[w], u, sizeof u);
        }
        CHECK(same, "%s: no pruned rows, the same fit to the bit whatever pruned_sd", m->name);
        double without = m->predict(f[0], at), asplain = m->predict(f[3], at), pruned = m->predict(f[4], at);
        CHECK(pruned < asplain - 1e-3, "%s: the pruned row fitted more loosely (%g) than plain (%g)",
              m->name, pruned, asplain);
        CHECK(pruned > without + 1e-3, "%s: the pruned row still pulls the model up (%g, %g without it)",
              m->name, pruned, without);
        double d0 = unit_dist(amin[0], at, D), d2 = unit_dist(amin[2], at, D);
        CHECK(d2 >= d0 - 1e-12, "%s: minimum %g from the pruned set, %g without it", m->name, d2, d0);
        CHECK(capsame, "%s: capped, a bound far above the cap fitted as a plain row", m->name);
        for (int k = 0; k < 7; k++) m->free(f[k]);
    }
}

static double additive(const void *ctx, const double *u) { (void)ctx; return u[0] + 0.1 * u[1]; }
static double product(const void *ctx, const double *u) { (void)ctx; return (u[0] - 0.5) * (u[1] - 0.5) + 0.2 * u[2]; }

/* surrogate_noise: sets of 2 trials with sd 0.1 and one whose 2 trials agreed by chance (sd
 * 0.001), plus a 1-trial set: the pooled variance is the sets' sd^2 weighted by n-1, the lucky
 * set's variance of its mean is pulled up to nearly the others' instead of ~0, the 1-trial
 * set (no degrees of freedom of its own) gets the pooled value; prior 0 keeps the variances. */
static void test_noise(void)
{
    enum { N = 6 };
    long k[N] = { 0 };
    double y[N] = { 1, 1, 1, 1, 1, 1 }, var[N], nt[N] = { 2, 2, 2, 2, 2, 1 }, out[N];
    int ok[N] = { 1, 1, 1, 1, 1, 1 };
    for (int i = 0; i < N; i++) var[i] = 0.1 * 0.1 / nt[i];
    var[3] = 0.001 * 0.001 / 2;
    var[5] = 0;
    PointSet h = { .n = N, .k = k, .y = y, .var = var, .nt = nt, .ok = ok };
    double sp2 = surrogate_noise(&h, 4, out);
    double want = (4 * 0.01 + 0.001 * 0.001) / 5;
    CHECK(fabs(sp2 - want) < 1e-12, "pooled variance %g, want %g", sp2, want);
    CHECK(out[3] > 0.5 * sp2 / 2, "lucky set: variance of its mean %g, not ~%g", out[3], var[3]);
    CHECK(fabs(out[0] - (4 * sp2 + 0.01) / 5 / 2) < 1e-12, "a 2-trial set: (4 s_p^2 + s_i^2) / 5 / 2 (%g)", out[0]);
    CHECK(fabs(out[5] - sp2) < 1e-12, "a 1-trial set takes the pooled variance (%g)", out[5]);
    ok[1] = 0;
    surrogate_noise(&h, 4, out);
    CHECK(out[1] == 0, "a failed row gets 0");
    surrogate_noise(&h, 0, out);
    CHECK(out[3] == var[3] && out[0] == var[0], "prior 0: per-set variances as given");
    h.nt = NULL;
    surrogate_noise(&h, 4, out);
    CHECK(out[3] == var[3], "no trial counts: per-set variances as given");
}

/* The true first-order index of u2 in product(): Var(0.2 u2) over the total variance. */
static double v3_of_product(void)
{
    double v12 = 1.0 / 144, v3 = 0.04 / 12;
    return v3 / (v12 + v3);
}

int main(void)
{
    test_noise();
    check_pruned();
    Rng r;
    rng_seed(&r, 7);
    enum { N = 30, D = 3 };
    double x[N * D], y[N], sm[N];

    /* RBF: exact where the smoothing is zero, off the data where it is not. */
    for (int i = 0; i < N * D; i++) x[i] = rng_uniform(&r);
    for (int i = 0; i < N; i++) { y[i] = testf(x + i * D, D) + 0.3 * rng_normal(&r); sm[i] = i % 2 ? 0.5 : 0; }
    Rbf m;
    rbf_fit(&m, x, y, NULL, N, D);
    double maxres = 0;
    for (int i = 0; i < N; i++) maxres = fmax(maxres, fabs(rbf_eval(&m, x + i * D) - y[i]));
    CHECK(maxres < 1e-8, "interpolation residual %g", maxres);
    CHECK(m.tail == 1, "linear tail used with %d points in %d-D", N, D);
    rbf_free(&m);
    rbf_fit(&m, x, y, sm, N, D);
    double res0 = 0, res1 = 0;
    for (int i = 0; i < N; i++) {
        double e = fabs(rbf_eval(&m, x + i * D) - y[i]);
        if (sm[i] == 0) res0 = fmax(res0, e); else res1 = fmax(res1, e);
    }
    CHECK(res0 < 1e-8, "noise-free points still interpolated (%g)", res0);
    CHECK(res1 > 1e-3, "noisy points smoothed (max residual %g)", res1);
    rbf_free(&m);
    /* One point, or too few for the linear tail: a constant tail, still exact. */
    rbf_fit(&m, x, y, NULL, 2, D);
    CHECK(m.tail == 0, "constant tail with 2 points");
    CHECK_CLOSE(rbf_eval(&m, x + D), y[1], 1e-9, 0, "2-point interpolation");
    rbf_free(&m);
    rbf_fit(&m, x, y, NULL, 1, D);
    CHECK_CLOSE(rbf_eval(&m, x + 2 * D), y[0], 1e-9, 0, "1-point model is the constant");
    rbf_free(&m);

    /* GP: analytic gradient vs central differences at random hyperparameters. */
    double noise[N], yc[N], mean = 0;
    for (int i = 0; i < N; i++) mean += y[i] / N;
    for (int i = 0; i < N; i++) { yc[i] = y[i] - mean; noise[i] = 0.01 * (i % 3); }
    for (int trial = 0; trial < 3; trial++) {
        double th[D + 2], g[D + 2];
        for (int j = 0; j < D; j++) th[j] = log(0.1 + rng_uniform(&r));
        th[D] = log(0.5 + rng_uniform(&r));
        th[D + 1] = log(1e-3 + 0.1 * rng_uniform(&r));
        double f = gp_nll(x, yc, noise, N, D, th, g);
        CHECK(isfinite(f), "finite NLL");
        for (int j = 0; j < D + 2; j++) {
            double h = 1e-5, tp[D + 2], tm[D + 2];
            memcpy(tp, th, sizeof th); memcpy(tm, th, sizeof th);
            tp[j] += h; tm[j] -= h;
            double fd = (gp_nll(x, yc, noise, N, D, tp, NULL) - gp_nll(x, yc, noise, N, D, tm, NULL)) / (2 * h);
            CHECK_CLOSE(g[j], fd, 1e-5, 1e-4, "dNLL/dtheta");
        }
    }
    Gp gp;
    gp_fit(&gp, x, yc, noise, N, D, &r, 3);
    double th0[D + 2] = { log(0.3), log(0.3), log(0.3), 0, log(1e-3) };
    CHECK(gp_nll(x, yc, noise, N, D, gp.theta, NULL) <= gp_nll(x, yc, noise, N, D, th0, NULL) + 1e-9,
          "fitted hyperparameters no worse than the default start");
    double mu, sd, mu_far, sd_far, far[D] = { 0.5, 0.5, 0.5 };
    gp_predict(&gp, x, &mu, &sd);
    gp_predict(&gp, far, &mu_far, &sd_far);
    CHECK(fabs(mu - yc[0]) < 3 * sqrt(exp(gp.theta[D + 1]) + noise[0]) + 0.5, "GP mean near the data (%g vs %g)", mu, yc[0]);
    CHECK(sd > 0 && isfinite(sd_far), "positive predictive sd");
    gp_free(&gp);

    /* SLHD: Latin in every column, symmetric through the centre, [1 X] of full rank. */
    enum { SN = 14, SD = 6 };
    double u[SN * SD];
    slhd(&r, SN, SD, 100, u);
    int latin = 1, sym = 1;
    for (int j = 0; j < SD; j++) {
        int seen[SN] = { 0 };
        for (int i = 0; i < SN; i++) {
            int lv = (int)floor(u[i * SD + j] * SN);
            if (lv < 0 || lv >= SN || seen[lv]++) latin = 0;
            if (fabs(u[i * SD + j] + u[(SN - 1 - i) * SD + j] - 1) > 1e-12) sym = 0;
        }
    }
    CHECK(latin, "each column hits each of %d levels once", SN);
    CHECK(sym, "design symmetric through the centre");
    CHECK(design_rank(u, SN, SD) == SD + 1, "[1 X] full rank (%d)", design_rank(u, SN, SD));
    double flat[4 * 2] = { 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4 };
    CHECK(design_rank(flat, 4, 2) == 2, "collinear design is rank deficient");

    /* Sobol: an additive function has S1 = ST; a product has a second-order term. */
    double S1[3], ST[3], S2[9];
    sobol_indices(additive, NULL, 2, 20000, &r, S1, ST, NULL, NULL);
    CHECK_CLOSE(S1[0], 1 / 1.01, 0.03, 0, "S1 of the dominant input");
    CHECK_CLOSE(S1[1], 0.01 / 1.01, 0.02, 0, "S1 of the weak input");
    CHECK_CLOSE(ST[0], S1[0], 0.03, 0, "no interactions: ST = S1");
    /* the standard errors: the true indices of the product lie within 4 of them, and they
     * shrink as 1/sqrt(N) (a quarter of the samples, about twice the error) */
    double se[6], se4[6];
    sobol_indices(product, NULL, 3, 20000, &r, S1, ST, NULL, se);
    CHECK(fabs(S1[2] - v3_of_product()) < 4 * se[4] + 1e-12, "S1 of u2 within 4 SE (%g, se %g)", S1[2], se[4]);
    CHECK(fabs(ST[0] - (1.0 / 144) / (1.0 / 144 + 0.04 / 12)) < 4 * se[1], "ST of u0 within 4 SE (%g, se %g)", ST[0], se[1]);
    CHECK(se[0] > 0 && se[1] > 0 && se[1] < 0.05, "standard errors positive and small (%g, %g)", se[0], se[1]);
    sobol_indices(product, NULL, 3, 5000, &r, S1, ST, NULL, se4);
    CHECK(se4[1] / se[1] > 1.6 && se4[1] / se[1] < 2.5, "SE grows as 1/sqrt(N): ratio %g", se4[1] / se[1]);
    sobol_indices(product, NULL, 3, 20000, &r, S1, ST, S2, NULL);
    /* Var((u0-.5)(u1-.5)) = 1/144, Var(0.2 u2) = 0.04/12. */
    double v12 = 1.0 / 144, v3 = 0.04 / 12, tot = v12 + v3;
    CHECK_CLOSE(S2[0 * 3 + 1], v12 / tot, 0.06, 0, "S2 of the interacting pair");
    CHECK_CLOSE(S1[0], 0, 0.05, 0, "no first-order effect of u0");
    CHECK_CLOSE(S1[2], v3 / tot, 0.05, 0, "S1 of the additive input");
    CHECK_CLOSE(S2[0 * 3 + 2], 0, 0.05, 0, "no u0-u2 interaction");
    check_table();
    check_methods();
    return check_done("test_surrogate");
}
