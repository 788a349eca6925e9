/* physics.c — see physics.h and event-gen(1). */
#include "data/physics.h"

#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


double phys_mass(P4 p)
{
    double m2 = p.e * p.e - p.x * p.x - p.y * p.y - p.z * p.z;
    return m2 > 0 ? sqrt(m2) : 0.0;
}

P4 phys_boost(P4 p, P4 q, double m)
{
    double pq = p.x * q.x + p.y * q.y + p.z * q.z;
    double f = (pq / (q.e + m) + p.e) / m;
    return (P4){(q.e * p.e + pq) / m, p.x + f * q.x, p.y + f * q.y, p.z + f * q.z};
}

P4 phys_unboost(P4 p, P4 q, double m)
{
    double pq = p.x * q.x + p.y * q.y + p.z * q.z;
    double f = (pq / (q.e + m) - p.e) / m;
    return (P4){(q.e * p.e - pq) / m, p.x + f * q.x, p.y + f * q.y, p.z + f * q.z};
}

/* An orthonormal pair (u, v) perpendicular to unit n (Frisvad's branch-free construction). */
static void perp_basis(const double n[3], double u[3], double v[3])
{
    double s = n[2] >= 0 ? 1.0 : -1.0;
    double a = -1.0 / (s + n[2]), b = n[0] * n[1] * a;
    u[0] = 1.0 + s * n[0] * n[0] * a; u[1] = s * b; u[2] = -s * n[0];
    v[0] = b; v[1] = s + n[1] * n[1] * a; v[2] = -n[1];
}

/* Unit vector at polar cos c and a uniform azimuth about axis n. */
static void around(Rng *r, const double n[3], double c, double out[3])
{
    double u[3], v[3], s = sqrt(fmax(0.0, 1.0 - c * c)), cp, sp;
    perp_basis(n, u, v);
    rng_cossin(r, &cp, &sp);
    for (int i = 0; i < 3; i++) out[i] = c * n[i] + s * (cp * u[i] + sp * v[i]);
}

/* ---------------- hadronization ---------------- */

double had_smear(double mass) { return HAD_CLSMR * mass; }

double had_mean_cos(double mass)
{
    /* c = 1 + s ln u kept when c >= -1: -ln u ~ Exp(1) truncated at b = 2/s. */
    double s = had_smear(mass), b = 2.0 / s, eb = exp(-b);
    return 1.0 - s * (1.0 - b * eb / (1.0 - eb));
}

void had_generate(Rng *r, HadEvent *ev)
{
    const double mth = 2.0 * PHYS_MPI;
    /* mass: exponential above threshold, truncated at HAD_MMAX (inverse CDF) */
    double tail = 1.0 - exp(-(HAD_MMAX - mth) / HAD_MSLOPE);
    double m = mth - HAD_MSLOPE * log(1.0 - rng_uniform(r) * tail);
    if (m <= mth) m = mth * (1 + 1e-12);
    /* lab momentum: Gamma(2, HAD_PSCALE); direction isotropic */
    double p = -HAD_PSCALE * log(rng_uniform_pos(r) * rng_uniform_pos(r));
    double n[3];
    double ct = 2.0 * rng_uniform(r) - 1.0, st = sqrt(fmax(0.0, 1.0 - ct * ct));
    double cph, sph;
    rng_cossin(r, &cph, &sph);
    n[0] = st * cph; n[1] = st * sph; n[2] = ct;
    P4 P = {sqrt(p * p + m * m), p * n[0], p * n[1], p * n[2]};

    /* decay direction of the leading pion in the rest frame */
    double d[3];
    int iso = rng_uniform(r) < HAD_FISO;
    if (iso) {
        double c = 2.0 * rng_uniform(r) - 1.0;
        double zero[3] = {0, 0, 1};
        around(r, zero, c, d);
    } else {
        double s = had_smear(m), c;
        do c = 1.0 + s * log(rng_uniform_pos(r)); while (c < -1.0);
        around(r, n, c, d);
    }
    double q = sqrt(0.25 * m * m - PHYS_MPI * PHYS_MPI), es = 0.5 * m;
    ev->cluster = P;
    ev->mass = m;
    ev->pi1 = phys_boost((P4){es, q * d[0], q * d[1], q * d[2]}, P, m);
    ev->pi2 = phys_boost((P4){es, -q * d[0], -q * d[1], -q * d[2]}, P, m);
    memcpy(ev->dir, d, sizeof d);
    memcpy(ev->axis, n, sizeof n);
    ev->theta = acos(fmax(-1.0, fmin(1.0, d[2])));
    ev->phi = atan2(d[1], d[0]);
    ev->isotropic = iso;
}

