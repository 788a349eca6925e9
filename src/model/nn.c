/* nn.c — reference CPU layers (see nn.h). GEMMs go through cblas_sgemm (the first block with
 * few inputs needs none: nn_dense_bn_act_fwd/bwd); the elementwise passes
 * are written as row loops over contiguous feature vectors so the compiler vectorises them
 * across features, and batch-norm statistics are accumulated in a fixed row order. */
#include "model/nn.h"

#include "model/bf16.h"

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
 * inputs (the first layer's 6-12) stay with sgemm here: at the study's shapes it was 1.3-2x
 * faster than register-blocked loops forward and for the input gradient, and as fast for the
 * weight gradient. (In training, gan.c runs that layer and its batch norm as one block,
 * nn_dense_bn_act_fwd/bwd below, which needs neither product.) `make bench-nn` times each
 * thin shape both ways. (Those figures are for
 * OpenBLAS's AVX2 kernels; its AVX-512 ones have unpacked small-matrix paths that beat these
 * loops forward and for dW, by 2-6 us a call, and lose for dx.) */
enum { SMALL_OUT = NN_SMALL_OUT, KCHUNK = 1024 };

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
/* a pass shared by a float32 function and its bf16 twin, inlined into each (and its clones) */
#define NN_IMPL static inline __attribute__((always_inline))

/* bf16 copies written inside the passes above (inlined, so vectorised in each clone) */
static inline void bf16_from_row(int64_t n, const float *restrict x, uint16_t *restrict y)
{
    for (int64_t i = 0; i < n; i++) y[i] = bf16_round(x[i]);
}

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

NN_HOT void nn_dense_dx_lead(int B, int nin, int nout, const float *W, const float *dy, float *dx,
                             int ndx)
{
    if (ndx > SMALL_OUT) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, ndx, nout, 1.0f, dy, nout, W,
                    nout, 0.0f, dx, nin);
        return;
    }
    for (int r = 0; r < B; r++)
        for (int k = 0; k < ndx; k++)
            dx[(size_t)r * nin + k] = dot_lanes(dy + (size_t)r * nout, W + (size_t)k * nout, nout);
}

void nn_dense_fwd_bf16(Bf16Ctx *ctx, int B, int nin, int nout, const uint16_t *xb,
                       const uint16_t *Wb, const float *b, float *y)
{
    bf16_gemm(ctx, B, nout, nin, 0, 0, xb, Wb, b, y);
}

void nn_dense_bwd_bf16(Bf16Ctx *ctx, int B, int nin, int nout, const uint16_t *xb,
                       const uint16_t *Wb, const uint16_t *dyb, const float *dy, float *dx,
                       float *dW, float *db)
{
    if (dx) bf16_gemm(ctx, B, nin, nout, 0, 1, dyb, Wb, NULL, dx);   /* dy W^T */
    if (dW) bf16_gemm(ctx, nin, nout, B, 1, 0, xb, dyb, NULL, dW);   /* x^T dy */
    if (db) nn_dense_bwd(B, nin, nout, NULL, NULL, dy, NULL, NULL, db);
}

/* The batch-norm passes stream the rows in order, four at a time: the per-feature sums and
 * parameters are loaded and stored once per four rows instead of once per row, which is what
 * bounded these loops (they ran at about a cycle per element). Sums over rows are taken as
 * (r0 + r1) + (r2 + r3) per group of four, in a fixed order. */
