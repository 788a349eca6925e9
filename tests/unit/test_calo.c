/* test_calo.c — the shower simulator's physics (calo.h, event-gen(1)): the total visible
 * energy's mean and resolution against the sampling fraction and term, the mean depth growing
 * with log E, gamma deeper than e+, pi+ deeper, broader, with larger fluctuations and a MIP
 * fraction exp(-2.4), lateral widths per layer, sparsity, the Gamma variate's moments and the
 * profile fluctuations' correlation, reproducibility, and the shower-shape observables and
 * their W1 score (a hand-made shower; simulated samples of each particle against e+). Figures are printed so a failure
 * shows by how much. */
#include "check.h"
#include "data/calo.h"
#include "base/rng.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    double n, tot, tot2, depth, ly[CALO_NLAYER], wy[CALO_NLAYER], wx0, nz[CALO_NLAYER];
    double tstart, mip, nwy[CALO_NLAYER];
} Stats;

/* Energy-weighted std of the cell centres along y (rows) of layer l, or x (cols) if along_x. */
static double width(const CaloEvent *ev, int l, int along_x, double *esum)
{
    const CaloLayer *L = &calo_layers[l];
    double s = 0, s1 = 0, s2 = 0;
    for (int i = 0; i < L->rows; i++)
        for (int j = 0; j < L->cols; j++) {
            double e = ev->cell[calo_cell(l, i, j)];
            double c = along_x ? (j + 0.5) * L->dx : (i + 0.5) * L->dy;
            s += e, s1 += e * c, s2 += e * c * c;
        }
    *esum = s;
    if (s <= 0) return -1;
    double m = s1 / s, v = s2 / s - m * m;
    return sqrt(v > 0 ? v : 0);
}

static Stats run(int particle, double e0, int n, uint64_t seed)
{
    Stats st;
    memset(&st, 0, sizeof st);
    Rng r;
    rng_seed(&r, seed);
    CaloEvent ev;
    for (int k = 0; k < n; k++) {
        calo_generate(&r, particle, e0, &ev);
        double el[CALO_NLAYER] = {0}, tot = 0;
        for (int l = 0; l < CALO_NLAYER; l++) {
            const CaloLayer *L = &calo_layers[l];
            int nc = L->rows * L->cols, nz = 0;
            for (int c = 0; c < nc; c++) {
                el[l] += ev.cell[L->first + c];
                nz += ev.cell[L->first + c] > 0;
            }
            st.nz[l] += (double)nz / nc;
            st.ly[l] += el[l];
            tot += el[l];
            double es, w = width(&ev, l, 0, &es);
            if (w >= 0 && l > 0) st.wy[l] += w, st.nwy[l]++;
        }
        double es, w0 = width(&ev, 0, 1, &es);
        if (w0 >= 0) st.wx0 += w0;
        st.tot += tot;
        st.tot2 += tot * tot;
        if (tot > 0) st.depth += (el[1] + 2 * el[2]) / tot;
        st.tstart += ev.t_start;
        st.mip += ev.mip;
        st.n++;
    }
    return st;
}

static double mean_tot(const Stats *s) { return s->tot / s->n; }
static double rel_res(const Stats *s)
{
    double m = s->tot / s->n;
    return sqrt(s->tot2 / s->n - m * m) / m;
}

/* ---- shower shapes: a hand-made event, then W1 between simulated samples ---- */
static void shapes_sample(int particle, uint64_t seed, int n, double *out)
{
    Rng r;
    rng_seed(&r, seed);
    CaloEvent ev;
    for (int k = 0; k < n; k++) {
        double e0 = 1 + 99 * rng_uniform(&r);
        calo_generate(&r, particle, e0, &ev);
        calo_shapes(ev.cell, e0, out + (size_t)k * CALO_NSHAPE);
    }
}

