/* rng.c — see rng.h. */
#include "base/rng.h"

#include <math.h>

uint64_t rng_mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

void rng_seed(Rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++) {
        x += 0x9e3779b97f4a7c15ULL;
        r->s[i] = rng_mix(x);
    }
}

void rng_seed2(Rng *r, uint64_t seed, uint64_t stream)
{
    rng_seed(r, rng_mix(seed) ^ rng_mix(stream * 0xd1b54a32d192ed03ULL + 1));
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng_u64(Rng *r)
{
    uint64_t *s = r->s;
    uint64_t out = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return out;
}

double rng_uniform(Rng *r) { return (double)(rng_u64(r) >> 11) * 0x1.0p-53; }

double rng_uniform_pos(Rng *r) { return ((double)(rng_u64(r) >> 11) + 0.5) * 0x1.0p-53; }

uint64_t rng_below(Rng *r, uint64_t n)
{
    if (n <= 1) return 0;
    uint64_t lim = -n % n;   /* 2^64 mod n: reject the short last block */
    for (;;) {
        uint64_t x = rng_u64(r);
        if (x >= lim) return x % n;
    }
}

/* cos and sin of a uniform azimuth without trigonometry: a uniform point (x, y) in the unit
 * disk has angle a, and (x^2 - y^2, 2xy) / r^2 = (cos 2a, sin 2a). */
void rng_cossin(Rng *r, double *c, double *s)
{
    double x, y, r2;
    do {
        x = 2.0 * rng_uniform(r) - 1.0;
        y = 2.0 * rng_uniform(r) - 1.0;
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 < 1e-200);
    *c = (x * x - y * y) / r2;
    *s = 2.0 * x * y / r2;
}

static void normal_pair(Rng *r, double *a, double *b)
{
    double u, v, s;
    do {
        u = 2.0 * rng_uniform(r) - 1.0;
        v = 2.0 * rng_uniform(r) - 1.0;
        s = u * u + v * v;
    } while (s >= 1.0 || s == 0.0);
    double f = sqrt(-2.0 * log(s) / s);
    *a = u * f;
    *b = v * f;
}

double rng_normal(Rng *r)
{
    double a, b;
    normal_pair(r, &a, &b);
    return a;
}

void rng_normal_fill(Rng *r, float *x, size_t n)
{
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        double a, b;
        normal_pair(r, &a, &b);
        x[i] = (float)a;
        x[i + 1] = (float)b;
    }
    if (i < n) x[i] = (float)rng_normal(r);
}

void rng_shuffle_u32(Rng *r, uint32_t *a, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i);
        uint32_t t = a[i - 1];
        a[i - 1] = a[j];
        a[j] = t;
    }
}