NN_IMPL void bn_act_train_fwd(int B, int n, float *restrict h, const float *restrict gamma,
                             const float *restrict beta, float slope, float *restrict xhat,
                             float *restrict mean, float *restrict invstd,
                             float *restrict run_mean, float *restrict run_var,
                             uint16_t *restrict hb)
{
    /* Mean and variance in one pass over the rows, as sums of d = h - h[0] and d^2 (the
     * first row's d is zero, so it is skipped): shifting by a sample of the batch keeps
     * var = S2/B - (S1/B)^2 free of the cancellation of the unshifted sum of squares, which
     * loses digits only when the mean is many standard deviations from h[0]. mean and invstd
     * hold S1 and S2 until the last step. */
    const size_t N = (size_t)n;
    const float *restrict h0 = h;
    memset(mean, 0, N * sizeof *mean);
    memset(invstd, 0, N * sizeof *invstd);
    int r = 1;
    for (; r + 4 <= B; r += 4) {
        const float *h1 = h + r * N, *h2 = h1 + N, *h3 = h2 + N, *h4 = h3 + N;
        for (int j = 0; j < n; j++) {
            float d1 = h1[j] - h0[j], d2 = h2[j] - h0[j], d3 = h3[j] - h0[j], d4 = h4[j] - h0[j];
            mean[j] += (d1 + d2) + (d3 + d4);
            invstd[j] += (d1 * d1 + d2 * d2) + (d3 * d3 + d4 * d4);
        }
    }
    for (; r < B; r++)
        for (int j = 0; j < n; j++) {
            float d = h[r * N + j] - h0[j];
            mean[j] += d;
            invstd[j] += d * d;
        }
    const float inv_b = 1.0f / (float)B;
    for (int j = 0; j < n; j++) {
        float dm = mean[j] * inv_b;
        mean[j] = h0[j] + dm;
        invstd[j] = fmaxf(invstd[j] * inv_b - dm * dm, 0.0f);   /* the variance, for now */
    }
    if (run_mean && run_var) {
        const float m = NN_BN_MOMENTUM, unbias = (float)B / (float)(B - 1);
        for (int j = 0; j < n; j++) {
            run_mean[j] = (1.0f - m) * run_mean[j] + m * mean[j];
            run_var[j] = (1.0f - m) * run_var[j] + m * (invstd[j] * unbias);
        }
    }
    for (int j = 0; j < n; j++) invstd[j] = 1.0f / sqrtf(invstd[j] + NN_BN_EPS);
    for (r = 0; r < B; r++) {   /* one row at a time: GCC does not vectorise four here */
        float *hr = h + r * N, *xr = xhat + r * N;
        for (int j = 0; j < n; j++) {
            float xh = (hr[j] - mean[j]) * invstd[j];
            float u = gamma[j] * xh + beta[j];
            xr[j] = xh;
            hr[j] = u * leaky_gain(u, slope);
        }
        /* the next GEMM's bf16 operand while the row is still in L1 */
        if (hb) bf16_from_row(n, hr, hb + r * N);
    }
}

NN_HOT void nn_bn_act_train_fwd(int B, int n, float *restrict h, const float *restrict gamma,
                                const float *restrict beta, float slope, float *restrict xhat,
                                float *restrict mean, float *restrict invstd,
                                float *restrict run_mean, float *restrict run_var)
{
    bn_act_train_fwd(B, n, h, gamma, beta, slope, xhat, mean, invstd, run_mean, run_var, NULL);
}

NN_HOT void nn_bn_act_train_fwd_bf16(int B, int n, float *restrict h,
                                     const float *restrict gamma, const float *restrict beta,
                                     float slope, float *restrict xhat, float *restrict mean,
                                     float *restrict invstd, float *restrict run_mean,
                                     float *restrict run_var, uint16_t *restrict hb)
{
    bn_act_train_fwd(B, n, h, gamma, beta, slope, xhat, mean, invstd, run_mean, run_var, hb);
}

NN_IMPL void bn_act_train_bwd(int B, int n, float *restrict da, const float *restrict xhat,
                             const float *restrict gamma, const float *restrict beta,
                             const float *restrict invstd, float slope,
                             float *restrict dgamma, float *restrict dbeta,
                             uint16_t *restrict dhb)
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
        if (dhb) bf16_from_row(4 * n, d0, dhb + r * N);   /* the four rows are contiguous */
    }
    for (; r < B; r++) {
        float *d0 = da + r * N;
        const float *x0 = xhat + r * N;
        for (int j = 0; j < n; j++)
            d0[j] = gamma[j] * invstd[j] * (d0[j] - inv_b * (dbeta[j] + x0[j] * dgamma[j]));
        if (dhb) bf16_from_row(n, d0, dhb + r * N);
    }
}

NN_HOT void nn_bn_act_train_bwd(int B, int n, float *restrict da, const float *restrict xhat,
                                const float *restrict gamma, const float *restrict beta,
                                const float *restrict invstd, float slope,
                                float *restrict dgamma, float *restrict dbeta)
{
    bn_act_train_bwd(B, n, da, xhat, gamma, beta, invstd, slope, dgamma, dbeta, NULL);
}

