/* calo.h — the embedded parametrised shower simulator behind `event-gen calo` (formulas and
 * parameters in event-gen(1)). The geometry is CaloGAN's (Paganini et al., PRD 97 014021): a
 * 480 mm lead/liquid-argon cube of three layers, 3x96, 12x12 and 12x6 cells, 504 in all.
 * A shower is a sum of energy spots (GFLASH's spot method, Grindhammer & Peters,
 * hep-ex/0001020): each spot's depth follows the longitudinal Gamma profile, its radius the
 * core + tail lateral profile, its energy a Gamma-distributed share of the visible energy, so
 * the sampling fluctuation of the total is a/sqrt(E). Profile parameters fluctuate event by
 * event, correlated, as in Grindhammer-Peters. All state is in the caller's Rng. */
#ifndef GANTUNE_CALO_H
#define GANTUNE_CALO_H
#include <stddef.h>

#include "base/rng.h"

#define CALO_NLAYER 3
#define CALO_NCELL 504          /* 3*96 + 12*12 + 12*6 */
#define CALO_SIZE_MM 480.0      /* transverse size and depth of the cube */
#define CALO_X0_MM 20.0         /* effective radiation length: the cube is 24 X0 deep */
#define CALO_RM_MM 40.0         /* effective Moliere radius */
#define CALO_LAMBDA_X0 10.0     /* nuclear interaction length in X0: the cube is 2.4 lambda */
#define CALO_EC_GEV 0.010       /* effective critical energy; also a MIP's loss per X0 */
#define CALO_ZEFF 82.0          /* Z in the Grindhammer-Peters parameters (lead) */
#define CALO_FSAMP 0.20         /* sampling fraction: visible / deposited energy */
#define CALO_A_EM 0.10          /* sampling term of e+ and gamma spots: 10% / sqrt(E/GeV) */
#define CALO_A_HAD 0.50         /* sampling term of the hadronic part of a pi+ shower */
#define CALO_SPOTS_PER_GEV 20.0 /* spots per GeV of a shower part, at least 20, at most 2000 */
#define CALO_NOISE_GEV 0.001    /* Gaussian noise of every cell (visible energy) */
#define CALO_THRESH_GEV 0.003   /* zero suppression (3 sigma): cells below this read 0 */
#define CALO_OFFSET_MM 5.0      /* entry point uniform in +-5 mm of the centre, both axes */
#define CALO_GAMMA_CONV 1.2857142857142858  /* gamma: conversion depth ~ Exp(9/7 X0) */
#define CALO_HE 0.60            /* pi+: visible hadronic / electromagnetic response (h/e) */
#define CALO_RHAD_MM 50.0       /* pi+: lateral scale of the hadronic part, times 0.5 + t/lambda */

enum { CALO_EPLUS, CALO_GAMMA, CALO_PIPLUS, CALO_NPARTICLE };

typedef struct {
    int rows, cols;             /* cells: rows along y, columns along x */
    double dy, dx;              /* cell size, mm */
    double t0, t1;              /* depth range, X0 */
    int first;                  /* index of its first cell among the 504 */
} CaloLayer;

/* The three layers (read-only table): 90, 347 and 43 mm deep. */
extern const CaloLayer calo_layers[CALO_NLAYER];

typedef struct {
    int particle;               /* CALO_EPLUS, CALO_GAMMA or CALO_PIPLUS */
    double e0;                  /* incident energy, GeV */
    double x0, y0;              /* entry point, mm from the centre */
    double t_start;             /* depth where the shower starts, X0 (conversion/interaction) */
    double T, alpha;            /* the (fluctuated) EM profile's maximum depth T, X0, and shape */
    double f_em;                /* pi+: electromagnetic fraction (1 for e+ and gamma) */
    int mip;                    /* pi+ that crossed the cube without interacting */
    float cell[CALO_NCELL];     /* visible energies, GeV, >= 0, layer by layer, row-major */
} CaloEvent;

/* Name of a particle ("e+", "gamma", "pi+") and its index by name (-1 if unknown). */
const char *calo_particle_name(int p);
int calo_particle_index(const char *name);
/* The cell index of (layer, row, col). */
int calo_cell(int layer, int row, int col);
/* The Grindhammer-Peters mean ln T and ln alpha, their widths and correlation at energy e0. */
void calo_profile_params(double e0, double *mu_lnT, double *mu_lnA, double *s_lnT,
                         double *s_lnA, double *rho);
/* One shower of a particle of energy e0 GeV. */
void calo_generate(Rng *r, int particle, double e0, CaloEvent *ev);
/* CaloGAN's shower-shape observables of one shower (cells as above, e0 its energy), in this
 * order: energy per layer (GeV), total over E0, layer 0's E-ratio (E1 - E2)/(E1 + E2) of its
 * two hottest cells, depth sum(l E_l)/E_tot (layer index 0-2), the energy-weighted spread of
 * x (mm, cell centres) per layer, sparsity per layer (the fraction of cells with energy).
 * Cells <= 0 count as empty; an empty layer has width 0. */
#define CALO_NSHAPE 12
#define CALO_SHAPE_WIDTH 6
#define CALO_SHAPE_SPARSITY 9
extern const char *const calo_shape_names[CALO_NSHAPE];
void calo_shapes(const float *cell, double e0, double *shape);
/* The shower-shape score: W1 of each observable between samples a [na x CALO_NSHAPE] and the
 * reference b [nb x CALO_NSHAPE], divided by the reference's standard deviation (in its own
 * units where that is 0), averaged over the observables; per[k] (may be NULL) gets each.
 * work: na + nb + max(na, nb) doubles. */
double calo_shapes_w1(const double *a, size_t na, const double *b, size_t nb, double *per,
                      double *work);
/* A Gamma(shape a, scale 1) variate (Marsaglia-Tsang; a < 1 by the a+1 boost). */
double calo_gamma_variate(Rng *r, double a);
#endif
