/* conv.c — nn.c's convolutions (im2col + sgemm per sample) against direct loops at CaloGAN-like
 * shapes, forward and backward (dx + dW + db), so the choice of im2col rests on a measurement.
 * The direct loops are the plain ones: per (sample, out plane, in plane, tap) a row-contiguous
 * multiply-add over the output pixels (vectorised for stride 1), the input gradient as the
 * same loops scattering, the weight gradient as dot products; a transposed layer runs them on
 * its adjoint geometry as nn.c does. Each method is timed 7 times, alternating with the other,
 * over enough calls for ~20 ms; the median per call is printed, in us, and their ratio.
 *   build/bench_conv           (make bench-conv, one OpenBLAS thread) */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "model/nn.h"

typedef struct { int C, H, W, K, OH, OW, kh, kw, sh, sw, ph, pw; } G;

static G geom(const NnConv *g, int tr)
{
    if (tr) return (G){g->cout, g->oh, g->ow, g->cin, g->h, g->w, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw};
    return (G){g->cin, g->h, g->w, g->cout, g->oh, g->ow, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw};
}

/* out [B x K x OH x OW] = conv(in [B x C x H x W]) with W [K x C x kh x kw] */
static void direct_fwd(const G *g, int B, const float *in, const float *W, float *out)
{
    const size_t nin = (size_t)g->C * g->H * g->W, nout = (size_t)g->K * g->OH * g->OW;
    memset(out, 0, B * nout * sizeof *out);
    for (int s = 0; s < B; s++)
        for (int k = 0; k < g->K; k++) {
            float *o = out + s * nout + (size_t)k * g->OH * g->OW;
            for (int c = 0; c < g->C; c++)
                for (int i = 0; i < g->kh; i++)
                    for (int j = 0; j < g->kw; j++) {
                        const float w = W[((k * g->C + c) * g->kh + i) * g->kw + j];
                        const float *xc = in + s * nin + (size_t)c * g->H * g->W;
                        for (int oy = 0; oy < g->OH; oy++) {
                            int iy = oy * g->sh - g->ph + i;
                            if (iy < 0 || iy >= g->H) continue;
                            const float *xr = xc + (size_t)iy * g->W;
                            float *orow = o + (size_t)oy * g->OW;
                            for (int ox = 0; ox < g->OW; ox++) {
                                int ix = ox * g->sw - g->pw + j;
                                if (ix >= 0 && ix < g->W) orow[ox] += w * xr[ix];
                            }
                        }
                    }
        }
}

/* din = the adjoint: each output pixel's gradient scattered back through the taps */
static void direct_din(const G *g, int B, const float *dout, const float *W, float *din)
{
    const size_t nin = (size_t)g->C * g->H * g->W, nout = (size_t)g->K * g->OH * g->OW;
    memset(din, 0, B * nin * sizeof *din);
    for (int s = 0; s < B; s++)
        for (int k = 0; k < g->K; k++) {
            const float *d = dout + s * nout + (size_t)k * g->OH * g->OW;
            for (int c = 0; c < g->C; c++)
                for (int i = 0; i < g->kh; i++)
                    for (int j = 0; j < g->kw; j++) {
                        const float w = W[((k * g->C + c) * g->kh + i) * g->kw + j];
                        float *xc = din + s * nin + (size_t)c * g->H * g->W;
                        for (int oy = 0; oy < g->OH; oy++) {
                            int iy = oy * g->sh - g->ph + i;
                            if (iy < 0 || iy >= g->H) continue;
                            float *xr = xc + (size_t)iy * g->W;
                            const float *drow = d + (size_t)oy * g->OW;
                            for (int ox = 0; ox < g->OW; ox++) {
                                int ix = ox * g->sw - g->pw + j;
                                if (ix >= 0 && ix < g->W) xr[ix] += w * drow[ox];
                            }
                        }
                    }
        }
}