NN_HOT void nn_bn_act_train_bwd_bf16(int B, int n, float *restrict da,
                                     const float *restrict xhat, const float *restrict gamma,
                                     const float *restrict beta, const float *restrict invstd,
                                     float slope, float *restrict dgamma, float *restrict dbeta,
                                     uint16_t *restrict dhb)
{
    bn_act_train_bwd(B, n, da, xhat, gamma, beta, invstd, slope, dgamma, dbeta, dhb);
}

/* The first-block passes sum a few rows of W against 16-column chunks. Plain loops over a
 * runtime count of rows do not vectorise (GCC unrolls the 16 lanes, then gives up), so these
 * sums use a 16-float vector of the GCC/Clang vector extension, which lowers to whatever the
 * target has (one AVX-512 register, two AVX2 or four SSE ones). Per-column scratch lives on
 * the stack in chunks of FCH columns. */
enum { FL = 16, FCH = 256 };
typedef float f16v __attribute__((vector_size(FL * sizeof(float))));

/* (a macro, not a function: passing a 64-byte vector by value changes the ABI between the
 * AVX-512 clone and the default one) */
#define LOAD16(p) ({ f16v v_; memcpy(&v_, (p), sizeof v_); v_; })

typedef int32_t i16v __attribute__((vector_size(FL * sizeof(int32_t))));

/* One 16-column chunk of a first-block row from its pre-activation sums *h: xhat and the
 * activation written, with leaky_gain's sign-bit test on all lanes. */
