/* sample.h — events from a model file: the one definition of how (conditions, seed) or
 * (conditions, noise) become events, shared by gan-sample, the public library libgantune
 * (include/gantune.h) and gan-export's noise file, so the three give the same numbers.
 *
 * Generator input row = conditions scaled to [-1, 1] with the model's training ranges
 * (2 (c - lo) / (hi - lo) - 1 in double, then float; a constant column divides by 1) ++ noise.
 * Output = t^-1((y + 1) / 2 (hi - lo) + lo) in double from the generator's float tanh output
 * y, t the column's transform (transform.h; none in a version 1 model); a model scaled to
 * [0, 1] (range01) takes t^-1(y (hi - lo) + lo) instead.
 * The noise stream of a seed: rng_seed2(seed, SAMPLE_STREAM), drawn SAMPLE_BLOCK rows at a
 * time by rng_normal_fill (rng.h); event i gets row i of the stream however the requests are
 * split (a shorter last block is the prefix of a full one, since rng_normal_fill's odd tail
 * is the first of the pair it would have drawn).
 *
 * No exit anywhere: sampler_init returns -1 when out of memory. No allocation after init. One
 * Sampler per thread. */
#ifndef GANTUNE_SAMPLE_H
#define GANTUNE_SAMPLE_H
#include <stddef.h>
#include <stdint.h>

#include "base/rng.h"
#include "model/gtm.h"

enum { SAMPLE_STREAM = 5, SAMPLE_BLOCK = 4096 };

typedef struct {
    const GtmModel *m;
    Rng rng;
    float *zblock;       /* [SAMPLE_BLOCK x nnoise] the stream's current block */
    int zused;           /* its rows handed out; SAMPLE_BLOCK: the next block is due */
    float *z;            /* [SAMPLE_BLOCK x nnoise] one request's noise */
    float *in;           /* [SAMPLE_BLOCK x (ncond + nnoise)] generator input */
    float *work;         /* net_infer_floats(SAMPLE_BLOCK) */
    float *y;            /* [SAMPLE_BLOCK x nout] generator output (tanh units) */
    double *ev;          /* [SAMPLE_BLOCK x nout] events in physical units */
    double *oscale, *cscale;   /* hi - lo per output / condition column (1 if constant) */
} Sampler;

/* Buffers for m (which must outlive the sampler), seeded with seed 0. 0, or -1 (out of
 * memory; s is then empty and sampler_free is safe). */
int sampler_init(Sampler *s, const GtmModel *m);
void sampler_free(Sampler *s);
/* Restart the noise stream at row 0 of seed's stream. */
void sampler_seed(Sampler *s, uint64_t seed);
/* The next rows of the stream into z [rows x nnoise]. */
void sampler_noise(Sampler *s, size_t rows, float *z);
/* b <= SAMPLE_BLOCK generator input rows into s->in from cond [b x ncond] (physical units;
 * unused without conditions) and z [b x nnoise]. */
void sampler_inputs(Sampler *s, int b, const double *cond, const float *z);
/* b rows of generator output y into physical units, ev [b x nout]. */
void sampler_outputs(const Sampler *s, int b, const float *y, double *ev);
/* All three on the CPU: b <= SAMPLE_BLOCK events into ev from cond and z. */
void sampler_run(Sampler *s, int b, const double *cond, const float *z, double *ev);
#endif
