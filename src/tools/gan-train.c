/* gan-train — train the study's GAN on one hyperparameter set and score it by the per-column
 * 1-D Wasserstein distance to the validation sample after every epoch (see gan-train(1)). */
#include <cblas.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/numfmt.h"
#include "base/proc.h"
#include "model/adagan.h"
#include "model/calogan.h"
#include "model/device.h"
#include "base/csvio.h"
#include "model/gan.h"
#include "model/ganconf.h"
#include "model/gtm.h"
#include "model/net.h"
#include "model/transform.h"
#include "base/rng.h"
#include "base/util.h"
#include "data/calo.h"
#include "data/score.h"
#include "data/wasserstein.h"
#ifdef GANTUNE_CUDA
#include "cuda/gcu.h"
#endif

/* The one place where the device is chosen. A CUDA backend hooks in here (cuda/). */
static void select_device(const GanConfig *cfg)
{
    /* a CPU-only build refuses cuda; a CUDA build refuses it without a usable GPU (exit 1) */
    device_require(cfg->device);
}

/* A file without a named column is bad data (exit 1, its header line), checked before
 * anything is read. */
static void check_columns(const char *path, int n, char **names, const char *what)
{
    CsvReader *r = csv_open(path);
    for (int j = 0; j < n; j++)
        if (csv_find(r, names[j]) < 0)
            csv_fail(r, "no %s column '%s' in the header", what, names[j]);
    csv_close(r);
}

/* Load columns as doubles; the caller scales them. */
static double *load(const char *path, int n, char **names, size_t max, size_t *rows)
{
    return csv_load_cols(path, n, names, max, rows);
}

static void fit_range(const double *v, size_t rows, int n, double *lo, double *hi)
{
    for (int j = 0; j < n; j++) lo[j] = INFINITY, hi[j] = -INFINITY;
    for (size_t i = 0; i < rows; i++)
        for (int j = 0; j < n; j++) {
            double x = v[i * n + j];
            if (x < lo[j]) lo[j] = x;
            if (x > hi[j]) hi[j] = x;
        }
}

/* min-max to [-1, 1] (or [0, 1], --scale-range) with the training ranges; a constant column
 * maps with width 1 */
static float *scale(const double *v, size_t rows, int n, const double *lo, const double *hi, int range01)
{
    float *f = xmalloc((rows * (size_t)n + 1) * sizeof *f);
    for (size_t i = 0; i < rows; i++)
        for (int j = 0; j < n; j++) {
            double w = hi[j] > lo[j] ? hi[j] - lo[j] : 1.0;
            f[i * n + j] = range01 ? (float)((v[i * n + j] - lo[j]) / w)
                                   : (float)(2.0 * (v[i * n + j] - lo[j]) / w - 1.0);
        }
    return f;
}

/* --progress: one line per epoch to stderr, at most 120 columns (the label is cut to 40), so a
 * long training shows it is alive and when it will end: epoch, this epoch's W1, the best so far,
 * seconds per epoch and the time left at that pace. The full numbers are in --log. */
static void progress_line(const char *label, long ep, long epochs, double wd, double best,
                          long best_ep, double elapsed)
{
    char w[NUMFMT_MAX], b[NUMFMT_MAX], spe[32], eta[32];
    numfmt_g(w, wd, 4);
    numfmt_g(b, best, 4);
    double per = elapsed / (double)ep;
    if (per < 1) {   /* "0.043s": a small epoch still shows its pace */
        int k = numfmt_g(spe, per, 2);
        snprintf(spe + k, sizeof spe - (size_t)k, "s");
    } else {
        numfmt_dur(spe, sizeof spe, per);
    }
    numfmt_dur(eta, sizeof eta, per * (double)(epochs - ep));
    fprintf(stderr, "%.40s%sepoch %ld/%ld  W1 %s  best %s (epoch %ld)  %s/epoch  ETA %s\n", label,
            *label ? ": " : "", ep, epochs, w, b, best_ep, spe, eta);
}

static int out_index(const GanConfig *o, const char *opt, const char *name)
{
    for (int j = 0; j < o->nout; j++)
        if (strcmp(o->out_cols[j], name) == 0) return j;
    die(EXIT_USAGE, "%s: '%s' is not one of --out-cols (transforms and cuts apply to outputs)", opt, name);
}

