/* nn.c — reference CPU layers (see nn.h). GEMMs go through cblas_sgemm; the elementwise passes
 * are written as row loops over contiguous feature vectors so the compiler vectorises them
 * across features, and batch-norm statistics are accumulated in a fixed row order. */
#include "nn.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

/* LeakyReLU's derivative (1 for u > 0, else slope) from the sign bit with integer arithmetic,
 * so GCC vectorises the loops that use it (a float ?: or compare stays control flow under the
 * default -ftrapping-math). Same result as u > 0 for every u, NaN and -0 included. */
static inline float leaky_gain(float u, float slope)
{
    int32_t b;
    memcpy(&b, &u, sizeof b);
    return b > 0 ? 1.0f : slope;
}

/* Layers with few outputs (the discriminator's logit, the generator's 2-4 columns) waste most
 * of a GEMM call on packing the whole input for a product a few columns wide: these loops do
 * them directly, vectorised along the rows' contiguous inputs, in a fixed order, with W's
 * columns copied contiguous KCHUNK inputs at a time into a stack buffer. Layers with few
 * inputs (the first layer's 6-12) stay with sgemm: at the study's shapes it was 1.3-2x
 * faster than register-blocked loops forward and for the input gradient, and as fast for the
 * weight gradient. `make bench-nn` times each thin shape both ways. (Those figures are for
 * OpenBLAS's AVX2 kernels; its AVX-512 ones have unpacked small-matrix paths that beat these
 * loops forward and for dW, by 2-6 us a call, and lose for dx.) */
enum { SMALL_OUT = 4, KCHUNK = 1024 };

static inline void w_columns(const float *W, int nout, int k0, int kn, float *wt)
{
    for (int j = 0; j < nout; j++)
        for (int k = 0; k < kn; k++) wt[j * KCHUNK + k] = W[(size_t)(k0 + k) * nout + j];
}

/* Hot loops get an AVX-512 clone picked at load time (ifunc); other machines run the default. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define NN_HOT __attribute__((target_clones("arch=x86-64-v4", "default")))
#else
#define NN_HOT
#endif

/* Dot product in 16 independent lanes summed in a fixed order at the end: vectorises without
 * -ffast-math (a single running sum is a serial dependency chain) and stays deterministic. */
static inline float dot_lanes(const float *restrict a, const float *restrict b, int n)
{
    enum { L = 16 };
    float acc[L] = {0};
    int k = 0;
    for (; k + L <= n; k += L)
        for (int l = 0; l < L; l++) acc[l] += a[k + l] * b[k + l];
    float s = 0.0f;
    for (int l = 0; l < L; l++) s += acc[l];
    for (; k < n; k++) s += a[k] * b[k];
    return s;
}

NN_HOT void nn_dense_fwd(int B, int nin, int nout, const float *x, const float *W, const float *b,
                  float *y)
{
    if (nout <= SMALL_OUT) {
        /* dot products along the rows against W's few columns, copied contiguous */
        float wt[SMALL_OUT * KCHUNK];
        for (int k0 = 0; k0 < nin; k0 += KCHUNK) {
            int kn = nin - k0 < KCHUNK ? nin - k0 : KCHUNK;
            w_columns(W, nout, k0, kn, wt);
            for (int r = 0; r < B; r++)
                for (int j = 0; j < nout; j++) {
                    float s = dot_lanes(x + (size_t)r * nin + k0, wt + j * KCHUNK, kn);
                    float *yj = y + (size_t)r * nout + j;
                    *yj = k0 ? *yj + s : b ? s + b[j] : s;
                }
        }
        return;
    }
    if (b) {
        for (int r = 0; r < B; r++) memcpy(y + (size_t)r * nout, b, (size_t)nout * sizeof *b);
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, nout, nin, 1.0f, x, nin, W, nout,
                b ? 1.0f : 0.0f, y, nout);
}

