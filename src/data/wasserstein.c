/* wasserstein.c — see wasserstein.h. */
#include "data/wasserstein.h"
#include "base/util.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Map IEEE bits to unsigned keys whose integer order is the numeric order. */
static inline uint64_t key64(uint64_t u) { return (u >> 63) ? ~u : u ^ 0x8000000000000000ull; }
static inline uint64_t unkey64(uint64_t k) { return (k >> 63) ? k ^ 0x8000000000000000ull : ~k; }
static inline uint32_t key32(uint32_t u) { return (u >> 31) ? ~u : u ^ 0x80000000u; }
static inline uint32_t unkey32(uint32_t k) { return (k >> 31) ? k ^ 0x80000000u : ~k; }

#define RBITS 11
#define RSIZE (1u << RBITS)
#define RMASK (RSIZE - 1)

void w1_sort(double *x, size_t n, double *tmp)
{
    if (n < 2) return;
    enum { PASSES = (64 + RBITS - 1) / RBITS };
    double *own = tmp ? NULL : xmalloc(n * sizeof *x);
    uint64_t *a = (uint64_t *)x, *b = (uint64_t *)(tmp ? tmp : own);
    static_assert(sizeof(double) == sizeof(uint64_t), "64-bit doubles");
    /* All histograms in one read; a pass whose digit is the same for every key is skipped. */
    uint32_t hist[PASSES][RSIZE];   /* 48 KiB on the stack: no allocation with scratch */
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) {
        uint64_t k;
        memcpy(&k, &x[i], 8);
        k = key64(k);
        a[i] = k;
        for (int p = 0; p < PASSES; p++) hist[p][(k >> (p * RBITS)) & RMASK]++;
    }
    for (int p = 0; p < PASSES; p++) {
        uint32_t *h = hist[p];
        if (h[(a[0] >> (p * RBITS)) & RMASK] == n) continue;
        uint32_t sum = 0;
        for (uint32_t d = 0; d < RSIZE; d++) { uint32_t c = h[d]; h[d] = sum; sum += c; }
        for (size_t i = 0; i < n; i++) b[h[(a[i] >> (p * RBITS)) & RMASK]++] = a[i];
        uint64_t *t = a; a = b; b = t;
    }
    if (a != (uint64_t *)x) memcpy(x, a, n * sizeof *x);
    uint64_t *o = (uint64_t *)x;
    for (size_t i = 0; i < n; i++) o[i] = unkey64(o[i]);
    free(own);
}

void w1_sort_f(float *x, size_t n, float *tmp)
{
    if (n < 2) return;
    enum { PASSES = (32 + RBITS - 1) / RBITS };
    float *own = tmp ? NULL : xmalloc(n * sizeof *x);
    uint32_t *a = (uint32_t *)x, *b = (uint32_t *)(tmp ? tmp : own);
    static_assert(sizeof(float) == sizeof(uint32_t), "32-bit floats");
    uint32_t hist[PASSES][RSIZE];
    memset(hist, 0, sizeof hist);
    for (size_t i = 0; i < n; i++) {
        uint32_t k;
        memcpy(&k, &x[i], 4);
        k = key32(k);
        a[i] = k;
        for (int p = 0; p < PASSES; p++) hist[p][(k >> (p * RBITS)) & RMASK]++;
    }
    for (int p = 0; p < PASSES; p++) {
        uint32_t *h = hist[p];
        if (h[(a[0] >> (p * RBITS)) & RMASK] == n) continue;
        uint32_t sum = 0;
        for (uint32_t d = 0; d < RSIZE; d++) { uint32_t c = h[d]; h[d] = sum; sum += c; }
        for (size_t i = 0; i < n; i++) b[h[(a[i] >> (p * RBITS)) & RMASK]++] = a[i];
        uint32_t *t = a; a = b; b = t;
    }
    if (a != (uint32_t *)x) memcpy(x, a, n * sizeof *x);
    uint32_t *o = (uint32_t *)x;
    for (size_t i = 0; i < n; i++) o[i] = unkey32(o[i]);
    free(own);
}

/* One merge pass. Between consecutive merged values x_k <= x_{k+1}, F_A = i/na and F_B = j/nb
 * where i, j count the values <= x_k; |i*nb - j*na| is an exact integer in a double (< 2^53),
 * so the sum carries one division at the end. Ties give zero-width steps. */

/* One body for the three type pairs, so the variants cannot drift. */
#define W1_BODY                                                                   \
    if (na == 0 || nb == 0) return 0.0;                                                   \
    size_t i = 0, j = 0;                                                                  \
    double sum = 0.0, dna = (double)na, dnb = (double)nb;                                 \
    double prev = (double)a[0] <= (double)b[0] ? (double)a[0] : (double)b[0];             \
    while (i < na || j < nb) {                                                            \
        double x;                                                                         \
        int take_a = j == nb || (i < na && (double)a[i] <= (double)b[j]);                 \
        x = take_a ? (double)a[i] : (double)b[j];                                         \
        sum += fabs((double)i * dnb - (double)j * dna) * (x - prev);                      \
        if (take_a) i++; else j++;                                                        \
        prev = x;                                                                         \
    }                                                                                     \
    return sum / (dna * dnb);

double w1_sorted(const double *a, size_t na, const double *b, size_t nb) { W1_BODY }
double w1_sorted_f(const float *a, size_t na, const float *b, size_t nb) { W1_BODY }
double w1_sorted_fd(const float *a, size_t na, const double *b, size_t nb) { W1_BODY }

double w1_distance(double *a, size_t na, double *b, size_t nb)
{
    w1_sort(a, na, NULL);
    w1_sort(b, nb, NULL);
    return w1_sorted(a, na, b, nb);
}
