/* sobol.c — see sobol.h. */
#include "hpo/sobol.h"
#include "base/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

double sobol_indices(SobolFn f, const void *ctx, int d, int N, Rng *r, double *S1, double *ST,
                     double *S2, double *se)
{
    double *A = xmalloc((size_t)N * d * sizeof *A), *B = xmalloc((size_t)N * d * sizeof *B);
    double *fA = xmalloc((size_t)N * sizeof *fA), *fB = xmalloc((size_t)N * sizeof *fB);
    double *fAB = xmalloc((size_t)N * d * sizeof *fAB), *x = xmalloc((size_t)d * sizeof *x);
    for (size_t i = 0; i < (size_t)N * d; i++) { A[i] = rng_uniform(r); B[i] = rng_uniform(r); }
    double mean = 0, var = 0;
    for (int i = 0; i < N; i++) {
        fA[i] = f(ctx, A + (size_t)i * d);
        fB[i] = f(ctx, B + (size_t)i * d);
        mean += fA[i] + fB[i];
    }
    mean /= 2.0 * N;
    for (int i = 0; i < N; i++) var += (fA[i] - mean) * (fA[i] - mean) + (fB[i] - mean) * (fB[i] - mean);
    var /= 2.0 * N - 1;
    for (int j = 0; j < d; j++) {
        double s1 = 0, st = 0, q1 = 0, qt = 0;
        for (int i = 0; i < N; i++) {
            memcpy(x, A + (size_t)i * d, (size_t)d * sizeof *x);
            x[j] = B[(size_t)i * d + j];
            double v = fAB[(size_t)j * N + i] = f(ctx, x);
            double t1 = fB[i] * (v - fA[i]), tt = 0.5 * (fA[i] - v) * (fA[i] - v);
            s1 += t1, st += tt, q1 += t1 * t1, qt += tt * tt;
        }
        S1[j] = var > 0 ? s1 / N / var : 0;
        ST[j] = var > 0 ? st / N / var : 0;
        if (se) {   /* the terms' sample sd over sqrt(N), in units of the variance */
            double m1 = s1 / N, mt = st / N;
            double v1 = N > 1 ? (q1 - N * m1 * m1) / (N - 1) : 0, vt = N > 1 ? (qt - N * mt * mt) / (N - 1) : 0;
            se[2 * j] = var > 0 && v1 > 0 ? sqrt(v1 / N) / var : 0;
            se[2 * j + 1] = var > 0 && vt > 0 ? sqrt(vt / N) / var : 0;
        }
    }
    if (S2) {
        for (int j = 0; j < d * d; j++) S2[j] = 0;
        for (int j = 0; j < d; j++)
            for (int k = j + 1; k < d; k++) {
                double sc = 0;       /* closed index of {j,k}: A with columns j,k from B */
                for (int i = 0; i < N; i++) {
                    memcpy(x, A + (size_t)i * d, (size_t)d * sizeof *x);
                    x[j] = B[(size_t)i * d + j];
                    x[k] = B[(size_t)i * d + k];
                    sc += fB[i] * (f(ctx, x) - fA[i]);
                }
                double s2 = var > 0 ? sc / N / var - S1[j] - S1[k] : 0;
                S2[j * d + k] = S2[k * d + j] = s2;
            }
    }
    free(A); free(B); free(fA); free(fB); free(fAB); free(x);
    return var;
}
