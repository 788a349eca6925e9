/* ganconf.c — the options table of gan-train and gan-sample (see ganconf.h). */
#include "model/ganconf.h"

#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "data/score.h"

typedef enum { OPT_STR, OPT_INT, OPT_LONG, OPT_F64, OPT_U64, OPT_MODELS, OPT_FLAG } OptType;

typedef struct {
    const char *name;
    char shortopt;           /* 0: long only */
    int tools, required;     /* GAN_TRAIN | GAN_SAMPLE: who takes it, who must have it */
    OptType type;
    size_t off;              /* field in GanConfig */
    double lo, hi;           /* bounds of numbers */
    const char *meta;        /* the value in the usage text */
} GanOpt;

#define F(field) offsetof(GanConfig, field)
#define T GAN_TRAIN
#define S GAN_SAMPLE
/* in the order of the usage text */
static const GanOpt opts[] = {
    {"train", 0, T, T, OPT_STR, F(train), 0, 0, "FILE"},
    {"val", 0, T, T, OPT_STR, F(val), 0, 0, "FILE"},
    {"out-cols", 0, T, T, OPT_STR, F(out_list), 0, 0, "LIST"},
    {"cond-cols", 0, T, 0, OPT_STR, F(cond_list), 0, 0, "LIST"},
    {"transform", 0, T, 0, OPT_STR, F(transform_list), 0, 0, "COL=log|log1p|logit[:A:B],..."},
    {"tail-cut", 0, T, 0, OPT_F64, F(tail_q), -1e300, 1e300, "Q"},
    {"tail-cols", 0, T, 0, OPT_STR, F(tail_list), 0, 0, "LIST"},
    {"scale-range", 0, T, 0, OPT_STR, F(range_name), 0, 0, "-1,1|0,1"},
    {"check-data", 0, T, 0, OPT_FLAG, F(check_data), 0, 0, NULL},
    {"weights", 0, T, 0, OPT_STR, F(weights), 0, 0, "FILE"},
    {"weight-col", 0, T, 0, OPT_STR, F(weight_col), 0, 0, "NAME"},
    {"model", 0, S, S, OPT_MODELS, F(model), 0, 0, "FILE"},
    {"mix", 0, S, 0, OPT_STR, F(mix), 0, 0, "uniform|W1,W2,..."},
    {"events", 0, S, 0, OPT_LONG, F(events), 1, 1L << 40, "N"},
    {"cond", 0, S, 0, OPT_STR, F(cond), 0, 0, "FILE"},
    {"model", 0, T, 0, OPT_STR, F(arch_name), 0, 0, "mlp|calo"},
    {"filters", 0, T, 0, OPT_INT, F(filters), 1, 1 << 10, "N"},
    {"kernel", 0, T, 0, OPT_INT, F(kernel), 2, 5, "K"},
    {"noise-dim", 0, T, 0, OPT_INT, F(nnoise), 1, 1 << 16, "N"},
    {"batch-size", 0, T, 0, OPT_INT, F(batch), 2, 1 << 24, "N"},
    {"lr-gen", 0, T, 0, OPT_F64, F(lr_g), 1e-300, 1e30, "X"},
    {"lr-disc", 0, T, 0, OPT_F64, F(lr_d), 1e-300, 1e30, "X"},
    {"gen-layersize", 0, T, 0, OPT_INT, F(gen_width), 1, 1 << 16, "N"},
    {"disc-layersize", 0, T, 0, OPT_INT, F(disc_width), 1, 1 << 16, "N"},
    {"epochs", 0, T, 0, OPT_LONG, F(epochs), 1, 1L << 30, "N"},
    {"seed", 0, T | S, 0, OPT_U64, F(seed), 0, 0, "N"},
    {"threads", 0, T | S, 0, OPT_INT, F(threads), 1, 1024, "N"},
    {"device", 0, T | S, 0, OPT_STR, F(device_name), 0, 0, "cpu|cuda"},
    {"precision", 0, T | S, 0, OPT_STR, F(precision_name), 0, 0, "fp32|bf16|auto"},
    {"max-events", 0, T, 0, OPT_LONG, F(max_events), 1, 1L << 40, "N"},
    {"save-model", 0, T, 0, OPT_STR, F(save_model), 0, 0, "FILE"},
    {"log", 0, T, 0, OPT_STR, F(log), 0, 0, "FILE"},
    {"progress", 0, T, 0, OPT_STR, F(progress), 0, 0, "LABEL"},
    {"rungs", 0, T, 0, OPT_STR, F(rungs), 0, 0, "E1,E2,..."},
    {"rung-cmd", 0, T, 0, OPT_STR, F(rung_cmd), 0, 0, "CMD"},
    {"score", 0, T, 0, OPT_STR, F(score), 0, 0, "w1|w1-obs|chi2|ks|calo"},
    {"output", 'o', S, S, OPT_STR, F(output), 0, 0, "OUT"},
};
#undef F
#undef T
#undef S
enum { NOPTS = sizeof opts / sizeof opts[0] };

