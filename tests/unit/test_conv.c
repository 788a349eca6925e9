/* test_conv.c — nn.h's 2-D convolution and transposed convolution:
 *   - forward against direct loops (a gather for the convolution, a scatter for the
 *     transposed one) over strides, paddings, non-square kernels and output padding;
 *   - every gradient (dx, dW, db) against central finite differences of sum(y * R);
 *   - the workspace: nn_conv_work floats suffice (a guard after them stays untouched), NULL
 *     outputs are skipped, and the results do not depend on what the workspace held;
 *   - golden values from PyTorch (tests/golden/make_conv_golden.py: conv2d and
 *     conv_transpose2d in float64 on the same float32 inputs);
 *   - geometry errors. */
#include "check.h"
#include "model/nn.h"
#include "base/rng.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GOLDEN "tests/golden/conv_golden.txt"
#define GUARD 64

static float *randv(Rng *r, size_t n, double scale)
{
    float *v = malloc((n ? n : 1) * sizeof *v);
    for (size_t i = 0; i < n; i++) v[i] = (float)(scale * rng_normal(r));
    return v;
}

static size_t nx_of(const NnConv *g) { return (size_t)g->cin * g->h * g->w; }
static size_t ny_of(const NnConv *g) { return (size_t)g->cout * g->oh * g->ow; }
static size_t nw_of(const NnConv *g) { return (size_t)g->cout * g->cin * g->kh * g->kw; }

/* y[b][k][oy][ox] = b[k] + sum_c,i,j W[k][c][i][j] x[b][c][oy sh - ph + i][ox sw - pw + j] */
static void direct_conv(const NnConv *g, int B, const float *x, const float *W, const float *bias,
                        double *y)
{
    for (int s = 0; s < B; s++)
        for (int k = 0; k < g->cout; k++)
            for (int oy = 0; oy < g->oh; oy++)
                for (int ox = 0; ox < g->ow; ox++) {
                    double acc = bias ? bias[k] : 0;
                    for (int c = 0; c < g->cin; c++)
                        for (int i = 0; i < g->kh; i++)
                            for (int j = 0; j < g->kw; j++) {
                                int iy = oy * g->sh - g->ph + i, ix = ox * g->sw - g->pw + j;
                                if (iy < 0 || iy >= g->h || ix < 0 || ix >= g->w) continue;
                                acc += (double)W[((k * g->cin + c) * g->kh + i) * g->kw + j] *
                                       x[(((size_t)s * g->cin + c) * g->h + iy) * g->w + ix];
                            }
                    y[(((size_t)s * g->cout + k) * g->oh + oy) * g->ow + ox] = acc;
                }
}

/* each input pixel scatters W[c][k][i][j] x into y[k][iy sh - ph + i][ix sw - pw + j] */
static void direct_convt(const NnConv *g, int B, const float *x, const float *W, const float *bias,
                         double *y)
{
    size_t ny = ny_of(g);
    for (int s = 0; s < B; s++)
        for (size_t q = 0; q < ny; q++)
            y[s * ny + q] = bias ? bias[q / ((size_t)g->oh * g->ow)] : 0;
    for (int s = 0; s < B; s++)
        for (int c = 0; c < g->cin; c++)
            for (int iy = 0; iy < g->h; iy++)
                for (int ix = 0; ix < g->w; ix++) {
                    double v = x[(((size_t)s * g->cin + c) * g->h + iy) * g->w + ix];
                    for (int k = 0; k < g->cout; k++)
                        for (int i = 0; i < g->kh; i++)
                            for (int j = 0; j < g->kw; j++) {
                                int oy = iy * g->sh - g->ph + i, ox = ix * g->sw - g->pw + j;
                                if (oy < 0 || oy >= g->oh || ox < 0 || ox >= g->ow) continue;
                                y[(((size_t)s * g->cout + k) * g->oh + oy) * g->ow + ox] +=
                                    W[((c * g->cout + k) * g->kh + i) * g->kw + j] * v;
                            }
                }
}

