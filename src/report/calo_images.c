/* calo_images.c — a calorimeter study's average showers: for each of CaloGAN's three layers
 * (3x96, 12x12, 12x6 cells, data/calo.h), the mean energy of every cell over the validation
 * showers next to the mean over the generated ones (every sampled model's showers pooled), on
 * one log colour scale per layer, and their ratio. The showers are those of generated vs truth
 * (generated.h: the same models, seeds and conditions), sampled again here: a picture module
 * owns its inputs, and gan-sample makes thousands of showers a second. Drawn only for a study
 * whose outputs are event-gen calo's 504 cells conditioned on E0. */
#include "base/atomic.h"
#include "base/proc.h"
#include "base/util.h"
#include "data/calo.h"
#include "report/generated.h"
#include "report/picture.h"
#include "report/pictures.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* 1 when run.conf's columns are a calorimeter study's (checked before anything is sampled) */
static int calo_run(const Run *r)
{
    const char *oc = conf_get(r, "out_cols"), *cc = conf_get(r, "cond_cols");
    if (!oc || !*oc || !cc || !*cc) return 0;
    char **out, **cond;
    int no = split_list("out_cols", oc, &out), nc = split_list("cond_cols", cc, &cond);
    int e0 = generated_calo_e0(no, out, nc, cond);
    free(out[0]), free(out), free(cond[0]), free(cond);
    return e0 >= 0;
}

/* Per cell: the mean over the validation showers (truth) and over every model's (gen). */
static void cell_means(const Samples *s, double *truth, double *gen)
{
    int nc = s->nout + s->ncond;
    for (int c = 0; c < CALO_NCELL; c++) {
        double t = 0, g = 0;
        for (size_t i = 0; i < s->nv; i++) t += s->vdat[i * (size_t)nc + (size_t)c];
        for (size_t i = 0; i < (size_t)s->nm * s->nv; i++) g += s->gen[i * CALO_NCELL + (size_t)c];
        truth[c] = t / (double)s->nv;
        gen[c] = g / ((double)s->nm * (double)s->nv);
    }
}

/* generated / validation mean; where the validation mean is 0, 1 when the generated one is too,
 * else RATIO_TOP (the ratio scale's top): no NaN, which makes gnuplot 5.4 warn on every later
 * block of the file */
#define RATIO_TOP 10.0
static double ratio(double truth, double gen)
{
    return truth > 0 ? gen / truth : gen > 0 ? RATIO_TOP : 1;
}

/* calo-images.dat: per layer three matrix blocks (rows along y, one line each, bottom row first):
 * the validation means, the generated means and their ratio (ratio()); layer l's are blocks 3l,
 * 3l + 1 and 3l + 2. */
static void write_data(const char *dir, const Samples *s, const double *truth, const double *gen)
{
    char *name = path_join(dir, "calo-images.dat");
    AtomicOut *o = aout_open(name);
    free(name);
    aout_printf(o, "# mean cell energy (GeV) per layer: for each layer (0-2) a block of the %zu "
                   "validation showers' mean,\n# one of the %d models' generated showers' "
                   "(%zu each, pooled) and one of generated / validation\n# (where validation is 0: "
                   "1 if generated is 0 too, else %g); a block is a "
                   "matrix: a line per row (y), a value per column (x)\n", s->nv, s->nm, s->nv,
                RATIO_TOP);
    for (int l = 0; l < CALO_NLAYER; l++) {
        const CaloLayer *L = &calo_layers[l];
        static const char *const what[] = {"validation", "generated", "generated / validation"};
        for (int b = 0; b < 3; b++) {
            if (l || b) aout_printf(o, "\n\n");
            aout_printf(o, "# layer %d %s: %dx%d cells of %gx%g mm (y x x)\n", l, what[b], L->rows,
                        L->cols, L->dy, L->dx);
            for (int row = 0; row < L->rows; row++)
                for (int col = 0; col < L->cols; col++) {
                    int c = calo_cell(l, row, col);
                    double v = b == 0 ? truth[c] : b == 1 ? gen[c] : ratio(truth[c], gen[c]);
                    aout_printf(o, "%.9g%s", v, col + 1 < L->cols ? " " : "\n");
                }
        }
    }
    aout_commit(o);
}

