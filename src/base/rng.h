/* rng.h — xoshiro256** seeded through splitmix64: fast, small state, and the same stream on
 * every machine, so a seed reproduces a run bit for bit. No hidden state: callers own an Rng. */
#ifndef GANTUNE_RNG_H
#define GANTUNE_RNG_H
#include <stddef.h>
#include <stdint.h>

typedef struct { uint64_t s[4]; } Rng;

void rng_seed(Rng *r, uint64_t seed);
/* An independent stream for (seed, stream), e.g. one per purpose or per trial. */
void rng_seed2(Rng *r, uint64_t seed, uint64_t stream);
uint64_t rng_u64(Rng *r);
double rng_uniform(Rng *r);                 /* [0, 1) with 53 random bits */
double rng_uniform_pos(Rng *r);             /* (0, 1) */
uint64_t rng_below(Rng *r, uint64_t n);     /* uniform integer in [0, n), unbiased */
double rng_normal(Rng *r);                  /* standard normal (polar Box–Muller, no cache) */
void rng_normal_fill(Rng *r, float *x, size_t n);   /* n standard normals, pairs at a time */
void rng_shuffle_u32(Rng *r, uint32_t *a, size_t n);  /* Fisher–Yates */
void rng_cossin(Rng *r, double *c, double *s);   /* cos, sin of a uniform azimuth, no trigonometry */
/* splitmix64 step: also a good integer hash to derive seeds from (seed, id, index). */
uint64_t rng_mix(uint64_t x);
#endif
