/* test_physics.c — the generators' physics: four-momentum conservation and on-shell masses, the
 * angular distributions' moments against their closed forms, the Z peak position and width,
 * the Collins-Soper angle recomputed from the lab muons, and the acceptance cuts. */
#include "check.h"
#include "data/physics.h"
#include "base/rng.h"

#include <math.h>
#include <stdlib.h>

#define M_PI 3.14159265358979323846

static double p4diff(P4 a, P4 b)
{
    return fmax(fmax(fabs(a.e - b.e), fabs(a.x - b.x)), fmax(fabs(a.y - b.y), fabs(a.z - b.z)));
}

static P4 add(P4 a, P4 b) { return (P4){a.e + b.e, a.x + b.x, a.y + b.y, a.z + b.z}; }

int main(void)
{
    Rng r;
    rng_seed(&r, 2026);

    /* ---- hadronization ---- */
    enum { NH = 400000 };
    int cons = 1, onshell = 1, angles = 1, range = 1;
    double iso_n = 0, iso_c = 0, iso_z2 = 0, sm_n = 0, sm_dev = 0, sm_var = 0, mass_sum = 0;
    HadEvent ev;
    for (int i = 0; i < NH; i++) {
        had_generate(&r, &ev);
        double m = ev.mass, scale = ev.cluster.e;
        cons &= p4diff(add(ev.pi1, ev.pi2), ev.cluster) <= 1e-12 * scale;
        onshell &= fabs(phys_mass(ev.pi1) - PHYS_MPI) < 1e-6 && fabs(phys_mass(ev.pi2) - PHYS_MPI) < 1e-6;
        onshell &= fabs(phys_mass(ev.cluster) - m) < 1e-9 * scale;
        range &= m > 2 * PHYS_MPI && m <= HAD_MMAX && ev.theta >= 0 && ev.theta <= M_PI &&
                 ev.phi >= -M_PI && ev.phi <= M_PI;
        /* the leading pion seen from the cluster rest frame points along dir at (theta, phi) */
        P4 rest = phys_unboost(ev.pi1, ev.cluster, m);
        double q = sqrt(rest.x * rest.x + rest.y * rest.y + rest.z * rest.z);
        angles &= fabs(rest.z / q - cos(ev.theta)) < 1e-6 &&
                  fabs(atan2(rest.y, rest.x) - ev.phi) < 1e-6 * (1 + fabs(ev.phi)) + 1e-9 / sin(ev.theta + 1e-300);
        double c = ev.dir[0] * ev.axis[0] + ev.dir[1] * ev.axis[1] + ev.dir[2] * ev.axis[2];
        mass_sum += m;
        if (ev.isotropic) {
            iso_n++; iso_c += c; iso_z2 += ev.dir[2] * ev.dir[2];
        } else {
            double mu = had_mean_cos(m);
            sm_n++; sm_dev += c - mu; sm_var += (c - mu) * (c - mu);
        }
    }
    CHECK(cons, "pi1 + pi2 = cluster four-momentum");
    CHECK(onshell, "pions and cluster on shell");
    CHECK(range, "mass, theta, phi in range");
    CHECK(angles, "theta, phi are the leading pion's rest-frame direction");
    CHECK_CLOSE(iso_n / NH, HAD_FISO, 0.005, 0, "isotropic fraction");
    CHECK_CLOSE(iso_c / iso_n, 0.0, 4 * sqrt(1.0 / 3 / iso_n), 0, "isotropic <cos> = 0");
    CHECK_CLOSE(iso_z2 / iso_n, 1.0 / 3, 4 * sqrt(4.0 / 45 / iso_n), 0, "isotropic <cos^2> = 1/3");
    CHECK_CLOSE(sm_dev / sm_n, 0.0, 4 * sqrt(sm_var / sm_n / sm_n), 0,
                "smeared <cos> to the quark axis = 1 - s(1 - b e^-b/(1-e^-b))");
    /* mean of the truncated exponential mass spectrum */
    {
        double l = HAD_MSLOPE, L = HAD_MMAX - 2 * PHYS_MPI, want = 2 * PHYS_MPI + l - L * exp(-L / l) / (1 - exp(-L / l));
        CHECK_CLOSE(mass_sum / NH, want, 0.005, 0, "mean cluster mass");
    }

    /* ---- dimuon ---- */
    DimuGen *g = malloc(sizeof *g);
    dimu_init(g);
    enum { ND = 600000, NB = 500 };
    static double hist[NB];      /* 0.1 GeV bins over the window */
    int dcons = 1, dshell = 1, csok = 1, accok = 1, lead = 1;
    double c2 = 0, cdev = 0, cvar = 0, nacc = 0, fb_hi[2] = {0, 0}, fb_lo[2] = {0, 0};
    DimuEvent de;
    for (int i = 0; i < ND; i++) {
        dimu_generate(g, &r, &de);
        double m = phys_mass(add(de.mu_minus, de.mu_plus));
        dcons &= p4diff(add(de.mu_minus, de.mu_plus), de.boson) <= 1e-12 * de.boson.e;
        dshell &= fabs(phys_mass(de.mu_minus) - PHYS_MMU) < 1e-3 && fabs(m - de.mass) < 1e-6 * m;
        /* the lab formula is exact up to the muon velocity beta in the rest frame */
        double beta = sqrt(1 - 4 * PHYS_MMU * PHYS_MMU / (de.mass * de.mass));
        csok &= fabs(dimu_cos_cs(de.mu_minus, de.mu_plus) - beta * de.cos_cs) < 1e-9;
        int b = (int)((m - DIMU_MLO) / 0.1);
        if (b >= 0 && b < NB) hist[b]++;
        double S, A, c = de.cos_quark;
        dimu_coeffs(de.mass, de.quark_up, &S, &A);
        c2 += c * c;
        cdev += c - A / (4 * S);
        cvar += c * c;
        if (de.mass > 100) fb_hi[de.cos_cs > 0]++;
        if (de.mass < 80) fb_lo[de.cos_cs > 0]++;
        double pt1 = hypot(de.lead.x, de.lead.y), pt2 = hypot(de.sub.x, de.sub.y);
        lead &= pt1 >= pt2;
        if (de.accepted) {
            nacc++;
            double e1 = asinh(de.lead.z / pt1), e2 = asinh(de.sub.z / pt2);
            accok &= pt1 > 20 && pt2 > 10 && fabs(e1) < 2.5 && fabs(e2) < 2.5;
        } else {
            double e1 = asinh(de.lead.z / pt1), e2 = asinh(de.sub.z / pt2);
            accok &= !(pt1 > 20.001 && pt2 > 10.001 && fabs(e1) < 2.499 && fabs(e2) < 2.499);
        }
    }
    CHECK(dcons, "mu- + mu+ = boson four-momentum");
    CHECK(dshell, "muons on shell, pair mass = generated mass");
    CHECK(csok, "Collins-Soper cos theta from the lab muons equals the generated one");
    CHECK(lead, "leading muon first");
    CHECK(accok, "acceptance flag = leading pT > 20, subleading > 10, |eta| < 2.5");
    CHECK(nacc / ND > 0.3 && nacc / ND < 0.8, "acceptance %.3f", nacc / ND);
    CHECK_CLOSE(c2 / ND, 0.4, 4 * sqrt(0.12 / ND), 0, "<cos^2> = 2/5 for 1 + cos^2 + a cos");
    CHECK_CLOSE(cdev / ND, 0.0, 4 * sqrt(cvar / ND / ND), 0, "<cos> = A / 4S event by event");
    double afb_hi = (fb_hi[1] - fb_hi[0]) / (fb_hi[1] + fb_hi[0]);
    double afb_lo = (fb_lo[1] - fb_lo[0]) / (fb_lo[1] + fb_lo[0]);
    CHECK(afb_hi > 0.03, "A_FB (CS) above the peak is positive: %.4f", afb_hi);
    CHECK(afb_lo < -0.03, "A_FB (CS) below the peak is negative: %.4f", afb_lo);
    /* peak and full width at half maximum of the pair mass, linear interpolation */
    int pk = 0;
    for (int b = 1; b < NB; b++) if (hist[b] > hist[pk]) pk = b;
    double half = 0.5 * (hist[pk - 1] + hist[pk] + hist[pk + 1]) / 3, lo = 0, hi = 0;
    for (int b = pk; b > 0; b--)
        if (hist[b - 1] < half) { lo = DIMU_MLO + 0.1 * (b + 0.5) - 0.1 * (hist[b] - half) / (hist[b] - hist[b - 1]); break; }
    for (int b = pk; b < NB - 1; b++)
        if (hist[b + 1] < half) { hi = DIMU_MLO + 0.1 * (b + 0.5) + 0.1 * (hist[b] - half) / (hist[b] - hist[b + 1]); break; }
    CHECK_CLOSE(DIMU_MLO + 0.1 * (pk + 0.5), PHYS_MZ, 0.15, 0, "mass peak at MZ");
    CHECK(fabs(hi - lo - PHYS_GZ) < 0.08, "FWHM = Z width: %.3f..%.3f", lo, hi);
    free(g);
    return check_done("physics");
}
