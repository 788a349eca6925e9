/* calo.c — see calo.h and event-gen(1). */
#include "data/calo.h"

#include "data/wasserstein.h"

#include <math.h>
#include <string.h>

const CaloLayer calo_layers[CALO_NLAYER] = {
    {3, 96, 160.0, 5.0, 0.0, 4.5, 0},
    {12, 12, 40.0, 40.0, 4.5, 21.85, 288},
    {12, 6, 40.0, 80.0, 21.85, 24.0, 432},
};

static const char *const names[CALO_NPARTICLE] = {"e+", "gamma", "pi+"};

const char *calo_particle_name(int p)
{
    return p >= 0 && p < CALO_NPARTICLE ? names[p] : "?";
}

int calo_particle_index(const char *name)
{
    for (int p = 0; p < CALO_NPARTICLE; p++)
        if (strcmp(name, names[p]) == 0) return p;
    return -1;
}

int calo_cell(int layer, int row, int col)
{
    return calo_layers[layer].first + row * calo_layers[layer].cols + col;
}

double calo_gamma_variate(Rng *r, double a)
{
    if (a < 1.0) return calo_gamma_variate(r, a + 1.0) * pow(rng_uniform_pos(r), 1.0 / a);
    const double d = a - 1.0 / 3.0, c = 1.0 / sqrt(9.0 * d);
    for (;;) {
        double x = rng_normal(r), v = 1.0 + c * x;
        if (v <= 0) continue;
        v = v * v * v;
        double u = rng_uniform_pos(r);
        if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
        if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v))) return d * v;
    }
}

/* Add e to the cell holding (x, y) mm at depth t X0; outside the cube it leaks. */
static void deposit(float *cell, double x, double y, double t, double e)
{
    const double h = 0.5 * CALO_SIZE_MM;
    if (!(t >= 0.0 && t < calo_layers[CALO_NLAYER - 1].t1) || !(fabs(x) < h && fabs(y) < h)) return;
    int l = t < calo_layers[0].t1 ? 0 : t < calo_layers[1].t1 ? 1 : 2;
    const CaloLayer *L = &calo_layers[l];
    int col = (int)((x + h) / L->dx), row = (int)((y + h) / L->dy);
    if (col >= L->cols) col = L->cols - 1;
    if (row >= L->rows) row = L->rows - 1;
    cell[L->first + row * L->cols + col] += (float)e;
}

void calo_profile_params(double e0, double *mu_lnT, double *mu_lnA, double *s_lnT,
                         double *s_lnA, double *rho)
{
    /* Grindhammer-Peters fluctuated homogeneous profile, y = E/Ec; ln y >= ln 10 keeps the
     * widths finite for the small EM parts of hadron showers */
    double ly = fmax(log(e0 / CALO_EC_GEV), log(10.0));
    *mu_lnT = log(ly - 0.812);
    *mu_lnA = log(0.81 + (0.458 + 2.26 / CALO_ZEFF) * ly);
    *s_lnT = 1.0 / (-1.4 + 1.26 * ly);
    *s_lnA = 1.0 / (-0.58 + 0.86 * ly);
    *rho = 0.705 - 0.023 * ly;
}

/* Spots of a shower part of energy e: count n and Gamma shape k so that the visible sum has
 * mean CALO_FSAMP * e (times gain) and relative width a / sqrt(e). */
static int spot_count(double e, double a, double *k)
{
    double n = ceil(CALO_SPOTS_PER_GEV * e);
    n = n < 20 ? 20 : n > 2000 ? 2000 : n;
    *k = e / (n * a * a);
    return (int)n;
}

