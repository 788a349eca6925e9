/* ganconf.h — GanConfig: every option of gan-train and gan-sample in one struct, carried from
 * the command line to the networks (gan_layouts), the step (gan_init) and the CUDA trainer
 * (gcu_trainer_create), and the one table of options both programs parse it with.
 *
 * Adding an option: a field here, its row in the table in ganconf.c (name, type, bounds, which
 * program takes it, usage), and its use. The usage text and the "required" message are made
 * from the table.
 *
 * Plain C (no _Noreturn) so that the CUDA sources include it in extern "C". */
#ifndef GANTUNE_GANCONF_H
#define GANTUNE_GANCONF_H
#include <stdint.h>

#include "model/bf16.h"
#include "model/device.h"

/* which program parses: a table row lists those that take the option */
enum { GAN_TRAIN = 1, GAN_SAMPLE = 2 };
enum { GAN_MAX_MODELS = 256 };   /* repeated gan-sample --model */
/* gan-train --model: the study's MLP (gan.h) or the CaloGAN-like model (calogan.h) */
enum { GAN_ARCH_MLP = 0, GAN_ARCH_CALO = 1 };

typedef struct {
    /* the networks: generator (ncond + nnoise) -> gen_width -> nout, discriminator
     * (nout + ncond) -> disc_width -> 1 (gan.h). gan-train takes ncond and nout from the column
     * lists, gan-sample all five from the model file. */
    int ncond, nnoise, nout, gen_width, disc_width;
    int arch;                          /* GAN_ARCH_*, from arch_name (gan-train --model) */
    const char *arch_name;
    int filters, kernel;               /* --model calo: planes and kernel size of its convolutions */
    /* the step and the loop */
    int batch;
    double lr_g, lr_d;
    long epochs, max_events;           /* max_events 0: all */
    uint64_t seed;
    /* how it runs */
    int threads;
    Device device;
    const char *device_name;           /* as given (checked after the required options) */
    Precision precision;               /* what runs: PREC_FP32 or PREC_BF16 (auto resolved) */
    const char *precision_name;        /* as given */
    /* gan-train's data and outputs */
    const char *train, *val, *save_model, *log;
    const char *progress;              /* a per-epoch line to stderr, starting with this label */
    const char *rungs, *rung_cmd;      /* pruning: epochs to ask at, the command asked */
    const char *weights, *weight_col;  /* a weight per training row: file, or a column (adagan.h) */
    const char *score;                 /* the per-epoch score that picks the best epoch
                                        * (data/score.h): w1 (default), w1-obs, chi2, ks,
                                        * calo (the default for --model calo) */
    const char *out_list, *cond_list;  /* as given; split into: */
    char **out_cols, **cond_cols;      /* nout, ncond names (NULL when none) */
    /* per-column transforms and the tail cut (transform.h), applied by gan-train on read */
    const char *transform_list;        /* COL=NAME,... (output columns) */
    double tail_q;                     /* --tail-cut Q in (0, 1); NaN: not given */
    const char *tail_list;             /* --tail-cols: the columns cut (required with it) */
    const char *range_name;            /* --scale-range: "-1,1" (default) or "0,1" */
    int range01;                       /* from it: outputs scaled to [0, 1] */
    int check_data;                    /* --check-data: check the data, print, train nothing */
    /* gan-sample */
    const char *model, *cond, *output;   /* model: the first --model */
    const char *models[GAN_MAX_MODELS];  /* every --model, in order (an ensemble: --mix) */
    int nmodels;
    const char *mix;                     /* --mix: uniform, or a weight per --model */
    long events;                       /* -1: not given */
} GanConfig;

/* Defaults, then argv for `tool` (GAN_TRAIN or GAN_SAMPLE): --help prints the usage to stdout
 * and exits 0; an unknown option, a bad value, a missing required option or a stray argument
 * is "prog: what is wrong" and exit 2. gan-train's column lists are split. */
void gan_config_parse(GanConfig *c, int tool, int argc, char **argv);
/* The same over words that are only part of a command line (a study's trainer arguments,
 * TRAIN_ARGS; argv[0] names the caller): the defaults, then those options; none is required
 * and no column list is split (nout and ncond stay 0). */
void gan_config_parse_part(GanConfig *c, int tool, int argc, char **argv);
/* Frees the split column lists. */
void gan_config_free(GanConfig *c);
#endif