/* --transform COL=NAME,...: tf[j] per output column (none unless named); usage errors exit 2. */
static void parse_transforms(const GanConfig *o, Transform *tf)
{
    for (int j = 0; j < o->nout; j++) tf[j] = (Transform){TF_NONE, 0, 0};
    if (!o->transform_list) return;
    char **items;
    int n = split_list("--transform", o->transform_list, &items);
    int *seen = xcalloc((size_t)o->nout, sizeof *seen);
    for (int i = 0; i < n; i++) {
        char *eq = strchr(items[i], '=');
        if (!eq) die(EXIT_USAGE, "--transform: '%s' is not COL=NAME", items[i]);
        *eq = 0;
        int j = out_index(o, "--transform", items[i]);
        if (seen[j]++) die(EXIT_USAGE, "--transform: column '%s' named twice", items[i]);
        const char *why;
        if (tf_parse(eq + 1, &tf[j], &why)) die(EXIT_USAGE, "--transform: %s=%s: %s", items[i], eq + 1, why);
    }
    free(seen);
    free(items[0]);
    free(items);
}

/* Every value of a transformed column must be in the transform's domain: exit 1 naming the
 * file, its line (the header is line 1) and the value. */
static void check_domain(const char *path, const double *x, size_t rows, const GanConfig *o,
                         const Transform *tf)
{
    for (size_t i = 0; i < rows; i++)
        for (int j = 0; j < o->nout; j++) {
            double y, v = x[i * o->nout + j];
            char dom[80];
            if (tf_fwd(&tf[j], v, &y))
                die(EXIT_RUNTIME, "%s:%zu: %s = %.9g is outside %s's domain (%s)", path, i + 2,
                    o->out_cols[j], v, tf_name(tf[j].kind), tf_domain(&tf[j], dom, sizeof dom));
        }
}

/* Drop the events (rows of x, of c with nc columns and of the weights w when given) with a value
 * above its column's cut. */
static size_t drop_tail(double *x, double *c, float *w, size_t rows, int no, int nc, const double *cut)
{
    size_t k = 0;
    for (size_t i = 0; i < rows; i++) {
        int keep = 1;
        for (int j = 0; j < no; j++) keep &= x[i * no + j] <= cut[j];
        if (!keep) continue;
        memmove(x + k * no, x + i * no, (size_t)no * sizeof *x);
        if (nc) memmove(c + k * nc, c + i * nc, (size_t)nc * sizeof *c);
        if (w) w[k] = w[i];
        k++;
    }
    return k;
}

/* The data as the model sees it, before the min-max scaling. --tail-cut: each cut column's
 * cut from the training events (tf_tail_cut, in physical units); the validation events are cut
 * the same way, so the score compares like with like. Then t(x) in place. The domains are
 * checked on every event read, cut or not, so a bad file fails the same with or without a cut. */
static void apply_columns(const GanConfig *o, double *xtr, double *ctr, float *wtr, size_t *ntr, double *xva,
                          double *cva, size_t *nva, const Transform *tf, double *cut)
{
    const int no = o->nout, nc = o->ncond;
    check_domain(o->train, xtr, *ntr, o, tf);
    check_domain(o->val, xva, *nva, o, tf);
    for (int j = 0; j < no; j++) cut[j] = INFINITY;
    if (!isnan(o->tail_q)) {
        char **cols;
        int n = split_list("--tail-cols", o->tail_list, &cols);   /* ganconf: given with it */
        for (int i = 0; i < n; i++) {
            int j = out_index(o, "--tail-cols", cols[i]);
            cut[j] = tf_tail_cut(xtr, *ntr, no, j, o->tail_q);
        }
        free(cols[0]), free(cols);
        size_t t0 = *ntr, v0 = *nva;
        *ntr = drop_tail(xtr, ctr, wtr, *ntr, no, nc, cut);   /* --weights: each event's its own */
        *nva = drop_tail(xva, cva, NULL, *nva, no, nc, cut);
        if (wtr && *ntr) {   /* the kept weights back to mean 1 (adagan.h); all 1 stay 1 exactly */
            double sum = 0;
            for (size_t i = 0; i < *ntr; i++) sum += wtr[i];
            if (!(sum > 0)) die(EXIT_RUNTIME, "%s: every event below the tail cut has weight 0", o->train);
            const double f = (double)*ntr / sum;
            for (size_t i = 0; i < *ntr; i++) wtr[i] = (float)(wtr[i] * f);
        }
        if (*nva == 0) die(EXIT_RUNTIME, "%s: no validation event is left below the tail cut", o->val);
        fprintf(stderr, "gan-train: --tail-cut %g kept %zu of %zu training and %zu of %zu validation events;",
                o->tail_q, *ntr, t0, *nva, v0);
        for (int j = 0; j < no; j++)
            if (cut[j] != INFINITY) fprintf(stderr, " %s <= %.9g", o->out_cols[j], cut[j]);
        fputc('\n', stderr);
    }
    for (size_t i = 0; i < *ntr; i++)
        for (int j = 0; j < no; j++) tf_fwd(&tf[j], xtr[i * no + j], &xtr[i * no + j]);
    for (size_t i = 0; i < *nva; i++)
        for (int j = 0; j < no; j++) tf_fwd(&tf[j], xva[i * no + j], &xva[i * no + j]);
}

