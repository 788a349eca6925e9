/* adagan_weights.c — each AdaGAN component's training weights. Component t >= 1 of the ensemble
 * beside the run (adagan_dir) was trained on weights-t.csv (gan-mixdisc: one weight per training
 * row, summing to 1); its histogram is of N·w, the weight relative to the uniform 1/N of
 * component 0, so 1 is "as in the data", 0 a row the ensemble already covers (clipped), and
 * large values the rows it misses. The mixture discriminator's statistics (mixdisc-t.csv: mean
 * D on the training and the generated events, beta, the share of rows kept) title each panel. */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/proc.h"
#include "base/util.h"
#include "model/ensemble.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NWBINS 30

/* "d_real 0.55, d_gen 0.45, beta 0.25" from mixdisc-t.csv's record, "" when it is missing. */
static void mixdisc_stats(const char *dir, int t, char *buf, size_t n)
{
    char name[64];
    snprintf(name, sizeof name, "mixdisc-%d.csv", t);
    char *p = path_join(dir, name);
    buf[0] = '\0';
    if (file_exists(p)) {
        CsvReader *r = csv_open(p);
        static const char *const key[] = {"d_real", "d_gen", "beta"};
        if (csv_next(r))
            for (int q = 0; q < 3; q++) {
                int c = csv_find(r, key[q]);
                double v;
                if (c >= 0 && csv_parse_double(csv_str(r, c), &v) == 0)
                    snprintf(buf + strlen(buf), n - strlen(buf), ", %s %.3g", key[q], v);
            }
        csv_close(r);
    }
    free(p);
}

int draw_adagan_weights(const Report *rp, Notes *nt, char *more, size_t n)
{
    char *ad = adagan_dir(&rp->runs[0]);
    if (!ad) return 0;
    char *ens = path_join(ad, "ensemble.gte");
    Ensemble en;
    ensemble_load(ens, &en);
    char name[4200];
    snprintf(name, sizeof name, "%s/adagan-weights.dat", rp->dir);
    AtomicOut *o = aout_open(name);
    aout_printf(o, "# blocks: one per component t >= 1 (weights-t.csv): bin_centre count bin_lo bin_hi,"
                   " of N x weight\n");
    int np = 0;
    char (*title)[256] = xmalloc((size_t)(en.n > 0 ? en.n : 1) * sizeof *title);
    double *top = xmalloc((size_t)(en.n > 0 ? en.n : 1) * sizeof *top);
    char *w1 = "weight";
    for (int t = 1; t < en.n; t++) {
        char wn[64];
        snprintf(wn, sizeof wn, "weights-%d.csv", t);
        char *wf = path_join(ad, wn);
        if (!file_exists(wf)) {
            note(nt, "<li>AdaGAN weights: no %s for component %d.</li>\n", wf, t);
            free(wf);
            continue;
        }
        size_t nw;
        double *w = csv_load_cols(wf, 1, &w1, 0, &nw), mx = 0;
        long zero = 0;
        for (size_t i = 0; i < nw; i++) {
            w[i] *= (double)nw;   /* relative to the uniform weight 1/N */
            mx = fmax(mx, w[i]);
            zero += w[i] == 0;
        }
        if (!(mx > 0)) mx = 1;
        double bw = mx / NWBINS, cnt[NWBINS] = {0};
        for (size_t i = 0; i < nw; i++) {
            int b = (int)floor(w[i] / bw);
            cnt[b < 0 ? 0 : b >= NWBINS ? NWBINS - 1 : b]++;   /* the largest: the last bin */
        }
        aout_printf(o, "# component %d rows %zu zero %ld max %.9g\n", t, nw, zero, mx);
        top[np] = 0;
        for (int b = 0; b < NWBINS; b++) {
            aout_printf(o, "%.9g %.0f %.9g %.9g\n", (b + 0.5) * bw, cnt[b], b * bw, (b + 1) * bw);
            top[np] = fmax(top[np], cnt[b]);
        }
        aout_printf(o, "\n\n");
        char st[160];
        mixdisc_stats(ad, t, st, sizeof st);
        snprintf(title[np], sizeof title[np], "component %d: %zu rows, %.1f%% zero%s", t, nw,
                 100.0 * (double)zero / (double)nw, st);
        np++;
        free(w), free(wf);
    }
    aout_commit(o);
    int made = 0;
    if (np == 0) {
        note(nt, "<li>AdaGAN weights omitted: the ensemble %s has no component trained on weights "
                 "(component 0 is trained on the data as it is).</li>\n", ens);
    } else {
        snprintf(name, sizeof name, "%s/adagan-weights.gp", rp->dir);
        AtomicOut *g = aout_open(name);
        int ncp = np < 3 ? np : 3, nrows = (np + ncp - 1) / ncp;
        gp_header(g, "adagan-weights.png", 560 * ncp, 400 * nrows + 50);
        aout_printf(g, "set multiplot layout %d,%d title 'AdaGAN training weights per component "
                       "(N x w: 1 = the data as it is, 0 = dropped)'\n", nrows, ncp);
        aout_printf(g, "set style fill solid 0.6 border lc rgb '#08306b'\nunset key\n");
        aout_printf(g, "set xlabel 'N x weight (relative to uniform)'\nset ylabel 'training rows, log scale'\n");
        for (int p = 0; p < np; p++) {
            /* rows spread over decades of counts: a log axis (a tick a decade), 0.5 below the
             * single rows */
            aout_printf(g, "set title '%s' font ',10'\nset logscale y\nset yrange [0.5:%.9g]\n", title[p],
                        3 * top[p]);
            aout_printf(g, "set format y '%%g'\n");
            aout_printf(g, "set arrow 1 from first 1, graph 0 to first 1, graph 1 nohead dt 2 lc rgb 'black'\n");
            aout_printf(g, "plot 'adagan-weights.dat' index %d u 1:2:($4-$3) w boxes lc rgb '#1f78b4'\nunset arrow 1\n", p);
        }
        aout_printf(g, "unset multiplot\n");
        aout_commit(g);
        snprintf(more, n, " <code>%s</code>: components 1 to %d (component 0 is trained on the data as it is).",
                 ens, en.n - 1);
        made = 1;
    }
    ensemble_free(&en);
    free(ad), free(ens), free(title), free(top);
    return made;
}