static void check_shapes(void)
{
    float cell[CALO_NCELL] = {0};
    cell[calo_cell(0, 0, 10)] = 3, cell[calo_cell(0, 0, 12)] = 1, cell[calo_cell(1, 5, 5)] = 2;
    cell[calo_cell(2, 3, 3)] = -0.5f;   /* negative: ignored, as a zero */
    cell[calo_cell(2, 7, 4)] = 1;       /* x = 4.5 * 80 - 240 mm */
    double s[CALO_NSHAPE];
    calo_shapes(cell, 10, s);
    const double want[CALO_NSHAPE] = {4, 2, 1, 0.7, 0.5, (2.0 + 2 * 1) / 7, sqrt(18.75), 0, 0,
                                      2.0 / 288, 1.0 / 144, 1.0 / 72};
    for (int k = 0; k < CALO_NSHAPE; k++) CHECK_CLOSE(s[k], want[k], 1e-12, 1e-12, calo_shape_names[k]);

    enum { NS = 2000 };
    static double a[NS * CALO_NSHAPE], b[NS * CALO_NSHAPE], g[NS * CALO_NSHAPE], p[NS * CALO_NSHAPE], work[3 * NS];
    shapes_sample(CALO_EPLUS, 11, NS, a);
    shapes_sample(CALO_EPLUS, 12, NS, b);
    shapes_sample(CALO_GAMMA, 13, NS, g);
    shapes_sample(CALO_PIPLUS, 14, NS, p);
    double per[CALO_NSHAPE];
    double wee = calo_shapes_w1(a, NS, b, NS, per, work);
    double weg = calo_shapes_w1(g, NS, b, NS, NULL, work);
    double wep = calo_shapes_w1(p, NS, b, NS, NULL, work);
    printf("shower-shape W1 / sd: e+ vs e+ %.4f, gamma vs e+ %.4f, pi+ vs e+ %.4f\n", wee, weg, wep);
    CHECK(wee < 0.1, "two e+ samples: shape W1 %g", wee);
    CHECK(weg > 2 * wee, "gamma vs e+ %g not above two e+ samples' %g", weg, wee);
    CHECK(wep > 5 * weg, "pi+ vs e+ %g not far above gamma vs e+ %g", wep, weg);
    for (int k = 0; k < CALO_NSHAPE; k++) CHECK(per[k] < 0.15, "e+ vs e+: %s W1 %g", calo_shape_names[k], per[k]);
    /* the score is in units of the reference's spread: scaling every energy (and E0) of both
     * samples by 10 leaves it unchanged */
    memcpy(g, a, sizeof a);
    memcpy(p, b, sizeof b);
    for (int i = 0; i < NS; i++)
        for (int k = 0; k < 3; k++) g[i * CALO_NSHAPE + k] *= 10, p[i * CALO_NSHAPE + k] *= 10;
    CHECK_CLOSE(calo_shapes_w1(g, NS, p, NS, NULL, work), wee, 0, 1e-9, "score scale-free");
    /* a sample against itself is 0 */
    CHECK(calo_shapes_w1(b, NS, b, NS, NULL, work) == 0, "a sample against itself");
}

