/* propose.h — one call's proposals: the points already taken, the step's random stream, the
 * helpers every method proposes with, and the loop shared by the methods with a model (a
 * space-filling design first, then DYCORS candidates ranked by the method's acquisition). */
#ifndef GANTUNE_PROPOSE_H
#define GANTUNE_PROPOSE_H
#include "hpo/space.h"
#include "hpo/surrogate.h"

struct Proposer {
    /* set by the caller */
    const Space *sp;               /* at most 64 hyperparameters */
    const PointSet *hist, *pend;   /* finished sets and sets being evaluated (n may be 0) */
    int n;                         /* points wanted */
    int n_init;                    /* finished points before a model is used */
    int budget;                    /* planned evaluations, for the DYCORS schedule */
    int ncand;                     /* candidates per proposal */
    uint64_t seed;                 /* fixes the initial design across calls */
    int cap;                       /* cap the objective at the median before fitting */
    double smoothing;              /* SurrogateData.smoothing */
    double noise_dof;              /* surrogate_noise's prior_dof (0: per-set variances) */
    double pruned_sd;              /* surrogate_fit's pruned_sd (PRUNED_SD; 0: plain values) */
    double tether;                 /* tether_scores' scale (0: off) */
    Rng rng;                       /* this call's stream */
    /* set by proposer_init */
    int d;
    KeySet taken;                  /* evaluated, failed, pending and already proposed */
    long *out;                     /* nout x d lattice points proposed so far */
    int nout;
};

/* Take every history and pending point, make room for n proposals. */
void proposer_init(Proposer *p);
void proposer_free(Proposer *p);
/* Lattice points still free. */
double proposer_left(const Proposer *p);
/* Propose k (a lattice point): append it to out and take it. */
void proposer_emit(Proposer *p, const long *k);
/* A uniformly random lattice point not yet taken; the caller has checked one exists. */
void proposer_fresh(Proposer *p, long *k);


/* The proposals of a method with a model (m->fit): while fewer than n_init (or 2) finished
 * points exist, the seed's symmetric Latin hypercube and then points far from everything;
 * afterwards m's model is fitted to the history, told of the pending points (m->condition),
 * and each proposal is the candidate of lowest m->merit among DYCORS perturbations of the best
 * point and uniform lattice points. */
void propose_with_model(Proposer *p, const SurrogateMethod *m);
#endif