static void fwd(int tr, const NnConv *g, int B, const float *x, const float *W, const float *b,
                float *y, float *work)
{
    (tr ? nn_convt2d_fwd : nn_conv2d_fwd)(g, B, x, W, b, y, work);
}

static void bwd(int tr, const NnConv *g, int B, const float *x, const float *W, const float *dy,
                float *dx, float *dW, float *db, float *work)
{
    (tr ? nn_convt2d_bwd : nn_conv2d_bwd)(g, B, x, W, dy, dx, dW, db, work);
}

/* sum(y * R) in double */
static double loss(int tr, const NnConv *g, int B, const float *x, const float *W, const float *b,
                   const float *R, float *y, float *work)
{
    fwd(tr, g, B, x, W, b, y, work);
    double s = 0;
    for (size_t i = 0; i < (size_t)B * ny_of(g); i++) s += (double)y[i] * R[i];
    return s;
}

/* Central differences of the loss in v[idx] for a few indices, against the analytic grad. */
static void fd_check(const char *what, int tr, const NnConv *g, int B, float *x, float *W, float *b,
                     const float *R, float *v, size_t n, const float *grad, float *y, float *work)
{
    const float h = 0.05f;
    double worst = 0, scale = 0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(grad[i]));
    size_t step = n > 40 ? n / 37 : 1;
    for (size_t i = 0; i < n; i += step) {
        float keep = v[i];
        v[i] = keep + h;
        double lp = loss(tr, g, B, x, W, b, R, y, work);
        v[i] = keep - h;
        double lm = loss(tr, g, B, x, W, b, R, y, work);
        v[i] = keep;
        double fd = (lp - lm) / (2.0 * h);
        worst = fmax(worst, fabs(fd - grad[i]) / (scale > 0 ? scale : 1));
    }
    /* the loss is linear in each variable: the difference is exact up to float rounding */
    CHECK(worst < 2e-3, "%s: finite differences off by %.3g of the largest gradient", what, worst);
}

static void check_case(Rng *r, int tr, NnConv g, int oph, int opw, int B)
{
    char name[160];
    snprintf(name, sizeof name, "%s B%d %dx%dx%d->%d k%dx%d s%dx%d p%dx%d op%dx%d", tr ? "convt" : "conv",
             B, g.cin, g.h, g.w, g.cout, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, oph, opw);
    int rc = tr ? nn_convt_geom(&g, oph, opw) : nn_conv_geom(&g);
    CHECK(rc == 0, "%s: geometry refused", name);
    if (rc) return;
    size_t nx = B * nx_of(&g), ny = B * ny_of(&g), nw = nw_of(&g), nwork = nn_conv_work(&g);
    float *x = randv(r, nx, 1), *W = randv(r, nw, 0.3), *b = randv(r, g.cout, 1);
    float *R = randv(r, ny, 1), *y = malloc(ny * sizeof *y);
    float *work = malloc((nwork + GUARD) * sizeof *work);
    for (size_t i = 0; i < nwork + GUARD; i++) work[i] = 1e30f;  /* garbage must not leak in */
    double *want = malloc(ny * sizeof *want);
    (tr ? direct_convt : direct_conv)(&g, B, x, W, b, want);
    fwd(tr, &g, B, x, W, b, y, work);
    double worst = 0, scale = 0;
    for (size_t i = 0; i < ny; i++) scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < ny; i++) worst = fmax(worst, fabs(y[i] - want[i]) / scale);
    CHECK(worst < 1e-5, "%s: forward off the direct loop by %.3g", name, worst);

    float *dx = malloc(nx * sizeof *dx), *dW = malloc(nw * sizeof *dW), *db = malloc(g.cout * sizeof *db);
    for (size_t i = 0; i < nx; i++) dx[i] = 1e30f;
    for (size_t i = 0; i < nw; i++) dW[i] = 1e30f;   /* written, not accumulated */
    bwd(tr, &g, B, x, W, R, dx, dW, db, work);
    int guard_ok = 1;
    for (int i = 0; i < GUARD; i++) guard_ok &= work[nwork + i] == 1e30f;
    CHECK(guard_ok, "%s: wrote past nn_conv_work's %zu floats", name, nwork);
    char what[200];
    snprintf(what, sizeof what, "%s dx", name);
    fd_check(what, tr, &g, B, x, W, b, R, x, nx, dx, y, work);
    snprintf(what, sizeof what, "%s dW", name);
    fd_check(what, tr, &g, B, x, W, b, R, W, nw, dW, y, work);
    snprintf(what, sizeof what, "%s db", name);
    fd_check(what, tr, &g, B, x, W, b, R, b, g.cout, db, y, work);
    /* NULL outputs are skipped and the others unchanged */
    float *dx2 = malloc(nx * sizeof *dx2);
    bwd(tr, &g, B, x, W, R, dx2, NULL, NULL, work);
    CHECK(memcmp(dx, dx2, nx * sizeof *dx) == 0, "%s: dx alone differs", name);
    bwd(tr, &g, B, x, W, R, NULL, dW, NULL, work);
    bwd(tr, &g, B, x, W, R, NULL, NULL, db, work);
    printf("ran  %-60s fwd %.2e\n", name, worst);
    free(x), free(W), free(b), free(R), free(y), free(work), free(want), free(dx), free(dW), free(db), free(dx2);
}

