/* gan-mixdisc — AdaGAN's mixture discriminator: trains the study's discriminator network on
 * training events against events of the current ensemble (1:1) and writes the training rows'
 * AdaGAN weights for the next component (see gan-mixdisc(1), model/adagan.h). */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/csvio.h"
#include "base/util.h"
#include "model/adagan.h"
#include "model/device.h"

static void usage(FILE *f)
{
    fputs("usage: gan-mixdisc --train FILE --gen FILE --out-cols LIST (--beta B | --rule RULE --step T)\n"
          "                   -o WEIGHTS [--cond-cols LIST] [--epochs N] [--batch-size N]\n"
          "                   [--disc-layersize N] [--lr-disc X] [--seed N] [--max-events N]\n"
          "                   [--threads N]\n"
          "  RULE: uniform (beta_t = 1/(t+1)) or const:B; WEIGHTS: CSV weight,d per training row\n",
          f);
}

/* columns out ++ cond of a file, min-max scaled to [-1, 1] with lo/hi (fitted when fit) */
static float *load_scaled(const char *path, int n, char **names, size_t max, size_t *rows,
                          double *lo, double *hi, int fit)
{
    CsvReader *r = csv_open(path);
    for (int j = 0; j < n; j++)
        if (csv_find(r, names[j]) < 0) csv_fail(r, "no column '%s' in the header", names[j]);
    csv_close(r);
    double *v = csv_load_cols(path, n, names, max, rows);
    if (fit) {
        for (int j = 0; j < n; j++) lo[j] = INFINITY, hi[j] = -INFINITY;
        for (size_t i = 0; i < *rows; i++)
            for (int j = 0; j < n; j++) {
                double x = v[i * n + j];
                if (x < lo[j]) lo[j] = x;
                if (x > hi[j]) hi[j] = x;
            }
    }
    float *f = xmalloc((*rows * (size_t)n + 1) * sizeof *f);
    for (size_t i = 0; i < *rows * (size_t)n; i++) {
        int j = (int)(i % (size_t)n);
        double w = hi[j] > lo[j] ? hi[j] - lo[j] : 1.0;
        f[i] = (float)(2.0 * (v[i] - lo[j]) / w - 1.0);
    }
    free(v);
    return f;
}

