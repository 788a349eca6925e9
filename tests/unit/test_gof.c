/* test_gof.c — KS, quantile bins and binned chi2 (data/gof.h) against hand computations; the
 * classifier test's AUC from scores (model/c2st.h) on hand-counted cases, and its AUC on
 * identical and on separated samples; the derived observables (data/observables.h) of events
 * worked out by hand. scipy's agreement is tests/gan-eval.bats's (make_gof_golden.py). */
#include "check.h"
#include "base/rng.h"
#include "data/gof.h"
#include "data/observables.h"
#include "model/c2st.h"

#include <stdlib.h>

static void test_ks(void)
{
    double a[] = {1, 2, 3, 4}, b[] = {3, 4, 5, 6, 7, 8};
    /* at x = 2: F_a = 1/2, F_b = 0; at 3: 3/4 vs 1/6 (0.5833); at 4: 1 vs 2/6 (0.6667) */
    CHECK_CLOSE(gof_ks_sorted(a, 4, b, 6), 2.0 / 3.0, 1e-15, 0, "KS of overlapping samples");
    CHECK_CLOSE(gof_ks_sorted(a, 4, a, 4), 0, 0, 0, "KS of a sample with itself");
    double c[] = {10, 11};
    CHECK_CLOSE(gof_ks_sorted(a, 4, c, 2), 1, 0, 0, "KS of separated samples");
    CHECK_CLOSE(gof_ks_sorted(a, 0, c, 2), 0, 0, 0, "KS with an empty sample");
}