/* ---------------- dimuon ---------------- */

/* S and A of u and d quarks at once (they share the propagator). */
static void coeffs_ud(double m, double *Su, double *Au, double *Sd, double *Ad)
{
    const double sw2 = PHYS_SW2, kappa = 1.0 / (4.0 * sw2 * (1.0 - sw2));
    double s = m * m, dm = s - PHYS_MZ * PHYS_MZ, g = PHYS_MZ * PHYS_GZ;
    double inv = 1.0 / (dm * dm + g * g);
    double re = kappa * s * dm * inv, abs2 = kappa * kappa * s * s * inv;
    const double vl = -0.5 + 2.0 * sw2, al = -0.5, Ql = -1.0, ll = vl * vl + al * al;
    for (int up = 0; up < 2; up++) {
        double Qq = up ? 2.0 / 3.0 : -1.0 / 3.0, T3q = up ? 0.5 : -0.5;
        double vq = T3q - 2.0 * Qq * sw2, aq = T3q;
        double S = Qq * Qq * Ql * Ql + 2.0 * Qq * Ql * vq * vl * re + (vq * vq + aq * aq) * ll * abs2;
        double A = 4.0 * Qq * Ql * aq * al * re + 8.0 * vq * aq * vl * al * abs2;
        if (up) { *Su = S; *Au = A; } else { *Sd = S; *Ad = A; }
    }
}

/* Couplings in the normalisation chi(s) = s / (s - MZ^2 + i MZ GZ) / (4 sw2 cw2):
 * v = T3 - 2 Q sw2, a = T3. */
void dimu_coeffs(double m, int up, double *S, double *A)
{
    const double sw2 = PHYS_SW2, kappa = 1.0 / (4.0 * sw2 * (1.0 - sw2));
    double s = m * m, dm = s - PHYS_MZ * PHYS_MZ, g = PHYS_MZ * PHYS_GZ;
    double den = dm * dm + g * g;
    double re = kappa * s * dm / den, abs2 = kappa * kappa * s * s / den;
    double Qq = up ? 2.0 / 3.0 : -1.0 / 3.0, T3q = up ? 0.5 : -0.5;
    double vq = T3q - 2.0 * Qq * sw2, aq = T3q;
    double Ql = -1.0, vl = -0.5 + 2.0 * sw2, al = -0.5;
    *S = Qq * Qq * Ql * Ql + 2.0 * Qq * Ql * vq * vl * re + (vq * vq + aq * aq) * (vl * vl + al * al) * abs2;
    *A = 4.0 * Qq * Ql * aq * al * re + 8.0 * vq * aq * vl * al * abs2;
}

#define DIMU_WUP 0.6        /* u ubar share of the parton luminosity (d dbar + s sbar: 0.4) */
#define DIMU_LUMI_POW 2.0   /* parton luminosity falls as m^-DIMU_LUMI_POW */

double dimu_mass_density(double m)
{
    double Su, Sd, A;
    dimu_coeffs(m, 1, &Su, &A);
    dimu_coeffs(m, 0, &Sd, &A);
    /* d sigma/dm = 2m * sigma_hat(m^2) * L(m), sigma_hat ~ S / m^2 */
    return (DIMU_WUP * Su + (1.0 - DIMU_WUP) * Sd) / m * pow(PHYS_MZ / m, DIMU_LUMI_POW);
}