static inline void first_act16(const f16v *h, const float *restrict invstd,
                               const float *restrict gamma, const float *restrict beta,
                               float slope, float *restrict xh, float *restrict a)
{
    const f16v x = *h * LOAD16(invstd), u = LOAD16(gamma) * x + LOAD16(beta);
    const f16v one = {1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f,
                      1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
    const f16v sl = one * slope;
    i16v bits, pos, gain;
    memcpy(&bits, &u, sizeof bits);
    pos = bits > 0;   /* all ones where leaky_gain is 1 */
    i16v bone, bsl;
    memcpy(&bone, &one, sizeof bone), memcpy(&bsl, &sl, sizeof bsl);
    gain = (bone & pos) | (bsl & ~pos);
    f16v g;
    memcpy(&g, &gain, sizeof g);
    const f16v act = u * g;
    memcpy(xh, &x, sizeof x), memcpy(a, &act, sizeof act);
}

/* One first-block row: x_r W from the row's centred inputs xc, four 16-column chains at a
 * time (each is nin multiply-adds long), normalised and activated as it is formed. */
static inline void first_row(int nin, int n, const float *restrict xc, const float *restrict W,
                             const float *restrict invstd, const float *restrict gamma,
                             const float *restrict beta, float slope, float *restrict xh,
                             float *restrict a)
{
    const size_t N = (size_t)n;
    int j = 0;
    for (; j + 4 * FL <= n; j += 4 * FL) {
        f16v h[4] = {{0}};
        for (int k = 0; k < nin; k++) {
            const float c = xc[k], *wk = W + (size_t)k * N + j;
            h[0] += c * LOAD16(wk), h[1] += c * LOAD16(wk + FL);
            h[2] += c * LOAD16(wk + 2 * FL), h[3] += c * LOAD16(wk + 3 * FL);
        }
        for (int q = 0; q < 4; q++)
            first_act16(&h[q], invstd + j + q * FL, gamma + j + q * FL, beta + j + q * FL, slope,
                        xh + j + q * FL, a + j + q * FL);
    }
    for (; j + FL <= n; j += FL) {
        f16v h = {0};
        for (int k = 0; k < nin; k++) h += xc[k] * LOAD16(W + (size_t)k * N + j);
        first_act16(&h, invstd + j, gamma + j, beta + j, slope, xh + j, a + j);
    }
    for (; j < n; j++) {
        float h = 0.0f;
        for (int k = 0; k < nin; k++) h += xc[k] * W[(size_t)k * N + j];
        const float x = h * invstd[j], u = gamma[j] * x + beta[j];
        xh[j] = x;
        a[j] = u * leaky_gain(u, slope);
    }
}

NN_IMPL void dense_bn_act_fwd(int B, int nin, int n, const float *restrict x,
                             const float *restrict W, const float *restrict gamma,
                             const float *restrict beta, float slope, float *restrict a,
                             float *restrict xhat, float *restrict xmom,
                             float *restrict invstd, float *restrict run_mean,
                             float *restrict run_var, uint16_t *restrict ab)
{
    const size_t N = (size_t)n;
    /* the inputs' mean, then their covariance from the centred rows, in double: var below
     * then has no float cancellation to lose digits to. Rows padded to 16 lanes, four rows
     * per update. */
    double mu[NN_FEW_IN] = {0};
    for (int r = 0; r < B; r++)
        for (int k = 0; k < nin; k++) mu[k] += x[(size_t)r * nin + k];
    for (int k = 0; k < nin; k++) mu[k] /= B;
    typedef double d16v __attribute__((vector_size(NN_FEW_IN * sizeof(double))));
    d16v Sv[NN_FEW_IN] = {{0}};
    for (int r = 0; r < B; r += 4) {
        double c[4][NN_FEW_IN] = {{0}};
        for (int i = 0; i < 4 && r + i < B; i++)
            for (int k = 0; k < nin; k++) c[i][k] = (double)x[(size_t)(r + i) * nin + k] - mu[k];
        d16v v[4];
        memcpy(v, c, sizeof v);
        for (int k = 0; k < nin; k++)
            Sv[k] += (c[0][k] * v[0] + c[1][k] * v[1]) + (c[2][k] * v[2] + c[3][k] * v[3]);
    }
    double S[NN_FEW_IN][NN_FEW_IN];
    memcpy(S, Sv, sizeof S);
    float *restrict xmu = xmom, *restrict xS = xmom + nin;
    for (int k = 0; k < nin; k++) {
        xmu[k] = (float)mu[k];
        for (int l = 0; l < nin; l++) {
            S[k][l] /= B;
            xS[k * nin + l] = (float)S[k][l];
        }
    }
    /* per column: mean = mu . w_j, var = w_j^T S w_j (the symmetric half, off-diagonal
     * terms doubled) */
    const float m = NN_BN_MOMENTUM, unbias = (float)B / (float)(B - 1);
    for (int j0 = 0; j0 < n; j0 += FCH) {
        const int cn = n - j0 < FCH ? n - j0 : FCH;
        double vm[FCH] = {0}, vv[FCH] = {0};
        for (int k = 0; k < nin; k++) {
            const float *wk = W + (size_t)k * N + j0;
            for (int j = 0; j < cn; j++) vm[j] += mu[k] * wk[j];
            for (int l = 0; l <= k; l++) {
                const float *wl = W + (size_t)l * N + j0;
                const double s = (l == k ? 1.0 : 2.0) * S[k][l];
                for (int j = 0; j < cn; j++) vv[j] += s * ((double)wk[j] * wl[j]);
            }
        }
        for (int j = 0; j < cn; j++) {
            const float var = vv[j] > 0.0 ? (float)vv[j] : 0.0f;
            invstd[j0 + j] = 1.0f / sqrtf(var + NN_BN_EPS);
            if (run_mean && run_var) {
                run_mean[j0 + j] = (1.0f - m) * run_mean[j0 + j] + m * (float)vm[j];
                run_var[j0 + j] = (1.0f - m) * run_var[j0 + j] + m * (var * unbias);
            }
        }
    }
    /* one pass over the rows */
    for (int r = 0; r < B; r++) {
        float xc[NN_FEW_IN];
        for (int k = 0; k < nin; k++) xc[k] = x[(size_t)r * nin + k] - xmu[k];
        first_row(nin, n, xc, W, invstd, gamma, beta, slope, xhat + r * N, a + r * N);
        if (ab) bf16_from_row(n, a + r * N, ab + r * N);
    }
}

NN_HOT void nn_dense_bn_act_fwd(int B, int nin, int n, const float *restrict x,
                                const float *restrict W, const float *restrict gamma,
                                const float *restrict beta, float slope, float *restrict a,
                                float *restrict xhat, float *restrict xmom,
                                float *restrict invstd,
                                float *restrict run_mean, float *restrict run_var)
{
    dense_bn_act_fwd(B, nin, n, x, W, gamma, beta, slope, a, xhat, xmom, invstd, run_mean,
                     run_var, NULL);
}

NN_HOT void nn_dense_bn_act_fwd_bf16(int B, int nin, int n, const float *restrict x,
                                     const float *restrict W, const float *restrict gamma,
                                     const float *restrict beta, float slope,
                                     float *restrict a, float *restrict xhat,
                                     float *restrict xmom, float *restrict invstd,
                                     float *restrict run_mean, float *restrict run_var,
                                     uint16_t *restrict ab)
{
    dense_bn_act_fwd(B, nin, n, x, W, gamma, beta, slope, a, xhat, xmom, invstd, run_mean,
                     run_var, ab);
}

NN_HOT void nn_dense_bn_act_bwd(int B, int nin, int n, const float *restrict x,
                                const float *restrict W, const float *restrict da,
                                const float *restrict xhat, const float *restrict gamma,
                                const float *restrict beta, const float *restrict xmom,
                                const float *restrict invstd, float slope,
                                float *restrict dW, int accumulate, float *restrict work,
                                float *restrict dgamma, float *restrict dbeta)
{
    const size_t N = (size_t)n;
    const float *xmu = xmom, *xS = xmom + nin;
    memset(dgamma, 0, N * sizeof *dgamma);
    memset(dbeta, 0, N * sizeof *dbeta);
    if (dW) memset(work, 0, (size_t)nin * N * sizeof *work);
    /* pass 1, read only: e (da through the activation), dgamma, dbeta and work = x_c^T e, four
     * rows at a time; rows summed as (r0 + r1) + (r2 + r3), a short block padded with zeros */
    float e[4][FCH];
    for (int r = 0; r < B; r += 4) {
        const int nr = B - r < 4 ? B - r : 4;
        float xc[4][NN_FEW_IN] = {{0}};
        for (int i = 0; i < nr; i++)
            for (int k = 0; k < nin; k++) xc[i][k] = x[(size_t)(r + i) * nin + k] - xmu[k];
        for (int j0 = 0; j0 < n; j0 += FCH) {
            const int cn = n - j0 < FCH ? n - j0 : FCH;
            const float *xh[4];
            for (int i = 0; i < 4; i++) {
                xh[i] = xhat + (size_t)(r + (i < nr ? i : 0)) * N + j0;
                if (i >= nr) {   /* e = 0 makes the padding row's terms vanish */
                    memset(e[i], 0, sizeof e[i]);
                    continue;
                }
                const float *d = da + (size_t)(r + i) * N + j0;
                for (int j = 0; j < cn; j++)
                    e[i][j] = d[j] * leaky_gain(gamma[j0 + j] * xh[i][j] + beta[j0 + j], slope);
            }
            for (int j = 0; j < cn; j++) {
                dbeta[j0 + j] += (e[0][j] + e[1][j]) + (e[2][j] + e[3][j]);
                dgamma[j0 + j] += (e[0][j] * xh[0][j] + e[1][j] * xh[1][j]) +
                                  (e[2][j] * xh[2][j] + e[3][j] * xh[3][j]);
            }
            if (!dW) continue;
            for (int k = 0; k < nin; k++) {
                const float c0 = xc[0][k], c1 = xc[1][k], c2 = xc[2][k], c3 = xc[3][k];
                float *wk = work + (size_t)k * N + j0;
                for (int j = 0; j < cn; j++)
                    wk[j] += (c0 * e[0][j] + c1 * e[1][j]) + (c2 * e[2][j] + c3 * e[3][j]);
            }
        }
    }
    /* dW = x_c^T dh = gamma invstd (x_c^T e - x_c^T xhat dgamma / B), x_c^T xhat = B S W invstd
     * (the x_c^T dbeta / B term is zero) */
    if (dW) {
        for (int k = 0; k < nin; k++) {
            float *wk = work + (size_t)k * N, *dWk = dW + (size_t)k * N;
            for (int l = 0; l < nin; l++) {
                const float s = xS[k * nin + l], *wl = W + (size_t)l * N;
                for (int j = 0; j < n; j++) wk[j] -= s * wl[j] * (invstd[j] * dgamma[j]);
            }
            if (accumulate)
                for (int j = 0; j < n; j++) dWk[j] += gamma[j] * invstd[j] * wk[j];
            else
                for (int j = 0; j < n; j++) dWk[j] = gamma[j] * invstd[j] * wk[j];
        }
    }
}

NN_IMPL void bn_act_infer_fwd(int B, int n, float *restrict h, const float *restrict gamma,
                             const float *restrict beta, const float *restrict run_mean,
                             const float *restrict run_var, float slope, uint16_t *restrict hb)
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
            if (hb) bf16_from_row(m, hr, hb + (size_t)r * n + j0);
        }
    }
}