/* ---- golden ---- */
static int read_array(FILE *f, const char *cs, const char *key, size_t n, double *v)
{
    char c[64], k[16];
    size_t m;
    if (fscanf(f, "%63s %15s %zu", c, k, &m) != 3 || strcmp(c, cs) || strcmp(k, key) || m != n) {
        CHECK(0, "%s: golden array %s missing or of another size", cs, key);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        if (fscanf(f, "%lf", &v[i]) != 1) {
            CHECK(0, "%s %s: short", cs, key);
            return -1;
        }
    return 0;
}

static void cmp(const char *cs, const char *key, const float *got, const double *want, size_t n, double tol)
{
    double scale = 0, worst = 0;
    for (size_t i = 0; i < n; i++) scale = fmax(scale, fabs(want[i]));
    for (size_t i = 0; i < n; i++) worst = fmax(worst, fabs(got[i] - want[i]) / scale);
    CHECK(worst < tol, "%s %s: off PyTorch by %.3g of the largest value", cs, key, worst);
}

static void golden(void)
{
    FILE *f = fopen(GOLDEN, "r");
    CHECK(f != NULL, "cannot open %s (run from the project root)", GOLDEN);
    if (!f) return;
    char line[512];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#') continue;
        char cs[64];
        int tr, B, oph, opw;
        NnConv g;
        memset(&g, 0, sizeof g);
        if (sscanf(line, "case %63s transposed %d B %d cin %d h %d w %d cout %d kh %d kw %d sh %d sw %d ph %d pw %d oph %d opw %d",
                   cs, &tr, &B, &g.cin, &g.h, &g.w, &g.cout, &g.kh, &g.kw, &g.sh, &g.sw, &g.ph, &g.pw,
                   &oph, &opw) != 15) {
            CHECK(0, "bad golden line: %.60s", line);
            break;
        }
        int rc = tr ? nn_convt_geom(&g, oph, opw) : nn_conv_geom(&g);
        CHECK(rc == 0, "%s: geometry refused", cs);
        if (rc) break;
        size_t nx = B * nx_of(&g), ny = B * ny_of(&g), nw = nw_of(&g), nk = g.cout;
        size_t sizes[8] = {nx, nw, nk, ny, ny, nx, nw, nk};
        const char *keys[8] = {"x", "W", "b", "dy", "y", "dx", "dW", "db"};
        double *a[8];
        float *fa[4];
        int bad = 0;
        for (int i = 0; i < 8; i++) {
            a[i] = malloc(sizes[i] * sizeof *a[i]);
            if (!bad && read_array(f, cs, keys[i], sizes[i], a[i])) bad = 1;
        }
        if (bad) {
            for (int i = 0; i < 8; i++) free(a[i]);
            break;
        }
        for (int i = 0; i < 4; i++) {
            fa[i] = malloc(sizes[i] * sizeof *fa[i]);
            for (size_t j = 0; j < sizes[i]; j++) fa[i][j] = (float)a[i][j];
        }
        float *y = malloc(ny * sizeof *y), *dx = malloc(nx * sizeof *dx), *dW = malloc(nw * sizeof *dW),
              *db = malloc(nk * sizeof *db), *work = malloc(nn_conv_work(&g) * sizeof *work);
        fwd(tr, &g, B, fa[0], fa[1], fa[2], y, work);
        bwd(tr, &g, B, fa[0], fa[1], fa[3], dx, dW, db, work);
        /* float32 sums of at most a few hundred terms against float64 */
        cmp(cs, "y", y, a[4], ny, 2e-6);
        cmp(cs, "dx", dx, a[5], nx, 2e-6);
        cmp(cs, "dW", dW, a[6], nw, 2e-6);
        cmp(cs, "db", db, a[7], nk, 2e-6);
        cases++;
        for (int i = 0; i < 8; i++) free(a[i]);
        for (int i = 0; i < 4; i++) free(fa[i]);
        free(y), free(dx), free(dW), free(db), free(work);
        if (!fgets(line, sizeof line, f)) break;   /* the end of the last array's line */
    }
    fclose(f);
    CHECK(cases == 5, "golden: %d cases read, want 5", cases);
}