static void write_script(const Report *rp, const Samples *s, const double *truth, const double *gen)
{
    const Run *r = &rp->runs[0];
    char *name = path_join(rp->dir, "calo-images.gp");
    AtomicOut *g = aout_open(name);
    free(name);
    const int pw = 460, ph = 370, ncol = 3;
    gp_header(g, "calo-images.png", pw * ncol, ph * CALO_NLAYER + 40);
    aout_printf(g, "set multiplot title 'Set #%d: mean cell energy per layer, %zu validation "
                   "showers against %d trained generators'\n", r->id[r->best], s->nv, s->nm);
    aout_printf(g, "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', "
                   "0.75 '#5ec962', 1 '#fde725')\n");
    aout_printf(g, "set size ratio -1\nunset grid\nunset key\nset tics out\n");
    aout_printf(g, "set xlabel 'x (mm)'\nset ylabel 'y (mm)'\nset xtics 100\nset ytics 100\n"
                   "set lmargin 8\nset rmargin 12\n");
    const double half = CALO_SIZE_MM / 2;
    for (int l = 0; l < CALO_NLAYER; l++) {
        const CaloLayer *L = &calo_layers[l];
        /* one colour scale for both images of a layer: its hottest mean cell down five decades
         * (a shower's tail), or to its coldest non-empty one */
        double hi = 0, lo = INFINITY;
        for (int c = L->first; c < L->first + L->rows * L->cols; c++) {
            hi = fmax(hi, fmax(truth[c], gen[c]));
            if (truth[c] > 0) lo = fmin(lo, truth[c]);
            if (gen[c] > 0) lo = fmin(lo, gen[c]);
        }
        if (!(hi > 0)) hi = 1, lo = 0.1;
        lo = fmax(lo, hi * 1e-5);
        if (!(lo < hi)) lo = hi / 10;
        /* cell centres in mm from the cube's centre: x = (col + 0.5) dx - 240 */
        char xy[128];
        snprintf(xy, sizeof xy, "(($1 + 0.5) * %g - %g):(($2 + 0.5) * %g - %g)", L->dx, half,
                 L->dy, half);
        aout_printf(g, "set xrange [%g:%g]\nset yrange [%g:%g]\n", -half, half, -half, half);
        for (int src = 0; src < 2; src++) {
            aout_printf(g, "set origin %g,%g\nset size %g,%g\n", (double)src / ncol,
                        1 - (double)(l + 1) / CALO_NLAYER * 0.96 - 0.02, 1.0 / ncol,
                        0.96 / CALO_NLAYER);
            aout_printf(g, "set title 'layer %d (%dx%d cells), %s'\n", l, L->rows, L->cols,
                        src ? "generated (mean of the models)" : "validation data");
            aout_printf(g, "set logscale cb\nset cbrange [%.9g:%.9g]\nset format cb '%%.0e'\n"
                           "set cblabel 'mean cell energy (GeV)' offset 1\n", lo, hi);
            /* an empty mean cell (log undefined) takes the bottom colour */
            aout_printf(g, "plot 'calo-images.dat' index %d matrix u %s:($3 > %.9g ? $3 : %.9g) "
                           "w image\n", 3 * l + src, xy, lo, lo);
        }
        /* the ratio: where the generator puts too much (red) or too little (blue) on average */
        aout_printf(g, "set origin %g,%g\nset size %g,%g\n", 2.0 / ncol,
                    1 - (double)(l + 1) / CALO_NLAYER * 0.96 - 0.02, 1.0 / ncol, 0.96 / CALO_NLAYER);
        aout_printf(g, "set title 'layer %d: generated / validation'\n", l);
        aout_printf(g, "set palette defined (0 '#2166ac', 0.5 '#f7f7f7', 1 '#b2182b')\n");
        aout_printf(g, "set cbrange [%g:%g]\nset format cb '%%g'\nset cblabel 'generated / validation' offset 1\n",
                    1 / RATIO_TOP, RATIO_TOP);
        aout_printf(g, "plot 'calo-images.dat' index %d matrix u %s:($3 < %g ? %g : $3 > %g ? %g : $3) "
                       "w image\n", 3 * l + 2, xy, 1 / RATIO_TOP, 1 / RATIO_TOP, RATIO_TOP, RATIO_TOP);
        aout_printf(g, "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', "
                       "0.75 '#5ec962', 1 '#fde725')\n");
    }
    aout_printf(g, "unset multiplot\n");
    aout_commit(g);
}

int draw_calo_images(const Report *rp, Notes *nt, char *more, size_t n)
{
    if (!calo_run(&rp->runs[0])) return 0;   /* not a calorimeter study: no such picture */
    Samples s;
    char desc[512];
    if (!generated_sample(rp, nt, "Average showers", 0, &s, desc, sizeof desc)) return 0;
    double *truth = xmalloc(2 * CALO_NCELL * sizeof *truth), *gen = truth + CALO_NCELL;
    cell_means(&s, truth, gen);
    write_data(rp->dir, &s, truth, gen);
    write_script(rp, &s, truth, gen);
    snprintf(more, n, " %s.", desc);
    free(truth);
    generated_free(&s);
    return 1;
}