static void test_bins(void)
{
    double ref[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, e[4];
    gof_edges(ref, 10, 5, e);   /* floor(m 10 / 5) = 2, 4, 6, 8 */
    CHECK(e[0] == 2 && e[1] == 4 && e[2] == 6 && e[3] == 8, "edges %g %g %g %g", e[0], e[1], e[2], e[3]);
    CHECK(gof_bin(e, 5, -100) == 0, "below the first edge");
    CHECK(gof_bin(e, 5, 2) == 1, "on an edge: the bin above (searchsorted right)");
    CHECK(gof_bin(e, 5, 7.5) == 3, "inside");
    CHECK(gof_bin(e, 5, 1e9) == 4, "above the last edge");
    double x[] = {-1, 2, 2, 3, 8, 9, 100};
    long n[5];
    gof_count_sorted(x, 7, e, 5, n);
    CHECK(n[0] == 1 && n[1] == 3 && n[2] == 0 && n[3] == 0 && n[4] == 3, "counts %ld %ld %ld %ld %ld",
          n[0], n[1], n[2], n[3], n[4]);
}

static void test_chi2(void)
{
    /* table (10 20 | 20 10), N_A = N_B = 30: expected 15 everywhere, chi2 = 4 * 25/15 */
    long a[] = {10, 20, 0}, b[] = {20, 10, 0};
    int ndf;
    CHECK_CLOSE(gof_chi2(a, b, 3, &ndf), 4 * 25.0 / 15.0, 1e-12, 0, "2x2 chi2 (empty bin dropped)");
    CHECK(ndf == 1, "ndf %d", ndf);
    /* proportional samples: chi2 0 */
    long c[] = {5, 10, 15}, d[] = {10, 20, 30};
    CHECK_CLOSE(gof_chi2(c, d, 3, &ndf), 0, 1e-12, 0, "proportional counts");
    CHECK(ndf == 2, "ndf %d", ndf);
    /* unequal sizes: (N_B a - N_A b)^2 / (N_A N_B (a + b)) summed; N_A = 4, N_B = 8 */
    long e[] = {3, 1}, f[] = {2, 6};
    double want = (8.0 * 3 - 4.0 * 2) * (8.0 * 3 - 4.0 * 2) / (32.0 * 5) +
                  (8.0 * 1 - 4.0 * 6) * (8.0 * 1 - 4.0 * 6) / (32.0 * 7);
    CHECK_CLOSE(gof_chi2(e, f, 2, &ndf), want, 1e-12, 0, "unequal sizes");
}

static void test_auc(void)
{
    float s1[] = {0.9f, 0.8f, 0.3f}, s0[] = {0.1f, 0.3f};
    /* pairs (s1 > s0): 0.9 > both, 0.8 > both, 0.3 > 0.1 and ties 0.3: 2 + 2 + 1 + 0.5 = 5.5 of 6 */
    CHECK_CLOSE(c2st_auc_scores(s1, 3, s0, 2), 5.5 / 6, 1e-12, 0, "AUC with a tie");
    CHECK_CLOSE(c2st_auc_scores(s0, 2, s1, 3), 0.5 / 6, 1e-12, 0, "AUC with the labels swapped");
    /* the classifier: one sample against itself is chance; far apart is (almost) always told */
    enum { N = 2000 };
    double *a = malloc(2 * N * sizeof *a), *b = malloc(2 * N * sizeof *b);
    Rng r;
    rng_seed(&r, 5);
    for (int i = 0; i < 2 * N; i++) a[i] = rng_normal(&r), b[i] = rng_normal(&r);
    C2stConfig cc = c2st_defaults();
    size_t used;
    double same = c2st_auc(a, N, b, N, 2, &cc, &used);
    CHECK(used == N, "rows used %zu", used);
    CHECK(same > 0.45 && same < 0.55, "AUC of one distribution %g", same);
    CHECK(c2st_auc(a, N, b, N, 2, &cc, NULL) == same, "the same seed, the same AUC");
    for (int i = 0; i < 2 * N; i += 2) b[i] += 6.0;
    double apart = c2st_auc(a, N, b, N, 2, &cc, NULL);
    CHECK(apart > 0.99, "AUC of far-apart samples %g", apart);
    free(a), free(b);
}

static void test_observables(void)
{
    const ObsKind *k = obs_kind("dimuon");
    CHECK(k && k->nout == 7, "dimuon kind");
    /* back-to-back at eta 0, pT 45.0 and 40.0 given subleading first: m^2 = (E1+E2)^2 - 5^2 */
    double in[] = {40, 0, 3.0, 45, 0, 3.0 - 3.141592653589793}, v[16];
    k->compute(in, v);
    double e1 = sqrt(45.0 * 45 + 0.1056583755 * 0.1056583755), e2 = sqrt(40.0 * 40 + 0.1056583755 * 0.1056583755);
    CHECK_CLOSE(v[0], 45, 0, 0, "leading pT: the larger");
    CHECK_CLOSE(v[1], 40, 0, 0, "subleading pT");
    CHECK_CLOSE(v[2], sqrt((e1 + e2) * (e1 + e2) - 25), 1e-9, 1e-12, "mll");
    CHECK_CLOSE(v[3], 5, 1e-9, 0, "ptll");
    CHECK_CLOSE(v[4], 0, 1e-12, 0, "yll");
    CHECK_CLOSE(v[5], 3.141592653589793, 1e-12, 0, "dphi back to back");
    CHECK_CLOSE(v[6], 0, 1e-12, 0, "cos theta* of a decay transverse to the beam");
    /* dphi wraps: 3 and -3 rad are 2 pi - 6 apart */
    double w[] = {50, 1, 3.0, 30, -1, -3.0};
    k->compute(w, v);
    CHECK_CLOSE(v[5], 2 * 3.141592653589793 - 6, 1e-12, 0, "dphi across pi");
    /* hadronization: a cluster at rest of mass 1 decays along +z: pions with |q| = sqrt(1/4 - m^2) */
    const ObsKind *h = obs_kind("hadronization");
    double hin[] = {1, 0, 0, 0, 0, 0.7};
    h->compute(hin, v);
    double q = sqrt(0.25 - 0.13957039 * 0.13957039);
    CHECK_CLOSE(v[0], 1, 1e-12, 0, "cluster mass");
    CHECK_CLOSE(v[1], 0.5, 1e-12, 0, "pi1 E");
    CHECK_CLOSE(v[4], q, 1e-12, 0, "pi1 pz");
    CHECK_CLOSE(v[8], -q, 1e-12, 0, "pi2 pz");
    CHECK_CLOSE(v[9], 3.141592653589793, 1e-9, 0, "pi2 theta: backwards");
    char *names[] = {"x", "pt1", "eta1", "phi1", "pt2", "eta2", "phi2"};
    CHECK(obs_detect(7, names) == k, "detected from a header");
    CHECK(obs_detect(3, names) == NULL, "not detected from part of it");
    CHECK(obs_kind("calo") == NULL, "an unknown kind");
}

int main(void)
{
    test_ks();
    test_bins();
    test_chi2();
    test_auc();
    test_observables();
    return check_done("test_gof");
}