NN_HOT void nn_dense_bwd(int B, int nin, int nout, const float *x, const float *W, const float *dy,
                  float *dx, float *dW, float *db)
{
    if (dx) {  /* dx[B x nin] = dy[B x nout] W^T */
        if (nout <= SMALL_OUT) {
            float wt[SMALL_OUT * KCHUNK];
            for (int k0 = 0; k0 < nin; k0 += KCHUNK) {
                int kn = nin - k0 < KCHUNK ? nin - k0 : KCHUNK;
                w_columns(W, nout, k0, kn, wt);
                for (int r = 0; r < B; r++) {
                    float *restrict xr = dx + (size_t)r * nin + k0;
                    const float *dr = dy + (size_t)r * nout;
                    for (int k = 0; k < kn; k++) xr[k] = dr[0] * wt[k];
                    for (int j = 1; j < nout; j++) {
                        const float d = dr[j], *restrict wj = wt + j * KCHUNK;
                        for (int k = 0; k < kn; k++) xr[k] += d * wj[k];
                    }
                }
            }
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, nin, nout, 1.0f, dy, nout, W,
                        nout, 0.0f, dx, nin);
        }
    }
    if (dW) {  /* dW[nin x nout] = x^T dy */
        if (nout <= SMALL_OUT) {
            /* dW[k][j] = sum_r x[r][k] dy[r][j], rows streamed in order, the sums for KCHUNK
             * inputs per output kept in a stack buffer */
            float acc[SMALL_OUT * KCHUNK];
            for (int k0 = 0; k0 < nin; k0 += KCHUNK) {
                int kn = nin - k0 < KCHUNK ? nin - k0 : KCHUNK;
                for (int j = 0; j < nout; j++) memset(acc + j * KCHUNK, 0, (size_t)kn * sizeof *acc);
                for (int r = 0; r < B; r++) {
                    const float *restrict xr = x + (size_t)r * nin + k0;
                    for (int j = 0; j < nout; j++) {
                        const float d = dy[(size_t)r * nout + j];
                        float *restrict aj = acc + j * KCHUNK;
                        for (int k = 0; k < kn; k++) aj[k] += d * xr[k];
                    }
                }
                for (int j = 0; j < nout; j++)
                    for (int k = 0; k < kn; k++) dW[(size_t)(k0 + k) * nout + j] = acc[j * KCHUNK + k];
            }
        } else {
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nin, nout, B, 1.0f, x, nin, dy,
                        nout, 0.0f, dW, nout);
        }
    }
    if (db) {
        memset(db, 0, (size_t)nout * sizeof *db);
        for (int r = 0; r < B; r++) {
            const float *d = dy + (size_t)r * nout;
            for (int j = 0; j < nout; j++) db[j] += d[j];
        }
    }
}

/* The batch-norm passes stream the rows in order, four at a time: the per-feature sums and
 * parameters are loaded and stored once per four rows instead of once per row, which is what
 * bounded these loops (they ran at about a cycle per element). Sums over rows are taken as
 * (r0 + r1) + (r2 + r3) per group of four, in a fixed order. */
