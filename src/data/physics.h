/* physics.h — the embedded event generators behind event-gen (formulas in event-gen(1)).
 * hadronization: a cluster of mass M and lab four-momentum P decays into two pions; the leading
 * pion's rest-frame direction is isotropic or follows the constituent quark's direction smeared
 * by an amount growing with M (after Herwig's ClDir/ClSmr).
 * dimuon: q qbar -> Z/gamma* -> mu+ mu- at sqrt(s) = 13 TeV with gamma-Z interference, decay
 * angles in the Collins-Soper frame, boost to the lab and the muon acceptance.
 * All state is in the caller's Rng and the read-only DimuGen table, so streams reproduce. */
#ifndef GANTUNE_PHYSICS_H
#define GANTUNE_PHYSICS_H
#include "base/rng.h"

#define PHYS_MPI 0.13957039      /* charged pion mass, GeV (PDG) */
#define PHYS_MMU 0.1056583755    /* muon mass, GeV */
#define PHYS_MZ 91.1876          /* Z mass, GeV */
#define PHYS_GZ 2.4952           /* Z width, GeV */
#define PHYS_SW2 0.23122         /* sin^2 theta_W (MSbar at MZ) */
#define PHYS_SQRTS 13000.0       /* collider energy, GeV */

typedef struct { double e, x, y, z; } P4;

/* Boost p, given in the rest frame of a system with lab four-momentum q and mass m, to the lab. */
P4 phys_boost(P4 p, P4 q, double m);
/* The inverse: lab p into the rest frame of q. */
P4 phys_unboost(P4 p, P4 q, double m);
double phys_mass(P4 p);

/* ---- hadronization ---- */
#define HAD_MMAX 4.0        /* cluster mass range: 2 m_pi .. HAD_MMAX GeV */
#define HAD_MSLOPE 0.7      /* falling mass spectrum exp(-(M - 2 m_pi)/HAD_MSLOPE) */
#define HAD_PSCALE 2.5      /* lab momentum ~ p exp(-p/HAD_PSCALE) (Gamma(2)), mean 5 GeV */
#define HAD_FISO 0.3        /* fraction of clusters decaying isotropically */
#define HAD_CLSMR 0.78      /* smearing per GeV of cluster mass: s(M) = HAD_CLSMR * M */

typedef struct {
    P4 cluster;             /* lab four-momentum (the condition columns E,px,py,pz) */
    double mass;
    P4 pi1, pi2;            /* lab four-momenta of the leading and the other pion */
    double dir[3];          /* leading pion's unit direction in the cluster rest frame */
    double theta, phi;      /* acos(dir z) in [0, pi], atan2(dir y, dir x) in (-pi, pi] */
    double axis[3];         /* the quark axis (the cluster's flight direction) */
    int isotropic;
} HadEvent;

void had_generate(Rng *r, HadEvent *ev);
double had_smear(double mass);                   /* s(M) */
double had_mean_cos(double mass);                /* E[cos(dir, axis)] of a smeared decay */

/* ---- dimuon ---- */
#define DIMU_MLO 66.0       /* invariant-mass window, GeV */
#define DIMU_MHI 116.0
#define DIMU_NTAB 16384

typedef struct {
    double t_of_u[DIMU_NTAB + 1];   /* inverse CDF of the mass in the Breit-Wigner variable t */
    double m_of_u[DIMU_NTAB + 1];   /* the same as masses: sampling interpolates these */
} DimuGen;

typedef struct {
    P4 boson;
    double mass, y, pt;
    P4 mu_minus, mu_plus;
    P4 lead, sub;           /* the same muons ordered by pT */
    double cos_quark;       /* cos of the mu- direction to the incoming quark, boson rest frame */
    double cos_cs;          /* Collins-Soper cos theta (z along the boson's longitudinal motion) */
    int quark_up;           /* 1 for u ubar, 0 for d dbar (d, s) */
    int accepted;           /* inside the muon acceptance */
} DimuEvent;

void dimu_init(DimuGen *g);
/* Relative weight of the mass density f(m) (normalisation arbitrary), and the angular
 * coefficients S (of 1 + cos^2) and A (of cos) for one quark type. */
double dimu_mass_density(double m);
void dimu_coeffs(double m, int up, double *S, double *A);
/* One event, acceptance flagged but not applied. */
void dimu_generate(const DimuGen *g, Rng *r, DimuEvent *ev);
/* Collins-Soper cos theta from the lab four-momenta of the mu- and mu+. */
double dimu_cos_cs(P4 mu_minus, P4 mu_plus);
#endif
