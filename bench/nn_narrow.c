/* nn_narrow.c — the dense layers gan-train runs at its thin shapes (few inputs: the first
 * layer; few outputs: the logit, the generator's columns), timed through nn_dense_fwd/bwd and
 * through plain cblas_sgemm side by side in one run, so that nn.c's choice of path per shape
 * rests on a measurement from the same machine state. Best of 7 repeats of 200 calls, in us.
 *   build/nn_narrow            (make bench-nn) */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>

#include "nn.h"
#include "util.h"

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
    return 0;
}