NN_HOT void nn_bn_act_train_fwd(int B, int n, float *restrict h, const float *restrict gamma,
                                const float *restrict beta, float slope, float *restrict xhat,
                                float *restrict mean, float *restrict invstd,
                                float *restrict run_mean, float *restrict run_var)
{
    /* Two-pass mean and variance: float sums over rows, exact enough for B up to thousands,
     * and free of the cancellation of the one-pass sum of squares. invstd holds the sum of
     * squares until the last step. */
    const size_t N = (size_t)n;
    memset(mean, 0, N * sizeof *mean);
    memset(invstd, 0, N * sizeof *invstd);
    int r = 0;
    for (; r + 4 <= B; r += 4) {
        const float *h0 = h + r * N, *h1 = h0 + N, *h2 = h1 + N, *h3 = h2 + N;
        for (int j = 0; j < n; j++) mean[j] += (h0[j] + h1[j]) + (h2[j] + h3[j]);
    }
    for (; r < B; r++)
        for (int j = 0; j < n; j++) mean[j] += h[r * N + j];
    const float inv_b = 1.0f / (float)B;
    for (int j = 0; j < n; j++) mean[j] *= inv_b;
    for (r = 0; r + 4 <= B; r += 4) {
        const float *h0 = h + r * N, *h1 = h0 + N, *h2 = h1 + N, *h3 = h2 + N;
        for (int j = 0; j < n; j++) {
            float d0 = h0[j] - mean[j], d1 = h1[j] - mean[j];
            float d2 = h2[j] - mean[j], d3 = h3[j] - mean[j];
            invstd[j] += (d0 * d0 + d1 * d1) + (d2 * d2 + d3 * d3);
        }
    }
    for (; r < B; r++)
        for (int j = 0; j < n; j++) {
            float d = h[r * N + j] - mean[j];
            invstd[j] += d * d;
        }
    if (run_mean && run_var) {
        const float m = NN_BN_MOMENTUM, unbias = (float)B / (float)(B - 1);
        for (int j = 0; j < n; j++) {
            run_mean[j] = (1.0f - m) * run_mean[j] + m * mean[j];
            run_var[j] = (1.0f - m) * run_var[j] + m * (invstd[j] * inv_b * unbias);
        }
    }
    for (int j = 0; j < n; j++) invstd[j] = 1.0f / sqrtf(invstd[j] * inv_b + NN_BN_EPS);
    for (r = 0; r < B; r++) {   /* one row at a time: GCC does not vectorise four here */
        float *hr = h + r * N, *xr = xhat + r * N;
        for (int j = 0; j < n; j++) {
            float xh = (hr[j] - mean[j]) * invstd[j];
            float u = gamma[j] * xh + beta[j];
            xr[j] = xh;
            hr[j] = u * leaky_gain(u, slope);
        }
    }
}

NN_HOT void nn_bn_act_train_bwd(int B, int n, float *restrict da, const float *restrict xhat,
                                const float *restrict gamma, const float *restrict beta,
                                const float *restrict invstd, float slope,
                                float *restrict dgamma, float *restrict dbeta)
{
    const size_t N = (size_t)n;
    memset(dgamma, 0, N * sizeof *dgamma);
    memset(dbeta, 0, N * sizeof *dbeta);
    /* pass 1: through the activation (its sign recomputed from xhat), then the sums */
#define BN_ACT_BWD(dr, xr, e)                                                                  \
    do {                                                                                       \
        e = (dr)[j] * leaky_gain(g * (xr)[j] + be, slope);                                     \
        (dr)[j] = e;                                                                           \
    } while (0)
    int r = 0;
    for (; r + 4 <= B; r += 4) {
        float *d0 = da + r * N, *d1 = d0 + N, *d2 = d1 + N, *d3 = d2 + N;
        const float *x0 = xhat + r * N, *x1 = x0 + N, *x2 = x1 + N, *x3 = x2 + N;
        for (int j = 0; j < n; j++) {
            const float g = gamma[j], be = beta[j];
            float e0, e1, e2, e3;
            BN_ACT_BWD(d0, x0, e0);
            BN_ACT_BWD(d1, x1, e1);
            BN_ACT_BWD(d2, x2, e2);
            BN_ACT_BWD(d3, x3, e3);
            dgamma[j] += (e0 * x0[j] + e1 * x1[j]) + (e2 * x2[j] + e3 * x3[j]);
            dbeta[j] += (e0 + e1) + (e2 + e3);
        }
    }
    for (; r < B; r++) {
        float *d0 = da + r * N;
        const float *x0 = xhat + r * N;
        for (int j = 0; j < n; j++) {
            const float g = gamma[j], be = beta[j];
            float e0;
            BN_ACT_BWD(d0, x0, e0);
            dgamma[j] += e0 * x0[j];
            dbeta[j] += e0;
        }
    }
#undef BN_ACT_BWD
    /* pass 2: dh = gamma invstd / B * (B dy - dbeta - xhat dgamma) */
    const float inv_b = 1.0f / (float)B;
    for (r = 0; r + 4 <= B; r += 4) {
        float *d0 = da + r * N, *d1 = d0 + N, *d2 = d1 + N, *d3 = d2 + N;
        const float *x0 = xhat + r * N, *x1 = x0 + N, *x2 = x1 + N, *x3 = x2 + N;
        for (int j = 0; j < n; j++) {
            const float k = gamma[j] * invstd[j], db = dbeta[j], dg = dgamma[j];
            d0[j] = k * (d0[j] - inv_b * (db + x0[j] * dg));
            d1[j] = k * (d1[j] - inv_b * (db + x1[j] * dg));
            d2[j] = k * (d2[j] - inv_b * (db + x2[j] * dg));
            d3[j] = k * (d3[j] - inv_b * (db + x3[j] * dg));
        }
    }
    for (; r < B; r++) {
        float *d0 = da + r * N;
        const float *x0 = xhat + r * N;
        for (int j = 0; j < n; j++)
            d0[j] = gamma[j] * invstd[j] * (d0[j] - inv_b * (dbeta[j] + x0[j] * dgamma[j]));
    }
}