int main(void)
{
    Rng r;
    rng_seed(&r, 1919);
    /* cin h w cout kh kw sh sw ph pw (oh, ow set by the geometry) */
    const NnConv convs[] = {
        {3, 12, 12, 4, 3, 3, 1, 1, 1, 1, 0, 0},
        {2, 7, 9, 5, 3, 2, 2, 1, 1, 0, 0, 0},
        {2, 3, 96, 3, 3, 4, 1, 4, 1, 0, 0, 0},
        {1, 5, 5, 2, 5, 5, 1, 1, 0, 0, 0, 0},
        {4, 6, 6, 3, 1, 1, 2, 3, 0, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof convs / sizeof *convs; i++) check_case(&r, 0, convs[i], 0, 0, 3);
    const NnConv convts[] = {
        {4, 6, 6, 3, 4, 4, 2, 2, 1, 1, 0, 0},
        {3, 5, 4, 2, 3, 2, 2, 3, 1, 0, 0, 0},
        {2, 3, 3, 2, 3, 3, 1, 1, 0, 0, 0, 0},
        {3, 1, 1, 4, 3, 12, 1, 1, 0, 0, 0, 0},
    };
    const int ops[][2] = {{0, 0}, {1, 2}, {0, 0}, {0, 0}};
    for (size_t i = 0; i < sizeof convts / sizeof *convts; i++)
        check_case(&r, 1, convts[i], ops[i][0], ops[i][1], 2);

    golden();

    /* geometry */
    NnConv g = {3, 12, 12, 4, 3, 3, 1, 1, 1, 1, 0, 0};
    CHECK(nn_conv_geom(&g) == 0 && g.oh == 12 && g.ow == 12, "same-padding 3x3: %dx%d", g.oh, g.ow);
    NnConv t = {4, 6, 6, 3, 4, 4, 2, 2, 1, 1, 0, 0};
    CHECK(nn_convt_geom(&t, 0, 0) == 0 && t.oh == 12 && t.ow == 12, "2x upsampling: %dx%d", t.oh, t.ow);
    NnConv bad = {3, 2, 2, 4, 5, 5, 1, 1, 0, 0, 0, 0};
    CHECK(nn_conv_geom(&bad) == -1, "a kernel larger than the padded input is refused");
    NnConv bad2 = {3, 6, 6, 4, 3, 3, 0, 1, 0, 0, 0, 0};
    CHECK(nn_conv_geom(&bad2) == -1, "stride 0 is refused");
    CHECK(nn_convt_geom(&t, 2, 0) == -1, "output padding not below the stride is refused");
    CHECK(nn_conv_params(&g) == 4 * 3 * 9 + 4, "parameters");
    return check_done("test_conv");
}