NN_HOT void nn_bn_act_infer_fwd(int B, int n, float *restrict h, const float *restrict gamma, const float *restrict beta,
                         const float *restrict run_mean, const float *restrict run_var, float slope)
{
    bn_act_infer_fwd(B, n, h, gamma, beta, run_mean, run_var, slope, NULL);
}

NN_HOT void nn_bn_act_infer_fwd_bf16(int B, int n, float *restrict h,
                                     const float *restrict gamma, const float *restrict beta,
                                     const float *restrict run_mean,
                                     const float *restrict run_var, float slope,
                                     uint16_t *restrict hb)
{
    bn_act_infer_fwd(B, n, h, gamma, beta, run_mean, run_var, slope, hb);
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
    return nn_bce_logits_w(B, z, target, NULL, dz);
}

double nn_bce_logits_w(int B, const float *z, float target, const float *w, float *dz)
{
    double loss = 0.0;
    const float inv_b = 1.0f / (float)B;
    for (int i = 0; i < B; i++) {
        float zi = z[i];
        /* a weight of exactly 1 changes no bit of the loss or the gradient */
        float wi = w ? w[i] : 1.0f;
        loss += (double)wi * (double)(fmaxf(zi, 0.0f) - zi * target + log1pf(expf(-fabsf(zi))));
        if (dz) {
            /* sigmoid without overflow for either sign */
            float s = zi >= 0.0f ? 1.0f / (1.0f + expf(-zi)) : expf(zi) / (1.0f + expf(zi));
            dz[i] = (s - target) * inv_b * wi;
        }
    }
    return loss / B;
}