NN_HOT void nn_bn_act_infer_fwd(int B, int n, float *restrict h, const float *restrict gamma, const float *restrict beta,
                         const float *restrict run_mean, const float *restrict run_var, float slope)
{
    /* fold into one multiply-add per element: a = gamma/sqrt(var+eps), c = beta - a mean.
     * The scratch lives on the stack in chunks, so the function needs no workspace. */
    enum { CH = 256 };
    float a[CH], c[CH];
    for (int j0 = 0; j0 < n; j0 += CH) {
        int m = n - j0 < CH ? n - j0 : CH;
        for (int j = 0; j < m; j++) {
            a[j] = gamma[j0 + j] / sqrtf(run_var[j0 + j] + NN_BN_EPS);
            c[j] = beta[j0 + j] - a[j] * run_mean[j0 + j];
        }
        for (int r = 0; r < B; r++) {
            float *hr = h + (size_t)r * n + j0;
            for (int j = 0; j < m; j++) {
                float u = a[j] * hr[j] + c[j];
                hr[j] = u * leaky_gain(u, slope);
            }
        }
    }
}

void nn_leaky_fwd(int64_t len, float *x, float slope)
{
    for (int64_t i = 0; i < len; i++) x[i] = x[i] > 0.0f ? x[i] : slope * x[i];
}

void nn_leaky_bwd(int64_t len, const float *restrict y, float *restrict dy, float slope)
{
    for (int64_t i = 0; i < len; i++) dy[i] = y[i] > 0.0f ? dy[i] : slope * dy[i];
}

void nn_tanh_fwd(int64_t len, float *x)
{
    for (int64_t i = 0; i < len; i++) x[i] = tanhf(x[i]);
}

void nn_tanh_bwd(int64_t len, const float *restrict y, float *restrict dy)
{
    for (int64_t i = 0; i < len; i++) dy[i] *= 1.0f - y[i] * y[i];
}

double nn_bce_logits(int B, const float *z, float target, float *dz)
{
    double loss = 0.0;
    const float inv_b = 1.0f / (float)B;
    for (int i = 0; i < B; i++) {
        float zi = z[i];
        loss += (double)(fmaxf(zi, 0.0f) - zi * target + log1pf(expf(-fabsf(zi))));
        if (dz) {
            /* sigmoid without overflow for either sign */
            float s = zi >= 0.0f ? 1.0f / (1.0f + expf(-zi)) : expf(zi) / (1.0f + expf(zi));
            dz[i] = (s - target) * inv_b;
        }
    }
    return loss / B;
}

NN_HOT void nn_adam_step(int64_t n, float *restrict p, const float *restrict g, float *restrict m, float *restrict v, float lr, float b1,
                  float b2, float eps, long t)
{
    const float bc1 = 1.0f - powf(b1, (float)t), bc2 = 1.0f - powf(b2, (float)t);
    const float step = lr / bc1, inv_sqrt_bc2 = 1.0f / sqrtf(bc2);
    for (int64_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        p[i] -= step * m[i] / (sqrtf(v[i]) * inv_sqrt_bc2 + eps);
    }
}

void nn_glorot_uniform(int nin, int nout, float *W, Rng *rng)
{
    const double a = sqrt(6.0 / (double)(nin + nout));
    for (size_t i = 0; i < (size_t)nin * (size_t)nout; i++)
        W[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * a);
}
