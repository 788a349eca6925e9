/* nn_narrow.c — the dense layers gan-train runs at its thin shapes (few inputs: the first
 * layer; few outputs: the logit, the generator's columns), timed through nn_dense_fwd/bwd and
 * through plain cblas_sgemm side by side in one run, so that nn.c's choice of path per shape
 * rests on a measurement from the same machine state; then the first block (that layer with
 * its batch norm) fused and composed. Best of 7 repeats of 200 calls, in us.
 *   build/nn_narrow            (make bench-nn) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/nn.h"
#include "base/util.h"

#define TIME(label, expr)                                                                      \
    do {                                                                                       \
        double best = 1e30;                                                                    \
        for (int rep = 0; rep < 7; rep++) {                                                    \
            double t0 = now_seconds();                                                         \
            for (int it = 0; it < 200; it++) { expr; }                                         \
            double t = (now_seconds() - t0) / 200;                                             \
            if (t < best) best = t;                                                            \
        }                                                                                      \
        printf(" %s %7.2f", label, best * 1e6);                                                \
    } while (0)

static float *filled(size_t n, unsigned *state)
{
    float *p = xmalloc(n * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        *state = *state * 1664525u + 1013904223u;
        p[i] = (float)(*state >> 8) * 0x1p-24f - 0.5f;
    }
    return p;
}

int main(void)
{
    /* rows, inputs, outputs: D's 2B rows and G's B rows at 64/64 (batch 256), 256/256 (512)
     * and the study's best set (642, G 65, D 243), then one wide layer for scale */
    static const int shapes[][3] = {
        {256, 12, 64},  {512, 6, 64},   {256, 64, 2},  {512, 64, 1},  {1024, 6, 256},
        {512, 8, 256},  {1024, 256, 1}, {512, 256, 2}, {1284, 6, 243}, {1284, 243, 1},
        {642, 7, 65},   {642, 65, 2},   {1024, 256, 256},
    };
    unsigned st = 1;
    printf("rows,in,out: nn.c fwd, dx, dW | sgemm fwd, dx, dW (us per call)\n");
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int B = shapes[s][0], nin = shapes[s][1], nout = shapes[s][2];
        float *x = filled((size_t)B * nin, &st), *W = filled((size_t)nin * nout, &st);
        float *y = filled((size_t)B * nout, &st), *dy = filled((size_t)B * nout, &st);
        float *dx = filled((size_t)B * nin, &st), *dW = filled((size_t)nin * nout, &st);
        printf("%4d,%3d,%3d:", B, nin, nout);
        TIME("fwd", nn_dense_fwd(B, nin, nout, x, W, NULL, y));
        TIME("dx", nn_dense_bwd(B, nin, nout, x, W, dy, dx, NULL, NULL));
        TIME("dW", nn_dense_bwd(B, nin, nout, x, W, dy, NULL, dW, NULL));
        TIME("| fwd", cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, nout, nin, 1.0f,
                                  x, nin, W, nout, 0.0f, y, nout));
        TIME("dx", cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, nin, nout, 1.0f, dy,
                               nout, W, nout, 0.0f, dx, nin));
        TIME("dW", cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, nin, nout, B, 1.0f, x,
                               nin, dy, nout, 0.0f, dW, nout));
        printf("\n");
        free(x), free(W), free(y), free(dy), free(dx), free(dW);
    }

    /* the first block (dense from few inputs, batch norm, activation) as net.c trains it:
     * nn_dense_bn_act_fwd/bwd against nn_dense_fwd + nn_bn_act_train_fwd and their backwards;
     * then the input gradient of the D's two generated columns (nn_dense_dx_lead) against
     * the whole dx from sgemm */
    static const int blocks[][3] = {
        {512, 8, 256}, {512, 6, 256}, {256, 12, 64}, {642, 7, 65}, {642, 6, 243}, {512, 16, 256},
    };
    printf("\nrows,in,out: first block fused fwd, bwd (dW) | composed fwd, bwd (dW) | "
           "dx of 2 inputs, of all (us per call)\n");
    for (size_t s = 0; s < sizeof blocks / sizeof blocks[0]; s++) {
        const int B = blocks[s][0], nin = blocks[s][1], n = blocks[s][2];
        const size_t N = (size_t)B * n;
        float *x = filled((size_t)B * nin, &st), *W = filled((size_t)nin * n, &st);
        float *g = filled(n, &st), *be = filled(n, &st), *da = filled(N, &st);
        float *a = filled(N, &st), *xh = filled(N, &st), *h = filled(N, &st), *dh = filled(N, &st);
        float *xmom = filled((size_t)nin + (size_t)nin * nin, &st), *inv = filled(n, &st);
        float *mean = filled(n, &st), *work = filled((size_t)nin * n, &st);
        float *dW = filled((size_t)nin * n, &st), *dg = filled(n, &st), *db = filled(n, &st);
        float *dx = filled((size_t)B * nin, &st);
        for (int j = 0; j < n; j++) g[j] += 1.0f;
        printf("%4d,%3d,%3d:", B, nin, n);
        TIME("fwd", nn_dense_bn_act_fwd(B, nin, n, x, W, g, be, NN_LEAKY_SLOPE, a, xh, xmom, inv,
                                        NULL, NULL));
        TIME("bwd", nn_dense_bn_act_bwd(B, nin, n, x, W, da, xh, g, be, xmom, inv,
                                        NN_LEAKY_SLOPE, dW, 0, work, dg, db));
        TIME("| fwd", nn_dense_fwd(B, nin, n, x, W, NULL, h);
             nn_bn_act_train_fwd(B, n, h, g, be, NN_LEAKY_SLOPE, xh, mean, inv, NULL, NULL));
        TIME("bwd", memcpy(dh, da, N * sizeof *dh);
             nn_bn_act_train_bwd(B, n, dh, xh, g, be, inv, NN_LEAKY_SLOPE, dg, db);
             nn_dense_bwd(B, nin, n, x, W, dh, NULL, dW, NULL));
        TIME("| dx2", nn_dense_dx_lead(B, nin, n, W, da, dx, 2));
        TIME("dx", nn_dense_bwd(B, nin, n, x, W, da, dx, NULL, NULL));
        printf("\n");
        free(x), free(W), free(g), free(be), free(da), free(a), free(xh), free(h), free(dh);
        free(xmom), free(inv), free(mean), free(work), free(dW), free(dg), free(db), free(dx);
    }
    return 0;
}