/* the name as the usage text shows it: "-o" for an option with a short form */
static void shown(const GanOpt *o, char *buf, size_t n)
{
    if (o->shortopt) snprintf(buf, n, "-%c", o->shortopt);
    else snprintf(buf, n, "--%s", o->name);
}

static void usage(FILE *f, int tool)
{
    const char *prog = tool == GAN_TRAIN ? "gan-train" : "gan-sample";
    char line[256];
    int indent = snprintf(line, sizeof line, "usage: %s", prog);
    int len = indent;
    /* required options first, then the others in brackets, wrapped under the first */
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < NOPTS; k++) {
            const GanOpt *o = &opts[k];
            if (!(o->tools & tool) || (!(o->required & tool)) != pass) continue;
            char name[32], item[64];
            shown(o, name, sizeof name);
            if (o->meta)
                snprintf(item, sizeof item, pass ? " [%s %s]" : " %s %s", name, o->meta);
            else
                snprintf(item, sizeof item, " [%s]", name);   /* a flag */
            if (len + (int)strlen(item) > 92) {
                fprintf(f, "%s\n", line);
                len = snprintf(line, sizeof line, "%*s", indent, "");
            }
            len += snprintf(line + len, sizeof line - (size_t)len, "%s", item);
        }
    fprintf(f, "%s\n", line);
    if (tool == GAN_SAMPLE)
        fputs("  --events is needed without --cond; with --cond it caps the rows read\n"
              "  an ensemble: --model FILE.gte, or --model repeated with --mix\n", f);
}

static void set(GanConfig *c, const GanOpt *o, const char *arg)
{
    char name[32];
    snprintf(name, sizeof name, "--%s", o->name);
    void *field = (char *)c + o->off;
    switch (o->type) {
    case OPT_STR: *(const char **)field = arg; break;
    case OPT_INT: *(int *)field = (int)parse_long(name, arg, (long)o->lo, (long)o->hi); break;
    case OPT_LONG: *(long *)field = parse_long(name, arg, (long)o->lo, (long)o->hi); break;
    case OPT_F64: *(double *)field = parse_double(name, arg, o->lo, o->hi); break;
    case OPT_U64: *(uint64_t *)field = parse_u64(name, arg); break;
    case OPT_MODELS:   /* repeatable: every one kept, the first also as the field */
        if (c->nmodels == GAN_MAX_MODELS) die(EXIT_USAGE, "%s: more than %d", name, GAN_MAX_MODELS);
        c->models[c->nmodels++] = arg;
        *(const char **)field = c->models[0];
        break;
    case OPT_FLAG: *(int *)field = 1; break;
    }
}

