/* hpo-estimate — predict the trainer time and wall time of a search phase before it runs, from
 * a few timed trainings (hpo/cost.h's model), with and without pruning (see hpo-estimate.1). */
#include "base/atomic.h"
#include "base/csvio.h"
#include "base/rng.h"
#include "base/util.h"
#include "hpo/cost.h"
#include "hpo/prune.h"
#include "hpo/space.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
        "usage: hpo-estimate --space FILE --timings FILE --events N --epochs E --trials T\n"
        "                    --budget B [--places P] [--ncond K] [--nout K] [--prune-rungs L]\n"
        "                    [--prune-eta X] [--prune-min M] [--trainer-args WORDS] [-o cost.csv]\n"
        "Fit seconds per training event = a + b*params + c/batch to the timings (CSV: the space's\n"
        "hyperparameters, events, seconds: one timed epoch each), average it over the space, and\n"
        "print the phase's trainer hours and its wall hours on P places (trials at once), without\n"
        "pruning and, with --prune-rungs, with it. params counts gan-train's networks of each set\n"
        "on the trainer's arguments WORDS (e.g. '--model calo --gen-layersize 64'); a timings\n"
        "params column (the timed records') must agree. -o writes the model for hpo-step's ETA.\n");
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    const char *space_path = NULL, *tim_path = NULL, *out = NULL, *rungs = NULL, *targs = NULL;
    long events = 0, epochs = 0, trials = 0, budget = 0, places = 1, ncond = 4, nout = 2, pmin = PRUNE_MIN;
    double eta = PRUNE_ETA;
    enum { O_SPACE = 256, O_TIM, O_EV, O_EP, O_TR, O_BU, O_PL, O_NC, O_NO, O_PR, O_PE, O_PM, O_TA };
    static const struct option opts[] = {
        {"space", required_argument, 0, O_SPACE}, {"timings", required_argument, 0, O_TIM},
        {"events", required_argument, 0, O_EV}, {"epochs", required_argument, 0, O_EP},
        {"trials", required_argument, 0, O_TR}, {"budget", required_argument, 0, O_BU},
        {"places", required_argument, 0, O_PL}, {"ncond", required_argument, 0, O_NC},
        {"nout", required_argument, 0, O_NO}, {"prune-rungs", required_argument, 0, O_PR},
        {"prune-eta", required_argument, 0, O_PE}, {"prune-min", required_argument, 0, O_PM},
        {"trainer-args", required_argument, 0, O_TA},
        {"output", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case O_SPACE: space_path = optarg; break;
        case O_TIM: tim_path = optarg; break;
        case O_EV: events = parse_long("--events", optarg, 1, 1L << 40); break;
        case O_EP: epochs = parse_long("--epochs", optarg, 1, 1L << 30); break;
        case O_TR: trials = parse_long("--trials", optarg, 1, 100000); break;
        case O_BU: budget = parse_long("--budget", optarg, 1, 100000000); break;
        case O_PL: places = parse_long("--places", optarg, 1, 1000000); break;
        case O_NC: ncond = parse_long("--ncond", optarg, 0, 1 << 16); break;
        case O_NO: nout = parse_long("--nout", optarg, 1, 1 << 16); break;
        case O_PR: rungs = optarg; break;
        case O_PE: eta = parse_double("--prune-eta", optarg, 1.0001, 1000); break;
        case O_PM: pmin = parse_long("--prune-min", optarg, 1, 100000); break;
        case O_TA: targs = optarg; break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); return EXIT_OK;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind != argc) die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!space_path || !tim_path || !events || !epochs || !trials || !budget)
        die(EXIT_USAGE, "--space, --timings, --events, --epochs, --trials and --budget are required (see --help)");
    Space *sp = space_read(space_path);
    GanConfig base;
    cost_base(&base, targs, (int)ncond, (int)nout);

    /* the timings: one row per timed epoch */
    CsvReader *r = csv_open(tim_path);
    int *col = xmalloc((size_t)sp->d * sizeof *col);
    for (int j = 0; j < sp->d; j++) col[j] = csv_require(r, sp->name[j]);
    int ce = csv_require(r, "events"), cs = csv_require(r, "seconds"), cp = csv_find(r, "params");
    int n = 0, cap = 16;
    double *P = xmalloc((size_t)cap * sizeof *P), *B = xmalloc((size_t)cap * sizeof *B);
    double *Y = xmalloc((size_t)cap * sizeof *Y), *v = xmalloc((size_t)sp->d * sizeof *v);
    while (csv_next(r)) {
        if (n == cap) {
            cap *= 2;
            P = xrealloc(P, (size_t)cap * sizeof *P), B = xrealloc(B, (size_t)cap * sizeof *B);
            Y = xrealloc(Y, (size_t)cap * sizeof *Y);
        }
        for (int j = 0; j < sp->d; j++) v[j] = csv_num(r, col[j]);
        P[n] = cost_params(&base, sp, v, &B[n]);
        /* the timed trainer's own count: another model than --trainer-args says (the study's
         * --model dropped) would fit and predict the wrong networks */
        if (cp >= 0 && csv_num(r, cp) != P[n])
            csv_fail(r, "the timed run has %.0f parameters, --trainer-args '%s' make %.0f (%s "
                     "model): give the trainer's arguments", csv_num(r, cp), targs ? targs : "",
                     P[n], base.arch_name);
        double ev = csv_num(r, ce), s = csv_num(r, cs);
        if (!(ev > 0) || !(s > 0)) csv_fail(r, "events and seconds must be positive");
        Y[n++] = s / ev;
    }
    csv_close(r);
    if (n < 3) die(EXIT_RUNTIME, "%s: %d timings, the model needs at least 3", tim_path, n);
    CostModel m;
    if (cost_fit(P, B, Y, n, &m) != 0) die(EXIT_RUNTIME, "%s: the timings do not determine the model", tim_path);
    double maxerr = 0;
    for (int i = 0; i < n; i++) maxerr = fmax(maxerr, fabs(cost_epoch(&m, P[i], B[i], 1) / Y[i] - 1));

    /* the mean epoch over the space: sets are proposed all over it */
    Rng g;
    rng_seed2(&g, 1, 0);
    long *k = xmalloc((size_t)sp->d * sizeof *k);
    double sum = 0, lo = INFINITY, hi = 0;
    enum { NS = 4096 };
    for (int i = 0; i < NS; i++) {
        for (int j = 0; j < sp->d; j++) {
            k[j] = sp->lo[j] + (long)(rng_uniform(&g) * (double)(sp->hi[j] - sp->lo[j] + 1));
            if (k[j] > sp->hi[j]) k[j] = sp->hi[j];
            v[j] = space_value(sp, j, k[j]);
        }
        double b, p = cost_params(&base, sp, v, &b), t = cost_epoch(&m, p, b, (double)events);
        sum += t, lo = fmin(lo, t), hi = fmax(hi, t);
    }
    double epoch = sum / NS;
    printf("cost model: seconds per training event = %.4g + %.4g*params + %.4g/batch (%d timings, "
           "largest error %.0f%%)\n", m.a, m.b, m.c, n, 100 * maxerr);
    printf("one epoch of %ld events: %.1f s on average over the space (%.1f to %.1f s)\n", events, epoch, lo, hi);
    double core = (double)budget * (double)trials * (double)epochs * epoch;
    printf("unpruned: %ld sets x %ld trials x %ld epochs = %.3g trainer hours; on %ld places: %.3g h wall\n",
           budget, trials, epochs, core / 3600, places, core / 3600 / (double)places);
    double set_s = (double)trials * (double)epochs * epoch;
    if (rungs) {
        PruneConf pc = {.on = 1, .eta = eta, .min_sets = pmin};
        pc.nrungs = strcmp(rungs, "default") == 0 ? prune_default_rungs(epochs, eta, pc.rung, PRUNE_MAX_RUNGS)
                                                  : prune_parse_rungs("--prune-rungs", rungs, epochs, pc.rung, PRUNE_MAX_RUNGS);
        double ee = cost_expected_epochs(&pc, epochs, budget), pcore = core * ee / (double)epochs;
        printf("pruned (rungs");
        for (int i = 0; i < pc.nrungs; i++) printf("%s%ld", i ? "," : " ", pc.rung[i]);
        printf(", eta %g, min %ld): %.2f epochs per trial on average, %.3g trainer hours (%.1fx less); "
               "on %ld places: %.3g h wall\n", eta, pmin, ee, pcore / 3600, core / pcore, places,
               pcore / 3600 / (double)places);
        set_s *= ee / (double)epochs;
    }
    if (out) cost_write(out, &m, events, set_s, &base);
    check_stdout();
    free(col), free(P), free(B), free(Y), free(v), free(k);
    space_free(sp);
    return EXIT_OK;
}
