/* gan-sample — generate events from a trained generator model (see gan-sample(1)). */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/atomic.h"
#include "base/csvio.h"
#include "model/device.h"
#include "model/ensemble.h"
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

/* b events as CSV text into text: conditions cv [b x nc] (9 significant digits), then the
 * generated ev [b x no] (7); returns the bytes. */
static size_t format_block(char *text, int b, int nc, const double *cv, int no, const double *ev)
{
    char *p = text;
    for (int i = 0; i < b; i++) {
        for (int j = 0; j < nc; j++) {
            p += numfmt_g(p, cv[(size_t)i * nc + j], 9);
            *p++ = ',';
        }
        for (int j = 0; j < no; j++) {
            p += numfmt_g(p, ev[(size_t)i * no + j], 7);
            *p++ = j + 1 < no ? ',' : '\n';
        }
    }
    return (size_t)(p - text);
}

/* The conditions file's columns the model names (n rows, at most events > 0), or NULL. */
static double *load_cond(const char *cond, const GtmModel *m, const char *model, long events,
                         size_t *n)
{
    if (!cond) return NULL;
    CsvReader *r = csv_open(cond);
    for (int j = 0; j < m->ncond; j++)
        if (csv_find(r, m->cond_names[j]) < 0)   /* named by the model: the file is wrong */
            csv_fail(r, "no condition column '%s' in the header (%s needs it)", m->cond_names[j], model);
    csv_close(r);
    return csv_load_cols(cond, m->ncond, m->cond_names, events > 0 ? (size_t)events : 0, n);
}

/* An ensemble (model/ensemble.h): --model FILE.gte, or repeated --model with --mix. Each event
 * picks its component from the seed's pick stream; the components' events come from their
 * own samplers (CPU, float32), gathered per component and block and scattered back. */
static void sample_ensemble(const GanConfig *cfg)
{
    Ensemble e;
    if (cfg->nmodels == 1 && !cfg->mix) {
        ensemble_load(cfg->model, &e);
    } else {
        if (!cfg->mix) die(EXIT_USAGE, "%d --model files: --mix uniform or --mix W1,W2,... needed", cfg->nmodels);
        double mix[GAN_MAX_MODELS];
        if (strcmp(cfg->mix, "uniform") == 0) {
            for (int k = 0; k < cfg->nmodels; k++) mix[k] = 1.0;
        } else {
            char **v;
            int nv = split_list("--mix", cfg->mix, &v);
            if (nv != cfg->nmodels) die(EXIT_USAGE, "--mix: %d weights for %d --model files", nv, cfg->nmodels);
            for (int k = 0; k < nv; k++) mix[k] = parse_double("--mix", v[k], 1e-300, 1e300);
            free(v[0]), free(v);
        }
        ensemble_make(&e, cfg->nmodels, cfg->models, mix);
    }
    if (cfg->device != DEVICE_CPU || cfg->precision != PREC_FP32)
        die(EXIT_USAGE, "an ensemble samples on the CPU in fp32 (--device cpu --precision fp32)");
    const int K = e.n;
    GtmModel *m = xmalloc((size_t)K * sizeof *m);
    Sampler *S = xmalloc((size_t)K * sizeof *S);
    for (int k = 0; k < K; k++) {
        gtm_load(e.paths[k], &m[k]);
        /* one event layout: the same columns, in the same order, in every component */
        int same = m[k].nout == m[0].nout && m[k].ncond == m[0].ncond;
        for (int j = 0; same && j < m[0].nout; j++) same = !strcmp(m[k].out_names[j], m[0].out_names[j]);
        for (int j = 0; same && j < m[0].ncond; j++) same = !strcmp(m[k].cond_names[j], m[0].cond_names[j]);
        if (!same) die(EXIT_RUNTIME, "%s: other columns than %s (an ensemble's components share them)", e.paths[k], e.paths[0]);
        if (sampler_init(&S[k], &m[k])) die(EXIT_RUNTIME, "out of memory");
        sampler_seed(&S[k], ensemble_component_seed(cfg->seed, k));
    }
    const int nc = m[0].ncond, no = m[0].nout;
    if (nc && !cfg->cond) die(EXIT_USAGE, "%s: conditional model (%d conditions): --cond FILE needed", e.paths[0], nc);
    if (!nc && cfg->cond) die(EXIT_USAGE, "%s: the model has no conditions; drop --cond", e.paths[0]);
    size_t n = (size_t)cfg->events;
    double *cv = load_cond(cfg->cond, &m[0], e.paths[0], cfg->events, &n);
    Rng pick;
    rng_seed2(&pick, cfg->seed, ENSEMBLE_STREAM_PICK);
    int *comp = xmalloc(SAMPLE_BLOCK * sizeof *comp), *rows = xmalloc(SAMPLE_BLOCK * sizeof *rows);
    double *cb = xmalloc(((size_t)SAMPLE_BLOCK * nc + 1) * sizeof *cb);
    double *ev = xmalloc((size_t)SAMPLE_BLOCK * no * sizeof *ev);
    char *text = xmalloc((size_t)SAMPLE_BLOCK * (nc + no) * (NUMFMT_MAX + 1) + 1);
    AtomicOut *o = aout_open(cfg->output);
    for (int j = 0; j < nc; j++) aout_printf(o, "%s,", m[0].cond_names[j]);
    for (int j = 0; j < no; j++) aout_printf(o, "%s%c", m[0].out_names[j], j + 1 < no ? ',' : '\n');
    for (size_t s = 0; s < n; s += SAMPLE_BLOCK) {
        int b = n - s < SAMPLE_BLOCK ? (int)(n - s) : SAMPLE_BLOCK;
        for (int i = 0; i < b; i++) comp[i] = ensemble_pick(&e, rng_uniform(&pick));
        for (int k = 0; k < K; k++) {
            int r = 0;
            for (int i = 0; i < b; i++)
                if (comp[i] == k) {
                    if (nc) memcpy(cb + (size_t)r * nc, cv + (s + (size_t)i) * nc, (size_t)nc * sizeof *cb);
                    rows[r++] = i;
                }
            if (!r) continue;
            sampler_noise(&S[k], (size_t)r, S[k].z);
            sampler_run(&S[k], r, cb, S[k].z, S[k].ev);
            for (int q = 0; q < r; q++)
                memcpy(ev + (size_t)rows[q] * no, S[k].ev + (size_t)q * no, (size_t)no * sizeof *ev);
        }
        aout_write(o, text, format_block(text, b, nc, cv ? cv + s * nc : NULL, no, ev));
    }
    aout_commit(o);
    for (int k = 0; k < K; k++) sampler_free(&S[k]), gtm_free(&m[k]);
    free(m), free(S), free(comp), free(rows), free(cb), free(ev), free(text), free(cv);
    ensemble_free(&e);
}

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
    device_blas_threads(cfg.threads);   /* at most the online CPUs (device.h) */
    if (cfg.nmodels > 1 || cfg.mix || ensemble_is_file(model)) {
        sample_ensemble(&cfg);
        return EXIT_OK;
    }

    GtmModel m;
    gtm_load(model, &m);
    const int nc = m.ncond, no = m.nout;
    if (nc && !cond) die(EXIT_USAGE, "%s: conditional model (%d conditions): --cond FILE needed", model, nc);
    if (!nc && cond) die(EXIT_USAGE, "%s: the model has no conditions; drop --cond", model);
    size_t n = (size_t)events;
    double *cv = load_cond(cond, &m, model, events, &n);

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
        aout_write(o, text, format_block(text, b, nc, cs, no, S.ev));
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