int main(void)
{
    enum { N = 3000 };
    /* ---- the Gamma variate: mean a, variance a (both below and above shape 1) ---- */
    Rng r;
    rng_seed(&r, 7);
    const double shapes[] = {0.3, 1.0, 4.5};
    for (int i = 0; i < 3; i++) {
        double a = shapes[i], s = 0, s2 = 0;
        enum { NG = 200000 };
        for (int k = 0; k < NG; k++) {
            double g = calo_gamma_variate(&r, a);
            s += g, s2 += g * g;
        }
        double m = s / NG, v = s2 / NG - m * m;
        CHECK_CLOSE(m, a, 0, 0.01, "gamma variate mean");
        CHECK_CLOSE(v, a, 0, 0.03, "gamma variate variance");
    }

    /* ---- e+: total visible energy = f_samp E times the containment, resolution a/sqrt(E) ---- */
    const double es[] = {2, 10, 50};
    Stats e[3];
    for (int i = 0; i < 3; i++) {
        e[i] = run(CALO_EPLUS, es[i], N, 100 + i);
        double frac = mean_tot(&e[i]) / es[i], res = rel_res(&e[i]), want = CALO_A_EM / sqrt(es[i]);
        printf("e+ %4.0f GeV: visible/E0 %.4f (f_samp %.2f), sigma/E %.4f (a/sqrt(E) %.4f), "
               "depth %.3f, y-width L1 %.1f L2 %.1f mm, x-width L0 %.1f mm, occupancy %.3f %.3f %.3f\n",
               es[i], frac, CALO_FSAMP, res, want, e[i].depth / N, e[i].wy[1] / e[i].nwy[1],
               e[i].wy[2] / e[i].nwy[2], e[i].wx0 / N, e[i].nz[0] / N, e[i].nz[1] / N, e[i].nz[2] / N);
        /* containment of 24 X0 and 6 Moliere radii: 93-100%, plus the noise passing the
         * threshold (504 cells, P(z > 3) = 0.13%, about 3.3 MeV each: 2.3 MeV) */
        double noise = 504 * 0.00135 * 0.0033 / es[i];
        CHECK(frac > 0.93 * CALO_FSAMP && frac < 1.0 * CALO_FSAMP + noise, "e+ %g GeV visible/E0 %g", es[i], frac);
        /* leakage fluctuations add to the sampling term, in quadrature, by at most this much */
        CHECK(res > 0.9 * want && res < sqrt(want * want + 0.012 * 0.012) * 1.15,
              "e+ %g GeV sigma/E %g against a/sqrt(E) %g", es[i], res, want);
    }
    /* mean depth (layer index weighted by energy) grows with log E */
    CHECK(e[1].depth > e[0].depth + 0.03 * N, "depth 10 GeV %g vs 2 GeV %g", e[1].depth / N, e[0].depth / N);
    CHECK(e[2].depth > e[1].depth + 0.03 * N, "depth 50 GeV %g vs 10 GeV %g", e[2].depth / N, e[1].depth / N);
    /* more cells are lit at higher energy; layer 0's fine strips are mostly empty */
    for (int l = 0; l < CALO_NLAYER; l++)
        CHECK(e[2].nz[l] > e[0].nz[l], "layer %d occupancy 50 GeV %g vs 2 GeV %g", l, e[2].nz[l] / N, e[0].nz[l] / N);
    CHECK(e[0].nz[0] / N < 0.25, "layer 0 occupancy at 2 GeV %g", e[0].nz[0] / N);
    CHECK(e[0].nz[0] / N > 0.005, "layer 0 occupancy at 2 GeV %g", e[0].nz[0] / N);
    /* lateral width: layer 1 sees a width of order the Moliere radius at every energy, the
     * 5 mm strips of layer 0 a narrower one; the shower broadens with depth (layers 1 and 2
     * share the 40 mm rows; compared at 50 GeV, where layer 2 holds enough energy to tell) */
    for (int i = 0; i < 3; i++) {
        double w1 = e[i].wy[1] / e[i].nwy[1], w0 = e[i].wx0 / N;
        CHECK(w1 > 0.4 * CALO_RM_MM && w1 < 1.0 * CALO_RM_MM, "e+ %g GeV: y-width layer 1 %g mm", es[i], w1);
        CHECK(w0 > 0.2 * CALO_RM_MM && w0 < 0.6 * CALO_RM_MM, "e+ %g GeV: x-width layer 0 %g mm", es[i], w0);
    }
    CHECK(e[2].wy[2] / e[2].nwy[2] > 1.2 * e[2].wy[1] / e[2].nwy[1], "e+ 50 GeV: y-width layer 2 %g vs layer 1 %g",
          e[2].wy[2] / e[2].nwy[2], e[2].wy[1] / e[2].nwy[1]);

    /* ---- gamma: converts after Exp(9/7 X0), so starts and showers deeper than e+ ---- */
    Stats g = run(CALO_GAMMA, 10, N, 200);
    printf("gamma 10 GeV: visible/E0 %.4f, depth %.3f (e+ %.3f), mean start %.3f X0\n",
           mean_tot(&g) / 10, g.depth / N, e[1].depth / N, g.tstart / N);
    CHECK_CLOSE(g.tstart / N, CALO_GAMMA_CONV, 0, 0.06, "gamma mean conversion depth");
    CHECK(g.depth > e[1].depth + 0.05 * N, "gamma depth %g vs e+ %g", g.depth / N, e[1].depth / N);

    /* ---- pi+: a MIP chance exp(-24/lambda); deeper, broader, less visible, wider spread ---- */
    Stats p = run(CALO_PIPLUS, 10, N, 300);
    double pmip = exp(-24.0 / CALO_LAMBDA_X0), sd = sqrt(pmip * (1 - pmip) / N);
    printf("pi+ 10 GeV: visible/E0 %.4f, sigma/E %.4f, depth %.3f, y-width L1 %.1f L2 %.1f mm, "
           "MIP fraction %.4f (exp(-2.4) %.4f)\n", mean_tot(&p) / 10, rel_res(&p), p.depth / N,
           p.wy[1] / p.nwy[1], p.wy[2] / p.nwy[2], p.mip / N, pmip);
    CHECK(fabs(p.mip / N - pmip) < 4 * sd, "pi+ MIP fraction %g vs %g", p.mip / N, pmip);
    CHECK(p.depth > e[1].depth + 0.2 * N, "pi+ depth %g vs e+ %g", p.depth / N, e[1].depth / N);
    CHECK(mean_tot(&p) < 0.8 * mean_tot(&e[1]), "pi+ visible %g vs e+ %g", mean_tot(&p), mean_tot(&e[1]));
    CHECK(rel_res(&p) > 3 * rel_res(&e[1]), "pi+ sigma/E %g vs e+ %g", rel_res(&p), rel_res(&e[1]));
    for (int l = 1; l < CALO_NLAYER; l++)
        CHECK(p.wy[l] / p.nwy[l] > 1.2 * e[1].wy[l] / e[1].nwy[l], "pi+ layer %d width %g vs e+ %g",
              l, p.wy[l] / p.nwy[l], e[1].wy[l] / e[1].nwy[l]);

    /* ---- the profile fluctuations: ln T and ln alpha correlated as Grindhammer-Peters ---- */
    {
        double mT, mA, sT, sA, rho, a1 = 0, a2 = 0, b1 = 0, b2 = 0, ab = 0;
        calo_profile_params(10, &mT, &mA, &sT, &sA, &rho);
        rng_seed(&r, 400);
        CaloEvent ev;
        enum { NP = 4000 };
        for (int k = 0; k < NP; k++) {
            calo_generate(&r, CALO_EPLUS, 10, &ev);
            double x = log(ev.T), y = log(ev.alpha);
            a1 += x, a2 += x * x, b1 += y, b2 += y * y, ab += x * y;
        }
        a1 /= NP, b1 /= NP;
        double vx = a2 / NP - a1 * a1, vy = b2 / NP - b1 * b1, c = (ab / NP - a1 * b1) / sqrt(vx * vy);
        CHECK_CLOSE(a1, mT, 4 * sT / sqrt(NP), 0, "mean ln T");
        CHECK_CLOSE(sqrt(vx), sT, 0, 0.06, "sd ln T");
        CHECK_CLOSE(c, rho, 0.05, 0, "corr(ln T, ln alpha)");
    }

    /* ---- cells are non-negative and zero below threshold; the same seed repeats ---- */
    {
        CaloEvent a, b;
        int ok = 1;
        for (int pt = 0; pt < CALO_NPARTICLE; pt++) {
            Rng r1, r2;
            rng_seed(&r1, 9), rng_seed(&r2, 9);
            calo_generate(&r1, pt, 37.5, &a);
            calo_generate(&r2, pt, 37.5, &b);
            CHECK(memcmp(a.cell, b.cell, sizeof a.cell) == 0, "%s: same seed, other cells", calo_particle_name(pt));
            for (int c = 0; c < CALO_NCELL; c++)
                if (a.cell[c] < 0 || (a.cell[c] > 0 && a.cell[c] <= CALO_THRESH_GEV)) ok = 0;
        }
        CHECK(ok, "a cell is negative or below the threshold and not zero");
        CHECK(calo_particle_index("pi+") == CALO_PIPLUS, "particle names");
        CHECK(calo_particle_index("mu-") == -1, "unknown particle");
        CHECK(calo_cell(2, 11, 5) == CALO_NCELL - 1, "last cell index");
    }
    check_shapes();
    return check_done("test_calo");
}
