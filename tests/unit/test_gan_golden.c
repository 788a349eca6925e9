/* test_gan_golden.c — gan-train's training step against the PyTorch reference's own step.
 * tests/golden/make_gan_step_golden.py loaded the same parameters and batches into
 * torch_gan.py's modules, ran its loop body in float64 and wrote the results to
 * tests/golden/gan_step_golden.txt. Here gan_init/gan_step run the same steps in float32 and
 * each recorded array must agree to float32 rounding: the losses of every step, the last D
 * and G gradients, every parameter's total Adam update, G's running statistics and G in
 * inference mode. Run from the project root (tests/run-all does). */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "model/gan.h"
#include "model/nn.h"
#include "base/rng.h"

#define GOLDEN "tests/golden/gan_step_golden.txt"
enum { MAX_STEPS = 8 };

/* The script's stream: xorshift32, value = float(offset + (top 24 bits - 2^23) scale/2^23),
 * exact in double for its power-of-two scales, so both sides round the same double. */
static void take(uint32_t *x, float *out, size_t n, double scale, double offset)
{
    for (size_t i = 0; i < n; i++) {
        *x ^= *x << 13;
        *x ^= *x >> 17;
        *x ^= *x << 5;
        out[i] = (float)(offset + ((double)(*x >> 8) - 8388608.0) * (scale / 8388608.0));
    }
}

/* Parameters in the script's order (W1 g1 be1 W2 g2 be2 W3 b3), which is net_layout's: each
 * layer's tensors in layer order, weights and gammas first. Checks that the tensors tile p. */
static void fill_mlp(uint32_t *x, Net *m)
{
    int64_t at = 0;
    for (int i = 0; i < m->lay.n; i++) {
        const NetLayer *l = &m->lay.L[i];
        if (l->kind == NET_DENSE) {
            CHECK(l->p0 == at, "layer %d: W at %lld, expected %lld", i, (long long)l->p0,
                  (long long)at);
            take(x, m->p + l->p0, (size_t)l->nin * l->nout, 0.25, 0);
            at = l->p0 + (int64_t)l->nin * l->nout;
            if (l->p1 >= 0) take(x, m->p + l->p1, (size_t)l->nout, 0.0625, 0), at += l->nout;
        } else if (l->kind == NET_BATCHNORM) {
            CHECK(l->p0 == at && l->p1 == at + l->nout, "layer %d: gamma/beta offsets", i);
            take(x, m->p + l->p0, (size_t)l->nout, 0.125, 1.0);
            take(x, m->p + l->p1, (size_t)l->nout, 0.0625, 0);
            at += 2 * (int64_t)l->nout;
        }
    }
    CHECK(at == m->lay.nparams, "parameters end at %lld of %lld", (long long)at,
          (long long)m->lay.nparams);
}

typedef struct {
    char name[32];
    long n, stride, count;
    double *v;
} Golden;

/* One array line "CASE NAME n stride v...": the caller owns g->v. Returns 0 at a mismatch. */
static int read_array(FILE *f, const char *want_case, const char *want, Golden *g)
{
    char cs[32];
    if (fscanf(f, "%31s %31s %ld %ld", cs, g->name, &g->n, &g->stride) != 4 ||
        strcmp(cs, want_case) || strcmp(g->name, want) || g->n < 1 || g->stride < 1) {
        fprintf(stderr, "%s: expected array %s %s\n", GOLDEN, want_case, want);
        return 0;
    }
    g->count = (g->n + g->stride - 1) / g->stride;
    g->v = malloc((size_t)g->count * sizeof *g->v);
    for (long i = 0; i < g->count; i++)
        if (fscanf(f, "%lf", &g->v[i]) != 1) return 0;
    return 1;
}

/* max |got[i*stride] - want_i| over max |want_i|: the error relative to the array's scale
 * (an element near zero is judged by the size of its neighbours, as in llm.c's checks). */
