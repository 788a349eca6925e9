/* test_score.c — gan-train's --score values (data/score.h) against the same statistics computed
 * directly: a generator output equal to the scaled validation sample scores 0 on every score; a
 * shifted one scores the mean of gof's per-column KS and chi2/ndf, and w1-obs the mean scaled W1
 * of the observables computed from the unscaled events. */
#include "check.h"
#include "base/rng.h"
#include "data/gof.h"
#include "data/observables.h"
#include "data/score.h"
#include "data/wasserstein.h"

#include <stdlib.h>
#include <string.h>

enum { N = 3000, NO = 6 };

static int cmpd(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return (a > b) - (a < b);
}

int main(void)
{
    char *names[NO] = {"pt1", "eta1", "phi1", "pt2", "eta2", "phi2"};
    double *xva = malloc(N * NO * sizeof *xva), lo[NO], hi[NO];
    Rng r;
    rng_seed(&r, 4);
    for (int i = 0; i < N; i++) {
        double *x = xva + i * NO;
        x[0] = 30 + 20 * rng_uniform(&r), x[1] = 2 * rng_normal(&r) / 2, x[2] = 3 * (2 * rng_uniform(&r) - 1);
        x[3] = 25 + 10 * rng_uniform(&r), x[4] = rng_normal(&r), x[5] = 3 * (2 * rng_uniform(&r) - 1);
    }
    for (int j = 0; j < NO; j++) {
        lo[j] = 1e300, hi[j] = -1e300;
        for (int i = 0; i < N; i++) {
            if (xva[i * NO + j] < lo[j]) lo[j] = xva[i * NO + j];
            if (xva[i * NO + j] > hi[j]) hi[j] = xva[i * NO + j];
        }
        lo[j] -= 1, hi[j] += 1;   /* "training" ranges a little wider than validation's */
    }
    ScoreData d = {.nout = NO, .ncond = 0, .out_names = names, .cond_names = NULL, .out_lo = lo,
                   .out_hi = hi, .xva = xva, .cva = NULL, .nva = N};
    float *same = malloc(N * NO * sizeof *same), *shift = malloc(N * NO * sizeof *shift);
    for (int i = 0; i < N * NO; i++) {
        int j = i % NO;
        same[i] = (float)(2.0 * (xva[i] - lo[j]) / (hi[j] - lo[j]) - 1.0);
        shift[i] = same[i] + 0.05f * (float)(j + 1);
    }
    const char *scores[] = {"chi2", "ks", "w1-obs"};
    for (int k = 0; k < 3; k++) {
        EpochScore *s = score_create(scores[k], &d);
        CHECK_CLOSE(score_epoch(s, same), 0, 1e-6, 0, scores[k]);
        double got = score_epoch(s, shift), want = 0;
        double *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
        if (k < 2) {
            for (int j = 0; j < NO; j++) {
                for (int i = 0; i < N; i++) a[i] = shift[i * NO + j], b[i] = same[i * NO + j];
                qsort(a, N, sizeof *a, cmpd), qsort(b, N, sizeof *b, cmpd);
                if (k == 1) {
                    want += gof_ks_sorted(a, N, b, N) / NO;
                } else {
                    double e[19];
                    long ca[20], cb[20];
                    int ndf;
                    gof_edges(b, N, 20, e);
                    gof_count_sorted(a, N, e, 20, ca), gof_count_sorted(b, N, e, 20, cb);
                    want += gof_chi2(ca, cb, 20, &ndf) / ndf / NO;
                }
            }
        } else {
            const ObsKind *o = obs_kind("dimuon");
            double *og = malloc(N * 7 * sizeof *og), *ov = malloc(N * 7 * sizeof *ov);
            for (int i = 0; i < N; i++) {
                double in[NO];
                for (int j = 0; j < NO; j++) in[j] = lo[j] + 0.5 * (shift[i * NO + j] + 1.0) * (hi[j] - lo[j]);
                o->compute(in, og + i * 7);
                o->compute(xva + i * NO, ov + i * 7);
            }
            for (int q = 0; q < 7; q++) {
                for (int i = 0; i < N; i++) a[i] = og[i * 7 + q], b[i] = ov[i * 7 + q];
                qsort(a, N, sizeof *a, cmpd), qsort(b, N, sizeof *b, cmpd);
                want += w1_sorted(a, N, b, N) * 2.0 / (b[N - 1] - b[0]) / 7;
            }
            free(og), free(ov);
        }
        CHECK(got > 0.01, "%s of a shifted sample %g", scores[k], got);
        CHECK_CLOSE(got, want, 1e-12, 1e-6, scores[k]);
        free(a), free(b);
        score_free(s);
    }
    CHECK(score_known("w1") && score_known("w1-obs") && !score_known("W1"), "score_known");
    free(xva), free(same), free(shift);
    return check_done("test_score");
}