NN_IMPL void adam_step(int64_t n, float *restrict p, const float *restrict g,
                      float *restrict m, float *restrict v, float lr, float b1, float b2,
                      float eps, long t, uint16_t *restrict pb)
{
    const float bc1 = 1.0f - powf(b1, (float)t), bc2 = 1.0f - powf(b2, (float)t);
    const float step = lr / bc1, inv_sqrt_bc2 = 1.0f / sqrtf(bc2);
    for (int64_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1.0f - b1) * g[i];
        v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
        p[i] -= step * m[i] / (sqrtf(v[i]) * inv_sqrt_bc2 + eps);
    }
    if (pb) bf16_from_row(n, p, pb);
}

NN_HOT void nn_adam_step(int64_t n, float *restrict p, const float *restrict g, float *restrict m, float *restrict v, float lr, float b1,
                  float b2, float eps, long t)
{
    adam_step(n, p, g, m, v, lr, b1, b2, eps, t, NULL);
}

NN_HOT void nn_adam_step_bf16(int64_t n, float *restrict p, const float *restrict g,
                              float *restrict m, float *restrict v, float lr, float b1,
                              float b2, float eps, long t, uint16_t *restrict pb)
{
    adam_step(n, p, g, m, v, lr, b1, b2, eps, t, pb);
}

void nn_glorot_uniform(int nin, int nout, float *W, Rng *rng)
{
    const double a = sqrt(6.0 / (double)(nin + nout));
    for (size_t i = 0; i < (size_t)nin * (size_t)nout; i++)
        W[i] = (float)((2.0 * rng_uniform(rng) - 1.0) * a);
}

/* ---- convolutions (nn.h): im2col + sgemm per sample ---- */

int nn_conv_geom(NnConv *g)
{
    if (g->cin < 1 || g->cout < 1 || g->h < 1 || g->w < 1 || g->kh < 1 || g->kw < 1 ||
        g->sh < 1 || g->sw < 1 || g->ph < 0 || g->pw < 0 || g->ph >= g->kh || g->pw >= g->kw)
        return -1;
    if (g->h + 2 * g->ph < g->kh || g->w + 2 * g->pw < g->kw) return -1;
    g->oh = (g->h + 2 * g->ph - g->kh) / g->sh + 1;
    g->ow = (g->w + 2 * g->pw - g->kw) / g->sw + 1;
    return 0;
}