/* m^2 = MZ^2 + MZ GZ tan t flattens the peak, so a table in t is accurate. */
static double m_of_t(double t) { return sqrt(PHYS_MZ * PHYS_MZ + PHYS_MZ * PHYS_GZ * tan(t)); }
static double t_of_m(double m) { return atan((m * m - PHYS_MZ * PHYS_MZ) / (PHYS_MZ * PHYS_GZ)); }

void dimu_init(DimuGen *g)
{
    enum { NF = 1 << 16 };
    double *cdf = xmalloc((NF + 1) * sizeof *cdf);
    double t0 = t_of_m(DIMU_MLO), t1 = t_of_m(DIMU_MHI), h = (t1 - t0) / NF;
    /* density in t: f(m) dm/dt, dm/dt = MZ GZ / (2 m cos^2 t) */
    double prev = 0;
    cdf[0] = 0;
    for (int i = 0; i <= NF; i++) {
        double t = t0 + h * i, m = m_of_t(t), c = cos(t);
        double dens = dimu_mass_density(m) * PHYS_MZ * PHYS_GZ / (2.0 * m * c * c);
        if (i > 0) cdf[i] = cdf[i - 1] + 0.5 * h * (prev + dens);
        prev = dens;
    }
    int k = 0;
    for (int j = 0; j <= DIMU_NTAB; j++) {
        double target = cdf[NF] * j / DIMU_NTAB;
        while (k < NF - 1 && cdf[k + 1] < target) k++;
        double span = cdf[k + 1] - cdf[k], f = span > 0 ? (target - cdf[k]) / span : 0;
        g->t_of_u[j] = t0 + h * (k + fmin(1.0, fmax(0.0, f)));
    }
    g->t_of_u[0] = t0;
    g->t_of_u[DIMU_NTAB] = t1;
    /* Quantiles are 1/16384 apart, so linear interpolation of m between them is as good as
     * through t (both are smooth in u) and saves a tan per event. */
    for (int j = 0; j <= DIMU_NTAB; j++) g->m_of_u[j] = m_of_t(g->t_of_u[j]);
    g->m_of_u[0] = DIMU_MLO;
    g->m_of_u[DIMU_NTAB] = DIMU_MHI;
    free(cdf);
}

static int pt_eta_ok(P4 p, double *pt)
{
    *pt = sqrt(p.x * p.x + p.y * p.y);
    double pabs = sqrt(p.x * p.x + p.y * p.y + p.z * p.z);
    /* |eta| < 2.5  <=>  |pz| / |p| < tanh 2.5 */
    return fabs(p.z) < 0.98661429815143 * pabs;
}