/* dW [K x C x kh x kw] = sum over samples and output pixels of dout * in */
static void direct_dw(const G *g, int B, const float *in, const float *dout, float *dW)
{
    const size_t nin = (size_t)g->C * g->H * g->W, nout = (size_t)g->K * g->OH * g->OW;
    for (int k = 0; k < g->K; k++)
        for (int c = 0; c < g->C; c++)
            for (int i = 0; i < g->kh; i++)
                for (int j = 0; j < g->kw; j++) {
                    float acc = 0;
                    for (int s = 0; s < B; s++) {
                        const float *d = dout + s * nout + (size_t)k * g->OH * g->OW;
                        const float *xc = in + s * nin + (size_t)c * g->H * g->W;
                        for (int oy = 0; oy < g->OH; oy++) {
                            int iy = oy * g->sh - g->ph + i;
                            if (iy < 0 || iy >= g->H) continue;
                            for (int ox = 0; ox < g->OW; ox++) {
                                int ix = ox * g->sw - g->pw + j;
                                if (ix >= 0 && ix < g->W) acc += d[oy * g->OW + ox] * xc[(size_t)iy * g->W + ix];
                            }
                        }
                    }
                    dW[((k * g->C + c) * g->kh + i) * g->kw + j] = acc;
                }
}

static void direct_db(int B, int n, int P, const float *dy, float *db)
{
    for (int k = 0; k < n; k++) {
        float s = 0;
        for (int b = 0; b < B; b++)
            for (int p = 0; p < P; p++) s += dy[((size_t)b * n + k) * P + p];
        db[k] = s;
    }
}

static float *filled(size_t n, unsigned *state)
{
    float *p = xmalloc((n ? n : 1) * sizeof *p);
    for (size_t i = 0; i < n; i++) {
        *state = *state * 1664525u + 1013904223u;
        p[i] = (float)(*state >> 8) * 0x1p-24f - 0.5f;
    }
    return p;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    const NnConv *g;
    int tr, B, bwd;
    const float *x, *W, *b, *dy;
    float *y, *dx, *dW, *db, *work;
} Job;

static void run_lib(const Job *j)
{
    if (!j->bwd) (j->tr ? nn_convt2d_fwd : nn_conv2d_fwd)(j->g, j->B, j->x, j->W, j->b, j->y, j->work);
    else (j->tr ? nn_convt2d_bwd : nn_conv2d_bwd)(j->g, j->B, j->x, j->W, j->dy, j->dx, j->dW, j->db, j->work);
}

static void run_direct(const Job *j)
{
    G a = geom(j->g, j->tr);
    int P = j->g->oh * j->g->ow;
    if (!j->tr) {
        if (!j->bwd) {
            direct_fwd(&a, j->B, j->x, j->W, j->y);
            for (int s = 0; s < j->B; s++)
                for (int k = 0; k < a.K; k++)
                    for (int p = 0; p < P; p++) j->y[((size_t)s * a.K + k) * P + p] += j->b[k];
        } else {
            direct_din(&a, j->B, j->dy, j->W, j->dx);
            direct_dw(&a, j->B, j->x, j->dy, j->dW);
            direct_db(j->B, a.K, P, j->dy, j->db);
        }
    } else {    /* the adjoint convolution from the output (a.C planes) to the input (a.K) */
        if (!j->bwd) {
            direct_din(&a, j->B, j->x, j->W, j->y);
            for (int s = 0; s < j->B; s++)
                for (int k = 0; k < a.C; k++)
                    for (int p = 0; p < P; p++) j->y[((size_t)s * a.C + k) * P + p] += j->b[k];
        } else {
            direct_fwd(&a, j->B, j->dy, j->W, j->dx);
            direct_dw(&a, j->B, j->dy, j->x, j->dW);
            direct_db(j->B, a.C, P, j->dy, j->db);
        }
    }
}