int nn_convt_geom(NnConv *g, int oph, int opw)
{
    if (g->cin < 1 || g->cout < 1 || g->h < 1 || g->w < 1 || g->kh < 1 || g->kw < 1 ||
        g->sh < 1 || g->sw < 1 || g->ph < 0 || g->pw < 0 || g->ph >= g->kh || g->pw >= g->kw ||
        oph < 0 || opw < 0 || oph >= g->sh || opw >= g->sw)
        return -1;
    g->oh = (g->h - 1) * g->sh - 2 * g->ph + g->kh + oph;
    g->ow = (g->w - 1) * g->sw - 2 * g->pw + g->kw + opw;
    return g->oh >= 1 && g->ow >= 1 ? 0 : -1;
}

/* The geometry of the plain convolution a layer's GEMMs run: image (C, H, W) -> (K, OH, OW).
 * A transposed layer is the convolution from its output to its input. */
typedef struct { int C, H, W, K, OH, OW, kh, kw, sh, sw, ph, pw; } ConvG;

static ConvG conv_g(const NnConv *g, int transposed)
{
    if (transposed)
        return (ConvG){g->cout, g->oh, g->ow, g->cin, g->h, g->w, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw};
    return (ConvG){g->cin, g->h, g->w, g->cout, g->oh, g->ow, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw};
}

size_t nn_conv_work(const NnConv *g)
{
    ConvG a = conv_g(g, 0), b = conv_g(g, 1);
    size_t na = (size_t)a.C * a.kh * a.kw * a.OH * a.OW, nb = (size_t)b.C * b.kh * b.kw * b.OH * b.OW;
    return na > nb ? na : nb;
}

double nn_conv_flops(const NnConv *g, int B, int transposed)
{
    ConvG c = conv_g(g, transposed);
    return 2.0 * B * c.K * (double)c.C * c.kh * c.kw * c.OH * c.OW;
}

/* col [C kh kw x OH OW]: row (c, i, j) holds x[c][oy sh - ph + i][ox sw - pw + j], 0 outside. */
NN_HOT static void im2col(const ConvG *g, const float *restrict x, float *restrict col)
{
    const int P = g->OH * g->OW;
    for (int c = 0; c < g->C; c++)
        for (int i = 0; i < g->kh; i++)
            for (int j = 0; j < g->kw; j++) {
                float *restrict r = col + ((size_t)(c * g->kh + i) * g->kw + j) * P;
                const float *xc = x + (size_t)c * g->H * g->W;
                for (int oy = 0; oy < g->OH; oy++) {
                    int iy = oy * g->sh - g->ph + i;
                    float *restrict ro = r + oy * g->OW;
                    if (iy < 0 || iy >= g->H) {
                        memset(ro, 0, (size_t)g->OW * sizeof *ro);
                        continue;
                    }
                    const float *xr = xc + (size_t)iy * g->W;
                    for (int ox = 0; ox < g->OW; ox++) {
                        int ix = ox * g->sw - g->pw + j;
                        ro[ox] = ix >= 0 && ix < g->W ? xr[ix] : 0.0f;
                    }
                }
            }
}

/* The adjoint of im2col: x = sum of col's entries into the pixels they were read from. */
NN_HOT static void col2im(const ConvG *g, const float *restrict col, float *restrict x)
{
    const int P = g->OH * g->OW;
    memset(x, 0, (size_t)g->C * g->H * g->W * sizeof *x);
    for (int c = 0; c < g->C; c++)
        for (int i = 0; i < g->kh; i++)
            for (int j = 0; j < g->kw; j++) {
                const float *r = col + ((size_t)(c * g->kh + i) * g->kw + j) * P;
                float *xc = x + (size_t)c * g->H * g->W;
                for (int oy = 0; oy < g->OH; oy++) {
                    int iy = oy * g->sh - g->ph + i;
                    if (iy < 0 || iy >= g->H) continue;
                    float *xr = xc + (size_t)iy * g->W;
                    const float *ro = r + oy * g->OW;
                    for (int ox = 0; ox < g->OW; ox++) {
                        int ix = ox * g->sw - g->pw + j;
                        if (ix >= 0 && ix < g->W) xr[ix] += ro[ox];
                    }
                }
            }
}

