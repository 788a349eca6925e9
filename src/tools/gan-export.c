/* gan-export — a model file's generator for other software: an ONNX graph (--onnx), or the
 * noise stream gan-sample draws for a seed (--noise), to feed that graph the same inputs.
 * See gan-export(1). */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/numfmt.h"
#include "base/pb.h"
#include "base/util.h"
#include "model/gtm.h"
#include "model/onnx.h"
#include "model/sample.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: gan-export --onnx MODEL.gtm -o generator.onnx\n"
        "       gan-export --noise MODEL.gtm --events N [--seed S] [-o noise.csv]\n"
        "  --onnx MODEL      write MODEL's generator as an ONNX graph (IR version %d, opset %d):\n"
        "                    inputs conditions [N x ncond] (conditional models) and noise\n"
        "                    [N x noise_dim], output events [N x nout] in physical units; column\n"
        "                    names and ranges in the graph's metadata (gantune.*)\n"
        "  --noise MODEL     write the first N rows of the standard-normal noise gan-sample and\n"
        "                    libgantune draw for seed S (columns z1..zK, 9 significant digits,\n"
        "                    exact for float32)\n"
        "  -n, --events N    rows of noise (--noise)\n"
        "  -s, --seed S      seed of the noise stream (default 1, gan-sample's default)\n"
        "  -o, --output F    output file (default: standard output for --noise; required for\n"
        "                    --onnx)\n"
        "  -h, --help        this help\n",
        ONNX_IR_VERSION, ONNX_OPSET);
}

static void export_onnx(const char *model, const char *out)
{
    GtmModel m;
    gtm_load(model, &m);
    Pb b = {0};
    const char *why = onnx_generator(&m, &b);
    if (why) die(EXIT_RUNTIME, "%s: cannot export: %s", model, why);
    AtomicOut *o = aout_open(out);
    aout_write(o, b.p, b.n);
    aout_commit(o);
    pb_free(&b);
    gtm_free(&m);
}

static void export_noise(const char *model, long events, uint64_t seed, const char *out)
{
    GtmModel m;
    gtm_load(model, &m);
    Sampler S;
    if (sampler_init(&S, &m)) die(EXIT_RUNTIME, "out of memory");
    sampler_seed(&S, seed);
    const int nz = m.nnoise;
    char *text = xmalloc((size_t)SAMPLE_BLOCK * nz * (NUMFMT_MAX + 1) + 1);
    AtomicOut *o = aout_open(out);
    for (int j = 0; j < nz; j++) aout_printf(o, "z%d%c", j + 1, j + 1 < nz ? ',' : '\n');
    for (long s = 0; s < events; s += SAMPLE_BLOCK) {
        int b = events - s < SAMPLE_BLOCK ? (int)(events - s) : SAMPLE_BLOCK;
        sampler_noise(&S, (size_t)b, S.z);
        char *p = text;
        for (int i = 0; i < b; i++)
            for (int j = 0; j < nz; j++) {
                p += numfmt_g(p, S.z[(size_t)i * nz + j], 9);
                *p++ = j + 1 < nz ? ',' : '\n';
            }
        aout_write(o, text, (size_t)(p - text));
    }
    aout_commit(o);
    free(text);
    sampler_free(&S);
    gtm_free(&m);
}

int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option opts[] = {
        {"onnx", required_argument, NULL, 'x'},
        {"noise", required_argument, NULL, 'z'},
        {"events", required_argument, NULL, 'n'},
        {"seed", required_argument, NULL, 's'},
        {"output", required_argument, NULL, 'o'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *onnx = NULL, *noise = NULL, *out = NULL;
    long events = -1;
    uint64_t seed = 1;
    int c;
    while ((c = getopt_long(argc, argv, "n:s:o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'x': onnx = optarg; break;
        case 'z': noise = optarg; break;
        case 'n': events = parse_long("--events", optarg, 0, 1L << 40); break;
        case 's': seed = parse_u64("--seed", optarg); break;
        case 'o': out = optarg; break;
        case 'h': usage(stdout); check_stdout(); return EXIT_OK;
        default: die(EXIT_USAGE, "try 'gan-export --help'");
        }
    }
    if (optind < argc) die(EXIT_USAGE, "unexpected argument '%s' (try --help)", argv[optind]);
    if (!onnx == !noise) die(EXIT_USAGE, "give exactly one of --onnx MODEL and --noise MODEL");
    if (onnx) {
        if (!out) die(EXIT_USAGE, "--onnx needs -o FILE (the graph is binary)");
        if (events >= 0) die(EXIT_USAGE, "--events is for --noise");
        export_onnx(onnx, out);
    } else {
        if (events < 0) die(EXIT_USAGE, "--noise needs --events N");
        export_noise(noise, events, seed, out ? out : "-");
    }
    return EXIT_OK;
}
