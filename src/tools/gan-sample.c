/* gan-sample — generate events from a trained generator model (see gan-sample(1)). */
#include <cblas.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/csvio.h"
#include "model/device.h"
#include "model/gtm.h"
#include "model/nn.h"
#include "base/numfmt.h"
#include "base/rng.h"
#include "base/util.h"
#ifdef GANTUNE_CUDA
#include "cuda/gcu.h"
#endif

static const char usage[] =
    "usage: gan-sample --model FILE (--events N | --cond FILE [--events N]) [--seed S]\n"
    "                  [--threads N] [--device cpu|cuda] -o OUT\n";

enum { CHUNK = 4096 };   /* rows per inference batch: workspace stays small and in cache */

/* Text is the bottleneck (snprintf costs more than the network): numfmt's fast %g, 7
 * significant digits for generated floats, 9 for the copied conditions, one buffer per chunk. */
int main(int argc, char **argv)
{
    set_progname(argv[0]);
    static const struct option lo[] = {
        {"model", 1, 0, 'm'}, {"events", 1, 0, 'n'}, {"cond", 1, 0, 'c'}, {"seed", 1, 0, 's'},
        {"threads", 1, 0, 'T'}, {"device", 1, 0, 'X'}, {"output", 1, 0, 'o'},
        {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    const char *model = NULL, *cond = NULL, *out = NULL;
    long events = -1, threads = 1;
    uint64_t seed = 1;
    Device dev = DEVICE_CPU;
    int ch;
    while ((ch = getopt_long(argc, argv, "o:h", lo, NULL)) != -1) {
        switch (ch) {
        case 'm': model = optarg; break;
        case 'n': events = parse_long("--events", optarg, 1, 1L << 40); break;
        case 'c': cond = optarg; break;
        case 's': seed = parse_u64("--seed", optarg); break;
        case 'T': threads = parse_long("--threads", optarg, 1, 1024); break;
        case 'X': dev = device_parse("--device", optarg); break;
        case 'o': out = optarg; break;
        case 'h': fputs(usage, stdout); return EXIT_OK;
        default: fputs(usage, stderr); return EXIT_USAGE;
        }
    }
    if (optind < argc) die(EXIT_USAGE, "unexpected argument '%s'", argv[optind]);
    if (!model || !out) die(EXIT_USAGE, "--model and -o are required (see --help)");
    if (!cond && events < 0) die(EXIT_USAGE, "--events is required without --cond");
    device_require(dev);   /* cuda without CUDA support or without a GPU: exit 1 at once */
    openblas_set_num_threads((int)threads);

    GtmModel m;
    gtm_load(model, &m);
    const int nc = m.ncond, nz = m.nnoise, no = m.nout, ngi = nc + nz;
    if (nc && !cond) die(EXIT_USAGE, "%s: conditional model (%d conditions): --cond FILE needed", model, nc);
    if (!nc && cond) die(EXIT_USAGE, "%s: the model has no conditions; drop --cond", model);
    size_t n = (size_t)events;
    double *cv = NULL;
    if (cond) {
        CsvReader *r = csv_open(cond);
        for (int j = 0; j < nc; j++)
            if (csv_find(r, m.cond_names[j]) < 0)
                die(EXIT_USAGE, "%s: condition column '%s' not found", cond, m.cond_names[j]);
        csv_close(r);
        cv = csv_load_cols(cond, nc, m.cond_names, events > 0 ? (size_t)events : 0, &n);
    }

    Rng rng;
    rng_seed2(&rng, seed, 5);
    float *in = xmalloc((size_t)CHUNK * ngi * sizeof *in), *z = xmalloc((size_t)CHUNK * nz * sizeof *z);
    float *h1 = xmalloc((size_t)CHUNK * m.gw * sizeof *h1), *h2 = xmalloc((size_t)CHUNK * m.gw * sizeof *h2);
    float *y = xmalloc((size_t)CHUNK * no * sizeof *y);
    char *text = xmalloc((size_t)CHUNK * (nc + no) * (NUMFMT_MAX + 1) + 1);
    double *scale = xmalloc(2 * (size_t)(nc + no) * sizeof *scale), *cw = scale + no;
    for (int j = 0; j < no; j++) scale[j] = m.out_hi[j] > m.out_lo[j] ? m.out_hi[j] - m.out_lo[j] : 1.0;
    for (int j = 0; j < nc; j++) cw[j] = m.cond_hi[j] > m.cond_lo[j] ? m.cond_hi[j] - m.cond_lo[j] : 1.0;

#ifdef GANTUNE_CUDA
    /* --device cuda: the same inputs (conditions ++ this seed's noise) through the generator
     * on the GPU (cuda/gan.cu), so the events match the CPU's up to float rounding */
    GcuSampler *gpu = dev == DEVICE_CUDA
        ? gcu_sampler_create(ngi, m.gw, no, m.G.p, m.G.rm1, CHUNK) : NULL;
#endif
    AtomicOut *o = aout_open(out);
    for (int j = 0; j < nc; j++) aout_printf(o, "%s,", m.cond_names[j]);
    for (int j = 0; j < no; j++) aout_printf(o, "%s%c", m.out_names[j], j + 1 < no ? ',' : '\n');
    for (size_t s = 0; s < n; s += CHUNK) {
        int b = n - s < CHUNK ? (int)(n - s) : CHUNK;
        rng_normal_fill(&rng, z, (size_t)b * nz);
        for (int i = 0; i < b; i++) {
            float *row = in + (size_t)i * ngi;
            for (int j = 0; j < nc; j++)
                row[j] = (float)(2.0 * (cv[(s + i) * nc + j] - m.cond_lo[j]) / cw[j] - 1.0);
            memcpy(row + nc, z + (size_t)i * nz, (size_t)nz * sizeof *z);
        }
#ifdef GANTUNE_CUDA
        if (gpu) gcu_sampler_run(gpu, b, in, y); else
#endif
        {
        gan_mlp_fwd_infer(&m.G, b, in, h1, h2, y);
        nn_tanh_fwd((int64_t)b * no, y);
        }
        char *p = text;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < nc; j++) {
                p += numfmt_g(p, cv[(s + i) * nc + j], 9);
                *p++ = ',';
            }
            for (int j = 0; j < no; j++) {
                p += numfmt_g(p, (y[(size_t)i * no + j] + 1.0) * 0.5 * scale[j] + m.out_lo[j], 7);
                *p++ = j + 1 < no ? ',' : '\n';
            }
        }
        aout_write(o, text, (size_t)(p - text));
    }
    aout_commit(o);
#ifdef GANTUNE_CUDA
    gcu_sampler_destroy(gpu);
#endif
    free(in), free(z), free(h1), free(h2), free(y), free(text), free(scale), free(cv);
    gtm_free(&m);
    return EXIT_OK;
}