/* out [K x P] = W [K x CKK] col (+ b per plane) */
static void conv_gemm_fwd(const ConvG *g, const float *W, const float *b, const float *col,
                          float *out)
{
    const int P = g->OH * g->OW, CKK = g->C * g->kh * g->kw;
    if (b)
        for (int k = 0; k < g->K; k++)
            for (int p = 0; p < P; p++) out[(size_t)k * P + p] = b[k];
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, g->K, P, CKK, 1.0f, W, CKK, col, P,
                b ? 1.0f : 0.0f, out, P);
}

/* db [n planes] = sums of dy [B x n x P] over samples and pixels, in a fixed order */
static void plane_sums(int B, int n, int P, const float *dy, float *db)
{
    for (int k = 0; k < n; k++) {
        double s = 0;
        for (int b = 0; b < B; b++) {
            const float *d = dy + ((size_t)b * n + k) * P;
            for (int p = 0; p < P; p++) s += d[p];
        }
        db[k] = (float)s;
    }
}

void nn_conv2d_fwd(const NnConv *g, int B, const float *x, const float *W, const float *b,
                   float *y, float *work)
{
    const ConvG c = conv_g(g, 0);
    const size_t nx = (size_t)c.C * c.H * c.W, ny = (size_t)c.K * c.OH * c.OW;
    for (int s = 0; s < B; s++) {
        im2col(&c, x + s * nx, work);
        conv_gemm_fwd(&c, W, b, work, y + s * ny);
    }
}

void nn_conv2d_bwd(const NnConv *g, int B, const float *x, const float *W, const float *dy,
                   float *dx, float *dW, float *db, float *work)
{
    const ConvG c = conv_g(g, 0);
    const int P = c.OH * c.OW, CKK = c.C * c.kh * c.kw;
    const size_t nx = (size_t)c.C * c.H * c.W, ny = (size_t)c.K * P;
    if (db) plane_sums(B, c.K, P, dy, db);
    for (int s = 0; s < B; s++) {
        const float *dys = dy + s * ny;
        if (dW) {   /* dW += dy_s [K x P] col_s^T */
            im2col(&c, x + s * nx, work);
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c.K, CKK, P, 1.0f, dys, P,
                        work, P, s ? 1.0f : 0.0f, dW, CKK);
        }
        if (dx) {   /* dcol = W^T dy_s, then back onto the pixels */
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, CKK, P, c.K, 1.0f, W, CKK, dys,
                        P, 0.0f, work, P);
            col2im(&c, work, dx + s * nx);
        }
    }
}

void nn_convt2d_fwd(const NnConv *g, int B, const float *x, const float *W, const float *b,
                    float *y, float *work)
{
    /* the convolution (cout, oh, ow) -> (cin, h, w) with W [cin x cout kh kw]: its input
     * gradient with x as the output gradient */
    const ConvG c = conv_g(g, 1);
    const int P = c.OH * c.OW, CKK = c.C * c.kh * c.kw;
    const size_t nx = (size_t)c.K * P, ny = (size_t)c.C * c.H * c.W, HW = (size_t)c.H * c.W;
    for (int s = 0; s < B; s++) {
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, CKK, P, c.K, 1.0f, W, CKK,
                    x + s * nx, P, 0.0f, work, P);
        float *ys = y + s * ny;
        col2im(&c, work, ys);
        if (b)
            for (int k = 0; k < c.C; k++)
                for (size_t p = 0; p < HW; p++) ys[k * HW + p] += b[k];
    }
}

void nn_convt2d_bwd(const NnConv *g, int B, const float *x, const float *W, const float *dy,
                    float *dx, float *dW, float *db, float *work)
{
    const ConvG c = conv_g(g, 1);
    const int P = c.OH * c.OW, CKK = c.C * c.kh * c.kw;
    const size_t nx = (size_t)c.K * P, ny = (size_t)c.C * c.H * c.W;
    if (db) plane_sums(B, c.C, c.H * c.W, dy, db);
    if (!dx && !dW) return;
    for (int s = 0; s < B; s++) {
        im2col(&c, dy + s * ny, work);
        if (dx) conv_gemm_fwd(&c, W, NULL, work, dx + s * nx);
        if (dW)     /* dW [cin x cout kh kw] += x_s [cin x P] col^T */
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, c.K, CKK, P, 1.0f, x + s * nx,
                        P, work, P, s ? 1.0f : 0.0f, dW, CKK);
    }
}