/* An electromagnetic shower of energy e starting at depth ts on the axis (x0, y0). */
static void em_shower(Rng *r, CaloEvent *ev, double e, double ts)
{
    double mT, mA, sT, sA, rho;
    calo_profile_params(e, &mT, &mA, &sT, &sA, &rho);
    double z1 = rng_normal(r), z2 = rng_normal(r);
    double T = exp(mT + sT * z1);
    double alpha = fmax(exp(mA + sA * (rho * z1 + sqrt(1.0 - rho * rho) * z2)), 1.1);
    double beta = (alpha - 1.0) / T;
    ev->T = T;
    ev->alpha = alpha;
    /* GFLASH lateral parameters (E in GeV, Z = CALO_ZEFF), radii in Moliere radii */
    const double le = log(e), Z = CALO_ZEFF;
    const double rz1 = 0.0251 + 0.00319 * le, rz2 = 0.1162 - 0.000381 * Z;
    const double k1 = 0.659 - 0.00309 * Z, k2 = 0.645, k3 = -2.59, k4 = 0.3585 + 0.0421 * le;
    const double p1 = 2.632 - 0.00094 * Z, p2 = 0.401 + 0.00187 * Z, p3 = 1.313 - 0.0686 * le;
    double k;
    int n = spot_count(e, CALO_A_EM, &k);
    const double w = CALO_FSAMP * e / n / k;
    for (int i = 0; i < n; i++) {
        double t = calo_gamma_variate(r, alpha) / beta, tau = t / T;
        double q = (p2 - tau) / p3, p = p1 * exp(q - exp(q));
        double R = rng_uniform(r) < p ? rz1 + rz2 * tau
                                      : k1 * (exp(k3 * (tau - k2)) + exp(k4 * (tau - k2)));
        double u = rng_uniform(r), rad = R * CALO_RM_MM * sqrt(u / (1.0 - u)), c, s;
        rng_cossin(r, &c, &s);
        deposit(ev->cell, ev->x0 + rad * c, ev->y0 + rad * s, ts + t,
                w * calo_gamma_variate(r, k));
    }
}

/* The hadronic part of a pi+ shower: energy e of a pion of energy e0, from depth ts. */
static void had_shower(Rng *r, CaloEvent *ev, double e, double e0, double ts)
{
    double tmax = fmax(0.2 * log(e0) + 0.7, 0.3);       /* in lambda (Wigmans) */
    double alpha = fmax((1.0 + tmax) * exp(0.25 * rng_normal(r)), 1.1);
    double k;
    int n = spot_count(e, CALO_A_HAD, &k);
    const double w = CALO_HE * CALO_FSAMP * e / n / k;
    for (int i = 0; i < n; i++) {
        double t = calo_gamma_variate(r, alpha) * CALO_LAMBDA_X0;
        /* hadronic showers broaden with depth: the scale grows by RHAD per lambda */
        double u = rng_uniform(r), c, s;
        double rad = CALO_RHAD_MM * (0.5 + t / CALO_LAMBDA_X0) * sqrt(u / (1.0 - u));
        rng_cossin(r, &c, &s);
        deposit(ev->cell, ev->x0 + rad * c, ev->y0 + rad * s, ts + t,
                w * calo_gamma_variate(r, k));
    }
}

/* A minimum-ionising track on the axis from depth 0 to t_end: a Moyal-distributed loss per
 * layer (-ln of a chi-square(1) variate, mean gamma_E + ln 2 subtracted). */
static void mip_track(Rng *r, CaloEvent *ev, double t_end)
{
    for (int l = 0; l < CALO_NLAYER; l++) {
        double a = calo_layers[l].t0, b = fmin(calo_layers[l].t1, t_end);
        if (b <= a) break;
        double z = rng_normal(r), m = 1.0 + 0.1 * (-log(z * z + 1e-300) - 1.2703628454614782);
        deposit(ev->cell, ev->x0, ev->y0, 0.5 * (a + b),
                CALO_FSAMP * CALO_EC_GEV * (b - a) * fmax(m, 0.0));
    }
}