/* --rungs: the epochs after which the trainer asks --rung-cmd whether to go on, ascending. */
static int parse_rungs(const GanConfig *o, long **rung)
{
    *rung = NULL;
    if (!o->rungs && !o->rung_cmd) return 0;
    if (!o->rungs || !o->rung_cmd) die(EXIT_USAGE, "--rungs and --rung-cmd go together");
    char **v = NULL;
    int n = split_list("--rungs", o->rungs, &v);
    *rung = xmalloc((size_t)n * sizeof **rung);
    for (int i = 0; i < n; i++) {
        (*rung)[i] = parse_long("--rungs", v[i], 1, 1L << 30);
        if (i && (*rung)[i] <= (*rung)[i - 1]) die(EXIT_USAGE, "--rungs: epochs must ascend");
    }
    free(v[0]);
    free(v);
    return n;
}

/* Ask the rung command after epoch ep with the best objective so far (the chosen --score's,
 * W1 by default; what trial-aggregate averages): it
 * runs as `sh -c 'CMD "$@"' sh EP WD` and answers continue or prune on stdout. Its failure is
 * the trial's (exit 1): a trial that cannot be judged must not train on as if kept. */
static int rung_says_prune(const char *cmd, long ep, double best_wd)
{
    size_t n = strlen(cmd) + 16;
    char *script = xmalloc(n), sep[32], swd[32];
    snprintf(script, n, "%s \"$@\"", cmd);
    snprintf(sep, sizeof sep, "%ld", ep);
    snprintf(swd, sizeof swd, "%.6g", best_wd);
    char *argv[] = {"/bin/sh", "-c", script, "sh", sep, swd, NULL};
    fflush(stdout);
    char *out = run_capture(argv);
    size_t k = strcspn(out, " \t\r\n");
    int prune = k == 5 && strncmp(out, "prune", 5) == 0;
    if (!prune && !(k == 8 && strncmp(out, "continue", 8) == 0))
        die(EXIT_RUNTIME, "--rung-cmd answered '%.*s' after epoch %ld, not continue or prune", (int)k, out, ep);
    free(out);
    free(script);
    return prune;
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    GanConfig o;   /* every option, carried to the networks, the step and the CUDA trainer */
    gan_config_parse(&o, GAN_TRAIN, argc, argv);
    check_columns(o.train, o.nout, o.out_cols, "output");
    check_columns(o.val, o.nout, o.out_cols, "output");
    if (o.ncond) {
        check_columns(o.train, o.ncond, o.cond_cols, "condition");
        check_columns(o.val, o.ncond, o.cond_cols, "condition");
    }
    long *rung;
    const int nrungs = parse_rungs(&o, &rung);
    if (o.arch == GAN_ARCH_CALO && o.device != DEVICE_CPU)
        die(EXIT_USAGE, "--model calo: only with --device cpu (its step has no CUDA twin yet)");
    if (o.arch == GAN_ARCH_CALO && o.precision != PREC_FP32)
        die(EXIT_USAGE, "--model calo: only with --precision fp32");
    select_device(&o);
    device_blas_threads(o.threads);   /* at most the online CPUs (device.h) */

    const int no = o.nout, nc = o.ncond, nz = o.nnoise;
    size_t ntr, nva, k;
    Transform *tf = xmalloc((size_t)no * sizeof *tf);
    double *cut = xmalloc((size_t)no * sizeof *cut);
    parse_transforms(&o, tf);
    double *xtr = load(o.train, no, o.out_cols, (size_t)o.max_events, &ntr);
    double *xva = load(o.val, no, o.out_cols, 0, &nva);
    double *ctr = nc ? load(o.train, nc, o.cond_cols, (size_t)o.max_events, &k) : NULL;
    double *cva = nc ? load(o.val, nc, o.cond_cols, 0, &k) : NULL;
    /* --weights / --weight-col: the discriminator's real term as a weighted mean (a weighted
     * loss, not weighted sampling: the random streams stay those of unweighted training) */
    if (o.weights && o.weight_col) die(EXIT_USAGE, "--weights and --weight-col exclude each other");
    float *Wtr = o.weights || o.weight_col
        ? adagan_load_weights(o.weights ? o.weights : o.train, o.weights ? "weight" : o.weight_col,
                              (size_t)o.max_events, ntr)
        : NULL;
    const size_t ntr0 = ntr, nva0 = nva;
    apply_columns(&o, xtr, ctr, Wtr, &ntr, xva, cva, &nva, tf, cut);
    const int cutting = !isnan(o.tail_q);
    if (ntr < (size_t)o.batch)
        die(EXIT_USAGE, "%s: %zu training events%s, fewer than one batch (%d)", o.train, ntr,
            cutting ? " after the tail cut" : "", o.batch);
    if (o.check_data) {   /* anp's check before a search: the data as training would take it */
        printf("train_events,val_events,train_kept,val_kept\n%zu,%zu,%zu,%zu\n", ntr0, nva0, ntr, nva);
        check_stdout();
        free(xtr), free(xva), free(ctr), free(cva), free(Wtr), free(tf), free(cut), free(rung);
        gan_config_free(&o);
        return EXIT_OK;
    }

    GtmModel best = {.ncond = nc, .nnoise = nz, .nout = no, .gw = o.gen_width,
                     .dw = o.disc_width, .out_names = o.out_cols, .cond_names = o.cond_cols,
                     .out_tf = tf, .out_cut = cut, .tail_q = cutting ? o.tail_q : 0,
                     .range01 = o.range01, .arch = o.arch, .filters = o.filters,
                     .kernel = o.kernel};
    best.out_lo = xmalloc(2 * (size_t)(no + nc + 1) * sizeof(double));
    best.out_hi = best.out_lo + no, best.cond_lo = best.out_hi + no;
    best.cond_hi = best.cond_lo + nc;
    fit_range(xtr, ntr, no, best.out_lo, best.out_hi);
    fit_range(ctr, nc ? ntr : 0, nc, best.cond_lo, best.cond_hi);
    /* --model calo: every cell of layer l scaled by s_l, the layer's largest training cell, as
     * -s_l..s_l -> -1..1, so scaled = cell / s_l and an empty cell is 0 (the generator ends in a
     * ReLU). One shared s (before) left layer 0's cells, 10-100x below layer 1's, so far under
     * the generator's output scale that its ReLU outputs died (BENCHMARKS.md, issue 19).
     * E_tot / E0 on the training set gives the auxiliary loss its target, the layers' mean
     * energies their features' scales (calogan.h). */
    int e0_col = -1;
    double cs = 0, etot = 0, e0sum = 0;
    double lcs[CALO_NLAYER], unit[CALO_NLAYER], elay[CALO_NLAYER] = {0};
    if (o.arch == GAN_ARCH_CALO) {
        int tfs = 0;
        for (int j = 0; j < no; j++) tfs += tf[j].kind != TF_NONE;
        if (tfs || cutting || o.range01)
            die(EXIT_USAGE, "--model calo: no --transform, --tail-cut or --scale-range 0,1 (its cells share one scale)");
        for (int j = 0; j < nc; j++) if (strcmp(o.cond_cols[j], "E0") == 0) e0_col = j;
        if (e0_col < 0) die(EXIT_USAGE, "--model calo: E0 must be among --cond-cols");
        /* (another cell count is refused below, by the score or by calogan_init) */
        for (int l = 0; l < CALO_NLAYER; l++) lcs[l] = 1, unit[l] = 1;
        cs = 1;
        for (int l = 0; l < CALO_NLAYER && no == CALO_NCELL; l++) {
            const CaloLayer *L = &calo_layers[l];
            double m = 0;
            for (int j = L->first; j < L->first + L->rows * L->cols; j++) m = fmax(m, best.out_hi[j]);
            lcs[l] = m > 0 ? m : 1;
            cs = l == 0 ? lcs[0] : fmax(cs, lcs[l]);
            for (int j = L->first; j < L->first + L->rows * L->cols; j++)
                best.out_lo[j] = -lcs[l], best.out_hi[j] = lcs[l];
        }
        for (size_t i = 0; i < ntr && no == CALO_NCELL; i++) {
            for (int l = 0; l < CALO_NLAYER; l++) {
                const CaloLayer *L = &calo_layers[l];
                for (int j = L->first; j < L->first + L->rows * L->cols; j++) elay[l] += xtr[i * no + j];
            }
            e0sum += ctr[i * nc + e0_col];
        }
        for (int l = 0; l < CALO_NLAYER; l++) {
            etot += elay[l];
            unit[l] = lcs[l] / cs;
            elay[l] /= (double)ntr * cs;   /* the layer's mean energy in units of cs */
        }
    }
    /* the conditions stay on [-1, 1] (sample.h's inputs); --scale-range is the outputs' */
    float *Xtr = scale(xtr, ntr, no, best.out_lo, best.out_hi, o.range01);
    float *Xva = scale(xva, nva, no, best.out_lo, best.out_hi, o.range01);
    float *Ctr = scale(ctr, nc ? ntr : 0, nc, best.cond_lo, best.cond_hi, 0);
    float *Cva = scale(cva, nc ? nva : 0, nc, best.cond_lo, best.cond_hi, 0);
    /* --score other than W1: its validation side, made from the physical values (score.h) */
    EpochScore *score = NULL;
    if (strcmp(o.score, "w1") != 0) {
        if (o.device != DEVICE_CPU) die(EXIT_USAGE, "--score %s: only with --device cpu", o.score);
        /* score.c maps the output back through [-1, 1] ranges, not through a transform's
         * inverse (the tail cut alone is fine: the validation events are cut already) */
        for (int j = 0; j < no; j++)
            if (tf[j].kind != TF_NONE || o.range01)
                die(EXIT_USAGE, "--score %s: not with --transform or --scale-range 0,1 (only --score w1)", o.score);
        score = score_create(o.score, &(ScoreData){.nout = no, .ncond = nc, .out_names = o.out_cols,
                             .cond_names = o.cond_cols, .out_lo = best.out_lo, .out_hi = best.out_hi,
                             .xva = xva, .cva = cva, .nva = nva});
    }
    free(xtr), free(xva), free(ctr);

    /* independent streams per purpose, so e.g. the epoch count does not change the init */
    Rng r_init, r_shuf, r_noise, r_val;
    rng_seed2(&r_init, o.seed, GAN_STREAM_INIT);
    rng_seed2(&r_shuf, o.seed, GAN_STREAM_SHUFFLE);
    rng_seed2(&r_noise, o.seed, GAN_STREAM_NOISE);
    rng_seed2(&r_val, o.seed, GAN_STREAM_VAL);

    Gan g;
    const int B = o.batch;
    gan_init(&g, &o, &r_init);   /* bf16: the oneDNN matmuls of a full batch, made here */
    if (o.arch == GAN_ARCH_CALO)
        calogan_set_data(&g, e0_col, best.cond_lo[e0_col], best.cond_hi[e0_col],
                         e0sum > 0 ? etot / e0sum / cs : 0, etot / (double)ntr / cs, unit, elay);
    if (o.device == DEVICE_CPU) gan_prepare_rows(&g, (int)(ntr % (size_t)B));   /* last batch */
    net_init(&best.G, &g.G.lay);
    const int64_t params = gan_params_reference(&o);

    /* everything the loop needs, allocated once */
    uint32_t *perm = xmalloc(ntr * sizeof *perm);
    for (size_t i = 0; i < ntr; i++) perm[i] = (uint32_t)i;
    float *bx = xmalloc((size_t)B * no * sizeof *bx), *bc = xmalloc(((size_t)B * nc + 1) * sizeof *bc);
    float *bz = xmalloc((size_t)B * nz * sizeof *bz), *bw = xmalloc((size_t)B * sizeof *bw);
    const int ngi = nc + nz;
    float *vin = xmalloc(nva * ngi * sizeof *vin);   /* validation conditions ++ fixed noise */
    float *vnoise = xmalloc(nva * nz * sizeof *vnoise);
    rng_normal_fill(&r_val, vnoise, nva * nz);
    for (size_t i = 0; i < nva; i++) {
        memcpy(vin + i * ngi, Cva + i * nc, nc * sizeof(float));
        memcpy(vin + i * ngi + nc, vnoise + i * nz, nz * sizeof(float));
    }
    float *vwork = xmalloc((size_t)net_infer_floats(&g.G.lay, (int)nva) * sizeof(float));
    float *vout = xmalloc(nva * no * sizeof(float));
    /* W1 per column as wd-score computes it (wasserstein.h), validation sorted once */
    double *vsorted = xmalloc(nva * no * sizeof(double)), *col = xmalloc(nva * sizeof(double));
    double *wtmp = xmalloc(nva * sizeof(double));
    for (int j = 0; j < no; j++) {
        double *vs = vsorted + (size_t)j * nva;
        for (size_t i = 0; i < nva; i++) vs[i] = Xva[i * no + j];
        w1_sort(vs, nva, wtmp);
    }
    double *wd = xmalloc(no * sizeof(double)), *best_wds = xmalloc(no * sizeof(double));
    for (int j = 0; j < no; j++) best_wds[j] = INFINITY;

    AtomicOut *log = NULL;
    if (o.log) {
        log = aout_open(o.log);
        aout_printf(log, "epoch,d_loss,g_loss");
        for (int j = 0; j < no; j++) aout_printf(log, ",wd_%s", o.out_cols[j]);
        aout_printf(log, score ? ",wd_mean,score_%s,seconds\n" : ",wd_mean,seconds\n", o.score);
    }

#ifdef GANTUNE_CUDA
    /* --device cuda: the same weights, data, permutations and validation inputs go to the GPU
     * once; each epoch then runs there (cuda/gan.cu), noise from Philox keyed by this seed */
    GcuTrainer *cu = o.device == DEVICE_CUDA
        ? gcu_trainer_create(&o, &(GcuTrainData){.G = &g.G, .D = &g.D, .Xtr = Xtr, .Ctr = Ctr,
                                                 .ntr = ntr, .vin = vin, .vsorted = vsorted,
                                                 .nva = nva, .noise_seed = rng_u64(&r_noise),
                                                 .Wtr = Wtr})
        : NULL;
#endif
    double best_wd = INFINITY, best_score = INFINITY, t0 = now_seconds();
    long best_epoch = 0, epochs_run = 0;
    int diverged = 0, pruned = 0, next_rung = 0;
    for (long ep = 1; ep <= o.epochs && !diverged && !pruned; ep++) {
        rng_shuffle_u32(&r_shuf, perm, ntr);
        double dsum = 0, gsum = 0;
        long nb = 0;
        double mean = 0;
#ifdef GANTUNE_CUDA
        if (cu) {   /* divergence shows in the epoch's loss sums (the epoch is discarded) */
            gcu_trainer_epoch(cu, perm, &dsum, &gsum, &nb, wd);
            for (int j = 0; j < no; j++) mean += wd[j] / no;
            diverged = !isfinite(dsum) || !isfinite(gsum);
        } else
#endif
        { /* CPU */
        for (size_t s = 0; s < ntr; s += (size_t)B) {
            int b = ntr - s < (size_t)B ? (int)(ntr - s) : B;
            if (b < 2) continue;   /* batch norm needs two rows, as the reference skips it */
            for (int i = 0; i < b; i++) {
                uint32_t p = perm[s + i];
                memcpy(bx + (size_t)i * no, Xtr + (size_t)p * no, no * sizeof(float));
                memcpy(bc + (size_t)i * nc, Ctr + (size_t)p * nc, nc * sizeof(float));
                if (Wtr) bw[i] = Wtr[p];
            }
            rng_normal_fill(&r_noise, bz, (size_t)b * nz);
            double dl, gl;
            gan_step_w(&g, b, bx, bc, bz, Wtr ? bw : NULL, &dl, &gl);
            if (!isfinite(dl) || !isfinite(gl)) {
                diverged = 1;
                break;
            }
            dsum += dl, gsum += gl, nb++;
        }
        if (diverged) break;
        net_fwd_infer(&g.G, (int)nva, vin, vwork, vout);   /* tanh included */
        for (int j = 0; j < no; j++) {
            for (size_t i = 0; i < nva; i++) col[i] = vout[i * no + j];
            w1_sort(col, nva, wtmp);
            wd[j] = w1_sorted(col, nva, vsorted + (size_t)j * nva, nva);
            mean += wd[j] / no;
        }
        } /* CPU */
        if (diverged) break;
        if (!isfinite(mean)) {
            diverged = 1;
            break;
        }
        epochs_run = ep;
        const double sc = score ? score_epoch(score, vout) : mean;   /* what picks the epoch */
        if (sc < best_score) {
            best_score = sc, best_wd = mean, best_epoch = ep;
            memcpy(best_wds, wd, no * sizeof(double));
#ifdef GANTUNE_CUDA
            if (cu) gcu_trainer_get_generator(cu, &best.G); else
#endif
            {
            memcpy(best.G.p, g.G.p, (size_t)g.G.lay.nparams * sizeof(float));
            memcpy(best.G.st, g.G.st, (size_t)g.G.lay.nstate * sizeof(float));
            }
        }
        if (log) {
            aout_printf(log, "%ld,%.6g,%.6g", ep, dsum / nb, gsum / nb);
            for (int j = 0; j < no; j++) aout_printf(log, ",%.6g", wd[j]);
            aout_printf(log, ",%.6g", mean);
            if (score) aout_printf(log, ",%.6g", sc);
            aout_printf(log, ",%.3f\n", now_seconds() - t0);
        }
        if (o.progress)
            progress_line(o.progress, ep, o.epochs, mean, best_wd, best_epoch, now_seconds() - t0);
        /* a rung: stop here when the search prunes this set (status pruned, epochs = ep) */
        while (next_rung < nrungs && rung[next_rung] < ep) next_rung++;
        if (next_rung < nrungs && rung[next_rung] == ep && ep < o.epochs)
            pruned = rung_says_prune(o.rung_cmd, ep, score ? best_score : best_wd);
    }
    double secs = now_seconds() - t0;
#ifdef GANTUNE_CUDA
    gcu_trainer_destroy(cu);
#endif
    if (log) aout_commit(log);

    if (o.save_model) {
        if (best_epoch > 0) {
            best.best_epoch = (int)best_epoch, best.best_wd = best_wd;
            gtm_save(o.save_model, &best);
        } else {
            warnx("no finished epoch: %s not written", o.save_model);
        }
    }
    printf("best_wd,best_epoch,epochs,seconds,epochs_per_s,params,status,precision");
    for (int j = 0; j < no; j++) printf(",wd_%s", o.out_cols[j]);
    if (score) printf(",score,best_score");
    if (cutting) printf(",tail_cut,train_kept,val_kept");   /* only then: old records stay */
    printf("\n%.6g,%ld,%ld,%.3f,%.4g,%lld,%s,%s", best_wd, best_epoch, epochs_run, secs,
           secs > 0 ? epochs_run / secs : 0.0, (long long)params,
           diverged ? "diverged" : pruned ? "pruned" : "ok", precision_name(o.precision));
    for (int j = 0; j < no; j++) printf(",%.6g", best_wds[j]);
    if (score) printf(",%s,%.6g", o.score, best_score);
    if (cutting) printf(",%.9g,%zu,%zu", o.tail_q, ntr, nva);
    printf("\n");
    check_stdout();

    gan_free(&g);
    net_free(&best.G);
    free(best.out_lo), free(perm), free(bx), free(bc), free(bz), free(vin), free(vnoise);
    free(vwork), free(vout), free(vsorted), free(col), free(wtmp), free(wd), free(best_wds);
    free(Xtr), free(Xva), free(Ctr), free(Cva), free(rung), free(cva), free(Wtr), free(bw), free(tf), free(cut);
    score_free(score);
    gan_config_free(&o);
    return EXIT_OK;
}
