/* ensemble.h — an ensemble of generator models (AdaGAN's mixture, or a uniform mix of
 * independently trained models): the one owner of the ensemble file and of how an ensemble
 * draws its events.
 *
 * File (conventionally NAME.gte): CSV with the header `mix,model`, one row per component: its
 * mixture weight (finite, > 0; the weights are divided by their sum on load, so they need not
 * sum to 1) and its model file (gtm.h), a path relative to the ensemble file's folder unless
 * absolute (no commas). gan-sample --model reads a file whose first line is exactly that
 * header as an ensemble, anything else as a model file (gtm.h).
 *
 * Drawing (gan-sample): event i's component from Cat(mix) by the stream rng_seed2(seed,
 * ENSEMBLE_STREAM_PICK), one uniform per event (the first k with u < mix_0 + ... + mix_k);
 * component k generates its events with its own sampler seeded ensemble_component_seed(seed,
 * k), in event order, so the output is a function of the seed alone. */
#ifndef GANTUNE_ENSEMBLE_H
#define GANTUNE_ENSEMBLE_H
#include <stdint.h>

#include "base/rng.h"

enum { ENSEMBLE_STREAM_PICK = 7, ENSEMBLE_MAX = 1024 };

typedef struct {
    int n;
    char **paths;    /* resolved against the file's folder, each xstrdup'ed */
    double *mix;     /* [n], sum 1 */
    double *cdf;     /* [n] running sums of mix, the last exactly 1 */
} Ensemble;

/* 1 when path's first line is the header mix,model: an ensemble to load (else a model). */
int ensemble_is_file(const char *path);
/* Reads and checks an ensemble file; "prog: FILE:LINE: what is wrong" and exit 1. */
void ensemble_load(const char *path, Ensemble *e);
/* An ensemble from n model paths and their weights (as given: checked > 0, normalised);
 * "prog: what is wrong", exit 2 on a bad weight. */
void ensemble_make(Ensemble *e, int n, const char *const *paths, const double *mix);
/* Writes e (paths as they are in e) atomically. */
void ensemble_save(const char *path, const Ensemble *e);
void ensemble_free(Ensemble *e);
/* The component of one uniform u in [0, 1). */
int ensemble_pick(const Ensemble *e, double u);
/* The seed of component k's sampler for an ensemble sampled with seed. */
uint64_t ensemble_component_seed(uint64_t seed, int k);
#endif