static double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z)); }

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    enum { O_TRAIN = 256, O_GEN, O_OUT, O_COND, O_BETA, O_RULE, O_STEP, O_EPOCHS, O_BATCH,
           O_WIDTH, O_LR, O_SEED, O_MAX, O_THREADS };
    static const struct option opts[] = {
        {"train", required_argument, NULL, O_TRAIN}, {"gen", required_argument, NULL, O_GEN},
        {"out-cols", required_argument, NULL, O_OUT}, {"cond-cols", required_argument, NULL, O_COND},
        {"beta", required_argument, NULL, O_BETA}, {"rule", required_argument, NULL, O_RULE},
        {"step", required_argument, NULL, O_STEP}, {"epochs", required_argument, NULL, O_EPOCHS},
        {"batch-size", required_argument, NULL, O_BATCH},
        {"disc-layersize", required_argument, NULL, O_WIDTH},
        {"lr-disc", required_argument, NULL, O_LR}, {"seed", required_argument, NULL, O_SEED},
        {"max-events", required_argument, NULL, O_MAX},
        {"threads", required_argument, NULL, O_THREADS},
        {"output", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *train = NULL, *gen = NULL, *outs = NULL, *conds = NULL, *rule = NULL, *out = NULL;
    double beta = -1, lr = 1e-3;
    long step = -1, epochs = 5, max = 0;
    int batch = 256, width = 64, threads = 1;
    uint64_t seed = 1;
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_TRAIN: train = optarg; break;
        case O_GEN: gen = optarg; break;
        case O_OUT: outs = optarg; break;
        case O_COND: conds = optarg; break;
        case O_BETA: beta = parse_double("--beta", optarg, 1e-12, 1); break;
        case O_RULE: rule = optarg; break;
        case O_STEP: step = parse_long("--step", optarg, 1, 1 << 20); break;
        case O_EPOCHS: epochs = parse_long("--epochs", optarg, 1, 1L << 30); break;
        case O_BATCH: batch = (int)parse_long("--batch-size", optarg, 2, 1 << 24); break;
        case O_WIDTH: width = (int)parse_long("--disc-layersize", optarg, 1, 1 << 16); break;
        case O_LR: lr = parse_double("--lr-disc", optarg, 1e-300, 1e30); break;
        case O_SEED: seed = parse_u64("--seed", optarg); break;
        case O_MAX: max = parse_long("--max-events", optarg, 1, 1L << 40); break;
        case O_THREADS: threads = (int)parse_long("--threads", optarg, 1, 1024); break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'gan-mixdisc --help'");
        }
    }
    if (optind < argc) die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!train || !gen || !outs || !out)
        die(EXIT_USAGE, "--train, --gen, --out-cols and -o are required (see --help)");
    if ((beta > 0) == (rule != NULL)) die(EXIT_USAGE, "give --beta B or --rule RULE --step T (one of them)");
    if (rule) {
        if (adagan_rule_check(rule)) die(EXIT_USAGE, "--rule: '%s' is not uniform or const:B (0 < B < 1)", rule);
        if (step < 1) die(EXIT_USAGE, "--rule needs --step T (the component to train next, T >= 1)");
        beta = adagan_beta(rule, (int)step);
    } else if (step >= 0) {
        die(EXIT_USAGE, "--step goes with --rule");
    }
    device_blas_threads(threads);

    char **names, **cn = NULL;
    int no = split_list("--out-cols", outs, &names), nc = conds && *conds ? split_list("--cond-cols", conds, &cn) : 0;
    const int nd = no + nc;
    char **all = xmalloc((size_t)nd * sizeof *all);
    for (int j = 0; j < nd; j++) all[j] = j < no ? names[j] : cn[j - no];
    for (int i = 0; i < nd; i++)
        for (int j = 0; j < i; j++)
            if (strcmp(all[i], all[j]) == 0) die(EXIT_USAGE, "column '%s' named twice", all[i]);
    double *lo = xmalloc(2 * (size_t)nd * sizeof *lo), *hi = lo + nd;
    size_t nr, ng;
    float *real = load_scaled(train, nd, all, (size_t)max, &nr, lo, hi, 1);
    float *fake = load_scaled(gen, nd, all, 0, &ng, lo, hi, 0);
    if (nr < (size_t)batch || ng < (size_t)batch)
        die(EXIT_USAGE, "%zu training and %zu generated events: each needs one batch (%d)", nr, ng, batch);

    double *lr_real = xmalloc(nr * sizeof *lr_real), *lr_gen = xmalloc(ng * sizeof *lr_gen);
    MixDiscConfig cfg = {.ndim = nd, .width = width, .batch = batch, .epochs = epochs, .lr = lr,
                         .seed = seed};
    adagan_mixdisc(&cfg, real, nr, fake, ng, lr_real, lr_gen);
    double *w = xmalloc(nr * sizeof *w), *scratch = xmalloc(nr * sizeof *scratch);
    double lambda = adagan_weights(nr, lr_real, beta, w, scratch);
    double dr = 0, dg = 0, wmax = 0;
    size_t nonzero = 0;
    for (size_t i = 0; i < nr; i++) {
        dr += sigmoid(lr_real[i]) / (double)nr;
        if (w[i] > 0) nonzero++;
        if (w[i] > wmax) wmax = w[i];
    }
    for (size_t i = 0; i < ng; i++) dg += sigmoid(lr_gen[i]) / (double)ng;
    if (nonzero == 0) die(EXIT_RUNTIME, "every weight is zero (the discriminator calls every training event generated)");

    AtomicOut *o = aout_open(out);
    aout_printf(o, "weight,d\n");
    for (size_t i = 0; i < nr; i++) aout_printf(o, "%.9g,%.6g\n", w[i], sigmoid(lr_real[i]));
    aout_commit(o);
    /* what the discriminator found: D near 0.5 on both is an ensemble it cannot tell apart */
    printf("d_real,d_gen,beta,lambda,nonzero,max_weight_x_n,train_events,gen_events\n");
    printf("%.6g,%.6g,%.6g,%.6g,%zu,%.6g,%zu,%zu\n", dr, dg, beta, lambda, nonzero, wmax * (double)nr,
           nr, ng);
    check_stdout();
    free(names[0]), free(names);
    if (cn) free(cn[0]), free(cn);
    free(all), free(lo), free(real), free(fake), free(lr_real), free(lr_gen), free(w), free(scratch);
    return EXIT_OK;
}