void calo_generate(Rng *r, int particle, double e0, CaloEvent *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->particle = particle;
    ev->e0 = e0;
    ev->x0 = CALO_OFFSET_MM * (2.0 * rng_uniform(r) - 1.0);
    ev->y0 = CALO_OFFSET_MM * (2.0 * rng_uniform(r) - 1.0);
    ev->f_em = 1.0;
    if (particle == CALO_PIPLUS) {
        const double depth = calo_layers[CALO_NLAYER - 1].t1;
        ev->t_start = -CALO_LAMBDA_X0 * log(rng_uniform_pos(r));
        mip_track(r, ev, ev->t_start);
        if (ev->t_start >= depth) {
            ev->mip = 1;
        } else {
            /* Groom's mean EM fraction 1 - (E/0.96 GeV)^(k-1), k = 0.82, fluctuating by 0.12 */
            double f = 1.0 - pow(e0 / 0.96, 0.82 - 1.0) + 0.12 * rng_normal(r);
            ev->f_em = f = fmin(fmax(f, 0.0), 1.0);
            if (f > 0) em_shower(r, ev, f * e0, ev->t_start);
            if (f < 1) had_shower(r, ev, (1.0 - f) * e0, e0, ev->t_start);
        }
    } else {
        if (particle == CALO_GAMMA) ev->t_start = -CALO_GAMMA_CONV * log(rng_uniform_pos(r));
        em_shower(r, ev, e0, ev->t_start);
    }
    for (int i = 0; i < CALO_NCELL; i++) {
        double v = ev->cell[i] + CALO_NOISE_GEV * rng_normal(r);
        ev->cell[i] = v > CALO_THRESH_GEV ? (float)v : 0.0f;
    }
}

/* ---- shower shapes (CaloGAN's observables) ---- */

const char *const calo_shape_names[CALO_NSHAPE] = {
    "e_l0", "e_l1", "e_l2", "etot_e0", "eratio_l0", "depth",
    "width_l0", "width_l1", "width_l2", "sparsity_l0", "sparsity_l1", "sparsity_l2",
};

void calo_shapes(const float *cell, double e0, double *shape)
{
    double el[CALO_NLAYER], tot = 0, m1 = 0, m2 = 0;
    for (int l = 0; l < CALO_NLAYER; l++) {
        const CaloLayer *L = &calo_layers[l];
        double s = 0, s1 = 0, s2 = 0;
        int nz = 0;
        for (int i = 0; i < L->rows; i++)
            for (int j = 0; j < L->cols; j++) {
                double e = cell[L->first + i * L->cols + j];
                if (!(e > 0)) continue;   /* zero-suppressed (and anything negative a model writes) */
                double x = (j + 0.5) * L->dx - 0.5 * CALO_SIZE_MM;
                s += e, s1 += e * x, s2 += e * x * x, nz++;
                if (l == 0) {
                    if (e > m1) m2 = m1, m1 = e;
                    else if (e > m2) m2 = e;
                }
            }
        el[l] = s;
        tot += s;
        double v = s > 0 ? s2 / s - (s1 / s) * (s1 / s) : 0;
        shape[CALO_SHAPE_WIDTH + l] = v > 0 ? sqrt(v) : 0;
        shape[CALO_SHAPE_SPARSITY + l] = (double)nz / (L->rows * L->cols);
        shape[l] = s;
    }
    shape[3] = e0 > 0 ? tot / e0 : 0;
    shape[4] = m1 + m2 > 0 ? (m1 - m2) / (m1 + m2) : 0;
    shape[5] = tot > 0 ? (el[1] + 2 * el[2]) / tot : 0;
}

double calo_shapes_w1(const double *a, size_t na, const double *b, size_t nb, double *per,
                      double *work)
{
    double *xa = work, *xb = work + na, *tmp = work + na + nb, sum = 0;
    for (int k = 0; k < CALO_NSHAPE; k++) {
        double m = 0, q = 0;
        for (size_t i = 0; i < nb; i++) xb[i] = b[i * CALO_NSHAPE + k], m += xb[i];
        m /= (double)nb;
        for (size_t i = 0; i < nb; i++) q += (xb[i] - m) * (xb[i] - m);
        double sd = sqrt(q / (double)nb);
        for (size_t i = 0; i < na; i++) xa[i] = a[i * CALO_NSHAPE + k];
        w1_sort(xa, na, tmp);
        w1_sort(xb, nb, tmp);
        double w = w1_sorted(xa, na, xb, nb);
        /* in units of the reference's spread, so GeV, mm and fractions average; a constant
         * reference observable counts in its own units */
        double wn = sd > 0 ? w / sd : w;
        if (per) per[k] = wn;
        sum += wn;
    }
    return sum / CALO_NSHAPE;
}
