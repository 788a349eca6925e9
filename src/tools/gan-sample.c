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
#include "base/numfmt.h"
#include "base/rng.h"
#include "base/util.h"
#ifdef GANTUNE_CUDA
#include "cuda/gcu.h"
#endif

enum { CHUNK = 4096 };   /* rows per inference batch: workspace stays small and in cache */

/* Text is the bottleneck (snprintf costs more than the network): numfmt's fast %g, 7
 * significant digits for generated floats, 9 for the copied conditions, one buffer per chunk. */
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
            if (csv_find(r, m.cond_names[j]) < 0)   /* named by the model: the file is wrong */
                csv_fail(r, "no condition column '%s' in the header (%s needs it)", m.cond_names[j], model);
        csv_close(r);
        cv = csv_load_cols(cond, nc, m.cond_names, events > 0 ? (size_t)events : 0, &n);
    }

    Rng rng;
    rng_seed2(&rng, cfg.seed, 5);
    float *in = xmalloc((size_t)CHUNK * ngi * sizeof *in), *z = xmalloc((size_t)CHUNK * nz * sizeof *z);
    float *work = xmalloc((size_t)net_infer_floats(&m.G.lay, CHUNK) * sizeof *work);
    float *y = xmalloc((size_t)CHUNK * no * sizeof *y);
    char *text = xmalloc((size_t)CHUNK * (nc + no) * (NUMFMT_MAX + 1) + 1);
    double *scale = xmalloc(2 * (size_t)(nc + no) * sizeof *scale), *cw = scale + no;
    for (int j = 0; j < no; j++) scale[j] = m.out_hi[j] > m.out_lo[j] ? m.out_hi[j] - m.out_lo[j] : 1.0;
    for (int j = 0; j < nc; j++) cw[j] = m.cond_hi[j] > m.cond_lo[j] ? m.cond_hi[j] - m.cond_lo[j] : 1.0;

#ifdef GANTUNE_CUDA
    /* --device cuda: the same inputs (conditions ++ this seed's noise) through the generator
     * on the GPU (cuda/gan.cu), so the events match the CPU's up to float rounding */
    GcuSampler *gpu = cfg.device == DEVICE_CUDA ? gcu_sampler_create(&m.G, CHUNK) : NULL;
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
        net_fwd_infer(&m.G, b, in, work, y);   /* tanh included */
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
    free(in), free(z), free(work), free(y), free(text), free(scale), free(cv);
    gtm_free(&m);
    return EXIT_OK;
}
