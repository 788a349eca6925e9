/* observables.c — the kinds of derived observables (see observables.h). */
#include "data/observables.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

#include "data/physics.h"

static const double PI = 3.14159265358979323846;

static P4 muon(double pt, double eta, double phi)
{
    double px = pt * cos(phi), py = pt * sin(phi), pz = pt * sinh(eta);
    return (P4){sqrt(px * px + py * py + pz * pz + PHYS_MMU * PHYS_MMU), px, py, pz};
}

static void dimuon(const double *in, double *out)
{
    int swap = in[3] > in[0];
    const double *a = in + 3 * swap, *b = in + 3 * !swap;
    P4 l = muon(a[0], a[1], a[2]), s = muon(b[0], b[1], b[2]);
    P4 q = {l.e + s.e, l.x + s.x, l.y + s.y, l.z + s.z};
    double dphi = fabs(a[2] - b[2]);
    dphi = fmod(dphi, 2 * PI);
    if (dphi > PI) dphi = 2 * PI - dphi;
    out[0] = a[0];
    out[1] = b[0];
    out[2] = phys_mass(q);
    out[3] = hypot(q.x, q.y);
    out[4] = 0.5 * log((q.e + q.z) / (q.e - q.z));
    out[5] = dphi;
    out[6] = dimu_cos_cs(l, s);
}

static void hadronization(const double *in, double *out)
{
    P4 P = {in[0], in[1], in[2], in[3]};
    double m = phys_mass(P), th = in[4], ph = in[5];
    double q2 = 0.25 * m * m - PHYS_MPI * PHYS_MPI, q = q2 > 0 ? sqrt(q2) : 0.0;
    double es = sqrt(q * q + PHYS_MPI * PHYS_MPI);
    double d[3] = {sin(th) * cos(ph), sin(th) * sin(ph), cos(th)};
    /* phys_boost needs a mass; a massless cluster (E = |p|) cannot be boosted from rest */
    double mb = m > 1e-12 ? m : 1e-12;
    P4 p1 = phys_boost((P4){es, q * d[0], q * d[1], q * d[2]}, P, mb);
    P4 p2 = phys_boost((P4){es, -q * d[0], -q * d[1], -q * d[2]}, P, mb);
    out[0] = m;
    out[1] = p1.e, out[2] = p1.x, out[3] = p1.y, out[4] = p1.z;
    out[5] = p2.e, out[6] = p2.x, out[7] = p2.y, out[8] = p2.z;
    out[9] = atan2(hypot(p2.x, p2.y), p2.z);
    out[10] = atan2(p2.y, p2.x);
}

static const ObsKind kinds[] = {
    {"dimuon", 6, 7, {"pt1", "eta1", "phi1", "pt2", "eta2", "phi2"},
     {"pt_lead", "pt_sub", "mll", "ptll", "yll", "dphi", "cos_cs"},
     4, {"mll", "ptll", "yll", "cos_cs"}, dimuon},
    {"hadronization", 6, 11, {"E", "px", "py", "pz", "theta", "phi"},
     {"m", "pi1_E", "pi1_px", "pi1_py", "pi1_pz", "pi2_E", "pi2_px", "pi2_py", "pi2_pz",
      "pi2_theta", "pi2_phi"},
     4, {"pi1_E", "pi2_E", "pi2_theta", "pi2_phi"}, hadronization},
};
enum { NKINDS = sizeof kinds / sizeof kinds[0] };

const ObsKind *obs_kind(const char *name)
{
    for (int k = 0; k < NKINDS; k++)
        if (strcmp(kinds[k].name, name) == 0) return &kinds[k];
    return NULL;
}

const ObsKind *obs_detect(int n, char *const *names)
{
    for (int k = 0; k < NKINDS; k++) {
        int found = 0;
        for (int i = 0; i < kinds[k].nin; i++)
            for (int j = 0; j < n; j++)
                if (strcmp(kinds[k].in[i], names[j]) == 0) { found++; break; }
        if (found == kinds[k].nin) return &kinds[k];
    }
    return NULL;
}

const ObsKind *obs_detect_cols(int nout, char *const *outc, int ncond, char *const *condc,
                               int *src, int *key)
{
    int nc = nout + ncond;
    char **all = xmalloc((size_t)(nc > 0 ? nc : 1) * sizeof *all);
    for (int j = 0; j < nc; j++) all[j] = j < nout ? outc[j] : condc[j - nout];
    const ObsKind *k = obs_detect(nc, all);
    for (int i = 0; k && src && i < k->nin; i++)
        for (int j = 0; j < nc; j++)
            if (strcmp(all[j], k->in[i]) == 0) { src[i] = j; break; }
    for (int q = 0; k && key && q < k->nkey; q++)
        for (int o = 0; o < k->nout; o++)
            if (strcmp(k->out[o], k->key[q]) == 0) key[q] = o;
    free(all);
    return k;
}

void obs_key_values(const ObsKind *k, const int *src, const int *key, int nout, const double *g,
                    const double *c, double *v)
{
    double in[OBS_MAX_IN], out[OBS_MAX_OUT];
    for (int q = 0; q < k->nin; q++) in[q] = src[q] < nout ? g[src[q]] : c[src[q] - nout];
    k->compute(in, out);
    for (int q = 0; q < k->nkey; q++) v[q] = out[key[q]];
}

const char *obs_kind_names(void) { return "dimuon|hadronization"; }