void dimu_generate(const DimuGen *g, Rng *r, DimuEvent *ev)
{
    /* mass */
    double u = rng_uniform(r) * DIMU_NTAB;
    int k = (int)u;
    double m = g->m_of_u[k] + (u - k) * (g->m_of_u[k + 1] - g->m_of_u[k]);
    /* quark type at this mass */
    double Su, Au, Sd, Ad;
    coeffs_ud(m, &Su, &Au, &Sd, &Ad);
    int up = rng_uniform(r) * (DIMU_WUP * Su + (1 - DIMU_WUP) * Sd) < DIMU_WUP * Su;
    double S = up ? Su : Sd, A = up ? Au : Ad;
    /* rapidity: broad Gaussian inside the kinematic limit */
    double ymax = log(PHYS_SQRTS / m), y;
    do y = 2.2 * rng_normal(r); while (fabs(y) >= ymax);
    /* pT: f(pT) ~ pT (pT^2 + a^2)^-2.5, a = 8 GeV (peak near 4 GeV, pT^-4 tail) */
    double pt;
    do {
        double cu = cbrt(rng_uniform_pos(r));       /* u^(-2/3) = 1 / cbrt(u)^2 */
        pt = 8.0 * sqrt(1.0 / (cu * cu) - 1.0);
    } while (pt > 1000.0);
    double cz, sz;
    rng_cossin(r, &cz, &sz);
    double mt = sqrt(m * m + pt * pt), ey = exp(y);
    P4 Q = {0.5 * mt * (ey + 1 / ey), pt * cz, pt * sz, 0.5 * mt * (ey - 1 / ey)};

    /* Collins-Soper axes in the boson rest frame: z bisects beam 1 and minus beam 2. */
    P4 b1 = phys_unboost((P4){1, 0, 0, 1}, Q, m), b2 = phys_unboost((P4){1, 0, 0, -1}, Q, m);
    double n1 = sqrt(b1.x * b1.x + b1.y * b1.y + b1.z * b1.z), n2 = sqrt(b2.x * b2.x + b2.y * b2.y + b2.z * b2.z);
    double z[3] = {b1.x / n1 - b2.x / n2, b1.y / n1 - b2.y / n2, b1.z / n1 - b2.z / n2};
    double zn = sqrt(z[0] * z[0] + z[1] * z[1] + z[2] * z[2]);
    for (int i = 0; i < 3; i++) z[i] /= zn;
    /* the incoming quark comes from beam 1 more often when the boson moves along +z */
    int from1 = rng_uniform(r) < 0.5 + 0.35 * tanh(y / 1.2);
    double zq[3] = {from1 ? z[0] : -z[0], from1 ? z[1] : -z[1], from1 ? z[2] : -z[2]};
    /* cos theta to the quark: density 1 + c^2 + (A/S) c, by rejection */
    double a = A / S, c;
    do c = 2.0 * rng_uniform(r) - 1.0;
    while (rng_uniform(r) * (2.0 + fabs(a)) > 1.0 + c * c + a * c);
    double d[3];
    around(r, zq, c, d);
    double q = sqrt(0.25 * m * m - PHYS_MMU * PHYS_MMU), es = 0.5 * m;
    ev->mu_minus = phys_boost((P4){es, q * d[0], q * d[1], q * d[2]}, Q, m);
    ev->mu_plus = phys_boost((P4){es, -q * d[0], -q * d[1], -q * d[2]}, Q, m);
    ev->boson = Q;
    ev->mass = m;
    ev->y = y;
    ev->pt = pt;
    ev->quark_up = up;
    ev->cos_quark = c;
    double cd = d[0] * z[0] + d[1] * z[1] + d[2] * z[2];
    ev->cos_cs = Q.z >= 0 ? cd : -cd;
    double pt1, pt2;
    int ok1 = pt_eta_ok(ev->mu_minus, &pt1), ok2 = pt_eta_ok(ev->mu_plus, &pt2);
    if (pt1 >= pt2) { ev->lead = ev->mu_minus; ev->sub = ev->mu_plus; }
    else { ev->lead = ev->mu_plus; ev->sub = ev->mu_minus; }
    double hi = fmax(pt1, pt2), lo = fmin(pt1, pt2);
    ev->accepted = ok1 && ok2 && hi > 20.0 && lo > 10.0;
}

double dimu_cos_cs(P4 l, P4 lb)
{
    P4 Q = {l.e + lb.e, l.x + lb.x, l.y + lb.y, l.z + lb.z};
    double m2 = Q.e * Q.e - Q.x * Q.x - Q.y * Q.y - Q.z * Q.z, qt2 = Q.x * Q.x + Q.y * Q.y;
    double num = (l.e + l.z) * (lb.e - lb.z) - (l.e - l.z) * (lb.e + lb.z);
    double c = num / (sqrt(m2) * sqrt(m2 + qt2));
    return Q.z >= 0 ? c : -c;
}
