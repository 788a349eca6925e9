/* observables.h — derived physics observables of one event, computed from the columns the
 * embedded generators write (physics.h, event-gen(1)), for event-obs, gan-eval and gan-train
 * --score w1-obs. A kind is a row of the table in observables.c: its input column names, its
 * output column names and the function; adding a kind is one row.
 *
 * dimuon (pt1,eta1,phi1,pt2,eta2,phi2, GeV and radians, muon mass assumed): the muons are
 *   ordered by pT first (a generator need not keep the order), then pt_lead, pt_sub, the
 *   dimuon mll, ptll and rapidity yll, dphi = |phi_lead - phi_sub| in [0, pi], and cos_cs, the
 *   Collins-Soper cos theta* (dimu_cos_cs). The columns carry no charge, so cos_cs takes the
 *   leading muon as the lepton: its sign is a convention, its |value| is the physical one.
 * hadronization (E,px,py,pz of the cluster in the lab, theta,phi of the leading pion in the
 *   cluster rest frame): the cluster mass m, the lab four-momenta of both pions (the leading
 *   pion at (theta, phi), the other back to back, each with |q| = sqrt(m^2/4 - m_pi^2); an
 *   event below the two-pion threshold gets q = 0) and the second pion's lab polar angle
 *   pi2_theta in [0, pi] and azimuth pi2_phi in (-pi, pi]. */
#ifndef GANTUNE_OBSERVABLES_H
#define GANTUNE_OBSERVABLES_H

#define OBS_MAX_IN 8
#define OBS_MAX_OUT 16

typedef struct {
    const char *name;
    int nin, nout;
    const char *in[OBS_MAX_IN];
    const char *out[OBS_MAX_OUT];
    int nkey;
    const char *key[4];      /* the observables a picture shows (hpo-report's generated vs truth) */
    /* in: nin values in the order of `in`; out: nout values */
    void (*compute)(const double *in, double *out);
} ObsKind;

/* The kind named `name`, or NULL. */
const ObsKind *obs_kind(const char *name);
/* The first kind whose input columns are all among names[0..n), or NULL. */
const ObsKind *obs_detect(int n, char *const *names);
/* The same over the nout output columns then the ncond condition columns (joint index j:
 * outc[j], else condc[j - nout]). src (OBS_MAX_IN entries): each input's joint index; key (4):
 * each key observable's index in the kind's out; either may be NULL. */
const ObsKind *obs_detect_cols(int nout, char *const *outc, int ncond, char *const *condc,
                               int *src, int *key);
/* The key observables of one event with outputs g and conditions c, src and key as
 * obs_detect_cols gives them, into v (k->nkey values; v may lie in g beyond its nout). */
void obs_key_values(const ObsKind *k, const int *src, const int *key, int nout, const double *g,
                    const double *c, double *v);
/* "dimuon|hadronization", for usage texts. */
const char *obs_kind_names(void);
#endif