/* part: argv is only part of a command line (gan_config_parse_part) */
static void parse(GanConfig *c, int tool, int argc, char **argv, int part)
{
    *c = (GanConfig){.nnoise = 4, .batch = 512, .gen_width = 256, .disc_width = 256,
                     .epochs = 20, .threads = 1, .seed = 1, .lr_g = 1e-4, .lr_d = 1e-4,
                     .device_name = "cpu", .precision_name = "fp32", .events = -1,
                     .arch_name = "mlp", .filters = 8, .kernel = 4, .tail_q = NAN};
    struct option lo[NOPTS + 2];
    int nlo = 0;
    char shorts[2 * NOPTS + 2] = "h";
    for (int k = 0; k < NOPTS; k++) {
        if (!(opts[k].tools & tool)) continue;
        /* getopt's value: the short letter, or 256 + the row */
        int val = opts[k].shortopt ? opts[k].shortopt : 256 + k;
        lo[nlo++] = (struct option){opts[k].name, opts[k].type == OPT_FLAG ? no_argument : required_argument,
                                    NULL, val};
        if (opts[k].shortopt) {
            size_t n = strlen(shorts);
            shorts[n] = opts[k].shortopt, shorts[n + 1] = ':', shorts[n + 2] = 0;
        }
    }
    lo[nlo++] = (struct option){"help", no_argument, NULL, 'h'};
    lo[nlo] = (struct option){0, 0, 0, 0};
    int ch;
    if (part) optind = 1;   /* the caller's own options were read with getopt already */
    while ((ch = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        if (ch == 'h') {
            usage(stdout, tool);
            exit(EXIT_OK);
        }
        const GanOpt *o = NULL;
        for (int k = 0; k < NOPTS && !o; k++)
            if ((opts[k].tools & tool) && (ch == 256 + k || (opts[k].shortopt && ch == opts[k].shortopt)))
                o = &opts[k];
        if (!o) die(EXIT_USAGE, "try '%s --help'", tool == GAN_TRAIN ? "gan-train" : "gan-sample");
        set(c, o, optarg);
    }
    if (optind < argc) die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    /* "--a, --b and --c are required (see --help)" when any is missing */
    int nreq = 0, missing = 0;
    const GanOpt *req[NOPTS];
    for (int k = 0; k < NOPTS && !part; k++)
        if (opts[k].required & tool) {
            req[nreq++] = &opts[k];
            if (!*(const char **)((const char *)c + opts[k].off)) missing = 1;
        }
    if (missing) {
        char msg[512] = "", name[32];
        for (int k = 0; k < nreq; k++) {
            shown(req[k], name, sizeof name);
            size_t n = strlen(msg);
            snprintf(msg + n, sizeof msg - n, "%s%s", k == 0 ? "" : k + 1 < nreq ? ", " : " and ",
                     name);
        }
        die(EXIT_USAGE, "%s are required (see --help)", msg);
    }
    if (!isnan(c->tail_q) && !(c->tail_q > 0 && c->tail_q < 1))
        die(EXIT_USAGE, "--tail-cut: %g is not a quantile in (0, 1)", c->tail_q);
    if (c->tail_list && isnan(c->tail_q)) die(EXIT_USAGE, "--tail-cols needs --tail-cut Q");
    /* no default: every column would cut eta and phi too, and several cuts drop more events */
    if (!isnan(c->tail_q) && !c->tail_list) die(EXIT_USAGE, "--tail-cut needs --tail-cols LIST (the columns cut)");
    if (c->range_name && strcmp(c->range_name, "0,1") != 0 && strcmp(c->range_name, "-1,1") != 0)
        die(EXIT_USAGE, "--scale-range: '%s' is not -1,1 or 0,1", c->range_name);
    c->range01 = c->range_name && strcmp(c->range_name, "0,1") == 0;
    c->device = device_parse("--device", c->device_name);
    /* on a GPU bf16 is cuBLAS's (the CUDA build targets sm_90, which has it); on the CPU it
     * needs oneDNN and a bfloat16 ISA (bf16.h) */
    c->precision = precision_parse("--precision", c->precision_name);
    if (c->device == DEVICE_CUDA)
        c->precision = c->precision == PREC_FP32 ? PREC_FP32 : PREC_BF16;
    else
        c->precision = precision_resolve("--precision", c->precision);
    if (tool == GAN_TRAIN) {
        if (strcmp(c->arch_name, "mlp") == 0) c->arch = GAN_ARCH_MLP;
        else if (strcmp(c->arch_name, "calo") == 0) c->arch = GAN_ARCH_CALO;
        else die(EXIT_USAGE, "--model: unknown model '%s' (mlp|calo)", c->arch_name);
        if (!c->score) c->score = c->arch == GAN_ARCH_CALO ? "calo" : "w1";
        if (!score_known(c->score))
            die(EXIT_USAGE, "--score: unknown score '%s' (%s)", c->score, score_names());
        if (part) return;
        c->nout = split_list("--out-cols", c->out_list, &c->out_cols);
        c->ncond = c->cond_list && *c->cond_list
                       ? split_list("--cond-cols", c->cond_list, &c->cond_cols) : 0;
        /* a name twice would train on one column twice (out) or feed it twice (cond) */
        for (int i = 0; i < c->nout + c->ncond; i++)
            for (int j = 0; j < i; j++) {
                const char *a = i < c->nout ? c->out_cols[i] : c->cond_cols[i - c->nout];
                const char *b = j < c->nout ? c->out_cols[j] : c->cond_cols[j - c->nout];
                if (strcmp(a, b) == 0)
                    die(EXIT_USAGE, "%s: column '%s' named twice%s", i < c->nout ? "--out-cols" : "--cond-cols",
                        a, j < c->nout && i >= c->nout ? " (it is in --out-cols too)" : "");
            }
    }
}

void gan_config_parse(GanConfig *c, int tool, int argc, char **argv)
{
    parse(c, tool, argc, argv, 0);
}

void gan_config_parse_part(GanConfig *c, int tool, int argc, char **argv)
{
    parse(c, tool, argc, argv, 1);
}

void gan_config_free(GanConfig *c)
{
    if (c->out_cols) free(c->out_cols[0]), free(c->out_cols);
    if (c->cond_cols) free(c->cond_cols[0]), free(c->cond_cols);
    c->out_cols = c->cond_cols = NULL;
}