static double rel_max(const Golden *g, const float *got, const float *base)
{
    double d = 0, s = 0;
    for (long i = 0; i < g->count; i++) {
        size_t k = (size_t)(i * g->stride);
        double b = base ? base[k] : 0.0, want = g->v[i] - b, have = (double)got[k] - b;
        d = fmax(d, fabs(have - want));
        s = fmax(s, fabs(want));
    }
    return d / fmax(s, 1e-300);
}

static void compare(FILE *f, const char *cs, const char *name, long n, const float *got,
                    const float *base, double tol)
{
    Golden g;
    int ok = read_array(f, cs, name, &g);
    CHECK(ok, "%s: %s %s unreadable", GOLDEN, cs, name);
    if (!ok) exit(check_done("test_gan_golden"));
    CHECK(g.n == n, "%s %s: golden has %ld values, the C model %ld", cs, name, g.n, n);
    if (g.n == n) {
        double e = rel_max(&g, got, base);
        printf("  %-6s %-10s relative error %.2e (tolerance %.0e)\n", cs, name, e, tol);
        CHECK(e <= tol, "%s %s: relative error %.3e > %.0e", cs, name, e, tol);
    }
    free(g.v);
}

static int run_case(FILE *f)
{
    char cs[32];
    int nc, nz, no, gw, dw, batch, steps, rows[MAX_STEPS];
    unsigned seed;
    double lr_g, lr_d;
    int got = fscanf(f, " case %31s ncond %d nnoise %d nout %d gw %d dw %d batch %d lr_g %lf "
                        "lr_d %lf seed %u steps %d rows", cs, &nc, &nz, &no, &gw, &dw, &batch,
                     &lr_g, &lr_d, &seed, &steps);
    if (got == EOF || got == 0) return 0;
    CHECK(got == 11 && steps >= 1 && steps <= MAX_STEPS, "%s: bad case line (%d fields)",
          GOLDEN, got);
    if (got != 11 || steps < 1 || steps > MAX_STEPS) exit(check_done("test_gan_golden"));
    for (int s = 0; s < steps; s++)
        if (fscanf(f, "%d", &rows[s]) != 1 || rows[s] < 2 || rows[s] > batch) exit(1);
    printf("case %s: G %d-%d-%d, D %d-%d-1, batch %d, %d steps\n", cs, nc + nz, gw, no,
           no + nc, dw, batch, steps);

    Rng unused;
    rng_seed(&unused, 1);
    Gan g;
    GanConfig cfg = {.ncond = nc, .nnoise = nz, .nout = no, .gen_width = gw, .disc_width = dw,
                     .batch = batch, .lr_g = lr_g, .lr_d = lr_d};
    gan_init(&g, &cfg, &unused);
    uint32_t x = seed;
    fill_mlp(&x, &g.G);
    fill_mlp(&x, &g.D);
    size_t ng = (size_t)g.G.lay.nparams, nd = (size_t)g.D.lay.nparams;
    float *g0 = malloc(ng * sizeof *g0), *d0 = malloc(nd * sizeof *d0);
    memcpy(g0, g.G.p, ng * sizeof *g0);
    memcpy(d0, g.D.p, nd * sizeof *d0);

    float *bx[MAX_STEPS], *bc[MAX_STEPS], *bz[MAX_STEPS];
    for (int s = 0; s < steps; s++) {
        bx[s] = malloc((size_t)rows[s] * no * sizeof(float));
        bc[s] = malloc((size_t)rows[s] * nc * sizeof(float));
        bz[s] = malloc((size_t)rows[s] * nz * sizeof(float));
        take(&x, bx[s], (size_t)rows[s] * no, 0.5, 0);
        take(&x, bc[s], (size_t)rows[s] * nc, 1.0, 0);
        take(&x, bz[s], (size_t)rows[s] * nz, 2.0, 0);
    }
    float losses[2 * MAX_STEPS];
    for (int s = 0; s < steps; s++) {
        double dl, gl;
        gan_step(&g, rows[s], bx[s], bc[s], bz[s], &dl, &gl);
        losses[2 * s] = (float)dl, losses[2 * s + 1] = (float)gl;
    }

    /* G in inference mode on the first batch's [c, z] */
    int B0 = rows[0];
    float *in = malloc((size_t)B0 * (nc + nz) * sizeof *in);
    float *work = malloc((size_t)net_infer_floats(&g.G.lay, B0) * sizeof *work);
    float *out = malloc((size_t)B0 * no * sizeof *out);
    for (int r = 0; r < B0; r++) {
        memcpy(in + (size_t)r * (nc + nz), bc[0] + (size_t)r * nc, (size_t)nc * sizeof *in);
        memcpy(in + (size_t)r * (nc + nz) + nc, bz[0] + (size_t)r * nz, (size_t)nz * sizeof *in);
    }
    net_fwd_infer(&g.G, B0, in, work, out);   /* tanh is G's last layer */

    /* G's running statistics in the script's order: mean1, var1, mean2, var2 (net_layout's
     * order of st: batch norms at layers 1 and 4, mean then variance) */
    float *running = malloc(4 * (size_t)gw * sizeof *running);
    const NetLayer *b1 = &g.G.lay.L[1], *b2 = &g.G.lay.L[4];
    CHECK(b1->kind == NET_BATCHNORM && b2->kind == NET_BATCHNORM && g.G.lay.nstate == 4L * gw,
          "G's batch norms at layers 1 and 4, 4 x %d running statistics", gw);
    memcpy(running, g.G.st + b1->s0, (size_t)gw * sizeof *running);
    memcpy(running + gw, g.G.st + b1->s0 + gw, (size_t)gw * sizeof *running);
    memcpy(running + 2 * gw, g.G.st + b2->s0, (size_t)gw * sizeof *running);
    memcpy(running + 3 * gw, g.G.st + b2->s0 + gw, (size_t)gw * sizeof *running);

    /* Tolerances: float32 against exact, set from how far torch_gan.py's own float32 run of
     * these steps lands from the float64 one (make_gan_step_golden.py --float32): losses
     * 8e-8, gradients 2e-6, running statistics 1e-6, inference 4e-4, parameter updates 1.5e-2
     * (an element whose gradient is near Adam's epsilon turns a last-bit gradient difference
     * into a visible step). A wrong term (a transposed weight, a missed batch-norm path, the
     * momentum, the unbiased variance) moves losses, gradients and statistics by 1e-3 or
     * more. Parameters are judged by their update from the start: the part the step makes. */
    compare(f, cs, "losses", 2L * steps, losses, NULL, 1e-5);
    compare(f, cs, "grad_g", (long)ng, g.gG, NULL, 1e-4);
    compare(f, cs, "grad_d", (long)nd, g.gD, NULL, 1e-4);
    compare(f, cs, "param_g", (long)ng, g.G.p, g0, 2e-2);
    compare(f, cs, "param_d", (long)nd, g.D.p, d0, 2e-2);
    compare(f, cs, "running_g", 4L * gw, running, NULL, 1e-5);
    compare(f, cs, "infer", (long)B0 * no, out, NULL, 1e-3);

    for (int s = 0; s < steps; s++) free(bx[s]), free(bc[s]), free(bz[s]);
    free(in), free(work), free(out), free(running), free(g0), free(d0);
    gan_free(&g);
    return 1;
}

int main(void)
{
    FILE *f = fopen(GOLDEN, "r");
    CHECK(f != NULL, "cannot open %s (run from the project root)", GOLDEN);
    if (!f) return check_done("test_gan_golden");
    int c;
    while ((c = fgetc(f)) == '#')          /* the script's comment line */
        while ((c = fgetc(f)) != '\n' && c != EOF) {}
    ungetc(c, f);
    int cases = 0;
    while (run_case(f)) cases++;
    fclose(f);
    CHECK(cases == 2, "%s: %d cases read, 2 expected", GOLDEN, cases);
    return check_done("test_gan_golden");
}