int main(void)
{
    /* name, transposed, batch, NnConv {cin h w cout kh kw sh sw ph pw}, output padding */
    static const struct { const char *name; int tr, B; NnConv g; } cases[] = {
        {"D l1 12x12 1->32 k3", 0, 64, {1, 12, 12, 32, 3, 3, 1, 1, 1, 1, 0, 0}},
        {"D l1 12x12 32->32 k3", 0, 64, {32, 12, 12, 32, 3, 3, 1, 1, 1, 1, 0, 0}},
        {"D l1 12x12 32->64 k4 s2", 0, 64, {32, 12, 12, 64, 4, 4, 2, 2, 1, 1, 0, 0}},
        {"D l0 3x96 1->16 k3x5", 0, 64, {1, 3, 96, 16, 3, 5, 1, 1, 1, 2, 0, 0}},
        {"D l0 3x96 16->32 k2x4 s1x2", 0, 64, {16, 3, 96, 32, 2, 4, 1, 2, 0, 1, 0, 0}},
        {"G l1 6x6 64->32 k4 s2 (T)", 1, 64, {64, 6, 6, 32, 4, 4, 2, 2, 1, 1, 0, 0}},
        {"G l1 12x12 32->1 k3 (T)", 1, 64, {32, 12, 12, 1, 3, 3, 1, 1, 1, 1, 0, 0}},
        {"G l0 3x24 32->16 k1x4 s1x4 (T)", 1, 64, {32, 3, 24, 16, 1, 4, 1, 4, 0, 0, 0, 0}},
    };
    unsigned st = 1;
    printf("%-32s %-4s %10s %10s %7s %8s\n", "shape (batch 64)", "pass", "im2col us", "direct us",
           "ratio", "GFLOP/s");
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        NnConv g = cases[c].g;
        int tr = cases[c].tr, B = cases[c].B;
        if ((tr ? nn_convt_geom(&g, 0, 0) : nn_conv_geom(&g)) != 0) die(EXIT_RUNTIME, "bad geometry %zu", c);
        size_t nx = (size_t)B * g.cin * g.h * g.w, ny = (size_t)B * g.cout * g.oh * g.ow;
        size_t nw = (size_t)g.cout * g.cin * g.kh * g.kw;
        Job j = {&g, tr, B, 0, filled(nx, &st), filled(nw, &st), filled(g.cout, &st), filled(ny, &st),
                 filled(ny, &st), filled(nx, &st), filled(nw, &st), filled(g.cout, &st),
                 filled(nn_conv_work(&g), &st)};
        for (int bwd = 0; bwd < 2; bwd++) {
            j.bwd = bwd;
            /* both methods must agree before their times mean anything */
            float *out = bwd ? j.dx : j.y;
            size_t nout = bwd ? nx : ny;
            float *keep = xmalloc(nout * sizeof *keep), *keepw = xmalloc(nw * sizeof *keepw);
            run_lib(&j);
            memcpy(keep, out, nout * sizeof *keep);
            memcpy(keepw, j.dW, nw * sizeof *keepw);
            run_direct(&j);
            double diff = 0, scale = 0, dw = 0, sw = 0;
            for (size_t i = 0; i < nout; i++) diff = fmax(diff, fabs(keep[i] - out[i])), scale = fmax(scale, fabs(out[i]));
            if (bwd)
                for (size_t i = 0; i < nw; i++) dw = fmax(dw, fabs(keepw[i] - j.dW[i])), sw = fmax(sw, fabs(j.dW[i]));
            /* relative to each array's largest value: float sums of up to B*P terms */
            if (diff > 1e-4 * scale || dw > 1e-4 * sw)
                die(EXIT_RUNTIME, "%s: im2col and direct differ by %g of the output, %g of dW", cases[c].name,
                    diff / scale, sw > 0 ? dw / sw : 0);
            free(keep), free(keepw);
            double t0 = now_seconds();
            int calls = 0;
            while (now_seconds() - t0 < 0.02 || calls < 2) run_lib(&j), calls++;
            double tl[7], td[7];
            for (int rep = 0; rep < 7; rep++) {
                t0 = now_seconds();
                for (int i = 0; i < calls; i++) run_lib(&j);
                tl[rep] = (now_seconds() - t0) / calls;
                t0 = now_seconds();
                for (int i = 0; i < calls; i++) run_direct(&j);
                td[rep] = (now_seconds() - t0) / calls;
            }
            qsort(tl, 7, sizeof *tl, cmp_d);
            qsort(td, 7, sizeof *td, cmp_d);
            double fl = nn_conv_flops(&g, B, tr) * (bwd ? 2 : 1);
            printf("%-32s %-4s %10.1f %10.1f %7.2f %8.2f\n", cases[c].name, bwd ? "bwd" : "fwd",
                   tl[3] * 1e6, td[3] * 1e6, td[3] / tl[3], fl / tl[3] * 1e-9);
        }
        free((void *)j.x), free((void *)j.W), free((void *)j.b), free((void *)j.dy);
        free(j.y), free(j.dx), free(j.dW), free(j.db), free(j.work);
    }
    return 0;
}
