/* gan-sample — generate events from a trained generator model (see gan-sample(1)). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/csvio.h"
#include "model/device.h"
#include "model/ganconf.h"
#include "model/gtm.h"
#include "model/net.h"
#include "model/sample.h"
#include "base/numfmt.h"
#include "base/rng.h"
#include "base/util.h"
#ifdef GANTUNE_CUDA
#include "cuda/gcu.h"
#endif

/* Text is the bottleneck (snprintf costs more than the network): numfmt's fast %g, 7
 * significant digits for generated floats, 9 for the copied conditions, one buffer per block
 * of SAMPLE_BLOCK rows (model/sample.h; workspace stays small and in cache). */
int main(int argc, char **argv)
{
    set_progname(argv[0]);
    GanConfig cfg;   /* the options; the networks' sizes come from the model file */
    gan_config_parse(&cfg, GAN_SAMPLE, argc, argv);
    const char *model = cfg.model, *cond = cfg.cond, *out = cfg.output;
    const long events = cfg.events;
    if (!cond && events < 0) die(EXIT_USAGE, "--events is required without --cond");
    device_require(cfg.device);   /* cuda without CUDA support or without a GPU: exit 1 at once */
    openblas_set_num_threads(cfg.threads);

    GtmModel m;
    gtm_load(model, &m);
    const int nc = m.ncond, no = m.nout;
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

    /* conditions ++ the seed's noise stream -> events: model/sample.h, the definition the
     * library (include/gantune.h) shares */
    Sampler S;
    if (sampler_init(&S, &m)) die(EXIT_RUNTIME, "out of memory");
    sampler_seed(&S, cfg.seed);
    char *text = xmalloc((size_t)SAMPLE_BLOCK * (nc + no) * (NUMFMT_MAX + 1) + 1);
    /* --precision bf16 on the CPU: the generator's GEMMs through oneDNN, their primitives for
     * a full block and the last one made before the loop */
    Bf16Ctx *bf = NULL;
    if (cfg.precision == PREC_BF16 && cfg.device == DEVICE_CPU) {
        bf = bf16_ctx_create(cfg.threads);
        net_bf16_enable(&m.G);
        net_infer_bf16_prepare(&m.G, bf, n < SAMPLE_BLOCK ? (int)n : SAMPLE_BLOCK);
        if (n > SAMPLE_BLOCK && n % SAMPLE_BLOCK)
            net_infer_bf16_prepare(&m.G, bf, (int)(n % SAMPLE_BLOCK));
    }

#ifdef GANTUNE_CUDA
    /* --device cuda: the same inputs (conditions ++ this seed's noise) through the generator
     * on the GPU (cuda/gan.cu), so the events match the CPU's up to float rounding */
    GcuSampler *gpu = cfg.device == DEVICE_CUDA ? gcu_sampler_create(&m.G, SAMPLE_BLOCK) : NULL;
    if (gpu && cfg.precision == PREC_BF16) gcu_sampler_bf16(gpu);
#endif
    AtomicOut *o = aout_open(out);
    for (int j = 0; j < nc; j++) aout_printf(o, "%s,", m.cond_names[j]);
    for (int j = 0; j < no; j++) aout_printf(o, "%s%c", m.out_names[j], j + 1 < no ? ',' : '\n');
    for (size_t s = 0; s < n; s += SAMPLE_BLOCK) {
        int b = n - s < SAMPLE_BLOCK ? (int)(n - s) : SAMPLE_BLOCK;
        const double *cs = cv ? cv + s * nc : NULL;
        sampler_noise(&S, (size_t)b, S.z);
#ifdef GANTUNE_CUDA
        if (gpu) {
            sampler_inputs(&S, b, cs, S.z);
            gcu_sampler_run(gpu, b, S.in, S.y);
            sampler_outputs(&S, b, S.y, S.ev);
        } else
#endif
        if (bf) {   /* the sampler's inputs and outputs around the bf16 generator */
            sampler_inputs(&S, b, cs, S.z);
            net_fwd_infer_bf16(&m.G, bf, b, S.in, S.work, S.y);   /* tanh included */
            sampler_outputs(&S, b, S.y, S.ev);
        } else {
            sampler_run(&S, b, cs, S.z, S.ev);
        }
        char *p = text;
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < nc; j++) {
                p += numfmt_g(p, cv[(s + i) * nc + j], 9);
                *p++ = ',';
            }
            for (int j = 0; j < no; j++) {
                p += numfmt_g(p, S.ev[(size_t)i * no + j], 7);
                *p++ = j + 1 < no ? ',' : '\n';
            }
        }
        aout_write(o, text, (size_t)(p - text));
    }
    aout_commit(o);
#ifdef GANTUNE_CUDA
    gcu_sampler_destroy(gpu);
#endif
    sampler_free(&S);
    free(text), free(cv);
    bf16_ctx_free(bf);
    gtm_free(&m);
    return EXIT_OK;
}
